"""Test setup: migrate the database given by DATABASE_URL, then empty it before every test.

WARNING: the tests delete every row of that database; point DATABASE_URL at a throwaway database.
"""

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
{%- if cookiecutter.database == "postgresql" %}

if not os.environ.get("DATABASE_URL"):
    pytest.exit(
        "Set DATABASE_URL to a throwaway PostgreSQL database, e.g. "
        "postgresql+psycopg://app:change-me@localhost:5432/app_test",
        returncode=2,
    )
{%- elif cookiecutter.database == "mysql" %}

if not os.environ.get("DATABASE_URL"):
    pytest.exit(
        "Set DATABASE_URL to a throwaway MySQL/MariaDB database, e.g. "
        "mysql+pymysql://app:change-me@localhost:3306/app_test?charset=utf8mb4",
        returncode=2,
    )
{%- else %}

os.environ.setdefault("DATABASE_URL", "sqlite:///./test.db")
{%- endif %}
# Settings are read at import time: configure them before importing the app. The app refuses a
# published or guessable SECRET_KEY, so the tests make a random one when none is given.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))
os.environ.setdefault("LOG_LEVEL", "WARNING")
{%- if cookiecutter.decisions.get("rate_limiting") in ["app-level", "redis"] %}
# The suite logs in many times from one address: tests/test_hardening.py enables the limiter.
os.environ.setdefault("RATE_LIMIT_ENABLED", "false")
{%- endif %}
{%- if cookiecutter.auth == "session-cookie" %}
os.environ.setdefault("COOKIE_SECURE", "false")
{%- endif %}

from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import delete  # noqa: E402
{% if cookiecutter.cache == "redis" %}
from app.cache import get_cache  # noqa: E402
{%- endif %}
from app.config import get_settings  # noqa: E402
from app.db import engine  # noqa: E402
from app.lockout import login_backoff  # noqa: E402
from app.main import app  # noqa: E402
from app.models import Base  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"


def alembic_config() -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    config.set_main_option("sqlalchemy.url", get_settings().database_url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    return config


@pytest.fixture(scope="session", autouse=True)
def migrated_database() -> Iterator[None]:
    """Build the schema from empty with the real migrations."""
    config = alembic_config()
    command.downgrade(config, "base")
    command.upgrade(config, "head")
    yield
    engine.dispose()


@pytest.fixture(autouse=True)
def clean_tables(migrated_database: None) -> Iterator[None]:
    yield
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(delete(table))


{%- if cookiecutter.cache == "redis" %}


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Cached values must not outlive the rows they were read from (a no-op without Redis)."""
    yield
    get_cache().clear()
{%- endif %}


@pytest.fixture(autouse=True)
def fresh_login_backoff() -> Iterator[None]:
    """The failed logins of one test must not lock an account in the next."""
    yield
    login_backoff().clear()


@pytest.fixture
def client() -> Iterator[TestClient]:
{%- if cookiecutter.auth == "session-cookie" %}
    # The test server speaks http; COOKIE_SECURE=false lets the client send the cookies back.
{%- endif %}
    with TestClient(app) as test_client:
        yield test_client


def register(client: TestClient, email: str = "alice@example.com", password: str = PASSWORD):
    response = client.post("/api/v1/auth/register", json={"email": email, "password": password})
    assert response.status_code == 201, response.text
    return response.json()
{%- if cookiecutter.auth == "jwt" %}


def login(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    """Log in and return the headers that authenticate the next requests."""
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
{%- else %}


def login(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    """Log in (the client keeps the session cookie) and return the CSRF header to send."""
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"X-CSRF-Token": response.json()["csrf_token"]}
{%- endif %}


@pytest.fixture
def auth_headers(client: TestClient) -> dict[str, str]:
    register(client)
    return login(client, "alice@example.com")
