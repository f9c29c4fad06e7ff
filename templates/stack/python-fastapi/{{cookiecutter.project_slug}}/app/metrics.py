"""Prometheus metrics on GET /metrics (left out of the OpenAPI document).

http_request_duration_seconds{method, route, status}: `route` is the route template
(/api/v1/things/{thing_id}), never the raw path, so the number of series stays bounded. With several
worker processes, use prometheus-client's multiprocess mode or run one process per container.
Expose /metrics to the scraper only (network policy or ingress rule), not to the internet.
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

METRICS_PATH = "/metrics"
REQUEST_DURATION = Histogram(
    "http_request_duration_seconds",
    "Duration of HTTP requests, in seconds",
    ["method", "route", "status"],
)

router = APIRouter()


@router.get(METRICS_PATH, include_in_schema=False)
def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


class MetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") == METRICS_PATH:
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status_code = 500  # an exception escaping the app becomes a 500

        async def send_and_record(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            # The router stores the matched route in the scope; unmatched paths share one label.
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            REQUEST_DURATION.labels(scope["method"], route, str(status_code)).observe(
                time.perf_counter() - start
            )
