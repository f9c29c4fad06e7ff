{%- set jwt = cookiecutter.auth == "jwt" -%}
"""Registration, login and sessions, as HTTP behaviour any stack must show: every token is checked
against its server-side session, so that logout{% if jwt %}, a reused refresh token{% endif %} and a password
change end sessions at once."""
{% if jwt %}
import base64
import json
{%- endif %}
{%- if not jwt %}
import secrets
{%- endif %}
from datetime import timedelta
{%- if jwt %}
from typing import Any
{%- endif %}

{% if jwt -%}
import jwt
{% endif -%}
import pytest
{%- if not jwt %}
from flask import Flask
{%- endif %}
from flask.testing import FlaskClient
{%- if not jwt %}
from sqlalchemy import update
{%- endif %}

from app.config import {% if not jwt %}Settings, {% endif %}get_settings
{%- if jwt %}
from app.security import create_token
{%- else %}
from app.models import AuthSession
from app.sessions import utcnow
{%- endif %}
from tests.conftest import PASSWORD, {% if not jwt %}app, engine, {% endif %}login, register
from tests.problems import assert_problem

NEW_PASSWORD = "a different passphrase, long enough"


def secret() -> str:
    return get_settings().secret_key.get_secret_value()


def change_password(
    client: FlaskClient, headers: dict[str, str], current: str, new: str = NEW_PASSWORD
) -> int:
    body = {"current_password": current, "new_password": new}
    return client.post("/api/v1/auth/password", json=body, headers=headers).status_code


def test_register_answers_with_the_normalised_email_only(client: FlaskClient) -> None:
    assert register(client, "Bob@Example.com") == {"email": "bob@example.com"}


def test_registration_does_not_reveal_which_emails_exist(client: FlaskClient) -> None:
    first = {"email": "bob@example.com", "password": PASSWORD}
    new = client.post("/api/v1/auth/register", json=first)
    again = client.post(
        "/api/v1/auth/register", json={"email": "BOB@example.com", "password": NEW_PASSWORD}
    )
    assert (new.status_code, new.get_json()) == (again.status_code, again.get_json())
    assert new.status_code == 201
    # the existing account is untouched: its password is still the first one
    login(client, "bob@example.com", PASSWORD)
    body = {"email": "bob@example.com", "password": NEW_PASSWORD}
    assert client.post("/api/v1/auth/login", json=body).status_code == 401


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
def test_invalid_registration_is_422(client: FlaskClient, payload: dict[str, object]) -> None:
    body = assert_problem(client.post("/api/v1/auth/register", json=payload), 422)
    assert body["errors"]
    assert all(error["pointer"].startswith("#") and error["detail"] for error in body["errors"])


def test_a_validation_error_points_at_each_field(client: FlaskClient) -> None:
    payload = {"email": "not-an-email", "password": PASSWORD, "is_admin": True}
    body = assert_problem(client.post("/api/v1/auth/register", json=payload), 422)
    assert sorted(error["pointer"] for error in body["errors"]) == ["#/email", "#/is_admin"]
    assert "not-an-email" not in str(body)


def test_login_and_me(client: FlaskClient) -> None:
    register(client, "bob@example.com")
    headers = login(client, "bob@example.com")
    response = client.get("/api/v1/users/me", headers=headers)
    assert response.status_code == 200
    assert response.get_json()["email"] == "bob@example.com"


@pytest.mark.parametrize(
    ("email", "password"),
    [("bob@example.com", "wrong password"), ("nobody@example.com", PASSWORD)],
)
def test_bad_credentials_are_401(client: FlaskClient, email: str, password: str) -> None:
    register(client, "bob@example.com")
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 401


def test_me_without_credentials_is_401(client: FlaskClient) -> None:
    response = client.get("/api/v1/users/me")
    assert_problem(response, 401, "Not authenticated")
{%- if jwt %}
    assert response.headers["WWW-Authenticate"] == "Bearer"
{%- endif %}


def test_change_password_needs_the_current_one(client: FlaskClient) -> None:
    register(client, "bob@example.com")
    headers = login(client, "bob@example.com")
    assert change_password(client, headers, "not the password") == 403
    assert change_password(client, headers, PASSWORD, new="too short") == 422
    assert change_password(client, headers, PASSWORD) == 204
    old = {"email": "bob@example.com", "password": PASSWORD}
    assert client.post("/api/v1/auth/login", json=old).status_code == 401
    login(client, "bob@example.com", NEW_PASSWORD)
{%- if jwt %}


def tokens(client: FlaskClient, email: str, password: str = PASSWORD) -> dict[str, Any]:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.get_json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def me(client: FlaskClient, token: str) -> int:
    return client.get("/api/v1/users/me", headers=bearer(token)).status_code


