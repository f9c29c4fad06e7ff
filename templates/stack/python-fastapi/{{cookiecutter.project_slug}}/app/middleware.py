{%- set cors = cookiecutter.decisions.get("api_exposure") != "internal-only" -%}
{%- set tracing = cookiecutter.decisions.get("tracing") == "opentelemetry" or cookiecutter.decisions.get("observability") == "logs-metrics-tracing" -%}
"""The middleware stack: security headers, {% if cors %}CORS, {% endif %}audit of refused accesses, metrics{% if tracing %}, tracing{% endif %}."""

from fastapi import FastAPI
{%- if cors %}
from fastapi.middleware.cors import CORSMiddleware
{%- endif %}
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app import metrics
from app.audit import AuditMiddleware
from app.config import Settings
from app.problems import problem
{%- if tracing %}
from app.tracing import configure_tracing
{%- endif %}

TOO_LARGE = "Request body too large"

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
}
# A JSON API renders no HTML: forbid everything (the docs page, app/docs.py, sets its own policy).
API_CSP = "default-src 'none'; frame-ancestors 'none'"


class SecurityHeadersMiddleware:
    """Adds the security headers to every response (pure ASGI: streaming responses too)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                headers.setdefault("Content-Security-Policy", API_CSP)
                # Responses may hold personal data or tokens: never store them in caches.
                headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(HTTPException):
    """Raised while reading a body past the limit; FastAPI lets HTTP errors through its parser."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail=TOO_LARGE)


class BodySizeLimitMiddleware:
    """413 (problem details, like every error) for a request body over `max_bytes`, before it is
    parsed: at once when Content-Length says so, else as soon as the chunks received pass the limit
    (a chunked body has no Content-Length). Starlette's own limiter answers in plain text."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await problem(413, TOO_LARGE)(scope, receive, send)
            return
        received = 0

        async def receive_within_limit() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise BodyTooLarge
            return message

        await self.app(scope, receive_within_limit, send)
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
    """Called by create_app once the routers are included (the last middleware added runs first;
    SecurityHeadersMiddleware wraps them all, see app.main.Application)."""
    app.include_router(metrics.router)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_request_body_bytes)
    app.add_middleware(AuditMiddleware)
{%- if cors %}
    add_cors(app, settings)
{%- endif %}
    app.add_middleware(metrics.MetricsMiddleware)
    # First of all: the real client address for everything after (audit, rate limits).
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxy_list())
{%- if tracing %}
    configure_tracing(app)
{%- endif %}
