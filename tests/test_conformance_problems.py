"""The conformance suite's check of error bodies (tests/conformance/http.py) accepts the contract's
problem details and names what is wrong with anything else."""

import http.client
import json

import pytest

from tests.conformance.http import Response, problem_violations


def response(status: int, body: object, content_type: str = "application/problem+json") -> Response:
    headers = http.client.HTTPMessage()
    headers["Content-Type"] = content_type
    return Response(status, headers, json.dumps(body).encode())


def problem(status: int, **extra: object) -> dict[str, object]:
    return {"type": "about:blank", "title": "Not Found", "status": status, "detail": "no such row", **extra}


def test_problem_details_conform() -> None:
    assert problem_violations(response(404, problem(404))) == []
    errors = [{"pointer": "#/email", "detail": "not an email"}, {"parameter": "limit", "detail": "too small"}]
    assert problem_violations(response(422, problem(422, errors=errors))) == []


@pytest.mark.parametrize(
    ("status", "body", "content_type", "expected"),
    [
        (404, {"detail": "Not Found"}, "application/json", "Content-Type 'application/json'"),
        (404, {"detail": "Not Found"}, "application/problem+json", "type is not a str"),
        (401, problem(404), "application/problem+json", "status 404 differs"),
        (422, problem(422), "application/problem+json", "without a list of errors"),
        (422, problem(422, errors=[{"loc": ["body", "email"], "msg": "bad"}]), "application/problem+json", "no pointer"),
        (422, problem(422, errors=[{"pointer": "email", "detail": "bad"}]), "application/problem+json", "no pointer"),
    ],
    ids=["json", "fastapi-body", "wrong-status", "no-errors", "fastapi-errors", "pointer-not-a-fragment"],
)
def test_anything_else_is_named(status: int, body: object, content_type: str, expected: str) -> None:
    violations = problem_violations(response(status, body, content_type))
    assert any(expected in violation for violation in violations), violations
