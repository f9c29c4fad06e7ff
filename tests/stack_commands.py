"""A generated project's own commands, as its README gives them, and a fresh database for its DATABASE_URL.

Shared by the end-to-end tests (tests/test_e2e_stacks.py) and the time-to-green benchmark (bench/time_to_green.py),
so that both run exactly what a developer runs: the stack's `layer.yml` commands in order, in the stack's toolchain
(a virtual environment for Python), against an empty database made for the run. Nothing here depends on pytest:
the tests turn a missing server into a skip, the benchmark into one error line.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from expert.generators.stack import layers_of, select_stack

#: the commands a stack's layer.yml may list, in the order a developer runs them (`run` is started last)
STEPS = ("install", "build", "lint", "format_check", "codegen_check", "typecheck", "migrate", "test")
#: the environment variables naming an admin URL per database server (scripts/test.sh sets both)
SERVER_ENV = {"postgresql": "E2E_DATABASE_URL", "mysql": "E2E_MYSQL_URL"}


#: how long schemathesis fuzzes each live app in the end-to-end tests (seconds; it stops sooner when it has run
#: every example): 30 in CI keeps the suite in its budget, E2E_SCHEMATHESIS_SECONDS=300 for a deeper run
SCHEMATHESIS_SECONDS = os.environ.get("E2E_SCHEMATHESIS_SECONDS", "30")


def project_stack(project: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The decisions a generated project was made from (its .backend-expert.yml), and its stack's layer.yml."""
    decisions = yaml.safe_load((project / ".backend-expert.yml").read_text())["decisions"]
    return decisions, select_stack(decisions).spec


def generate_sample(sample: Path, project: Path, replace: dict[str, str] | None = None) -> Path:
    """`backend-expert new project` from a sample answers file, some of its answers replaced first (the answers
    file written beside the project); a refusal raises with the command's error output."""
    answers = yaml.safe_load(sample.read_text())
    answers["answers"].update(replace or {})
    answers_file = project.parent / f"{'-'.join([sample.stem, *(replace or {}).values()])}.yml"
    answers_file.write_text(yaml.safe_dump(answers))
    argv = [sys.executable, "-m", "expert", "new", str(project), "--answers", str(answers_file), "--no-input"]
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"backend-expert new failed on {answers_file}:\n{done.stderr[-2000:]}")
    return project


def sample_stack(sample: Path) -> str | None:
    """The stack layer a sample answers file pins through its language and framework answers, if any."""
    answers = yaml.safe_load(sample.read_text())["answers"]
    for layer in layers_of("stack"):
        spec = layer.spec
        if spec.get("framework") == answers.get("framework") and spec.get("language") == answers.get("language"):
            return layer.name
    return None


def install_tool_missing(spec: dict[str, Any], env: dict[str, str]) -> str | None:
    """The program of `commands.install` when it is not on PATH (None when it is there, or is the project's own
    wrapper such as ./mvnw, which comes with the generated files)."""
    program = (step_argv(spec, "install") or ["commands.install"])[0]
    if "/" in program or shutil.which(program, path=env.get("PATH")) is not None:
        return None
    return program


def step_argv(spec: dict[str, Any], step: str) -> list[str] | None:
    """`commands.<step>` of a stack as an argv, or None when the stack has no such step."""
    command = (spec.get("commands") or {}).get(step)
    return shlex.split(command) if command else None


def toolchain_env(spec: dict[str, Any], where: Path, env: dict[str, str]) -> dict[str, str]:
    """The environment the stack's commands run in. Python: a new virtual environment in `where` ("python3 -m venv
    .venv; . .venv/bin/activate", as its README says), first on PATH; other toolchains run from PATH as they are."""
    if (spec.get("toolchain") or {}).get("name") != "python":
        offline = dict(env)
        if (spec.get("toolchain") or {}).get("name") == "rust":
            # one cargo build directory for every run, outside the clone (a cold build of a starter is minutes)
            offline.setdefault("CARGO_TARGET_DIR", str(Path.home() / ".cache" / "backend-expert" / "cargo-target"))
        # the Prisma CLI downloads its schema engine even for `prisma generate`, which never runs it: offline,
        # any existing file stands in for it (data/node-prisma's README note)
        offline.setdefault("PRISMA_SCHEMA_ENGINE_BINARY", shutil.which("false") or "/bin/false")
        return offline
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True, capture_output=True)
    activated = {**env, "VIRTUAL_ENV": str(where), "PATH": f"{where / 'bin'}{os.pathsep}{env.get('PATH', '')}"}
    activated["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    activated.pop("PYTHONPATH", None)  # the project's own packages only, not this checkout's
    return activated


def server_url(database: str) -> str | None:
    """The admin URL of the server for `database` from the environment (None for SQLite, or when it is not set)."""
    name = SERVER_ENV.get(database)
    return (os.environ.get(name) or None) if name else None


def create_database(database: str, server: str | None, name: str, where: Path) -> str:
    """A new, empty database `name` on `server` (an admin URL), as a plain URL (postgresql://, mysql://, sqlite:///);
    SQLite: a file in `where`."""
    if database == "sqlite":
        return f"sqlite:///{where / f'{name}.db'}"
    if server is None:
        raise ValueError(f"{SERVER_ENV[database]} is not set: a database={database} project needs a server")
    plain = _plain(server).rstrip("/")
    if database == "postgresql":
        execute(server, f"CREATE DATABASE {name}")
        return f"{plain.rsplit('/', 1)[0]}/{name}"  # the admin URL names the database it connects to
    execute(server, f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
    return f"{plain}/{name}"


def drop_database(database: str, server: str | None, name: str) -> None:
    """Drop what create_database made (SQLite files go with their folder)."""
    if database == "postgresql" and server:
        execute(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    elif database == "mysql" and server:
        execute(server, f"DROP DATABASE IF EXISTS {name}")


def project_database_url(spec: dict[str, Any], database: str, url: str) -> str:
    """A plain database URL in the form the stack reads: the scheme (driver) and query of its own example
    (`env.DATABASE_URL.example_<database>` in layer.yml, the one its .env.example shows), e.g.
    postgresql+psycopg:// for SQLAlchemy, postgresql:// for node-postgres."""
    example = ((spec.get("env") or {}).get("DATABASE_URL") or {}).get(f"example_{database}")
    if not example or database == "sqlite":
        return url
    scheme, query = example.split("://", 1)[0], example.partition("?")[2]
    rest = url.split("://", 1)[1]
    return f"{scheme}://{rest}{'?' + query if query and '?' not in rest else ''}"


def _plain(url: str) -> str:
    """postgresql+psycopg://, mysql+pymysql:// or mariadb:// as the plain scheme (postgresql://, mysql://)."""
    scheme, rest = url.split("://", 1)
    scheme = scheme.split("+", 1)[0]
    return f"{'mysql' if scheme == 'mariadb' else scheme}://{rest}"


def execute(server: str, sql: str) -> None:
    """One statement on `server` (an admin URL) outside a transaction (CREATE/DROP DATABASE), through
    SQLAlchemy's psycopg or PyMySQL driver."""
    import sqlalchemy as sa

    plain = _plain(server)
    scheme, rest = plain.split("://", 1)
    if scheme == "mysql":
        driver_url = f"mysql+pymysql://{rest.rstrip('/')}/"
    else:
        driver_url = f"postgresql+psycopg://{rest}"
    engine = sa.create_engine(driver_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(sql)
    finally:
        engine.dispose()
