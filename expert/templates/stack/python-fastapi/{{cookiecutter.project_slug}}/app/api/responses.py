"""Documented error responses, shared by the routes (so the OpenAPI document lists every status)."""

from typing import Any

from app.schemas import ErrorMessage

# A body that is not JSON at all (truncated, invalid UTF-8...) gets 400 (app/main.py).
BAD_BODY: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorMessage, "description": "Malformed request body"}
}
UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorMessage, "description": "Not authenticated"}
}
{%- if cookiecutter.auth == "session-cookie" %}
CSRF_FAILED: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorMessage, "description": "CSRF token missing or invalid"}
}
WRONG_PASSWORD: dict[int | str, dict[str, Any]] = {
    403: {
        "model": ErrorMessage,
        "description": "CSRF token missing or invalid, or wrong current password",
    }
}
{%- else %}
WRONG_PASSWORD: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorMessage, "description": "Wrong current password"}
}
{%- endif %}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorMessage, "description": "Not found"}
}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorMessage, "description": "Conflict"}
}
# The per-account backoff after failed logins (app/lockout.py) answers 429 on every stack.
THROTTLED: dict[int | str, dict[str, Any]] = {
    429: {
        "model": ErrorMessage,
        "description": "Too many requests",
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait before retrying",
                "schema": {"type": "integer"},
            }
        },
    }
}
{%- if cookiecutter.decisions.get("rate_limiting") in ["app-level", "redis"] %}
# The rate limiter of login and registration (app/ratelimit.py).
TOO_MANY_REQUESTS = THROTTLED
{%- else %}
# Rate limiting per client is not done by the application (see docs/architecture.md).
TOO_MANY_REQUESTS: dict[int | str, dict[str, Any]] = {}
{%- endif %}
