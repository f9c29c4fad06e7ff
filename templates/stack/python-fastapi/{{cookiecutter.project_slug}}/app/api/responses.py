"""Documented error responses (RFC 9457 problem details, app/problems.py), shared by the routes
(so the OpenAPI document lists every status)."""

from typing import Any

from app.problems import documented

# A body that is not JSON at all (truncated, invalid UTF-8...) gets 400 (app/main.py).
BAD_BODY: dict[int | str, dict[str, Any]] = {400: documented("Malformed request body")}
UNAUTHORIZED: dict[int | str, dict[str, Any]] = {401: documented("Not authenticated")}
{%- if cookiecutter.auth == "session-cookie" %}
CSRF_FAILED: dict[int | str, dict[str, Any]] = {403: documented("CSRF token missing or invalid")}
WRONG_PASSWORD: dict[int | str, dict[str, Any]] = {
    403: documented("CSRF token missing or invalid, or wrong current password")
}
{%- else %}
WRONG_PASSWORD: dict[int | str, dict[str, Any]] = {403: documented("Wrong current password")}
{%- endif %}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: documented("Not found")}
CONFLICT: dict[int | str, dict[str, Any]] = {409: documented("Conflict")}
# The per-account backoff after failed logins (app/lockout.py) answers 429 on every stack.
THROTTLED: dict[int | str, dict[str, Any]] = {
    429: {
        **documented("Too many requests"),
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
