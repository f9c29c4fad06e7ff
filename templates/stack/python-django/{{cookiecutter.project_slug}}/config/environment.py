"""Settings from the environment, checked once at start: a bad value stops the process with one line
saying which variable is wrong (never its value)."""

from __future__ import annotations

import ipaddress
import os

# Values published in examples and documentation: never a real secret.
PLACEHOLDERS = {"change-me-to-a-long-random-string", "changeme", "secret", "django-insecure"}
MIN_SECRET_BYTES = 32


class ConfigurationError(RuntimeError):
    """A setting is missing or invalid."""


def text(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None or value == "":
        if default is not None:
            return default
        raise ConfigurationError(f"{name} is required")
    return value


def integer(name: str, default: int, low: int, high: int) -> int:
    raw = os.environ.get(name) or str(default)
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be an integer") from None
    if not low <= value <= high:
        raise ConfigurationError(f"{name} must be between {low} and {high}")
    return value


def boolean(name: str, default: bool) -> bool:
    raw = (os.environ.get(name) or str(default)).strip().lower()
    if raw not in ("true", "false", "1", "0"):
        raise ConfigurationError(f"{name} must be true or false")
    return raw in ("true", "1")


def secret_key() -> str:
    """SECRET_KEY: required, at least 32 bytes, not a published placeholder."""
    value = text("SECRET_KEY")
    if value in PLACEHOLDERS or value.startswith("django-insecure") or "change-me" in value:
        raise ConfigurationError("SECRET_KEY is a placeholder: set a random value")
    if len(value.encode()) < MIN_SECRET_BYTES:
        raise ConfigurationError(f"SECRET_KEY must be at least {MIN_SECRET_BYTES} bytes")
    return value


def networks(name: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """A comma-separated list of IPs or CIDRs (empty: none)."""
    items = [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]
    try:
        return tuple(ipaddress.ip_network(item, strict=False) for item in items)
    except ValueError:
        raise ConfigurationError(f"{name} must list IP addresses or CIDRs") from None


def words(name: str, default: str) -> list[str]:
    return [item.strip() for item in (os.environ.get(name) or default).split(",") if item.strip()]
