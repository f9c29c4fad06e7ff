{%- set jwt = cookiecutter.auth == "jwt" -%}
"""Limits, as HTTP behaviour: an oversized body gets 413 before it is parsed, gunicorn passes long
request lines on to the app, a validation error never echoes the value sent, odd numbers and ids
never give a 500, and only a few password hashes run at once."""

import functools
import io
import runpy
import threading
import time
{%- if jwt %}
from datetime import timedelta
{%- endif %}

import pytest
from flask.testing import FlaskClient
from gunicorn.config import Config
from gunicorn.http.errors import LimitRequestLine
from gunicorn.http.parser import RequestParser

from app import middleware, security
from app.api import auth
from app.config import get_settings
from tests.conftest import PASSWORD, ROOT, app, register
from tests.problems import assert_problem

LOGIN = "/api/v1/auth/login"
JSON = {"Content-Type": "application/json"}


def limit() -> int:
    return get_settings().max_request_body_bytes


@functools.cache
def gunicorn_config() -> Config:
    """gunicorn's settings as `gunicorn app.wsgi:app` loads them from gunicorn.conf.py."""
    cfg = Config()
    for name, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if name in cfg.settings:
            cfg.set(name, value)
    return cfg


def gunicorn_takes(target: str) -> bool:
    """Whether gunicorn reads `GET target` (or answers its own 414 without calling the app)."""
    head = f"GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode()
    try:
        next(iter(RequestParser(gunicorn_config(), [head], ("127.0.0.1", 0))))
    except LimitRequestLine:
        return False
    return True


def test_a_body_over_the_limit_is_413(client: FlaskClient) -> None:
    response = client.post(LOGIN, data=b" " * (limit() + 1), headers=JSON)
    assert_problem(response, 413, "Request body too large")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_chunked_body_over_the_limit_is_413(client: FlaskClient) -> None:
    # No Content-Length (as a server gives a chunked body): the size is known only once read.
    body = io.BytesIO(b" " * (limit() + 1))
    chunked = {**JSON, "Transfer-Encoding": "chunked"}
    no_length = {"CONTENT_LENGTH": ""}
    response = client.post(LOGIN, input_stream=body, headers=chunked, environ_overrides=no_length)
    assert_problem(response, 413, "Request body too large")


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_an_over_limit_body_is_read_before_the_413(client: FlaskClient, chunked: bool) -> None:
    # A server that answers while the client is still sending resets the connection: the client
    # would see the reset, not the 413. The rest of the body is drained first (up to a bound).
    body = io.BytesIO(b" " * (3 * limit()))
    headers = {**JSON, "Transfer-Encoding": "chunked"} if chunked else JSON
    overrides = {"CONTENT_LENGTH": "" if chunked else str(3 * limit())}
    response = client.post(LOGIN, input_stream=body, headers=headers, environ_overrides=overrides)
    assert_problem(response, 413, "Request body too large")
    assert body.read() == b""


def test_an_abusive_body_is_not_drained_past_the_bound(client: FlaskClient) -> None:
    size = middleware.DRAIN_LIMIT_BYTES + 4 * limit()
    body = io.BytesIO(b" " * size)
    overrides = {"CONTENT_LENGTH": str(size)}
    response = client.post(LOGIN, input_stream=body, headers=JSON, environ_overrides=overrides)
    assert_problem(response, 413, "Request body too large")
    assert body.tell() <= middleware.DRAIN_LIMIT_BYTES


def test_a_body_at_the_limit_is_parsed(client: FlaskClient) -> None:
    body = b'{"email": "bob@example.com", "password": "x"}'
    padded = body + b" " * (limit() - len(body))
    assert client.post(LOGIN, data=padded, headers=JSON).status_code == 401


@pytest.mark.parametrize("body", [b'{"email": ', b"\xff\xfe", b"not json"])
def test_a_body_that_is_not_json_is_400(client: FlaskClient, body: bytes) -> None:
    response = client.post(LOGIN, data=body, headers=JSON)
    assert_problem(response, 400, "Malformed request body")


