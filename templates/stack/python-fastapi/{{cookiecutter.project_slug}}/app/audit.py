{%- set append_only = cookiecutter.decisions.get("audit_log") == "append-only" -%}
"""Audit trail of security events: one structured record per event on the dedicated `audit` logger.

Events: login_succeeded, login_failed, login_locked, user_registered, registration_ignored (the
address was taken), logout, password_changed, password_change_failed,{% if cookiecutter.auth == "jwt" %} refresh_token_reused,{% endif %}
rate_limited, access_denied (every 401 or 403 outside the login route). Records carry no password,
token or raw email address (failed logins carry a pseudonymous email_hash, to spot attacks aimed
at one account).
{%- if append_only %}

The audit_log decision is append-only: route the `audit` logger (JSON on stdout) to write-once
storage with a retention period (an object-lock bucket, a SIEM, a log store without delete rights),
never to a table the application can update or delete.
{%- endif %}
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

audit_logger = logging.getLogger("audit")
LOGIN_PATH_SUFFIX = "/auth/login"


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def email_hash(email: str) -> str:
    """A pseudonym of an email address: the same address gives the same value, not reversible."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def audit(event: str, request: Request | None, *, outcome: str, **fields: Any) -> None:
    """Emit one audit record (always at INFO, whatever LOG_LEVEL says)."""
    record: dict[str, Any] = {"event": event, "outcome": outcome, **fields}
    if request is not None:
        record.update(
            client=client_address(request), http_method=request.method, http_path=request.url.path
        )
    audit_logger.info(event, extra=record)


class AuditMiddleware:
    """Records every refused access (401/403) but failed logins, which the login route records."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).endswith(LOGIN_PATH_SUFFIX):
            await self.app(scope, receive, send)
            return

        async def send_and_audit(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in (401, 403):
                audit(
                    "access_denied",
                    Request(scope),
                    outcome="denied",
                    status_code=message["status"],
                )
            await send(message)

        await self.app(scope, receive, send_and_audit)
