"""Health, metrics and the headers every response carries, whatever the stack."""

from __future__ import annotations

import pytest

from tests.conformance.target import Target

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def test_liveness_and_readiness(target: Target) -> None:
    client = target.client()
    for operation_id in ("health_live", "health_ready"):
        response = client.get(target.path_of(operation_id))
        assert response.status == 200, (operation_id, response.body[:300])
        assert response.content_type == "application/json"


@pytest.mark.parametrize("path", ["/health/live", "/no/such/route", "/api/v1/users/me"])
def test_security_headers_on_every_response(target: Target, path: str) -> None:
    response = target.client().get(path)
    for name, value in SECURITY_HEADERS.items():
        assert (response.header(name) or "").lower() == value.lower(), (path, name, response.status)
    assert response.header("Content-Security-Policy"), path
    assert response.header("Server") is None, f"{path}: Server banner {response.header('Server')!r}"


def test_unknown_route_is_404(target: Target) -> None:
    assert target.client().get("/no/such/route").status == 404


def test_metrics_are_exposed_for_prometheus(target: Target) -> None:
    if "metrics" not in str(target.decisions.get("observability", "")):
        pytest.skip("observability does not include metrics")
    response = target.client().get("/metrics")
    assert response.status == 200
    assert response.content_type.startswith("text/plain")
    assert b"# TYPE" in response.body


def test_interactive_docs_are_not_public_by_default(target: Target) -> None:
    client = target.client()
    for path in ("/docs", "/redoc", "/swagger-ui", "/swagger-ui.html", "/api-docs"):
        response = client.get(path)
        assert response.status in (401, 403, 404), (path, response.status)
