"""Middleware: security headers on every response, the real client address, the body size limit."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from app.problems import problem

Handler = Callable[[HttpRequest], HttpResponse]

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
}
# A JSON API renders no HTML: forbid everything. The admin's pages load their own styles.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
ADMIN_CSP = "default-src 'self'; frame-ancestors 'none'; form-action 'self'"


class SecurityHeadersMiddleware:
    """The security headers, a Content-Security-Policy and Cache-Control: no-store (responses may
    hold personal data or tokens) on every response, errors included."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        admin = request.path.startswith("/admin/")
        response.headers.setdefault("Content-Security-Policy", ADMIN_CSP if admin else API_CSP)
        response.headers.setdefault("Cache-Control", "no-store")
        return response


def client_address(remote: str, forwarded: str) -> str:
    """The client's address: the peer, unless the peer is a trusted proxy; then the last address of
    X-Forwarded-For that is not one of the trusted proxies (the ones before it can be forged)."""
    trusted = settings.TRUSTED_PROXIES

    def is_trusted(address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in trusted)

    if not forwarded or not is_trusted(remote):
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not is_trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote
    return remote


class ClientAddressMiddleware:
    """REMOTE_ADDR becomes the real client address (rate limits and logs use it): X-Forwarded-For is
    believed only from the proxies of TRUSTED_PROXIES."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        remote = request.META.get("REMOTE_ADDR", "")
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        request.META["REMOTE_ADDR"] = client_address(remote, forwarded)
        return self.get_response(request)


class BodySizeLimitMiddleware:
    """413 for a body over MAX_REQUEST_BODY_BYTES, before anything reads it. The WSGI server
    (waitress) has already turned a chunked body into one with a Content-Length."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared.isdigit() and int(declared) > settings.MAX_REQUEST_BODY_BYTES:
            return problem(413, "Request body too large")
        return self.get_response(request)
