{%- macro go_type(schema) -%}
{%- if schema.type == "integer" -%}{{ {"int32": "int32", "int64": "int64"}.get(schema.get("format"), "int") }}
{%- elif schema.get("format") == "uuid" -%}openapi_types.UUID
{%- else -%}string
{%- endif -%}
{%- endmacro -%}
{%- set uuids = cookiecutter.operations | map(attribute="path_params") | sum(start=[]) | map(attribute="schema") | selectattr("format", "defined") | selectattr("format", "equalto", "uuid") | list -%}
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

// handlers implements api.ServerInterface, generated from openapi.yaml: one method per operation, so an
// operation added to the contract does not build until it has its method here. Each method hands the
// request to service.API, which authenticates first, then checks every parameter and the body against the
// contract (internal/contract). The values the generated wrapper parsed are not used: the service reads
// the raw ones, so a 422 locates every problem at once and never comes before a 401.
type handlers struct {
	svc *service.API
	// the operationId of each route ("GET /api/v1/books/:book_id"), for the wrapper's binding errors
	routes map[string]string
}

var _ api.ServerInterface = (*handlers)(nil)
{% for op in cookiecutter.operations %}
// {{ op.id | go_camel }}: {{ op.method }} {{ op.path }}.
func (h *handlers) {{ op.id | go_camel }}(c *gin.Context{% for p in op.path_params %}, _ {{ go_type(p.schema) }}{% endfor %}{% if op.query %}, _ api.{{ op.id | go_camel }}Params{% endif %}) {
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
