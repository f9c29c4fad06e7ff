"""Structured JSON logs on stdout: one JSON object per line, with an ISO 8601 UTC timestamp."""

import logging.config
from typing import Any


def configure_logging(level: str = "INFO") -> None:
    logging.config.dictConfig(logging_dict(level))


def logging_dict(level: str) -> dict[str, Any]:
    """The logging configuration (gunicorn.conf.py gives it to gunicorn's master process too)."""
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(levelname)s %(name)s %(message)s",
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": True,
            }
        },
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            }
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            "gunicorn.error": {"handlers": ["stdout"], "level": level, "propagate": False},
            # Security events (app/audit.py) are kept whatever LOG_LEVEL says.
            "audit": {"level": "INFO"},
            # Requests are logged by the app (app/__init__.py), with more fields.
            "gunicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "werkzeug": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
