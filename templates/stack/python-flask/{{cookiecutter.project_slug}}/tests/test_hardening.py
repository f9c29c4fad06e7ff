{%- set cors = cookiecutter.decisions.get("api_exposure") != "internal-only" -%}
{%- set jwt = cookiecutter.auth == "jwt" -%}
"""What wraps every request, and what the expert agents added to the starter: security headers,
problem details for every error, readiness, {% if cors %}CORS, {% endif %}trusted proxies, rate limiting, the
per-account backoff, the audit log and the metrics."""

from __future__ import annotations

import logging

import pytest
from flask import request
from flask.testing import FlaskClient
from pydantic import ValidationError
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker
from werkzeug.test import TestResponse

from app import create_app, lockout, ratelimit
from app.config import Settings, get_settings
from tests.conftest import PASSWORD, login, register
from tests.problems import assert_problem

LOGIN = "/api/v1/auth/login"


def audit_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "audit"]


# ------------------------------------------------------------------------- security headers


def assert_security_headers(response: TestResponse) -> None:
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_responses_carry_security_headers(client: FlaskClient) -> None:
    responses = {
        200: client.get("/health/live"),
        401: client.get("/api/v1/users/me"),
        404: client.get("/no/such/path"),
        405: client.put("/api/v1/auth/register"),
        413: client.post(LOGIN, data=b" " * (2 * 1024 * 1024), content_type="application/json"),
        422: client.post(LOGIN, json={}),
    }
    for status, response in responses.items():
        assert response.status_code == status
        assert_security_headers(response)
        if status >= 400:
            assert_problem(response, status)


def test_an_unhandled_error_is_a_problem_500_with_security_headers() -> None:
    broken = create_app()

    @broken.get("/broken")
    def fail() -> None:
        raise RuntimeError("a bug")

    response = broken.test_client().get("/broken")
    assert_problem(response, 500, "Internal Server Error")
    assert "a bug" not in response.text
    assert_security_headers(response)


def test_a_body_that_is_not_json_is_400(client: FlaskClient) -> None:
    body = {"email": "bob@example.com", "password": PASSWORD}
    response = client.post(LOGIN, data=body)  # a form, not JSON
    assert_problem(response, 400)


def test_the_contract_is_served_but_no_interactive_docs(client: FlaskClient) -> None:
    assert client.get("/openapi.yaml").status_code == 200
    for path in ("/docs", "/redoc", "/swagger-ui", "/apidocs"):
        assert_problem(client.get(path), 404)


def test_readiness_is_503_when_the_database_is_down() -> None:
    down = create_app()
    unreachable = create_engine("sqlite:////nonexistent-directory/app.db")
    down.extensions["db"] = sessionmaker(bind=unreachable)
    response = down.test_client().get("/health/ready")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}
{%- if cors %}


# ------------------------------------------------------------------------ CORS (api_exposure)


