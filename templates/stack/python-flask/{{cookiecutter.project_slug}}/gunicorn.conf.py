"""gunicorn settings, read from this file at start (`gunicorn app.wsgi:app` in this directory).

Sync workers: each handles one request at a time, WEB_CONCURRENCY processes (2 by default); the
requests beyond wait in the listen backlog. Logs are the app's JSON lines (app/logging_config.py).
"""

import os

from gunicorn.http import wsgi

from app.logging_config import logging_dict

# HOST and PORT as the platform gives them (all interfaces, port 8000, by default: the container's).
bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
# Kill and replace a worker stuck for longer than this many seconds.
timeout = 30
# The app logs every request itself; gunicorn's access log would repeat it in another format.
accesslog = None
logconfig_dict = logging_dict(os.environ.get("LOG_LEVEL", "INFO"))
# No runtime control socket ($HOME/.gunicorn/gunicorn.ctl, shared by every gunicorn of the user).
control_socket_disable = True


class Response(wsgi.Response):
    """gunicorn's response without its `Server` header: it would tell attackers the server and its
    version, and gunicorn has no setting to leave it out."""

    def default_headers(self) -> list[str]:
        return [line for line in super().default_headers() if not line.startswith("Server:")]


wsgi.Response = Response
