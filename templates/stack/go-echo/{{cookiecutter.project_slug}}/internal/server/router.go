// Package server is the Echo adapter of the API: one Echo route per operation of openapi.yaml, each handing
// the request to service.API (the logic, framework-neutral) and writing its Reply with Echo.
package server

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	spec "{{ cookiecutter.project_slug }}"
	"{{ cookiecutter.project_slug }}/internal/contract"
	"{{ cookiecutter.project_slug }}/internal/problem"
	"{{ cookiecutter.project_slug }}/internal/service"
	"{{ cookiecutter.project_slug }}/internal/web"
)

// New is the Echo instance serving the API (metrics nil: no /metrics).
func New(api *service.API, metrics *web.Metrics) http.Handler {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = errorHandler(api)
	for _, op := range api.Contract.Operations() {
		e.Add(op.Method, echoPath(op.Path), handler(api, op))
	}
	e.GET("/openapi.yaml", func(c echo.Context) error { return c.Blob(http.StatusOK, "application/yaml", spec.OpenAPI) })
	if metrics != nil {
		e.GET("/metrics", echo.WrapHandler(metrics.Handler()))
	}
	return e
}

// echoPath is a contract path template (`/books/{book_id}`) in Echo's syntax (`/books/:book_id`).
func echoPath(template string) string {
	segments := strings.Split(template, "/")
	for i, s := range segments {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			segments[i] = ":" + strings.Trim(s, "{}")
		}
	}
	return strings.Join(segments, "/")
}

// errorHandler answers Echo's own errors (no route, wrong method, a panic's error) with problem details.
func errorHandler(api *service.API) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		var httpErr *echo.HTTPError
		p := problem.New(http.StatusInternalServerError, "internal error")
		if errors.As(err, &httpErr) {
			switch httpErr.Code {
			case http.StatusNotFound:
				p = web.NotFound()
			case http.StatusMethodNotAllowed:
				p = web.MethodNotAllowed(api.Contract.Allowed(c.Request().URL.Path))
			default:
				p = problem.New(httpErr.Code, http.StatusText(httpErr.Code))
			}
		}
		_ = write(c, problemReply(p))
	}
}

func handler(api *service.API, op *contract.Operation) echo.HandlerFunc {
	return func(c echo.Context) error {
		request := &service.Request{
			HTTP: c.Request(), PathParams: map[string]string{}, ClientIP: web.ClientIP(c.Request(), api.Settings.TrustedProxies),
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
			body, tooLarge := web.ReadBody(c.Response(), c.Request(), api.Settings.MaxRequestBodySize)
			if tooLarge != nil {
				return write(c, problemReply(tooLarge))
			}
			request.Body = body
		}
		return write(c, api.Serve(c.Request().Context(), op.ID, request))
	}
}

func problemReply(p *problem.Problem) *service.Reply {
	return &service.Reply{Status: p.Status, Body: p, Header: p.Header}
}

// write sends a Reply with Echo: its headers, cookies, then the JSON body (none for a 204).
func write(c echo.Context, reply *service.Reply) error {
	for name, values := range reply.Header {
		c.Response().Header()[name] = values // replaces what the framework set (its own Allow)
	}
	for _, cookie := range reply.Cookies {
		c.SetCookie(cookie)
	}
	contentType, data := web.Encoded(reply)
	if data == nil {
		return c.NoContent(reply.Status)
	}
	return c.Blob(reply.Status, contentType, data)
}
