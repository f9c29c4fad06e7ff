"""Rate limits per client address (DRF throttling): AUTH_RATE_LIMIT_PER_MINUTE logins and
registrations a minute. The address is REMOTE_ADDR as app.middleware.ClientAddressMiddleware set it
(X-Forwarded-For believed from TRUSTED_PROXIES only), never a header the client may forge."""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView


class AuthThrottle(SimpleRateThrottle):
    scope = "auth"

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": request.META.get("REMOTE_ADDR")}
