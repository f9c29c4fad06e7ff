{%- set cors = cookiecutter.decisions.get("api_exposure") != "internal-only" -%}
{%- set tracing = cookiecutter.decisions.get("tracing") == "opentelemetry" or cookiecutter.decisions.get("observability") == "logs-metrics-tracing" -%}
"""The middleware stack: security headers, {% if cors %}CORS, {% endif %}audit of refused accesses, metrics{% if tracing %}, tracing{% endif %}."""

from fastapi import FastAPI
{%- if cors %}
from fastapi.middleware.cors import CORSMiddleware
{%- endif %}
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import metrics
from app.audit import AuditMiddleware
from app.config import Settings
{%- if tracing %}
from app.tracing import configure_tracing
{%- endif %}

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
}
# A JSON API renders no HTML: forbid everything. The interactive docs load Swagger UI from a CDN.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
DOCS_PATHS = ("/docs", "/redoc")


class SecurityHeadersMiddleware:
    """Adds the security headers (pure ASGI: works for streaming responses too)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_docs = str(scope.get("path", "")).startswith(DOCS_PATHS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if not is_docs:
                    headers.setdefault("Content-Security-Policy", API_CSP)
                    # Responses may hold personal data or tokens: never store them in caches.
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)
{%- if cors %}


def allowed_origins(settings: Settings) -> list[str]:
    return [origin.strip() for origin in settings.cors_allow_origins.split(",") if origin.strip()]


def add_cors(app: FastAPI, settings: Settings) -> None:
    """CORS for the origins listed in CORS_ALLOW_ORIGINS only (none by default: same-origin)."""
    origins = allowed_origins(settings)
    if not origins:
        return
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
{%- if cookiecutter.auth == "session-cookie" %}
        allow_credentials=True,  # the session cookie
{%- else %}
        allow_credentials=False,  # bearer tokens travel in the Authorization header, not in cookies
{%- endif %}
        allow_methods=["GET", "POST", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "X-CSRF-Token", "Idempotency-Key"],
        expose_headers=["X-Request-ID", "Retry-After"],
        max_age=600,
    )
{%- endif %}


def install(app: FastAPI, settings: Settings) -> None:
    """Called by create_app once the routers are included (the last middleware added runs first)."""
    app.include_router(metrics.router)
    app.add_middleware(AuditMiddleware)
{%- if cors %}
    add_cors(app, settings)
{%- endif %}
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(metrics.MetricsMiddleware)
{%- if tracing %}
    configure_tracing(app)
{%- endif %}
