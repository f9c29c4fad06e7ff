"""Registration, login, {% if cookiecutter.auth == "jwt" %}token refresh, {% endif %}logout and password change."""
{%- set limited = cookiecutter.decisions.get("rate_limiting") in ["app-level", "redis"] %}
{%- set jwt = cookiecutter.auth == "jwt" %}

import logging
import math
{%- if not jwt %}
import secrets
{%- endif %}
from datetime import timedelta

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.api.responses import (
    BAD_BODY,
{%- if not jwt %}
    CSRF_FAILED,
{%- endif %}
    THROTTLED,
    TOO_MANY_REQUESTS,
    UNAUTHORIZED,
    WRONG_PASSWORD,
)
from app.audit import audit, email_hash
from app.config import get_settings
from app.db import DbSession
{%- if jwt %}
from app.deps import CurrentLogin
{%- else %}
from app.deps import CSRF_COOKIE, SESSION_COOKIE, CurrentLogin, require_csrf
{%- endif %}
from app.lockout import login_backoff
from app.models import {% if jwt %}AuthSession, {% endif %}User
from app.problems import documented
{%- if limited %}
from app.ratelimit import limit_auth
{%- endif %}
{%- if jwt %}
from app.schemas import (
    LoginRequest,
    PasswordChange,
    RefreshRequest,
    Registration,
    Token,
    UserCreate,
)
from app.security import (
    create_token,
    decode_token,
    hash_password,
    hashing_slot,
    needs_rehash,
    new_token_id,
    verify_password,
)
from app.sessions import (
    active_session,
    open_session,
    revoke,
    revoke_others,
    rotate_refresh,
    utcnow,
)
{%- else %}
from app.schemas import (
    LoginRequest,
    PasswordChange,
    Registration,
    SessionInfo,
    UserCreate,
)
from app.security import (
    create_token,
    hash_password,
    hashing_slot,
    needs_rehash,
    verify_password,
)
from app.sessions import open_session, revoke, revoke_others
{%- endif %}

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
# Login and registration are throttled per client address{% if not limited %} by the gateway, not here{% endif %}.
AUTH_LIMITS = [{% if limited %}Depends(limit_auth){% endif %}]
# Routes that hash a password take one of the few hashing slots (app/security.py).
HASHING = [Depends(hashing_slot)]
{%- if jwt %}
BEARER = {"WWW-Authenticate": "Bearer"}
{%- else %}
CSRF = [Depends(require_csrf)]
{%- endif %}


@router.post(
    "/register",
    operation_id="auth_register",
    summary="Create an account (the same answer when the address is already registered)",
    status_code=status.HTTP_201_CREATED,
    response_model=Registration,
    responses={**BAD_BODY, **TOO_MANY_REQUESTS},
    dependencies=[*AUTH_LIMITS, *HASHING],
)
def register(payload: UserCreate, db: DbSession, request: Request) -> Registration:
    # 201 {"email": ...} for a new address and a registered one alike, in the same time (the
    # password is hashed either way): the answer never tells which addresses have an account. A
    # registered account is left as it was, and the attempt is audited (registration_ignored).
    email = payload.email.lower()
    user = User(email=email, password_hash=hash_password(payload.password))
    db.add(user)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        audit("registration_ignored", request, outcome="ignored", email_hash=email_hash(email))
    else:
        logger.info("user registered", extra={"user_id": user.id})
        audit("user_registered", request, outcome="success", user_id=str(user.id))
    return Registration(email=email)


def _refuse_if_locked(account: str, request: Request) -> None:
    """429 while the account (the hash of its normalised email) must wait after failures."""
    wait = login_backoff().wait(account)
    if wait > 0:
        retry_after = max(1, math.ceil(wait))
        audit(
            "login_locked", request, outcome="denied", email_hash=account, retry_after=retry_after
        )
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            "Too many requests",
            headers={"Retry-After": str(retry_after)},
        )


def _authenticate(db: DbSession, payload: LoginRequest, request: Request) -> User:
    account = email_hash(payload.email)
    _refuse_if_locked(account, request)
    user = db.scalar(select(User).where(User.email == payload.email.lower()))
    if not verify_password(user.password_hash if user else None, payload.password) or (
        user is None or not user.is_active
    ):
        login_backoff().failed(account)  # known or unknown address alike
        logger.info("login failed")
        reason = "unknown_email" if user is None else "bad_password_or_inactive"
        audit("login_failed", request, outcome="failure", reason=reason, email_hash=account)
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "Invalid email or password",
            headers={% if jwt %}BEARER{% else %}None{% endif %},
        )
    login_backoff().succeeded(account)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(payload.password)
        db.commit()
    logger.info("login succeeded", extra={"user_id": user.id})
    audit("login_succeeded", request, outcome="success", user_id=str(user.id))
    return user
{%- if jwt %}


def _tokens(session: AuthSession) -> Token:
    """A fresh access token and the session's current refresh token."""
    settings = get_settings()
    secret = settings.secret_key.get_secret_value()
    access_in = timedelta(minutes=settings.access_token_expire_minutes)
    subject = str(session.user_id)
    access = create_token(
        subject, secret, access_in, {"typ": "access", "sid": session.id, "jti": new_token_id()}
    )
    # Rotation never extends a login: every refresh token expires with the session.
    refresh_in = session.expires_at - utcnow()
    refresh_claims = {"typ": "refresh", "sid": session.id, "jti": session.refresh_jti}
    refresh = create_token(subject, secret, refresh_in, refresh_claims)
    return Token(
        access_token=access,
        token_type="bearer",  # noqa: S106 (the OAuth 2 token type, not a secret)
        expires_in=int(access_in.total_seconds()),
        refresh_token=refresh,
    )


