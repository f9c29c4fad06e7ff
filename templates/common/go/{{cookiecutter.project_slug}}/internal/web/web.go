// Package web is the HTTP layer every framework shares: the middleware around the framework's router
// (panics as 500 problems, security headers, JSON access logs, Prometheus metrics), the client address
// (X-Forwarded-For believed only from TRUSTED_PROXIES), the body limit (413, chunked bodies too) and the
// encoding of a service.Reply.
package web

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"{{ cookiecutter.project_slug }}/internal/problem"
	"{{ cookiecutter.project_slug }}/internal/service"
)

// securityHeaders go on every response; Cache-Control: API answers are per user, never cached.
var securityHeaders = map[string]string{
	"X-Content-Type-Options":  "nosniff",
	"X-Frame-Options":         "DENY",
	"Referrer-Policy":         "no-referrer",
	"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
	"Cache-Control":           "no-store",
}

// Wrap puts the shared middleware around a framework's router.
func Wrap(next http.Handler, log *slog.Logger, metrics *Metrics) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for name, value := range securityHeaders {
			w.Header().Set(name, value)
		}
		recorder := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		start := time.Now()
		defer func() {
			if failure := recover(); failure != nil {
				if failure == http.ErrAbortHandler {
					panic(failure)
				}
				log.ErrorContext(r.Context(), "panic", "error", failure, "path", r.URL.Path)
				if !recorder.wrote {
					problem.New(http.StatusInternalServerError, "internal error").Write(recorder)
				}
			}
			elapsed := time.Since(start)
			metrics.Observe(r.Method, recorder.status, elapsed)
			log.InfoContext(r.Context(), "request", "method", r.Method, "path", r.URL.Path, "status", recorder.status,
				"duration_ms", elapsed.Milliseconds())
		}()
		next.ServeHTTP(recorder, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusRecorder) WriteHeader(status int) {
	if !s.wrote {
		s.status, s.wrote = status, true
	}
	s.ResponseWriter.WriteHeader(status)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// ClientIP is the address of the client: the peer, or when the peer is a trusted proxy, the nearest address
// of X-Forwarded-For that is not one.
func ClientIP(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	peer = peer.Unmap()
	if !isTrusted(peer, trusted) {
		return peer.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if hop = hop.Unmap(); !isTrusted(hop, trusted) {
			return hop.String()
		}
	}
	return peer.String()
}

func isTrusted(addr netip.Addr, trusted []netip.Prefix) bool {
	for _, prefix := range trusted {
		if prefix.Contains(addr) {
			return true
		}
	}
	return false
}

// ReadBody reads at most limit bytes of the body: a larger one (declared or streamed) is a 413, before any
// parsing.
func ReadBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, *problem.Problem) {
	tooLarge := problem.New(http.StatusRequestEntityTooLarge, "the request body is larger than the limit")
	if r.ContentLength > limit {
		return nil, tooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		return nil, tooLarge
	}
	if err != nil {
		return nil, problem.New(http.StatusBadRequest, "the request body could not be read")
	}
	return body, nil
}

// Encoded is the Content-Type and bytes of a reply's body (nil for none).
func Encoded(reply *service.Reply) (string, []byte) {
	if reply.Body == nil {
		return "", nil
	}
	contentType := "application/json"
	if _, isProblem := reply.Body.(*problem.Problem); isProblem {
		contentType = problem.ContentType
	}
	data, err := json.Marshal(reply.Body)
	if err != nil {
		return problem.ContentType, []byte(`{"type":"about:blank","title":"Internal Server Error","status":500,"detail":"internal error"}`)
	}
	return contentType, data
}

// NotFound is the problem of a path the contract does not have; MethodNotAllowed of a method it lacks.
func NotFound() *problem.Problem { return problem.New(http.StatusNotFound, "no such resource") }

// MethodNotAllowed is a 405 listing the methods of the path.
func MethodNotAllowed(allowed []string) *problem.Problem {
	return problem.New(http.StatusMethodNotAllowed, "method not allowed").With("Allow", strings.Join(allowed, ", "))
}
