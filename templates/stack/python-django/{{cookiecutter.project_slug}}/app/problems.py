"""Errors as RFC 9457 problem details (`application/problem+json`), the one error format of the
contract (openapi.yaml, schema `Problem`): type, title, status, detail, and for validation (422)
`errors`, one item per problem located by `pointer` (a JSON Pointer into the body, `#/field`) or
`parameter` (a query or path parameter). The submitted value is never echoed back."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponse
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM_JSON = "application/problem+json"
# RFC 9110's names where Python's http module still has older ones.
TITLES = {413: "Content Too Large", 422: "Unprocessable Content"}
MAX_KEY_LENGTH = 64
MAX_DETAIL_LENGTH = 200
# Headers of DRF's own error responses that the problem keeps.
FORWARDED_HEADERS = ("WWW-Authenticate", "Retry-After", "Allow")
logger = logging.getLogger(__name__)


class Unprocessable(exceptions.APIException):
    """422 with the problem items already located (`pointer` or `parameter`)."""

    status_code = 422
    default_detail = "Validation failed"

    def __init__(self, errors: Sequence[Mapping[str, str]]) -> None:
        super().__init__(self.default_detail)
        self.errors = list(errors)


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = "Conflict"


def title_of(status: int) -> str:
    if status in TITLES:
        return TITLES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem(
    status: int,
    detail: str | None = None,
    *,
    errors: Sequence[Mapping[str, str]] = (),
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    """The response of an error: `detail` defaults to the status's name; `errors` only for 422."""
    title = title_of(status)
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    body["detail"] = detail or title
    if status == 422:
        body["errors"] = list(errors)
    response = HttpResponse(json.dumps(body), status=status, content_type=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def pointers(detail: Any, path: str = "#") -> list[dict[str, str]]:
    """A serializer's nested errors ({field: [messages]}, lists by index) as problem items."""
    if isinstance(detail, Mapping):
        items = []
        for key, value in detail.items():
            if key == "non_field_errors":
                items += pointers(value, path)
                continue
            name = str(key)[:MAX_KEY_LENGTH].replace("~", "~0").replace("/", "~1")
            items += pointers(value, f"{path}/{name}")
        return items
    if isinstance(detail, list) and detail and all(isinstance(d, str) for d in detail):
        return [{"pointer": path, "detail": str(message)} for message in detail]
    if isinstance(detail, list):
        return [
            item
            for index, value in enumerate(detail)
            for item in pointers(value, f"{path}/{index}")
        ]
    return [{"pointer": path, "detail": str(detail)}]


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> HttpResponse | None:
    """DRF's errors as problem details (its own handler supplies WWW-Authenticate, Retry-After)."""
    if isinstance(exc, exceptions.ParseError):
        # the parser says where the JSON breaks (line, column), never what it holds
        return problem(400, str(exc.detail)[:MAX_DETAIL_LENGTH])
    response = drf_exception_handler(exc, dict(context))
    if response is None:
        return None
    headers = {k: v for k, v in response.items() if k in FORWARDED_HEADERS}
    if isinstance(exc, Unprocessable):
        return problem(422, str(exc.detail), errors=exc.errors, headers=headers)
    if isinstance(exc, exceptions.ValidationError):
        return problem(422, "Validation failed", errors=pointers(exc.detail), headers=headers)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        # DRF answers 403 when the authentication scheme has no WWW-Authenticate challenge (cookie
        # sessions): missing or invalid credentials are a 401 all the same.
        return problem(401, "Not authenticated", headers=headers)
    if isinstance(exc, exceptions.Throttled):
        return problem(429, "Too many requests", headers=headers)
    detail = exc.detail if isinstance(exc, exceptions.APIException) else None
    text = str(detail) if isinstance(detail, str) else None
    return problem(response.status_code, text, headers=headers)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404 of config/urls.py."""
    return problem(404, "Not found")


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500 of config/urls.py (Django logged the exception)."""
    return problem(500, "Internal error")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return problem(400, "Bad request")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return problem(403, "Forbidden")
{%- if cookiecutter.auth != "jwt" %}


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the CSRF token was missing or did not match the csrf_token cookie."""
    return problem(403, "CSRF token missing or invalid")
{%- endif %}
