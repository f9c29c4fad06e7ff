// Package server is the Echo adapter of the API: the Echo routes and the server interface that oapi-codegen
// generates from openapi.yaml (internal/api), implemented by handlers.go, which hands each request to
// service.API (the logic, framework-neutral) and writes its Reply with Echo.
package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	spec "{{ cookiecutter.project_slug }}"
	"{{ cookiecutter.project_slug }}/internal/api"
	"{{ cookiecutter.project_slug }}/internal/problem"
	"{{ cookiecutter.project_slug }}/internal/service"
	"{{ cookiecutter.project_slug }}/internal/web"
)

// New is the Echo instance serving the API (metrics nil: no /metrics).
func New(svc *service.API, metrics *web.Metrics) http.Handler {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	h := &handlers{svc: svc, routes: map[string]string{}}
	for _, op := range svc.Contract.Operations() {
		h.routes[op.Method+" "+echoPath(op.Path)] = op.ID
	}
	e.HTTPErrorHandler = errorHandler(h)
	api.RegisterHandlers(e, h)
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

// errorHandler answers Echo's own errors (no route, wrong method, a panic's error) with problem details,
// and a parameter the generated wrapper could not parse (its 400) as every other request is answered: by
// its route's operation, through the service (a 401 first, else a located 422).
func errorHandler(h *handlers) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		var httpErr *echo.HTTPError
		isHTTP := errors.As(err, &httpErr)
		if operationID, ok := h.routes[c.Request().Method+" "+c.Path()]; ok && isHTTP && httpErr.Code == http.StatusBadRequest {
			_ = h.serve(c, operationID)
			return
		}
		p := problem.New(http.StatusInternalServerError, "internal error")
		if isHTTP {
			switch httpErr.Code {
			case http.StatusNotFound:
				p = web.NotFound()
			case http.StatusMethodNotAllowed:
				p = web.MethodNotAllowed(h.svc.Contract.Allowed(c.Request().URL.Path))
			default:
				p = problem.New(httpErr.Code, http.StatusText(httpErr.Code))
			}
		}
		_ = write(c, problemReply(p))
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
