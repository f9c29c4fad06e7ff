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
# The suite logs in many times from one address: tests/test_hardening.py enables the limiter.
os.environ.setdefault("RATE_LIMIT_ENABLED", "false")
{%- if cookiecutter.auth == "session-cookie" %}
os.environ.setdefault("COOKIE_SECURE", "false")
{%- endif %}

from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import delete  # noqa: E402

from app import create_app  # noqa: E402
from app.config import get_settings  # noqa: E402
from app.db import engine_of  # noqa: E402
from app.lockout import login_backoff  # noqa: E402
from app.models import Base  # noqa: E402

app = create_app()
app.config["TESTING"] = True
engine = engine_of(app)

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


@pytest.fixture(autouse=True)
def fresh_login_backoff() -> Iterator[None]:
    """The failed logins of one test must not lock an account in the next."""
    yield
    login_backoff().clear()


@pytest.fixture
def client() -> FlaskClient:
{%- if cookiecutter.auth == "session-cookie" %}
    # The test client speaks http; COOKIE_SECURE=false lets it send the cookies back.
{%- endif %}
    return app.test_client()


def register(client: FlaskClient, email: str = "alice@example.com", password: str = PASSWORD):
    response = client.post("/api/v1/auth/register", json={"email": email, "password": password})
    assert response.status_code == 201, response.text
    return response.get_json()
{%- if cookiecutter.auth == "jwt" %}


def login(client: FlaskClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    """Log in and return the headers that authenticate the next requests."""
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}
{%- else %}


def login(client: FlaskClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    """Log in (the client keeps the session cookie) and return the CSRF header to send."""
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"X-CSRF-Token": response.get_json()["csrf_token"]}
{%- endif %}


@pytest.fixture
def auth_headers(client: FlaskClient) -> dict[str, str]:
    register(client)
    return login(client, "alice@example.com")
