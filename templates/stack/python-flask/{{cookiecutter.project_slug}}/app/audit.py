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

from flask import Flask, Response, has_request_context, request

audit_logger = logging.getLogger("audit")
LOGIN_PATH_SUFFIX = "/auth/login"


def client_address() -> str:
    """The client of the current request: the peer, or the address a trusted proxy forwarded
    (app/middleware.py rewrites REMOTE_ADDR before Flask sees the request)."""
    return request.remote_addr or "unknown"


def email_hash(email: str) -> str:
    """A pseudonym of an email address: the same address gives the same value, not reversible."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def audit(event: str, *, outcome: str, **fields: Any) -> None:
    """Emit one audit record (always at INFO, whatever LOG_LEVEL says), with the request's client,
    method and path when there is a request."""
    record: dict[str, Any] = {"event": event, "outcome": outcome, **fields}
    if has_request_context():
        record.update(client=client_address(), http_method=request.method, http_path=request.path)
    audit_logger.info(event, extra=record)


def audit_refusals(app: Flask) -> None:
    """Records every refused access (401/403) but failed logins, which the login route records."""

    @app.after_request
    def _refused(response: Response) -> Response:
        if response.status_code in (401, 403) and not request.path.endswith(LOGIN_PATH_SUFFIX):
            audit("access_denied", outcome="denied", status_code=response.status_code)
        return response
