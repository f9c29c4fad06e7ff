"""What every error response must be: RFC 9457 problem details."""

from __future__ import annotations

from typing import Any


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    if status == 422:
        assert body["errors"] and all("pointer" in e or "parameter" in e for e in body["errors"])
    return body
