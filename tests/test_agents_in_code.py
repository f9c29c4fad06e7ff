"""The agents change the generated code, not only the docs: render the python-fastapi starter with different
decisions (pinned with --set) and check that each decision's code appears, or does not.

Whether the rendered code then passes its own lint, tests and schemathesis is test_e2e's job."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import tomllib
import yaml
from click.testing import CliRunner

from expert.cli import cli
from expert.generators.openapi import build_openapi
from expert.model import default_entities
from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "orders-api.yml"  # api_exposure=external, rate_limiting=app-level, cache=none, min-80


def generate(dest: Path, *pins: str) -> Path:
    args = ["new", str(dest), "--answers", str(SAMPLE), "--no-input"]
    for pin in pins:
        args += ["--set", pin]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for path in dest.rglob("*.py"):
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return dest


def read(root: Path, rel: str) -> str:
    return (root / rel).read_text(encoding="utf-8")


def dependencies(root: Path) -> str:
    project = tomllib.loads(read(root, "pyproject.toml"))["project"]
    return " ".join(project["dependencies"] + project["optional-dependencies"]["dev"])


def auth_responses(root: Path, operation: str) -> dict:
    return yaml.safe_load(read(root, "openapi.yaml"))["paths"][f"/api/v1/auth/{operation}"]["post"]["responses"]


def login_responses(root: Path) -> dict:
    return auth_responses(root, "login")


def generated_section(root: Path) -> str:
    text = read(root, "docs/architecture.md")
    return text.split("## Where the decisions are in the code", 1)[1].split("## ", 1)[0]


@pytest.fixture(scope="module")
def default(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("default") / "out")


def test_security_headers_cors_audit_and_metrics_are_always_wired(default: Path) -> None:
    main = read(default, "app/main.py")
    assert "install(app, settings)" in main
    middleware = read(default, "app/middleware.py")
    assert "X-Content-Type-Options" in middleware
    assert "CORSMiddleware" in middleware  # api_exposure = external
    assert "CORS_ALLOW_ORIGINS=" in read(default, ".env.example")
    assert 'getLogger("audit")' in read(default, "app/audit.py")
    assert '"login_failed",' in read(default, "app/api/auth.py")
    assert '"http_request_duration_seconds"' in read(default, "app/metrics.py")
    assert "include_in_schema=False" in read(default, "app/metrics.py")
    assert "prometheus-client==" in dependencies(default)
    assert "test_responses_carry_security_headers" in read(default, "tests/test_hardening.py")


def test_app_level_rate_limiting_throttles_login_and_registration(default: Path) -> None:
    assert "class TokenBucket" in read(default, "app/ratelimit.py")
    assert "class RedisWindow" not in read(default, "app/ratelimit.py")
    assert "AUTH_LIMITS = [Depends(limit_auth)]" in read(default, "app/api/auth.py")
    assert login_responses(default)["429"]["headers"]["Retry-After"]["schema"] == {"type": "integer"}
    spec = yaml.safe_load(read(default, "openapi.yaml"))
    assert "429" in spec["paths"]["/api/v1/auth/register"]["post"]["responses"]
    assert "429" not in spec["paths"]["/api/v1/users/me"]["get"]["responses"]
    assert 'os.environ.setdefault("RATE_LIMIT_ENABLED", "false")' in read(default, "tests/conftest.py")
    assert "`rate_limiting = app-level`: app/ratelimit.py" in generated_section(default)


def test_rate_limiting_at_the_gateway_removes_the_limiter(tmp_path: Path) -> None:
    root = generate(tmp_path / "out", "rate_limiting=gateway")
    assert not (root / "app" / "ratelimit.py").exists()
    assert "limit_auth" not in read(root, "app/api/auth.py")
    assert "429" not in auth_responses(root, "register")
    # the per-account login backoff stays: a gateway cannot count failures per account
    assert "429" in login_responses(root)
    assert "RATE_LIMIT" not in read(root, "tests/conftest.py") + read(root, ".env.example")
    assert "`rate_limiting = gateway`" in read(root, "docs/architecture.md").split("## Advice for later")[1]


def test_redis_rate_limiting_shares_the_counters(tmp_path: Path) -> None:
    root = generate(tmp_path / "out", "rate_limiting=redis")
    assert "class RedisWindow" in read(root, "app/ratelimit.py")
    assert "redis==" in dependencies(root)
    assert "REDIS_URL=" in read(root, ".env.example")
    assert "429" in login_responses(root)


def test_no_cache_means_no_redis(default: Path) -> None:
    assert not (default / "app" / "cache.py").exists()
    assert "redis" not in dependencies(default)
    assert "REDIS_URL" not in read(default, ".env.example")
    assert "get_cache" not in read(default, "app/api/users.py")


def test_a_redis_cache_adds_the_cache_layer(tmp_path: Path) -> None:
    root = generate(tmp_path / "out", "cache=redis")
    cache = read(root, "app/cache.py")
    assert "def get_or_set" in cache and "redis.RedisError" in cache  # cache-aside, failing open
    assert "get_cache().get_or_set" in read(root, "app/api/users.py")
    assert "REDIS_URL=redis://" in read(root, ".env.example")
    assert "redis==" in dependencies(root)
    assert "def empty_cache" in read(root, "tests/conftest.py")
    assert "test_the_cache_fails_open_when_redis_is_down" in read(root, "tests/test_hardening.py")
    assert "redis:7.4-alpine" in read(root, ".github/workflows/ci.yml")
    assert "`cache = redis`: app/cache.py" in generated_section(root)


def test_tracing_is_generated_only_when_decided(default: Path, tmp_path: Path) -> None:
    assert not (default / "app" / "tracing.py").exists()
    assert "opentelemetry" not in dependencies(default)
    root = generate(tmp_path / "out", "tracing=opentelemetry")
    assert "OTEL_EXPORTER_OTLP_ENDPOINT" in read(root, "app/tracing.py")
    assert "configure_tracing(app)" in read(root, "app/middleware.py")
    assert "opentelemetry-sdk==" in dependencies(root)
    assert "`tracing = opentelemetry`: app/tracing.py" in generated_section(root)


def test_an_internal_api_gets_no_cors(tmp_path: Path) -> None:
    root = generate(tmp_path / "out", "api_exposure=internal-only", "api_style=rest")
    assert "CORSMiddleware" not in read(root, "app/middleware.py")
    assert "cors_allow_origins" not in read(root, "app/config.py")
    assert "CORS" not in read(root, ".env.example")
    assert "X-Content-Type-Options" in read(root, "app/middleware.py")


@pytest.mark.parametrize(("ci", "threshold"), [("github-actions", "80"), ("gitlab-ci", "90"), ("github-actions", "70")])
def test_the_coverage_gate_is_in_the_ci_test_step(tmp_path: Path, ci: str, threshold: str) -> None:
    root = generate(tmp_path / "out", f"ci={ci}", f"coverage_threshold=min-{threshold}")
    pipeline = read(root, ".github/workflows/ci.yml" if ci == "github-actions" else ".gitlab-ci.yml")
    assert f"pytest --cov=app --cov-report=term-missing --cov-fail-under={threshold}" in pipeline
    assert "pytest-cov==" in dependencies(root)
    assert f"`coverage_threshold = min-{threshold}`" in generated_section(root)


def test_test_factories_are_generated_and_used(default: Path) -> None:
    assert "def user_payload" in read(default, "tests/factories.py")
    assert "from tests.factories import create_user" in read(default, "tests/test_hardening.py")


def test_the_computed_contract_follows_the_rate_limiting_decision() -> None:
    context = {"project_name": "X", "project_description": "", "auth": "session-cookie", "entities": default_entities()}
    for value, expected in (("app-level", True), ("redis", True), ("gateway", False)):
        spec = build_openapi({**context, "decisions": {"rate_limiting": value}})
        assert ("429" in spec["paths"]["/api/v1/auth/register"]["post"]["responses"]) is expected, value
        # the per-account login backoff is always on (429 + Retry-After), whatever limits the client addresses
        assert "429" in spec["paths"]["/api/v1/auth/login"]["post"]["responses"], value
        assert "429" not in spec["paths"]["/api/v1/auth/logout"]["post"]["responses"]


def test_every_implements_entry_names_a_known_decision_value(kb) -> None:
    templates = Path(__file__).resolve().parents[1] / "templates"
    for spec_file in templates.glob("*/*/layer.yml"):
        implements = (yaml.safe_load(spec_file.read_text(encoding="utf-8")) or {}).get("implements") or {}
        for key, values in implements.items():
            assert key in kb.decisions, (spec_file, key)
            for value in values:
                assert value in kb.decisions[key].values, (spec_file, key, value)
