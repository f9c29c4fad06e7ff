"""Registration, login, sessions and tokens: the same expectations for every stack."""

from __future__ import annotations

import pytest

from tests.conformance import tokens
from tests.conformance.target import PASSWORD, Target, User, new_email


def me(user: User):
    method, path, _ = user.target.operation("users_me")
    return user.call(method, path)


def test_register_login_me(target: Target) -> None:
    user = target.user()
    response = me(user)
    assert response.status == 200, response.body[:300]
    body = response.json()
    assert body["email"] == user.email
    assert not any("password" in key for key in body), "a password (hash) leaks in /users/me"


def test_me_needs_credentials(target: Target) -> None:
    method, path, _ = target.operation("users_me")
    assert target.client().request(method, path).status == 401


def test_registration_does_not_reveal_existing_emails(target: Target) -> None:
    email = new_email()
    first = User(target, target.client(), email, PASSWORD).register()
    again = User(target, target.client(), email, "another passphrase 99").register()
    assert first.status < 300
    assert again.status == first.status, "registering a taken email answers differently: it reveals the account"
    if first.content_type.endswith("json"):
        assert sorted(again.json()) == sorted(first.json()), "the body's shape reveals the account"


def test_wrong_password_and_unknown_email_look_the_same(target: Target, user: User) -> None:
    wrong = User(target, target.client(), user.email, "not the right passphrase").login()
    unknown = User(target, target.client(), new_email(), "not the right passphrase").login()
    assert wrong.status == unknown.status == 401
    assert wrong.body == unknown.body


@pytest.mark.parametrize(
    "password",
    [
        "short",
        " " * 20,
        "password1234",
        "123456789012",
        "nul\x00in the middle of it",
        "x" * 4097,
        # 8 characters as sent (12 UTF-16 units), 16 after NFKC ("\ufb03" is "ffi"): the contract's
        # minLength counts what is sent (schemathesis found two stacks that counted the normalised form)
        "\ufb03" * 4 + "\U0001f642" * 4,
    ],
    ids=["too-short", "whitespace-only", "common", "common-digits", "nul", "too-long", "short-as-sent"],
)
def test_weak_passwords_are_refused(target: Target, password: str) -> None:
    response = User(target, target.client(), new_email(), password).register()
    assert response.status == 422, (password[:20], response.status, response.body[:300])


def test_logout_ends_the_session(target: Target, user: User) -> None:
    method, path, _ = target.operation("auth_logout")
    before = dict(user.client.cookies), user.token
    assert user.call(method, path).status in (200, 204)
    user.client.cookies.update(before[0])  # an attacker who kept the old cookie or token
    user.token = before[1]
    assert me(user).status == 401


def test_change_password_ends_other_sessions(target: Target, user: User) -> None:
    laptop, phone = user, user.clone()
    method, path, _ = target.operation("auth_change_password")
    new_password = "a brand new passphrase 42"
    wrong = laptop.call(method, path, json_body={"current_password": "not it at all 123", "new_password": new_password})
    assert wrong.status in (400, 401, 403, 422)
    response = laptop.call(method, path, json_body={"current_password": user.password, "new_password": new_password})
    assert response.status in (200, 204), response.body[:300]
    if response.body:
        laptop.remember(response)
    assert me(phone).status == 401, "another session survived a password change"
    assert me(laptop).status == 200, "the session that changed the password should stay signed in"
    assert User(target, target.client(), user.email, user.password).login().status == 401
    assert User(target, target.client(), user.email, new_password).login().status == 200


# -- bearer tokens -----------------------------------------------------------------------------
@pytest.fixture
def bearer(target: Target, user: User) -> User:
    if target.scheme != "bearer":
        pytest.skip("the contract uses cookie sessions")
    assert user.token
    return user


def with_token(user: User, token: str) -> int:
    method, path, _ = user.target.operation("users_me")
    return user.client.request(method, path, headers={"Authorization": f"Bearer {token}"}).status


def test_tampered_token_is_refused(bearer: User) -> None:
    assert with_token(bearer, tokens.tampered(bearer.token)) == 401


@pytest.mark.parametrize("alg", ["none", "HS512", "HS384"])
def test_token_with_another_algorithm_is_refused(target: Target, bearer: User, alg: str) -> None:
    header = {**tokens.header_of(bearer.token), "alg": alg}
    forged = tokens.sign(header, tokens.claims_of(bearer.token), target.secret)
    assert with_token(bearer, forged) == 401


def test_expired_token_is_refused(target: Target, bearer: User) -> None:
    if not target.secret:
        pytest.skip("CONFORMANCE_SECRET is not set")
    claims = tokens.claims_of(bearer.token)
    # the server's own token, moved back in time by twice its lifetime plus a day (beyond any leeway):
    # correctly signed, but expired
    shift = 2 * (claims["exp"] - claims.get("iat", claims["exp"])) + 86400
    claims.update(iat=claims.get("iat", claims["exp"]) - shift, exp=claims["exp"] - shift)
    forged = tokens.sign(tokens.header_of(bearer.token), claims, target.secret)
    assert with_token(bearer, forged) == 401


def test_token_without_expiry_is_refused(target: Target, bearer: User) -> None:
    claims = {k: v for k, v in tokens.claims_of(bearer.token).items() if k != "exp"}
    forged = tokens.sign(tokens.header_of(bearer.token), claims, target.secret)
    assert with_token(bearer, forged) == 401


def test_refresh_rotates_and_detects_reuse(target: Target, bearer: User) -> None:
    if not target.has_operation("auth_refresh"):
        pytest.skip("the contract documents no refresh token")
    method, path, _ = target.operation("auth_refresh")
    old = bearer.refresh_token
    assert old, "login returned no refresh_token although the contract has a refresh operation"
    first = bearer.client.request(method, path, json_body={"refresh_token": old})
    assert first.status == 200, first.body[:300]
    rotated = first.json()
    assert rotated["refresh_token"] != old and rotated["access_token"]
    reused = bearer.client.request(method, path, json_body={"refresh_token": old})
    assert reused.status == 401, "a refresh token worked twice"
    # reuse revokes the whole family: the rotated token is dead too
    after = bearer.client.request(method, path, json_body={"refresh_token": rotated["refresh_token"]})
    assert after.status == 401, "the token family survived a detected reuse"


# -- cookie sessions ---------------------------------------------------------------------------
def test_cookie_session_needs_csrf_on_unsafe_methods(target: Target, user: User) -> None:
    if target.scheme != "cookie":
        pytest.skip("the contract uses bearer tokens")
    cookie, header = target.cookie_scheme()
    assert cookie in user.client.cookies
    method, path, _ = target.operation("auth_logout")
    refused = user.client.request(method, path, headers={header: "not-the-token"})
    assert refused.status == 403
    missing = user.client.request(method, path)
    assert missing.status == 403
    assert me(user).status == 200, "a refused CSRF request must not end the session"


def test_session_cookie_attributes(target: Target) -> None:
    if target.scheme != "cookie":
        pytest.skip("the contract uses bearer tokens")
    cookie, _ = target.cookie_scheme()
    user = User(target, target.client(), new_email(), PASSWORD)
    user.register()
    response = user.login()
    sets = [c for c in response.headers.get_all("Set-Cookie") or [] if c.startswith(f"{cookie}=")]
    assert sets, "login set no session cookie"
    attributes = sets[0].lower()
    assert "httponly" in attributes and "samesite" in attributes and "path=/" in attributes
