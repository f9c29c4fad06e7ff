"""The FastAPI application: `uvicorn app.main:app`."""

import logging
import time
import uuid
from collections.abc import Awaitable, Callable
{%- if cookiecutter.auth == "session-cookie" %}
from typing import Any
{%- endif %}

from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import http_exception_handler
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.api import auth, health, resources, users
from app.config import get_settings
from app.logging_config import configure_logging
from app.middleware import install

{# \x22 instead of \" keeps the literal double-quoted whatever the value, as ruff format wants -#}
TITLE = {{ cookiecutter.project_name | one_line | py_str | replace('\\"', '\\x22') }}
DESCRIPTION = {{ cookiecutter.project_description | py_str | replace('\\"', '\\x22') }}
VERSION = "0.1.0"

logger = logging.getLogger("app.request")


def create_app() -> FastAPI:
    settings = get_settings()
    configure_logging(settings.log_level)
    app = FastAPI(title=TITLE, description=DESCRIPTION, version=VERSION)
    routers = [health.router, auth.router, users.router, *resources.routers]
    for router in routers:
        app.include_router(router)
    install(app, settings)

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

{%- if cookiecutter.auth == "session-cookie" %}

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = FastAPI.openapi(app)
            # FastAPI lists each security dependency as an alternative; unsafe methods need the
            # session cookie AND the CSRF header, so document them as one requirement.
            for operation in (op for path in schema["paths"].values() for op in path.values()):
                if len(operation.get("security", [])) > 1:
                    merged: dict[str, list[str]] = {}
                    for requirement in operation["security"]:
                        merged.update(requirement)
                    operation["security"] = [merged]
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
{%- endif %}

    return app


app = create_app()
