"""Registration, login, token refresh, logout, password change and the current user."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from app import accounts, lockout, serializers, tokens
from app.audit import audit, email_hash
from app.models import User
from app.throttling import AuthThrottle
from app.views.base import ApiView, PublicView, Unauthorized, validated

logger = logging.getLogger(__name__)


def refuse_if_locked(email: str, request: Request) -> None:
    """429 while the account must wait after failures (app/lockout.py)."""
    wait = lockout.wait_seconds(email)
    if wait > 0:
        audit("login_locked", request, outcome="denied", email_hash=email_hash(email))
        raise exceptions.Throttled(wait=wait, detail="Too many requests")


class Register(PublicView):
    http_method_names = ["post"]
    throttle_classes = [AuthThrottle]

    def post(self, request: Request) -> Response:
        # 201 {"email": ...} for a new address and a registered one alike, in the same time (the
        # password is hashed either way): the answer never tells which addresses have an account.
        data = validated(serializers.UserCreate, request)
        email = data["email"]
        user = User(email=email, password=accounts.hash_password(data["password"]))
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            audit("registration_ignored", request, outcome="ignored", email_hash=email_hash(email))
        else:
            audit("user_registered", request, outcome="success", user_id=user.pk)
        return Response({"email": email}, status=201)


class Login(PublicView):
    http_method_names = ["post"]
    throttle_classes = [AuthThrottle]

    def post(self, request: Request) -> Response:
        data = validated(serializers.LoginRequest, request)
        email = data["email"]
        refuse_if_locked(email, request)
        user = User.objects.filter(email=email).first()
        if not accounts.verify(user, data["password"]) or user is None:
            lockout.failed(email)  # known or unknown address alike
            audit("login_failed", request, outcome="failure", email_hash=email_hash(email))
            raise Unauthorized("Invalid email or password")
        lockout.succeeded(email)
        audit("login_succeeded", request, outcome="success", user_id=user.pk)
        return Response(tokens.issue(tokens.open_session(user)))


class Refresh(PublicView):
    http_method_names = ["post"]

    def post(self, request: Request) -> Response:
        data = validated(serializers.RefreshRequest, request)
        claims = tokens.refresh_claims(data["refresh_token"])
        session = tokens.active_session(claims.get("sid"), claims.get("sub")) if claims else None
        if claims is None or session is None:
            raise Unauthorized("Invalid or expired refresh token")
        new_jti = tokens.rotate_refresh(session, claims.get("jti"))
        if new_jti is None:
            # A refresh token is used once: a second use means a copy is in other hands.
            audit("refresh_token_reused", request, outcome="denied", user_id=session.user_id)
            raise Unauthorized("Invalid or expired refresh token")
        session.refresh_jti = new_jti
        return Response(tokens.issue(session))


class Logout(ApiView):
    http_method_names = ["post"]

    def post(self, request: Request) -> Response:
        tokens.revoke(request.auth)
        audit("logout", request, outcome="success", user_id=request.user.pk)
        return Response(status=204)


class ChangePassword(ApiView):
    http_method_names = ["post"]

    def post(self, request: Request) -> Response:
        data = validated(serializers.PasswordChange, request)
        user = request.user
        refuse_if_locked(user.email, request)
        if not accounts.verify(user, data["current_password"]):
            lockout.failed(user.email)
            audit("password_change_failed", request, outcome="failure", user_id=user.pk)
            raise exceptions.PermissionDenied("Wrong current password")
        lockout.succeeded(user.email)
        user.password = accounts.hash_password(data["new_password"])
        user.save(update_fields=["password"])
        closed = tokens.revoke_others(user, keep=request.auth.pk)
        audit("password_changed", request, outcome="success", user_id=user.pk, closed=closed)
        return Response(status=204)


class Me(ApiView):
    http_method_names = ["get"]

    def get(self, request: Request) -> Response:
        user = request.user
        created = user.created_at.isoformat().replace("+00:00", "Z")
        return Response({"id": user.pk, "email": user.email, "created_at": created})
