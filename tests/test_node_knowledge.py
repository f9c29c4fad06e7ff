"""What the knowledge base tells a TypeScript team: which Node.js framework and ORM, why (in French and
English), that pins of any supported pair are kept, that migrations follow the ORM, and that what it
decides is what the generated Node projects contain."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from expert.cli import cli
from expert.consult import Consultant, Consultation
from expert.generators.stack import generation_gaps
from expert.knowledge import KnowledgeBase

FRAMEWORKS = ("express", "fastify", "nestjs")
ORMS = ("prisma", "typeorm", "sequelize")
MIGRATIONS_OF = {"prisma": "prisma-migrate", "typeorm": "typeorm", "sequelize": "umzug"}
NODE_SAMPLES = sorted((Path(__file__).parent / "samples" / "node").glob("**/*.yml"))

# a small TypeScript team, medium load, on managed containers, new to Node.js frameworks
TEAM = {
    "clients": ["browser-spa", "mobile"],
    "data_shape": "relational",
    "team_size": "small",
    "team_languages": ["typescript"],
    "load": "medium",
    "hosting": "containers",
    "node_experience": ["none"],
}

# (persona, answers over TEAM, framework and the rule that chose it, orm and the rule that chose it)
PERSONAS = [
    ("solo developer", {"team_size": "solo", "load": "low", "hosting": "vm"},
     "express", "fw.express-solo", "prisma", "orm.prisma"),
    ("small team", {}, "fastify", "fw.fastify-default", "prisma", "orm.prisma"),
    ("small team, high load", {"load": "high"}, "fastify", "fw.fastify-high-load", "prisma", "orm.prisma"),
    ("large organisation", {"team_size": "large", "hosting": "kubernetes"},
     "nestjs", "fw.nestjs-several-teams", "typeorm", "orm.typeorm-nestjs"),
    ("several teams, high load: structure first", {"team_size": "medium", "load": "high"},
     "nestjs", "fw.nestjs-several-teams", "typeorm", "orm.typeorm-nestjs"),
    ("serverless functions", {"hosting": "serverless"}, "express", "fw.express-serverless", "prisma", "orm.prisma"),
    ("knows NestJS, but serverless", {"hosting": "serverless", "team_size": "medium", "node_experience": ["nestjs"]},
     "express", "fw.express-serverless", "prisma", "orm.prisma"),
    ("knows Express, large organisation", {"team_size": "large", "node_experience": ["express"]},
     "express", "fw.node-known-express", "prisma", "orm.prisma"),
    ("knows Express and NestJS, several teams", {"team_size": "medium", "node_experience": ["express", "nestjs"]},
     "nestjs", "fw.node-known-nestjs-several-teams", "typeorm", "orm.typeorm-nestjs"),
    ("knows NestJS, small team", {"node_experience": ["nestjs"]},
     "nestjs", "fw.node-known-nestjs", "typeorm", "orm.typeorm-nestjs"),
    ("knows Fastify, solo", {"team_size": "solo", "load": "low", "node_experience": ["fastify"]},
     "fastify", "fw.node-known-fastify", "prisma", "orm.prisma"),
    ("knows Express and Fastify, high load", {"load": "high", "node_experience": ["express", "fastify"]},
     "fastify", "fw.node-known-fastify-high-load", "prisma", "orm.prisma"),
    ("knows Sequelize", {"node_experience": ["sequelize"]},
     "fastify", "fw.fastify-default", "sequelize", "orm.node-known-sequelize"),
    ("knows TypeORM and Sequelize", {"node_experience": ["typeorm", "sequelize"]},
     "fastify", "fw.fastify-default", "typeorm", "orm.node-known-typeorm"),
    ("knows Prisma, large organisation", {"team_size": "large", "node_experience": ["prisma"]},
     "nestjs", "fw.nestjs-several-teams", "prisma", "orm.node-known-prisma"),
    ("knows Sequelize and NestJS, several teams", {"team_size": "medium", "node_experience": ["nestjs", "sequelize"]},
     "nestjs", "fw.node-known-nestjs-several-teams", "sequelize", "orm.node-known-sequelize"),
]


def consult(consultant: Consultant, **answers: Any) -> Consultation:
    return consultant.run({**TEAM, **answers})


def reason(result: Consultation, key: str) -> dict[str, str]:
    return result.facts[key].because or {}


@pytest.mark.parametrize(("persona", "answers", "framework", "fw_rule", "orm", "orm_rule"), PERSONAS,
                         ids=[p[0] for p in PERSONAS])
def test_a_typescript_persona_gets_its_framework_and_orm_with_reasons(
    consultant: Consultant, persona: str, answers: dict[str, Any], framework: str, fw_rule: str, orm: str, orm_rule: str
) -> None:
    result = consult(consultant, **answers)
    decided = {key: fact.value for key, fact in result.facts.items()}
    assert (decided["framework"], result.facts["framework"].rule) == (framework, fw_rule)
    assert (decided["orm"], result.facts["orm"].rule) == (orm, orm_rule)
    assert decided["migrations"] == MIGRATIONS_OF[orm]
    assert decided["language"] == "typescript"
    assert decided["validation"] == "openapi-ajv"
    assert decided["test_framework"] == "vitest"
    for key in ("framework", "orm", "migrations", "validation", "test_framework"):
        texts = reason(result, key)
        assert texts.get("en") and texts.get("fr") and texts["en"] != texts["fr"], f"{key}: {texts}"
    assert [c.id for c in result.conflicts] == []


def test_a_grpc_service_gets_nestjs_whatever_http_framework_the_team_knows(consultant: Consultant) -> None:
    for known in (["none"], ["express"], ["fastify"]):
        result = consult(consultant, clients=["internal-services"], hosting="kubernetes", load="high", node_experience=known)
        assert result.facts["api_style"].value == "grpc"
        assert (result.facts["framework"].value, result.facts["framework"].rule) == ("nestjs", "fw.nestjs-grpc"), known


def test_nestjs_on_serverless_is_warned_about(consultant: Consultant) -> None:
    result = consult(consultant, hosting="serverless", framework="nestjs")
    assert "warn.nestjs-serverless" in [w.id for w in result.warnings]
    assert "warn.nestjs-serverless" not in [w.id for w in consult(consultant, hosting="serverless").warnings]


def test_a_document_database_keeps_its_mapper_whatever_orm_the_team_knows(consultant: Consultant) -> None:
    result = consult(consultant, data_shape="document", node_experience=["sequelize", "prisma"])
    assert (result.facts["database"].value, result.facts["orm"].value, result.facts["migrations"].value) == (
        "mongodb", "mongoose", "none")


def test_a_python_team_keeps_its_stack(consultant: Consultant) -> None:
    result = consult(consultant, team_languages=["python"])
    decided = {key: fact.value for key, fact in result.facts.items()}
    assert {k: decided[k] for k in ("language", "framework", "orm", "migrations", "validation", "test_framework")} == {
        "language": "python", "framework": "fastapi", "orm": "sqlalchemy", "migrations": "alembic",
        "validation": "pydantic", "test_framework": "pytest"}


def asked_questions(consultant: Consultant, given: dict[str, Any]) -> list[str]:
    """The questions an interview asks, answered as TEAM (or by their defaults)."""
    answers = {k: v for k, v in TEAM.items() if k not in given and k != "node_experience"}

    def ask(question, why):
        return answers.get(question.id, question.default)

    return consultant.run({**given, "team_languages": given.get("team_languages", ["typescript"])}, ask=ask).asked


def test_the_node_experience_question_is_only_asked_when_it_can_change_something(consultant: Consultant) -> None:
    assert "node_experience" in asked_questions(consultant, {})
    assert "node_experience" in asked_questions(consultant, {"framework": "express"})  # the ORM is still open
    assert "node_experience" in asked_questions(consultant, {"orm": "typeorm"})  # the framework is still open
    assert "node_experience" not in asked_questions(consultant, {"framework": "express", "orm": "typeorm"})
    assert "node_experience" not in asked_questions(consultant, {"team_languages": ["python"]})
    assert "node_experience" not in asked_questions(consultant, {"team_languages": ["go"]})


@pytest.mark.parametrize(("framework", "orm"), list(itertools.product(FRAMEWORKS, ORMS)))
def test_any_pinned_pair_is_kept_and_brings_its_migrations(consultant: Consultant, framework: str, orm: str) -> None:
    for persona in ({}, {"team_size": "large", "load": "high"}, {"team_size": "solo", "hosting": "serverless"},
                    {"node_experience": ["express", "nestjs", "prisma", "sequelize"]}, {"team_languages": ["python"]}):
        result = consult(consultant, **persona, framework=framework, orm=orm)
        facts = result.facts
        assert (facts["framework"].source, facts["framework"].value) == ("pin", framework)
        assert (facts["orm"].source, facts["orm"].value) == ("pin", orm)
        assert (facts["migrations"].source, facts["migrations"].value) == ("implied", MIGRATIONS_OF[orm])
        assert facts["language"].value == "typescript"
        assert [c.id for c in result.conflicts if c.kind != "pin"] == [], persona
    # against the defaults alone, a pin is not reported as overruling a recommendation
    assert consult(consultant, framework=framework, orm=orm).conflicts == []


@pytest.mark.parametrize(("framework", "orm"), list(itertools.product(FRAMEWORKS, ORMS)))
def test_any_pinned_pair_is_generated_on_every_sql_database(kb: KnowledgeBase, consultant: Consultant,
                                                             framework: str, orm: str) -> None:
    for database in ("postgresql", "mysql", "sqlite"):
        result = consult(consultant, framework=framework, orm=orm, database=database)
        stack, gaps = generation_gaps({k: f.value for k, f in result.decisions(kb).items()})
        assert stack is not None and gaps == [], (database, gaps)


@pytest.mark.parametrize("orm", ORMS)
def test_decide_with_a_pinned_orm_sets_its_migrations(orm: str) -> None:
    result = CliRunner().invoke(cli, ["decide", "--set", f"orm={orm}", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    decisions = json.loads(result.output)["decisions"]
    assert decisions["migrations"]["value"] == MIGRATIONS_OF[orm]
    assert decisions["language"]["value"] == "typescript"


def test_every_pinned_orm_that_has_its_own_migration_tool_implies_it(kb: KnowledgeBase, consultant: Consultant) -> None:
    own = {orm: implied["migrations"] for orm, implied in kb.decisions["orm"].implies.items() if "migrations" in implied}
    assert {"sqlalchemy": "alembic", **MIGRATIONS_OF}.items() <= own.items()
    for orm, migrations in own.items():
        assert consultant.run({"orm": orm}).facts["migrations"].value == migrations, orm


def test_a_node_orm_with_another_language_is_a_conflict(consultant: Consultant) -> None:
    for orm in ORMS:
        result = consultant.run({"orm": orm, "language": "python"})
        assert "conflict.orm-prisma-language" in [c.id for c in result.conflicts if c.kind == "incompatible"], orm
    result = consultant.run({"framework": "fastify", "language": "go"})
    assert "conflict.framework-typescript" in [c.id for c in result.conflicts if c.kind == "incompatible"]


def test_fastify_is_named_in_a_description(kb: KnowledgeBase) -> None:
    from expert.router import describe

    found = {u.key: u.value for u in describe("An orders API on Fastify with Sequelize and umzug", kb)}
    assert (found.get("framework"), found.get("orm"), found.get("migrations")) == ("fastify", "sequelize", "umzug")


# Decided alike for every language and recorded as advice by every starter (python-fastapi too): the starters
# generate owner-only rows, layers by kind and limit/offset whatever the knowledge recommends for them.
LANGUAGE_NEUTRAL = {"authorization", "module_layout", "pagination"}
# What the Node.js rules decide: each must be what the sample's stack implements, and be listed there.
NODE_DECIDED = ("language", "framework", "orm", "migrations", "validation", "test_framework")


@pytest.mark.parametrize("sample", NODE_SAMPLES, ids=lambda p: p.stem)
def test_what_the_rules_tell_a_node_sample_is_what_its_stack_generates(kb: KnowledgeBase, consultant: Consultant,
                                                                        sample: Path) -> None:
    from expert.answers import load_answers

    decisions = {k: f.value for k, f in consultant.run(dict(load_answers(sample, kb).answers)).decisions(kb).items()}
    stack, gaps = generation_gaps(decisions)
    assert stack is not None and gaps == [], gaps
    implements = stack.spec.get("implements") or {}
    for key in NODE_DECIDED:
        assert key in implements, f"{stack.name} does not say where it implements {key} (decided: {decisions[key]})"
    for key, values in implements.items():
        if key in decisions and key not in LANGUAGE_NEUTRAL:
            assert decisions[key] in values, f"{key}={decisions[key]}, but {stack.name} implements {', '.join(values)}"
