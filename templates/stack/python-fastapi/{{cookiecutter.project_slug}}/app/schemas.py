"""Request and response models. Request models are strict: unknown fields, wrong types: 422."""
{%- set m = cookiecutter | relational %}
{%- set types = m.types %}
{%- set uuid_ids = m.id_kind == "uuid" %}
{%- set has_ints = "integer" in types or not uuid_ids %}
{%- set dt_import = [] %}
{%- if "date" in types %}{% set _ = dt_import.append("date") %}{% endif %}
{%- set _ = dt_import.append("datetime") %}
{%- if "datetime" in types %}{% set _ = dt_import.append("timezone") %}{% endif %}

{% if "json" in types -%}
import math
{% endif -%}
{% if "date" in types or "datetime" in types or "uuid" in types or uuid_ids -%}
import re
{% endif -%}
from datetime import {{ dt_import | join(", ") }}
{%- if "decimal" in types %}
from decimal import Decimal
{%- endif %}
{%- if "enum" in types %}
from typing import Annotated, Any, Literal
{%- else %}
from typing import Annotated, Any
{%- endif %}
{%- if uuid_ids or "uuid" in types %}
from uuid import UUID
{%- endif %}
{%- set pyd = ["BaseModel"] %}
{%- set _ = pyd.append("AfterValidator") %}
{%- if has_ints or "date" in types or "datetime" in types or "uuid" in types or uuid_ids %}{% set _ = pyd.append("BeforeValidator") %}{% endif %}
{%- set _ = pyd.extend(["ConfigDict", "Field"]) %}
{%- if "decimal" in types %}{% set _ = pyd.append("PlainSerializer") %}{% endif %}
{%- set _ = pyd.append("StringConstraints") %}

from pydantic import (
{%- for name in pyd | sort %}
    {{ name }},
{%- endfor %}
)

from app import passwords

# PostgreSQL text cannot hold NUL characters: refuse them at the edge (and say so in the schema).
NO_NUL = r"^[^\x00]*$"
# Code point ranges, no \s: Python, Rust (pydantic) and ECMA (JSON Schema) regexes agree on them.
EMAIL_PATTERN = r"^[^@\x00-\x20\x7f]+@[^@\x00-\x20\x7f]+\.[^@\x00-\x20\x7f]+$"
INT32_MIN = -2147483648
INT32_MAX = 2147483647
# Integer ids stop at 2**53 - 1, the largest integer JavaScript (and JSON tools) hold exactly.
MAX_ID = 9007199254740991

# Not blank, no NUL (app/passwords.py checks the rest: NFKC length, common passwords).
NOT_BLANK = r"^[^\x00]*[^\x00\x09-\x0d\x20][^\x00]*$"

# 254: the longest address SMTP can deliver to (RFC 5321 path limit).
Email = Annotated[str, StringConstraints(min_length=3, max_length=254, pattern=EMAIL_PATTERN)]
# A new password: the policy of app/passwords.py, normalised to NFKC.
Password = Annotated[
    str,
    StringConstraints(
        min_length=passwords.MIN_LENGTH,
        max_length=passwords.MAX_LENGTH,
        pattern=NOT_BLANK,
    ),
    AfterValidator(passwords.checked_password),
]
# A password to compare with a stored hash: normalised the same way, never policy-checked.
GivenPassword = Annotated[
    str,
    StringConstraints(min_length=1, max_length=passwords.MAX_LENGTH),
    AfterValidator(passwords.normalise),
]


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def omittable() -> Any:
    """A PATCH field that may be omitted but not set to null (the None default stays hidden)."""
    return Field(default=None, json_schema_extra=_no_default)
{%- if has_ints %}


