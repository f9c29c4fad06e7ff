"""Liveness and readiness probes."""

from __future__ import annotations

import logging

from sqlalchemy import text

from app.api import Blueprint
from app.db import db_session
from app.schemas import HealthStatus

logger = logging.getLogger(__name__)
health = Blueprint("health", __name__, url_prefix="/health")


@health.get("/live")
@health.operation("health_live")
@health.response(200, HealthStatus)
def health_live() -> dict[str, str]:
    """The process answers."""
    return {"status": "ok"}


@health.get("/ready")
@health.operation("health_ready")
@health.response(200, HealthStatus)
@health.alt_response(503, schema=HealthStatus, description="Database unavailable")
def health_ready() -> dict[str, str] | tuple[dict[str, str], int]:
    """The database answers too (503 when it does not)."""
    try:
        db_session().execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means "not ready"
        logger.warning("database not reachable", exc_info=True)
        return {"status": "unavailable"}, 503
    return {"status": "ok"}
