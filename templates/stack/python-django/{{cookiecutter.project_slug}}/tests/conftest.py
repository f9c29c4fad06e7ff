"""Test setup: a random SECRET_KEY unless one is given (the app refuses published ones), the
database of DATABASE_URL (pytest-django creates test_<name> on that server and migrates it)."""

from __future__ import annotations

import os
import secrets
import uuid
from typing import Any

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import pytest  # noqa: E402 (the settings read SECRET_KEY on import)
from django.core.cache import cache  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

PASSWORD = "correct horse battery staple 7"
_addresses = iter(range(1, 10**6))


@pytest.fixture(autouse=True)
def fresh_limits() -> None:
    """Rate limits and backoff counts start empty in every test."""
    cache.clear()


def new_client() -> APIClient:
    """A client with its own address (the tests trust no proxy: REMOTE_ADDR is the address)."""
    n = next(_addresses)
    address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
{%- if cookiecutter.auth == "jwt" %}
    return APIClient(REMOTE_ADDR=address)
{%- else %}
    # it keeps its cookies, and gets the CSRF check a browser gets
    return APIClient(REMOTE_ADDR=address, enforce_csrf_checks=True)
{%- endif %}


def register(client: APIClient, email: str, password: str = PASSWORD) -> Any:
    return client.post(
        "/api/v1/auth/register", {"email": email, "password": password}, format="json"
    )


def login(client: APIClient, email: str, password: str = PASSWORD) -> Any:
    return client.post("/api/v1/auth/login", {"email": email, "password": password}, format="json")


def signed_in(email: str | None = None) -> tuple[APIClient, dict[str, Any]]:
    """A client signed in to a new account, and the login's answer."""
    client = new_client()
    email = email or f"user-{uuid.uuid4().hex[:12]}@example.com"
    assert register(client, email).status_code == 201
    response = login(client, email)
    assert response.status_code == 200, response.content
    return client, authenticated(client, response.json())


def authenticated(client: APIClient, answer: dict[str, Any]) -> dict[str, Any]:
    """Sends a login's credentials with every further request of the client."""
{%- if cookiecutter.auth == "jwt" %}
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {answer['access_token']}")
{%- else %}
    client.credentials(HTTP_X_CSRF_TOKEN=answer["csrf_token"])
{%- endif %}
    return answer


@pytest.fixture
def user(db: None) -> APIClient:
    return signed_in()[0]


@pytest.fixture
def other_user(db: None) -> APIClient:
    return signed_in()[0]
