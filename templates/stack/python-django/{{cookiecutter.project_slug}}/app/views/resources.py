"""CRUD views for each resource. Every resource belongs to the user who created it.

Lists are paginated (limit/offset), sorted (`sort=field` or `sort=-field`, then by id) and filtered
by equality on indexed and unique fields and on foreign keys. A referenced row (`<relation>_id`,
`<relation>_ids`) must exist and belong to the same user, else 404; a unique value taken, or
deleting a row that a `restrict` relation still references, is a 409.
"""

from __future__ import annotations
{%- set m = cookiecutter | relational %}
{%- set uuid_ids = m.id_kind == "uuid" %}

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, models, transaction
from drf_spectacular.utils import extend_schema_view
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from app import fields
from app import models as tables
from app import serializers as schemas
from app.problems import Conflict, Unprocessable
from app.views.base import ApiView, validated
from app.views.schema import body, operation

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
LIMIT = fields.StrictInteger(low=1, high=MAX_LIMIT)
OFFSET = fields.StrictInteger(low=0, high=fields.INT32_MAX)
ROW_ID = schemas.row_id()


@dataclass(frozen=True)
class Resource:
    """How one entity is served: its model, serializers, sorts, filters and references."""

    model: type[models.Model]
    create: type[serializers.Serializer]
    update: type[serializers.Serializer]
    read: type[serializers.Serializer]
    id_parameter: str
    sorts: tuple[str, ...]
    # query parameter -> the strict field that parses it
    filters: dict[str, serializers.Field] = field(default_factory=dict)
    # `<relation>_id` -> the entity it points at
    parents: dict[str, type[models.Model]] = field(default_factory=dict)
    # `<relation>_ids` -> (relation name, the entity it points at)
    links: dict[str, tuple[str, type[models.Model]]] = field(default_factory=dict)


def query_value(name: str, parser: serializers.Field, raw: str) -> Any:
    try:
        return fields.from_query(parser, raw)
    except serializers.ValidationError as error:
        raise Unprocessable([{"parameter": name, "detail": str(error.detail[0])}]) from None


def owned_rows(user: Any, model: type[models.Model], ids: Iterable[Any]) -> list[models.Model]:
    """The user's rows with these ids (duplicates ignored), else 404."""
    wanted = list(dict.fromkeys(ids))
    rows = {row.pk: row for row in model.objects.filter(owner=user, pk__in=wanted)}
    if len(rows) != len(wanted):
        raise exceptions.NotFound(f"{model.__name__} not found")
    return [rows[pk] for pk in wanted]


class Collection(ApiView):
    """GET (list) and POST (create) on /api/v1/<plural>."""

    http_method_names = ["get", "post"]
    resource: Resource

    def get(self, request: Request) -> Response:
        resource, params = self.resource, request.query_params
        limit = query_value("limit", LIMIT, params["limit"]) if "limit" in params else DEFAULT_LIMIT
        offset = query_value("offset", OFFSET, params["offset"]) if "offset" in params else 0
        sort = params.get("sort", "id")
        if sort not in resource.sorts:
            raise Unprocessable([{"parameter": "sort", "detail": "unknown sort field"}])
        rows = resource.model.objects.filter(owner=request.user)
        for name, parser in resource.filters.items():
            if name in params:
                rows = rows.filter(**{name: query_value(name, parser, params[name])})
        total = rows.count()
        page = rows.order_by(sort, "pk")[offset : offset + limit]
        items = [resource.read(row).data for row in page]
        return Response({"items": items, "total": total, "limit": limit, "offset": offset})

    def post(self, request: Request) -> Response:
        resource = self.resource
        data = validated(resource.create, request)
        row = resource.model(owner=request.user)
        save(request.user, resource, row, data)
        response = Response(resource.read(row).data, status=201)
        response["Location"] = f"{request.path}/{row.pk}"
        return response


class Item(ApiView):
    """GET, PATCH and DELETE on /api/v1/<plural>/<id> (its name: `resource.id_parameter`)."""

    http_method_names = ["get", "patch", "delete"]
    resource: Resource

    def row(self, request: Request) -> models.Model:
        """The user's row with the id of the path: 422 for an id that cannot be one, 404 for a
        missing row or another user's."""
        name = self.resource.id_parameter
        try:
            pk = fields.from_query(ROW_ID, self.kwargs[name])
        except serializers.ValidationError as error:
            raise Unprocessable([{"parameter": name, "detail": str(error.detail[0])}]) from None
        row = self.resource.model.objects.filter(owner=request.user, pk=pk).first()
        if row is None:
            raise exceptions.NotFound(f"{self.resource.model.__name__} not found")
        return row

    def get(self, request: Request, **path: str) -> Response:
        return Response(self.resource.read(self.row(request)).data)

    def patch(self, request: Request, **path: str) -> Response:
        row = self.row(request)
        data = validated(self.resource.update, request)
        save(request.user, self.resource, row, data)
        row.refresh_from_db()
        return Response(self.resource.read(row).data)

    def delete(self, request: Request, **path: str) -> Response:
        row = self.row(request)
        try:
            with transaction.atomic():
                row.delete()
        except (models.RestrictedError, models.ProtectedError, IntegrityError):
            raise Conflict("The row is still referenced") from None
        return Response(status=204)