def refresh(client: FlaskClient, refresh_token: str) -> Any:
    return client.post("/api/v1/auth/refresh", json={"refresh_token": refresh_token})


def claims_of(token: str) -> dict[str, Any]:
    return jwt.decode(token, secret(), algorithms=["HS256"])


def resign(token: str, expires_in: timedelta, key: str | None = None, **changes: Any) -> str:
    """The same claims (same session), re-signed with another lifetime, key or claims."""
    claims = {**claims_of(token), **changes}
    subject = claims.pop("sub")
    for name in ("iat", "exp"):
        claims.pop(name)
    return create_token(subject, key or secret(), expires_in, claims)


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_login_returns_a_bearer_token_and_a_refresh_token(client: FlaskClient) -> None:
    register(client, "bob@example.com")
    body = tokens(client, "bob@example.com")
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == get_settings().access_token_expire_minutes * 60
    assert me(client, body["access_token"]) == 200
    assert me(client, body["refresh_token"]) == 401  # a refresh token is not an access token


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer not-a-jwt",
        "Basic Ym9iOnNlY3JldA==",
        "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxIn0.",
    ],
)
def test_bad_token_is_401(client: FlaskClient, authorization: str) -> None:
    response = client.get("/api/v1/users/me", headers={"Authorization": authorization})
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_expired_token_is_401(client: FlaskClient) -> None:
    register(client, "bob@example.com")
    token = tokens(client, "bob@example.com")["access_token"]
    assert me(client, resign(token, timedelta(minutes=5))) == 200  # the re-signing itself is fine
    assert me(client, resign(token, timedelta(seconds=-10))) == 401


def test_token_signed_with_another_key_is_401(client: FlaskClient) -> None:
    register(client, "bob@example.com")
    token = tokens(client, "bob@example.com")["access_token"]
    assert me(client, resign(token, timedelta(minutes=5), key="another-secret-" * 4)) == 401


@pytest.mark.parametrize("algorithm", ["none", "HS512", "RS256"])
def test_only_the_pinned_algorithm_is_accepted(client: FlaskClient, algorithm: str) -> None:
    register(client, "bob@example.com")
    claims = claims_of(tokens(client, "bob@example.com")["access_token"])
    if algorithm == "HS512":  # signed with the real key, but not with HS256
        token = jwt.encode(claims, secret(), algorithm="HS512")
    else:  # a header naming another algorithm, with no or a borrowed HS256 signature
        real = jwt.encode(claims, secret(), algorithm="HS256").split(".")[2]
        signature = "" if algorithm == "none" else real
        token = f"{b64({'alg': algorithm, 'typ': 'JWT'})}.{b64(claims)}.{signature}"
    assert me(client, token) == 401


def test_a_tampered_token_is_401(client: FlaskClient) -> None:
    register(client, "bob@example.com")
    register(client, "alice@example.com")
    alice = claims_of(tokens(client, "alice@example.com")["access_token"])["sub"]
    token = tokens(client, "bob@example.com")["access_token"]
    header, _, signature = token.split(".")
    forged_claims = {**claims_of(token), "sub": alice}
    assert me(client, f"{header}.{b64(forged_claims)}.{signature}") == 401


def test_token_of_a_deleted_user_is_401(client: FlaskClient) -> None:
    token = create_token("999999", secret(), timedelta(minutes=5), {"typ": "access"})
    assert me(client, token) == 401


def test_logout_ends_the_session(client: FlaskClient) -> None:
    register(client, "bob@example.com")
    body = tokens(client, "bob@example.com")
    other = tokens(client, "bob@example.com")  # another device
    access = bearer(body["access_token"])
    assert client.post("/api/v1/auth/logout", headers=access).status_code == 204
    assert me(client, body["access_token"]) == 401
    assert refresh(client, body["refresh_token"]).status_code == 401
    assert client.post("/api/v1/auth/logout", headers=access).status_code == 401
    assert me(client, other["access_token"]) == 200  # only that session ended


def test_refresh_rotates_the_refresh_token(client: FlaskClient) -> None:
    register(client, "bob@example.com")
    first = tokens(client, "bob@example.com")
    response = refresh(client, first["refresh_token"])
    assert response.status_code == 200
    second = response.get_json()
    assert second["refresh_token"] != first["refresh_token"]
    assert me(client, second["access_token"]) == 200
    third = refresh(client, second["refresh_token"]).get_json()
    assert me(client, third["access_token"]) == 200


