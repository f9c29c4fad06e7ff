"""Fast checks of the Spring Boot layers (common/spring, data/spring-flyway, stack/java-spring-boot): each JVM
sample renders a complete tree whose parts agree with each other and with the contract (the Flyway migration is
db/schema.sql's DDL, application.yml's `app.*` properties are the settings the code reads, the routes are the
contract's, the project's test model is the tool's)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from expert.generators.blueprint import schema_statements
from expert.generators.stack import layer_spec
from tests.conftest import SAMPLES

JAVA_SAMPLES = sorted([*SAMPLES.glob("jvm/spring-boot-*.yml"), *SAMPLES.glob("jvm/more/spring-boot-*.yml")])
SOURCES = Path("src/main/java/com/example/app")


@pytest.fixture(scope="module", params=JAVA_SAMPLES, ids=[p.stem for p in JAVA_SAMPLES])
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("spring") / "project"
    argv = [sys.executable, "-m", "expert", "new", str(target), "--answers", str(request.param), "--no-input"]
    subprocess.run(argv, check=True, capture_output=True)
    return target


def _saved(project: Path) -> dict:
    return yaml.safe_load((project / ".backend-expert.yml").read_text(encoding="utf-8"))


def test_the_stack_is_selected_with_its_common_and_data_layers() -> None:
    spec = layer_spec("stack/java-spring-boot")
    assert spec["toolchain"]["name"] == "java" and spec["toolchain"]["version"] == "17"
    assert spec["supports"]["database"] == ["postgresql", "mysql"]
    assert spec["supports"]["orm"] == ["hibernate"] and spec["supports"]["migrations"] == ["flyway"]
    assert spec["implements"]["migrations"]["flyway"].startswith("src/main/resources/db/migration/")
    assert {"install", "lint", "build", "migrate", "test", "run"} <= set(spec["commands"])


def test_the_migration_is_the_schema(project: Path) -> None:
    database = _saved(project)["decisions"]["database"]
    migration = project / "src/main/resources/db/migration" / database / "V1__initial.sql"
    assert migration.is_file()
    body = "\n".join(line for line in migration.read_text(encoding="utf-8").splitlines() if not line.startswith("--"))
    assert schema_statements(body + "\n") == schema_statements((project / "db/schema.sql").read_text(encoding="utf-8"))


def test_every_setting_in_application_yml_is_read_by_the_code(project: Path) -> None:
    resources = yaml.safe_load((project / "src/main/resources/application.yml").read_text(encoding="utf-8"))
    settings = (project / SOURCES / "config/Settings.java").read_text(encoding="utf-8")
    names = re.findall(r"\b(?:String|int|long|boolean) (\w+)[,)]", settings)
    components = {re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower() for name in names}
    assert set(resources["app"]) == components
    # every environment variable application.yml reads is one layer.yml documents
    documented = set(layer_spec("stack/java-spring-boot")["env"])
    read = set(re.findall(r"\$\{([A-Z_]+):", (project / "src/main/resources/application.yml").read_text(encoding="utf-8")))
    assert read <= documented, read - documented


def probe_paths(project: Path) -> set[str]:
    """The paths of Actuator's health groups: /health/<group> (application.yml; the health endpoint at /health)."""
    settings = yaml.safe_load((project / "src/main/resources/application.yml").read_text(encoding="utf-8"))
    management = settings["management"]
    assert management["endpoints"]["web"]["base-path"] == "/" and "health" not in management["endpoints"]["web"]["path-mapping"]
    return {f"/health/{name}" for name in management["endpoint"]["health"]["group"]}

def test_the_routes_are_the_contracts(project: Path) -> None:
    """Each handler maps one operation of openapi.yaml: its method, its path and, for springdoc, its operationId."""
    contract = yaml.safe_load((project / "openapi.yaml").read_text(encoding="utf-8"))
    documented = {
        (method.upper(), path, operation["operationId"])
        for path, item in contract["paths"].items()
        for method, operation in item.items()
    }
    handler = re.compile(r'@Operation\(operationId = "(\w+)"\)\s+(?:@ApiResponse\([^)]*\)\s+)*@(Get|Post|Patch|Delete)Mapping\("([^"]+)"\)')
    handled: set[tuple[str, str, str]] = set()
    for source in ("auth/AuthController.java", "api/ResourceController.java"):
        text = (project / SOURCES / source).read_text(encoding="utf-8")
        handled |= {(method.upper(), path, operation_id) for operation_id, method, path in handler.findall(text)}
    probes = {(method, path, operation_id) for method, path, operation_id in documented if path in probe_paths(project)}
    assert probes == {("GET", "/health/live", "health_live"), ("GET", "/health/ready", "health_ready")}
    assert handled == documented - probes


