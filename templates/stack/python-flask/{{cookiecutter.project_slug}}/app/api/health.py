"""Liveness and readiness probes."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify
from sqlalchemy import text

from app.db import db_session

logger = logging.getLogger(__name__)
health = Blueprint("health", __name__, url_prefix="/health")


@health.get("/live")
def health_live() -> Response:
    """The process answers."""
    return jsonify(status="ok")


@health.get("/ready")
def health_ready() -> Response | tuple[Response, int]:
    """The database answers too (503 when it does not)."""
    try:
        db_session().execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means "not ready"
        logger.warning("database not reachable", exc_info=True)
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
