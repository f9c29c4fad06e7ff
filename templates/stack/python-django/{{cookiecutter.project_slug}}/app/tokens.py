"""JWTs (djangorestframework-simplejwt: HS256 pinned, `exp` required) bound to server-side sessions.

A token is only as good as its session (app.models.AuthSession, one per login): every request
checks that the session its token names (`sid`) is open. Logout revokes it, a password change
revokes every other session of the user, and refresh tokens rotate: each session accepts only its
latest refresh token (`refresh_jti`); presenting an older one means a copy is in other hands, and
revokes the session, the whole family of tokens issued since that login. (simplejwt's blacklist
remembers used tokens but does not revoke their family: the session row does.)
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken, TokenError
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, Token

from app.models import AuthSession, User


def new_token_id() -> str:
    """A random identifier (256 bits) for a session or a refresh token."""
    return secrets.token_urlsafe(32)


def open_session(user: User) -> AuthSession:
    """A new session of `user` (a fresh id at each login), after forgetting their closed ones."""
    now = timezone.now()
    AuthSession.objects.filter(user=user, expires_at__lte=now).delete()
    AuthSession.objects.filter(user=user, revoked_at__isnull=False).delete()
    lifetime = timedelta(minutes=settings.REFRESH_TOKEN_EXPIRE_MINUTES)
    return AuthSession.objects.create(
        id=new_token_id(), user=user, refresh_jti=new_token_id(), expires_at=now + lifetime
    )


def active_session(session_id: Any, subject: Any) -> AuthSession | None:
    """The session a token names, if it is still open and belongs to the token's subject."""
    if not isinstance(session_id, str) or not isinstance(subject, str):
        return None
    session = AuthSession.objects.select_related("user").filter(pk=session_id).first()
    if session is None or session.revoked_at is not None or session.expires_at <= timezone.now():
        return None
    if str(session.user_id) != subject or not session.user.is_active:
        return None
    return session


def revoke(session: AuthSession) -> None:
    AuthSession.objects.filter(pk=session.pk).update(revoked_at=timezone.now())


def revoke_others(user: User, keep: str) -> int:
    """Close every open session of the user except `keep`; returns how many were closed."""
    others = AuthSession.objects.filter(user=user, revoked_at__isnull=True).exclude(pk=keep)
    return others.update(revoked_at=timezone.now())


def rotate_refresh(session: AuthSession, presented_jti: Any) -> str | None:
    """The session's new refresh token id if `presented_jti` is its current one; else the token was
    already used (stolen, or replayed): the session is revoked and None returned."""
    new_jti = new_token_id()
    with transaction.atomic():
        rotated = AuthSession.objects.filter(
            pk=session.pk, refresh_jti=presented_jti, revoked_at__isnull=True
        ).update(refresh_jti=new_jti)
    if rotated == 1:
        return new_jti
    revoke(session)
    return None


def issue(session: AuthSession) -> dict[str, Any]:
    """A fresh access token and the session's current refresh token (the contract's `Token`)."""
    access = AccessToken()
    access["sub"] = str(session.user_id)
    access["sid"] = session.id
    refresh = RefreshToken()
    refresh["sub"] = str(session.user_id)
    refresh["sid"] = session.id
    refresh["jti"] = session.refresh_jti
    # Rotation never extends a login: every refresh token expires with its session.
    refresh.set_exp(from_time=timezone.now(), lifetime=session.expires_at - timezone.now())
    return {
        "access_token": str(access),
        "token_type": "bearer",
        "expires_in": int(AccessToken.lifetime.total_seconds()),
        "refresh_token": str(refresh),
    }


def refresh_claims(raw: str) -> Token | None:
    """The claims of a valid, unexpired refresh token (HS256 only), or None."""
    try:
        return RefreshToken(raw)  # type: ignore[arg-type]
    except TokenError:
        return None


class SessionJWTAuthentication(JWTAuthentication):
    """Bearer access tokens whose session is still open; request.auth is that session."""

    def authenticate(self, request: Request) -> tuple[User, AuthSession] | None:
        header = self.get_header(request)
        if header is None:
            return None
        raw = self.get_raw_token(header)
        if raw is None:
            raise AuthenticationFailed("Invalid authorization header")
        token = self.get_validated_token(raw)
        session = active_session(token.get("sid"), token.get("sub"))
        if session is None:
            raise InvalidToken("The session of this token has ended")
        return session.user, session
