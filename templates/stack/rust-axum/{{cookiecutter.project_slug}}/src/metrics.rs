//! Prometheus metrics (text exposition at /metrics): requests by operation, method and status, and their
//! latency by operation.

use std::time::Duration;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder};

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
}

impl Metrics {
    pub fn new() -> Result<Self, String> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by operation, method and status",
            ),
            &["operation", "method", "status"],
        )
        .map_err(|error| error.to_string())?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "HTTP request latency by operation",
            ),
            &["operation"],
        )
        .map_err(|error| error.to_string())?;
        registry
            .register(Box::new(requests.clone()))
            .map_err(|error| error.to_string())?;
        registry
            .register(Box::new(latency.clone()))
            .map_err(|error| error.to_string())?;
        Ok(Self {
            registry,
            requests,
            latency,
        })
    }

    pub fn observe(&self, operation: &str, method: &str, status: u16, elapsed: Duration) {
        self.requests
            .with_label_values(&[operation, method, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[operation])
            .observe(elapsed.as_secs_f64());
    }

    /// The text exposition of every metric.
    pub fn render(&self) -> Response {
        let mut text = Vec::new();
        let encoder = TextEncoder::new();
        if encoder.encode(&self.registry.gather(), &mut text).is_err() {
            text.clear();
        }
        ([(header::CONTENT_TYPE, encoder.format_type().to_owned())], text).into_response()
    }
}
