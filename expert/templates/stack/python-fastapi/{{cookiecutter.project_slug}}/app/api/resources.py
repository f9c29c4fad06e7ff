"""CRUD routes for each resource. Every resource belongs to the user who created it.

Lists are paginated (limit/offset), sorted (`sort=field` or `sort=-field`, then by id) and
filtered by equality on indexed and unique fields and on foreign keys. A referenced row
(`<relation>_id`, `<relation>_ids`) must exist and belong to the same user, else 404; deleting
a row that a `restrict` relation still references is a 409.
"""
{%- set m = cookiecutter | relational %}
{%- set types = m.types %}
{%- set uuid_ids = m.id_kind == "uuid" %}
{%- set session = cookiecutter.auth == "session-cookie" %}
{%- set any_conflict = m.any_unique or m.any_restricted %}
{%- set any_filters = m.entities | selectattr("filters") | list | length > 0 %}

from collections.abc import Sequence
from typing import Annotated, Any, Literal, TypeVar
{%- if uuid_ids %}
from uuid import UUID
{%- endif %}
{% if session %}
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response, status
{%- else %}
from fastapi import APIRouter, HTTPException, Path, Query, Response, status
{%- endif %}
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.api.responses import (
    BAD_BODY,
{%- if any_conflict %}
    CONFLICT,
{%- endif %}
{%- if session %}
    CSRF_FAILED,
{%- endif %}
    NOT_FOUND,
    UNAUTHORIZED,
)
from app.db import DbSession
from app.deps import CurrentUser{% if session %}, require_csrf{% endif %}
from app.models import (
{%- for e in m.entities | sort(attribute="name") %}
    {{ e.name }},
{%- endfor %}
    User,
)
{%- set schema_imports = [] %}
{%- for e in m.entities %}
{%- for f in e.fields if f.filterable %}
{%- set _ = schema_imports.append(e.name ~ (f.name.split("_") | map("capitalize") | join)) %}
{%- endfor %}
{%- set _ = schema_imports.extend([e.name ~ "Create", e.name ~ "Page", e.name ~ "Read", e.name ~ "Update"]) %}
{%- endfor %}
{%- if m.entities | map(attribute="many_to_one") | sum(start=[]) | length > 0 %}
{%- set _ = schema_imports.append("RowId") %}
{%- endif %}
from app.schemas import (
{%- for name in schema_imports | sort %}
    {{ name }},
{%- endfor %}
)

Limit = Annotated[int, Query(ge=1, le=100, description="Page size")]
Offset = Annotated[int, Query(ge=0, le=2147483647, description="Items to skip")]
SORT_HELP = "Sort by this field (prefix - for descending); ties are broken by id"
{%- if uuid_ids %}
ItemId = Annotated[UUID, Path()]
{%- else %}
ItemId = Annotated[int, Path(ge=1, le=9007199254740991)]
{%- endif %}
Row = TypeVar("Row", bound=Any)

routers: list[APIRouter] = []


def owned(db: Session, user: User, model: type[Row], row_id: Any) -> Row:
    """The user's row with this id, else 404."""
    row = db.get(model, row_id)
    if row is None or row.owner_id != user.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"{model.__name__} {row_id} not found")
    return row


