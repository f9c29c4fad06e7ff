"""CRUD of every resource from tests/model.json (the domain model with valid and invalid samples,
generated with the code): create, read, update, delete, ownership, validation, uniqueness, lists."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.problems import assert_problem

MODEL = json.loads((Path(__file__).parent / "model.json").read_text(encoding="utf-8"))
ENTITIES = {entity["name"]: entity for entity in MODEL["entities"]}
NAMES = sorted(ENTITIES)
MISSING_ID = "00000000-0000-7000-8000-000000000000" if MODEL["id_kind"] == "uuid" else "999999"
PARENT_SAMPLES = range(4, 8)  # sample indexes for rows created as parents (tests use 0-3)


def value_of(field: dict[str, Any], value: Any) -> Any:
    """A value of model.json as sent: a long text is stored there as prefix and length."""
    if field["type"] in ("string", "text") and isinstance(value, dict):
        return value["prefix"] + "x" * (value["length"] - len(value["prefix"]))
    return value


class Rows:
    """Valid bodies and created rows of one user, required parents first."""

    def __init__(self, client: APIClient) -> None:
        self.client = client
        self.parents: dict[str, list[int]] = defaultdict(lambda: list(PARENT_SAMPLES))

    def body(self, name: str, i: int) -> dict[str, Any]:
        entity = ENTITIES[name]
        body = {f["name"]: value_of(f, f["samples"][i]) for f in entity["fields"]}
        for relation in entity["many_to_one"]:
            if relation["required"]:
                parent = self.create(relation["target"], self.parents[relation["target"]].pop(0))
                body[relation["column"]] = parent["id"]
        return body

    def create(self, name: str, i: int = 0) -> dict[str, Any]:
        response = self.client.post(ENTITIES[name]["url"], self.body(name, i))
        assert response.status_code == 201, (name, response.content[:300])
        return response.json()


@pytest.mark.parametrize("name", NAMES)
def test_create_read_update_delete(user: APIClient, name: str) -> None:
    rows, url = Rows(user), ENTITIES[name]["url"]
    body = rows.body(name, 0)
    created = user.post(url, body)
    assert created.status_code == 201, created.content[:300]
    row = created.json()
    assert {key: row[key] for key in body} == body
    assert created["Location"] == f"{url}/{row['id']}"
    assert user.get(f"{url}/{row['id']}").json() == row
    field = ENTITIES[name]["fields"][0]
    changed = value_of(field, field["changed"])
    updated = user.patch(f"{url}/{row['id']}", {field["name"]: changed})
    assert updated.status_code == 200 and updated.json()[field["name"]] == changed
    assert user.delete(f"{url}/{row['id']}").status_code == 204
    assert_problem(user.get(f"{url}/{row['id']}"), 404)


@pytest.mark.parametrize("name", NAMES)
def test_other_users_rows_are_404(user: APIClient, other_user: APIClient, name: str) -> None:
    row, url = Rows(user).create(name), ENTITIES[name]["url"]
    assert_problem(other_user.get(f"{url}/{row['id']}"), 404)
    assert_problem(other_user.delete(f"{url}/{row['id']}"), 404)
    assert other_user.get(url).json()["total"] == 0
    assert_problem(user.get(f"{url}/{MISSING_ID}"), 404)


@pytest.mark.parametrize("name", NAMES)
def test_invalid_and_unknown_values_are_422(user: APIClient, name: str) -> None:
    rows, url = Rows(user), ENTITIES[name]["url"]
    valid = rows.body(name, 1)
    for field in ENTITIES[name]["fields"]:
        for value in field["invalid"]:
            response = user.post(url, {**valid, field["name"]: value_of(field, value)})
            body = assert_problem(response, 422)
            assert f"#/{field['name']}" in {e.get("pointer") for e in body["errors"]}
    body = assert_problem(user.post(url, {**valid, "no_such_field": 1}), 422)
    assert body["errors"][0]["pointer"] == "#/no_such_field"
    assert_problem(user.get(f"{url}/not-an-id"), 422)


@pytest.mark.parametrize("name", NAMES)
def test_unique_values_conflict(user: APIClient, name: str) -> None:
    unique = [f for f in ENTITIES[name]["fields"] if f["unique"]]
    if not unique:
        pytest.skip(f"{name} has no unique field")
    rows = Rows(user)
    row = rows.create(name, 0)
    for field in unique:
        again = {**rows.body(name, 1), field["name"]: row[field["name"]]}
        assert_problem(user.post(ENTITIES[name]["url"], again), 409)


@pytest.mark.parametrize("name", NAMES)
def test_list_pages_sorts_and_filters(user: APIClient, name: str) -> None:
    rows, entity = Rows(user), ENTITIES[name]
    created = [rows.create(name, i) for i in range(3)]
    ids = sorted(row["id"] for row in created)
    page = user.get(entity["url"], {"limit": 2, "offset": 0, "sort": "id"}).json()
    assert (page["total"], [item["id"] for item in page["items"]]) == (3, ids[:2])
    down = user.get(entity["url"], {"sort": "-id"}).json()
    assert [item["id"] for item in down["items"]] == ids[::-1]
    for bad in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"sort": "no_such_field"}):
        body = assert_problem(user.get(entity["url"], bad), 422)
        assert body["errors"][0]["parameter"] == next(iter(bad))
    # two rows left, with different sample values: a filter on one value finds one row
    assert user.delete(f"{entity['url']}/{created.pop()['id']}").status_code == 204
    fields = {f["name"] for f in entity["fields"]}
    for key in (f for f in entity["filters"] if f in fields):
        value = created[0][key]
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        found = user.get(entity["url"], {key: text}).json()["items"]
        assert [item["id"] for item in found] == [created[0]["id"]], key


@pytest.mark.parametrize("name", NAMES)
def test_writes_need_a_token(db: None, name: str) -> None:
    anonymous = APIClient()
    assert_problem(anonymous.get(ENTITIES[name]["url"]), 401)
    assert_problem(anonymous.post(ENTITIES[name]["url"], {}), 401)
