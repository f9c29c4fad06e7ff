"""Registration, login, {{ "tokens bound to sessions, refresh rotation" if cookiecutter.auth == "jwt" else "cookie sessions and CSRF" }}, logout, password change."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import PASSWORD, authenticated, login, new_client, register, signed_in
from tests.problems import assert_problem

pytestmark = pytest.mark.django_db


def email() -> str:
    return f"user-{uuid.uuid4().hex[:12]}@example.com"


def test_register_login_and_me() -> None:
    client, answer = signed_in()
{%- if cookiecutter.auth == "jwt" %}
    assert answer["token_type"] == "bearer" and answer["expires_in"] > 0
{%- else %}
    assert answer["csrf_token"] and answer["expires_in"] > 0
    session = client.cookies["session"]
    assert session["httponly"] and session["samesite"] == "Lax" and session["path"] == "/"
    assert not client.cookies["csrf_token"]["httponly"]
{%- endif %}
    me = client.get("/api/v1/users/me")
    assert me.status_code == 200
    assert set(me.json()) == {"id", "email", "created_at"}


def test_registering_a_taken_address_answers_the_same() -> None:
    address = email()
    first = register(new_client(), address)
    again = register(new_client(), address, "other pass 123")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()


@pytest.mark.parametrize("password", ["short", " " * 20, "password1234", "nul\x00in the middle"])
def test_weak_passwords_are_422(password: str) -> None:
    body = assert_problem(register(new_client(), email(), password), 422)
    assert body["errors"][0]["pointer"] == "#/password"


def test_wrong_password_is_401_like_an_unknown_address() -> None:
    address = email()
    register(new_client(), address)
    wrong = login(new_client(), address, "wrong passphrase 1")
    unknown = login(new_client(), email(), "wrong passphrase 1")
    assert_problem(wrong, 401)
    assert wrong.content == unknown.content
{%- if cookiecutter.auth == "jwt" %}
    assert wrong["WWW-Authenticate"].startswith("Bearer")
{%- endif %}


def test_me_needs_a_token() -> None:
    assert_problem(new_client().get("/api/v1/users/me"), 401)


{% if cookiecutter.auth == "jwt" -%}
def test_refresh_rotates_and_a_reused_token_kills_the_family() -> None:
    client, tokens = signed_in()
    first = client.post("/api/v1/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert first.status_code == 200
    rotated = first.json()["refresh_token"]
    assert rotated != tokens["refresh_token"]
    reused = client.post("/api/v1/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert_problem(reused, 401)
    assert_problem(client.post("/api/v1/auth/refresh", {"refresh_token": rotated}), 401)
    assert_problem(client.get("/api/v1/users/me"), 401)
{%- else -%}
def test_unsafe_requests_need_the_csrf_token() -> None:
    client, _ = signed_in()
    client.credentials(HTTP_X_CSRF_TOKEN="not-the-token")
    assert_problem(client.post("/api/v1/auth/logout"), 403)
    client.credentials()
    assert_problem(client.post("/api/v1/auth/logout"), 403)
    assert client.get("/api/v1/users/me").status_code == 200
{%- endif %}


def test_logout_ends_the_session() -> None:
    client, _ = signed_in()
{%- if cookiecutter.auth != "jwt" %}
    kept = client.cookies["session"].value
{%- endif %}
    assert client.post("/api/v1/auth/logout").status_code == 204
{%- if cookiecutter.auth != "jwt" %}
    client.cookies["session"] = kept  # an attacker who kept the cookie
{%- endif %}
    assert_problem(client.get("/api/v1/users/me"), 401)


def test_change_password_ends_the_other_sessions() -> None:
    address = email()
    laptop, _ = signed_in(address)
    phone = new_client()
    authenticated(phone, login(phone, address).json())
    change = {"current_password": "not the password 1", "new_password": "a new passphrase 42"}
    assert_problem(laptop.post("/api/v1/auth/password", change), 403)
    change["current_password"] = PASSWORD
    assert laptop.post("/api/v1/auth/password", change).status_code == 204
    assert_problem(phone.get("/api/v1/users/me"), 401)
    assert laptop.get("/api/v1/users/me").status_code == 200
    assert login(new_client(), address, "a new passphrase 42").status_code == 200


def test_repeated_failures_lock_the_account() -> None:
    address = email()
    register(new_client(), address)
    statuses = [login(new_client(), address, "guess number 1234").status_code for _ in range(8)]
    assert 429 in statuses
    locked = login(new_client(), address)
    assert_problem(locked, 429)
    assert int(locked["Retry-After"]) >= 1


def test_logins_are_rate_limited_per_client_address() -> None:
    client = new_client()
    statuses = [login(client, email(), "wrong passphrase 1").status_code for _ in range(30)]
    assert statuses[-1] == 429
    assert login(new_client(), email(), "wrong passphrase 1").status_code == 401


def test_password_checks_beyond_the_hashing_slots_are_shed(monkeypatch: pytest.MonkeyPatch) -> None:
    from app import accounts

    monkeypatch.setattr(accounts, "HASH_WAIT_SECONDS", 0.01)
    slots, taken = accounts._slots(), 0
    while slots.acquire(blocking=False):
        taken += 1
    try:
        response = login(new_client(), email(), "any passphrase 123")
    finally:
        for _ in range(taken):
            slots.release()
    assert_problem(response, 503)
    assert response["Retry-After"] == "1"