def test_no_cors_headers_by_default(client: FlaskClient) -> None:
    response = client.get("/health/live", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_for_an_allowed_origin_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ALLOW_ORIGINS", "https://app.example.com")
    settings = Settings()  # type: ignore[call-arg]
    allowed = create_app(settings).test_client()
    preflight = {
        "Origin": "https://app.example.com",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type",
    }
    response = allowed.options(LOGIN, headers=preflight)
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    other = allowed.get("/health/live", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


@pytest.mark.parametrize("value", ["app.example.com", "https://app.example.com/path", "null"])
def test_cors_origins_must_be_origins(value: str) -> None:
    with pytest.raises(ValidationError):
        Settings(cors_allow_origins=value, _env_file=None)  # type: ignore[call-arg]
{%- if not jwt %}


def test_a_wildcard_origin_is_refused_with_session_cookies() -> None:
    with pytest.raises(ValidationError):
        Settings(cors_allow_origins="*", _env_file=None)  # type: ignore[call-arg]
{%- endif %}
{%- endif %}


# -------------------------------------------------------------- trusted proxies, rate limits


def client_seen(trusted: str, peer: str, forwarded: str) -> str:
    """The client address the app sees behind `peer` sending X-Forwarded-For: `forwarded`."""
    proxied = create_app(Settings(trusted_proxies=trusted))  # type: ignore[call-arg]
    seen: list[str] = []

    @proxied.get("/whoami")
    def whoami() -> str:
        seen.append(request.remote_addr or "")
        return ""

    headers = {"X-Forwarded-For": forwarded}
    proxied.test_client().get("/whoami", headers=headers, environ_base={"REMOTE_ADDR": peer})
    return seen[0]


@pytest.mark.parametrize(
    ("trusted", "peer", "forwarded", "client"),
    [
        pytest.param("", "10.0.0.2", "203.0.113.9", "10.0.0.2", id="no-trusted-proxy"),
        pytest.param("10.0.0.0/8", "192.0.2.1", "203.0.113.9", "192.0.2.1", id="untrusted-peer"),
        pytest.param("10.0.0.0/8", "10.0.0.2", "203.0.113.9", "203.0.113.9", id="trusted-peer"),
        pytest.param(
            "10.0.0.0/8", "10.0.0.2", "198.51.100.7, 203.0.113.9", "203.0.113.9", id="spoofed-left"
        ),
        pytest.param(
            "10.0.0.2, 10.1.0.0/16", "10.0.0.2", "203.0.113.9, 10.1.2.3", "203.0.113.9", id="chain"
        ),
    ],
)
def test_x_forwarded_for_is_believed_only_from_trusted_proxies(
    trusted: str, peer: str, forwarded: str, client: str
) -> None:
    assert client_seen(trusted, peer, forwarded) == client


@pytest.mark.parametrize("value", ["*", "10.0.0.0/8, proxy.internal", "10.0.0.300"])
def test_trusted_proxies_must_be_addresses(value: str) -> None:
    with pytest.raises(ValidationError):
        Settings(trusted_proxies=value, _env_file=None)  # type: ignore[call-arg]


def test_token_bucket_refills_over_time() -> None:
    bucket = ratelimit.TokenBucket(2, period=60)
    assert bucket.take("a", now=0) == 0
    assert bucket.take("a", now=0) == 0
    assert bucket.take("a", now=0) == pytest.approx(30)
    assert bucket.take("b", now=0) == 0
    assert bucket.take("a", now=30) == 0


def test_token_bucket_forgets_idle_clients() -> None:
    bucket = ratelimit.TokenBucket(1, period=60, max_keys=1)
    bucket.take("idle", now=0)
    bucket.take("busy", now=120)
    assert bucket.take("busy", now=120) > 0
    assert bucket.take("idle", now=120) == 0


def test_login_beyond_the_limit_is_429_with_retry_after(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "rate_limit_enabled", True)
    bucket = ratelimit.TokenBucket(3)
    monkeypatch.setattr(ratelimit, "auth_limiter", lambda: bucket)
    body = {"email": "nobody@example.com", "password": PASSWORD}
    statuses = [client.post(LOGIN, json=body).status_code for _ in range(3)]
    assert statuses == [401, 401, 401]
    response = client.post(LOGIN, json=body)
    assert_problem(response, 429, "Too many requests")
    assert int(response.headers["Retry-After"]) >= 1
    # registration has its own budget
    assert client.post("/api/v1/auth/register", json=body).status_code == 201


def test_the_limit_is_read_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "auth_rate_limit_per_minute", 7)
    ratelimit.auth_limiter.cache_clear()
    try:
        assert ratelimit.auth_limiter().capacity == 7
    finally:
        ratelimit.auth_limiter.cache_clear()


# ------------------------------------------------------- per-account backoff (ASVS 2.2.1)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """A fake monotonic clock for the backoff: append to it to let time pass."""
    now = [1000.0]
    monkeypatch.setattr(lockout, "monotonic", lambda: now[-1])
    return now


def attempt(client: FlaskClient, email: str, password: str) -> tuple[int, str | None, object]:
    response = client.post(LOGIN, json={"email": email, "password": password})
    return response.status_code, response.headers.get("Retry-After"), response.get_json()


def test_repeated_failures_lock_the_account_with_a_growing_wait(
    client: FlaskClient, clock: list[float]
) -> None:
    register(client, "bob@example.com")
    for _ in range(get_settings().login_lockout_failures):
        assert attempt(client, "bob@example.com", "wrong password!")[0] == 401
    # now even the right password must wait
    status, retry_after, body = attempt(client, "bob@example.com", PASSWORD)
    assert (status, retry_after, body["detail"]) == (429, "1", "Too many requests")
    clock.append(clock[-1] + 1)
    assert attempt(client, "bob@example.com", "wrong password!")[0] == 401
    assert attempt(client, "bob@example.com", PASSWORD)[:2] == (429, "2")  # the wait doubled
    clock.append(clock[-1] + 2)
    assert attempt(client, "bob@example.com", PASSWORD)[0] == 200  # and success resets it
    assert attempt(client, "bob@example.com", "wrong password!")[0] == 401


def test_the_lockout_does_not_tell_whether_an_account_exists(
    client: FlaskClient, clock: list[float]
) -> None:
    register(client, "bob@example.com")
    answers = {}
    for email in ("bob@example.com", "nobody@example.com"):
        for _ in range(get_settings().login_lockout_failures + 1):
            attempt(client, email, "wrong password!")
        answers[email] = attempt(client, email, "wrong password!")
    assert answers["bob@example.com"] == answers["nobody@example.com"]
    assert answers["bob@example.com"][0] == 429


def test_a_locked_account_does_not_lock_another(client: FlaskClient, clock: list[float]) -> None:
    register(client, "bob@example.com")
    for _ in range(get_settings().login_lockout_failures + 1):
        attempt(client, "nobody@example.com", "wrong password!")
    assert attempt(client, "bob@example.com", PASSWORD)[0] == 200


def test_wrong_current_passwords_count_as_failures(client: FlaskClient, clock: list[float]) -> None:
    register(client, "bob@example.com")
    headers = login(client, "bob@example.com")
    body = {"current_password": "wrong password!", "new_password": "another long passphrase"}
    statuses = [
        client.post("/api/v1/auth/password", json=body, headers=headers).status_code
        for _ in range(get_settings().login_lockout_failures + 2)
    ]
    assert statuses[-1] == 429
    assert set(statuses[:-1]) <= {403, 429}


# ---------------------------------------------------------------- audit log, metrics


def test_failed_login_is_audited_without_the_email(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="audit")
    body = {"email": "nobody@example.com", "password": PASSWORD}
    assert client.post(LOGIN, json=body).status_code == 401
    [record] = audit_records(caplog)
    assert (record.event, record.outcome, record.reason) == (
        "login_failed",
        "failure",
        "unknown_email",
    )
    assert len(record.email_hash) == 16
    assert all("nobody@example.com" not in str(value) for value in vars(record).values())


def test_registration_and_login_are_audited(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="audit")
    register(client, "bob@example.com")
    headers = login(client, "bob@example.com")
    user_id = str(client.get("/api/v1/users/me", headers=headers).get_json()["id"])
    events = [(r.event, r.outcome, r.user_id) for r in audit_records(caplog)]
    assert events == [
        ("user_registered", "success", user_id),
        ("login_succeeded", "success", user_id),
    ]


def test_refused_access_is_audited(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="audit")
    assert client.get("/api/v1/users/me").status_code == 401
    [record] = audit_records(caplog)
    assert (record.event, record.status_code, record.http_path) == (
        "access_denied",
        401,
        "/api/v1/users/me",
    )


def test_metrics_expose_the_request_duration_histogram(client: FlaskClient) -> None:
    client.get("/health/live")
    client.get("/no/such/path")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    labels = 'method="GET",route="/health/live",status="200"'
    assert "http_request_duration_seconds_count{" + labels + "}" in response.text
    assert 'route="unmatched",status="404"' in response.text
