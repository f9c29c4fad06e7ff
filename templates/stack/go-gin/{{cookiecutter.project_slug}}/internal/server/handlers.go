{%- set uuids = cookiecutter.operations | map(attribute="path_params") | sum(start=[]) | map(attribute="schema") | map("go_param_type") | select("equalto", "openapi_types.UUID") | list -%}
package server

import (
	"github.com/gin-gonic/gin"
{%- if uuids %}
	openapi_types "github.com/oapi-codegen/runtime/types"
{%- endif %}

	"{{ cookiecutter.project_slug }}/internal/api"
	"{{ cookiecutter.project_slug }}/internal/service"
	"{{ cookiecutter.project_slug }}/internal/web"
)

var _ api.ServerInterface = (*handlers)(nil)
{% for op in cookiecutter.operations %}
// {{ op.id | go_camel }}: {{ op.method }} {{ op.path }}.
func (h *handlers) {{ op.id | go_camel }}(c *gin.Context{% for p in op.path_params %}, _ {{ p.schema | go_param_type }}{% endfor %}{% if op.query %}, _ api.{{ op.id | go_camel }}Params{% endif %}) {
	h.serve(c, {{ op.id | json_str }})
}
{% endfor %}
// rejected answers a request whose parameter the generated wrapper could not parse as every other request
// is answered: by its route's operation, through the service (a 401 first, else a located 422).
func (h *handlers) rejected(c *gin.Context, _ error, _ int) {
	if operationID, ok := h.routes[c.Request.Method+" "+c.FullPath()]; ok {
		h.serve(c, operationID)
		return
	}
	write(c, problemReply(web.NotFound()))
}

// serve hands the request (its path parameters as sent, its body up to the limit) to the operation.
func (h *handlers) serve(c *gin.Context, operationID string) {
	op, ok := h.svc.Contract.Operation(operationID)
	if !ok {
		write(c, problemReply(web.NotFound()))
		return
	}
	request := &service.Request{
		HTTP: c.Request, PathParams: map[string]string{}, ClientIP: web.ClientIP(c.Request, h.svc.Settings.TrustedProxies),
	}
	for _, p := range c.Params {
		request.PathParams[p.Key] = p.Value
	}
	if op.HasBody() {
		body, tooLarge := web.ReadBody(c.Writer, c.Request, h.svc.Settings.MaxRequestBodySize)
		if tooLarge != nil {
			write(c, problemReply(tooLarge))
			return
		}
		request.Body = body
	}
	write(c, h.svc.Serve(c.Request.Context(), op.ID, request))
}