@pytest.mark.parametrize(
    "body",
    [
        {"email": "bob@example.com", "password": "x" * 129},
        {"email": "b" * 250 + "@example.com", "password": PASSWORD},
        {"email": "bob@example.com", "password": PASSWORD, "k" * 10_000: "v"},
    ],
    ids=["long-password", "long-email", "long-unknown-key"],
)
def test_validation_errors_do_not_echo_the_input(client: FlaskClient, body: dict[str, str]) -> None:
    response = client.post("/api/v1/auth/register", json=body)
    problem = assert_problem(response, 422)
    assert len(response.data) < 1_000
    for error in problem["errors"]:
        assert set(error) in ({"pointer", "detail"}, {"parameter", "detail"})


@pytest.mark.parametrize("number", [b"NaN", b"Infinity", b"-Infinity", b"1e400", b"9" * 400])
def test_odd_numbers_are_422_not_500(client: FlaskClient, number: bytes) -> None:
    body = b'{"email": "bob@example.com", "password": ' + number + b"}"
    assert client.post(LOGIN, data=body, headers=JSON).status_code == 422
{%- if jwt %}


def test_a_huge_refresh_token_is_422(client: FlaskClient) -> None:
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": "x" * 4097})
    assert response.status_code == 422
{%- endif %}


{%- if jwt %}


def test_oversized_ids_in_a_token_are_401_not_500(client: FlaskClient) -> None:
    # A token signed with the real key (the worst case) naming absurd ids.
    claims = {"typ": "access", "sid": "s" * 10_000, "jti": "j"}
    key = get_settings().secret_key.get_secret_value()
    token = security.create_token("9" * 400, key, timedelta(minutes=5), claims)
    response = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
{%- else %}


def test_oversized_ids_in_a_session_are_401_not_500(client: FlaskClient) -> None:
    # A session cookie signed with the real key (the worst case) naming absurd ids.
    with client.session_transaction() as session:
        session.update(sid="s" * 10_000, uid="9" * 400, csrf="c")
    assert client.get("/api/v1/users/me").status_code == 401
{%- endif %}


def test_gunicorn_passes_long_request_lines_to_the_app() -> None:
    # ten list filters of 512 four-byte characters, percent-encoded: 60 KiB, which the app answers
    # itself (200, or 422 when the values are too long); gunicorn alone would refuse 4 KiB with 414
    emoji = "%F0%9F%98%80" * 512
    assert gunicorn_takes("/api/v1/items?" + "&".join(f"f{n}={emoji}" for n in range(10)))
    assert not gunicorn_takes("/api/v1/items?q=" + "x" * 70_000)  # still bounded


def peak_concurrent_hashes(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> int:
    """Register 6 users at once and return how many hashes ran at the same time."""
    security._hash_slots.cache_clear()  # a semaphore sized by the patched budget
    running = peak = 0
    lock = threading.Lock()

    def slow_hash(password: str) -> str:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.2)  # long enough for the other requests to arrive meanwhile
        with lock:
            running -= 1
        return security.hash_password(password)

    monkeypatch.setattr(auth, "hash_password", slow_hash)
    # One test client per thread: each is one browser.
    users = [(app.test_client(), f"user{n}@example.com") for n in range(6)]
    threads = [threading.Thread(target=register, args=user) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    security._hash_slots.cache_clear()  # the next test sizes it from the real budget again
    return peak


def test_concurrent_password_hashes_are_bounded_by_the_memory_budget(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    cost_mib = security._hasher.memory_cost // 1024
    monkeypatch.setattr(get_settings(), "password_hash_memory_mib", cost_mib)
    assert security.concurrent_hashes(cost_mib) == 1
    assert peak_concurrent_hashes(client, monkeypatch) == 1


def test_a_larger_budget_allows_more_hashes_at_once(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    cost_mib = security._hasher.memory_cost // 1024
    monkeypatch.setattr(get_settings(), "password_hash_memory_mib", 3 * cost_mib)
    assert security.concurrent_hashes(3 * cost_mib) == 3
    assert 1 < peak_concurrent_hashes(client, monkeypatch) <= 3
