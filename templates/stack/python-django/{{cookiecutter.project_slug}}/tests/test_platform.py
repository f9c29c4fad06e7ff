"""Probes, metrics, security headers, error formats and limits of every response."""

from __future__ import annotations

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.problems import assert_problem

pytestmark = pytest.mark.django_db


def test_probes() -> None:
    client = APIClient()
    assert client.get("/health/live").json() == {"status": "ok"}
    assert client.get("/health/ready").json() == {"status": "ok"}


def test_readiness_is_503_without_the_database(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import DatabaseError

    def broken() -> None:
        raise DatabaseError("down")

    monkeypatch.setattr(connection, "cursor", broken)
    assert APIClient().get("/health/ready").status_code == 503


@pytest.mark.parametrize("path", ["/health/live", "/no/such/route", "/api/v1/users/me"])
def test_security_headers_everywhere(path: str) -> None:
    response = APIClient().get(path)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert response["Cache-Control"] == "no-store"
    assert "Server" not in response


def test_unknown_route_and_method() -> None:
    assert_problem(APIClient().get("/no/such/route"), 404)
    response = APIClient().delete("/health/live")
    assert_problem(response, 405)
    assert response["Allow"] == "GET"


def test_malformed_missing_and_oversized_bodies() -> None:
    client = APIClient()
    bad = client.generic("POST", "/api/v1/auth/login", b'{"email": ', "application/json")
    assert_problem(bad, 400)
    assert_problem(client.generic("POST", "/api/v1/auth/login", b"", "application/json"), 400)
    big = b'{"email": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    assert_problem(client.generic("POST", "/api/v1/auth/login", big, "application/json"), 413)


def test_metrics_and_no_docs() -> None:
    client = APIClient()
    client.get("/health/live")
    metrics = client.get("/metrics")
    assert metrics.status_code == 200 and b"# TYPE http_requests_total" in metrics.content
    for path in ("/docs", "/redoc", "/swagger-ui"):
        assert_problem(client.get(path), 404)
