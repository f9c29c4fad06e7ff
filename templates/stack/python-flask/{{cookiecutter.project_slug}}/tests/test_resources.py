{%- set jwt = cookiecutter.auth == "jwt" -%}
{%- set uuid_ids = (cookiecutter | relational).id_kind == "uuid" -%}
"""CRUD endpoints of every resource: happy paths, validation, not found, uniqueness,
authentication, sorting and filtering, and relation integrity. The domain model they exercise
(with valid and invalid sample values per field) is in tests/model.json, generated with the code;
a text longer than 1,000 characters is written there as {"prefix": ..., "length": n}."""

import json
{%- if uuid_ids %}
import time
import uuid
{%- endif %}
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import column, table, update

{% if uuid_ids -%}
from app.models import uuid7
{% endif -%}
from tests.conftest import engine, login, register

MODEL = json.loads((Path(__file__).parent / "model.json").read_text(encoding="utf-8"))
ENTITIES = {entity["name"]: entity for entity in MODEL["entities"]}
NAMES = sorted(ENTITIES)
if MODEL["id_kind"] == "uuid":
    MISSING_ID: Any = "00000000-0000-7000-8000-000000000000"
    BAD_IDS: list[Any] = ["not-a-uuid", 42]
    TOO_BIG_ID: Any = "not-a-uuid"
else:
    MISSING_ID = 999999
    BAD_IDS = [0, "12", 1.5, 2**53, 2**63, 10**30]
    TOO_BIG_ID = 10**30  # beyond 64 bits
MANY_TO_ONE = [(e["name"], r) for e in MODEL["entities"] for r in e["many_to_one"]]
MANY_TO_MANY = [(e["name"], r) for e in MODEL["entities"] for r in e["many_to_many"]]
PARENT_SAMPLES = range(4, 8)  # sample indexes for rows created as parents (tests use 0-3 directly)
NON_FINITE = ["NaN", "Infinity", "-Infinity", "1e400"]  # Python's JSON parser reads all four


def value_of(field: dict[str, Any], value: Any) -> Any:
    """A value of tests/model.json as sent: a long text is stored there as prefix and length."""
    if field["type"] in ("string", "text") and isinstance(value, dict):
        return value["prefix"] + "x" * (value["length"] - len(value["prefix"]))
    return value


def sample(field: dict[str, Any], i: int) -> Any:
    return value_of(field, field["samples"][i])


@pytest.fixture(autouse=True)
def unlinked_rows() -> Iterator[None]:
    """After a test, clear the optional references of a cycle of relations (or of a row to another
    row of its table): emptying the tables in dependency order then meets no ON DELETE RESTRICT."""
    yield
    with engine.begin() as connection:
        for link in MODEL["unlink"]:
            reference = table(link["table"], column(link["column"]))
            connection.execute(update(reference).values({link["column"]: None}))


class Factory:
    """Builds valid bodies and creates rows, creating required parents first."""

    def __init__(self, client: FlaskClient, headers: dict[str, str]) -> None:
        self.client, self.headers = client, headers
        self.parents: dict[str, list[int]] = defaultdict(lambda: list(PARENT_SAMPLES))

    def body(self, name: str, i: int) -> dict[str, Any]:
        entity = ENTITIES[name]
        body = {field["name"]: sample(field, i) for field in entity["fields"]}
        for relation in entity["many_to_one"]:
            if relation["required"]:
                body[relation["column"]] = self.parent(relation["target"])["id"]
        return body

    def parent(self, name: str) -> dict[str, Any]:
        return self.create(name, self.parents[name].pop(0))

    def create(self, name: str, i: int = 0, **changes: Any) -> dict[str, Any]:
        body = {**self.body(name, i), **changes}
        response = self.client.post(ENTITIES[name]["url"], json=body, headers=self.headers)
        assert response.status_code == 201, response.text
        return response.get_json()


