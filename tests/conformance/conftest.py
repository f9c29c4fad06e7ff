"""The cross-stack conformance suite: black-box HTTP tests of a generated server, written once.

It runs only when pointed at a live server (tests/test_e2e.py does that for every sample):

    CONFORMANCE_BASE_URL=http://127.0.0.1:8000   the server, started as its README says
    CONFORMANCE_PROJECT=/path/to/project         the generated project (openapi.yaml, .backend-expert.yml)
    CONFORMANCE_SECRET=...                       the SECRET_KEY the server runs with (to forge tokens)

The server must run against a real, migrated database with TRUSTED_PROXIES=127.0.0.1 (the suite gives
each simulated client its own address through X-Forwarded-For, so that rate limits apply per client).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conformance.target import Target, User


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    return True if not os.environ.get("CONFORMANCE_BASE_URL") else None


@pytest.fixture(scope="session")
def target() -> Target:
    return Target.from_environment()


@pytest.fixture
def user(target: Target) -> User:
    return target.user()


@pytest.fixture
def other_user(target: Target) -> User:
    return target.user()
