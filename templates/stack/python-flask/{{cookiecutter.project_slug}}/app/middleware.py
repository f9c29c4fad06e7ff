{%- set cors = cookiecutter.decisions.get("api_exposure") != "internal-only" -%}
"""What wraps every request: the real client address (TRUSTED_PROXIES), the body size limit of
chunked bodies, the security headers{% if cors %} and CORS{% endif %}."""

from __future__ import annotations

import io
import ipaddress
from collections.abc import Iterable
from typing import Any

from flask import Flask, Response, request
{%- if cors %}
from flask_cors import CORS
{%- endif %}

from app.config import Settings
from app.problems import Problem

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    # A JSON API renders no HTML: forbid everything.
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    # Responses may hold personal data or tokens: never store them in caches.
    "Cache-Control": "no-store",
}

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TrustedProxies:
    """WSGI middleware: when the peer is one of the trusted proxies, the client is the last
    address of X-Forwarded-For that is not a trusted proxy itself; otherwise the header is ignored
    (anyone can send it). REMOTE_ADDR is rewritten before Flask, the rate limits and the audit log
    see the request. werkzeug's ProxyFix counts hops instead of checking who sent them."""

    def __init__(self, app: Any, proxies: Iterable[str]) -> None:
        self.app = app
        self.networks: list[Network] = [ipaddress.ip_network(p, strict=False) for p in proxies]

    def trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def client_of(self, peer: str, forwarded: str) -> str:
        if not self.trusted(peer):
            return peer
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        for hop in reversed(hops):
            if not self.trusted(hop):
                return hop
        return hops[0] if hops else peer

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        peer = environ.get("REMOTE_ADDR", "")
        forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded and self.networks:
            environ["REMOTE_ADDR"] = self.client_of(peer, forwarded)
        return self.app(environ, start_response)


# Set by ChunkedBodyLimit on a chunked body past the limit: the app answers 413.
TOO_LARGE_FLAG = "app.body_too_large"


class ChunkedBodyLimit:
    """WSGI middleware for bodies without Content-Length (Transfer-Encoding: chunked): read at most
    `max_bytes` of them and hand the app a body of known length, or flag it as too large (the app
    answers 413 before any view runs). werkzeug alone would cut such a body at the limit silently.
    Bodies with a Content-Length are checked by werkzeug against MAX_CONTENT_LENGTH."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not environ.get("CONTENT_LENGTH"):
            body = environ["wsgi.input"].read(self.max_bytes + 1)
            if len(body) > self.max_bytes:
                environ[TOO_LARGE_FLAG] = True
                body = b""
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return self.app(environ, start_response)


def install(app: Flask, settings: Settings) -> None:
    """Security headers on every response (errors included){% if cors %}, CORS for the origins of
    CORS_ALLOW_ORIGINS only (none by default: same-origin){% endif %}, and the client address."""

    @app.before_request
    def _refuse_large_chunked_bodies() -> None:
        if request.environ.get(TOO_LARGE_FLAG):
            raise Problem(413, "Request body too large")

    @app.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
{%- if cors %}

    origins = [o.strip() for o in settings.cors_allow_origins.split(",") if o.strip()]
    if origins:
        CORS(
            app,
            origins=origins,
            supports_credentials=True,
            methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-CSRF-Token"],
            expose_headers=["X-Request-ID", "Retry-After"],
            max_age=600,
        )
{%- endif %}
    wrapped = ChunkedBodyLimit(app.wsgi_app, settings.max_request_body_bytes)
    app.wsgi_app = TrustedProxies(wrapped, settings.trusted_proxy_list())  # type: ignore[method-assign]
