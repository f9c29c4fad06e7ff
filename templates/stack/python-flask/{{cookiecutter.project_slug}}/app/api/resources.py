"""CRUD routes for each resource. Every resource belongs to the user who created it.

Lists are paginated (limit/offset), sorted (`sort=field` or `sort=-field`, then by id) and
filtered by equality on indexed and unique fields and on foreign keys. A referenced row
(`<relation>_id`, `<relation>_ids`) must exist and belong to the same user, else 404; deleting
a row that a `restrict` relation still references is a 409. Each resource is one blueprint
whose endpoints are named after the contract's operationIds (list_<plural>, create_<name>...).
"""
{%- set m = cookiecutter | relational %}
{%- set uuid_ids = m.id_kind == "uuid" %}

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Response, request
from marshmallow import Schema{% if not uuid_ids %}, validate{% endif %}
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.api import Blueprint, path_value
from app.auth import authenticated, login
from app.db import db_session
{%- if uuid_ids %}
from app.fields import UuidText
{%- else %}
from app.fields import MAX_ID, QueryInteger
{%- endif %}
from app.models import (
{%- for name in m.py_import_order(m.entities | map(attribute="name") | list + ["User"]) %}
    {{ name }},
{%- endfor %}
)
from app.problems import Problem
{%- set schema_imports = [] %}
{%- for e in m.entities %}
{%- set _ = schema_imports.extend([e.name ~ "Create", e.name ~ "Page", e.name ~ "Query", e.name ~ "Read", e.name ~ "Update"]) %}
{%- endfor %}
from app.schemas import (
{%- for name in m.py_import_order(schema_imports) %}
    {{ name }},
{%- endfor %}
)

{% if uuid_ids -%}
ROW_ID = UuidText()
{%- else -%}
ROW_ID = QueryInteger(validate=validate.Range(min=1, max=MAX_ID))
{%- endif %}


@dataclass(frozen=True)
class Resource:
    """One entity of the model as the API serves it."""

    model: type[Any]
    path: str  # the URL segment, /api/v1/<path>
    name: str  # create_<name>, <name>_id
    plural: str  # list_<plural>, the blueprint's name
    create: Schema
    update: Schema
    read: Schema
    page: Schema
    query: Schema
    # the reference fields (`<relation>_id`, `<relation>_ids`) and the entity each points at
    links: dict[str, type[Any]] = field(default_factory=dict)
    unique: bool = False  # a unique field: a write may conflict (409)
    restricted: bool = False  # a `restrict` relation points here: a delete may conflict (409)


def owned(db: Session, user: User, model: type[Any], row_id: Any) -> Any:
    """The user's row with this id, else 404."""
    row = db.get(model, row_id)
    if row is None or row.owner_id != user.id:
        raise Problem(404, f"{model.__name__} {row_id} not found")
    return row