def test_a_reused_refresh_token_revokes_its_whole_family(client: FlaskClient) -> None:
    register(client, "bob@example.com")
    first = tokens(client, "bob@example.com")
    second = refresh(client, first["refresh_token"]).get_json()
    # the first refresh token is presented again: someone else holds a copy
    assert refresh(client, first["refresh_token"]).status_code == 401
    assert refresh(client, second["refresh_token"]).status_code == 401
    assert me(client, second["access_token"]) == 401
    assert me(client, first["access_token"]) == 401
    tokens(client, "bob@example.com")  # the user can log in again


@pytest.mark.parametrize("kind", ["access", "forged"])
def test_refresh_accepts_only_refresh_tokens(client: FlaskClient, kind: str) -> None:
    register(client, "bob@example.com")
    body = tokens(client, "bob@example.com")
    if kind == "access":
        token = body["access_token"]
    else:
        token = resign(body["refresh_token"], timedelta(days=1), key="another-secret-" * 4)
    response = refresh(client, token)
    assert_problem(response, 401, "Invalid or expired refresh token")
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_changing_the_password_ends_the_other_sessions(client: FlaskClient) -> None:
    register(client, "bob@example.com")
    here = tokens(client, "bob@example.com")
    elsewhere = tokens(client, "bob@example.com")
    assert change_password(client, bearer(here["access_token"]), PASSWORD) == 204
    assert me(client, here["access_token"]) == 200
    assert me(client, elsewhere["access_token"]) == 401
    assert refresh(client, elsewhere["refresh_token"]).status_code == 401
    assert refresh(client, here["refresh_token"]).status_code == 200
{%- else %}


def session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def signed(session: dict[str, object], key: str) -> str:
    """A Flask session cookie holding `session`, signed with `key`."""
    other = Flask(__name__)
    other.secret_key = key
    serializer = other.session_interface.get_signing_serializer(other)  # type: ignore[attr-defined]
    return serializer.dumps(session)


def me(client: FlaskClient) -> int:
    return client.get("/api/v1/users/me").status_code


def use_cookie(client: FlaskClient, value: str) -> None:
    """Send `value` as the only session cookie."""
    client.delete_cookie("csrf_token")
    client.set_cookie("session", value)


def test_login_sets_hardened_cookies(client: FlaskClient) -> None:
    register(client, "bob@example.com")
    response = client.post(
        "/api/v1/auth/login", json={"email": "bob@example.com", "password": PASSWORD}
    )
    cookies = response.headers.get_all("Set-Cookie")
    session = next(c for c in cookies if c.startswith("session="))
    csrf = next(c for c in cookies if c.startswith("csrf_token="))
    assert "httponly" in session.lower()
    assert "samesite=lax" in session.lower()
    assert "path=/" in session.lower()
    assert "httponly" not in csrf.lower()
    assert response.get_json()["csrf_token"] in csrf


def test_cookies_are_secure_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COOKIE_SECURE", raising=False)
    assert Settings(_env_file=None).cookie_secure is True  # type: ignore[call-arg]


@pytest.mark.parametrize("cookie", ["not-a-session", "a.b.c"])
def test_bad_session_cookie_is_401(client: FlaskClient, cookie: str) -> None:
    client.set_cookie("session", cookie)
    assert me(client) == 401


def test_expired_session_is_401(client: FlaskClient) -> None:
    register(client, "bob@example.com")
    login(client, "bob@example.com")
    assert me(client) == 200
    with engine.begin() as connection:
        connection.execute(update(AuthSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert me(client) == 401


def test_session_signed_with_another_key_is_401(client: FlaskClient) -> None:
    register(client, "bob@example.com")
    login(client, "bob@example.com")
    with client.session_transaction() as session:
        claims = dict(session)
    use_cookie(client, signed(claims, secret()))
    assert me(client) == 200  # the re-signing itself is fine
    use_cookie(client, signed(claims, secrets.token_urlsafe(48)))
    assert me(client) == 401


def test_logout_needs_the_csrf_token(client: FlaskClient) -> None:
    register(client, "bob@example.com")
    headers = login(client, "bob@example.com")
    assert_problem(client.post("/api/v1/auth/logout"), 403, "CSRF token missing or invalid")
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": "wrong"}).status_code == 403
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get_cookie("session") is None
    assert me(client) == 401


def test_a_cookie_kept_after_logout_no_longer_works(client: FlaskClient) -> None:
    register(client, "bob@example.com")
    headers = login(client, "bob@example.com")
    kept = session_cookie(client)
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    use_cookie(client, kept)
    assert me(client) == 401


def test_changing_the_password_ends_the_other_sessions(client: FlaskClient) -> None:
    register(client, "bob@example.com")
    elsewhere = app.test_client()
    login(elsewhere, "bob@example.com")
    headers = login(client, "bob@example.com")
    assert change_password(client, headers, PASSWORD) == 204
    assert me(client) == 200
    assert me(elsewhere) == 401
{%- endif %}
