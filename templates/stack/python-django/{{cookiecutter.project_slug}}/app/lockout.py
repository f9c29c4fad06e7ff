"""Per-account backoff after failed logins (ASVS 2.2.1), keyed on a hash of the normalised email.

After LOGIN_LOCKOUT_FAILURES consecutive failures for one address, each further attempt must
wait 1 s, then 2, 4, 8 ... up to LOGIN_LOCKOUT_MAX_SECONDS, and gets 429 with Retry-After until
then, even with the right password. Failures count whether or not the account exists, so the
answer never tells whether an address is registered. A successful login clears the count.

The counts live in Django's cache (per process with the default local-memory cache: N processes
allow N times the attempts, still with exponential delays; configure a shared cache to be exact).
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache


def account_key(email: str) -> str:
    return "lockout:" + hashlib.sha256(email.lower().encode()).hexdigest()


def wait_seconds(email: str) -> int:
    """Seconds before this address may try again (0: now)."""
    _, until = cache.get(account_key(email), (0, 0.0))
    remaining = until - time.time()
    return math.ceil(remaining) if remaining > 0 else 0


def failed(email: str) -> None:
    key = account_key(email)
    failures = cache.get(key, (0, 0.0))[0] + 1
    extra = failures - settings.LOGIN_LOCKOUT_FAILURES
    delay = 0.0 if extra < 0 else min(float(settings.LOGIN_LOCKOUT_MAX_SECONDS), 2.0**extra)
    cache.set(key, (failures, time.time() + delay), timeout=settings.LOGIN_LOCKOUT_MAX_SECONDS * 2)


def succeeded(email: str) -> None:
    cache.delete(account_key(email))
