{%- set jwt = cookiecutter.auth == "jwt" -%}
"""CRUD endpoints of every resource: happy paths, validation, not found, authentication."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import login, register


@dataclass(frozen=True)
class Resource:
    name: str
    url: str
    payload: Callable[[int], dict[str, Any]]  # a valid body; different i, different unique values
    changes: dict[str, Any]  # a valid PATCH body
    required: list[str]
    unique: list[str]
    integers: list[str]
    invalid: list[dict[str, Any]]  # each one, merged into a valid body, must be rejected
{%- for e in cookiecutter.entities %}
{%- set first = e.fields[0] %}


def {{ e.name | lower }}_payload(i: int) -> dict[str, Any]:
    return {
{%- for f in e.fields %}
{%- if f.type == "string" %}
        "{{ f.name }}": f"{i}-{{ f.name }}"[:{{ f.get("max_length", 255) }}],
{%- elif f.type == "text" %}
        "{{ f.name }}": f"Some {{ f.name }} text, number {i}.",
{%- elif f.type == "integer" %}
        "{{ f.name }}": 40 + i,
{%- else %}
        "{{ f.name }}": i % 2 == 0,
{%- endif %}
{%- endfor %}
    }
{%- endfor %}


RESOURCES = [
{%- for e in cookiecutter.entities %}
{%- set first = e.fields[0] %}
    Resource(
        name="{{ e.name }}",
        url="/api/v1/{{ e.plural }}",
        payload={{ e.name | lower }}_payload,
{%- if first.type in ("string", "text") %}
        changes={"{{ first.name }}": "{{ "changed"[:first.get("max_length", 255)] }}"},
{%- elif first.type == "integer" %}
        changes={"{{ first.name }}": -7},
{%- else %}
        changes={"{{ first.name }}": False},
{%- endif %}
{%- for key, items in [("required", e.fields | selectattr("required") | list), ("unique", e.fields | selectattr("unique") | list), ("integers", e.fields | selectattr("type", "equalto", "integer") | list)] %}
{%- if items %}
        {{ key }}=[
{%- for f in items %}
            "{{ f.name }}",
{%- endfor %}
        ],
{%- else %}
        {{ key }}=[],
{%- endif %}
{%- endfor %}
        invalid=[
{%- for f in e.fields %}
{%- if f.type == "string" %}
            {"{{ f.name }}": 12345},
            {"{{ f.name }}": "x" * {{ f.get("max_length", 255) + 1 }}},
            {"{{ f.name }}": "nul\x00byte"},
{%- elif f.type == "text" %}
            {"{{ f.name }}": 12345},
{%- elif f.type == "integer" %}
            {"{{ f.name }}": "12"},
            {"{{ f.name }}": 1.5},
            {"{{ f.name }}": 2**31},
{%- else %}
            {"{{ f.name }}": "yes"},
            {"{{ f.name }}": 1},
{%- endif %}
{%- endfor %}
            {"unexpected": 1},
        ],
    ),
{%- endfor %}
]


@pytest.fixture(params=RESOURCES, ids=lambda resource: resource.name)
def resource(request: pytest.FixtureRequest) -> Resource:
    return request.param


def create(client: TestClient, resource: Resource, headers: dict[str, str], i: int = 0) -> Any:
    response = client.post(resource.url, json=resource.payload(i), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_create_and_get(client: TestClient, auth_headers: dict[str, str], resource: Resource):
    response = client.post(resource.url, json=resource.payload(0), headers=auth_headers)
    assert response.status_code == 201, response.text
    created = response.json()
    for key, value in resource.payload(0).items():
        assert created[key] == value
    assert response.headers["Location"] == f"{resource.url}/{created['id']}"
    fetched = client.get(f"{resource.url}/{created['id']}", headers=auth_headers)
    assert fetched.status_code == 200
    assert fetched.json() == created


def test_list_is_paginated(client: TestClient, auth_headers: dict[str, str], resource: Resource):
    ids = [create(client, resource, auth_headers, i)["id"] for i in range(3)]
    page = client.get(resource.url, params={"limit": 2, "offset": 0}, headers=auth_headers)
    assert page.status_code == 200
    body = page.json()
    assert (body["total"], body["limit"], body["offset"]) == (3, 2, 0)
    assert [item["id"] for item in body["items"]] == ids[:2]
    rest = client.get(resource.url, params={"limit": 2, "offset": 2}, headers=auth_headers)
    assert [item["id"] for item in rest.json()["items"]] == ids[2:]


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "x"}])
def test_bad_pagination_is_422(
    client: TestClient, auth_headers: dict[str, str], resource: Resource, params: dict[str, Any]
):
    assert client.get(resource.url, params=params, headers=auth_headers).status_code == 422


def test_update(client: TestClient, auth_headers: dict[str, str], resource: Resource):
    created = create(client, resource, auth_headers)
    url = f"{resource.url}/{created['id']}"
    response = client.patch(url, json=resource.changes, headers=auth_headers)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated == {**created, **resource.changes, "updated_at": updated["updated_at"]}
    assert client.get(url, headers=auth_headers).json() == updated


def test_delete(client: TestClient, auth_headers: dict[str, str], resource: Resource):
    url = f"{resource.url}/{create(client, resource, auth_headers)['id']}"
    assert client.delete(url, headers=auth_headers).status_code == 204
    assert client.get(url, headers=auth_headers).status_code == 404
    assert client.delete(url, headers=auth_headers).status_code == 404


def test_not_found(client: TestClient, auth_headers: dict[str, str], resource: Resource):
    url = f"{resource.url}/999999"
    assert client.get(url, headers=auth_headers).status_code == 404
    assert client.patch(url, json=resource.changes, headers=auth_headers).status_code == 404
    assert client.delete(url, headers=auth_headers).status_code == 404


def test_invalid_bodies_are_422(
    client: TestClient, auth_headers: dict[str, str], resource: Resource
):
    for override in resource.invalid:
        body = {**resource.payload(0), **override}
        response = client.post(resource.url, json=body, headers=auth_headers)
        assert response.status_code == 422, body
    for field in resource.required:
        body = {key: value for key, value in resource.payload(0).items() if key != field}
        assert client.post(resource.url, json=body, headers=auth_headers).status_code == 422
    url = f"{resource.url}/{create(client, resource, auth_headers)['id']}"
    for override in resource.invalid:
        assert client.patch(url, json=override, headers=auth_headers).status_code == 422
    for field in resource.required:
        assert client.patch(url, json={field: None}, headers=auth_headers).status_code == 422
    assert client.get(f"{resource.url}/not-a-number", headers=auth_headers).status_code == 422


def test_integral_floats_are_integers(
    client: TestClient, auth_headers: dict[str, str], resource: Resource
):
    if not resource.integers:
        pytest.skip(f"{resource.name} has no integer field")
    body = {**resource.payload(0), **dict.fromkeys(resource.integers, 7.0)}
    response = client.post(resource.url, json=body, headers=auth_headers)
    assert response.status_code == 201, response.text
    assert all(response.json()[field] == 7 for field in resource.integers)


def test_duplicate_is_409(client: TestClient, auth_headers: dict[str, str], resource: Resource):
    if not resource.unique:
        pytest.skip(f"{resource.name} has no unique field")
    first = create(client, resource, auth_headers, 0)
    duplicate = {**resource.payload(1), **{field: first[field] for field in resource.unique}}
    assert client.post(resource.url, json=duplicate, headers=auth_headers).status_code == 409
    other = create(client, resource, auth_headers, 2)
    same = {field: first[field] for field in resource.unique}
    response = client.patch(f"{resource.url}/{other['id']}", json=same, headers=auth_headers)
    assert response.status_code == 409


def test_requires_authentication(client: TestClient, resource: Resource):
    assert client.get(resource.url).status_code == 401
    assert client.post(resource.url, json=resource.payload(0)).status_code == 401
    assert client.get(f"{resource.url}/1").status_code == 401
{%- if jwt %}
    bad = {"Authorization": "Bearer not-a-token"}
    assert client.get(resource.url, headers=bad).status_code == 401
{%- else %}
    client.cookies.set("session", "not-a-session")
    assert client.get(resource.url).status_code == 401
{%- endif %}


def test_belongs_to_its_owner(client: TestClient, auth_headers: dict[str, str], resource: Resource):
    url = f"{resource.url}/{create(client, resource, auth_headers)['id']}"
{%- if not jwt %}
    client.cookies.clear()
{%- endif %}
    register(client, "mallory@example.com")
    other = login(client, "mallory@example.com")
    assert client.get(url, headers=other).status_code == 404
    assert client.patch(url, json=resource.changes, headers=other).status_code == 404
    assert client.delete(url, headers=other).status_code == 404
    assert client.get(resource.url, headers=other).json()["total"] == 0
{%- if not jwt %}


def test_unsafe_methods_need_the_csrf_token(
    client: TestClient, auth_headers: dict[str, str], resource: Resource
):
    assert client.post(resource.url, json=resource.payload(0)).status_code == 403
    url = f"{resource.url}/{create(client, resource, auth_headers)['id']}"
    assert client.patch(url, json=resource.changes).status_code == 403
    assert client.delete(url, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert client.get(url).status_code == 200
{%- endif %}
