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

import base64
import hashlib
import logging
import re

import pytest
{%- if cached %}
import redis
{%- endif %}
{%- if tracing %}
from fastapi import FastAPI, Request, Response
{%- else %}
from fastapi import Request, Response
{%- endif %}
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app import lockout{% if limited %}, ratelimit{% endif %}
from app.api import auth
from app.audit import client_address
{%- if cached %}
from app.cache import Cache, get_cache
{%- endif %}
from app.config import Settings, get_settings
from app.main import app, create_app
{%- if tracing %}
from app.tracing import configure_tracing
{%- endif %}
from tests.conftest import PASSWORD, login, register
{%- if factories %}
from tests.factories import create_user
{%- endif %}
from tests.problems import assert_problem

NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: a Redis that is down


def audit_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "audit"]


# ------------------------------------------------------------------- security headers (always)


def assert_security_headers(response: Response) -> None:
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_responses_carry_security_headers(client: TestClient) -> None:
    responses = {
        200: client.get("/health/live"),
        401: client.get("/api/v1/users/me"),
        404: client.get("/no/such/path"),
        405: client.put("/api/v1/auth/register"),
        413: client.post("/api/v1/auth/login", content=b" " * (2 * 1024 * 1024)),
        422: client.post("/api/v1/auth/login", json={}),
    }
    for status, response in responses.items():
        assert response.status_code == status
        assert_security_headers(response)
        if status >= 400:
            assert_problem(response, status)
    assert responses[405].headers["Allow"] == "POST"


def test_an_unhandled_error_is_a_problem_500_with_security_headers() -> None:
    broken = create_app()

    @broken.get("/broken", include_in_schema=False)
    def fail() -> None:
        raise RuntimeError("a bug")

    with TestClient(broken, raise_server_exceptions=False) as client:
        response = client.get("/broken")
    assert_problem(response, 500, "Internal Server Error")
    assert "a bug" not in response.text
    assert_security_headers(response)


def test_the_interactive_docs_are_off_by_default(client: TestClient) -> None:
    assert get_settings().docs_enabled is False
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        assert client.get(path).status_code == 404
    assert client.get("/openapi.json").status_code == 200  # the contract stays readable


def test_enabled_docs_load_only_pinned_scripts_with_integrity(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(get_settings(), "docs_enabled", True)
    with TestClient(create_app()) as client:
        response = client.get("/docs")
    assert response.status_code == 200
    page = response.text
    external = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"[^>]*>', page)
    assert len(external) == 2
    for tag in re.findall(r"<(?:script|link)\b[^>]*\b(?:src|href)=[^>]*>", page):
        assert re.search(r'integrity="sha384-[A-Za-z0-9+/]{64}"', tag), tag
        assert "@5." in tag  # an exact version, never a moving tag such as @5 or @latest
    [inline] = re.findall(r"<script>(.*?)</script>", page, re.S)
    policy = response.headers["Content-Security-Policy"]
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "default-src 'none'" in policy
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


@pytest.mark.parametrize("value", ["app.example.com", "https://app.example.com/path", "null"])
def test_cors_origins_must_be_origins(value: str) -> None:
    with pytest.raises(ValidationError):
        Settings(cors_allow_origins=value, _env_file=None)  # type: ignore[call-arg]
{%- if cookiecutter.auth == "session-cookie" %}


def test_a_wildcard_origin_is_refused_with_session_cookies() -> None:
    # Cookies are credentials: "*" with credentials would let any site act as the user.
    with pytest.raises(ValidationError) as caught:
        Settings(cors_allow_origins="https://app.example.com, *", _env_file=None)  # type: ignore[call-arg]
    assert "cors_allow_origins" in str(caught.value)
{%- else %}


def test_a_wildcard_origin_never_comes_with_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "cors_allow_origins", "*")
    with TestClient(create_app()) as cors_client:
        response = cors_client.get("/health/live", headers={"Origin": "https://any.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
{%- endif %}
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
    assert_problem(response, 429, "Too many requests")
    assert int(response.headers["Retry-After"]) >= 1
    # registration has its own budget
    assert client.post("/api/v1/auth/register", json=body).status_code == 201


def test_the_rate_limit_follows_the_real_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "rate_limit_enabled", True)
    monkeypatch.setattr(get_settings(), "trusted_proxies", "10.0.0.0/8")
    bucket = ratelimit.TokenBucket(1)
    monkeypatch.setattr(ratelimit, "auth_limiter", lambda: bucket)
    body = {"email": "nobody@example.com", "password": PASSWORD}

    def status(peer: str, forwarded: str) -> int:
        with TestClient(create_app(), client=(peer, 40000)) as proxied:
            headers = {"X-Forwarded-For": forwarded}
            return proxied.post("/api/v1/auth/login", json=body, headers=headers).status_code

    assert status("10.0.0.2", "203.0.113.1") == 401
    assert status("10.0.0.2", "203.0.113.1") == 429  # the same client behind the proxy
    assert status("10.0.0.2", "203.0.113.2") == 401  # another client behind the proxy
    assert status("192.0.2.7", "203.0.113.3") == 401  # an untrusted peer is the client itself
    assert status("192.0.2.7", "203.0.113.4") == 429  # and a forged header does not help it


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


# ------------------------------------------- the client address (TRUSTED_PROXIES, always)


def client_seen(monkeypatch: pytest.MonkeyPatch, trusted: str, peer: str, forwarded: str) -> str:
    """The client address the audit log records for a failed login from `peer` sending
    X-Forwarded-For (the address the rate limiter keys on too)."""
    monkeypatch.setattr(get_settings(), "trusted_proxies", trusted)
    seen: list[str] = []

    def record(event: str, request: Request | None, **fields: object) -> None:
        seen.append(client_address(request) if request else "")

    monkeypatch.setattr(auth, "audit", record)
    with TestClient(create_app(), client=(peer, 40000)) as proxied:
        body = {"email": "nobody@example.com", "password": PASSWORD}
        headers = {"X-Forwarded-For": forwarded}
        assert proxied.post("/api/v1/auth/login", json=body, headers=headers).status_code == 401
    [client] = seen
    return client


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
    monkeypatch: pytest.MonkeyPatch, trusted: str, peer: str, forwarded: str, client: str
) -> None:
    assert client_seen(monkeypatch, trusted, peer, forwarded) == client


