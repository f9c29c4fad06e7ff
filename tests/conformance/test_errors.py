"""The error format: every client error of every test is RFC 9457 problem details (the suite's client,
tests/conformance/http.py, checks each one); these tests add what the format must say about where the
problem is, and the headers that go with some statuses."""

from __future__ import annotations

import pytest

from tests.conformance.target import PASSWORD, Target, User, new_email


@pytest.mark.parametrize("member", ["email", "is_admin"], ids=["invalid", "unknown"])
def test_a_body_problem_points_at_the_member(target: Target, member: str) -> None:
    """An invalid or unknown member is located by a JSON Pointer (a stack may stop at the first problem)."""
    method, path, _ = target.operation("auth_register")
    refused = "not-an-address-" + new_email().replace("@", "-at-")
    body = {"email": new_email(), "password": PASSWORD, member: refused}
    response = target.client().request(method, path, json_body=body)
    assert response.status == 422, (response.status, response.body[:300])
    assert f"#/{member}" in {item.get("pointer") for item in response.json()["errors"]}
    assert refused.encode() not in response.body, "the 422 echoes the submitted value"


def test_a_missing_member_is_pointed_at(target: Target) -> None:
    method, path, _ = target.operation("auth_register")
    response = target.client().request(method, path, json_body={"email": new_email()})
    assert response.status == 422, (response.status, response.body[:300])
    assert "#/password" in {item.get("pointer") for item in response.json()["errors"]}


def test_a_query_parameter_problem_names_the_parameter(target: Target, user: User) -> None:
    url = target.model["entities"][0]["url"]
    response = user.call("GET", url, params={"limit": 0})
    assert response.status == 422, (response.status, response.body[:300])
    assert [item.get("parameter") for item in response.json()["errors"]] == ["limit"]


def test_a_path_parameter_problem_names_the_parameter(target: Target, user: User) -> None:
    url = target.model["entities"][0]["url"]
    (item_path,) = [path for path in target.contract["paths"] if path.startswith(url + "/{")]
    declared = item_path.removeprefix(url + "/{").removesuffix("}")
    response = user.call("GET", f"{url}/not-an-id")
    assert response.status == 422, (response.status, response.body[:300])
    assert [item.get("parameter") for item in response.json()["errors"]] == [declared]


def test_unauthorized_says_how_to_authenticate(target: Target) -> None:
    method, path, _ = target.operation("users_me")
    response = target.client().request(method, path)
    assert response.status == 401
    if target.scheme == "bearer":
        assert (response.header("WWW-Authenticate") or "").startswith("Bearer"), response.header("WWW-Authenticate")


def test_a_problem_is_short(target: Target) -> None:
    """detail is a short human-readable text, not a dump of the request."""
    method, path, _ = target.operation("auth_login")
    response = target.client().request(method, path, json_body={"email": new_email(), "password": "wrong passphrase 1"})
    assert response.status == 401
    assert 0 < len(response.json()["detail"]) <= 200
