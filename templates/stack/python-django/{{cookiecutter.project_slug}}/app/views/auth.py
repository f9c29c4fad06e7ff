"""Registration, login, {{ "token refresh, " if cookiecutter.auth == "jwt" else "" }}logout, password change and the current user."""
{%- set jwt = cookiecutter.auth == "jwt" %}
{#- registration is rate limited in the app unless a gateway does it (decisions.rate_limiting) #}
{%- set limited = cookiecutter.decisions.get("rate_limiting") in ["app-level", "redis"] %}

from __future__ import annotations

{% if jwt -%}
from django.db import IntegrityError, transaction
{%- else -%}
from django.conf import settings
from django.contrib import auth as sessions
from django.db import IntegrityError, transaction
from django.middleware.csrf import get_token
{%- endif %}
from rest_framework import exceptions
from rest_framework import serializers as fields
from rest_framework.request import Request
from rest_framework.response import Response

{% if jwt -%}
from app import accounts, lockout, serializers, tokens
{%- else -%}
from app import accounts, lockout, serializers
{%- endif %}
from app.audit import audit, email_hash
from app.models import User
from app.throttling import AuthThrottle
from app.views.base import ApiView, PublicView, Unauthorized, validated
from app.views.schema import body, operation

REGISTRATION = body("Registration", email=fields.CharField())
{%- if jwt %}
TOKEN = body(
    "Token",
    access_token=fields.CharField(),
    token_type=fields.CharField(),
    expires_in=fields.IntegerField(),
    refresh_token=fields.CharField(),
)
{%- else %}
SESSION_INFO = body("SessionInfo", csrf_token=fields.CharField(), expires_in=fields.IntegerField())
{%- endif %}
USER_READ = body(
    "UserRead",
    id=fields.IntegerField(),
    email=fields.CharField(),
    created_at=fields.DateTimeField(),
)


def refuse_if_locked(email: str, request: Request) -> None:
    """429 while the account must wait after failures (app/lockout.py)."""
    wait = lockout.wait_seconds(email)
    if wait > 0:
        audit("login_locked", request, outcome="denied", email_hash=email_hash(email))
        raise exceptions.Throttled(wait=wait, detail="Too many requests")


class Register(PublicView):
    http_method_names = ["post"]
{%- if limited %}
    throttle_classes = [AuthThrottle]
{%- endif %}

    @operation(
        "auth_register",
        201,
        REGISTRATION,
        request=serializers.UserCreate,
        errors={{ "(429,)" if limited else "()" }},
    )
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

    @operation(
        "auth_login",
        200,
        {{ "TOKEN" if jwt else "SESSION_INFO" }},
        request=serializers.LoginRequest,
        errors=(401, 429),
    )
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
{%- if jwt %}
        return Response(tokens.issue(tokens.open_session(user)))


class Refresh(PublicView):
    http_method_names = ["post"]

    @operation("auth_refresh", 200, TOKEN, request=serializers.RefreshRequest, errors=(401,))
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
{%- else %}
        # A new session (new id: no fixation) and a new CSRF secret, in the `session` and
        # `csrf_token` cookies; the body repeats the CSRF token for clients without cookie access.
        sessions.login(request._request, user)
        csrf = get_token(request._request)
        return Response({"csrf_token": csrf, "expires_in": settings.SESSION_COOKIE_AGE})
{%- endif %}


class Logout(ApiView):
    http_method_names = ["post"]

    @operation("auth_logout", 204, errors={{ "(401,)" if jwt else "(401, 403)" }})
    def post(self, request: Request) -> Response:
        user_id = request.user.pk
{%- if jwt %}
        tokens.revoke(request.auth)
        audit("logout", request, outcome="success", user_id=user_id)
        return Response(status=204)
{%- else %}
        sessions.logout(request._request)  # deletes the session row: a kept cookie is worthless
        audit("logout", request, outcome="success", user_id=user_id)
        response = Response(status=204)
        response.delete_cookie(settings.CSRF_COOKIE_NAME, samesite="Lax")
        return response
{%- endif %}


class ChangePassword(ApiView):
    http_method_names = ["post"]

    @operation(
        "auth_change_password",
        204,
        request=serializers.PasswordChange,
        errors=(401, 403, 429),
    )
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
{%- if jwt %}
        closed = tokens.revoke_others(user, keep=request.auth.pk)
        audit("password_changed", request, outcome="success", user_id=user.pk, closed=closed)
{%- else %}
        # Every session holds a digest of the password hash it was opened with: the other sessions
        # no longer match and end; this one is updated and stays signed in.
        sessions.update_session_auth_hash(request._request, user)
        audit("password_changed", request, outcome="success", user_id=user.pk)
{%- endif %}
        return Response(status=204)


class Me(ApiView):
    http_method_names = ["get"]

    @operation("users_me", 200, USER_READ, errors=(401,))
    def get(self, request: Request) -> Response:
        user = request.user
        created = user.created_at.isoformat().replace("+00:00", "Z")
        return Response({"id": user.pk, "email": user.email, "created_at": created})
