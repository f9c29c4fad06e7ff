"""Fast checks of the python-flask stack: every Flask sample renders into a whole project whose Python
parses and passes ruff, whose marshmallow schemas are the contract's components, whose views are named after
the contract's operationIds, and whose layer.yml says where each decision it implements lives."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from expert.generators import blueprint
from expert.generators.stack import layer_spec

SAMPLES = sorted((Path(__file__).parent / "samples" / "python").glob("**/flask-*.yml"))
STACK = "stack/python-flask"


def render(sample: Path, into: Path) -> tuple[Path, dict]:
    """The whole project of a sample (stack, container, CI, docs layers) and its render context."""
    from expert.answers import load_answers, resolve_project
    from expert.consult import Consultant
    from expert.knowledge import load_knowledge
    from expert.output import build_tree

    kb = load_knowledge(())
    answers = load_answers(sample, kb)
    result = Consultant(kb).run(dict(answers.answers))
    plan = blueprint.build_blueprint(resolve_project(answers.project, sample.stem), result, kb, "en", answers.entities)
    project = into / "p"
    build_tree(plan, project, into / "scratch")
    return project, plan.layers[0][1]


@pytest.fixture(params=SAMPLES, ids=[p.stem for p in SAMPLES])
def project(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, dict]:
    return render(request.param, tmp_path)


def test_there_are_flask_samples_for_both_auth_schemes() -> None:
    schemes = {yaml.safe_load(p.read_text())["answers"]["auth"] for p in SAMPLES}
    assert schemes == {"jwt", "session-cookie"}


def test_the_python_parses_and_passes_ruff(project: tuple[Path, dict]) -> None:
    root, _ = project
    for source in root.rglob("*.py"):
        ast.parse(source.read_text(encoding="utf-8"), str(source))
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(ruff).is_file():
        pytest.fail("ruff is not installed: it is a test dependency (pyproject.toml)")
    for argv in ([ruff, "check", "."], [ruff, "format", "--check", "."]):
        done = subprocess.run(argv, cwd=root, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-1000:]


def test_the_schemas_are_the_contracts_components(project: tuple[Path, dict]) -> None:
    root, _ = project
    contract = yaml.safe_load((root / "openapi.yaml").read_text())
    tree = ast.parse((root / "app" / "schemas.py").read_text())
    classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    components = set(contract["components"]["schemas"])  # Problem too: the error responses' body
    assert components <= classes, components - classes
    # the other classes are the list operations' query strings
    assert all(name.endswith("Query") for name in classes - components), classes - components


def test_every_operation_has_its_view(project: tuple[Path, dict]) -> None:
    root, context = project
    contract = yaml.safe_load((root / "openapi.yaml").read_text())
    operation_ids = {op["operationId"] for item in contract["paths"].values() for op in item.values()}
    views = {
        node.name
        for source in (root / "app" / "api").glob("*.py")
        for node in ast.walk(ast.parse(source.read_text()))
        if isinstance(node, ast.FunctionDef)
    }
    fixed = {o for o in operation_ids if o.startswith(("auth_", "health_")) or o == "users_me"}
    assert fixed <= views, fixed - views
    assert ("auth_refresh" in operation_ids) == (context["auth"] == "jwt")
    # the resources' views are registered under their operationIds (app/api/resources.py builds the names)
    resources = (root / "app" / "api" / "resources.py").read_text()
    for prefix in ("list_", "create_", "get_", "update_", "delete_"):
        assert f'f"{prefix}{{resource.' in resources
        assert any(o.startswith(prefix) for o in operation_ids - fixed)


def test_the_run_command_leaves_the_address_to_gunicorn_conf(project: tuple[Path, dict]) -> None:
    root, _ = project
    spec = layer_spec(STACK)
    assert spec["commands"]["run"] == "gunicorn app.wsgi:app"
    conf = (root / "gunicorn.conf.py").read_text()
    assert "HOST" in conf and "PORT" in conf and 'worker_class = "sync"' in conf
    dockerfile = (root / "Dockerfile").read_text()
    assert "gunicorn" in dockerfile and "python:3.12-slim" in dockerfile


def test_implemented_decisions_name_files_that_exist(project: tuple[Path, dict]) -> None:
    root, context = project
    for key, where in layer_spec(STACK)["implements"].items():
        value = context["decisions"].get(key)
        if value not in where:
            continue
        for path in (part.split(" ")[0].rstrip(",") for part in where[value].split(", ")):
            if not path.startswith("/") and ("/" in path or path.endswith((".py", ".yaml", ".toml"))):
                assert (root / path).exists(), (key, value, path)
