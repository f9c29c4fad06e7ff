"""Checks of the Go stack layers (stack/go-gin, stack/go-echo over common/go and data/go-sql): for each
framework and database, the rendered project builds with its own go.mod and go.sum as they are (a missing
go.sum line fails the build), is gofmt-formatted and go vet clean, and its migration executes db/schema.sql's
statements; the SQLite samples also pass their own `go test ./...` (no database server needed). The builds
and the samples' own tests are marked e2e: each compiles a server."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from expert.generators.stack import layer_spec, layers_of
from expert.render_filters import go_camel
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


@pytest.mark.e2e
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


@pytest.mark.e2e
@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("more/*sqlite*.yml")), ids=lambda p: p.stem)
def test_sqlite_sample_passes_its_own_tests(sample: Path, tmp_path: Path) -> None:
    go = _go()
    project = generate_sample(sample, tmp_path / "p")
    out = _run([go, "test", "-count=1", "-v", "./internal/server/"], project, env={"DATABASE_URL": ""})
    assert "--- PASS: TestEveryEntity" in out and "FAIL" not in out, out[-2000:]


def test_the_server_interface_is_generated_by_oapi_codegen_and_checked_current(tmp_path: Path) -> None:
    """internal/api/api.gen.go is oapi-codegen's output for openapi.yaml (its header, one interface method per
    operation), and the project's codegen_check passes as generated, then fails once the file was edited."""
    _go()
    project = generate_sample(BASE_SAMPLE["stack/go-gin"], tmp_path / "p")
    generated = project / "internal/api/api.gen.go"
    text = generated.read_text()
    assert "Code generated by github.com/oapi-codegen/oapi-codegen/v2 version v2.8.2 DO NOT EDIT." in text
    contract = yaml.safe_load((project / "openapi.yaml").read_text())
    interface = text.split("type ServerInterface interface {", 1)[1].split("\n}", 1)[0]
    methods = re.findall(r"^\t(\w+)\(c \*gin\.Context", interface, flags=re.M)
    ids = [op["operationId"] for item in contract["paths"].values() for op in item.values()]
    assert sorted(methods) == sorted(go_camel(i) for i in ids)
    check = ["sh", "-c", layer_spec("stack/go-gin")["commands"]["codegen_check"]]
    _run(check, project)
    generated.write_text(text.replace("GetBook", "FetchBook"))
    done = subprocess.run(check, cwd=project, capture_output=True, text=True)
    assert done.returncode != 0, "an edited api.gen.go passed the check"
    assert generated.read_text() == text, "go generate did not write the file again"


def test_without_go_a_go_stack_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    """The generator cannot run: said in one line before the model is asked, and the destination not created."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("sh", "git"):  # a PATH with what the CLI may call, but no go
        if shutil.which(tool):
            (bin_dir / tool).symlink_to(shutil.which(tool))
    dest = tmp_path / "p"
    argv = [sys.executable, "-m", "expert", "new", str(dest), "--answers", str(BASE_SAMPLE["stack/go-gin"]), "--no-input"]
    done = subprocess.run(argv, capture_output=True, text=True, env={**os.environ, "PATH": str(bin_dir)})
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "Error: go-gin writes internal/api/api.gen.go with `go generate .`, which needs go on PATH: install go, or "
        "choose another framework"
    ], done.stderr
    assert not dest.exists()
