"""CRUD routes for each resource. Every resource belongs to the user who created it.

Lists are paginated (limit/offset), sorted (`sort=field` or `sort=-field`, then by id) and
filtered by equality on indexed and unique fields and on foreign keys. A referenced row
(`<relation>_id`, `<relation>_ids`) must exist and belong to the same user, else 404; deleting
a row that a `restrict` relation still references is a 409.
"""
{%- set m = cookiecutter | relational %}
{%- set uuid_ids = m.id_kind == "uuid" %}
{%- set session = cookiecutter.auth == "session-cookie" %}
{%- set any_conflict = m.any_unique or m.any_restricted %}
{%- import "python-layout.jinja" as layout %}

from collections.abc import Sequence
from typing import Annotated, Any, Literal, TypeVar
{%- if uuid_ids %}
from uuid import UUID
{%- endif %}
{% if session %}
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response, status
{%- else %}
from fastapi import APIRouter, HTTPException, Path, Query, Request, Response, status
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
{%- for name in m.py_import_order(m.entities | map(attribute="name") | list + ["User"]) %}
    {{ name }},
{%- endfor %}
)
{%- set schema_imports = [] %}
{%- for e in m.entities %}
{%- for f in e.fields if f.filterable %}
{%- set _ = schema_imports.append(f.alias) %}
{%- endfor %}
{%- set _ = schema_imports.extend([e.name ~ "Create", e.name ~ "Page", e.name ~ "Read", e.name ~ "Update"]) %}
{%- endfor %}
{%- if m.entities | map(attribute="many_to_one") | sum(start=[]) | length > 0 %}
{%- set _ = schema_imports.append("RowId") %}
{%- endif %}
from app.schemas import (
{%- for name in m.py_import_order(schema_imports) %}
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


def assign(
    db: Session,
    user: User,
    row: Any,
    values: dict[str, Any],
    links: dict[str, Any],
) -> None:
    """Set the values on the row. A reference (`links` maps its field to the entity it points at)
    must be one of the user's rows, else 404: `<relation>_id` holds one id, `<relation>_ids` the ids
    of the many-to-many relation `<relation>`."""
    for field, value in values.items():
        target = links.get(field)
        if target is not None and field.endswith("_ids"):
            setattr(row, field.removesuffix("_ids"), owned_all(db, user, target, value))
            continue
        if target is not None and value is not None:
            owned(db, user, target, value)
        setattr(row, field, value)


def listing(
    db: Session,
    user: User,
    model: type[Row],
    sort: str,
    page: tuple[int, int],
    filters: dict[str, Any],
) -> tuple[Sequence[Row], int]:
    """One page (limit, offset) of the user's rows equal to every filter given (None: not
    filtered), sorted then by id, and how many rows match in all."""
    query = select(model).where(model.owner_id == user.id)
    for name, value in filters.items():
        if value is not None:
            query = query.where(getattr(model, name) == value)
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    column = getattr(model, sort.removeprefix("-"))
    order = column.desc() if sort.startswith("-") else column.asc()
    limit, offset = page
    rows = db.scalars(query.order_by(order, model.id).limit(limit).offset(offset)).all()
    return rows, total


def created(request: Request, response: Response, row: Row) -> Row:
    """The new row; the Location header gives its URL."""
    response.headers["Location"] = f"{request.url.path}/{row.id}"
    return row


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
{%- set links = (e.snake | upper ~ "_LINKS") if e.has_refs else "{}" %}


# --- {{ e.name }} ---

{{ layout.fit(0, plural ~ "_router = APIRouter(", ['prefix="/api/v1/%s"' % e.plural, 'tags=["%s"]' % e.plural], ")") }}
routers.append({{ plural }}_router)
{{ e.name }}Sort = Annotated[
    Literal[
{%- for value in e.sort_values %}
        {{ value | tojson }},
{%- endfor %}
    ],
    Query(description=SORT_HELP),
]
{%- if e.has_refs %}
{{ links }}: dict[str, Any] = {
{%- for r in e.many_to_one %}
    "{{ r.column }}": {{ r.target }},
{%- endfor %}
{%- for r in e.many_to_many %}
    "{{ r.field }}": {{ r.target }},
{%- endfor %}
}
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
    sort: {{ e.name }}Sort = "id",
{%- for flt in e.filters %}
{%- if flt.kind == "id" %}
    {{ flt.name }}: RowId | None = None,
{%- else %}
    {{ flt.name }}: {{ flt.field.alias }} | None = None,
{%- endif %}
{%- endfor %}
) -> {{ e.name }}Page:
{%- if e.filters %}
{%- set items = [] %}
{%- for flt in e.filters %}
{%- set _ = items.append('"%s": %s' % (flt.name, flt.name)) %}
{%- endfor %}
{{ layout.fit(4, "filters = {", items, "}") }}
{%- set filters = "filters" %}
{%- else %}
{%- set filters = "{}" %}
{%- endif %}
{{ layout.fit(4, "rows, total = listing(", ["db", "user", e.name, "sort", "(limit, offset)", filters], ")") }}
    items = [{{ e.name }}Read.model_validate(row) for row in rows]
{{ layout.fit(4, "return %sPage(" % e.name, ["items=items", "total=total", "limit=limit", "offset=offset"], ")") }}
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
    request: Request,
    response: Response,
) -> {{ e.name }}:
    row = {{ e.name }}(owner_id=user.id)
{{ layout.fit(4, "assign(", ["db", "user", "row", "payload.model_dump()", links], ")") }}
    db.add(row)
    commit(db, "{{ e.name }} already exists")
    return created(request, response, row)


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
{{ layout.fit(4, "return owned(", ["db", "user", e.name, var ~ "_id"], ")") }}


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
{{ layout.fit(4, "row = owned(", ["db", "user", e.name, var ~ "_id"], ")") }}
{{ layout.fit(4, "assign(", ["db", "user", "row", "payload.model_dump(exclude_unset=True)", links], ")") }}
    commit(db, "{{ e.name }} already exists")
    return row


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
{{ layout.fit(4, "row = owned(", ["db", "user", e.name, var ~ "_id"], ")") }}
    db.delete(row)
    commit(db, "{{ e.name }} is still referenced")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
{%- endfor %}