@pytest.fixture(params=NAMES)
def name(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def factory(client: FlaskClient, auth_headers: dict[str, str]) -> Factory:
    return Factory(client, auth_headers)


def url_of(name: str, row: dict[str, Any] | None = None) -> str:
    base = ENTITIES[name]["url"]
    return base if row is None else f"{base}/{row['id']}"


def changes_of(name: str) -> dict[str, Any]:
    field = ENTITIES[name]["fields"][0]
    return {field["name"]: value_of(field, field["changed"])}


def test_create_and_get(client: FlaskClient, factory: Factory, name: str):
    body = factory.body(name, 0)
    response = client.post(url_of(name), json=body, headers=factory.headers)
    assert response.status_code == 201, response.text
    created = response.get_json()
    for key, value in body.items():
        assert created[key] == value, key
    for relation in ENTITIES[name]["many_to_many"]:
        assert created[relation["field"]] == []
    assert response.headers["Location"] == url_of(name, created)
    fetched = client.get(url_of(name, created), headers=factory.headers)
    assert fetched.status_code == 200
    assert fetched.get_json() == created


def test_list_is_paginated(client: FlaskClient, factory: Factory, name: str):
    ids = sorted(factory.create(name, i)["id"] for i in range(3))
    page = client.get(url_of(name), query_string={"limit": 2, "offset": 0}, headers=factory.headers)
    assert page.status_code == 200
    body = page.get_json()
    assert (body["total"], body["limit"], body["offset"]) == (3, 2, 0)
    assert [item["id"] for item in body["items"]] == ids[:2]
    params = {"limit": 2, "offset": 2}
    rest = client.get(url_of(name), query_string=params, headers=factory.headers)
    assert [item["id"] for item in rest.get_json()["items"]] == ids[2:]


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "x"}, {"sort": "no_such_field"}],
)
def test_bad_list_parameters_are_422(
    client: FlaskClient, auth_headers: dict[str, str], name: str, params: dict[str, Any]
):
    assert client.get(url_of(name), query_string=params, headers=auth_headers).status_code == 422


def test_sort(client: FlaskClient, factory: Factory, name: str):
    ids = sorted(factory.create(name, i)["id"] for i in range(3))
    for sort in ENTITIES[name]["sorts"]:
        response = client.get(url_of(name), query_string={"sort": sort}, headers=factory.headers)
        assert response.status_code == 200, (sort, response.text)
        assert sorted(item["id"] for item in response.get_json()["items"]) == ids
    down = client.get(
        url_of(name), query_string={"sort": "-id"}, headers=factory.headers
    ).get_json()
    assert [item["id"] for item in down["items"]] == ids[::-1]


def test_filter(client: FlaskClient, factory: Factory, name: str):
    if not ENTITIES[name]["filters"]:
        pytest.skip(f"{name} has no indexed, unique or foreign key field to filter on")
    rows = [factory.create(name, i) for i in range(3)]
    for field in ENTITIES[name]["filters"]:
        value = rows[1][field]
        if value is None:
            continue
        # a query string spells a boolean as JSON does (Python's str() would send "True")
        text = json.dumps(value) if isinstance(value, bool) else value
        response = client.get(url_of(name), query_string={field: text}, headers=factory.headers)
        assert response.status_code == 200, (field, response.text)
        items = response.get_json()["items"]
        assert rows[1]["id"] in [item["id"] for item in items], field
        assert all(item[field] == value for item in items), field


def test_update(client: FlaskClient, factory: Factory, name: str):
    created = factory.create(name)
    changes = changes_of(name)
    response = client.patch(url_of(name, created), json=changes, headers=factory.headers)
    assert response.status_code == 200, response.text
    updated = response.get_json()
    assert updated == {**created, **changes, "updated_at": updated["updated_at"]}
    assert client.get(url_of(name, created), headers=factory.headers).get_json() == updated


def test_delete(client: FlaskClient, factory: Factory, name: str):
    url = url_of(name, factory.create(name))
    assert client.delete(url, headers=factory.headers).status_code == 204
    assert client.get(url, headers=factory.headers).status_code == 404
    assert client.delete(url, headers=factory.headers).status_code == 404


def test_not_found(client: FlaskClient, auth_headers: dict[str, str], name: str):
    url = f"{url_of(name)}/{MISSING_ID}"
    assert client.get(url, headers=auth_headers).status_code == 404
    assert client.patch(url, json=changes_of(name), headers=auth_headers).status_code == 404
    assert client.delete(url, headers=auth_headers).status_code == 404


def test_invalid_bodies_are_422(client: FlaskClient, factory: Factory, name: str):
    entity = ENTITIES[name]
    valid = factory.body(name, 0)
    overrides = [{f["name"]: value_of(f, v)} for f in entity["fields"] for v in f["invalid"]]
    overrides += [{r["column"]: value} for r in entity["many_to_one"] for value in BAD_IDS]
    overrides += [{r["field"]: v} for r in entity["many_to_many"] for v in ([BAD_IDS[0]], 7)]
    overrides.append({"unexpected": 1})
    for override in overrides:
        response = client.post(url_of(name), json={**valid, **override}, headers=factory.headers)
        assert response.status_code == 422, override
    required = [f["name"] for f in entity["fields"] if f["required"] and not f["has_default"]]
    required += [r["column"] for r in entity["many_to_one"] if r["required"]]
    for key in required:
        body = {k: v for k, v in valid.items() if k != key}
        assert client.post(url_of(name), json=body, headers=factory.headers).status_code == 422
    url = url_of(name, factory.create(name))
    for override in overrides:
        assert client.patch(url, json=override, headers=factory.headers).status_code == 422
    json_fields = {f["name"] for f in entity["fields"] if f["type"] == "json"}  # null is JSON
    for key in required:
        if key not in json_fields:
            response = client.patch(url, json={key: None}, headers=factory.headers)
            assert response.status_code == 422, key
    bad_path = f"{url_of(name)}/not-an-id"
    assert client.get(bad_path, headers=factory.headers).status_code == 422


