"""Liveness and readiness probes."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from app.views.base import PublicView
from app.views.schema import body, operation

HEALTH_STATUS = body("HealthStatus", status=serializers.CharField())

logger = logging.getLogger(__name__)


class Live(PublicView):
    http_method_names = ["get"]

    @operation("health_live", 200, HEALTH_STATUS)
    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})


class Ready(PublicView):
    """200 when the database answers, else 503."""

    http_method_names = ["get"]

    @extend_schema(
        operation_id="health_ready",
        responses={
            200: HEALTH_STATUS,
            503: OpenApiResponse(HEALTH_STATUS, description="Database unavailable"),
        },
    )
    def get(self, request: Request) -> Response:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            logger.warning("readiness check failed: database unavailable")
            return Response({"status": "unavailable"}, status=503)
        return Response({"status": "ok"})
