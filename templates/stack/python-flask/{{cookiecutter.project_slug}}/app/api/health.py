"""Liveness and readiness probes."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify
from sqlalchemy import text

from app.db import db_session
from app.schemas import HealthStatus

logger = logging.getLogger(__name__)
health = Blueprint("health", __name__, url_prefix="/health")
STATUS = HealthStatus()


@health.get("/live")
def health_live() -> Response:
    """The process answers."""
    return jsonify(STATUS.dump({"status": "ok"}))


@health.get("/ready")
def health_ready() -> Response | tuple[Response, int]:
    """The database answers too (503 when it does not)."""
    try:
        db_session().execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means "not ready"
        logger.warning("database not reachable", exc_info=True)
        return jsonify(STATUS.dump({"status": "unavailable"})), 503
    return jsonify(STATUS.dump({"status": "ok"}))
