{%- set jwt = cookiecutter.auth == "jwt" -%}
"""Password hashing (argon2id){% if jwt %} and signed tokens (HS256 JWT, algorithm pinned){% endif %}."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
{%- if jwt %}
from datetime import datetime, timedelta, timezone
{%- endif %}
from functools import lru_cache
{%- if jwt %}
from typing import Any
{%- endif %}

{% if jwt -%}
import jwt
{% endif -%}
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.config import get_settings

{% if jwt -%}
ALGORITHM = "HS256"
# Every token names its session (sid) and itself (jti); each request checks its session is open.
REQUIRED_CLAIMS = ["exp", "iat", "sub", "typ", "sid", "jti"]
{% endif -%}
_hasher = PasswordHasher()
# Verified when the email is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash("dummy password used for timing")


def concurrent_hashes(memory_mib: int) -> int:
    """How many argon2 hashes fit in `memory_mib` at once (the hasher's memory cost each)."""
    return max(1, memory_mib * 1024 // _hasher.memory_cost)


@lru_cache
def _hash_slots() -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(concurrent_hashes(get_settings().password_hash_memory_mib))


@contextmanager
def hashing_slot() -> Iterator[None]:
    """Held while a request hashes: at most concurrent_hashes(PASSWORD_HASH_MEMORY_MIB) hashes run
    at once in this process (gunicorn threads included), so a burst of logins cannot exceed the
    memory limit; the other requests wait their turn."""
    with _hash_slots():
        yield


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def new_token_id() -> str:
    """A random identifier (256 bits) for a session or a token."""
    return secrets.token_urlsafe(32)
{%- if jwt %}


def create_token(
    subject: str, secret: str, expires_in: timedelta, extra: dict[str, Any] | None = None
) -> str:
    now = datetime.now(timezone.utc)
    claims: dict[str, Any] = {"sub": subject, "iat": now, "exp": now + expires_in}
    claims.update(extra or {})
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_token(token: str, secret: str, kind: str) -> dict[str, Any] | None:
    """The claims of a valid, unexpired token of this kind (`typ`), or None. Only HS256 is
    accepted: `alg: none`, HS512, RS256... are refused whatever their signature."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": REQUIRED_CLAIMS}
        )
    except jwt.PyJWTError:
        return None
    if claims.get("typ") != kind or not all(
        isinstance(claims[name], str) for name in ("sub", "sid", "jti")
    ):
        return None
    return claims
{%- endif %}
