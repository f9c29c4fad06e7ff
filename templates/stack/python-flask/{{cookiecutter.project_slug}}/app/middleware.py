{%- set cors = cookiecutter.decisions.get("api_exposure") != "internal-only" -%}
"""What wraps every request: the real client address (TRUSTED_PROXIES), the body size limit,
the security headers{% if cors %} and CORS{% endif %}."""

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


# Set by BodyLimit on a body past the limit: the app answers 413 before any view runs.
TOO_LARGE_FLAG = "app.body_too_large"
# An over-limit body is read and discarded up to this many bytes before the 413 goes out: a server
# that answers and closes while the client is still sending resets the connection, and the client
# sees the reset instead of the 413. Beyond this the connection is cut (an abusive upload).
DRAIN_LIMIT_BYTES = 16 * 1024 * 1024
_READ_SIZE = 64 * 1024


class BodyLimit:
    """WSGI middleware enforcing the request body limit for every framing: a Content-Length above
    `max_bytes`, or a chunked body (no Content-Length) that grows past it, is flagged as too large
    and drained (bounded), so the client reads the 413. A chunked body within the limit is handed
    to the app with its length known (werkzeug alone would cut it at the limit silently)."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        stream = environ["wsgi.input"]
        declared = environ.get("CONTENT_LENGTH") or ""
        if declared.isdigit() and int(declared) > self.max_bytes:
            self._too_large(environ, stream, min(int(declared), DRAIN_LIMIT_BYTES))
        elif "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower() and not declared:
            body = stream.read(self.max_bytes + 1)
            if len(body) > self.max_bytes:
                self._too_large(environ, stream, DRAIN_LIMIT_BYTES - len(body))
            else:
                environ["wsgi.input"] = io.BytesIO(body)
                environ["CONTENT_LENGTH"] = str(len(body))
        return self.app(environ, start_response)

    @staticmethod
    def _too_large(environ: dict[str, Any], stream: Any, drain: int) -> None:
        """Flag the request, discard up to `drain` bytes of what the client still sends, and give
        the app an empty body."""
        while drain > 0 and (chunk := stream.read(min(_READ_SIZE, drain))):
            drain -= len(chunk)
        environ[TOO_LARGE_FLAG] = True
        environ["wsgi.input"] = io.BytesIO(b"")
        environ["CONTENT_LENGTH"] = "0"


def install(app: Flask, settings: Settings) -> None:
    """Security headers on every response (errors included){% if cors %}, CORS for the origins of
    CORS_ALLOW_ORIGINS only (none by default: same-origin){% endif %}, and the client address."""

    @app.before_request
    def _refuse_large_bodies() -> None:
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
    wrapped = BodyLimit(app.wsgi_app, settings.max_request_body_bytes)
    app.wsgi_app = TrustedProxies(wrapped, settings.trusted_proxy_list())  # type: ignore[method-assign]