def owned_all(db: Session, user: User, model: type[Row], ids: Sequence[Any]) -> list[Row]:
    """The user's rows with these ids (duplicates ignored), else 404 naming a missing one."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    query = select(model).where(model.id.in_(wanted), model.owner_id == user.id)
    rows = {row.id: row for row in db.scalars(query)}
    for row_id in wanted:
        if row_id not in rows:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"{model.__name__} {row_id} not found")
    return [rows[row_id] for row_id in wanted]


def commit(db: Session, conflict: str) -> None:
    """Commit; a constraint violation (unique value taken, row still referenced) is a 409."""
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, conflict) from None
{%- set csrf = "\n    dependencies=[Depends(require_csrf)]," if session else "" %}
{%- set unsafe = "{**UNAUTHORIZED, **CSRF_FAILED" if session else "{**UNAUTHORIZED" %}
{%- set body_unsafe = "{**BAD_BODY, **UNAUTHORIZED, **CSRF_FAILED" if session else "{**BAD_BODY, **UNAUTHORIZED" %}
{%- for e in m.entities %}
{%- set var = e.var %}
{%- set plural = e.plural_id %}


# --- {{ e.name }}: /api/v1/{{ e.plural }} ---

{{ plural }}_router = APIRouter(
    prefix="/api/v1/{{ e.plural }}",
    tags=["{{ e.plural }}"],
)
routers.append({{ plural }}_router)
{%- set sort_type = "Literal[\n    " ~ (e.sort_values | map("tojson") | join(",\n    ")) ~ ",\n]" %}
{{ e.name }}Sort = {{ sort_type }}
{%- if e.has_refs %}


def _link_{{ var }}(
    db: Session,
    user: User,
    {{ var }}: {{ e.name }},
    values: dict[str, Any],
) -> None:
    """Check the referenced rows belong to the user, then set the values."""
{%- for r in e.many_to_one %}
    if values.get("{{ r.column }}") is not None:
        owned(db, user, {{ r.target }}, values["{{ r.column }}"])
{%- endfor %}
{%- for r in e.many_to_many %}
    if "{{ r.field }}" in values:
        {{ var }}.{{ r.name }} = owned_all(db, user, {{ r.target }}, values.pop("{{ r.field }}"))
{%- endfor %}
    for field, value in values.items():
        setattr({{ var }}, field, value)
{%- endif %}


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
    sort: Annotated[{{ e.name }}Sort, Query(description=SORT_HELP)] = "id",
{%- for flt in e.filters %}
{%- if flt.kind == "id" %}
    {{ flt.name }}: RowId | None = None,
{%- else %}
    {{ flt.name }}: {{ e.name ~ (flt.name.split("_") | map("capitalize") | join) }} | None = None,
{%- endif %}
{%- endfor %}
) -> {{ e.name }}Page:
    query = select({{ e.name }}).where({{ e.name }}.owner_id == user.id)
{%- for flt in e.filters %}
    if {{ flt.name }} is not None:
        query = query.where({{ e.name }}.{{ flt.name }} == {{ flt.name }})
{%- endfor %}
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    column = getattr({{ e.name }}, sort.removeprefix("-"))
    order = column.desc() if sort.startswith("-") else column.asc()
    page = query.order_by(order, {{ e.name }}.id).limit(limit).offset(offset)
    rows = db.scalars(page).all()
    return {{ e.name }}Page(
        items=[{{ e.name }}Read.model_validate(row) for row in rows],
        total=total,
        limit=limit,
        offset=offset,
    )
{%- set create_extra = (", **NOT_FOUND" if e.has_refs else "") ~ (", **CONFLICT" if e.has_unique else "") %}


@{{ plural }}_router.post(
    "",
    operation_id="create_{{ var }}",
    summary="Create {{ e.name }}",
    status_code=status.HTTP_201_CREATED,
    response_model={{ e.name }}Read,
    responses={{ body_unsafe }}{{ create_extra }}},{{ csrf }}
)
def create_{{ var }}(
    payload: {{ e.name }}Create,
    db: DbSession,
    user: CurrentUser,
    response: Response,
) -> {{ e.name }}:
{%- if e.has_refs %}
    {{ var }} = {{ e.name }}(owner_id=user.id)
    _link_{{ var }}(db, user, {{ var }}, payload.model_dump())
{%- else %}
    {{ var }} = {{ e.name }}(owner_id=user.id, **payload.model_dump())
{%- endif %}
    db.add({{ var }})
    commit(db, "{{ e.name }} already exists")
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
    {{ var }}_id: ItemId,
    db: DbSession,
    user: CurrentUser,
) -> {{ e.name }}:
    return owned(db, user, {{ e.name }}, {{ var }}_id)


@{{ plural }}_router.patch(
    "/{ {{- var }}_id}",
    operation_id="update_{{ var }}",
    summary="Update {{ e.name }} (only the fields sent)",
    response_model={{ e.name }}Read,
    responses={{ body_unsafe }}, **NOT_FOUND{{ ", **CONFLICT" if e.has_unique else "" }}},{{ csrf }}
)
def update_{{ var }}(
    {{ var }}_id: ItemId,
    payload: {{ e.name }}Update,
    db: DbSession,
    user: CurrentUser,
) -> {{ e.name }}:
    {{ var }} = owned(db, user, {{ e.name }}, {{ var }}_id)
{%- if e.has_refs %}
    _link_{{ var }}(db, user, {{ var }}, payload.model_dump(exclude_unset=True))
{%- else %}
    for field, value in payload.model_dump(exclude_unset=True).items():
        setattr({{ var }}, field, value)
{%- endif %}
    commit(db, "{{ e.name }} already exists")
    return {{ var }}


@{{ plural }}_router.delete(
    "/{ {{- var }}_id}",
    operation_id="delete_{{ var }}",
    summary="Delete {{ e.name }}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses={{ unsafe }}, **NOT_FOUND{{ ", **CONFLICT" if e.restricted else "" }}},{{ csrf }}
)
def delete_{{ var }}(
    {{ var }}_id: ItemId,
    db: DbSession,
    user: CurrentUser,
) -> Response:
    db.delete(owned(db, user, {{ e.name }}, {{ var }}_id))
    commit(db, "{{ e.name }} is still referenced")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
{%- endfor %}
