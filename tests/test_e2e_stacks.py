"""End to end, for every stack but python-fastapi (tests/test_e2e.py covers that one): generate each
sample of tests/samples/ whose stack is such a layer, then run exactly the commands its layer.yml lists
(install, build, lint, typecheck, migrate, test; the generated README gives the same ones) against a fresh
database, start it with `commands.run` on 127.0.0.1, and run the conformance suite and schemathesis against it.

Needs E2E_DATABASE_URL (a PostgreSQL admin URL), E2E_MYSQL_URL for database=mysql samples, and schemathesis
importable by this interpreter (or SCHEMATHESIS naming its executable).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from tests.php_harness import autoload_shim
from tests.stack_commands import (
    SCHEMATHESIS_SECONDS,
    STEPS,
    create_database,
    drop_database,
    install_tool_missing,
    project_database_url,
    project_stack,
    sample_stack,
    step_argv,
    toolchain_env,
)
from tests.test_e2e import admin_url, conformance_against_live_app, free_port, login, mysql_url, run, run_schemathesis

pytestmark = pytest.mark.e2e


def _stack_of(sample: Path) -> str | None:
    """The stack layer a sample pins, unless it is python-fastapi's (tests/test_e2e.py runs those)."""
    stack = sample_stack(sample)
    return None if stack == "python-fastapi" else stack


#: tests/samples/<family>/*.yml (node, go, jvm, python): every framework, ORM, database and auth scheme at least
#: once (CI runs them); each family's more/ holds other pairs, run too when E2E_ALL=1 (the fast tests render them)
_MORE = SAMPLES.glob("*/more/*.yml") if os.environ.get("E2E_ALL") else []
STACK_SAMPLES = [p for p in sorted([*SAMPLES.glob("*.yml"), *SAMPLES.glob("*/*.yml"), *_MORE]) if _stack_of(p)]


#: PHP: no Packagist on the machines that run this suite. Debian's packaged Laravel or Symfony, PHPUnit and PHP_CodeSniffer
#: (scripts/php.sh) stand in for `composer install` through a vendor/autoload.php shim written here (never part of
#: a generated project: tests/php_harness.py), and the tools run from PATH instead of vendor/bin.
PHP_OFFLINE_STEPS = {"lint": ["phpcs"], "test": ["phpunit"]}


def offline_php_step(project: Path, spec: dict, step: str) -> list[str] | None:
    """The argv of a PHP stack's step on this machine: the install step writes the autoload shim instead."""
    if step == "install":
        (project / "vendor").mkdir(exist_ok=True)
        (project / "vendor" / "autoload.php").write_text(autoload_shim(spec["framework"]))
        return None
    return PHP_OFFLINE_STEPS.get(step, step_argv(spec, step))


def server_for(database: str) -> str | None:
    """The admin URL of the sample's database server: skip (or fail in CI) when the environment lacks it."""
    return admin_url() if database == "postgresql" else mysql_url() if database == "mysql" else None


def schemathesis_command() -> list[str]:
    explicit = os.environ.get("SCHEMATHESIS")
    if explicit:
        return [explicit]
    installed = Path(sys.executable).parent / "schemathesis"  # the test extra's console script
    if not installed.is_file():
        pytest.fail("schemathesis is not installed in the test environment (or set SCHEMATHESIS to its executable)")
    return [str(installed)]


def start(project: Path, spec: dict, env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """`commands.run`, on 127.0.0.1:port (HOST/PORT in the environment, and in the command's words); its
    output goes to `log` (a pipe nobody reads would block the server once full)."""
    words = [("127.0.0.1" if w == "0.0.0.0" else str(port) if w == str(spec["port"]) else w) for w in step_argv(spec, "run") or []]
    with log.open("wb") as out:
        return subprocess.Popen(
            words,
            cwd=project,
            env={**env, "HOST": "127.0.0.1", "PORT": str(port)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


#: how long a server may take to answer its liveness probe: a JVM on a loaded 2-core machine takes 30-40 s
START_TIMEOUT = 120.0


def wait_until_live(url: str, server: subprocess.Popen[bytes]) -> bool:
    """Poll the liveness URL until it answers, the server exits, or START_TIMEOUT passes."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and server.poll() is None:
        try:
            urllib.request.urlopen(url, timeout=1)
            return True
        except OSError:
            time.sleep(0.2)
    return False


def log_tail(log: Path, limit: int = 4000) -> str:
    """The end of the server's output, whose error lines say why a request failed."""
    return log.read_text(errors="replace")[-limit:] if log.is_file() else ""


@pytest.mark.parametrize("sample", STACK_SAMPLES, ids=[p.stem for p in STACK_SAMPLES])
def test_stack_sample_passes_its_own_checks_and_the_contract(sample: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    run([sys.executable, "-m", "expert", "new", str(project), "--answers", str(sample), "--no-input"], cwd=tmp_path)
    decisions, spec = project_stack(project)
    database = decisions["database"]
    admin, name = server_for(database), f"e2e_{uuid.uuid4().hex[:10]}"
    env = toolchain_env(spec, tmp_path / "venv", dict(os.environ))
    missing = None if spec.get("language") == "php" else install_tool_missing(spec, env)
    if missing:
        pytest.fail(f"{missing} is not installed")
    env["DATABASE_URL"] = project_database_url(spec, database, create_database(database, admin, name, tmp_path))
    env["SECRET_KEY"] = uuid.uuid4().hex + uuid.uuid4().hex
    try:
        for step in STEPS:
            argv = offline_php_step(project, spec, step) if spec.get("language") == "php" else step_argv(spec, step)
            if argv:
                run(argv, cwd=project, env=env, timeout=1200)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        live_env = {**env, "TRUSTED_PROXIES": "127.0.0.1"}
        log = tmp_path / "server.log"
        server = start(project, spec, live_env, port, log)
        try:
            if not wait_until_live(f"{base}{spec['health']['live']}", server):
                pytest.fail("the generated app did not start: " + log_tail(log))
            try:
                conformance_against_live_app(project, base, live_env)
                run_schemathesis(
                    [*schemathesis_command(), "run", "openapi.yaml", "--url", base, "--checks", "all", "--max-time", SCHEMATHESIS_SECONDS],
                    cwd=project,
                    env={**live_env, **login(base)},
                )
            except AssertionError as exc:
                alive = "running" if server.poll() is None else f"exited with {server.returncode}"
                raise AssertionError(f"{exc}\n--- server ({alive}) log (tail) ---\n{log_tail(log)}") from None
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
    finally:
        drop_database(database, admin, name)