@pytest.mark.parametrize("value", ["*", "10.0.0.0/8, proxy.internal", "10.0.0.300"])
def test_trusted_proxies_must_be_addresses(value: str) -> None:
    with pytest.raises(ValidationError):
        Settings(trusted_proxies=value, _env_file=None)  # type: ignore[call-arg]


# ------------------------------------------------- per-account backoff (ASVS 2.2.1, always)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """A fake monotonic clock for the backoff: append to it to let time pass."""
    now = [1000.0]
    monkeypatch.setattr(lockout, "monotonic", lambda: now[-1])
    return now


def attempt(client: TestClient, email: str, password: str) -> tuple[int, str | None, object]:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    return response.status_code, response.headers.get("Retry-After"), response.json()


def test_repeated_failures_lock_the_account_with_a_growing_wait(
    client: TestClient, clock: list[float]
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
    client: TestClient, clock: list[float]
) -> None:
    register(client, "bob@example.com")
    answers = {}
    for email in ("bob@example.com", "nobody@example.com"):
        for _ in range(get_settings().login_lockout_failures + 1):
            attempt(client, email, "wrong password!")
        answers[email] = attempt(client, email, "wrong password!")
    assert answers["bob@example.com"] == answers["nobody@example.com"]
    assert answers["bob@example.com"][0] == 429


def test_a_locked_account_does_not_lock_another(client: TestClient, clock: list[float]) -> None:
    register(client, "bob@example.com")
    for _ in range(get_settings().login_lockout_failures + 1):
        attempt(client, "nobody@example.com", "wrong password!")
    assert attempt(client, "bob@example.com", PASSWORD)[0] == 200


def test_wrong_current_passwords_count_as_failures(client: TestClient, clock: list[float]) -> None:
    register(client, "bob@example.com")
    headers = login(client, "bob@example.com")
    body = {"current_password": "wrong password!", "new_password": "another long passphrase"}
    statuses = [
        client.post("/api/v1/auth/password", json=body, headers=headers).status_code
        for _ in range(get_settings().login_lockout_failures + 2)
    ]
    assert statuses[-1] == 429
    assert set(statuses[:-1]) <= {403, 429}


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
    payload, _ = create_user(client)
    headers = login(client, payload["email"])
{%- else %}
    register(client, "bob@example.com")
    headers = login(client, "bob@example.com")
{%- endif %}
    user_id = str(client.get("/api/v1/users/me", headers=headers).json()["id"])
    events = [(r.event, r.outcome, r.user_id) for r in audit_records(caplog)]
    assert events == [
        ("user_registered", "success", user_id),
        ("login_succeeded", "success", user_id),
    ]


def test_a_registration_of_a_taken_address_is_audited(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="audit")
    register(client, "bob@example.com")
    register(client, "bob@example.com")
    events = [record.event for record in audit_records(caplog)]
    assert events == ["user_registered", "registration_ignored"]
    record = audit_records(caplog)[1]
    assert record.outcome == "ignored"
    assert all("bob@example.com" not in str(value) for value in vars(record).values())


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