@router.post(
    "/login",
    operation_id="auth_login",
    summary="Exchange credentials for an access token and a refresh token",
    response_model=Token,
    responses={
        **BAD_BODY,
        401: documented("Invalid email or password"),
        **THROTTLED,
    },
    dependencies=[*AUTH_LIMITS, *HASHING],
)
def login(payload: LoginRequest, db: DbSession, request: Request) -> Token:
    user = _authenticate(db, payload, request)
    lifetime = timedelta(minutes=get_settings().refresh_token_expire_minutes)
    return _tokens(open_session(db, user, lifetime))


@router.post(
    "/refresh",
    operation_id="auth_refresh",
    summary="Exchange a refresh token for new tokens (the old refresh token stops working)",
    response_model=Token,
    responses={
        **BAD_BODY,
        401: documented("Invalid, expired or reused refresh token"),
    },
)
def refresh(payload: RefreshRequest, db: DbSession, request: Request) -> Token:
    invalid = HTTPException(
        status.HTTP_401_UNAUTHORIZED, "Invalid or expired refresh token", headers=BEARER
    )
    claims = decode_token(
        payload.refresh_token, get_settings().secret_key.get_secret_value(), "refresh"
    )
    if claims is None:
        raise invalid
    session = active_session(db, claims["sid"], claims["sub"])
    user = db.get(User, session.user_id) if session else None
    if session is None or user is None or not user.is_active:
        raise invalid
    new_jti = rotate_refresh(db, session, claims["jti"])
    if new_jti is None:
        # A refresh token is used once: a second use means a copy is in other hands.
        audit("refresh_token_reused", request, outcome="denied", user_id=str(session.user_id))
        raise invalid
    session.refresh_jti = new_jti
    return _tokens(session)


@router.post(
    "/logout",
    operation_id="auth_logout",
    summary="End the session: its access and refresh tokens stop working",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=UNAUTHORIZED,
)
def logout(current: CurrentLogin, db: DbSession, request: Request) -> Response:
    revoke(db, current.session)
    audit("logout", request, outcome="success", user_id=str(current.user.id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
{%- else %}


@router.post(
    "/login",
    operation_id="auth_login",
    summary="Open a session (sets the HttpOnly session cookie and the csrf_token cookie)",
    response_model=SessionInfo,
    responses={
        **BAD_BODY,
        401: documented("Invalid email or password"),
        **THROTTLED,
    },
    dependencies=[*AUTH_LIMITS, *HASHING],
)
def login(
    payload: LoginRequest, db: DbSession, response: Response, request: Request
) -> SessionInfo:
    user = _authenticate(db, payload, request)
    settings = get_settings()
    expires_in = timedelta(minutes=settings.session_expire_minutes)
    max_age = int(expires_in.total_seconds())
    session = open_session(db, user, expires_in)
    csrf = secrets.token_urlsafe(32)
    token = create_token(
        str(user.id),
        settings.secret_key.get_secret_value(),
        expires_in,
        {"typ": "session", "sid": session.id, "jti": session.id, "csrf": csrf},
    )
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
    )
    # Readable by the front end, which echoes it in the X-CSRF-Token header (double submit).
    response.set_cookie(
        CSRF_COOKIE,
        csrf,
        max_age=max_age,
        httponly=False,
        secure=settings.cookie_secure,
        samesite="lax",
    )
    return SessionInfo(csrf_token=csrf, expires_in=max_age)


@router.post(
    "/logout",
    operation_id="auth_logout",
    summary="End the session (the cookie stops working, even if kept) and clear the cookies",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    dependencies=CSRF,
    responses={**UNAUTHORIZED, **CSRF_FAILED},
)
def logout(current: CurrentLogin, db: DbSession, request: Request) -> Response:
    revoke(db, current.session)
    audit("logout", request, outcome="success", user_id=str(current.user.id))
    settings = get_settings()
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        response.delete_cookie(
            name, secure=settings.cookie_secure, httponly=name == SESSION_COOKIE, samesite="lax"
        )
    return response
{%- endif %}


@router.post(
    "/password",
    operation_id="auth_change_password",
    summary="Change the password (the current one is required); ends every other session",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    dependencies={% if not jwt %}[*CSRF, *HASHING]{% else %}HASHING{% endif %},
    responses={**BAD_BODY, **UNAUTHORIZED, **WRONG_PASSWORD, **THROTTLED},
)
def change_password(
    payload: PasswordChange, current: CurrentLogin, db: DbSession, request: Request
) -> Response:
    user = current.user
    account = email_hash(user.email)
    _refuse_if_locked(account, request)
    if not verify_password(user.password_hash, payload.current_password):
        login_backoff().failed(account)
        audit("password_change_failed", request, outcome="failure", user_id=str(user.id))
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Wrong current password")
    login_backoff().succeeded(account)
    user.password_hash = hash_password(payload.new_password)
    db.commit()
    closed = revoke_others(db, user.id, keep=current.session.id)
    audit("password_changed", request, outcome="success", user_id=str(user.id), closed=closed)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
