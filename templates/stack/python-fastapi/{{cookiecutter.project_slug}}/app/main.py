"""The FastAPI application: `uvicorn app.main:app`."""

import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp

from app.api import auth, health, resources, users
from app.config import get_settings
from app.docs import docs_router
from app.logging_config import configure_logging
from app.middleware import SecurityHeadersMiddleware, install
from app.problems import PROBLEM_SCHEMA, documented, field_errors, problem

{{ cookiecutter.project_name | one_line | py_assign("TITLE") }}
{{ cookiecutter.project_description | py_assign("DESCRIPTION") }}
VERSION = "0.1.0"
TOO_LARGE = documented("Request body too large")
INVALID = documented("Validation failed")
# FastAPI's own validation error schemas: the app answers problem details instead (app/problems.py).
FASTAPI_ERROR_SCHEMAS = ("HTTPValidationError", "ValidationError")

logger = logging.getLogger("app.request")


class Application(FastAPI):
    """FastAPI whose outermost layer adds the security headers, so that every response carries
    them, the 500 of an unhandled error included."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeadersMiddleware(super().build_middleware_stack())


def create_app() -> FastAPI:
    settings = get_settings()
    configure_logging(settings.log_level)
    # FastAPI's /docs and /redoc load CDN scripts without integrity: app/docs.py replaces them.
    app = Application(
        title=TITLE, description=DESCRIPTION, version=VERSION, docs_url=None, redoc_url=None
    )
    routers = [health.router, auth.router, users.router, *resources.routers]
    for router in routers:
        app.include_router(router)
    if settings.docs_enabled:
        app.include_router(docs_router(TITLE))
    install(app, settings)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        # Problem details like every error; the traceback goes to the log, never to the client.
        return problem(500)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 405:
            # Starlette lists the methods of one route only; list those of every route on the path.
            allowed: set[str] = set()
            for route in (route for router in routers for route in router.routes):
                match, _ = route.matches(request.scope)
                if match != Match.NONE:
                    allowed.update(getattr(route, "methods", None) or ())
            exc.headers = {**(exc.headers or {}), "Allow": ", ".join(sorted(allowed))}
        detail = exc.detail if isinstance(exc.detail, str) else None
        return problem(exc.status_code, detail, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if any(error["type"] == "json_invalid" for error in exc.errors()):
            # Not JSON at all: the documented 400, not a 422 about fields.
            return problem(400, "Malformed request body")
        return problem(422, "The request is not valid", errors=field_errors(exc.errors()))

    @app.middleware("http")
    async def log_requests(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request_id = uuid.uuid4().hex
        start = time.perf_counter()
        fields = {"request_id": request_id, "method": request.method, "path": request.url.path}
        try:
            response = await call_next(request)
        except Exception:
            logger.exception("unhandled error", extra={**fields, "status_code": 500})
            raise
        response.headers["X-Request-ID"] = request_id
        duration_ms = round((time.perf_counter() - start) * 1000, 2)
        logger.info(
            "request",
            extra={**fields, "status_code": response.status_code, "duration_ms": duration_ms},
        )
        return response

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _document(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _document(schema: dict[str, Any]) -> dict[str, Any]:
    """FastAPI's document with the app's error format (problem details, app/problems.py) instead
    of FastAPI's validation errors, plus what it cannot infer: every request body may get a 413{% if cookiecutter.auth == "session-cookie" %}, and
    unsafe methods need the session cookie AND the CSRF header (FastAPI lists each security
    dependency as an alternative: merge them into one requirement){% endif %}."""
    for operation in (op for path in schema["paths"].values() for op in path.values()):
        if "422" in operation["responses"]:
            operation["responses"]["422"] = INVALID
        if "requestBody" in operation:
            operation["responses"]["413"] = TOO_LARGE
{%- if cookiecutter.auth == "session-cookie" %}
        if len(operation.get("security", [])) > 1:
            merged: dict[str, list[str]] = {}
            for requirement in operation["security"]:
                merged.update(requirement)
            operation["security"] = [merged]
{%- endif %}
    schemas = schema["components"]["schemas"]
    for name in FASTAPI_ERROR_SCHEMAS:
        schemas.pop(name, None)
    schemas["Problem"] = PROBLEM_SCHEMA
    return schema


app = create_app()
