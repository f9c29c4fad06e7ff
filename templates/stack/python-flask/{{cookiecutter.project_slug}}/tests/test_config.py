"""The app refuses to start with a placeholder, published or guessable SECRET_KEY, and its error
names the variable without echoing the secret or the database URL (which holds a password)."""

import os
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.config import Settings, secret_problem

ROOT = Path(__file__).resolve().parent.parent
DB_PASSWORD = "db-password-never-printed"


def env_example_value(name: str) -> str:
    """The value .env.example documents for `name` (what `cp .env.example .env` gives)."""
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{name}="):
            return line.split("=", 1)[1]
    raise AssertionError(f"{name} is not in .env.example")


def start_app(**env: str) -> subprocess.CompletedProcess[str]:
    """Import the app in a fresh process, as gunicorn does at start."""
    return subprocess.run(
        [sys.executable, "-c", "import app.wsgi"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


WEAK_SECRETS = [
    pytest.param(secrets.token_urlsafe(16), id="short"),
    pytest.param("change-me-to-a-long-random-string", id="published-example"),
    pytest.param("test-secret-key-that-is-long-enough-for-hs256", id="old-test-default"),
    pytest.param("please-replace-me-with-something-long-and-random", id="placeholder"),
    pytest.param("a" * 64, id="one-character"),
    pytest.param("password" * 6, id="repeated-word"),
    pytest.param("0123456789" * 4, id="digits-only"),
    pytest.param("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", id="alphabet-run"),
]


@pytest.mark.parametrize("secret", WEAK_SECRETS)
def test_weak_secrets_are_refused(secret: str) -> None:
    assert secret_problem(secret) is not None
    with pytest.raises(ValidationError) as caught:
        Settings(secret_key=secret, _env_file=None)  # type: ignore[call-arg]
    assert secret not in str(caught.value)


@pytest.mark.parametrize(
    "secret",
    [secrets.token_urlsafe(48), secrets.token_hex(32), uuid.uuid4().hex + uuid.uuid4().hex],
    ids=["token_urlsafe-48", "token_hex-32", "two-uuid4-hex"],
)
def test_random_secrets_are_accepted(secret: str) -> None:
    assert secret_problem(secret) is None
    assert Settings(secret_key=secret, _env_file=None).secret_key.get_secret_value() == secret  # type: ignore[call-arg]


def test_the_env_example_secret_does_not_start_the_app() -> None:
    secret = env_example_value("SECRET_KEY")
    url = f"postgresql+psycopg://app:{DB_PASSWORD}@localhost:5432/app"
    result = start_app(SECRET_KEY=secret, DATABASE_URL=url)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()  # one line, no traceback
    assert line.startswith("invalid configuration: SECRET_KEY ")
    assert "secrets.token_urlsafe(48)" in line  # says how to make a real one
    assert secret not in result.stderr + result.stdout
    assert DB_PASSWORD not in result.stderr + result.stdout


def test_a_missing_secret_is_named() -> None:
    env = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "-c", "import app.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "invalid configuration: SECRET_KEY is not set"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+psycopg://app:{DB_PASSWORD}@localhost:not-a-port/app",
        f"nosuchdb://app:{DB_PASSWORD}@localhost/app",
    ],
    ids=["unparsable", "unknown-dialect"],
)
def test_a_bad_database_url_is_refused_without_its_password(url: str) -> None:
    result = start_app(SECRET_KEY=secrets.token_urlsafe(48), DATABASE_URL=url)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("invalid configuration: DATABASE_URL ")
    assert DB_PASSWORD not in result.stderr + result.stdout
