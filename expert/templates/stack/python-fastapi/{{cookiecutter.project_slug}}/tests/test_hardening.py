{%- set d = cookiecutter.decisions -%}
{%- set limited = d.get("rate_limiting") in ["app-level", "redis"] -%}
{%- set shared_limits = d.get("rate_limiting") == "redis" -%}
{%- set cors = d.get("api_exposure") != "internal-only" -%}
{%- set factories = d.get("test_data") in ["factories", "synthetic-only"] -%}
{%- set tracing = d.get("tracing") == "opentelemetry" or d.get("observability") == "logs-metrics-tracing" -%}
{%- set cached = cookiecutter.cache == "redis" -%}
"""What the expert agents added to the starter (each section names the decision it checks).

Security headers, {% if cors %}CORS, {% endif %}{% if limited %}rate limiting, {% endif %}audit log, metrics{% if tracing %}, tracing{% endif %}{% if cached %}, cache{% endif %}.
"""

import logging

import pytest
{%- if cached %}
import redis
{%- endif %}
{%- if tracing %}
from fastapi import FastAPI
{%- endif %}
from fastapi.testclient import TestClient
{% if limited %}
from app import ratelimit
{%- endif %}
{%- if cached %}
from app.cache import Cache, get_cache
{%- endif %}
{%- if cors or limited %}
from app.config import get_settings
{%- endif %}
from app.main import app{% if cors %}, create_app{% endif %}
{%- if tracing %}
from app.tracing import configure_tracing
{%- endif %}
from tests.conftest import PASSWORD, login, register
{%- if factories %}
from tests.factories import create_user
{%- endif %}

NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: a Redis that is down


def audit_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "audit"]


# ------------------------------------------------------------------- security headers (always)


def test_responses_carry_security_headers(client: TestClient) -> None:
    for response in (client.get("/health/live"), client.get("/no/such/path")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["Cache-Control"] == "no-store"


def test_the_docs_page_can_load_swagger_ui(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"
{%- if cors %}


# ------------------------------------------------------------- CORS (api_exposure = external)


def test_no_cors_headers_by_default(client: TestClient) -> None:
    response = client.get("/health/live", headers={"Origin": "https://app.example.com"})
    assert "access-control-allow-origin" not in response.headers


def test_cors_preflight_for_an_allowed_origin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "cors_allow_origins", "https://app.example.com")
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    with TestClient(create_app()) as cors_client:
        allowed = cors_client.options(
            "/api/v1/auth/login", headers={"Origin": "https://app.example.com", **preflight}
        )
        refused = cors_client.options(
            "/api/v1/auth/login", headers={"Origin": "https://evil.example", **preflight}
        )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://app.example.com"
    assert "access-control-allow-origin" not in refused.headers
{%- endif %}
{%- if limited %}


# --------------------------------------------------------------- rate limiting (rate_limiting)


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
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "rate_limit_enabled", True)
    bucket = ratelimit.TokenBucket(3)
    monkeypatch.setattr(ratelimit, "auth_limiter", lambda: bucket)
    body = {"email": "nobody@example.com", "password": PASSWORD}
    statuses = [client.post("/api/v1/auth/login", json=body).status_code for _ in range(3)]
    assert statuses == [401, 401, 401]
    response = client.post("/api/v1/auth/login", json=body)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    assert response.json() == {"detail": "Too many requests"}
    # registration has its own budget
    assert client.post("/api/v1/auth/register", json=body).status_code == 201


def test_the_limit_is_read_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "auth_rate_limit_per_minute", 7)
    ratelimit.auth_limiter.cache_clear()
    try:
        assert ratelimit.auth_limiter().capacity == 7
    finally:
        ratelimit.auth_limiter.cache_clear()
{%- if shared_limits %}


def test_shared_limits_fall_back_to_the_instance_when_redis_is_down() -> None:
    window = ratelimit.RedisWindow(NOWHERE, 1, ratelimit.TokenBucket(1))
    assert window.take("k") == 0
    assert window.take("k") > 0
{%- endif %}
{%- endif %}


# ---------------------------------------------------------------------- audit log (audit_log)


def test_failed_login_is_audited_without_the_email(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="audit")
    body = {"email": "nobody@example.com", "password": PASSWORD}
    assert client.post("/api/v1/auth/login", json=body).status_code == 401
    [record] = audit_records(caplog)
    assert (record.event, record.outcome, record.reason) == (
        "login_failed",
        "failure",
        "unknown_email",
    )
    assert len(record.email_hash) == 16
    assert all("nobody@example.com" not in str(value) for value in vars(record).values())


def test_registration_and_login_are_audited(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="audit")
{%- if factories %}
    payload, user = create_user(client)
    login(client, payload["email"])
{%- else %}
    user = register(client, "bob@example.com")
    login(client, "bob@example.com")
{%- endif %}
    events = [(r.event, r.outcome, r.user_id) for r in audit_records(caplog)]
    assert events == [
        ("user_registered", "success", str(user["id"])),
        ("login_succeeded", "success", str(user["id"])),
    ]


def test_refused_access_is_audited(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="audit")
    register(client, "bob@example.com")
    assert client.get("/api/v1/users/me").status_code == 401
    [record] = audit_records(caplog)[1:]
    assert (record.event, record.status_code, record.http_path) == (
        "access_denied",
        401,
        "/api/v1/users/me",
    )


# -------------------------------------------------------------------- metrics (observability)


def test_metrics_expose_the_request_duration_histogram(client: TestClient) -> None:
    client.get("/health/live")
    client.get("/no/such/path")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    labels = 'method="GET",route="/health/live",status="200"'
    assert "http_request_duration_seconds_count{" + labels + "}" in response.text
    assert 'route="unmatched",status="404"' in response.text


def test_metrics_are_not_part_of_the_api_contract() -> None:
    assert "/metrics" not in app.openapi()["paths"]
{%- if tracing %}


# ---------------------------------------------------------------- tracing (OpenTelemetry)


def test_tracing_is_off_without_an_otlp_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    assert configure_tracing(FastAPI()) is None


def test_tracing_instruments_the_app_when_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
    provider = configure_tracing(FastAPI())
    assert provider is not None
    provider.shutdown()  # nothing was recorded: nothing is sent
{%- endif %}
{%- if cached %}


# ---------------------------------------------------------------------------- cache (redis)


def test_the_cache_fails_open_when_redis_is_down() -> None:
    cache = Cache(NOWHERE, 60)
    assert cache.get_or_set("k", lambda: {"v": 1}) == {"v": 1}
    assert cache.get_or_set("k", lambda: {"v": 2}) == {"v": 2}  # Redis skipped for a while
    cache.delete("k")
    cache.clear()


def test_me_is_served_with_or_without_redis(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    for _ in range(2):
        response = client.get("/api/v1/users/me", headers=auth_headers)
        assert response.status_code == 200
        assert response.json()["email"] == "alice@example.com"


def test_cache_aside_round_trip_when_redis_answers() -> None:
    cache = get_cache()
    try:
        cache.client.ping()
    except redis.RedisError:
        pytest.skip("no Redis at REDIS_URL")
    assert cache.get_or_set("test:k", lambda: [1, 2]) == [1, 2]
    assert cache.get_or_set("test:k", lambda: [3]) == [1, 2]  # served from Redis
    cache.delete("test:k")
    assert cache.get_or_set("test:k", lambda: [3]) == [3]
{%- endif %}
