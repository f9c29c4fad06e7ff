{%- set jwt = cookiecutter.auth == "jwt" -%}
"""The Flask application factory: `create_app()` (gunicorn serves app/wsgi.py's `app`)."""

from __future__ import annotations

import logging
import time
import uuid
{%- if not jwt %}
from datetime import timedelta
{%- endif %}
from pathlib import Path

from flask import Flask, Response, g, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from app import metrics, middleware
from app.api.auth import auth
from app.api.health import health
from app.api.resources import RESOURCES, blueprint
from app.api.users import users
from app.audit import audit_refusals
from app.config import Settings, get_settings
from app.db import init_db
from app.logging_config import configure_logging
from app.problems import Problem, problem

# The contract, served as it is: the project's openapi.yaml (tests/test_openapi.py checks the routes
# and the schemas against it), next to the package in a checkout, in the working directory of an
# installed app (the container runs from the sources' directory).
CONTRACT_NAME = "openapi.yaml"
# werkzeug's own descriptions are long and speak of HTML pages: these replace them.
DETAILS = {
    400: "Malformed request",
    404: "Not found",
    405: "Method not allowed",
    413: "Request body too large",
}

logger = logging.getLogger("app.request")


class Description(Api):
    """flask-smorest's description of the code (the blueprints' operations, schemas and
    responses), which tests/test_openapi.py compares with the contract. It is not served: without
    OPENAPI_URL_PREFIX there is no document route and no interactive docs."""

    # every operation lists its own problem responses (app/api/__init__.py Blueprint.operation)
    DEFAULT_ERROR_RESPONSE_NAME = None


def create_app(settings: Settings | None = None) -> Flask:
    """The application: settings from the environment (a bad one stops the process with one
    line), the blueprints, the error format and what wraps every request."""
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key.get_secret_value(),
        # werkzeug stops reading a body past this size (chunked ones too): 413.
        MAX_CONTENT_LENGTH=settings.max_request_body_bytes,
{%- if not jwt %}
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.session_expire_minutes),
        # The cookie is set at login only; its server-side session decides how long it works.
        SESSION_REFRESH_EACH_REQUEST=False,
{%- endif %}
        API_TITLE={{ cookiecutter.project_name | one_line | py_str }},
        API_VERSION="0.1.0",
        OPENAPI_VERSION="3.1.0",
    )
    init_db(app, settings.database_url)
    description = Description(app)
    for routes in (health, auth, users, *(blueprint(resource) for resource in RESOURCES)):
        description.register_blueprint(routes)
    app.add_url_rule("/openapi.yaml", "openapi", contract)
    metrics.install_metrics(app)
    audit_refusals(app)
    log_requests(app)
    handle_errors(app)
    middleware.install(app, settings)
    return app


def contract() -> Response:
    for folder in (Path(__file__).resolve().parent.parent, Path.cwd()):
        if (folder / CONTRACT_NAME).is_file():
            return Response((folder / CONTRACT_NAME).read_bytes(), mimetype="application/yaml")
    raise Problem(404, "The contract file is not deployed with the app")


def handle_errors(app: Flask) -> None:
    """Every error is problem details: the app's own, werkzeug's (404, 405 with Allow, 413...)
    and any unexpected exception (500, the traceback goes to the log, never to the client)."""

    @app.errorhandler(Problem)
    def _problem(exc: Problem) -> Response:
        return exc.response()

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
        return problem(status, DETAILS.get(status), headers=headers)

    @app.errorhandler(Exception)
    def _server_error(exc: Exception) -> Response:
        logger.exception("unhandled error", extra={"request_id": g.get("request_id")})
        return problem(500)


def log_requests(app: Flask) -> None:
    """One JSON log line per request, with an id also sent back as X-Request-ID."""

    @app.before_request
    def _start() -> None:
        g.request_id = uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def _log(response: Response) -> Response:
        request_id = g.get("request_id", "")
        response.headers["X-Request-ID"] = request_id
        duration_ms = round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 2)
        fields = {"request_id": request_id, "method": request.method, "path": request.path}
        logger.info(
            "request",
            extra={**fields, "status_code": response.status_code, "duration_ms": duration_ms},
        )
        return response
