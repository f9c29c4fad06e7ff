"""The FastAPI application: `uvicorn app.main:app`."""

import logging
import math
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp

from app.api import auth, health, resources, users
from app.config import get_settings
from app.docs import docs_router
from app.logging_config import configure_logging
from app.middleware import SecurityHeadersMiddleware, install

{{ cookiecutter.project_name | one_line | py_assign("TITLE") }}
{{ cookiecutter.project_description | py_assign("DESCRIPTION") }}
VERSION = "0.1.0"
# A validation error names the field and the rule, never the value sent (which may be huge, a
# password, or a NaN that JSON cannot carry); a key longer than this is cut in `loc`.
MAX_LOC_LENGTH = 64
TOO_LARGE = {
    "description": "Request body too large",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorMessage"}}},
}

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
        # JSON like every other error; the traceback goes to the log, never to the client.
        return JSONResponse(status_code=500, content={"detail": "Internal Server Error"})

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
        return await http_exception_handler(request, exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if any(error["type"] == "json_invalid" for error in exc.errors()):
            # Not JSON at all: the documented 400, not a 422 about fields.
            return JSONResponse(status_code=400, content={"detail": "Malformed request body"})
        return JSONResponse(status_code=422, content={"detail": _errors_without_input(exc)})

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


def _errors_without_input(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for error in exc.errors():
        loc = [part[:MAX_LOC_LENGTH] if isinstance(part, str) else part for part in error["loc"]]
        ctx = {key: _plain(value) for key, value in (error.get("ctx") or {}).items()}
        kept = {"type": error["type"], "loc": loc, "msg": error["msg"]}
        errors.append({**kept, "ctx": ctx} if ctx else kept)
    return errors


def _plain(value: Any) -> Any:
    """A JSON value for a rule's parameter (a limit, a pattern); anything else as text."""
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    return str(value)


def _document(schema: dict[str, Any]) -> dict[str, Any]:
    """FastAPI's document plus what it cannot infer: every request body may get a 413{% if cookiecutter.auth == "session-cookie" %}, and
    unsafe methods need the session cookie AND the CSRF header (FastAPI lists each security
    dependency as an alternative: merge them into one requirement){% endif %}."""
    for operation in (op for path in schema["paths"].values() for op in path.values()):
        if "requestBody" in operation:
            operation["responses"]["413"] = TOO_LARGE
{%- if cookiecutter.auth == "session-cookie" %}
        if len(operation.get("security", [])) > 1:
            merged: dict[str, list[str]] = {}
            for requirement in operation["security"]:
                merged.update(requirement)
            operation["security"] = [merged]
{%- endif %}
    return schema


app = create_app()
