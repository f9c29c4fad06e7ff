"""Request validation (Django REST framework serializers over app/fields.py): the JSON Schemas of
openapi.yaml, field by field. Unknown members are refused (422), as the contract's
`additionalProperties: false` says; the password policy is app/passwords.py."""

from __future__ import annotations
{%- set m = cookiecutter | relational %}
{%- set uuid_ids = m.id_kind == "uuid" %}
{%- macro call(indent, head, args) -%}
{%- set flat = " " * indent ~ head ~ "(" ~ args | join(", ") ~ ")" -%}
{%- if flat | length <= 100 -%}
{{ flat }}
{%- else -%}
{{ " " * indent ~ head }}(
{%- for arg in args %}
{{ " " * (indent + 4) ~ arg }},
{%- endfor %}
{{ " " * indent }})
{%- endif -%}
{%- endmacro %}

import re
from collections.abc import Iterable
from typing import Any

from rest_framework import serializers

from app import fields, passwords

# Code point ranges, no \s: Python and ECMA (JSON Schema) regexes agree on them.
EMAIL = r"^[^@\x00-\x20\x7f]+@[^@\x00-\x20\x7f]+\.[^@\x00-\x20\x7f]+$"
UUID_IDS = {{ "True" if uuid_ids else "False" }}


class StrictSerializer(serializers.Serializer):
    """A JSON object with only the declared members."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["unknown field"] for name in unknown})
        return super().to_internal_value(data)


class Email(fields.StrictText):
    """An address (normalised to lower case: one account per address whatever the case)."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(min_length=3, max_length=254, **kw)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if not re.fullmatch(EMAIL, value):
            self.fail_with("must be an email address")
        return value.lower()


class NewPassword(fields.StrictText):
    """A new password: the policy of app/passwords.py, normalised to NFKC."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(min_length=1, max_length=4096, **kw)

    def to_internal_value(self, data: Any) -> str:
        try:
            return passwords.checked_password(super().to_internal_value(data))
        except ValueError as exc:
            self.fail_with(str(exc))


class GivenPassword(fields.StrictText):
    """A password to compare with a stored hash: normalised the same way, never policy-checked."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(min_length=1, max_length=passwords.MAX_LENGTH, allow_nul=True, **kw)

    def to_internal_value(self, data: Any) -> str:
        return passwords.normalise(super().to_internal_value(data))


class UserCreate(StrictSerializer):
    email = Email()
    password = NewPassword()


class LoginRequest(StrictSerializer):
    email = Email()
    password = GivenPassword()


class PasswordChange(StrictSerializer):
    current_password = GivenPassword()
    new_password = NewPassword()
{%- if cookiecutter.auth == "jwt" %}


class RefreshRequest(StrictSerializer):
    refresh_token = fields.StrictText(min_length=1, max_length=4096, allow_nul=True)
{%- endif %}


def row_id(**kw: Any) -> fields.RowId:
    return fields.RowId(uuid_ids=UUID_IDS, **kw)


def id_list(ids: Iterable[Any]) -> list[Any]:
    """The ids of a many-to-many relation, sorted, as the contract writes them."""
    return [str(pk) if UUID_IDS else pk for pk in sorted(ids)]
{%- for e in m.entities %}
{%- for mode in ["Create", "Update"] %}


class {{ e.name }}{{ mode }}(StrictSerializer):
{%- for f in e.fields %}
{%- set opts = [] %}
{%- if mode == "Update" or not f.required %}{% set _ = opts.append("required=False") %}{% endif %}
{%- if not f.required %}{% set _ = opts.append("allow_null=True") %}{% endif %}
{%- if mode == "Create" and f.has_default %}{% set _ = opts.append("default=%s" % f.default_literal) %}{% set _ = opts.remove("required=False") if "required=False" in opts %}{% endif %}
{%- if f.type in ("string", "text") %}
{%- set args = ["min_length=%d" % f.min_length] + (["max_length=%d" % f.max_length_eff] if f.max_length_eff is not none else []) + opts %}
{{ call(4, f.name ~ " = fields.StrictText", args) }}
{%- elif f.type == "integer" %}
{{ call(4, f.name ~ " = fields.StrictInteger", ["low=%s" % f.ge, "high=%s" % f.le] + opts) }}
{%- elif f.type == "decimal" %}
{%- set bounds = (['low="%s"' % f.dmin] if f.dmin is not none else []) + (['high="%s"' % f.dmax] if f.dmax is not none else []) %}
{{ call(4, f.name ~ " = fields.StrictDecimal", ["pattern=%s" % m.py_literal(f.pattern), "scale=%d" % f.scale] + bounds + opts) }}
{%- elif f.type == "enum" %}
{{ call(4, f.name ~ " = fields.StrictChoice", ["choices=[%s]" % (f["values"] | map("tojson") | join(", "))] + opts) }}
{%- else %}
{%- set kind = {"boolean": "StrictBoolean", "date": "StrictDate", "datetime": "StrictInstant", "uuid": "StrictUuid", "json": "FiniteJson"}[f.type] %}
{{ call(4, f.name ~ " = fields." ~ kind, opts) }}
{%- endif %}
{%- endfor %}
{%- for r in e.many_to_one %}
{%- set opts = ([] if r.required and mode == "Create" else ["required=False"]) + ([] if r.required else ["allow_null=True"]) %}
    {{ r.column }} = row_id({{ opts | join(", ") }})
{%- endfor %}
{%- for r in e.many_to_many %}
{%- if mode == "Create" %}
    {{ r.field }} = serializers.ListField(child=row_id(), default=list)
{%- else %}
    {{ r.field }} = serializers.ListField(child=row_id(), required=False)
{%- endif %}
{%- endfor %}
{%- endfor %}


class {{ e.name }}Read(serializers.Serializer):
    id = row_id()
{%- for f in e.fields %}
{%- if f.type == "decimal" %}
{{ call(4, f.name ~ " = fields.StrictDecimal", ["pattern=%s" % m.py_literal(f.pattern), "scale=%d" % f.scale]) }}
{%- else %}
{%- set kind = {"string": "StrictText", "text": "StrictText", "enum": "StrictText", "integer": "StrictInteger", "boolean": "StrictBoolean", "date": "StrictDate", "datetime": "StrictInstant", "uuid": "StrictUuid", "json": "FiniteJson"}[f.type] %}
    {{ f.name }} = fields.{{ kind }}()
{%- endif %}
{%- endfor %}
{%- for r in e.many_to_one %}
    {{ r.column }} = row_id()
{%- endfor %}
{%- for r in e.many_to_many %}
{{ call(4, r.field ~ " = serializers.SerializerMethodField", []) }}
{%- endfor %}
    created_at = fields.StrictInstant()
    updated_at = fields.StrictInstant()
{%- for r in e.many_to_many %}

    def get_{{ r.field }}(self, row: Any) -> list[Any]:
        return id_list(row.{{ r.name }}.values_list("pk", flat=True))
{%- endfor %}
{%- endfor %}
