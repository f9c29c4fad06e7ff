"""Per-account backoff after failed logins (ASVS 2.2.1), keyed on the normalised email address.

After LOGIN_LOCKOUT_FAILURES consecutive failures for one address, each further attempt must
wait 1 s, then 2, 4, 8 ... up to LOGIN_LOCKOUT_MAX_SECONDS, and gets 429 with Retry-After until
then, even with the right password. Failures count whether or not the account exists, and the 429
is the one the rate limiter sends, so the answer never tells whether an address is registered. A
successful login clears the count. Wrong current passwords of a password change count too.

The counts live in this process, keyed on a hash of the address (never the address): N instances
allow N times the attempts, still with exponential delays. Share them (Redis) to be exact.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from functools import lru_cache

from app.config import get_settings


def monotonic() -> float:
    return time.monotonic()


class LoginBackoff:
    """Consecutive failures per key, and the instant before which the key may not try again."""

    def __init__(self, free_failures: int, max_seconds: float, max_keys: int = 100_000) -> None:
        self.free_failures = free_failures
        self.max_seconds = max_seconds
        self.max_keys = max_keys
        self._state: OrderedDict[str, tuple[int, float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait(self, key: str) -> float:
        """Seconds before `key` may try again (0: now)."""
        with self._lock:
            _, until = self._state.get(key, (0, 0.0))
        return max(0.0, until - monotonic())

    def failed(self, key: str) -> None:
        now = monotonic()
        with self._lock:
            failures = self._state.pop(key, (0, 0.0))[0] + 1
            extra = failures - self.free_failures
            delay = 0.0 if extra < 0 else min(self.max_seconds, 2.0**extra)
            self._state[key] = (failures, now + delay)
            while len(self._state) > self.max_keys:  # forget the least recently failed
                self._state.popitem(last=False)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._state.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._state.clear()


@lru_cache
def login_backoff() -> LoginBackoff:
    settings = get_settings()
    return LoginBackoff(settings.login_lockout_failures, settings.login_lockout_max_seconds)
