{%- set uuids = cookiecutter.operations | map(attribute="path_params") | sum(start=[]) | map(attribute="schema") | map("go_param_type") | select("equalto", "openapi_types.UUID") | list -%}
package server

import (
	"net/url"

	"github.com/labstack/echo/v4"
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
func (h *handlers) {{ op.id | go_camel }}(c echo.Context{% for p in op.path_params %}, _ {{ p.schema | go_param_type }}{% endfor %}{% if op.query %}, _ api.{{ op.id | go_camel }}Params{% endif %}) error {
	return h.serve(c, {{ op.id | json_str }})
}
{% endfor %}
// serve hands the request (its path parameters unescaped, its body up to the limit) to the operation.
func (h *handlers) serve(c echo.Context, operationID string) error {
	op, ok := h.svc.Contract.Operation(operationID)
	if !ok {
		return write(c, problemReply(web.NotFound()))
	}
	request := &service.Request{
		HTTP: c.Request(), PathParams: map[string]string{}, ClientIP: web.ClientIP(c.Request(), h.svc.Settings.TrustedProxies),
	}
	values := c.ParamValues()
	for i, name := range c.ParamNames() {
		if value, err := url.PathUnescape(values[i]); err == nil {
			request.PathParams[name] = value
		} else {
			request.PathParams[name] = values[i]
		}
	}
	if op.HasBody() {
		body, tooLarge := web.ReadBody(c.Response(), c.Request(), h.svc.Settings.MaxRequestBodySize)
		if tooLarge != nil {
			return write(c, problemReply(tooLarge))
		}
		request.Body = body
	}
	return write(c, h.svc.Serve(c.Request().Context(), op.ID, request))
}
