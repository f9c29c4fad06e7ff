"""Authentication dependencies."""
{% if cookiecutter.auth == "session-cookie" %}
import secrets
{%- endif %}
from typing import Annotated

from fastapi import Depends, HTTPException, status
{%- if cookiecutter.auth == "jwt" %}
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
{%- else %}
from fastapi.security import APIKeyCookie, APIKeyHeader
{%- endif %}

from app.config import get_settings
from app.db import DbSession
from app.models import User
from app.security import decode_token
{%- if cookiecutter.auth == "jwt" %}

bearer_scheme = HTTPBearer(scheme_name="BearerAuth", bearerFormat="JWT", auto_error=False)


def _unauthorized(detail: str = "Not authenticated") -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail=detail,
        headers={"WWW-Authenticate": "Bearer"},
    )


def get_current_user(
    db: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> User:
    if credentials is None:
        raise _unauthorized()
    claims = decode_token(credentials.credentials, get_settings().secret_key.get_secret_value())
    if claims is None or claims.get("typ") != "access":
        raise _unauthorized("Invalid or expired token")
    user = _load_user(db, claims["sub"])
    if user is None:
        raise _unauthorized("Invalid or expired token")
    return user
{%- else %}

SESSION_COOKIE = "session"
CSRF_COOKIE = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"

session_cookie = APIKeyCookie(name=SESSION_COOKIE, scheme_name="SessionCookie", auto_error=False)
csrf_header = APIKeyHeader(name=CSRF_HEADER, scheme_name="CSRFToken", auto_error=False)


def _unauthorized(detail: str = "Not authenticated") -> HTTPException:
    return HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail=detail)


def get_session(
    token: Annotated[str | None, Depends(session_cookie)],
) -> dict[str, object]:
    """The claims of the signed session cookie (401 when missing, tampered with or expired)."""
    if not token:
        raise _unauthorized()
    claims = decode_token(token, get_settings().secret_key.get_secret_value())
    if claims is None or claims.get("typ") != "session":
        raise _unauthorized("Invalid or expired session")
    return claims


def get_current_user(
    db: DbSession, claims: Annotated[dict[str, object], Depends(get_session)]
) -> User:
    user = _load_user(db, str(claims["sub"]))
    if user is None:
        raise _unauthorized("Invalid or expired session")
    return user


def require_csrf(
    claims: Annotated[dict[str, object], Depends(get_session)],
    token: Annotated[str | None, Depends(csrf_header)],
) -> None:
    """Unsafe methods must echo the session's CSRF token (readable in the csrf_token cookie)."""
    expected = str(claims.get("csrf", ""))
    if not token or not expected or not secrets.compare_digest(token.encode(), expected.encode()):
        raise HTTPException(
            status_code=status.HTTP_403_FORBIDDEN, detail="CSRF token missing or invalid"
        )
{%- endif %}


def _load_user(db: DbSession, subject: str) -> User | None:
    if not (subject.isascii() and subject.isdigit()):
        return None
    user = db.get(User, int(subject))
    if user is None or not user.is_active:
        return None
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
