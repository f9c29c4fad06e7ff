"""Liveness and readiness probes."""

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.db import DbSession
from app.schemas import HealthStatus

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/health", tags=["health"])


@router.get(
    "/live", operation_id="health_live", summary="Liveness probe", response_model=HealthStatus
)
def live() -> HealthStatus:
    return HealthStatus(status="ok")


@router.get(
    "/ready",
    operation_id="health_ready",
    summary="Readiness probe (checks the database)",
    response_model=HealthStatus,
    responses={503: {"model": HealthStatus, "description": "Database unavailable"}},
)
def ready(db: DbSession) -> HealthStatus | JSONResponse:
    try:
        db.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means "not ready"
        logger.warning("database not reachable", exc_info=True)
        return JSONResponse(status_code=503, content={"status": "unavailable"})
    return HealthStatus(status="ok")
