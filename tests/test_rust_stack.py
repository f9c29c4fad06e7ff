"""Fast checks of the Rust stack layer (stack/rust-axum over data/rust-sqlx): for each database, the rendered
project is rustfmt-formatted, its committed Cargo.lock is the one its Cargo.toml resolves to (`cargo metadata
--locked` refuses a lock that needs an update), its migration executes db/schema.sql's statements, and its
model and test model are the generator's. Compiling, clippy and `cargo test` run in the e2e test
(tests/test_e2e_stacks.py), which shares one CARGO_TARGET_DIR across runs."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from expert.generators.blueprint import schema_statements
from expert.generators.stack import layer_spec
from tests.stack_commands import generate_sample

STACK = "stack/rust-axum"
SAMPLES = Path(__file__).parent / "samples" / "rust"
BASE_SAMPLE = SAMPLES / "axum-postgresql.yml"
DATABASES = layer_spec(STACK)["supports"]["database"]


def _cargo() -> str:
    cargo = shutil.which("cargo")
    if cargo is None:
        pytest.fail("the Rust toolchain (cargo, rustfmt) is not installed")
    return cargo


def _run(argv: list[str], cwd: Path) -> str:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, f"{' '.join(argv)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.mark.parametrize("database", DATABASES)
def test_rendered_project_is_formatted_and_locked(database: str, tmp_path: Path) -> None:
    auth = {"auth": "session-cookie"} if database == "sqlite" else {}
    project = generate_sample(BASE_SAMPLE, tmp_path / "p", {"database": database, **auth})
    cargo = _cargo()
    _run([cargo, "fmt", "--check"], project)
    metadata = json.loads(_run([cargo, "metadata", "--locked", "--format-version", "1"], project))
    feature = {"postgresql": "postgres", "mysql": "mysql", "sqlite": "sqlite"}[database]
    (package,) = [p for p in metadata["packages"] if p["name"] == "server"]
    assert package["features"]["default"] == [feature]


def test_migration_is_the_schema(tmp_path: Path) -> None:
    project = generate_sample(BASE_SAMPLE, tmp_path / "p", {"database": "postgresql"})
    statements = schema_statements((project / "db" / "schema.sql").read_text())
    migration = (project / "migrations" / "0001_initial.sql").read_text()
    assert statements
    assert [line for line in migration.splitlines() if not line.startswith("--")] == "\n".join(f"{s};" for s in statements).splitlines()


def test_model_files_are_the_generators(tmp_path: Path) -> None:
    project = generate_sample(BASE_SAMPLE, tmp_path / "p", {"database": "mysql"})
    model = json.loads((project / "src" / "model.json").read_text())
    test_model = json.loads((project / "tests" / "data" / "model.json").read_text())
    assert model["database"] == "mysql" and model["auth"] == "jwt" and model["id_kind"] == "uuid"
    assert sorted(e["url"] for e in model["entities"]) == sorted(e["url"] for e in test_model["entities"])
    contract = yaml.safe_load((project / "openapi.yaml").read_text())
    operation_ids = {op["operationId"] for item in contract["paths"].values() for op in item.values()}
    for entity in model["entities"]:
        assert set(entity["operations"].values()) <= operation_ids, entity["name"]
