"""The code and the contract (openapi.yaml) describe the same API, and the contract is served."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.urls import URLPattern, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

CONTRACT = Path(__file__).resolve().parent.parent / "openapi.yaml"
METHODS = {"get", "post", "patch", "put", "delete"}
# routes outside the contract: the probes' siblings and the operator's pages
NOT_IN_CONTRACT = {"/metrics", "/openapi.yaml", "/admin/"}


def served_routes() -> dict[str, set[str]]:
    """Each route of config/urls.py (`{id}` for a path parameter) and the methods of its view."""
    routes = {}
    for pattern in get_resolver().url_patterns:
        if not isinstance(pattern, URLPattern):
            continue
        path = "/" + re.sub(r"<[a-z]+:[a-z0-9_]+>", "{id}", str(pattern.pattern))
        view = getattr(pattern.callback, "view_class", None)
        names = set(getattr(view, "http_method_names", [])) & METHODS if view else {"get"}
        routes[path] = {name for name in names if view is None or hasattr(view, name)}
    return routes


def resolved(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The schema a `$ref` into the document's components points at (the schema itself if none)."""
    ref = schema.get("$ref")
    if ref is None:
        return schema
    return document["components"]["schemas"][ref.removeprefix("#/components/schemas/")]


def json_types(document: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """The JSON types a member's schema admits, with their formats (`string:uuid`, `null`), or
    `any`, whichever way it writes them: `type: [string, "null"]`, `anyOf`/`oneOf`, or a
    reference to an enum component (drf-spectacular's, `allOf` when the member has a default)."""
    found = set()
    options = schema.get("anyOf") or schema.get("oneOf") or schema.get("allOf") or [schema]
    for option in (resolved(document, option) for option in options):
        types = option.get("type", "any")
        for name in [types] if isinstance(types, str) else types:
            typed = "format" in option and name != "null"
            found.add(f"{name}:{option['format']}" if typed else name)
    return ["any"] if "any" in found else sorted(found)


def members(document: dict[str, Any], content: dict[str, Any], *, typed: bool) -> dict[str, Any]:
    """Per media type, the object's member names (with their JSON types if `typed`) and the
    required ones."""
    out = {}
    for media_type, entry in content.items():
        schema = resolved(document, entry["schema"])
        properties = schema.get("properties", {})
        out[media_type] = {
            "properties": {
                name: json_types(document, p) if typed else None for name, p in properties.items()
            },
            "required": sorted(schema.get("required", [])),
        }
    return out


def operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`METHOD /path` -> what the code and the contract must agree on."""
    found = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            body = operation.get("requestBody", {}).get("content", {})
            responses = {
                str(status): r.get("content", {}) for status, r in operation["responses"].items()
            }
            found[f"{method.upper()} {path}"] = {
                "operationId": operation["operationId"],
                # drf-spectacular writes a public view's security as [{}] (no credentials)
                "security": [r for r in operation.get("security", []) if r],
                "request": members(document, body, typed=True),
                "responses": {status: sorted(content) for status, content in responses.items()},
                "success": {
                    status: members(document, content, typed=False)
                    for status, content in responses.items()
                    if status.startswith("2")
                },
            }
    return found


def test_the_code_describes_the_contract() -> None:
    """drf-spectacular's schema, generated from the code (the routes, the views' declarations in
    app/views/schema.py, the serializers and the authentication classes, no HTTP), equals
    openapi.yaml in: the paths and methods; each operationId; each security requirement and the
    security schemes; the request body's media type, member names, their JSON types (null and
    format included) and the required members; the response statuses with their media types; the
    member names and required members of each success body.

    Not compared: the parameters (the list's limit, offset, sort and filters are parsed by the
    view, not by a paginator or filter backend drf-spectacular reads; the path's `<str:...>` says
    nothing of the id's type); the constraints (lengths, bounds, patterns: the password fields
    bound the raw text wider than the contract's NFKC-normalised 12..128 on purpose); the members
    of arrays and nested objects; `additionalProperties: false` (StrictSerializer refuses unknown
    members at run time, tests/test_resources.py checks it); the success bodies' member types
    (the read serializers format values and leave nullability to the model); the headers
    (Location, Retry-After, WWW-Authenticate); titles, summaries and descriptions."""
    contract = yaml.safe_load(CONTRACT.read_text(encoding="utf-8"))
    code = SchemaGenerator().get_schema(request=None, public=True)
    assert operations(code) == operations(contract)
    assert code["components"]["securitySchemes"] == contract["components"]["securitySchemes"]


def test_every_operation_is_served_and_nothing_else() -> None:
    contract = yaml.safe_load(CONTRACT.read_text(encoding="utf-8"))
    documented = {
        re.sub(r"\{[^}]+\}", "{id}", path): {m for m in item if m in METHODS}
        for path, item in contract["paths"].items()
    }
    served = {p: m for p, m in served_routes().items() if p not in NOT_IN_CONTRACT}
    assert served == documented


@pytest.mark.django_db
def test_the_contract_is_served() -> None:
    response = APIClient().get("/openapi.yaml")
    assert b"".join(response.streaming_content) == CONTRACT.read_bytes()
