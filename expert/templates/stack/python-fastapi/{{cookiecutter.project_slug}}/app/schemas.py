"""Request and response models. Request models are strict: unknown fields, wrong types: 422."""

from datetime import datetime
from typing import Annotated, Any
{% set has_integers = "integer" in (cookiecutter.entities | map(attribute="fields") | sum(start=[]) | map(attribute="type") | list) %}
{%- if has_integers %}
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
{%- else %}
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
{%- endif %}

# PostgreSQL text cannot hold NUL characters: refuse them at the edge (and say so in the schema).
NO_NUL = r"^[^\x00]*$"
# Code point ranges, no \s: Python, Rust (pydantic) and ECMA (JSON Schema) regexes agree on them.
EMAIL_PATTERN = r"^[^@\x00-\x20\x7f]+@[^@\x00-\x20\x7f]+\.[^@\x00-\x20\x7f]+$"
INT32_MIN = -2147483648
INT32_MAX = 2147483647

Email = Annotated[str, StringConstraints(min_length=3, max_length=320, pattern=EMAIL_PATTERN)]
Password = Annotated[str, StringConstraints(min_length=8, max_length=128)]


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def omittable() -> Any:
    """A PATCH field that may be omitted but not set to null (the None default stays hidden)."""
    return Field(default=None, json_schema_extra=_no_default)
{%- if has_integers %}


def whole_number(value: Any) -> Any:
    """JSON Schema counts 3.0 as an integer: take it as 3 (1.5, "3" and true are still refused)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
{%- endif %}


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ErrorMessage(BaseModel):
    detail: str


class HealthStatus(BaseModel):
    status: str


class UserCreate(StrictModel):
    email: Email
    password: Password


class LoginRequest(StrictModel):
    email: Email
    password: Annotated[str, StringConstraints(min_length=1, max_length=128)]


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    created_at: datetime
{%- if cookiecutter.auth == "jwt" %}


class Token(BaseModel):
    access_token: str
    token_type: str
    expires_in: int
{%- else %}


class SessionInfo(BaseModel):
    csrf_token: str
    expires_in: int
{%- endif %}
{%- for e in cookiecutter.entities %}
{%- set ns = namespace(types={}) %}
{%- for f in e.fields %}
{%- if f.type == "string" %}
{%- set t = "Annotated[\n    str,\n    StringConstraints(%smax_length=%d, pattern=NO_NUL),\n]" % ("min_length=1, " if f.required else "", f.get("max_length", 255)) %}
{%- elif f.type == "text" %}
{%- set t = "Annotated[\n    str,\n    StringConstraints(%spattern=NO_NUL),\n]" % ("min_length=1, " if f.required else "") %}
{%- elif f.type == "integer" %}
{%- set t = "Annotated[\n    int,\n    Field(ge=INT32_MIN, le=INT32_MAX),\n    BeforeValidator(whole_number),\n]" %}
{%- else %}
{%- set t = "bool" %}
{%- endif %}
{%- set alias = e.name ~ (f.name.split("_") | map("capitalize") | join) %}
{%- set _ = ns.types.update({f.name: alias}) %}
{%- if loop.first %}

{% endif %}
{{ alias }} = {{ t }}
{%- endfor %}


class {{ e.name }}Create(StrictModel):
{%- for f in e.fields %}
{%- if f.required %}
    {{ f.name }}: {{ ns.types[f.name] }}
{%- else %}
    {{ f.name }}: {{ ns.types[f.name] }} | None = None
{%- endif %}
{%- endfor %}


class {{ e.name }}Update(StrictModel):
{%- for f in e.fields %}
{%- if f.required %}
    {{ f.name }}: {{ ns.types[f.name] }} = omittable()
{%- else %}
    {{ f.name }}: {{ ns.types[f.name] }} | None = None
{%- endif %}
{%- endfor %}


class {{ e.name }}Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
{%- for f in e.fields %}
    {{ f.name }}: {{ {"string": "str", "text": "str", "integer": "int", "boolean": "bool"}[f.type] }}{{ "" if f.required else " | None" }}
{%- endfor %}
    created_at: datetime
    updated_at: datetime


class {{ e.name }}Page(BaseModel):
    items: list[{{ e.name }}Read]
    total: int
    limit: int
    offset: int
{%- endfor %}
