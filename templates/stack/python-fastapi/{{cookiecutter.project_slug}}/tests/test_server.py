"""The run command of the README, as a client on the network sees it: no `Server` banner, and the
security headers on every response."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def documented_command(port: int) -> list[str]:
    """`uvicorn app.main:app ...` from the README's Run section, on 127.0.0.1:`port`, no reload."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^uvicorn app\.main:app .*$", readme, re.M)
    assert match, "the README has no uvicorn command"
    argv = match.group(0).split()
    argv = [arg for arg in argv if arg != "--reload"]
    argv[argv.index("--port") + 1] = str(port)
    return [sys.executable, "-m", *argv, "--host", "127.0.0.1"]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 (the README's own command)
        documented_command(port),
        cwd=ROOT,
        env={**os.environ, "LOG_LEVEL": "WARNING"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # at most ~30 s to start
            try:
                urllib.request.urlopen(f"{base}/health/live", timeout=1)  # noqa: S310 (loopback)
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(process.stderr.read().decode() if process.stderr else "exited")
                time.sleep(0.1)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def fetch(url: str) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}


@pytest.mark.parametrize(("path", "status"), [("/health/live", 200), ("/no/such/path", 404)])
def test_no_server_banner(server: str, path: str, status: int) -> None:
    code, headers = fetch(server + path)
    assert code == status
    assert "server" not in headers
    assert headers["x-content-type-options"] == "nosniff"
