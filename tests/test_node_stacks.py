"""Fast checks of the Node.js stack layers: the stored package locks match the package.json each
combination renders (npm ci refuses a lock that does not), and a generated tree is complete and
consistent with its contract."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from expert.generators import blueprint
from expert.generators.stack import layer_spec, layers_of
from expert.render import TEMPLATES_DIR
from scripts.node_locks import LOCK_NAME, NAME_TEMPLATE, package_json

NODE_STACKS = [layer.name for layer in layers_of("stack") if layer.spec.get("toolchain", {}).get("name") == "node"]
COMBINATIONS = [
    (stack, orm, database)
    for stack in NODE_STACKS
    for orm in layer_spec(stack)["supports"]["orm"]
    for database in layer_spec(stack)["supports"]["database"]
]
SAMPLES = Path(__file__).parent / "samples"


@pytest.mark.parametrize(("stack", "orm", "database"), COMBINATIONS, ids=["-".join(c) for c in COMBINATIONS])
def test_stored_lock_matches_its_package_json(stack: str, orm: str, database: str) -> None:
    lock_file = TEMPLATES_DIR / stack / "templates" / "locks" / f"{orm}-{database}.json"
    assert lock_file.is_file(), f"{lock_file} is missing: run scripts/node_locks.py"
    lock = json.loads(lock_file.read_text(encoding="utf-8").replace(NAME_TEMPLATE, json.dumps(LOCK_NAME)))
    package = package_json(stack, orm, database)
    root = lock["packages"][""]
    for key in ("dependencies", "devDependencies"):
        assert root.get(key, {}) == package[key], f"{lock_file.name}: {key} differ from package.json: run scripts/node_locks.py"
    # every pinned package is locked at exactly that version
    for name, version in {**package["dependencies"], **package["devDependencies"]}.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version, name
    for name, version in package.get("overrides", {}).items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version, name


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("node/**/*.yml")), ids=lambda p: p.stem)
def test_generated_tree_serves_its_contract(sample: Path, tmp_path: Path) -> None:
    from expert.answers import load_answers, resolve_project
    from expert.consult import Consultant
    from expert.knowledge import load_knowledge
    from expert.output import build_tree

    kb = load_knowledge(())
    answers = load_answers(sample, kb)
    result = Consultant(kb).run(dict(answers.answers))
    plan = blueprint.build_blueprint(resolve_project(answers.project, sample.stem), result, kb, "en", answers.entities)
    project = tmp_path / "p"
    build_tree(plan, project, tmp_path / "scratch")  # the whole project: stack, data, container, CI, docs layers
    package = json.loads((project / "package.json").read_text())
    lock = json.loads((project / "package-lock.json").read_text())
    assert lock["name"] == package["name"] == lock["packages"][""]["name"]
    contract = yaml.safe_load((project / "openapi.yaml").read_text())
    operation_ids = {op["operationId"] for item in contract["paths"].values() for op in item.values()}
    model = (project / "src" / "model.ts").read_text()
    named = set(re.findall(r'(?:list|create|get|update|remove): "([a-z0-9_]+)"', model))
    assert named and named <= operation_ids, named - operation_ids
    # every auth operation is checked against the contract by the framework's routes (by its operationId)
    routes = "".join(p.read_text() for p in (project / "src").glob("*.ts"))
    auth_operations = {o for o in operation_ids if o.startswith("auth_") or o == "users_me"}
    assert {"auth_register", "auth_login", "auth_logout", "auth_change_password", "users_me"} <= auth_operations
    assert ("auth_refresh" in auth_operations) == (plan.layers[0][1]["auth"] == "jwt")
    for operation in sorted(auth_operations):
        assert f'"{operation}"' in routes, operation
    data = plan.layers[0][1]["data"]
    migration = (project / data.get("first_migration", "src/migrations/0001-initial.ts")).read_text()
    tables = re.findall(r"^CREATE TABLE (\w+)", (project / "db" / "schema.sql").read_text(), re.MULTILINE)
    assert "users" in tables and "auth_sessions" in tables
    for table in tables:
        assert f"CREATE TABLE {table} (" in migration, f"the migration does not create {table} as db/schema.sql does"
    # the cross-language layers built it from the stack's layer.yml: its image, its commands, its validators pass
    from expert.validate import FAIL, validate_tree

    spec = plan.layers[0][1]["stack"]
    dockerfile = (project / "Dockerfile").read_text()
    assert f"FROM {spec['docker']['build_image']}@sha256:" in dockerfile
    assert f"CMD {json.dumps(spec['docker']['run_argv'])}" in dockerfile
    workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())
    test_runs = [step["run"] for step in workflow["jobs"]["test"]["steps"] if "run" in step]
    # the test step runs the tests, with the coverage gate when the decisions set one
    threshold = str(plan.layers[0][1]["decisions"].get("coverage_threshold") or "")
    gate = f"{spec['coverage']['command']} {spec['coverage']['fail_under'].format(percent=threshold[4:])}"
    test_step = gate if threshold.startswith("min-") else spec["commands"]["test"]
    assert [spec["commands"]["build"], spec["commands"]["migrate"], test_step] == test_runs[-3:]
    failed = [str(result) for result in validate_tree(project) if result.status == FAIL]
    assert not failed, failed
