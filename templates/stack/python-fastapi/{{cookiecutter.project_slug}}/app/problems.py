"""Errors as RFC 9457 problem details (`application/problem+json`), the one error format of the
contract (openapi.yaml, schema `Problem`): type, title, status, detail, and for validation (422)
`errors`, one item per problem located by `pointer` (a JSON Pointer into the body, `#/field`) or
`parameter` (a query or path parameter). The submitted value is never echoed back."""

from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi.responses import JSONResponse

PROBLEM_JSON = "application/problem+json"
PROBLEM_REF = "#/components/schemas/Problem"
# A validation error names the field and the rule, never the value sent (which may be huge or a
# password); a key longer than this is cut in the pointer.
MAX_KEY_LENGTH = 64
# RFC 9110's names where Python's http module still has the older ones.
TITLES = {413: "Content Too Large", 422: "Unprocessable Content"}

PROBLEM_SCHEMA: dict[str, Any] = {
    "properties": {
        "type": {"type": "string", "title": "Type"},
        "title": {"type": "string", "title": "Title"},
        "status": {"type": "integer", "title": "Status"},
        "detail": {"type": "string", "title": "Detail"},
        "errors": {
            "items": {
                "properties": {
                    "pointer": {"type": "string", "title": "Pointer"},
                    "parameter": {"type": "string", "title": "Parameter"},
                    "detail": {"type": "string", "title": "Detail"},
                },
                "type": "object",
                "required": ["detail"],
                "anyOf": [{"required": ["pointer"]}, {"required": ["parameter"]}],
            },
            "type": "array",
            "title": "Errors",
        },
    },
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "title": "Problem",
}


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_JSON


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
) -> ProblemResponse:
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
    return ProblemResponse(body, status_code=status, headers=dict(headers or {}))


def documented(description: str) -> dict[str, Any]:
    """An error response of an operation in the OpenAPI document (`responses=` of a route)."""
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}},
    }


def field_errors(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """pydantic's validation errors as problem items: `pointer` for the body, `parameter` for the
    query, path, header or cookie; the message only (no `input`, no `ctx`)."""
    items = []
    for error in errors:
        where, *keys = error["loc"]
        cut = [str(key)[:MAX_KEY_LENGTH] for key in keys]
        if where == "body":
            pointer = "".join("/" + key.replace("~", "~0").replace("/", "~1") for key in cut)
            items.append({"pointer": "#" + pointer, "detail": error["msg"]})
        else:
            items.append({"parameter": cut[0] if cut else str(where), "detail": error["msg"]})
    return items
