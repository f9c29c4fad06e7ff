"""Password hashing (argon2id) and signed tokens (HS256 JWT, algorithm pinned)."""

from __future__ import annotations

import asyncio
import secrets
import weakref
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.config import get_settings

ALGORITHM = "HS256"
# Every token names its session (sid) and itself (jti); each request checks its session is open.
REQUIRED_CLAIMS = ["exp", "iat", "sub", "typ", "sid", "jti"]
_hasher = PasswordHasher()
# Verified when the email is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash("dummy password used for timing")


# One semaphore per event loop (the tests start several loops; uvicorn runs one per process).
_hash_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def concurrent_hashes(memory_mib: int) -> int:
    """How many argon2 hashes fit in `memory_mib` at once (the hasher's memory cost each)."""
    return max(1, memory_mib * 1024 // _hasher.memory_cost)


async def hashing_slot() -> AsyncIterator[None]:
    """Dependency of the routes that hash: at most concurrent_hashes(PASSWORD_HASH_MEMORY_MIB)
    run at once, so a burst of logins cannot exceed the memory limit. The others wait on the event
    loop, not in a worker thread, so the rest of the API keeps its threads."""
    loop = asyncio.get_running_loop()
    slots = _hash_slots.get(loop)
    if slots is None:
        slots = asyncio.Semaphore(concurrent_hashes(get_settings().password_hash_memory_mib))
        _hash_slots[loop] = slots
    async with slots:
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
