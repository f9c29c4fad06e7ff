"""Settings read from the environment (and from a `.env` file when present).

A setting that is missing or unsafe stops the app at start with one line naming the variable and
the problem, never its value: a rejected secret or a database URL (with its password) is not echoed.
"""

from __future__ import annotations

import ipaddress
import math
{%- if cookiecutter.decisions.get("api_exposure") != "internal-only" %}
import re
{%- endif %}
from collections import Counter
from functools import lru_cache

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
{% if cookiecutter.decisions.get("api_exposure") != "internal-only" %}
# An origin as browsers send it: scheme, host and optional port, no path.
ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")
{% endif %}
MIN_SECRET_BYTES = 32
# A Shannon estimate over the characters: token_urlsafe(48) scores about 300 bits, a 64-digit hex
# secret about 240; a repeated word or a short alphabet scores far below.
MIN_SECRET_BITS = 128
# Values published in this project's templates and docs: a secret others have read is no secret.
EXAMPLE_SECRETS = frozenset(
    {
        "change-me-to-a-long-random-string",
        "test-secret-key-that-is-long-enough-for-hs256",
        "ci-only-not-a-secret-secret_key",
    }
)
PLACEHOLDER_WORDS = (
    "change-me",
    "changeme",
    "replace-me",
    "placeholder",
    "example",
    "not-a-secret",
)


def secret_problem(value: str) -> str | None:
    """Why `value` cannot sign tokens (None when it can): short, a known example or placeholder,
    too little variety, a repeated pattern, or runs of consecutive characters."""
    if len(value.encode()) < MIN_SECRET_BYTES:
        return f"must be at least {MIN_SECRET_BYTES} bytes"
    lowered = value.lower()
    if lowered in EXAMPLE_SECRETS or any(word in lowered for word in PLACEHOLDER_WORDS):
        return "is a placeholder or a published example"
    if estimated_bits(value) < MIN_SECRET_BITS:
        return "is too predictable (too few distinct characters)"
    if any(value[period:] == value[:-period] for period in range(1, len(value) // 2 + 1)):
        return "is too predictable (a repeated pattern)"
    steps = sum(abs(ord(b) - ord(a)) <= 1 for a, b in zip(value, value[1:], strict=False))
    if steps * 2 > len(value):
        return "is too predictable (runs of repeated or consecutive characters)"
    return None


def estimated_bits(value: str) -> float:
    """Length times the Shannon entropy of the character frequencies (an upper-bound estimate)."""
    counts = Counter(value)
    return -sum(n * math.log2(n / len(value)) for n in counts.values())


def configuration_error(exc: ValidationError) -> str:
    """One line naming each bad variable and its problem (the values are never included)."""
    problems = []
    for error in exc.errors(include_input=False, include_url=False):
        name = "_".join(str(part) for part in error["loc"]).upper()
        if error["type"] == "missing":
            problems.append(f"{name} is not set")
        else:
            problems.append(f"{name} {str(error['msg']).removeprefix('Value error, ')}")
    return "invalid configuration: " + "; ".join(problems)


class DatabaseSettings(BaseSettings):
    """The only setting the migrations need."""

    # hide_input_in_errors: no ValidationError, wherever raised, prints DATABASE_URL or SECRET_KEY.
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", hide_input_in_errors=True)

{%- if cookiecutter.database == "sqlite" %}

    database_url: str = "sqlite:///./app.db"
{%- else %}

    database_url: str
{%- endif %}

    @field_validator("database_url")
    @classmethod
    def _parsable(cls, value: str) -> str:
        try:
            make_url(value)
        except (ArgumentError, ValueError):
            message = "is not a valid database URL (dialect+driver://user:password@host/db)"
            raise ValueError(message) from None
        return value

    @field_validator("database_url")
    @classmethod
    def _use_psycopg3(cls, value: str) -> str:
        # Accept the plain URLs hosting providers hand out; the driver installed is psycopg 3.
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        # MySQL / MariaDB: the driver installed is PyMySQL.
        for prefix in ("mysql://", "mariadb://"):
            if value.startswith(prefix):
                return "mysql+pymysql://" + value[len(prefix) :]
        return value


class Settings(DatabaseSettings):
    """Application settings: SECRET_KEY is required, has no default and must be a real secret."""

    secret_key: SecretStr
    log_level: str = "INFO"
    # Request bodies above this size get 413 before they are parsed (1 MiB).
    max_request_body_bytes: int = Field(default=1_048_576, gt=0)
    # Memory the argon2 hashes of concurrent logins may take together (each takes the hasher's
    # memory cost, 64 MiB): requests beyond wait their turn. Keep it well under the memory limit.
    password_hash_memory_mib: int = Field(default=256, ge=64)
    # Per-account backoff (app/lockout.py): free failures, then waits doubling up to the maximum.
    login_lockout_failures: int = Field(default=5, gt=0)
    login_lockout_max_seconds: int = Field(default=900, gt=0)
    # Proxies (IPs or CIDRs, comma-separated) whose X-Forwarded-For is believed; empty: none, the
    # peer address is the client. Only list the proxies in front of the app (the ingress, the LB).
    trusted_proxies: str = ""
{%- if cookiecutter.auth == "jwt" %}
    access_token_expire_minutes: int = Field(default=30, gt=0)
    # Lifetime of a login: its refresh tokens rotate at each use but expire at the same instant.
    refresh_token_expire_minutes: int = Field(default=20160, gt=0)
{%- else %}
    session_expire_minutes: int = Field(default=480, gt=0)
    # Secure cookies are only sent over https; set COOKIE_SECURE=false for local http development.
    cookie_secure: bool = True
{%- endif %}
{%- set ops = cookiecutter.decisions %}
{%- if ops.get("api_exposure") != "internal-only" %}
    # Browser origins allowed to call the API (comma-separated); empty: no CORS headers at all.
    cors_allow_origins: str = ""
{%- endif %}
    # Login and registration attempts allowed per client address and minute (429 beyond).
    rate_limit_enabled: bool = True
    auth_rate_limit_per_minute: int = Field(default=20, gt=0)
{%- if ops.get("api_exposure") != "internal-only" %}

    @field_validator("cors_allow_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        for origin in (part.strip() for part in value.split(",") if part.strip()):
{%- if cookiecutter.auth == "session-cookie" %}
            if origin == "*":
                # The session cookie is a credential: a wildcard would let any site use it.
                raise ValueError("cannot be * with session cookies: list the origins")
{%- endif %}
            if origin != "*" and not ORIGIN.fullmatch(origin):
                raise ValueError(f"lists {origin[:64]!r}, not an origin (https://host[:port])")
        return value
{%- endif %}

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, value: str) -> str:
        for entry in (part.strip() for part in value.split(",") if part.strip()):
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"lists {entry[:64]!r}, not an IP address or CIDR") from None
        return value

    def trusted_proxy_list(self) -> list[str]:
        return [part.strip() for part in self.trusted_proxies.split(",") if part.strip()]

    @field_validator("secret_key")
    @classmethod
    def _real_secret(cls, value: SecretStr) -> SecretStr:
        problem = secret_problem(value.get_secret_value())
        if problem:
            raise ValueError(
                problem + '; generate one with: python -c "import secrets; '
                'print(secrets.token_urlsafe(48))"'
            )
        return value


@lru_cache
def get_settings() -> Settings:
    """The settings; a bad one stops the process with one line (no traceback, no value)."""
    try:
        return Settings()  # type: ignore[call-arg]
    except ValidationError as exc:
        raise SystemExit(configuration_error(exc)) from None