def test_non_finite_numbers_are_422(client: FlaskClient, factory: Factory, name: str):
    """NaN, Infinity and overflowing numbers are not JSON: refused, never a 500."""
    fields = [f for f in ENTITIES[name]["fields"] if f["type"] in ("integer", "decimal", "json")]
    if not fields:
        pytest.skip(f"{name} has no integer, decimal or json field")
    valid = factory.body(name, 0)
    headers = {**factory.headers, "Content-Type": "application/json"}
    url = url_of(name, factory.create(name, 1))
    for field in fields:
        for number in NON_FINITE:
            raw = number if field["type"] != "json" else '{"nested": [1, ' + number + "]}"
            body = json.dumps({**valid, field["name"]: "<n>"}).replace('"<n>"', raw)
            response = client.post(url_of(name), data=body, headers=headers)
            assert response.status_code == 422, (field["name"], number, response.text)
            patch = json.dumps({field["name"]: "<n>"}).replace('"<n>"', raw)
            assert client.patch(url, data=patch, headers=headers).status_code == 422


def test_oversized_ids_and_filters_are_refused(client: FlaskClient, factory: Factory, name: str):
    """An id beyond 64 bits in the path is a 422 (never a 500); so is one in a filter."""
    factory.create(name, 0)
    assert client.get(f"{url_of(name)}/{TOO_BIG_ID}", headers=factory.headers).status_code == 422
    too_big = {r["column"]: TOO_BIG_ID for r in ENTITIES[name]["many_to_one"]}
    integers = [f for f in ENTITIES[name]["fields"] if f["type"] == "integer" and f["filterable"]]
    too_big |= {f["name"]: 10**30 for f in integers}
    for key, value in too_big.items():
        response = client.get(url_of(name), query_string={key: value}, headers=factory.headers)
        assert response.status_code == 422, key


def test_integral_floats_are_integers(client: FlaskClient, factory: Factory, name: str):
    integers = [f for f in ENTITIES[name]["fields"] if f["type"] == "integer"]
    if not integers:
        pytest.skip(f"{name} has no integer field")
    body = {**factory.body(name, 0), **{f["name"]: float(sample(f, 0)) for f in integers}}
    response = client.post(url_of(name), json=body, headers=factory.headers)
    assert response.status_code == 201, response.text
    assert all(response.get_json()[f["name"]] == sample(f, 0) for f in integers)


def test_duplicate_is_409(client: FlaskClient, factory: Factory, name: str):
    unique = [f["name"] for f in ENTITIES[name]["fields"] if f["unique"]]
    if not unique:
        pytest.skip(f"{name} has no unique field")
    first = factory.create(name, 0)
    duplicate = {**factory.body(name, 1), **{field: first[field] for field in unique}}
    response = client.post(url_of(name), json=duplicate, headers=factory.headers)
    assert response.status_code == 409
    other = factory.create(name, 2)
    same = {field: first[field] for field in unique}
    response = client.patch(url_of(name, other), json=same, headers=factory.headers)
    assert response.status_code == 409


def test_requires_authentication(client: FlaskClient, name: str):
    assert client.get(url_of(name)).status_code == 401
    assert client.post(url_of(name), json={}).status_code == 401
    assert client.get(f"{url_of(name)}/{MISSING_ID}").status_code == 401
{%- if jwt %}
    bad = {"Authorization": "Bearer not-a-token"}
    assert client.get(url_of(name), headers=bad).status_code == 401
{%- else %}
    client.set_cookie("session", "not-a-session")
    assert client.get(url_of(name)).status_code == 401
{%- endif %}


def test_belongs_to_its_owner(client: FlaskClient, factory: Factory, name: str):
    url = url_of(name, factory.create(name))
{%- if not jwt %}
    client.delete_cookie("session")
{%- endif %}
    register(client, "mallory@example.com")
    other = login(client, "mallory@example.com")
    assert client.get(url, headers=other).status_code == 404
    assert client.patch(url, json=changes_of(name), headers=other).status_code == 404
    assert client.delete(url, headers=other).status_code == 404
    assert client.get(url_of(name), headers=other).get_json()["total"] == 0
{%- if not jwt %}


