"""The authenticated user."""
{%- set cached = cookiecutter.cache == "redis" %}
{% if cached %}
from typing import Any
{% endif %}
from fastapi import APIRouter

from app.api.responses import UNAUTHORIZED
{%- if cached %}
from app.cache import get_cache
{%- endif %}
from app.deps import CurrentUser
{%- if not cached %}
from app.models import User
{%- endif %}
from app.schemas import UserRead

router = APIRouter(prefix="/api/v1/users", tags=["users"])


@router.get(
    "/me",
    operation_id="users_me",
    summary="The current user",
    response_model=UserRead,
    responses=UNAUTHORIZED,
)
{%- if cached %}
def me(user: CurrentUser) -> Any:
    # Cache-aside example (app/cache.py): the profile is served from Redis for CACHE_TTL_SECONDS.
    return get_cache().get_or_set(
        f"users:{user.id}", lambda: UserRead.model_validate(user).model_dump(mode="json")
    )
{%- else %}
def me(user: CurrentUser) -> User:
    return user
{%- endif %}
