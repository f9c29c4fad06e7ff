"""CRUD routes for each resource. Every resource belongs to the user who created it."""

from typing import Annotated
{% set any_unique = cookiecutter.entities | map(attribute="fields") | sum(start=[]) | selectattr("unique") | list | length > 0 %}
{%- if cookiecutter.auth == "session-cookie" %}
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response, status
{%- else %}
from fastapi import APIRouter, HTTPException, Path, Query, Response, status
{%- endif %}
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.api.responses import (
    BAD_BODY,
{%- if any_unique %}
    CONFLICT,
{%- endif %}
{%- if cookiecutter.auth == "session-cookie" %}
    CSRF_FAILED,
{%- endif %}
    NOT_FOUND,
    UNAUTHORIZED,
)
from app.db import DbSession
from app.deps import CurrentUser{% if cookiecutter.auth == "session-cookie" %}, require_csrf{% endif %}
from app.models import (
{%- for e in cookiecutter.entities | sort(attribute="name") %}
    {{ e.name }},
{%- endfor %}
)
from app.schemas import (
{%- for e in cookiecutter.entities | sort(attribute="name") %}
    {{ e.name }}Create,
    {{ e.name }}Page,
    {{ e.name }}Read,
    {{ e.name }}Update,
{%- endfor %}
)

Limit = Annotated[int, Query(ge=1, le=100, description="Page size")]
Offset = Annotated[int, Query(ge=0, le=2147483647, description="Items to skip")]

routers: list[APIRouter] = []
{%- set csrf = "\n    dependencies=[Depends(require_csrf)]," if cookiecutter.auth == "session-cookie" else "" %}
{%- set unsafe = "{**UNAUTHORIZED, **CSRF_FAILED" if cookiecutter.auth == "session-cookie" else "{**UNAUTHORIZED" %}
{%- set body_unsafe = "{**BAD_BODY, **UNAUTHORIZED, **CSRF_FAILED" if cookiecutter.auth == "session-cookie" else "{**BAD_BODY, **UNAUTHORIZED" %}
{%- for e in cookiecutter.entities %}
{%- set var = e.name | lower %}
{%- set plural = e.plural | replace("-", "_") %}
{%- set has_unique = e.fields | selectattr("unique") | list | length > 0 %}


# --- {{ e.name }}: /api/v1/{{ e.plural }} ---

{{ plural }}_router = APIRouter(
    prefix="/api/v1/{{ e.plural }}",
    tags=["{{ e.plural }}"],
)
routers.append({{ plural }}_router)
{{ e.name }}Id = Annotated[int, Path(ge=1, le=2147483647)]


def _get_{{ var }}(
    db: DbSession,
    user: CurrentUser,
    {{ var }}_id: int,
) -> {{ e.name }}:
    {{ var }} = db.get({{ e.name }}, {{ var }}_id)
    if {{ var }} is None or {{ var }}.owner_id != user.id:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            "{{ e.name }} not found",
        )
    return {{ var }}


def _commit_{{ var }}(db: DbSession) -> None:
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            "{{ e.name }} already exists",
        ) from None


@{{ plural }}_router.get(
    "",
    operation_id="list_{{ plural }}",
    summary="List {{ e.plural }}",
    response_model={{ e.name }}Page,
    responses=UNAUTHORIZED,
)
def list_{{ plural }}(
    db: DbSession,
    user: CurrentUser,
    limit: Limit = 20,
    offset: Offset = 0,
) -> {{ e.name }}Page:
    owned = select({{ e.name }}).where({{ e.name }}.owner_id == user.id)
    total = db.scalar(select(func.count()).select_from(owned.subquery())) or 0
    page = owned.order_by({{ e.name }}.id).limit(limit).offset(offset)
    rows = db.scalars(page).all()
    return {{ e.name }}Page(
        items=[{{ e.name }}Read.model_validate(row) for row in rows],
        total=total,
        limit=limit,
        offset=offset,
    )


@{{ plural }}_router.post(
    "",
    operation_id="create_{{ var }}",
    summary="Create {{ e.name }}",
    status_code=status.HTTP_201_CREATED,
    response_model={{ e.name }}Read,
    responses={{ body_unsafe }}{{ ", **CONFLICT" if has_unique else "" }}},{{ csrf }}
)
def create_{{ var }}(
    payload: {{ e.name }}Create,
    db: DbSession,
    user: CurrentUser,
    response: Response,
) -> {{ e.name }}:
    {{ var }} = {{ e.name }}(owner_id=user.id, **payload.model_dump())
    db.add({{ var }})
    _commit_{{ var }}(db)
    response.headers["Location"] = f"/api/v1/{{ e.plural }}/{ {{- var }}.id}"
    return {{ var }}


@{{ plural }}_router.get(
    "/{ {{- var }}_id}",
    operation_id="get_{{ var }}",
    summary="Get {{ e.name }}",
    response_model={{ e.name }}Read,
    responses={**UNAUTHORIZED, **NOT_FOUND},
)
def get_{{ var }}(
    {{ var }}_id: {{ e.name }}Id,
    db: DbSession,
    user: CurrentUser,
) -> {{ e.name }}:
    return _get_{{ var }}(db, user, {{ var }}_id)


@{{ plural }}_router.patch(
    "/{ {{- var }}_id}",
    operation_id="update_{{ var }}",
    summary="Update {{ e.name }} (only the fields sent)",
    response_model={{ e.name }}Read,
    responses={{ body_unsafe }}, **NOT_FOUND{{ ", **CONFLICT" if has_unique else "" }}},{{ csrf }}
)
def update_{{ var }}(
    {{ var }}_id: {{ e.name }}Id,
    payload: {{ e.name }}Update,
    db: DbSession,
    user: CurrentUser,
) -> {{ e.name }}:
    {{ var }} = _get_{{ var }}(db, user, {{ var }}_id)
    for field, value in payload.model_dump(exclude_unset=True).items():
        setattr({{ var }}, field, value)
    _commit_{{ var }}(db)
    return {{ var }}


@{{ plural }}_router.delete(
    "/{ {{- var }}_id}",
    operation_id="delete_{{ var }}",
    summary="Delete {{ e.name }}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses={{ unsafe }}, **NOT_FOUND},{{ csrf }}
)
def delete_{{ var }}(
    {{ var }}_id: {{ e.name }}Id,
    db: DbSession,
    user: CurrentUser,
) -> Response:
    db.delete(_get_{{ var }}(db, user, {{ var }}_id))
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
{%- endfor %}
