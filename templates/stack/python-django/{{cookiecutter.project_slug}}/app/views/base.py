"""What every API view shares: only its own methods (405 with Allow for the others, OPTIONS too),
errors as problem details (config/settings.py EXCEPTION_HANDLER)."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView


class Unauthorized(exceptions.APIException):
    """401 from a view without authentication classes (DRF makes AuthenticationFailed a 403)."""

    status_code = 401
    default_detail = "Not authenticated"
{%- if cookiecutter.auth == "jwt" %}
    auth_header = "Bearer"
{%- endif %}


class ApiView(APIView):
    metadata_class = None

    @property
    def allowed_methods(self) -> list[str]:
        return [m.upper() for m in self.http_method_names if m != "options" and hasattr(self, m)]


class PublicView(ApiView):
    """No credentials needed (health, registration, login, refresh)."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]


def validated(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """The request body through the serializer: 400 without a body (DRF would read none as {}),
    else ValidationError (422, with pointers) for a body the serializer refuses."""
    if request.stream is None:
        raise exceptions.ParseError("A JSON request body is required")
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
