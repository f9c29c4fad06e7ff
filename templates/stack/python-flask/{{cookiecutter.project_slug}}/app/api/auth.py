{%- set jwt = cookiecutter.auth == "jwt" -%}
{#- registration is rate limited in the app unless a gateway does it (decisions.rate_limiting) -#}
{%- set limited = cookiecutter.decisions.get("rate_limiting") in ["app-level", "redis"] -%}
"""Registration, login, {% if jwt %}token refresh, {% endif %}logout and password change."""

from __future__ import annotations

import logging
import math
{%- if not jwt %}
import secrets
{%- endif %}
from datetime import timedelta
from typing import Any

from flask import Response{% if not jwt %}, jsonify, session{% endif %}
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.api import Blueprint
from app.audit import audit, email_hash
from app.auth import {% if not jwt %}CSRF_COOKIE, {% endif %}authenticated, login{% if jwt %}, unauthorized{% endif %}
from app.config import get_settings
from app.db import db_session
from app.lockout import login_backoff
from app.models import {% if jwt %}AuthSession, {% endif %}User
from app.problems import Problem
from app.ratelimit import rate_limited
from app.schemas import (
    LoginRequest,
    PasswordChange,
{%- if jwt %}
    RefreshRequest,
{%- endif %}
    Registration,
{%- if jwt %}
    Token,
{%- else %}
    SessionInfo,
{%- endif %}
    UserCreate,
)
from app.security import (
{%- if jwt %}
    create_token,
    decode_token,
{%- endif %}
    hash_password,
    hashing_slot,
    needs_rehash,
{%- if jwt %}
    new_token_id,
{%- endif %}
    verify_password,
)
from app.sessions import {% if jwt %}active_session, {% endif %}open_session, revoke, revoke_others{% if jwt %}, rotate_refresh, utcnow{% endif %}

logger = logging.getLogger(__name__)
auth = Blueprint("auth", __name__, url_prefix="/api/v1/auth")
{%- if not jwt %}
SESSION_INFO = SessionInfo()
{%- endif %}


@auth.post("/register")
{%- if limited %}
@rate_limited
@auth.operation("auth_register", 400, 413, 422, 429)
{%- else %}
@auth.operation("auth_register", 400, 413, 422)
{%- endif %}
@auth.response(201, Registration)
@auth.arguments(UserCreate)
def auth_register(payload: dict[str, Any]) -> dict[str, str]:
    """Create an account: 201 {"email"} for a new address and a registered one alike, in the same
    time (the password is hashed either way), so the answer never tells which addresses have an
    account. A registered account is left as it was; the attempt is audited."""
    email = payload["email"].lower()
    with hashing_slot():
        user = User(email=email, password_hash=hash_password(payload["password"]))
    db = db_session()
    db.add(user)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        audit("registration_ignored", outcome="ignored", email_hash=email_hash(email))
    else:
        logger.info("user registered", extra={"user_id": user.id})
        audit("user_registered", outcome="success", user_id=str(user.id))
    return {"email": email}


def _refuse_if_locked(account: str) -> None:
    """429 while the account (the hash of its normalised email) must wait after failures."""
    wait = login_backoff().wait(account)
    if wait > 0:
        retry_after = max(1, math.ceil(wait))
        audit("login_locked", outcome="denied", email_hash=account, retry_after=retry_after)
        raise Problem(429, "Too many requests", headers={"Retry-After": str(retry_after)})


def _authenticate(payload: dict[str, str]) -> User:
    """The active user of these credentials, else 401 (the same for an unknown address)."""
    account = email_hash(payload["email"])
    _refuse_if_locked(account)
    db = db_session()
    user = db.scalar(select(User).where(User.email == payload["email"].lower()))
    with hashing_slot():
        valid = verify_password(user.password_hash if user else None, payload["password"])
    if not valid or user is None or not user.is_active:
        login_backoff().failed(account)  # known or unknown address alike
        logger.info("login failed")
        reason = "unknown_email" if user is None else "bad_password_or_inactive"
        audit("login_failed", outcome="failure", reason=reason, email_hash=account)
        raise Problem(401, "Invalid email or password"{% if jwt %}, headers={"WWW-Authenticate": "Bearer"}{% endif %})
    login_backoff().succeeded(account)
    if needs_rehash(user.password_hash):
        with hashing_slot():
            user.password_hash = hash_password(payload["password"])
        db.commit()
    logger.info("login succeeded", extra={"user_id": user.id})
    audit("login_succeeded", outcome="success", user_id=str(user.id))
    return user
{%- if jwt %}


def _tokens(opened: AuthSession) -> dict[str, Any]:
    """A fresh access token and the session's current refresh token."""
    settings = get_settings()
    secret = settings.secret_key.get_secret_value()
    access_in = timedelta(minutes=settings.access_token_expire_minutes)
    subject = str(opened.user_id)
    access = create_token(
        subject, secret, access_in, {"typ": "access", "sid": opened.id, "jti": new_token_id()}
    )
    # Rotation never extends a login: every refresh token expires with the session.
    refresh_in = opened.expires_at - utcnow()
    refresh_claims = {"typ": "refresh", "sid": opened.id, "jti": opened.refresh_jti}
    body = {
        "access_token": access,
        "token_type": "bearer",
        "expires_in": int(access_in.total_seconds()),
        "refresh_token": create_token(subject, secret, refresh_in, refresh_claims),
    }
    return body


@auth.post("/login")
@rate_limited
@auth.operation("auth_login", 400, 401, 413, 422, 429)
@auth.response(200, Token)
@auth.arguments(LoginRequest)
def auth_login(payload: dict[str, str]) -> dict[str, Any]:
    """Exchange credentials for an access token and a refresh token."""
    user = _authenticate(payload)
    lifetime = timedelta(minutes=get_settings().refresh_token_expire_minutes)
    return _tokens(open_session(db_session(), user, lifetime))


@auth.post("/refresh")
@auth.operation("auth_refresh", 400, 401, 413, 422)
@auth.response(200, Token)
@auth.arguments(RefreshRequest)
def auth_refresh(payload: dict[str, str]) -> dict[str, Any]:
    """Exchange a refresh token for new tokens: the old one stops working, and a second use of it
    (a copy in other hands) ends the whole session."""
    secret = get_settings().secret_key.get_secret_value()
    claims = decode_token(payload["refresh_token"], secret, "refresh")
    invalid = unauthorized("Invalid or expired refresh token")
    if claims is None:
        raise invalid
    db = db_session()
    opened = active_session(db, str(claims["sid"]), str(claims["sub"]))
    user = db.get(User, opened.user_id) if opened else None
    if opened is None or user is None or not user.is_active:
        raise invalid
    new_jti = rotate_refresh(db, opened, str(claims["jti"]))
    if new_jti is None:
        audit("refresh_token_reused", outcome="denied", user_id=str(opened.user_id))
        raise invalid
    opened.refresh_jti = new_jti
    return _tokens(opened)


@auth.post("/logout")
@authenticated
@auth.operation("auth_logout", 401)
@auth.response(204)
def auth_logout() -> Response:
    """End the session: its access and refresh tokens stop working."""
    current = login()
    revoke(db_session(), current.session)
    audit("logout", outcome="success", user_id=str(current.user.id))
    return Response(status=204)
{%- else %}


@auth.post("/login")
@rate_limited
@auth.operation("auth_login", 400, 401, 413, 422, 429)
@auth.response(200, SessionInfo)
@auth.arguments(LoginRequest)
def auth_login(payload: dict[str, str]) -> Response:
    """Open a session: Flask's signed, HttpOnly `session` cookie names it, and the readable
    csrf_token cookie holds the token unsafe requests must echo in X-CSRF-Token."""
    user = _authenticate(payload)
    settings = get_settings()
    lifetime = timedelta(minutes=settings.session_expire_minutes)
    opened = open_session(db_session(), user, lifetime)
    csrf = secrets.token_urlsafe(32)
    session.clear()
    session.permanent = True  # expires with PERMANENT_SESSION_LIFETIME, as the server-side row
    session.update(sid=opened.id, uid=user.id, csrf=csrf)
    max_age = int(lifetime.total_seconds())
    response = jsonify(SESSION_INFO.dump({"csrf_token": csrf, "expires_in": max_age}))
    response.set_cookie(
        CSRF_COOKIE,
        csrf,
        max_age=max_age,
        secure=settings.cookie_secure,
        httponly=False,  # the front end reads it (double submit)
        samesite="Lax",
    )
    return response


@auth.post("/logout")
@authenticated
@auth.operation("auth_logout", 401, 403)
@auth.response(204)
def auth_logout() -> Response:
    """End the session (the cookie stops working, even if kept) and clear the cookies."""
    current = login()
    revoke(db_session(), current.session)
    audit("logout", outcome="success", user_id=str(current.user.id))
    session.clear()  # Flask deletes the session cookie
    response = Response(status=204)
    response.delete_cookie(
        CSRF_COOKIE, secure=get_settings().cookie_secure, httponly=False, samesite="Lax"
    )
    return response
{%- endif %}


@auth.post("/password")
@authenticated
@auth.operation("auth_change_password", 400, 401, 403, 413, 422, 429)
@auth.response(204)
@auth.arguments(PasswordChange)
def auth_change_password(payload: dict[str, str]) -> Response:
    """Change the password (the current one is required); ends every other session."""
    current = login()
    user = current.user
    account = email_hash(user.email)
    _refuse_if_locked(account)
    with hashing_slot():
        valid = verify_password(user.password_hash, payload["current_password"])
    if not valid:
        login_backoff().failed(account)
        audit("password_change_failed", outcome="failure", user_id=str(user.id))
        raise Problem(403, "Wrong current password")
    login_backoff().succeeded(account)
    with hashing_slot():
        user.password_hash = hash_password(payload["new_password"])
    db = db_session()
    db.commit()
    closed = revoke_others(db, user.id, keep=current.session.id)
    audit("password_changed", outcome="success", user_id=str(user.id), closed=closed)
    return Response(status=204)