def page_of(name: str, read: type[serializers.Serializer]) -> serializers.Serializer:
    """The body of a list: one page of rows, the total count and the page's bounds."""
    return body(
        name,
        items=read(many=True),
        total=serializers.IntegerField(),
        limit=serializers.IntegerField(),
        offset=serializers.IntegerField(),
    )


def save(user: Any, resource: Resource, row: models.Model, data: dict[str, Any]) -> None:
    """Set the values on the row and save it with its many-to-many links, in one transaction;
    referenced rows must be the user's (404), a taken unique value is a 409."""
    links = {name: data.pop(name) for name in list(data) if name in resource.links}
    for name, value in data.items():
        target = resource.parents.get(name)
        if target is not None and value is not None:
            owned_rows(user, target, [value])
        setattr(row, name, value)
    related = {
        resource.links[name][0]: owned_rows(user, resource.links[name][1], ids)
        for name, ids in links.items()
    }
    try:
        with transaction.atomic():
            row.save()
            for relation, rows in related.items():
                getattr(row, relation).set(rows)
    except IntegrityError:
        raise Conflict("A unique value is already taken") from None
{%- for e in m.entities %}


{{ e.snake | upper }} = Resource(
    model=tables.{{ e.name }},
    create=schemas.{{ e.name }}Create,
    update=schemas.{{ e.name }}Update,
    read=schemas.{{ e.name }}Read,
    id_parameter="{{ e.var }}_id",
    sorts=(
{%- for s in e.sort_values %}
        "{{ s }}",
{%- endfor %}
    ),
{%- if e.filters %}
    filters={
{%- for f in e.filters %}
{%- if f.kind == "id" %}
        "{{ f.name }}": schemas.row_id(),
{%- else %}
        "{{ f.name }}": schemas.{{ e.name }}Create().fields["{{ f.name }}"],
{%- endif %}
{%- endfor %}
    },
{%- endif %}
{%- if e.many_to_one %}
    parents={
{%- for r in e.many_to_one %}
        "{{ r.column }}": tables.{{ r.target }},
{%- endfor %}
    },
{%- endif %}
{%- if e.many_to_many %}
    links={
{%- for r in e.many_to_many %}
        "{{ r.field }}": ("{{ r.name }}", tables.{{ r.target }}),
{%- endfor %}
    },
{%- endif %}
)

{#- the problem statuses of each operation: 401 without credentials, 403 from the CSRF check of
    cookie sessions (unsafe methods), 404 for a missing row (or a referenced one), 409 for a taken
    unique value or a row still referenced by a `restrict` relation, 422 for a bad parameter #}
{%- set csrf = [] if cookiecutter.auth == "jwt" else [403] %}
{%- set conflict = [409] if e.has_unique else [] %}
{%- set create_errors = [401] + csrf + ([404] if e.has_refs else []) + conflict %}
{%- set update_errors = [401] + csrf + [404] + conflict %}
{%- set delete_errors = [401] + csrf + [404, 422] + ([409] if e.restricted else []) %}


@extend_schema_view(
    get=operation(
        "list_{{ e.plural_id }}",
        200,
        page_of("{{ e.name }}Page", schemas.{{ e.name }}Read),
        errors=[401, 422],
    ),
    post=operation(
        "create_{{ e.var }}",
        201,
        schemas.{{ e.name }}Read,
        request=schemas.{{ e.name }}Create,
        errors=[{{ create_errors | join(", ") }}],
    ),
)
class {{ e.name }}Collection(Collection):
    resource = {{ e.snake | upper }}


@extend_schema_view(
    get=operation(
        "get_{{ e.var }}",
        200,
        schemas.{{ e.name }}Read,
        errors=[401, 404, 422],
    ),
    patch=operation(
        "update_{{ e.var }}",
        200,
        schemas.{{ e.name }}Read,
        request=schemas.{{ e.name }}Update,
        errors=[{{ update_errors | join(", ") }}],
    ),
    delete=operation(
        "delete_{{ e.var }}",
        204,
        errors=[{{ delete_errors | join(", ") }}],
    ),
)
class {{ e.name }}Item(Item):
    resource = {{ e.snake | upper }}
{%- endfor %}
