"""gunicorn settings, read from this file at start (`gunicorn app.wsgi:app` in this directory).

Sync workers: each handles one request at a time, WEB_CONCURRENCY processes (2 by default); the
requests beyond wait in the listen backlog. Logs are the app's JSON lines (app/logging_config.py).
"""

import os

from gunicorn.http import message, wsgi

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

# The longest request line (method, path and query string) taken: 64 KiB. Past its limit gunicorn
# answers its own 414, a status the contract does not list, before the app sees the request: its
# default of 4094 bytes refused requests that the contract allows (a list filter may be 512
# characters, up to 6 KiB percent-encoded, and filters add up) and over-long ones that the app
# answers 422 (schemathesis sends them). Its ceiling for the setting, 8190, is a module constant:
# raised with it. Header fields keep gunicorn's limits (100 of 8190 bytes each): the contract has no
# header parameters, only the credentials.
message.MAX_REQUEST_LINE = limit_request_line = 64 * 1024


class Response(wsgi.Response):
    """gunicorn's response without its `Server` header: it would tell attackers the server and its
    version, and gunicorn has no setting to leave it out."""

    def default_headers(self) -> list[str]:
        return [line for line in super().default_headers() if not line.startswith("Server:")]


wsgi.Response = Response