def test_springdoc_describes_the_controllers_for_the_tests_only(project: Path) -> None:
    """springdoc's document is off in production (no generated document, no Swagger UI); the tests switch it on."""
    settings = yaml.safe_load((project / "src/main/resources/application.yml").read_text(encoding="utf-8"))
    assert settings["springdoc"]["api-docs"]["enabled"] is False
    pom = (project / "pom.xml").read_text(encoding="utf-8")
    assert "<artifactId>springdoc-openapi-starter-webmvc-api</artifactId>" in pom and "webmvc-ui" not in pom
    tests = project / "src/test/java/com/example/app"
    assert '"springdoc.api-docs.enabled=true"' in (tests / "ApiTest.java").read_text(encoding="utf-8")
    assert 'get("/v3/api-docs")' in (tests / "OpenApiDocumentTest.java").read_text(encoding="utf-8")


def test_the_projects_test_model_is_the_tools(project: Path) -> None:
    from expert.generators.relational import relational
    from expert.model import parse_entities

    saved = _saved(project)
    context = {"cookiecutter": {"entities": parse_entities(saved["entities"], "x"), "decisions": saved["decisions"]}}
    shipped = json.loads((project / "src/test/resources/model.json").read_text(encoding="utf-8"))
    assert shipped == json.loads(json.dumps(relational(context)["test_model"]))


def test_uuid_columns_of_mysql_go_through_the_hex_converter(project: Path) -> None:
    decisions = _saved(project)["decisions"]
    rows = (project / SOURCES / "api/Rows.java").read_text(encoding="utf-8")
    converter = project / SOURCES / "domain/HexUuid.java"
    if decisions["database"] == "mysql":
        assert converter.is_file()
        uuid_attributes = rows.count("public UUID ") + rows.count("public Set<UUID> ")
        assert uuid_attributes == rows.count("@Convert(converter = HexUuid.class)")
    else:
        assert not converter.exists() and "HexUuid" not in rows


def test_the_java_sources_have_no_template_left(project: Path) -> None:
    for source in (project / "src").rglob("*.java"):
        text = source.read_text(encoding="utf-8")
        assert "{{" not in text and "{%" not in text, source
        assert text.startswith("package com.example.app"), source


def test_the_lint_step_runs_checkstyle_in_the_readme_and_ci(project: Path) -> None:
    """layer.yml's lint command compiles and runs Checkstyle with the shipped rules; README and CI run it."""
    lint = layer_spec("stack/java-spring-boot")["commands"]["lint"]
    assert lint.endswith("compile checkstyle:check")
    assert lint in (project / "README.md").read_text(encoding="utf-8")
    ci = [project / ".github/workflows/ci.yml", project / ".gitlab-ci.yml"]
    assert any(path.is_file() and lint in path.read_text(encoding="utf-8") for path in ci)
    plugin = re.search(
        r"<artifactId>maven-checkstyle-plugin</artifactId>(.*?)</plugin>",
        (project / "pom.xml").read_text(encoding="utf-8"),
        re.S,
    ).group(1)
    assert "<configLocation>config/checkstyle.xml</configLocation>" in plugin
    assert "<failOnViolation>true</failOnViolation>" in plugin
    assert "<includeTestSourceDirectory>true</includeTestSourceDirectory>" in plugin
    rules = (project / "config/checkstyle.xml").read_text(encoding="utf-8")
    modules = set(re.findall(r'<module name="(\w+)"', rules))
    assert {"Checker", "TreeWalker", "UnusedImports", "AvoidStarImport", "NeedBraces", "EqualsHashCode"} <= modules
    assert '<property name="severity" value="error"/>' in rules
