"""What every view shares: flask-smorest blueprints whose arguments (a JSON body, a query string)
are loaded by marshmallow schemas with the contract's errors (400 not JSON, 413 too large, 422
invalid, located), and the way a view documents its operation."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import flask_smorest
from flask import Request
from marshmallow import Schema, ValidationError
from marshmallow.fields import Field
from webargs.flaskparser import FlaskParser

from app.problems import PROBLEM_JSON, Problem, body_errors, parameter_errors, title_of
from app.schemas import Problem as ProblemSchema

INVALID = "The request is not valid"


class Parser(FlaskParser):
    """webargs' Flask parser, answering as the contract says."""

    def load_json(self, req: Request, schema: Schema) -> Any:
        """The JSON body: 400 when it is not JSON (webargs would load a missing body as {}).
        Reading it past MAX_CONTENT_LENGTH raises 413 (werkzeug counts the bytes, chunked bodies
        included)."""
        if not req.is_json:
            raise Problem(400, "Expected a JSON body (Content-Type: application/json)")
        try:
            return json.loads(req.get_data(cache=True))
        except ValueError:  # invalid JSON or invalid UTF-8
            raise Problem(400, "Malformed request body") from None

    def handle_error(self, error: ValidationError, *args: Any, **kwargs: Any) -> None:
        """422 with one item per problem: a pointer into the body, or the query parameter."""
        located: dict[str, Any] = error.messages  # type: ignore[assignment]
        errors = []
        for location, messages in located.items():
            if location == "json":
                errors.extend(body_errors(messages))
            else:
                by_name = messages if isinstance(messages, dict) else {location: messages}
                errors.extend(parameter_errors(by_name))
        raise Problem(422, INVALID, errors=errors)


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()

    def operation(self, operation_id: str, *problems: int) -> Callable[[Any], Any]:
        """The view's operationId and its problem responses in flask-smorest's document
        (tests/test_openapi.py compares that document with openapi.yaml)."""

        def document(view: Any) -> Any:
            view = self.doc(operationId=operation_id)(view)
            for status in problems:
                view = self.alt_response(
                    status,
                    schema=ProblemSchema,
                    content_type=PROBLEM_JSON,
                    description=title_of(status),
                )(view)
            return view

        return document


def path_value(field: Field, name: str, value: str) -> Any:
    """A path parameter read by a marshmallow field; 422 naming the parameter when invalid."""
    try:
        return field.deserialize(value)
    except ValidationError as exc:
        raise Problem(422, INVALID, errors=parameter_errors({name: exc.messages})) from None
