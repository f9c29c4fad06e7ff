"""Registration and login."""
{%- set limited = cookiecutter.decisions.get("rate_limiting") in ["app-level", "redis"] %}

import logging
{%- if cookiecutter.auth == "session-cookie" %}
import secrets
{%- endif %}
from datetime import timedelta
{% if cookiecutter.auth == "jwt" %}
from fastapi import APIRouter, {% if limited %}Depends, {% endif %}HTTPException, Request, status
{%- else %}
from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
{%- endif %}
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
{% if cookiecutter.auth == "jwt" %}
from app.api.responses import BAD_BODY, CONFLICT, TOO_MANY_REQUESTS
{%- else %}
from app.api.responses import BAD_BODY, CONFLICT, CSRF_FAILED, TOO_MANY_REQUESTS, UNAUTHORIZED
{%- endif %}
from app.audit import audit, email_hash
from app.config import get_settings
from app.db import DbSession
{%- if cookiecutter.auth == "session-cookie" %}
from app.deps import CSRF_COOKIE, SESSION_COOKIE, require_csrf
{%- endif %}
from app.models import User
{%- if limited %}
from app.ratelimit import limit_auth
{%- endif %}
{%- if cookiecutter.auth == "jwt" %}
from app.schemas import ErrorMessage, LoginRequest, Token, UserCreate, UserRead
{%- else %}
from app.schemas import ErrorMessage, LoginRequest, SessionInfo, UserCreate, UserRead
{%- endif %}
from app.security import create_token, hash_password, needs_rehash, verify_password

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
# Login and registration are throttled per client address{% if not limited %} by the gateway, not here{% endif %}.
AUTH_LIMITS = [{% if limited %}Depends(limit_auth){% endif %}]


@router.post(
    "/register",
    operation_id="auth_register",
    summary="Create an account",
    status_code=status.HTTP_201_CREATED,
    response_model=UserRead,
    responses={**BAD_BODY, **CONFLICT, **TOO_MANY_REQUESTS},
    dependencies=AUTH_LIMITS,
)
def register(payload: UserCreate, db: DbSession, request: Request) -> User:
    user = User(email=payload.email.lower(), password_hash=hash_password(payload.password))
    db.add(user)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "Email already registered") from None
    logger.info("user registered", extra={"user_id": user.id})
    audit("user_registered", request, outcome="success", user_id=str(user.id))
    return user


def _authenticate(db: DbSession, payload: LoginRequest, request: Request) -> User:
    user = db.scalar(select(User).where(User.email == payload.email.lower()))
    if not verify_password(user.password_hash if user else None, payload.password) or (
        user is None or not user.is_active
    ):
        logger.info("login failed")
        reason = "unknown_email" if user is None else "bad_password_or_inactive"
        audit(
            "login_failed",
            request,
            outcome="failure",
            reason=reason,
            email_hash=email_hash(payload.email),
        )
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "Invalid email or password",
            headers={% if cookiecutter.auth == "jwt" %}{"WWW-Authenticate": "Bearer"}{% else %}None{% endif %},
        )
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(payload.password)
        db.commit()
    logger.info("login succeeded", extra={"user_id": user.id})
    audit("login_succeeded", request, outcome="success", user_id=str(user.id))
    return user
{%- if cookiecutter.auth == "jwt" %}


@router.post(
    "/login",
    operation_id="auth_login",
    summary="Exchange credentials for a bearer access token",
    response_model=Token,
    responses={
        **BAD_BODY,
        401: {"model": ErrorMessage, "description": "Invalid email or password"},
        **TOO_MANY_REQUESTS,
    },
    dependencies=AUTH_LIMITS,
)
def login(payload: LoginRequest, db: DbSession, request: Request) -> Token:
    user = _authenticate(db, payload, request)
    settings = get_settings()
    expires_in = timedelta(minutes=settings.access_token_expire_minutes)
    token = create_token(
        str(user.id), settings.secret_key.get_secret_value(), expires_in, {"typ": "access"}
    )
    return Token(
        access_token=token,
        token_type="bearer",  # noqa: S106 (the OAuth 2 token type, not a secret)
        expires_in=int(expires_in.total_seconds()),
    )
{%- else %}


@router.post(
    "/login",
    operation_id="auth_login",
    summary="Open a session (sets the HttpOnly session cookie and the csrf_token cookie)",
    response_model=SessionInfo,
    responses={
        **BAD_BODY,
        401: {"model": ErrorMessage, "description": "Invalid email or password"},
        **TOO_MANY_REQUESTS,
    },
    dependencies=AUTH_LIMITS,
)
def login(
    payload: LoginRequest, db: DbSession, response: Response, request: Request
) -> SessionInfo:
    user = _authenticate(db, payload, request)
    settings = get_settings()
    expires_in = timedelta(minutes=settings.session_expire_minutes)
    max_age = int(expires_in.total_seconds())
    csrf = secrets.token_urlsafe(32)
    session = create_token(
        str(user.id),
        settings.secret_key.get_secret_value(),
        expires_in,
        {"typ": "session", "csrf": csrf},
    )
    response.set_cookie(
        SESSION_COOKIE,
        session,
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
    summary="Close the session (clears the cookies)",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    dependencies=[Depends(require_csrf)],
    responses={**UNAUTHORIZED, **CSRF_FAILED},
)
def logout(request: Request) -> Response:
    audit("logout", request, outcome="success")
    settings = get_settings()
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        response.delete_cookie(
            name, secure=settings.cookie_secure, httponly=name == SESSION_COOKIE, samesite="lax"
        )
    return response
{%- endif %}
