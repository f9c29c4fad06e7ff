"""Password hashing with Django's hashers (argon2id first: config/settings.py), a few at once.

Each argon2 hash takes the hasher's memory cost (Django's default: 100 MiB): at most
PASSWORD_HASH_MEMORY_MIB of them run at once. A request that waits more than HASH_WAIT_SECONDS
for its turn is shed with 503 and Retry-After, so that a burst of logins cannot exhaust the memory
nor hold every server thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password
from rest_framework import exceptions

from app.models import User

HASH_MEMORY_MIB = Argon2PasswordHasher.memory_cost // 1024  # memory_cost is in KiB
HASH_WAIT_SECONDS = 2.0


class Overloaded(exceptions.APIException):
    status_code = 503
    default_detail = "Too many password checks at once: retry shortly"
    wait = 1  # seconds, sent as Retry-After


@lru_cache
def _slots() -> threading.BoundedSemaphore:
    """How many hashes fit in PASSWORD_HASH_MEMORY_MIB at once."""
    return threading.BoundedSemaphore(max(1, settings.PASSWORD_HASH_MEMORY_MIB // HASH_MEMORY_MIB))


@contextmanager
def hashing_slot() -> Iterator[None]:
    slots = _slots()
    if not slots.acquire(timeout=HASH_WAIT_SECONDS):
        raise Overloaded
    try:
        yield
    finally:
        slots.release()


def hash_password(password: str) -> str:
    with hashing_slot():
        return make_password(password)


def verify(user: User | None, password: str) -> bool:
    """Whether `password` is the user's; an unknown user costs a hash too (same timing)."""
    with hashing_slot():
        if user is None:
            make_password(password)
            return False
        matches = check_password(password, user.password, setter=_rehash(user))
        return matches and user.is_active


def _rehash(user: User) -> Callable[[str], None]:
    """Stores a new hash when the stored one used older parameters or another hasher."""

    def setter(raw: str) -> None:
        user.password = make_password(raw)
        user.save(update_fields=["password"])

    return setter
