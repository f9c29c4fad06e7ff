"""Authentication dependencies: a valid token is not enough, its session must still be open."""
{% if cookiecutter.auth == "session-cookie" %}
import secrets
{%- endif %}
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, status
{%- if cookiecutter.auth == "jwt" %}
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
{%- else %}
from fastapi.security import APIKeyCookie, APIKeyHeader
{%- endif %}

from app.config import get_settings
from app.db import DbSession
from app.models import AuthSession, User
from app.security import decode_token
from app.sessions import active_session


@dataclass(frozen=True)
class Login:
    """The authenticated user and the session their credentials belong to."""

    user: User
    session: AuthSession
    claims: dict[str, object]

{% if cookiecutter.auth == "jwt" %}
bearer_scheme = HTTPBearer(scheme_name="BearerAuth", bearerFormat="JWT", auto_error=False)


def _unauthorized(detail: str = "Not authenticated") -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail=detail,
        headers={"WWW-Authenticate": "Bearer"},
    )


def get_login(
    db: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Login:
    if credentials is None:
        raise _unauthorized()
    secret = get_settings().secret_key.get_secret_value()
    claims = decode_token(credentials.credentials, secret, "access")
    login = _open_login(db, claims)
    if login is None:
        raise _unauthorized("Invalid or expired token")
    return login
{%- else %}
SESSION_COOKIE = "session"
CSRF_COOKIE = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"

session_cookie = APIKeyCookie(name=SESSION_COOKIE, scheme_name="SessionCookie", auto_error=False)
csrf_header = APIKeyHeader(name=CSRF_HEADER, scheme_name="CSRFToken", auto_error=False)


def _unauthorized(detail: str = "Not authenticated") -> HTTPException:
    return HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail=detail)


def get_login(db: DbSession, token: Annotated[str | None, Depends(session_cookie)]) -> Login:
    """The login of the signed session cookie (401: missing, tampered with, expired or closed)."""
    if not token:
        raise _unauthorized()
    claims = decode_token(token, get_settings().secret_key.get_secret_value(), "session")
    login = _open_login(db, claims)
    if login is None:
        raise _unauthorized("Invalid or expired session")
    return login


def require_csrf(
    login: Annotated[Login, Depends(get_login)],
    token: Annotated[str | None, Depends(csrf_header)],
) -> None:
    """Unsafe methods must echo the session's CSRF token (readable in the csrf_token cookie)."""
    expected = login.claims.get("csrf")
    if (
        not token
        or not isinstance(expected, str)
        or not secrets.compare_digest(token.encode(), expected.encode())
    ):
        raise HTTPException(
            status_code=status.HTTP_403_FORBIDDEN, detail="CSRF token missing or invalid"
        )
{%- endif %}


def _open_login(db: DbSession, claims: dict[str, object] | None) -> Login | None:
    """The login of valid claims whose session is open and whose user is active, else None."""
    if claims is None:
        return None
    session = active_session(db, str(claims["sid"]), str(claims["sub"]))
    if session is None:
        return None
    user = db.get(User, session.user_id)
    if user is None or not user.is_active:
        return None
    return Login(user=user, session=session, claims=claims)


def get_current_user(login: Annotated[Login, Depends(get_login)]) -> User:
    return login.user


CurrentLogin = Annotated[Login, Depends(get_login)]
CurrentUser = Annotated[User, Depends(get_current_user)]
