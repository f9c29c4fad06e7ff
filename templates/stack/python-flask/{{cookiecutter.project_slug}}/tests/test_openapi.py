"""openapi.yaml is the contract: the app serves it as it is, its routes are exactly the contract's
operations (each view is named after its operationId), every marshmallow schema has the
members and the requirements of the contract's schema of the same name, and flask-smorest's
description of the code agrees with the contract operation by operation."""

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask.testing import FlaskClient
from marshmallow import Schema
from openapi_spec_validator import validate

from app import schemas
from tests.conftest import app

OPENAPI_FILE = Path(__file__).resolve().parent.parent / "openapi.yaml"
CONTRACT: dict[str, Any] = yaml.safe_load(OPENAPI_FILE.read_text(encoding="utf-8"))
# Routes that are not API operations: the contract itself and the Prometheus scrape.
NOT_OPERATIONS = {"openapi", "metrics_bp.metrics", "metrics", "static"}
SCHEMAS = {
    name: schema
    for name, schema in vars(schemas).items()
    if isinstance(schema, type) and issubclass(schema, Schema) and schema is not Schema
}


def contract_operations() -> set[tuple[str, str, str]]:
    """(method, path, operationId) of every operation of the contract."""
    return {
        (method.upper(), path, operation["operationId"])
        for path, item in CONTRACT["paths"].items()
        for method, operation in item.items()
    }


def app_operations() -> set[tuple[str, str, str]]:
    """(method, path, view name) of every route of the app, in the contract's path syntax."""
    found = set()
    for rule in app.url_map.iter_rules():
        name = rule.endpoint.rsplit(".", 1)[-1]
        if rule.endpoint in NOT_OPERATIONS or name in NOT_OPERATIONS:
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((method, path, name))
    return found


def resolved(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The schema a `$ref` into the document's components points at (the schema itself if none)."""
    ref = schema.get("$ref")
    if ref is None:
        return schema
    return document["components"]["schemas"][ref.removeprefix("#/components/schemas/")]


def members(document: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
    """Per media type, the object's member names and the required ones."""
    out = {}
    for media_type, entry in content.items():
        schema = resolved(document, entry["schema"])
        out[media_type] = {
            "properties": sorted(schema.get("properties", {})),
            "required": sorted(schema.get("required", [])),
        }
    return out


def operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`METHOD /path` -> what the code and the contract must agree on."""
    found = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in {"get", "post", "patch", "put", "delete"}:
                continue
            body = operation.get("requestBody", {}).get("content", {})
            responses = {
                str(status): r.get("content", {}) for status, r in operation["responses"].items()
            }
            found[f"{method.upper()} {path}"] = {
                "operationId": operation["operationId"],
                "request": members(document, body),
                "responses": {status: sorted(content) for status, content in responses.items()},
                "success": {
                    status: members(document, content)
                    for status, content in responses.items()
                    if status.startswith("2")
                },
            }
    return found


def test_the_code_describes_the_contract() -> None:
    """flask-smorest's document, generated from the blueprints (their operations, @arguments and
    @response schemas, app/api/__init__.py Blueprint.operation), equals openapi.yaml in: the
    paths and methods; each operationId; the request body's media type, member names and
    required members; the response statuses with their media types; the member names and
    required members of each success body.

    Not compared: the parameters (the path's id is read by the view, not by a converter
    flask-smorest documents) and the query schemas (the next tests compare them); the member
    types and constraints (app/fields.py's strict fields are marshmallow fields of their own,
    which apispec documents by their base class; test_each_schema_agrees_with_the_contract
    compares the members); the security requirements (authentication is the `authenticated`
    decorator, which flask-smorest does not see); the headers (Location, Retry-After); titles,
    summaries and descriptions."""
    spec = app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    assert operations(spec) == operations(CONTRACT)


def test_openapi_file_is_valid() -> None:
    validate(CONTRACT)


def test_the_app_serves_the_contract_file(client: FlaskClient) -> None:
    response = client.get("/openapi.yaml")
    assert response.status_code == 200
    assert response.data == OPENAPI_FILE.read_bytes()


def test_the_routes_are_the_contracts_operations() -> None:
    assert app_operations() == contract_operations()


# query strings are the operations' parameters (next test), not components
@pytest.mark.parametrize("name", sorted(name for name in SCHEMAS if not name.endswith("Query")))
def test_each_schema_agrees_with_the_contract(name: str) -> None:
    component = CONTRACT["components"]["schemas"][name]
    schema = SCHEMAS[name]()
    assert set(schema.fields) == set(component["properties"])
    loaded = {key for key, field in schema.fields.items() if field.required}
    assert loaded == set(component.get("required", []))


@pytest.mark.parametrize("name", sorted(n for n in SCHEMAS if n.endswith("Query")))
def test_each_query_schema_is_the_list_operations_parameters(name: str) -> None:
    schema = SCHEMAS[name]()
    (operation,) = [
        op
        for item in CONTRACT["paths"].values()
        for op in item.values()
        if op["operationId"].startswith("list_")
        and op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/" + name.removesuffix("Query") + "Page"
        )
    ]
    parameters = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
    assert set(schema.fields) == parameters
