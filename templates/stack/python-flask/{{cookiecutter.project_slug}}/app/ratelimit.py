"""Rate limiting of the authentication endpoints (login and registration), per client address.

An in-process token bucket: each instance counts on its own, so N instances allow N times the limit.
Move the counters to Redis (or to the API gateway) when you run several instances.
Set AUTH_RATE_LIMIT_PER_MINUTE to tune it, RATE_LIMIT_ENABLED=false to switch it off (tests do).
The client address is the real one behind the proxies listed in TRUSTED_PROXIES (app/middleware.py).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any

from flask import request

from app.audit import audit, client_address
from app.config import get_settings
from app.problems import Problem


class TokenBucket:
    """`capacity` requests at once, refilled at `capacity` per `period` seconds, for each key."""

    def __init__(self, capacity: int, period: float = 60.0, max_keys: int = 100_000) -> None:
        self.capacity = capacity
        self.rate = capacity / period  # tokens per second
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, now: float | None = None) -> float:
        """Spend one token of `key`: 0 when allowed, else the seconds until a token is available."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.capacity), now))
            tokens = min(float(self.capacity), tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                if len(self._buckets) > self.max_keys:
                    self._forget_idle(now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate

    def _forget_idle(self, now: float) -> None:
        """Drop the buckets that are full again: their clients have been idle long enough."""
        for key, (tokens, last) in list(self._buckets.items()):
            if tokens + (now - last) * self.rate >= self.capacity:
                del self._buckets[key]


@lru_cache
def auth_limiter() -> TokenBucket:
    settings = get_settings()
    return TokenBucket(settings.auth_rate_limit_per_minute)


def limit_auth() -> None:
    """429 with Retry-After beyond the limit."""
    if not get_settings().rate_limit_enabled:
        return
    wait = auth_limiter().take(f"{request.path}:{client_address()}")
    if wait > 0:
        retry_after = max(1, math.ceil(wait))
        audit("rate_limited", outcome="denied", retry_after=retry_after)
        raise Problem(429, "Too many requests", headers={"Retry-After": str(retry_after)})


def rate_limited(view: Callable[..., Any]) -> Callable[..., Any]:
    """The login and registration views count against the limit before their body is read."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        limit_auth()
        return view(*args, **kwargs)

    return wrapper