def whole_number(value: Any) -> Any:
    """JSON Schema counts 3.0 as an integer: take it as 3 (1.5, "3" and true are still refused)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
{%- endif %}
{%- if "date" in types or "datetime" in types or "uuid" in types or uuid_ids %}


def text_matching(pattern: str, what: str) -> Any:
    """JSON carries dates, instants and UUIDs as strings: accept exactly the standard text forms
    (pydantic alone would also take numbers and other spellings the JSON Schema format refuses)."""
    regex = re.compile(pattern)

    def check(value: Any) -> Any:
        if not isinstance(value, str) or not regex.fullmatch(value):
            raise ValueError(f"must be {what}")
        return value

    return BeforeValidator(check)
{%- endif %}
{%- if "date" in types %}


Day = Annotated[
    date,
    Field(strict=False),
    text_matching(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "a date (YYYY-MM-DD)"),
]
{%- endif %}
{%- if "uuid" in types or uuid_ids %}


UuidText = Annotated[
    UUID,
    Field(strict=False),
    text_matching(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}", "a UUID"),
]
{%- endif %}
{%- if "datetime" in types %}


def as_utc(value: datetime) -> datetime:
    """Store instants in UTC (an instant without offset is taken as UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    try:
        return value.astimezone(timezone.utc)
    except OverflowError:
        raise ValueError("date-time out of range") from None


Instant = Annotated[
    datetime,
    Field(strict=False),
    AfterValidator(as_utc),
    text_matching(
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})",
        "an RFC 3339 date-time with an offset",
    ),
]
{%- endif %}
{%- if "json" in types %}


