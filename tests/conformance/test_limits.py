"""Limits and abuse: body size, malformed input, echoed input, rate limits, lockout, bursts of logins."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conformance.target import PASSWORD, Target, User, new_email

TOO_BIG = 2 * 1024 * 1024  # every stack caps request bodies at 1 MiB or less


def login_request(target: Target):
    return target.operation("auth_login")[:2]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_oversized_body_is_413(target: Target, chunked: bool) -> None:
    method, path = login_request(target)
    body = json.dumps({"email": new_email(), "password": "x" * TOO_BIG}).encode()
    response = target.client().request(method, path, body=body, headers={"Content-Type": "application/json"}, chunked=chunked)
    assert response.status == 413, response.status


def test_malformed_json_is_400(target: Target) -> None:
    method, path = login_request(target)
    response = target.client().request(method, path, body=b'{"email": ', headers={"Content-Type": "application/json"})
    assert response.status == 400, (response.status, response.body[:300])


def test_validation_errors_do_not_echo_huge_input(target: Target) -> None:
    method, path = target.operation("auth_register")[:2]
    huge = "a" * 200_000 + "@example.com"
    response = target.client().request(method, path, json_body={"email": huge, "password": PASSWORD})
    assert response.status == 422
    assert len(response.body) < 10_000, f"a 422 of {len(response.body)} bytes echoes the input back"


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_numbers_are_not_500(target: Target, user: User, number: str) -> None:
    entity = target.model["entities"][0]
    body = f'{{"{entity["fields"][0]["name"]}": {number}}}'
    response = user.call("POST", entity["url"], body=body.encode(), headers={"Content-Type": "application/json"})
    assert response.status in (400, 422), (number, response.status)


def test_login_rate_limit_is_429_with_retry_after(target: Target) -> None:
    if not target.documents("auth_login", 429):
        pytest.skip("the contract documents no rate limit on login")
    method, path = login_request(target)
    client = target.client()  # one client address, many attempts
    statuses = []
    for _ in range(200):
        response = client.request(method, path, json_body={"email": new_email(), "password": "wrong passphrase 1"})
        statuses.append(response.status)
        if response.status == 429:
            break
    assert statuses[-1] == 429, f"no 429 after {len(statuses)} logins: {sorted(set(statuses))}"
    assert int(response.header("Retry-After") or "0") >= 1
    # another client address is not limited by this one's attempts
    assert target.client().request(method, path, json_body={"email": new_email(), "password": "x" * 12}).status == 401


def test_repeated_failures_lock_the_account_not_the_others(target: Target) -> None:
    victim = target.user()
    method, path = login_request(target)
    statuses = []
    for _ in range(30):  # each attempt from another address: an attacker spreading the load
        response = target.client().request(method, path, json_body={"email": victim.email, "password": "guess number 1234"})
        statuses.append(response.status)
        if response.status == 429:
            break
    assert 429 in statuses, f"30 wrong passwords for one account never slowed down: {sorted(set(statuses))}"
    assert response.header("Retry-After")
    bystander = target.user()
    assert bystander.login().status == 200, "the lockout of one account blocked another"


def test_burst_of_logins_is_served_or_shed_never_fails(target: Target) -> None:
    user = User(target, target.client(), new_email(), PASSWORD)
    assert user.register().status < 300
    method, path = login_request(target)

    def attempt(_: int) -> int:
        client = target.client()
        return client.request(method, path, json_body={"email": user.email, "password": PASSWORD}).status

    with ThreadPoolExecutor(max_workers=40) as pool:
        statuses = list(pool.map(attempt, range(40)))
    assert set(statuses) <= {200, 429, 503}, sorted(set(statuses))
    assert 200 in statuses