def owned_all(db: Session, user: User, model: type[Any], ids: Sequence[Any]) -> list[Any]:
    """The user's rows with these ids (duplicates ignored), else 404 naming a missing one."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    query = select(model).where(model.id.in_(wanted), model.owner_id == user.id)
    rows = {row.id: row for row in db.scalars(query)}
    for row_id in wanted:
        if row_id not in rows:
            raise Problem(404, f"{model.__name__} {row_id} not found")
    return [rows[row_id] for row_id in wanted]


def assign(
    db: Session, user: User, row: Any, values: dict[str, Any], links: dict[str, Any]
) -> None:
    """Set the values on the row. A reference must be one of the user's rows, else 404:
    `<relation>_id` holds one id, `<relation>_ids` the ids of the many-to-many `<relation>`."""
    for name, value in values.items():
        target = links.get(name)
        if target is not None and name.endswith("_ids"):
            setattr(row, name.removesuffix("_ids"), owned_all(db, user, target, value))
            continue
        if target is not None and value is not None:
            owned(db, user, target, value)
        setattr(row, name, value)


def listing(
    db: Session, user: User, model: type[Any], args: dict[str, Any], filters: dict[str, Any]
) -> tuple[Sequence[Any], int]:
    """One page (limit, offset) of the user's rows equal to every filter, sorted then by id, and
    how many rows match in all."""
    query = select(model).where(model.owner_id == user.id)
    for name, value in filters.items():
        query = query.where(getattr(model, name) == value)
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    sort = args["sort"]
    column = getattr(model, sort.removeprefix("-"))
    order = column.desc() if sort.startswith("-") else column.asc()
    page = query.order_by(order, model.id).limit(args["limit"]).offset(args["offset"])
    return db.scalars(page).all(), total


def commit(db: Session, conflict: str) -> None:
    """Commit; a constraint violation (unique value taken, row still referenced) is a 409."""
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise Problem(409, conflict) from None


def blueprint(resource: Resource) -> Blueprint:
    """The five routes of a resource; its rows are the current user's only."""
    routes = Blueprint(resource.plural, __name__, url_prefix=f"/api/v1/{resource.path}")
    label = resource.model.__name__
    id_name = f"{resource.name}_id"
    item = f"/<{id_name}>"
    write = (*CSRF, *((409,) if resource.unique else ()))

    def find(raw_id: str) -> Any:
        row_id = path_value(ROW_ID, id_name, raw_id)
        return owned(db_session(), login().user, resource.model, row_id)

    @routes.operation(f"list_{resource.plural}", 401, 422)
    @routes.response(200, resource.page)
    @routes.arguments(resource.query, location="query")
    def list_rows(args: dict[str, Any]) -> dict[str, Any]:
        filters = {name: value for name, value in args.items() if name not in PAGE_ARGS}
        rows, total = listing(db_session(), login().user, resource.model, args, filters)
        return {"items": rows, "total": total, "limit": args["limit"], "offset": args["offset"]}

    @routes.operation(
        f"create_{resource.name}",
        *BODY_PROBLEMS,
        401,
        *write,
        *((404,) if resource.links else ()),
    )
    @routes.response(201, resource.read)
    @routes.arguments(resource.create)
    def create_row(payload: dict[str, Any]) -> tuple[Any, dict[str, str]]:
        db, user = db_session(), login().user
        row = resource.model(owner_id=user.id)
        assign(db, user, row, payload, resource.links)
        db.add(row)
        commit(db, f"{label} already exists")
        return row, {"Location": f"{request.path}/{row.id}"}

    @routes.operation(f"get_{resource.name}", 401, 404, 422)
    @routes.response(200, resource.read)
    def get_row(**ids: str) -> Any:
        return find(ids[id_name])

    @routes.operation(f"update_{resource.name}", *BODY_PROBLEMS, 401, 404, *write)
    @routes.response(200, resource.read)
    @routes.arguments(resource.update)
    def update_row(payload: dict[str, Any], **ids: str) -> Any:
        row = find(ids[id_name])
        db = db_session()
        assign(db, login().user, row, payload, resource.links)
        commit(db, f"{label} already exists")
        return row

    @routes.operation(
        f"delete_{resource.name}",
        401,
        404,
        422,
        *CSRF,
        *((409,) if resource.restricted else ()),
    )
    @routes.response(204)
    def delete_row(**ids: str) -> Response:
        row = find(ids[id_name])
        db = db_session()
        db.delete(row)
        commit(db, f"{label} is still referenced")
        return Response(status=204)

    views = [
        ("", f"list_{resource.plural}", list_rows, "GET"),
        ("", f"create_{resource.name}", create_row, "POST"),
        (item, f"get_{resource.name}", get_row, "GET"),
        (item, f"update_{resource.name}", update_row, "PATCH"),
        (item, f"delete_{resource.name}", delete_row, "DELETE"),
    ]
    for rule, endpoint, view, method in views:
        routes.add_url_rule(rule, endpoint, authenticated(view), methods=[method])
    return routes


# a body may be malformed (400), too large (413) or invalid (422)
BODY_PROBLEMS = (400, 413, 422)
# the CSRF check of cookie sessions refuses unsafe methods without the token (403)
CSRF = {{ "()" if cookiecutter.auth == "jwt" else "(403,)" }}
PAGE_ARGS = frozenset({"limit", "offset", "sort"})
RESOURCES = [
{%- for e in m.entities %}
    Resource(
        model={{ e.name }},
        path="{{ e.plural }}",
        name="{{ e.var }}",
        plural="{{ e.plural_id }}",
        create={{ e.name }}Create(),
        update={{ e.name }}Update(),
        read={{ e.name }}Read(),
        page={{ e.name }}Page(),
        query={{ e.name }}Query(),
{%- if e.has_unique %}
        unique=True,
{%- endif %}
{%- if e.restricted %}
        restricted=True,
{%- endif %}
{%- if e.has_refs %}
        links={
{%- for r in e.many_to_one %}
            "{{ r.column }}": {{ r.target }},
{%- endfor %}
{%- for r in e.many_to_many %}
            "{{ r.field }}": {{ r.target }},
{%- endfor %}
        },
{%- endif %}
    ),
{%- endfor %}
]
