"""The authenticated user."""

from __future__ import annotations

from app.api import Blueprint
from app.auth import authenticated, login
from app.models import User
from app.schemas import UserRead

users = Blueprint("users", __name__, url_prefix="/api/v1/users")


@users.get("/me")
@authenticated
@users.operation("users_me", 401)
@users.response(200, UserRead)
def users_me() -> User:
    return login().user
