"""The password policy (ASVS 2.1) as an HTTP client sees it: 422 for a refused new password."""

import pytest
from flask.testing import FlaskClient

from app.passwords import common_passwords, password_problem
from tests.conftest import PASSWORD, login, register

# "password1234" in full-width forms (U+FF01..U+FF5E), which NFKC maps back to ASCII.
FULL_WIDTH = "".join(chr(ord(char) + 0xFEE0) for char in "password1234")
REFUSED = [
    pytest.param("eleven char", id="too-short"),
    pytest.param("x" * 129, id="too-long"),
    pytest.param(" " * 12, id="blank"),
    pytest.param("\u3000" * 12, id="blank-after-nfkc"),
    pytest.param("twelve chars\x00", id="nul"),
    pytest.param("password1234", id="common"),
    pytest.param("QWERTY123456", id="common-any-case"),
    pytest.param("iloveyou2024!!", id="common-with-suffix"),
    pytest.param("123456789012", id="common-digits-with-more-digits"),
    pytest.param(FULL_WIDTH, id="full-width-common"),
]


def register_status(client: FlaskClient, password: str) -> int:
    body = {"email": "bob@example.com", "password": password}
    return client.post("/api/v1/auth/register", json=body).status_code


@pytest.mark.parametrize("password", REFUSED)
def test_weak_new_passwords_are_refused(client: FlaskClient, password: str) -> None:
    assert register_status(client, password) == 422


def test_a_long_passphrase_is_accepted(client: FlaskClient) -> None:
    assert register_status(client, PASSWORD) == 201


@pytest.mark.parametrize(
    "password",
    ["correct horse battery staple", "837261940516", "a" * 3 + "!" * 9, "Tr0ub4dor&3 horse"],
)
def test_uncommon_passwords_pass_the_policy(password: str) -> None:
    assert password_problem(password) is None


def test_the_common_list_is_shipped_and_loaded() -> None:
    common = common_passwords()
    assert len(common) == 10_000
    assert "password" in common and "123456" in common
    assert password_problem(PASSWORD) is None


def test_passwords_are_compared_after_nfkc_normalisation(client: FlaskClient) -> None:
    # U+FB01 is the "fi" ligature: NFKC turns it into the two letters f and i.
    register(client, "bob@example.com", "\ufb01sh and chips forever")
    login(client, "bob@example.com", "fish and chips forever")


def test_a_password_change_applies_the_policy(client: FlaskClient) -> None:
    register(client, "bob@example.com")
    headers = login(client, "bob@example.com")
    body = {"current_password": PASSWORD, "new_password": "password1234"}
    response = client.post("/api/v1/auth/password", json=body, headers=headers)
    assert response.status_code == 422
