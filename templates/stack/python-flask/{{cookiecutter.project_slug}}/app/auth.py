{%- set jwt = cookiecutter.auth == "jwt" -%}
"""Authentication of a request: valid credentials are not enough, their session must still be
open (app/sessions.py).{% if not jwt %} The credentials are Flask's session cookie (`session`, signed with
SECRET_KEY, HttpOnly), which names a server-side session; unsafe methods must also echo the CSRF
token of the `csrf_token` cookie in the X-CSRF-Token header (double submit).{% else %} The credentials
are an HS256 access token in `Authorization: Bearer`.{% endif %}"""

from __future__ import annotations

{% if not jwt -%}
import secrets
{% endif -%}
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

{% if jwt -%}
from flask import g, request
{%- else -%}
from flask import g, request, session
{%- endif %}

{% if jwt -%}
from app.config import get_settings
{% endif -%}
from app.db import db_session
from app.models import AuthSession, User
from app.problems import Problem
{%- if jwt %}
from app.security import decode_token
{%- endif %}
from app.sessions import active_session

View = TypeVar("View", bound=Callable[..., Any])
{%- if not jwt %}
SESSION_COOKIE = "session"
CSRF_COOKIE = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
{%- endif %}


@dataclass(frozen=True)
class Login:
    """The authenticated user and the server-side session their credentials belong to."""

    user: User
    session: AuthSession
{%- if jwt %}
    claims: dict[str, object]
{%- else %}
    csrf: str
{%- endif %}


def unauthorized(detail: str = "Not authenticated") -> Problem:
{%- if jwt %}
    return Problem(401, detail, headers={"WWW-Authenticate": "Bearer"})
{%- else %}
    return Problem(401, detail)
{%- endif %}


def open_login(session_id: object, subject: object) -> tuple[AuthSession, User] | None:
    """The session and its user when the session is open and the user active, else None."""
    if not isinstance(session_id, str) or subject is None:
        return None
    db = db_session()
    found = active_session(db, session_id, str(subject))
    if found is None:
        return None
    user = db.get(User, found.user_id)
    if user is None or not user.is_active:
        return None
    return found, user
{%- if jwt %}


def current_login() -> Login:
    """The login of the bearer token (401: missing, tampered with, expired or closed)."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized()
    claims = decode_token(token.strip(), get_settings().secret_key.get_secret_value(), "access")
    opened = open_login(claims["sid"], claims["sub"]) if claims else None
    if claims is None or opened is None:
        raise unauthorized("Invalid or expired token")
    return Login(user=opened[1], session=opened[0], claims=claims)
{%- else %}


def current_login() -> Login:
    """The login of the session cookie (401: missing, tampered with, expired or closed)."""
    if "sid" not in session:
        raise unauthorized()
    opened = open_login(session.get("sid"), session.get("uid"))
    csrf = session.get("csrf")
    if opened is None or not isinstance(csrf, str):
        raise unauthorized("Invalid or expired session")
    return Login(user=opened[1], session=opened[0], csrf=csrf)


def require_csrf(login: Login) -> None:
    """Unsafe methods must echo the session's CSRF token (readable in the csrf_token cookie)."""
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent or not secrets.compare_digest(sent.encode(), login.csrf.encode()):
        raise Problem(403, "CSRF token missing or invalid")
{%- endif %}


def authenticated(view: View) -> View:
{%- if jwt %}
    """The view runs for authenticated requests only; `login()` gives it the user and the
    session."""
{%- else %}
    """The view runs for authenticated requests only (unsafe methods need the CSRF header too);
    `login()` gives it the user and the session."""
{%- endif %}

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g.login = current_login()
{%- if not jwt %}
        if request.method not in SAFE_METHODS:
            require_csrf(g.login)
{%- endif %}
        return view(*args, **kwargs)

    return cast(View, wrapper)


def login() -> Login:
    """The login of the current request (inside an `authenticated` view)."""
    return cast(Login, g.login)
