"""The error format every test checks: RFC 9457 problem details (app/problems.py)."""

from typing import Any

from werkzeug.test import TestResponse


def assert_problem(
    response: TestResponse, status: int, detail: str | None = None
) -> dict[str, Any]:
    """Assert `response` is the problem+json of `status` (with `detail`, when given); its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.get_json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    assert (body["type"], body["title"] != "") == ("about:blank", True)
    assert ("errors" in body) == (status == 422)
    if detail is not None:
        assert body["detail"] == detail
    return body
