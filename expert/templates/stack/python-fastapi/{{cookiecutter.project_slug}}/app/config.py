"""Settings read from the environment (and from a `.env` file when present)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class DatabaseSettings(BaseSettings):
    """The only setting the migrations need."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

{%- if cookiecutter.database == "sqlite" %}

    database_url: str = "sqlite:///./app.db"
{%- else %}

    database_url: str
{%- endif %}

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
    """Application settings: SECRET_KEY is required and has no default."""

    secret_key: SecretStr = Field(min_length=32)
    log_level: str = "INFO"
{%- if cookiecutter.auth == "jwt" %}
    access_token_expire_minutes: int = Field(default=30, gt=0)
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
{%- if ops.get("rate_limiting") in ["app-level", "redis"] %}
    # Login and registration attempts allowed per client address and minute (429 beyond).
    rate_limit_enabled: bool = True
    auth_rate_limit_per_minute: int = Field(default=20, gt=0)
{%- endif %}
{%- if cookiecutter.cache == "redis" or ops.get("rate_limiting") == "redis" %}
    redis_url: str = "redis://localhost:6379/0"
{%- endif %}
{%- if cookiecutter.cache == "redis" %}
    cache_ttl_seconds: int = Field(default=60, gt=0)
{%- endif %}


@lru_cache
def get_settings() -> Settings:
    return Settings()  # type: ignore[call-arg]
