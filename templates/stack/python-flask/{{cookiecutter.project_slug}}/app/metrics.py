"""Prometheus metrics on GET /metrics (left out of the OpenAPI contract).

http_request_duration_seconds{method, route, status}: `route` is the URL rule
(/api/v1/things/<thing_id>), never the raw path, so the number of series stays bounded. With several
gunicorn workers, use prometheus-client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR) or run one
worker per container: each worker otherwise answers with its own counts.
Expose /metrics to the scraper only (network policy or ingress rule), not to the internet.
"""

from __future__ import annotations

import time

from flask import Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, Histogram, generate_latest

METRICS_PATH = "/metrics"

REQUEST_DURATION = Histogram(
    "http_request_duration_seconds",
    "Duration of HTTP requests, in seconds",
    ["method", "route", "status"],
)


def install_metrics(app: Flask) -> None:
    """Time every request but the scrapes, and serve the registry at METRICS_PATH."""

    @app.before_request
    def _start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _record(response: Response) -> Response:
        started = g.pop("request_started", None)
        if started is not None and request.path != METRICS_PATH:
            # Unmatched paths (404, 405) share one label.
            route = request.url_rule.rule if request.url_rule else "unmatched"
            REQUEST_DURATION.labels(request.method, route, str(response.status_code)).observe(
                time.perf_counter() - started
            )
        return response

    @app.get(METRICS_PATH)
    def metrics() -> Response:
        return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)
