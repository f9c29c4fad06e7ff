"""Request and response schemas (marshmallow), the contract's components (openapi.yaml) in code.
Request schemas are strict: unknown fields, wrong types, null where the contract has none: 422.
tests/test_openapi.py checks that every schema here has the members and requirements of the
contract's schema of the same name."""
{%- set m = cookiecutter | relational %}
{%- set types = m.types %}
{%- set uuid_ids = m.id_kind == "uuid" %}
{%- set decimal_default = m.entities | map(attribute="fields") | sum(start=[]) | selectattr("type", "equalto", "decimal") | selectattr("has_default") | list | length > 0 %}
{%- import "python-layout.jinja" as layout %}
{#- the field class and its own arguments for a value of field `f` in a body (query: in a query string) -#}
{%- macro kind(f, query=false) -%}
{%- if f.type in ("string", "text") -%}
{%- set bounds = (["min=%d" % f.min_length] if f.min_length else []) + (["max=%d" % f.max_length_eff] if f.max_length_eff is not none else []) -%}
Text§{{ ("validate=validate.Length(%s)" % (bounds | join(", "))) if bounds else "" }}
{%- elif f.type == "integer" -%}
{{ "QueryInteger" if query else "WholeNumber" }}§validate=validate.Range(min={{ "INT32_MIN" if f.ge == -2147483648 else f.ge }}, max={{ "INT32_MAX" if f.le == 2147483647 else f.le }})
{%- elif f.type == "decimal" -%}
DecimalText§r"{{ f.pattern }}"§{{ f.scale }}§{{ ('"%s"' % f.dmin) if f.dmin is not none else "None" }}§{{ ('"%s"' % f.dmax) if f.dmax is not none else "None" }}
{%- elif f.type == "boolean" -%}
{{ "QueryBoolean" if query else "StrictBoolean" }}§
{%- elif f.type == "date" -%}
Day§
{%- elif f.type == "datetime" -%}
Instant§
{%- elif f.type == "uuid" -%}
UuidText§
{%- elif f.type == "enum" -%}
Text§validate=validate.OneOf([{{ f["values"] | map("tojson") | join(", ") }}])
{%- else -%}
Json§
{%- endif -%}
{%- endmacro %}
{#- `name = Class(args...)` at 4 spaces, from kind()'s "Class|arg|arg" and extra keyword arguments -#}
{%- macro declare(name, spec, extra) -%}
{%- set parts = spec.split("§") -%}
{%- set args = (parts[1:] | reject("equalto", "") | list) + extra -%}
{{ layout.fit(4, "%s = %s(" % (name, parts[0]), args, ")") }}
{%- endmacro %}
{%- set id_spec = "UuidText§" if uuid_ids else "WholeNumber§validate=validate.Range(min=1, max=MAX_ID)" %}
{%- set id_query = "UuidText§" if uuid_ids else "QueryInteger§validate=validate.Range(min=1, max=MAX_ID)" %}
{%- set read_kinds = {"string": "fields.String", "text": "fields.String", "integer": "fields.Integer", "boolean": "fields.Boolean", "date": "fields.Date", "datetime": "Instant", "uuid": "fields.UUID", "enum": "fields.String", "json": "fields.Raw"} %}
{%- set id_read = "fields.UUID" if uuid_ids else "fields.Integer" %}
{%- set used = namespace(names=["GivenPassword", "Instant", "NewPassword", "Text", "QueryInteger", "EMAIL_PATTERN", "INT32_MAX", "matching"]) %}
{%- for e in m.entities %}
{%- for f in e.fields %}
{%- set _ = used.names.append(kind(f).split("§")[0]) %}
{%- set _ = used.names.append(kind(f, true).split("§")[0]) if f.filterable else none %}
{%- if f.type == "integer" and f.ge == -2147483648 %}{% set _ = used.names.append("INT32_MIN") %}{% endif %}
{%- endfor %}
{%- if e.many_to_one %}{% set _ = used.names.append(id_spec.split("§")[0]) %}{% set _ = used.names.append(id_query.split("§")[0]) %}{% endif %}
{%- if e.many_to_many %}{% set _ = used.names.append(id_spec.split("§")[0]) %}{% endif %}
{%- endfor %}
{%- if not uuid_ids and (m.entities | selectattr("many_to_one") | list or m.entities | selectattr("many_to_many") | list) %}{% set _ = used.names.append("MAX_ID") %}{% endif %}
{%- set used_names = used.names | unique | list %}

from __future__ import annotations
{%- if decimal_default %}

from decimal import Decimal
{%- endif %}

from marshmallow import EXCLUDE, Schema, fields, validate

from app import passwords
from app.fields import (
{%- for name in m.py_import_order(used_names) %}
    {{ name }},
{%- endfor %}
)


class HealthStatus(Schema):
    status = fields.String(required=True)


class Problem(Schema):
    """The body of every error (app/problems.py writes it): RFC 9457 problem details."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.List(fields.Dict())


class UserCreate(Schema):
    email = Text(required=True, validate=[validate.Length(min=3, max=254), matching(EMAIL_PATTERN)])
    password = NewPassword(
        required=True,
        validate=validate.Length(min=passwords.MIN_LENGTH, max=passwords.MAX_LENGTH),
    )


class LoginRequest(Schema):
    email = Text(required=True, validate=[validate.Length(min=3, max=254), matching(EMAIL_PATTERN)])
    password = GivenPassword(required=True)


class PasswordChange(Schema):
    current_password = GivenPassword(required=True)
    new_password = NewPassword(
        required=True,
        validate=validate.Length(min=passwords.MIN_LENGTH, max=passwords.MAX_LENGTH),
    )


class Registration(Schema):
    """The answer to a registration, the same whether or not the address was already taken."""

    email = fields.String(required=True)


class UserRead(Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    created_at = Instant(required=True)
{%- if cookiecutter.auth == "jwt" %}


class Token(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(required=True)
    refresh_token = fields.String(required=True)


class RefreshRequest(Schema):
    refresh_token = fields.String(required=True, validate=validate.Length(min=1, max=4096))
{%- else %}


class SessionInfo(Schema):
    csrf_token = fields.String(required=True)
    expires_in = fields.Integer(required=True)
{%- endif %}
{%- for e in m.entities %}


class {{ e.name }}Create(Schema):
{%- for f in e.fields %}
{#- a member with a default may be left out, whether required (never null) or not (null allowed) #}
{%- set nullable = [] if f.required else ["allow_none=True"] %}
{%- if f.has_default and f.type == "decimal" %}
{%- set extra = nullable + ["load_default=Decimal(%s)" % f.default_literal] %}
{%- elif f.has_default %}
{%- set extra = nullable + ["load_default=%s" % f.default_literal] %}
{%- elif f.required %}
{%- set extra = ["required=True"] %}
{%- else %}
{%- set extra = ["load_default=None"] %}
{%- endif %}
{{ declare(f.name, kind(f), extra) }}
{%- endfor %}
{%- for r in e.many_to_one %}
{{ declare(r.column, id_spec, ["required=True"] if r.required else ["load_default=None"]) }}
{%- endfor %}
{%- for r in e.many_to_many %}
{{ layout.fit(4, r.field ~ " = fields.List(", ["%s(%s)" % (id_spec.split("§")[0], id_spec.split("§")[1]), "load_default=list"], ")") }}
{%- endfor %}


class {{ e.name }}Update(Schema):
    """Only the members sent change; a required member cannot be set to null."""
{{ "" }}
{%- for f in e.fields %}
{{ declare(f.name, kind(f), [] if f.required else ["allow_none=True"]) }}
{%- endfor %}
{%- for r in e.many_to_one %}
{{ declare(r.column, id_spec, [] if r.required else ["allow_none=True"]) }}
{%- endfor %}
{%- for r in e.many_to_many %}
    {{ r.field }} = fields.List({{ id_spec.split("§")[0] }}({{ id_spec.split("§")[1] }}))
{%- endfor %}


class {{ e.name }}Read(Schema):
    id = {{ id_read }}(required=True)
{%- for f in e.fields %}
{%- if f.type == "decimal" %}
    {{ f.name }} = fields.Decimal(required=True, places={{ f.scale }}, as_string=True, allow_none=True)
{%- else %}
    {{ f.name }} = {{ read_kinds[f.type] }}(required=True{{ "" if f.required else ", allow_none=True" }})
{%- endif %}
{%- endfor %}
{%- for r in e.many_to_one %}
    {{ r.column }} = {{ id_read }}(required=True{{ "" if r.required else ", allow_none=True" }})
{%- endfor %}
{%- for r in e.many_to_many %}
    {{ r.field }} = fields.List({{ id_read }}(), required=True)
{%- endfor %}
    created_at = Instant(required=True)
    updated_at = Instant(required=True)


class {{ e.name }}Page(Schema):
    items = fields.List(fields.Nested({{ e.name }}Read), required=True)
    total = fields.Integer(required=True)
    limit = fields.Integer(required=True)
    offset = fields.Integer(required=True)


class {{ e.name }}Query(Schema):
    """The query string of list_{{ e.plural_id }}: page, sort and equality filters."""

    class Meta:
        unknown = EXCLUDE

    limit = QueryInteger(load_default=20, validate=validate.Range(min=1, max=100))
    offset = QueryInteger(load_default=0, validate=validate.Range(min=0, max=INT32_MAX))
    sort = Text(
        load_default="id",
        validate=validate.OneOf(
            [
{%- for value in e.sort_values %}
                {{ value | tojson }},
{%- endfor %}
            ]
        ),
    )
{%- for flt in e.filters %}
{{ declare(flt.name, id_query if flt.kind == "id" else kind(flt.field, true), []) }}
{%- endfor %}
{%- endfor %}
