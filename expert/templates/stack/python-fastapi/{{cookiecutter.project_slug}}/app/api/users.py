"""The authenticated user."""

from fastapi import APIRouter

from app.api.responses import UNAUTHORIZED
from app.deps import CurrentUser
from app.models import User
from app.schemas import UserRead

router = APIRouter(prefix="/api/v1/users", tags=["users"])


@router.get(
    "/me",
    operation_id="users_me",
    summary="The current user",
    response_model=UserRead,
    responses=UNAUTHORIZED,
)
def me(user: CurrentUser) -> User:
    return user
