"""Password hashing with Django's hashers (argon2id first: config/settings.py), a few at once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password

from app.models import User

# argon2-cffi's default memory cost (Django's Argon2PasswordHasher uses it): 64 MiB per hash.
HASH_MEMORY_MIB = 64


@lru_cache
def _slots() -> threading.BoundedSemaphore:
    """How many hashes fit in PASSWORD_HASH_MEMORY_MIB at once; other requests wait their turn."""
    return threading.BoundedSemaphore(max(1, settings.PASSWORD_HASH_MEMORY_MIB // HASH_MEMORY_MIB))


@contextmanager
def hashing_slot() -> Iterator[None]:
    with _slots():
        yield


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