def finite_json(value: Any) -> Any:
    """JSON has no NaN or Infinity, yet Python's parser reads them (and 1e400 as infinity): refuse
    them anywhere in a json value (databases cannot store them, clients cannot read them)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise ValueError("must not hold NaN or Infinity")
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return value


JsonData = Annotated[Any, AfterValidator(finite_json)]
{%- endif %}
{%- if "decimal" in types %}


def decimal_range(low: str | None, high: str | None) -> Any:
    """Decimals travel as strings (exact); check their bounds once parsed."""

    def check(value: str) -> Decimal:
        number = Decimal(value)
        if low is not None and number < Decimal(low):
            raise ValueError(f"must be >= {low}")
        if high is not None and number > Decimal(high):
            raise ValueError(f"must be <= {high}")
        return number

    return AfterValidator(check)


# The parsed Decimal goes to the database as is (the field's declared type is the text it came as).
AS_DECIMAL = PlainSerializer(lambda value: value, return_type=Any)


def decimal_text(scale: int) -> Any:
    """Decimals are returned as strings with a fixed number of decimal places."""
    return PlainSerializer(lambda value: f"{value:.{scale}f}", return_type=str)
{%- endif %}
{%- if uuid_ids %}


# Primary keys are UUIDv7 strings.
RowId = UuidText
{%- else %}


# Primary keys are 64-bit integers.
RowId = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(whole_number)]
{%- endif %}


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class HealthStatus(BaseModel):
    status: str


class UserCreate(StrictModel):
    email: Email
    password: Password


class LoginRequest(StrictModel):
    email: Email
    password: GivenPassword


class PasswordChange(StrictModel):
    current_password: GivenPassword
    new_password: Password


class Registration(BaseModel):
    """The answer to a registration, the same whether or not the address was already taken."""

    email: str


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
    refresh_token: str


class RefreshRequest(StrictModel):
    refresh_token: Annotated[str, StringConstraints(min_length=1, max_length=4096)]
{%- else %}


class SessionInfo(BaseModel):
    csrf_token: str
    expires_in: int
{%- endif %}
{%- set read_types = {"string": "str", "text": "str", "integer": "int", "boolean": "bool", "date": "date", "datetime": "datetime", "uuid": "UUID", "enum": "str", "json": "Any"} %}
{%- set id_read = "UUID" if uuid_ids else "int" %}
{%- import "python-layout.jinja" as layout %}
{%- for e in m.entities %}
{%- set ns = namespace(reads={}) %}
{%- for f in e.fields %}
{%- if f.type in ("string", "text") %}
{%- set c = ("min_length=%d, " % f.min_length if f.min_length else "") ~ ("max_length=%d, " % f.max_length_eff if f.max_length_eff is not none else "") %}
{%- set t = "Annotated[\n    str,\n    StringConstraints(%spattern=NO_NUL),\n]" % c %}
{%- elif f.type == "integer" %}
{%- set t = "Annotated[\n    int,\n    Field(ge=%s, le=%s),\n    BeforeValidator(whole_number),\n]" % ("INT32_MIN" if f.ge == -2147483648 else f.ge, "INT32_MAX" if f.le == 2147483647 else f.le) %}
{%- elif f.type == "decimal" %}
{%- set bounds = [('"%s"' % f.dmin) if f.dmin is not none else "None", ('"%s"' % f.dmax) if f.dmax is not none else "None"] %}
{%- set constraint = '    StringConstraints(pattern=r"%s"),' % f.pattern %}
{%- if constraint | length > 100 %}
{%- set constraint = "    StringConstraints(\n%s\n    )," % m.py_keyword(8, "pattern", f.pattern) %}
{%- endif %}
{%- set t = "Annotated[\n    str,\n%s\n%s\n    AS_DECIMAL,\n]" % (constraint, layout.fit(4, "decimal_range(", bounds, "),")) %}
{%- set _ = ns.reads.update({f.name: "Annotated[Decimal, decimal_text(%d)]" % f.scale}) %}
{%- elif f.type == "datetime" %}
{%- set t = "Instant" %}
{%- elif f.type == "date" %}
{%- set t = "Day" %}
{%- elif f.type == "uuid" %}
{%- set t = "UuidText" %}
{%- elif f.type == "json" %}
{%- set t = "JsonData" %}
{%- else %}
{%- set t = read_types[f.type] %}
{%- endif %}
{%- if loop.first %}

{% endif %}
{%- if f.type == "enum" %}
{{ layout.fit(0, f.alias ~ " = Literal[", f["values"] | map("tojson") | list, "]") }}
{%- else %}
{{ f.alias }} = {{ t }}
{%- endif %}
{%- endfor %}


class {{ e.name }}Create(StrictModel):
{%- for f in e.fields %}
{%- set head = "    %s: %s%s" % (f.name, f.alias, "" if f.required or f.type == "json" else " | None") %}
{%- if f.has_default %}
{%- set flat = "%s = Field(default=%s, validate_default=True)" % (head, f.default_literal) if f.type == "decimal" else "%s = %s" % (head, f.default_literal) %}
{%- if m.py_width(flat) <= 100 %}
{{ flat }}
{%- else %}
{{ head }} = Field(
{{ f.default_keyword }}
{%- if f.type == "decimal" %}
        validate_default=True,
{%- endif %}
    )
{%- endif %}
{%- elif f.required %}
{{ head }}
{%- else %}
{{ head }} = None
{%- endif %}
{%- endfor %}
{%- for r in e.many_to_one %}
{%- if r.required %}
    {{ r.column }}: RowId
{%- else %}
    {{ r.column }}: RowId | None = None
{%- endif %}
{%- endfor %}
{%- for r in e.many_to_many %}
    {{ r.field }}: list[RowId] = []
{%- endfor %}


class {{ e.name }}Update(StrictModel):
{%- for f in e.fields %}
{%- if f.type == "json" %}
    {{ f.name }}: {{ f.alias }} = {{ "omittable()" if f.required else "None" }}
{%- elif f.required %}
    {{ f.name }}: {{ f.alias }} = omittable()
{%- else %}
    {{ f.name }}: {{ f.alias }} | None = None
{%- endif %}
{%- endfor %}
{%- for r in e.many_to_one %}
{%- if r.required %}
    {{ r.column }}: RowId = omittable()
{%- else %}
    {{ r.column }}: RowId | None = None
{%- endif %}
{%- endfor %}
{%- for r in e.many_to_many %}
    {{ r.field }}: list[RowId] = omittable()
{%- endfor %}


class {{ e.name }}Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: {{ id_read }}
{%- for f in e.fields %}
{%- set rt = ns.reads.get(f.name, read_types.get(f.type)) %}
    {{ f.name }}: {{ rt }}{{ "" if f.required or f.type == "json" else " | None" }}
{%- endfor %}
{%- for r in e.many_to_one %}
    {{ r.column }}: {{ id_read }}{{ "" if r.required else " | None" }}
{%- endfor %}
{%- for r in e.many_to_many %}
    {{ r.field }}: list[{{ id_read }}]
{%- endfor %}
    created_at: datetime
    updated_at: datetime


class {{ e.name }}Page(BaseModel):
    items: list[{{ e.name }}Read]
    total: int
    limit: int
    offset: int
{%- endfor %}
