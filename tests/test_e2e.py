"""End to end: generate each sample in tests/samples/, then run the generated project's OWN install,
linters, migrations, test suite (against a real PostgreSQL, MySQL/MariaDB or SQLite), validators and
schemathesis.

Needs E2E_DATABASE_URL (a PostgreSQL admin URL that may create databases) and, for database=mysql
samples, E2E_MYSQL_URL (e.g. mysql://expert:expert@127.0.0.1:3306); scripts/test.sh provides both.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import yaml

from tests.conftest import SAMPLES
from tests.stack_commands import SCHEMATHESIS_SECONDS

pytestmark = pytest.mark.e2e
#: the python-fastapi samples (CI runs tests/samples/*.yml; more/ too when E2E_ALL=1: what they add, another
#: sample covers in CI, and the fast tests render them all)
SAMPLE_FILES = sorted([*SAMPLES.glob("*.yml"), *(SAMPLES.glob("more/*.yml") if os.environ.get("E2E_ALL") else [])])


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 900) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return proc.stdout


#: the header of schemathesis's report of failing cases (each with its checks, the response and a curl to replay it)
_FAILURES_HEADER = re.compile(r"^=+ FAILURES =+$", re.M)


def run_schemathesis(cmd: list[str], cwd: Path, env: dict[str, str]) -> str:
    """`schemathesis run ...`; when it fails, the error holds its report from the FAILURES header to the end (every
    failing case, then the warnings and the summary), or its whole output when it has none (a configuration error):
    a fixed-size tail would cut off the failing cases, which come first."""
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    out = proc.stdout
    if proc.returncode == 0 and ("No issues found" in out or " passed" in out):
        return out
    header = _FAILURES_HEADER.search(out)
    report = out[header.start() :] if header else out
    raise AssertionError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{report}\n{proc.stderr}")


def admin_url() -> str:
    url = os.environ.get("E2E_DATABASE_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("E2E_DATABASE_URL is not set: scripts/test.sh sets it after starting PostgreSQL")
        pytest.skip("E2E_DATABASE_URL is not set (run scripts/test.sh, which starts PostgreSQL)")
    return url


def mysql_url() -> str:
    """E2E_MYSQL_URL: a MySQL/MariaDB server URL whose user may create databases, e.g.
    mysql://expert:expert@127.0.0.1:3306 (scripts/test.sh starts MariaDB and creates that user)."""
    url = os.environ.get("E2E_MYSQL_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("E2E_MYSQL_URL is not set: scripts/test.sh sets it after starting MariaDB")
        pytest.skip("E2E_MYSQL_URL is not set (a database=mysql sample needs a MySQL/MariaDB server)")
    for prefix in ("mysql://", "mariadb://"):
        if url.startswith(prefix):
            url = "mysql+pymysql://" + url[len(prefix) :]
    return url.rstrip("/")


def mysql(url: str, sql: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url + "/", isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(sql)
    finally:
        engine.dispose()


def psql(url: str, sql: str) -> None:
    subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True, capture_output=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=[p.stem for p in SAMPLE_FILES])
def test_generated_project_passes_its_own_checks(sample: Path, tmp_path: Path) -> None:
    url = admin_url()
    project = tmp_path / "project"
    run([sys.executable, "-m", "expert", "new", str(project), "--answers", str(sample), "--no-input"], cwd=tmp_path)
    saved = yaml.safe_load((project / ".backend-expert.yml").read_text())
    database = saved["decisions"]["database"]
    if database == "mysql":
        mysql_url()  # skip (or fail in CI) before installing anything

    # its own validators (the same ones `backend-expert validate` runs): nothing fails
    from expert.validate import validate_tree

    failures = [r for r in validate_tree(project) if r.status == "fail"]
    assert not failures, failures

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    py = str(venv / "bin" / "python")
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}:{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    run([py, "-m", "pip", "install", "--quiet", "-e", ".[dev]"], cwd=project, env=env)
    run([py, "-m", "ruff", "check", "."], cwd=project, env=env)
    run([py, "-m", "ruff", "format", "--check", "."], cwd=project, env=env)

    dbname = f"e2e_{uuid.uuid4().hex[:10]}"
    if database == "postgresql":
        psql(url, f"CREATE DATABASE {dbname}")
        base = url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
        env["DATABASE_URL"] = f"{base}/{dbname}"
    elif database == "mysql":
        server = mysql_url()
        mysql(server, f"CREATE DATABASE {dbname} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
        env["DATABASE_URL"] = f"{server}/{dbname}?charset=utf8mb4"
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'app.db'}"
    env["SECRET_KEY"] = uuid.uuid4().hex + uuid.uuid4().hex
    try:
        run([py, "-m", "alembic", "upgrade", "head"], cwd=project, env=env)
        out = run([py, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project, env=env)
        assert " passed" in out and " failed" not in out, out
        schemathesis_against_live_app(project, py, env)
    finally:
        if database == "postgresql":
            psql(url, f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")
        elif database == "mysql":
            mysql(mysql_url(), f"DROP DATABASE IF EXISTS {dbname}")


def login(base: str) -> dict[str, str]:
    """Register and log in as the project's README shows; return schemathesis's credential variables."""
    body = json.dumps({"email": "st@example.com", "password": "schemathesis-password"}).encode()
    headers = {"Content-Type": "application/json"}
    urllib.request.urlopen(urllib.request.Request(f"{base}/api/v1/auth/register", body, headers), timeout=10)
    response = urllib.request.urlopen(urllib.request.Request(f"{base}/api/v1/auth/login", body, headers), timeout=10)
    data = json.loads(response.read())
    if "access_token" in data:
        return {"ST_TOKEN": data["access_token"]}
    cookies = [c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or []]
    session = next(c.split("=", 1)[1] for c in cookies if c.startswith("session="))
    return {"ST_SESSION": session, "ST_CSRF": data["csrf_token"]}


def run_command(project: Path, port: int, bindir: Path) -> list[str]:
    """The stack's own run command (its layer.yml, as the project's README gives it), on 127.0.0.1:port."""
    from expert.generators.stack import select_stack

    decisions = yaml.safe_load((project / ".backend-expert.yml").read_text())["decisions"]
    spec = select_stack(decisions).spec
    words = spec["commands"]["run"].split()
    words = ["127.0.0.1" if w == "0.0.0.0" else str(port) if w == str(spec["port"]) else w for w in words]
    return [str(bindir / words[0]), *words[1:]]


def conformance_against_live_app(project: Path, base: str, env: dict[str, str]) -> None:
    """The cross-stack conformance suite (tests/conformance), unchanged for every stack, against the live app."""
    suite_env = {
        **os.environ,
        "CONFORMANCE_BASE_URL": base,
        "CONFORMANCE_PROJECT": str(project),
        "CONFORMANCE_SECRET": env["SECRET_KEY"],
    }
    suite = Path(__file__).parent / "conformance"
    out = run([sys.executable, "-m", "pytest", str(suite), "-q", "-p", "no:cacheprovider"], cwd=suite.parents[1], env=suite_env)
    assert " passed" in out and " failed" not in out, out[-3000:]


def schemathesis_against_live_app(project: Path, py: str, env: dict[str, str]) -> None:
    """Start the app as its README says, run the conformance suite, then schemathesis with the shipped openapi.yaml."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # the conformance suite simulates many clients through X-Forwarded-For from a trusted local proxy
    env = {**env, "TRUSTED_PROXIES": "127.0.0.1"}
    server = subprocess.Popen(
        run_command(project, port, Path(py).parent),
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/health/live", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the generated app did not start: " + (server.stderr.read().decode() if server.stderr else ""))
        try:
            conformance_against_live_app(project, base, env)
        except AssertionError as exc:  # the server's own log says why a request failed
            os.killpg(server.pid, signal.SIGTERM)
            log = server.communicate(timeout=10)[1].decode(errors="replace") if server.stderr else ""
            raise AssertionError(f"{exc}\n--- server log (tail) ---\n{log[-4000:]}") from None
        credentials = login(base)
        schemathesis = str(Path(py).parent / "schemathesis")
        run_schemathesis(
            [schemathesis, "run", "openapi.yaml", "--url", base, "--checks", "all", "--max-time", SCHEMATHESIS_SECONDS],
            cwd=project,
            env={**env, **credentials},
        )
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
