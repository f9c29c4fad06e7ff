{%- set jwt = cookiecutter.auth == "jwt" -%}
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from app.config import {% if not jwt %}Settings, {% endif %}get_settings
from app.security import create_token
from tests.conftest import PASSWORD, login, register


def test_register_returns_the_user_without_secrets(client: TestClient) -> None:
    user = register(client, "bob@example.com")
    assert user["email"] == "bob@example.com"
    assert set(user) == {"id", "email", "created_at"}


def test_duplicate_registration_is_409(client: TestClient) -> None:
    register(client, "bob@example.com")
    response = client.post(
        "/api/v1/auth/register", json={"email": "BOB@example.com", "password": PASSWORD}
    )
    assert response.status_code == 409


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"email": "not-an-email", "password": PASSWORD},
        {"email": "bob@example.com", "password": "short"},
        {"email": "bob@example.com", "password": 12345678},
        {"email": "bob@example.com", "password": PASSWORD, "is_admin": True},
    ],
)
def test_invalid_registration_is_422(client: TestClient, payload: dict[str, object]) -> None:
    assert client.post("/api/v1/auth/register", json=payload).status_code == 422


def test_login_and_me(client: TestClient) -> None:
    register(client, "bob@example.com")
    headers = login(client, "bob@example.com")
    response = client.get("/api/v1/users/me", headers=headers)
    assert response.status_code == 200
    assert response.json()["email"] == "bob@example.com"


@pytest.mark.parametrize(
    ("email", "password"),
    [("bob@example.com", "wrong password"), ("nobody@example.com", PASSWORD)],
)
def test_bad_credentials_are_401(client: TestClient, email: str, password: str) -> None:
    register(client, "bob@example.com")
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 401


def test_me_without_credentials_is_401(client: TestClient) -> None:
    assert client.get("/api/v1/users/me").status_code == 401
{%- if jwt %}


def _token(subject: str, expires_in: timedelta, secret: str | None = None) -> str:
    secret = secret or get_settings().secret_key.get_secret_value()
    return create_token(subject, secret, expires_in, {"typ": "access"})


def test_login_returns_a_bearer_token(client: TestClient) -> None:
    register(client, "bob@example.com")
    response = client.post(
        "/api/v1/auth/login", json={"email": "bob@example.com", "password": PASSWORD}
    )
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == get_settings().access_token_expire_minutes * 60


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer not-a-jwt",
        "Basic Ym9iOnNlY3JldA==",
        "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxIn0.",
    ],
)
def test_bad_token_is_401(client: TestClient, authorization: str) -> None:
    response = client.get("/api/v1/users/me", headers={"Authorization": authorization})
    assert response.status_code == 401


def test_expired_token_is_401(client: TestClient) -> None:
    user = register(client, "bob@example.com")
    token = _token(str(user["id"]), timedelta(seconds=-10))
    response = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_token_signed_with_another_key_is_401(client: TestClient) -> None:
    user = register(client, "bob@example.com")
    token = _token(str(user["id"]), timedelta(minutes=5), secret="another-secret-" * 4)
    response = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_token_of_a_deleted_user_is_401(client: TestClient) -> None:
    token = _token("999999", timedelta(minutes=5))
    response = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
{%- else %}


def _session(subject: str, expires_in: timedelta, secret: str | None = None) -> str:
    secret = secret or get_settings().secret_key.get_secret_value()
    return create_token(subject, secret, expires_in, {"typ": "session", "csrf": "x"})


def test_login_sets_hardened_cookies(client: TestClient) -> None:
    register(client, "bob@example.com")
    response = client.post(
        "/api/v1/auth/login", json={"email": "bob@example.com", "password": PASSWORD}
    )
    cookies = response.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("session="))
    csrf = next(c for c in cookies if c.startswith("csrf_token="))
    assert "httponly" in session.lower()
    assert "samesite=lax" in session.lower()
    assert "httponly" not in csrf.lower()
    assert response.json()["csrf_token"] in csrf


def test_cookies_are_secure_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COOKIE_SECURE", raising=False)
    assert Settings(_env_file=None).cookie_secure is True  # type: ignore[call-arg]


@pytest.mark.parametrize("cookie", ["not-a-session", "a.b.c"])
def test_bad_session_cookie_is_401(client: TestClient, cookie: str) -> None:
    client.cookies.set("session", cookie)
    assert client.get("/api/v1/users/me").status_code == 401


def test_expired_session_is_401(client: TestClient) -> None:
    user = register(client, "bob@example.com")
    client.cookies.set("session", _session(str(user["id"]), timedelta(seconds=-10)))
    assert client.get("/api/v1/users/me").status_code == 401


def test_session_signed_with_another_key_is_401(client: TestClient) -> None:
    user = register(client, "bob@example.com")
    forged = _session(str(user["id"]), timedelta(minutes=5), secret="another-secret-" * 4)
    client.cookies.set("session", forged)
    assert client.get("/api/v1/users/me").status_code == 401


def test_logout_needs_the_csrf_token(client: TestClient) -> None:
    register(client, "bob@example.com")
    headers = login(client, "bob@example.com")
    assert client.post("/api/v1/auth/logout").status_code == 403
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": "wrong"}).status_code == 403
    latin1 = {"X-CSRF-Token": "caf\xe9".encode("latin-1")}
    assert client.post("/api/v1/auth/logout", headers=latin1).status_code == 403
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert "session" not in client.cookies
    assert client.get("/api/v1/users/me").status_code == 401
{%- endif %}
