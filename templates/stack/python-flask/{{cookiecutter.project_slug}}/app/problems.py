"""Errors as RFC 9457 problem details (`application/problem+json`), the one error format of the
contract (openapi.yaml, schema `Problem`): type, title, status, detail, and for validation (422)
`errors`, one item per problem located by `pointer` (a JSON Pointer into the body, `#/field`) or
`parameter` (a query or path parameter). The submitted value is never echoed back."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from flask import Response

PROBLEM_JSON = "application/problem+json"
# A validation error names the field and the rule, never the value sent (which may be huge or a
# password); a key longer than this is cut in the pointer.
MAX_KEY_LENGTH = 64
# RFC 9110's names where Python's http module still has the older ones.
TITLES = {413: "Content Too Large", 422: "Unprocessable Content"}


class Problem(Exception):
    """Raised anywhere in a request to answer with problem details (app/__init__.py turns it into
    the response)."""

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        *,
        errors: Sequence[Mapping[str, str]] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail or title_of(status))
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = dict(headers or {})

    def response(self) -> Response:
        return problem(self.status, self.detail, errors=self.errors, headers=self.headers)


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
) -> Response:
    """The response of an error: `detail` defaults to the status's name; `errors` only for 422."""
    title = title_of(status)
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail or title,
    }
    if status == 422:
        body["errors"] = list(errors)
    return Response(
        json.dumps(body), status=status, headers=dict(headers or {}), mimetype=PROBLEM_JSON
    )


def pointer(path: Sequence[str | int]) -> str:
    """A JSON Pointer (RFC 6901) into the request body, as the `#/a/0/b` fragment."""
    keys = [str(key)[:MAX_KEY_LENGTH] for key in path]
    return "#" + "".join("/" + key.replace("~", "~0").replace("/", "~1") for key in keys)


def body_errors(messages: Any, path: tuple[str | int, ...] = ()) -> list[dict[str, str]]:
    """marshmallow's nested error messages ({field: [message] | {index: ...}}) as problem items
    located by a JSON Pointer into the body; the messages name the rule, never the value."""
    if isinstance(messages, Mapping):
        items: list[dict[str, str]] = []
        for key, nested in messages.items():
            items.extend(body_errors(nested, (*path, key) if key != "_schema" else path))
        return items
    texts = messages if isinstance(messages, list) else [messages]
    if texts and all(isinstance(text, str) for text in texts):
        return [{"pointer": pointer(path), "detail": " ".join(texts)}]
    return [item for text in texts for item in body_errors(text, path)]


def parameter_errors(messages: Mapping[str, Any]) -> list[dict[str, str]]:
    """marshmallow's messages about query or path parameters as problem items naming each one."""
    items = []
    for name, texts in messages.items():
        flat = texts if isinstance(texts, list) else [texts]
        detail = " ".join(str(text) for text in flat)
        items.append({"parameter": str(name)[:MAX_KEY_LENGTH], "detail": detail})
    return items
