"""CRUD of every entity of the model: validation, ownership, uniqueness, pagination, sort and filters."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

from tests.conformance.target import Target, User

PARENT_SAMPLES = range(4, 8)  # sample indexes for rows created as parents (tests use 0-3 directly)


class Rows:
    """Valid bodies and created rows for one user, required parents first."""

    def __init__(self, target: Target, user: User) -> None:
        self.target, self.user = target, user
        self.entities = {e["name"]: e for e in target.model["entities"]}
        self.parents: dict[str, list[int]] = defaultdict(lambda: list(PARENT_SAMPLES))

    def body(self, name: str, i: int) -> dict[str, Any]:
        entity = self.entities[name]
        body = {f["name"]: f["samples"][i] for f in entity["fields"]}
        for relation in entity["many_to_one"]:
            if relation["required"]:
                body[relation["column"]] = self.create(relation["target"], self.parents[relation["target"]].pop(0))["id"]
        return body

    def create(self, name: str, i: int = 0, **changes: Any) -> dict[str, Any]:
        response = self.user.call("POST", self.url(name), json_body={**self.body(name, i), **changes})
        assert response.status == 201, (name, response.status, response.body[:500])
        return response.json()

    def url(self, name: str, row: dict[str, Any] | None = None) -> str:
        base = self.entities[name]["url"]
        return base if row is None else f"{base}/{row['id']}"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "name" in metafunc.fixturenames:
        names = sorted(e["name"] for e in Target.from_environment().model["entities"])
        metafunc.parametrize("name", names)


@pytest.fixture
def rows(target: Target, user: User) -> Rows:
    return Rows(target, user)


def test_create_read_update_delete(rows: Rows, name: str) -> None:
    body = rows.body(name, 0)
    created = rows.user.call("POST", rows.url(name), json_body=body)
    assert created.status == 201, created.body[:500]
    row = created.json()
    for key, value in body.items():
        assert row[key] == value, key
    assert created.header("Location") in (rows.url(name, row), rows.target.base_url + rows.url(name, row))
    fetched = rows.user.call("GET", rows.url(name, row))
    assert fetched.status == 200 and fetched.json() == row
    field = rows.entities[name]["fields"][0]
    updated = rows.user.call("PATCH", rows.url(name, row), json_body={field["name"]: field["changed"]})
    assert updated.status == 200, updated.body[:500]
    assert updated.json()[field["name"]] == field["changed"]
    assert rows.user.call("DELETE", rows.url(name, row)).status == 204
    assert rows.user.call("GET", rows.url(name, row)).status == 404


def test_other_users_rows_are_404(rows: Rows, other_user: User, name: str) -> None:
    row = rows.create(name)
    url = rows.url(name, row)
    field = rows.entities[name]["fields"][0]
    assert other_user.call("GET", url).status == 404
    assert other_user.call("PATCH", url, json_body={field["name"]: field["changed"]}).status == 404
    assert other_user.call("DELETE", url).status == 404
    listed = other_user.call("GET", rows.url(name)).json()
    assert all(item["id"] != row["id"] for item in listed["items"])
    assert rows.user.call("GET", url).status == 200, "another user's DELETE removed the row"


def test_missing_row_is_404(rows: Rows, name: str) -> None:
    missing = "00000000-0000-7000-8000-000000000000" if rows.target.model["id_kind"] == "uuid" else "999999"
    assert rows.user.call("GET", f"{rows.url(name)}/{missing}").status == 404


@pytest.mark.parametrize("bad_id", ["not-an-id", "9" * 40, "-1", "1e400", "NaN", "%00"])
def test_malformed_or_huge_ids_are_client_errors(rows: Rows, name: str, bad_id: str) -> None:
    status = rows.user.call("GET", f"{rows.url(name)}/{bad_id}").status
    assert status in (400, 404, 422), (bad_id, status)


def test_invalid_values_are_422(rows: Rows, name: str) -> None:
    valid = rows.body(name, 1)  # its required parents are created once, for every invalid variant
    for field in rows.entities[name]["fields"]:
        for value in field["invalid"]:
            body = {**valid, field["name"]: value}
            response = rows.user.call("POST", rows.url(name), json_body=body)
            assert response.status == 422, (field["name"], repr(value)[:60], response.status, response.body[:300])


def test_unknown_fields_are_422(rows: Rows, name: str) -> None:
    response = rows.user.call("POST", rows.url(name), json_body={**rows.body(name, 1), "no_such_field": 1})
    assert response.status == 422


def test_unique_fields_conflict_with_409(rows: Rows, name: str) -> None:
    unique = [f for f in rows.entities[name]["fields"] if f["unique"]]
    if not unique:
        pytest.skip(f"{name} has no unique field")
    row = rows.create(name, 0)
    for field in unique:
        response = rows.user.call("POST", rows.url(name), json_body={**rows.body(name, 1), field["name"]: row[field["name"]]})
        assert response.status == 409, (field["name"], response.status, response.body[:300])


def test_list_is_paginated(rows: Rows, name: str) -> None:
    ids = [rows.create(name, i)["id"] for i in range(3)]
    page = rows.user.call("GET", rows.url(name), params={"limit": 2, "offset": 0, "sort": "id"})
    assert page.status == 200
    body = page.json()
    assert (body["total"], body["limit"], body["offset"]) == (3, 2, 0)
    assert [item["id"] for item in body["items"]] == sorted(ids)[:2]
    rest = rows.user.call("GET", rows.url(name), params={"limit": 2, "offset": 2, "sort": "id"}).json()
    assert [item["id"] for item in rest["items"]] == sorted(ids)[2:]


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "x"}, {"sort": "no_such_field"}])
def test_bad_list_parameters_are_422(rows: Rows, name: str, params: dict[str, Any]) -> None:
    assert rows.user.call("GET", rows.url(name), params=params).status == 422


def test_sort_both_ways(rows: Rows, name: str) -> None:
    ids = sorted(rows.create(name, i)["id"] for i in range(3))
    for sort in rows.entities[name]["sorts"]:
        response = rows.user.call("GET", rows.url(name), params={"sort": sort})
        assert response.status == 200, (sort, response.body[:300])
        assert sorted(item["id"] for item in response.json()["items"]) == ids
    down = rows.user.call("GET", rows.url(name), params={"sort": "-id"}).json()
    assert [item["id"] for item in down["items"]] == ids[::-1]


def test_equality_filters(rows: Rows, name: str) -> None:
    entity = rows.entities[name]
    fields = {f["name"]: f for f in entity["fields"]}
    filters = [f for f in entity["filters"] if f in fields]
    if not filters:
        pytest.skip(f"{name} has no filterable field")
    created = [rows.create(name, i) for i in range(2)]
    for key in filters:
        response = rows.user.call("GET", rows.url(name), params={key: _query_value(created[0][key])})
        assert response.status == 200, (key, response.body[:300])
        assert [item["id"] for item in response.json()["items"]] == [created[0]["id"]], key


#: JSON values a json field must give back as sent: text that looks like a number or a literal, nesting, null
JSON_VALUES: list[Any] = ["123", "true", "abc", 5, 2.5, False, [1, "x", None], {"a": {"b": None}, "c": "1"}]


def test_json_fields_keep_every_json_value(rows: Rows, name: str) -> None:
    json_fields = [f for f in rows.entities[name]["fields"] if f["type"] == "json"]
    if not json_fields:
        pytest.skip(f"{name} has no json field")
    row = rows.create(name, 0)
    for field in json_fields:
        for value in JSON_VALUES + ([] if field["required"] else [None]):
            updated = rows.user.call("PATCH", rows.url(name, row), json_body={field["name"]: value})
            assert updated.status == 200, (field["name"], value, updated.body[:300])
            for answer in (updated.json(), rows.user.call("GET", rows.url(name, row)).json()):
                kept = answer[field["name"]]
                assert kept == value and type(kept) is type(value), (field["name"], value, kept)


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def test_required_parent_must_exist_and_be_yours(rows: Rows, other_user: User, name: str) -> None:
    relations = [r for r in rows.entities[name]["many_to_one"] if r["required"]]
    if not relations:
        pytest.skip(f"{name} has no required parent")
    relation = relations[0]
    theirs = Rows(rows.target, other_user).create(relation["target"], 4)
    response = rows.user.call("POST", rows.url(name), json_body={**rows.body(name, 1), relation["column"]: theirs["id"]})
    assert response.status in (404, 422), response.status


def test_writes_need_credentials(rows: Rows, name: str) -> None:
    anonymous = rows.target.client()
    assert anonymous.post(rows.url(name), json_body=rows.body(name, 1)).status in (401, 403)
    assert anonymous.get(rows.url(name)).status == 401