def test_unsafe_methods_need_the_csrf_token(client: FlaskClient, factory: Factory, name: str):
    assert client.post(url_of(name), json=factory.body(name, 1)).status_code == 403
    url = url_of(name, factory.create(name))
    assert client.patch(url, json=changes_of(name)).status_code == 403
    assert client.delete(url, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert client.get(url).status_code == 200
{%- endif %}


# --- relations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "relation"),
    MANY_TO_ONE or [pytest.param(None, None, marks=pytest.mark.skip(reason="no many-to-one"))],
)
def test_many_to_one_reference_must_exist_and_be_owned(
    client: FlaskClient, factory: Factory, name: str, relation: dict[str, Any]
):
    column = relation["column"]
    body = {**factory.body(name, 0), column: MISSING_ID}
    assert client.post(url_of(name), json=body, headers=factory.headers).status_code == 404
    row = factory.create(name, 1)
    missing = {column: MISSING_ID}
    response = client.patch(url_of(name, row), json=missing, headers=factory.headers)
    assert response.status_code == 404
    # another user's row is as good as missing
{%- if not jwt %}
    client.delete_cookie("session")
{%- endif %}
    register(client, "mallory@example.com")
    other = Factory(client, login(client, "mallory@example.com"))
    foreign = other.create(relation["target"], 3)["id"]
{%- if not jwt %}
    client.delete_cookie("session")
    factory.headers = login(client, "alice@example.com")
{%- endif %}
    body = {**factory.body(name, 2), column: foreign}
    assert client.post(url_of(name), json=body, headers=factory.headers).status_code == 404


@pytest.mark.parametrize(
    ("name", "relation"),
    MANY_TO_ONE or [pytest.param(None, None, marks=pytest.mark.skip(reason="no many-to-one"))],
)
def test_many_to_one_on_delete(
    client: FlaskClient, factory: Factory, name: str, relation: dict[str, Any]
):
    column, target = relation["column"], relation["target"]
    parent = factory.parent(target)
    child = factory.create(name, 0, **{column: parent["id"]})
    assert child[column] == parent["id"]
    listed = client.get(url_of(name), query_string={column: parent["id"]}, headers=factory.headers)
    assert [item["id"] for item in listed.get_json()["items"]] == [child["id"]]
    if target == name:
        return  # a row referencing itself: covered by the other cases
    deleted = client.delete(url_of(target, parent), headers=factory.headers)
    after = client.get(url_of(name, child), headers=factory.headers)
    if relation["on_delete"] == "cascade":
        assert deleted.status_code == 204
        assert after.status_code == 404
    elif relation["on_delete"] == "restrict":
        assert deleted.status_code == 409
        assert after.status_code == 200
        assert client.get(url_of(target, parent), headers=factory.headers).status_code == 200
    else:
        assert deleted.status_code == 204
        assert after.status_code == 200
        assert after.get_json()[column] is None


@pytest.mark.parametrize(
    ("name", "relation"),
    MANY_TO_MANY or [pytest.param(None, None, marks=pytest.mark.skip(reason="no many-to-many"))],
)
def test_many_to_many(client: FlaskClient, factory: Factory, name: str, relation: dict[str, Any]):
    field, target = relation["field"], relation["target"]
    linked = sorted(factory.parent(target)["id"] for _ in range(2))
    row = factory.create(name, 0, **{field: [*linked, linked[0]]})
    assert row[field] == linked
    assert client.get(url_of(name, row), headers=factory.headers).get_json()[field] == linked
    body = {**factory.body(name, 1), field: [MISSING_ID]}
    response = client.post(url_of(name), json=body, headers=factory.headers)
    assert response.status_code == 404
    missing = client.patch(url_of(name, row), json={field: [MISSING_ID]}, headers=factory.headers)
    assert missing.status_code == 404
    # deleting a linked row removes the link, not the row
    deleted = client.delete(url_of(target, {"id": linked[0]}), headers=factory.headers)
    assert deleted.status_code == 204
    assert client.get(url_of(name, row), headers=factory.headers).get_json()[field] == linked[1:]
    cleared = client.patch(url_of(name, row), json={field: []}, headers=factory.headers)
    assert cleared.status_code == 200
    assert cleared.get_json()[field] == []
{%- if uuid_ids %}


def test_ids_are_uuid7():
    first, second = uuid7(), uuid7()
    assert (first.version, first.variant) == (7, uuid.RFC_4122)
    unix_ms = int.from_bytes(first.bytes[:6], "big")
    assert abs(unix_ms - time.time() * 1000) < 60_000
    assert first != second
    assert len({uuid7() for _ in range(1000)}) == 1000
{%- endif %}
