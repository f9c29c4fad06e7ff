"""openapi.yaml is the contract: the app serves it as it is, its routes are exactly the contract's
operations (each view is named after its operationId), and every marshmallow schema has the
members and the requirements of the contract's schema of the same name."""

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
