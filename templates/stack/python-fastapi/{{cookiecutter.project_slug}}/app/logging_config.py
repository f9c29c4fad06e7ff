"""Structured JSON logs on stdout: one JSON object per line, with an ISO 8601 UTC timestamp."""

import logging.config

from pythonjsonlogger.core import RESERVED_ATTRS


def configure_logging(level: str = "INFO") -> None:
    level = level.upper()
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {
                "json": {
                    "()": "pythonjsonlogger.json.JsonFormatter",
                    "fmt": "%(levelname)s %(name)s %(message)s",
                    "rename_fields": {"levelname": "level", "name": "logger"},
                    "timestamp": True,
                    # uvicorn adds an ANSI-coloured copy of its messages: leave it out.
                    "reserved_attrs": [*RESERVED_ATTRS, "color_message"],
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
                "uvicorn": {"handlers": ["stdout"], "level": level, "propagate": False},
                "uvicorn.error": {"handlers": ["stdout"], "level": level, "propagate": False},
                # Security events (app/audit.py) are kept whatever LOG_LEVEL says.
                "audit": {"level": "INFO"},
                # Requests are logged by the app's middleware, with more fields.
                "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            },
        }
    )
