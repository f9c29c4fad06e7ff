{%- set jwt = cookiecutter.auth == "jwt" -%}
"""Server-side sessions: a row in auth_sessions per login, consulted on every request.

A token or cookie is only as good as its session: logout revokes it, a password change revokes
every other session of the user{% if jwt %}, and a refresh token used twice revokes the whole session
(its family of tokens: the access tokens and the refresh token issued from that login){% endif %}.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, or_, update
from sqlalchemy.orm import Session

from app.models import AuthSession, User
from app.security import new_token_id


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def open_session(db: Session, user: User, lifetime: timedelta) -> AuthSession:
    """A new session of `user` (a fresh id at each login), after forgetting their closed ones."""
    now = utcnow()
    db.execute(
        delete(AuthSession).where(
            AuthSession.user_id == user.id,
            or_(AuthSession.expires_at <= now, AuthSession.revoked_at.is_not(None)),
        )
    )
    # Its own transaction: on MySQL/MariaDB this range DELETE takes gap locks, and holding them
    # while inserting deadlocks concurrent logins of one user (a burst of 40 gave a 500).
    db.commit()
    session = AuthSession(
        id=new_token_id(),
        user_id=user.id,
{%- if jwt %}
        refresh_jti=new_token_id(),
{%- endif %}
        created_at=now,
        expires_at=now + lifetime,
    )
    db.add(session)
    db.commit()
    return session


def active_session(db: Session, session_id: str, subject: str) -> AuthSession | None:
    """The session named by a token, if it is still open and belongs to the token's subject."""
    session = db.get(AuthSession, session_id)
    if session is None or session.revoked_at is not None or session.expires_at <= utcnow():
        return None
    if str(session.user_id) != subject:
        return None
    return session


def revoke(db: Session, session: AuthSession) -> None:
    session.revoked_at = utcnow()
    db.commit()


def revoke_others(db: Session, user_id: int, keep: str) -> int:
    """Close every open session of the user except `keep`; returns how many were closed."""
    result = db.execute(
        update(AuthSession)
        .where(
            AuthSession.user_id == user_id,
            AuthSession.id != keep,
            AuthSession.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    )
    db.commit()
    return result.rowcount
{%- if jwt %}


def rotate_refresh(db: Session, session: AuthSession, presented_jti: str) -> str | None:
    """Replace the session's refresh token id if `presented_jti` is the current one; else the
    token was already used (stolen, or replayed): revoke the session and return None."""
    new_jti = new_token_id()
    result = db.execute(
        update(AuthSession)
        .where(
            AuthSession.id == session.id,
            AuthSession.refresh_jti == presented_jti,
            AuthSession.revoked_at.is_(None),
        )
        .values(refresh_jti=new_jti)
        .execution_options(synchronize_session=False)
    )
    db.commit()
    if result.rowcount == 1:
        return new_jti
    revoke(db, session)
    return None
{%- endif %}
