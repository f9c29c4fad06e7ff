"""The authenticated user."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from app.auth import authenticated, login
from app.schemas import UserRead

users = Blueprint("users", __name__, url_prefix="/api/v1/users")
USER = UserRead()


@users.get("/me")
@authenticated
def users_me() -> Response:
    return jsonify(USER.dump(login().user))
