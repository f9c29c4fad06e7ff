package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the Prometheus metrics of the server, served at /metrics (observability includes metrics).
type Metrics struct {
	registry *prometheus.Registry
	requests *prometheus.HistogramVec
}

// NewMetrics registers the request histogram and the Go runtime and process collectors.
func NewMetrics() *Metrics {
	registry := prometheus.NewRegistry()
	requests := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "http_request_duration_seconds", Help: "Duration of HTTP requests by method and status.", Buckets: prometheus.DefBuckets,
	}, []string{"method", "status"})
	registry.MustRegister(requests, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return &Metrics{registry: registry, requests: requests}
}

// Observe counts one request (a nil Metrics counts nothing).
func (m *Metrics) Observe(method string, status int, elapsed time.Duration) {
	if m != nil {
		m.requests.WithLabelValues(method, strconv.Itoa(status)).Observe(elapsed.Seconds())
	}
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}
