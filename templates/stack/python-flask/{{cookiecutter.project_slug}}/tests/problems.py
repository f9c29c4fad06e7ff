"""The error format every test checks: RFC 9457 problem details (app/problems.py)."""

from collections.abc import Mapping
from typing import Any, Protocol


class Response(Protocol):
    """What the tests read of the test client's response."""

    status_code: int
    headers: Mapping[str, str]
    text: str

    def json(self) -> Any: ...


def assert_problem(response: Response, status: int, detail: str | None = None) -> dict[str, Any]:
    """Assert `response` is the problem+json of `status` (with `detail`, when given); its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    assert (body["type"], body["title"] != "") == ("about:blank", True)
    assert ("errors" in body) == (status == 422)
    if detail is not None:
        assert body["detail"] == detail
    return body
