"""How each view describes itself to drf-spectacular: its operationId, request body and responses.

openapi.yaml stays the contract, served as it is; drf-spectacular is not routed (no schema view, no
interactive docs). tests/test_openapi.py generates drf-spectacular's schema from the routes, these
declarations and the serializers, and compares it with openapi.yaml: a view that drifts fails there.
The extensions below tell drf-spectacular what it cannot infer: the JSON types of the strict fields
(app/fields.py) and the authentication scheme.
"""

{%- set jwt = cookiecutter.auth == "jwt" %}

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

{% if not jwt -%}
from django.conf import settings
{% endif -%}
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
{%- if jwt %}
from drf_spectacular.plumbing import build_bearer_security_scheme_object
{%- endif %}
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers

from app import fields
from app.problems import PROBLEM_JSON, title_of

# Any operation with a JSON body answers these too: malformed (400, base.validated()), larger than
# MAX_REQUEST_BODY_BYTES (413, app/middleware.py), refused by its serializer (422).
BODY_ERRORS = (400, 413, 422)

PROBLEM = inline_serializer(
    "Problem",
    fields={
        "type": serializers.CharField(),
        "title": serializers.CharField(),
        "status": serializers.IntegerField(),
        "detail": serializers.CharField(),
        "errors": serializers.ListField(child=serializers.DictField(), required=False),
    },
)


def body(name: str, **fields: serializers.Field) -> serializers.Serializer:
    """A response body that no request serializer describes (built by the view as a dict)."""
    return inline_serializer(name, fields=fields)


def operation(
    operation_id: str,
    ok: int,
    answer: Any = None,
    *,
    request: type[serializers.Serializer] | None = None,
    errors: Iterable[int] = (),
) -> Callable[[Any], Any]:
    """One operation: `ok` with `answer` (None: no body), the problem statuses in `errors`, and
    BODY_ERRORS when it reads a `request` body."""
    statuses = sorted({*errors, *(BODY_ERRORS if request else ())})
    problems = {
        (status, PROBLEM_JSON): OpenApiResponse(PROBLEM, description=title_of(status))
        for status in statuses
    }
    return extend_schema(
        operation_id=operation_id, request=request, responses={ok: answer, **problems}
    )


class StrictFieldSchema(OpenApiSerializerFieldExtension):
    """The JSON Schema of the strict fields (app/fields.py), which drf-spectacular cannot infer."""

    target_class = fields.StrictText
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        field = self.target
        if isinstance(field, fields.RowId):
            return {"type": "string", "format": "uuid"} if field.uuid_ids else {"type": "integer"}
        if isinstance(field, fields.StrictChoice):
            # null among the values when allowed, as DRF's ChoiceField does: drf-spectacular then
            # writes the enum as a component, or'ed with `null`
            values = [*field.choices, None] if field.allow_null else list(field.choices)
            return {"type": "string", "enum": values}
        if isinstance(field, fields.StrictInteger):
            return {"type": "integer", "minimum": field.low, "maximum": field.high}
        if isinstance(field, fields.StrictBoolean):
            return {"type": "boolean"}
        if isinstance(field, fields.StrictDecimal):
            return {"type": "string", "pattern": field.pattern.pattern}
        if isinstance(field, fields.StrictDate):
            return {"type": "string", "format": "date"}
        if isinstance(field, fields.StrictInstant):
            return {"type": "string", "format": "date-time"}
        if isinstance(field, fields.StrictUuid):
            return {"type": "string", "format": "uuid"}
        bounds = {"minLength": field.min_length}
        if field.max_length is not None:
            bounds["maxLength"] = field.max_length
        return {"type": "string", **bounds}


class FiniteJsonSchema(OpenApiSerializerFieldExtension):
    """Any JSON value (an empty schema)."""

    target_class = fields.FiniteJson

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        return {}
{%- if jwt %}


class BearerScheme(OpenApiAuthenticationExtension):
    """The access token of app/tokens.py in `Authorization: Bearer`."""

    target_class = "app.tokens.SessionJWTAuthentication"
    name = "BearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object("Authorization", "Bearer", "JWT")
{%- else %}


class SessionCookieScheme(OpenApiAuthenticationExtension):
    """Django's session cookie, and for unsafe methods the CSRF token header that DRF's
    SessionAuthentication requires with it (both at once)."""

    target_class = "rest_framework.authentication.SessionAuthentication"
    name = ["SessionCookie", "CSRFToken"]
    priority = 1  # over drf-spectacular's own description (`cookieAuth`, without the CSRF header)

    def get_security_requirement(self, auto_schema: Any) -> dict[str, list[Any]]:
        if auto_schema.method in ("GET", "HEAD", "OPTIONS"):
            return {"SessionCookie": []}
        return {"SessionCookie": [], "CSRFToken": []}

    def get_security_definition(self, auto_schema: Any) -> list[dict[str, Any]]:
        return [
            {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME},
            # settings.CSRF_HEADER_NAME (HTTP_X_CSRF_TOKEN) as clients send it
            {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"},
        ]
{%- endif %}
