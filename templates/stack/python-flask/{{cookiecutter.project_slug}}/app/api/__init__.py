"""What every view shares: reading a JSON body or a query string through a marshmallow schema,
with the contract's errors (400 not JSON, 413 too large, 422 invalid, located)."""

from __future__ import annotations

import json
from typing import Any

from flask import request
from marshmallow import Schema, ValidationError
from marshmallow.fields import Field

from app.problems import Problem, body_errors, parameter_errors

INVALID = "The request is not valid"


def json_body(schema: Schema) -> dict[str, Any]:
    """The request's JSON body loaded by `schema`. Reading it past MAX_CONTENT_LENGTH raises 413
    (werkzeug counts the bytes, chunked bodies included)."""
    if not request.is_json:
        raise Problem(400, "Expected a JSON body (Content-Type: application/json)")
    try:
        data = json.loads(request.get_data(cache=True))
    except ValueError:  # invalid JSON or invalid UTF-8
        raise Problem(400, "Malformed request body") from None
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise Problem(422, INVALID, errors=body_errors(exc.messages)) from None


def query_args(schema: Schema) -> dict[str, Any]:
    """The query string loaded by `schema` (the first value of a repeated parameter)."""
    try:
        return schema.load(request.args.to_dict())
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"query": exc.messages}
        raise Problem(422, INVALID, errors=parameter_errors(messages)) from None


def path_value(field: Field, name: str, value: str) -> Any:
    """A path parameter read by a marshmallow field; 422 naming the parameter when invalid."""
    try:
        return field.deserialize(value)
    except ValidationError as exc:
        raise Problem(422, INVALID, errors=parameter_errors({name: exc.messages})) from None
