// Package server is the Gin adapter of the API: the Gin routes and the server interface that oapi-codegen
// generates from openapi.yaml (internal/api), implemented by handlers.go, which hands each request to
// service.API (the logic, framework-neutral) and writes its Reply with Gin.
package server

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	spec "{{ cookiecutter.project_slug }}"
	"{{ cookiecutter.project_slug }}/internal/api"
	"{{ cookiecutter.project_slug }}/internal/problem"
	"{{ cookiecutter.project_slug }}/internal/service"
	"{{ cookiecutter.project_slug }}/internal/web"
)

// New is the Gin engine serving the API (metrics nil: no /metrics).
func New(svc *service.API, metrics *web.Metrics) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	engine := gin.New()
	// internal/web reads X-Forwarded-For from TRUSTED_PROXIES only: Gin's own client IP is not used
	_ = engine.SetTrustedProxies(nil)
	engine.HandleMethodNotAllowed = true
	engine.RedirectTrailingSlash = false
	engine.RedirectFixedPath = false
	engine.ContextWithFallback = true
	h := &handlers{svc: svc, routes: map[string]string{}}
	for _, op := range svc.Contract.Operations() {
		h.routes[op.Method+" "+ginPath(op.Path)] = op.ID
	}
	api.RegisterHandlersWithOptions(engine, h, api.GinServerOptions{ErrorHandler: h.rejected})
	engine.GET("/openapi.yaml", func(c *gin.Context) { c.Data(http.StatusOK, "application/yaml", spec.OpenAPI) })
	if metrics != nil {
		engine.GET("/metrics", gin.WrapH(metrics.Handler()))
	}
	engine.NoRoute(func(c *gin.Context) { write(c, problemReply(web.NotFound())) })
	engine.NoMethod(func(c *gin.Context) {
		write(c, problemReply(web.MethodNotAllowed(svc.Contract.Allowed(c.Request.URL.Path))))
	})
	return engine
}

// ginPath is a contract path template (`/books/{book_id}`) in Gin's syntax (`/books/:book_id`).
func ginPath(template string) string {
	segments := strings.Split(template, "/")
	for i, s := range segments {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			segments[i] = ":" + strings.Trim(s, "{}")
		}
	}
	return strings.Join(segments, "/")
}

func problemReply(p *problem.Problem) *service.Reply {
	return &service.Reply{Status: p.Status, Body: p, Header: p.Header}
}

// write sends a Reply with Gin: its headers, cookies, then the JSON body (none for a 204).
func write(c *gin.Context, reply *service.Reply) {
	for name, values := range reply.Header {
		c.Writer.Header()[name] = values // replaces what the framework set (its own Allow)
	}
	for _, cookie := range reply.Cookies {
		http.SetCookie(c.Writer, cookie)
	}
	contentType, data := web.Encoded(reply)
	if data == nil {
		c.Status(reply.Status)
		c.Writer.WriteHeaderNow()
		return
	}
	c.Data(reply.Status, contentType, data)
}
