"""Fast checks of the Go stack layers (stack/go-gin, stack/go-echo over common/go and data/go-sql): for each
framework and database, the rendered project builds with its own go.mod and go.sum as they are (a missing
go.sum line fails the build), is gofmt-formatted and go vet clean, and its migration executes db/schema.sql's
statements; the SQLite samples also pass their own `go test ./...` (no database server needed)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from expert.generators.stack import layer_spec, layers_of
from tests.stack_commands import generate_sample

GO_STACKS = [layer.name for layer in layers_of("stack") if (layer.spec.get("toolchain") or {}).get("name") == "go"]
SAMPLES = Path(__file__).parent / "samples" / "go"
BASE_SAMPLE = {"stack/go-gin": SAMPLES / "gin-postgresql.yml", "stack/go-echo": SAMPLES / "echo-mysql.yml"}
COMBINATIONS = [(stack, database) for stack in GO_STACKS for database in layer_spec(stack)["supports"]["database"]]


def _go() -> str:
    go = shutil.which("go")
    if go is None:
        pytest.fail("the Go toolchain (go 1.26) is not installed")
    return go


def _run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env={**os.environ, "GOFLAGS": "-mod=readonly", **(env or {})})
    assert done.returncode == 0, f"{' '.join(argv)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def test_both_frameworks_are_go_stacks() -> None:
    assert sorted(GO_STACKS) == ["stack/go-echo", "stack/go-gin"]


@pytest.mark.parametrize(("stack", "database"), COMBINATIONS, ids=["-".join(c).removeprefix("stack/") for c in COMBINATIONS])
def test_rendered_project_builds_gofmt_and_vet_clean(stack: str, database: str, tmp_path: Path) -> None:
    go = _go()
    project = generate_sample(BASE_SAMPLE[stack], tmp_path / "p", {"database": database})
    _run([go, "build", "-o", str(tmp_path / "server"), "./cmd/server"], project)  # go.sum complete for this database
    assert _run(["gofmt", "-l", "."], project).strip() == "", "files are not gofmt-formatted"
    _run([go, "vet", "./..."], project)
    drivers = {"postgresql": "github.com/jackc/pgx/v5", "mysql": "github.com/go-sql-driver/mysql", "sqlite": "modernc.org/sqlite"}
    required = (project / "go.mod").read_text()
    assert all((f"\t{module} " in required) == (name == database) for name, module in drivers.items()), "go.mod requires another driver"


@pytest.mark.parametrize(("stack", "database"), COMBINATIONS[:1] + COMBINATIONS[-1:], ids=["gin-postgresql", "echo-sqlite"])
def test_migration_executes_the_schema_statements(stack: str, database: str, tmp_path: Path) -> None:
    from expert.generators.blueprint import schema_statements

    project = generate_sample(BASE_SAMPLE[stack], tmp_path / "p", {"database": database})
    migration = (project / "internal/store/migrations/00001_initial.sql").read_text()
    up = migration.split("-- +goose Down", 1)[0]
    executed = re.findall(r"-- \+goose StatementBegin\n(.*?);\n-- \+goose StatementEnd", up, flags=re.S)
    assert executed == schema_statements((project / "db/schema.sql").read_text())


def test_shared_modules_are_pinned_alike() -> None:
    """A module both frameworks require is pinned at the same version in both go.mod templates."""
    from expert.render import TEMPLATES_DIR

    pins = {}
    for stack in GO_STACKS:
        text = (TEMPLATES_DIR / stack / "{{cookiecutter.project_slug}}" / "go.mod").read_text()
        pins[stack] = dict(re.findall(r"^\t(\S+) (v\S+)", text, flags=re.M))
    gin, echo = pins["stack/go-gin"], pins["stack/go-echo"]
    differing = {m: (gin[m], echo[m]) for m in gin.keys() & echo.keys() if gin[m] != echo[m]}
    assert not differing, differing


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("more/*sqlite*.yml")), ids=lambda p: p.stem)
def test_sqlite_sample_passes_its_own_tests(sample: Path, tmp_path: Path) -> None:
    go = _go()
    project = generate_sample(sample, tmp_path / "p")
    out = _run([go, "test", "-count=1", "-v", "./internal/server/"], project, env={"DATABASE_URL": ""})
    assert "--- PASS: TestEveryEntity" in out and "FAIL" not in out, out[-2000:]
