"""The audit trail: one JSON line per security event on the `audit` logger (ship it to append-only
storage). Events name users by id and addresses by a hash, never by the address or a password."""

from __future__ import annotations

import hashlib
import logging

from django.http import HttpRequest

logger = logging.getLogger("audit")


def email_hash(email: str) -> str:
    return hashlib.sha256(email.lower().encode()).hexdigest()[:16]


def audit(event: str, request: HttpRequest, outcome: str, **details: str | int) -> None:
    client = request.META.get("REMOTE_ADDR", "")
    logger.info(event, extra={"event": event, "outcome": outcome, "client": client, **details})
