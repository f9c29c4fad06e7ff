"""Fast checks of the Kotlin Spring Boot layer (stack/kotlin-spring-boot over common/spring and
data/spring-flyway): each Kotlin sample renders a complete tree whose parts agree with each other and with the
contract (application.yml's `app.*` properties are the settings the code reads, the controllers' routes are the
contract's, the entities map db/schema.sql's columns, the project's test model is the tool's)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from expert.generators.stack import layer_spec, select_stack
from tests.conftest import SAMPLES
from tests.test_spring_stacks import probe_paths

KOTLIN_SAMPLES = sorted([*SAMPLES.glob("jvm/kotlin-*.yml"), *SAMPLES.glob("jvm/more/kotlin-*.yml")])
SOURCES = Path("src/main/kotlin/com/example/app")


@pytest.fixture(scope="module", params=KOTLIN_SAMPLES, ids=[p.stem for p in KOTLIN_SAMPLES])
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("kotlin") / "project"
    argv = [sys.executable, "-m", "expert", "new", str(target), "--answers", str(request.param), "--no-input"]
    subprocess.run(argv, check=True, capture_output=True)
    return target


def _saved(project: Path) -> dict:
    return yaml.safe_load((project / ".backend-expert.yml").read_text(encoding="utf-8"))


def _source(project: Path, name: str) -> str:
    return (project / SOURCES / name).read_text(encoding="utf-8")


def test_kotlin_and_spring_boot_select_this_stack_over_the_shared_spring_layers() -> None:
    assert select_stack({"language": "kotlin", "framework": "spring-boot"}).name == "stack/kotlin-spring-boot"
    spec = layer_spec("stack/kotlin-spring-boot")
    assert spec["toolchain"]["name"] == "java" and spec["toolchain"]["version"] == "17"
    assert spec["supports"]["orm"] == ["hibernate"] and spec["supports"]["migrations"] == ["flyway"]
    assert spec["commands"]["format_check"] == "./mvnw -B -q spotless:check"
    assert {"install", "lint", "build", "migrate", "test", "run"} <= set(spec["commands"])
    for decision in ("language", "framework", "orm", "validation", "test_framework", "auth", "credential_hashing"):
        assert spec["implements"][decision], decision


def test_every_setting_in_application_yml_is_read_by_the_code(project: Path) -> None:
    resources = yaml.safe_load((project / "src/main/resources/application.yml").read_text(encoding="utf-8"))
    settings = _source(project, "config/Settings.kt")
    names = re.findall(r"\bval (\w+): (?:String|Int|Long|Boolean) =", settings)
    properties = {re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower() for name in names}
    assert set(resources["app"]) == properties


def test_the_routes_are_the_contracts(project: Path) -> None:
    contract = yaml.safe_load((project / "openapi.yaml").read_text(encoding="utf-8"))
    routes = set()
    auth = _source(project, "auth/AuthController.kt")
    routes |= {f"/api/v1{path}" for path in re.findall(r'@(?:Get|Post)Mapping\("([^"]+)"\)', auth)}
    routes |= probe_paths(project)
    resources = _source(project, "api/Resources.kt")
    for block in re.split(r"\n@RestController\n", resources)[1:]:
        base = re.search(r'@RequestMapping\("([^"]+)"\)', block).group(1)
        routes.add(base)
        routes |= {base + item for item in re.findall(r'@(?:Get|Patch|Delete)Mapping\("([^"]+)"\)', block)}
    assert routes == set(contract["paths"])


def test_springdoc_describes_the_controllers_for_the_tests_only(project: Path) -> None:
    """springdoc's document is off in production (no Swagger UI); the tests switch it on and compare it with the
    contract, whose operationIds the handlers name."""
    settings = yaml.safe_load((project / "src/main/resources/application.yml").read_text(encoding="utf-8"))
    assert settings["springdoc"]["api-docs"]["enabled"] is False
    pom = (project / "pom.xml").read_text(encoding="utf-8")
    assert "<artifactId>springdoc-openapi-starter-webmvc-api</artifactId>" in pom and "webmvc-ui" not in pom
    tests = project / "src/test/kotlin/com/example/app"
    assert '"springdoc.api-docs.enabled=true",' in (tests / "ApiTest.kt").read_text(encoding="utf-8")
    assert '"/v3/api-docs"' in (tests / "OpenApiDocumentTest.kt").read_text(encoding="utf-8")
    contract = yaml.safe_load((project / "openapi.yaml").read_text(encoding="utf-8"))
    probes = probe_paths(project)
    documented = sorted(op["operationId"] for path, item in contract["paths"].items() if path not in probes for op in item.values())
    sources = "".join(_source(project, name) for name in ("auth/AuthController.kt", "api/Resources.kt"))
    assert sorted(re.findall(r'@Operation\(operationId = "(\w+)"\)', sources)) == documented


def test_the_entities_map_the_schemas_columns(project: Path) -> None:
    schema = (project / "db/schema.sql").read_text(encoding="utf-8")
    entities = _source(project, "domain/Entities.kt")
    for table, body in re.findall(r"CREATE TABLE (\w+) \((.*?)\n\)", schema, flags=re.S):
        columns = {line.split()[0] for line in body.strip().splitlines() if not line.strip().startswith("CONSTRAINT")}
        if table in ("users", "auth_sessions"):
            mapped = set(re.findall(r'name = "(\w+)"', _source(project, "domain/Users.kt"))) | {"id"}
            assert columns <= mapped, (table, columns - mapped)
            continue
        if f'@Table(name = "{table}")' not in entities:
            # a many-to-many join table: an element collection of its owner
            assert f'@CollectionTable(name = "{table}"' in entities, table
            continue
        block = entities.split(f'@Table(name = "{table}")', 1)[1].split("\n}\n", 1)[0]
        # the column of a many-to-many element collection is its join table's, not this table's
        block = re.sub(r'@CollectionTable\([^\n]*\n(?:\s*@Convert[^\n]*\n)?\s*@Column\(name = "\w+"\)', "", block)
        assert set(re.findall(r'@Column\(name = "(\w+)"', block)) | {"id"} == columns, table


def test_the_projects_test_model_is_the_tools(project: Path) -> None:
    from expert.generators.relational import relational
    from expert.model import parse_entities

    saved = _saved(project)
    context = {"cookiecutter": {"entities": parse_entities(saved["entities"], "x"), "decisions": saved["decisions"]}}
    shipped = json.loads((project / "src/test/resources/model.json").read_text(encoding="utf-8"))
    assert shipped == json.loads(json.dumps(relational(context)["test_model"]))


def test_uuids_and_json_of_mysql_go_through_their_converters(project: Path) -> None:
    decisions = _saved(project)["decisions"]
    entities = _source(project, "domain/Entities.kt")
    uuids = len(re.findall(r"var \w+: (?:UUID\??|MutableSet<UUID>)", entities))
    if decisions["database"] == "mysql":
        assert entities.count("@Convert(converter = UuidHex::class)") == uuids
        assert entities.count("@Convert(converter = JsonText::class)") == entities.count(": JsonNode?")
    else:
        assert "UuidHex" not in entities and "JsonText" not in entities


def test_the_kotlin_sources_have_no_template_left(project: Path) -> None:
    sources = list((project / "src").rglob("*.kt"))
    assert sources
    for source in sources:
        text = source.read_text(encoding="utf-8")
        assert "{{" not in text and "{%" not in text, source
        assert text.startswith("package com.example.app"), source
        assert "\n\n\n" not in text, f"{source}: two blank lines in a row (ktlint refuses them)"
