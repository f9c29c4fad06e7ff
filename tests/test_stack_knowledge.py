"""What the knowledge base tells a Python, Go or JVM team: which framework (Django, Flask or FastAPI; Gin or
Echo; Spring Boot in Java or Kotlin), which data access and migrations, why (in French and English), which
combinations it refuses or warns about, that it asks only what can change its answer, and that what it
decides is what the generated projects of tests/samples/{go,jvm,python} contain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from expert.consult import Consultant, Consultation
from expert.generators.stack import capability_matrix, generation_gaps
from expert.knowledge import KnowledgeBase

SAMPLES = Path(__file__).parent / "samples"
STACK_SAMPLES = sorted(p for family in ("go", "jvm", "python") for p in (SAMPLES / family).glob("**/*.yml"))

# a small team, medium load, browser and mobile clients (so JWT), on managed containers with PostgreSQL
TEAM = {
    "clients": ["browser-spa", "mobile"],
    "data_shape": "relational",
    "team_size": "small",
    "load": "medium",
    "hosting": "containers",
}

# what follows from the framework, whoever the team is
STACK_OF = {
    "fastapi": {"language": "python", "orm": "sqlalchemy", "migrations": "alembic", "validation": "pydantic",
                "test_framework": "pytest", "concurrency_model": "thread-pool"},
    "django": {"language": "python", "orm": "django-orm", "migrations": "django-migrations",
               "validation": "drf-serializers", "test_framework": "pytest", "concurrency_model": "thread-pool"},
    "flask": {"language": "python", "orm": "sqlalchemy", "migrations": "alembic", "validation": "marshmallow",
              "test_framework": "pytest", "concurrency_model": "sync-workers"},
    "gin": {"language": "go", "orm": "database-sql", "migrations": "goose", "validation": "openapi-kin",
            "test_framework": "go-test", "concurrency_model": "goroutines"},
    "echo": {"language": "go", "orm": "database-sql", "migrations": "goose", "validation": "openapi-kin",
             "test_framework": "go-test", "concurrency_model": "goroutines"},
    "spring-boot": {"orm": "hibernate", "migrations": "flyway", "validation": "bean-validation",
                    "test_framework": "junit5", "concurrency_model": "thread-pool"},
}

# (persona, answers over TEAM, language, framework and the rule that chose it)
PERSONAS = [
    ("python, small team, no framework known", {"team_languages": ["python"], "python_experience": ["none"]},
     "python", "fastapi", "fw.fastapi"),
    ("python, several teams, no framework known",
     {"team_languages": ["python"], "python_experience": ["none"], "team_size": "medium"},
     "python", "django", "fw.django-several-teams"),
    ("python, large organisation that knows only Flask",
     {"team_languages": ["python"], "python_experience": ["flask"], "team_size": "large"},
     "python", "django", "fw.django-several-teams"),
    ("python, serverless, several teams", {"team_languages": ["python"], "python_experience": ["none"],
                                           "team_size": "medium", "hosting": "serverless"},
     "python", "fastapi", "fw.fastapi-serverless"),
    ("python, knows Flask", {"team_languages": ["python"], "python_experience": ["flask"]},
     "python", "flask", "fw.python-known-flask"),
    ("python, solo, knows Flask", {"team_languages": ["python"], "python_experience": ["flask"], "team_size": "solo",
                                   "load": "low", "hosting": "vm"},
     "python", "flask", "fw.python-known-flask"),
    ("python, knows Django", {"team_languages": ["python"], "python_experience": ["django"]},
     "python", "django", "fw.python-known-django"),
    ("python, knows Django and Flask", {"team_languages": ["python"], "python_experience": ["flask", "django"]},
     "python", "django", "fw.python-known-django"),
    ("python, knows FastAPI and Django", {"team_languages": ["python"], "python_experience": ["django", "fastapi"]},
     "python", "fastapi", "fw.python-known-fastapi"),
    ("python, knows FastAPI and Django, several teams",
     {"team_languages": ["python"], "python_experience": ["django", "fastapi"], "team_size": "large", "load": "high"},
     "python", "django", "fw.python-known-django-several-teams"),
    ("python, knows FastAPI and Flask, high load",
     {"team_languages": ["python"], "python_experience": ["flask", "fastapi"], "load": "high"},
     "python", "fastapi", "fw.python-known-fastapi-high-load"),
    ("go, no framework known", {"team_languages": ["go"], "go_experience": ["none"]}, "go", "gin", "fw.gin"),
    ("go, knows Echo", {"team_languages": ["go"], "go_experience": ["echo"]}, "go", "echo", "fw.go-known-echo"),
    ("go, knows Echo, large organisation", {"team_languages": ["go"], "go_experience": ["echo"], "team_size": "large"},
     "go", "echo", "fw.go-known-echo"),
    ("go, knows Gin and Echo", {"team_languages": ["go"], "go_experience": ["echo", "gin"]}, "go", "gin", "fw.go-known-gin"),
    ("java", {"team_languages": ["java"]}, "java", "spring-boot", "fw.spring-boot"),
    ("kotlin", {"team_languages": ["kotlin"]}, "kotlin", "spring-boot", "fw.spring-boot"),
    ("a JVM shop that writes Kotlin and Java", {"team_languages": ["java", "kotlin"], "team_size": "large"},
     "kotlin", "spring-boot", "fw.spring-boot"),
    ("go and kotlin: go first", {"team_languages": ["kotlin", "go"], "go_experience": ["none"]}, "go", "gin", "fw.gin"),
]


def consult(consultant: Consultant, **answers: Any) -> Consultation:
    return consultant.run({**TEAM, **answers})


def decided(result: Consultation) -> dict[str, Any]:
    return {key: fact.value for key, fact in result.facts.items()}


def both_languages(text: dict[str, str] | None) -> bool:
    return bool(text) and bool(text.get("en")) and bool(text.get("fr")) and text["en"] != text["fr"]


@pytest.mark.parametrize(("persona", "answers", "language", "framework", "fw_rule"), PERSONAS, ids=[p[0] for p in PERSONAS])
def test_a_persona_gets_its_stack_with_reasons(consultant: Consultant, persona: str, answers: dict[str, Any],
                                               language: str, framework: str, fw_rule: str) -> None:
    result = consult(consultant, **answers)
    facts = result.facts
    assert (facts["language"].value, facts["framework"].value, facts["framework"].rule) == (language, framework, fw_rule)
    expected = {"language": language, **STACK_OF[framework]}
    assert {key: facts[key].value for key in expected} == expected
    for key in expected | {"framework": framework}:
        assert facts[key].source == "rule" and both_languages(facts[key].because), f"{key}: {facts[key]}"
    assert [c.id for c in result.conflicts] == []


# serverless deployment is advice only: those personas' stacks are generated for containers
GENERATED_PERSONAS = [p for p in PERSONAS if p[1].get("hosting") != "serverless"]


@pytest.mark.parametrize(("persona", "answers", "language", "framework", "fw_rule"), GENERATED_PERSONAS,
                         ids=[p[0] for p in GENERATED_PERSONAS])
def test_what_a_persona_is_told_is_generated(kb: KnowledgeBase, consultant: Consultant, persona: str,
                                             answers: dict[str, Any], language: str, framework: str, fw_rule: str) -> None:
    result = consult(consultant, **answers, database="postgresql")
    stack, gaps = generation_gaps({k: f.value for k, f in result.decisions(kb).items()})
    assert stack is not None and gaps == [], [g.reason for g in gaps]
    assert (stack.spec["language"], stack.spec["framework"]) == (language, framework)


def test_the_database_picks_the_go_and_jvm_data_layers_on_every_sql_database(kb: KnowledgeBase,
                                                                             consultant: Consultant) -> None:
    for database in ("postgresql", "mysql", "sqlite"):
        for languages, orm, migrations in ((["go"], "database-sql", "goose"), (["kotlin"], "hibernate", "flyway")):
            facts = consult(consultant, team_languages=languages, database=database).facts
            assert (facts["orm"].value, facts["migrations"].value) == (orm, migrations), (database, languages)


@pytest.mark.parametrize("languages", [["python"], ["go"], ["java"], ["kotlin"]])
def test_a_solo_prototype_gets_a_database_its_stack_generates(kb: KnowledgeBase, consultant: Consultant,
                                                              languages: list[str]) -> None:
    result = consultant.run({"clients": ["browser-spa"], "team_size": "solo", "load": "low", "hosting": "vm",
                             "prototype": True, "team_languages": languages})
    database = result.facts["database"]
    jvm = languages[0] in ("java", "kotlin")
    assert (database.value, database.rule) == (("postgresql", "db.postgresql-jvm-prototype") if jvm
                                               else ("sqlite", "db.sqlite-prototype"))
    stack, gaps = generation_gaps({k: f.value for k, f in result.decisions(kb).items()})
    assert stack is not None and gaps == [], [g.reason for g in gaps]


def test_gorm_is_never_recommended_and_is_warned_about_when_pinned(kb: KnowledgeBase, consultant: Consultant) -> None:
    assert "gorm" in kb.decisions["orm"].advice_only
    assert all(rule.then["orm"] != "gorm" for rule in kb.rules_concluding("orm"))
    result = consult(consultant, orm="gorm")
    facts = result.facts
    assert (facts["language"].value, facts["language"].source, facts["migrations"].value) == ("go", "implied", "goose")
    warning = next(w for w in result.warnings if w.id == "warn.gorm-zero-values")
    assert "zero values" in warning.because["en"] and "valeurs zéro" in warning.because["fr"]
    stack, gaps = generation_gaps({k: f.value for k, f in result.decisions(kb).items()})
    assert [g.key for g in gaps] == ["orm"] and gaps[0].alternative == "database-sql"


# ------------------------------------------------------------------ Spring Boot in Java or Kotlin

def test_a_pinned_spring_boot_is_kotlin_for_a_kotlin_team_and_java_otherwise(consultant: Consultant) -> None:
    kotlin = consult(consultant, framework="spring-boot", team_languages=["python", "kotlin"])
    assert (kotlin.facts["language"].value, kotlin.facts["language"].rule) == ("kotlin", "lang.kotlin")
    assert [c.id for c in kotlin.conflicts if c.kind != "pin"] == []
    # the team's first language, python, lost to the pinned framework: that is reported, and the choice kept
    assert "pin:language" in [c.id for c in kotlin.conflicts]
    java = consult(consultant, framework="spring-boot", team_languages=["java"])
    assert (java.facts["language"].value, java.facts["language"].rule) == ("java", "lang.java")
    assert java.conflicts == []
    nobody = consult(consultant, framework="spring-boot", team_languages=["python"])
    assert (nobody.facts["language"].value, nobody.facts["language"].source) == ("java", "implied")
    assert both_languages(nobody.facts["language"].because)
    assert [c.kind for c in nobody.conflicts] == ["pin"]


def test_a_pinned_language_beats_what_spring_boot_allows_by_default(consultant: Consultant) -> None:
    result = consult(consultant, framework="spring-boot", language="kotlin", team_languages=["java"])
    assert (result.facts["language"].source, result.facts["language"].value) == ("pin", "kotlin")
    assert [c.id for c in result.conflicts if c.kind == "incompatible"] == []


@pytest.mark.parametrize(("pin", "expected"), [
    ({"orm": "hibernate"}, {"language": "java", "framework": "spring-boot", "migrations": "flyway"}),
    ({"orm": "hibernate", "team_languages": ["kotlin"]}, {"language": "kotlin", "framework": "spring-boot", "migrations": "flyway"}),
    ({"orm": "database-sql"}, {"language": "go", "framework": "gin", "migrations": "goose"}),
    ({"orm": "database-sql", "go_experience": ["echo"]}, {"language": "go", "framework": "echo", "migrations": "goose"}),
    ({"orm": "django-orm"}, {"language": "python", "framework": "django", "migrations": "django-migrations"}),
    ({"framework": "echo"}, {"language": "go", "orm": "database-sql", "migrations": "goose"}),
    ({"framework": "flask", "team_size": "medium"}, {"language": "python", "orm": "sqlalchemy", "migrations": "alembic"}),
    ({"framework": "django", "team_languages": ["go"]}, {"language": "python", "orm": "django-orm"}),
])
def test_a_pinned_data_layer_or_framework_brings_the_rest_of_its_stack(consultant: Consultant, pin: dict[str, Any],
                                                                       expected: dict[str, str]) -> None:
    result = consult(consultant, **pin)
    assert {key: result.facts[key].value for key in expected} == expected
    assert [c.id for c in result.conflicts if c.kind == "incompatible"] == []


def test_a_pinned_new_framework_is_not_reported_against_a_mere_default(consultant: Consultant) -> None:
    for pins in ({"framework": "django"}, {"framework": "flask"}, {"framework": "echo"}, {"framework": "gin"},
                 {"framework": "spring-boot", "language": "kotlin"}, {"framework": "spring-boot", "language": "java"}):
        result = consultant.run(pins)
        assert result.conflicts == [], (pins, [(c.id, c.because["en"]) for c in result.conflicts])


# ------------------------------------------------------------------ conflicts and warnings

CONFLICTS = [
    ({"framework": "django", "database": "mongodb"}, "conflict.django-mongodb"),
    ({"framework": "flask", "language": "go"}, "conflict.framework-python"),
    ({"framework": "django", "language": "kotlin"}, "conflict.framework-python"),
    ({"framework": "gin", "language": "java"}, "conflict.framework-go"),
    ({"framework": "echo", "language": "python"}, "conflict.framework-go"),
    ({"framework": "spring-boot", "language": "python"}, "conflict.framework-jvm"),
    ({"framework": "gin", "language": "go", "orm": "sqlalchemy"}, "conflict.orm-sqlalchemy-language"),
    ({"framework": "echo", "language": "go", "orm": "hibernate"}, "conflict.orm-hibernate-language"),
    ({"framework": "gin", "language": "go", "orm": "prisma"}, "conflict.orm-prisma-language"),
    ({"framework": "echo", "language": "go", "orm": "django-orm"}, "conflict.orm-django-framework"),
    ({"framework": "flask", "orm": "django-orm"}, "conflict.orm-django-framework"),
    ({"framework": "spring-boot", "language": "kotlin", "orm": "database-sql"}, "conflict.orm-gorm-language"),
    ({"framework": "fastapi", "language": "python", "orm": "gorm"}, "conflict.orm-gorm-language"),
    ({"framework": "flask", "migrations": "django-migrations"}, "conflict.migrations-django-orm"),
    ({"framework": "django", "orm": "sqlalchemy"}, "conflict.django-foreign-orm"),
    ({"framework": "flask", "database": "mongodb"}, "conflict.flask-beanie"),
]


@pytest.mark.parametrize(("pins", "conflict"), CONFLICTS, ids=[c for _, c in CONFLICTS])
def test_a_combination_that_cannot_work_is_refused_with_its_reason(consultant: Consultant, pins: dict[str, str],
                                                                   conflict: str) -> None:
    result = consult(consultant, **pins)
    found = {c.id: c for c in result.conflicts if c.kind == "incompatible"}
    assert conflict in found, (pins, list(found))
    assert both_languages(found[conflict].because)
    assert all(both_languages(reason) for reason in found[conflict].reasons)


@pytest.mark.parametrize("framework", ["gin", "echo", "django", "flask", "spring-boot"])
def test_a_framework_with_another_language_s_data_layer_is_refused(consultant: Consultant, framework: str) -> None:
    """The framework and the ORM imply different languages: whichever holds, one side is refused."""
    own = STACK_OF[framework]["orm"]
    for orm in ("sqlalchemy", "django-orm", "prisma", "database-sql", "hibernate"):
        if orm == own or (framework == "flask" and orm == "sqlalchemy"):
            continue
        result = consult(consultant, framework=framework, orm=orm)
        assert [c for c in result.conflicts if c.kind == "incompatible"], (framework, orm)


def test_spring_boot_in_kotlin_and_go_frameworks_in_go_are_no_conflict(consultant: Consultant) -> None:
    for pins in ({"framework": "spring-boot", "language": "kotlin"}, {"framework": "spring-boot", "language": "java"},
                 {"framework": "echo", "orm": "database-sql"}, {"framework": "django", "database": "postgresql"},
                 {"framework": "flask", "orm": "sqlalchemy", "database": "sqlite"}):
        assert [c.id for c in consult(consultant, **pins).conflicts if c.kind == "incompatible"] == [], pins


WARNINGS = [
    ({"framework": "flask", "team_size": "large"}, "warn.flask-large-team", {"framework": "flask", "team_size": "medium"}),
    ({"framework": "spring-boot", "concurrency_model": "virtual-threads"}, "warn.virtual-threads-java17",
     {"framework": "spring-boot"}),
    ({"framework": "spring-boot", "language": "kotlin", "hosting": "serverless"}, "warn.java-serverless-cold-start",
     {"framework": "spring-boot", "language": "kotlin"}),
]


@pytest.mark.parametrize(("pins", "warning", "fine"), WARNINGS, ids=[w for _, w, _ in WARNINGS])
def test_a_combination_that_deserves_attention_is_warned_about(consultant: Consultant, pins: dict[str, str],
                                                               warning: str, fine: dict[str, str]) -> None:
    result = consult(consultant, **pins)
    found = {w.id: w for w in result.warnings}
    assert warning in found and both_languages(found[warning].because)
    assert [c.id for c in result.conflicts if c.kind == "incompatible"] == []
    assert warning not in [w.id for w in consult(consultant, **fine).warnings]


@pytest.mark.parametrize("known", [["none"], ["django"], ["flask"], ["django", "flask"]])
def test_python_teams_on_a_document_store_get_fastapi_and_beanie_not_a_conflict(consultant: Consultant,
                                                                                known: list[str]) -> None:
    for team_size in ("small", "medium", "large"):
        result = consult(consultant, team_languages=["python"], python_experience=known, team_size=team_size,
                         data_shape="document")
        facts = result.facts
        assert (facts["database"].value, facts["framework"].value, facts["orm"].value) == ("mongodb", "fastapi", "beanie")
        assert [c.id for c in result.conflicts] == [], (known, team_size)


def test_a_large_team_that_knows_only_flask_is_advised_django_not_refused(consultant: Consultant) -> None:
    result = consult(consultant, team_languages=["python"], python_experience=["flask"], team_size="large")
    facts = result.facts
    assert facts["framework"].value == "django"
    assert ("fw.python-known-flask", "flask") not in facts["framework"].overridden  # not for a large organisation
    assert "warn.flask-large-team" not in [w.id for w in result.warnings]


# ------------------------------------------------------------------ the questions asked

def interview(consultant: Consultant, given: dict[str, Any], answers: dict[str, Any]) -> list[str]:
    """The questions an interview asks, answered from ``answers`` (else by their defaults)."""

    def ask(question, why):
        return answers.get(question.id, question.default)

    return consultant.run(given, ask=ask).asked


EXPERIENCE = ("python_experience", "go_experience", "node_experience")


@pytest.mark.parametrize(("given", "languages", "asked", "not_asked"), [
    ({}, ["python"], "python_experience", ["go_experience", "node_experience"]),
    ({}, ["go"], "go_experience", ["python_experience", "node_experience"]),
    ({}, ["kotlin"], None, list(EXPERIENCE)),
    ({}, ["java", "kotlin"], None, list(EXPERIENCE)),
    ({"framework": "django"}, ["python"], None, list(EXPERIENCE)),
    ({"framework": "echo"}, ["go"], None, list(EXPERIENCE)),
    ({"language": "go"}, ["python"], "go_experience", ["python_experience", "team_languages"]),
    ({"language": "python"}, ["go"], "python_experience", ["go_experience", "team_languages"]),
    ({"orm": "django-orm"}, ["python"], None, list(EXPERIENCE) + ["team_languages"]),
    ({"orm": "database-sql"}, ["python"], "go_experience", ["python_experience", "team_languages"]),
    ({"database": "mongodb"}, ["python"], None, list(EXPERIENCE)),
    ({"database": "mongodb"}, ["go"], "go_experience", ["python_experience", "node_experience"]),
])
def test_an_experience_question_is_asked_only_when_it_can_change_the_framework(
    consultant: Consultant, given: dict[str, Any], languages: list[str], asked: str | None, not_asked: list[str]
) -> None:
    questions = interview(consultant, given, {**TEAM, "team_languages": languages})
    if asked:
        assert asked in questions
    assert not set(questions) & set(not_asked), questions


def test_a_pinned_spring_boot_still_asks_the_team_languages_that_choose_java_or_kotlin(consultant: Consultant) -> None:
    assert "team_languages" in interview(consultant, {"framework": "spring-boot"}, TEAM)
    assert "team_languages" not in interview(consultant, {"framework": "spring-boot", "language": "java"}, TEAM)
    assert "team_languages" not in interview(consultant, {"framework": "gin"}, TEAM)


def test_a_go_or_jvm_interview_stays_short(consultant: Consultant) -> None:
    for languages in (["go"], ["kotlin"], ["java"], ["python"], ["php"], ["rust"], ["javascript"]):
        questions = interview(consultant, {}, {**TEAM, "team_languages": languages})
        assert len(questions) <= 14, (languages, questions)  # principle_first is asked of everyone


def test_the_new_questions_and_choices_speak_both_languages(kb: KnowledgeBase) -> None:
    for qid in ("python_experience", "go_experience", "php_experience", "team_languages", "principle_first"):
        question = kb.questions[qid]
        assert both_languages(question.prompt) and both_languages(question.help), qid
        assert all(choice.label.get("en") and choice.label.get("fr") for choice in question.choices), qid
    assert {c.value for c in kb.questions["team_languages"].choices} == {
        "python", "typescript", "javascript", "go", "java", "kotlin", "php", "rust"}
    assert kb.questions["python_experience"].default == ["none"] and kb.questions["go_experience"].default == ["none"]


def test_a_kotlin_spring_boot_description_is_understood(kb: KnowledgeBase, consultant: Consultant) -> None:
    from expert.router import describe

    found = {u.key: u.value for u in describe("A Kotlin Spring Boot API on MySQL with Flyway", kb)}
    assert (found.get("framework"), found.get("database"), found.get("migrations")) == ("spring-boot", "mysql", "flyway")
    assert "kotlin" in found.get("team_languages", [])
    result = consult(consultant, **found)
    assert (result.facts["language"].value, result.facts["orm"].value) == ("kotlin", "hibernate")
    found = {u.key: u.value for u in describe("Un service en Go avec Echo (labstack echo) et PostgreSQL", kb)}
    assert (found.get("framework"), found.get("database")) == ("echo", "postgresql")


# ------------------------------------------------------------------ what the layers generate

def test_the_stacks_matrix_shows_a_cell_for_every_framework_the_rules_choose(kb: KnowledgeBase) -> None:
    cells = {(row["language"], row["framework"]) for row in capability_matrix()}
    chosen = {(language, framework) for _, _, language, framework, _ in PERSONAS}
    missing = chosen - cells
    assert not missing, f"the rules choose {sorted(missing)}, which no stack layer generates"
    for row in capability_matrix():
        stack, framework, generates = row["stack"], row["framework"], row["generates"]
        for key, value in STACK_OF.get(framework, {}).items():
            assert value in generates.get(key, []), f"{stack} does not generate {key}={value}"


def test_backend_expert_stacks_lists_a_stack_for_every_framework_the_rules_choose() -> None:
    import json

    from click.testing import CliRunner

    from expert.cli import cli

    rows = json.loads(CliRunner().invoke(cli, ["stacks", "--format", "json"], catch_exceptions=False).output)
    text = CliRunner().invoke(cli, ["stacks"], catch_exceptions=False).output
    cells = {(row["language"], row["framework"]): row for row in rows}
    for _, _, language, framework, _ in PERSONAS:
        row = cells.get((language, framework))
        assert row is not None, f"backend-expert stacks lists no {language}/{framework} stack"
        assert f"{row['stack']} ({language}/{framework})" in text
        assert {"postgresql", "mysql"} & set(row["generates"]["database"]), row


# Decided alike for every language and recorded as advice by every starter: the starters generate owner-only
# rows, layers by kind and limit/offset whatever the knowledge recommends for them.
LANGUAGE_NEUTRAL = {"authorization", "module_layout", "pagination"}
# a decision that asks for nothing (csrf_protection=not-needed under JWT) has no file to land in
NOTHING_TO_GENERATE = {"none", "not-needed", "not-required"}
STACK_DECIDED = ("language", "framework", "orm", "migrations", "validation", "test_framework", "concurrency_model")


@pytest.mark.parametrize("sample", STACK_SAMPLES, ids=lambda p: p.stem)
def test_what_the_rules_tell_a_sample_is_what_its_stack_generates(kb: KnowledgeBase, consultant: Consultant,
                                                                  sample: Path) -> None:
    from expert.answers import load_answers

    result = consultant.run(dict(load_answers(sample, kb).answers))
    assert [c.id for c in result.conflicts if c.kind != "pin"] == []
    decisions = {k: f.value for k, f in result.decisions(kb).items()}
    stack, gaps = generation_gaps(decisions)
    assert stack is not None and gaps == [], [g.reason for g in gaps]
    implements = stack.spec.get("implements") or {}
    for key in STACK_DECIDED:
        assert key in implements, f"{stack.name} does not say where it implements {key} (decided: {decisions[key]})"
    for key, values in implements.items():
        if key in decisions and key not in LANGUAGE_NEUTRAL and decisions[key] not in NOTHING_TO_GENERATE:
            assert decisions[key] in values, f"{key}={decisions[key]}, but {stack.name} implements {', '.join(values)}"


# ------------------------------------------------------------------ PHP, Rust and JavaScript teams

# (persona, answers over TEAM, what an architect decides, the rule that chose the framework)
NEW_LANGUAGES = [
    ("php, small team, no framework known", {"team_languages": ["php"], "php_experience": ["none"]},
     {"language": "php", "framework": "laravel", "orm": "eloquent", "migrations": "laravel-migrations",
      "validation": "laravel-validation", "test_framework": "phpunit"}, "fw.laravel"),
    ("php, large organisation, no framework known",
     {"team_languages": ["php"], "php_experience": ["none"], "team_size": "large"},
     {"framework": "symfony", "orm": "doctrine", "migrations": "sql-files", "validation": "symfony-validator"},
     "fw.symfony-large"),
    ("php, medium team that runs Symfony",
     {"team_languages": ["php"], "php_experience": ["symfony", "laravel"], "team_size": "medium"},
     {"framework": "symfony"}, "fw.php-known-symfony-several-teams"),
    ("php, small team that knows both", {"team_languages": ["php"], "php_experience": ["symfony", "laravel"]},
     {"framework": "laravel"}, "fw.php-known-laravel"),
    ("php on MongoDB with Laravel", {"team_languages": ["php"], "php_experience": ["laravel"], "data_shape": "document"},
     {"database": "mongodb", "orm": "laravel-mongodb", "migrations": "none"}, "fw.php-known-laravel"),
    ("rust only", {"team_languages": ["rust"]},
     {"language": "rust", "framework": "axum", "orm": "sqlx", "migrations": "sqlx-migrate",
      "validation": "validator-rs", "test_framework": "cargo-test"}, "fw.axum"),
    ("rust and python, security first", {"team_languages": ["rust", "python"], "load": "high"},
     {"language": "python"}, None),
    ("javascript team", {"team_languages": ["javascript"], "node_experience": ["none"]},
     {"language": "typescript", "framework": "fastify", "orm": "prisma", "test_framework": "vitest"},
     "fw.fastify-default"),
    ("javascript and typescript", {"team_languages": ["javascript", "typescript"], "node_experience": ["none"]},
     {"language": "typescript"}, "fw.fastify-default"),
]


@pytest.mark.parametrize(("persona", "answers", "expected", "rule"), NEW_LANGUAGES, ids=[p[0] for p in NEW_LANGUAGES])
def test_php_rust_and_javascript_teams(consultant: Consultant, persona: str, answers: dict, expected: dict,
                                       rule: str | None) -> None:
    result = consultant.run({**TEAM, **answers})
    assert {k: result.facts[k].value for k in expected} == expected, persona
    if rule:
        assert result.facts["framework"].rule == rule
    assert not result.conflicts


def test_a_javascript_team_is_told_why_typescript(consultant: Consultant) -> None:
    result = consultant.run({**TEAM, "team_languages": ["javascript"], "node_experience": ["none"]})
    fact = result.facts["language"]
    assert fact.rule == "lang.javascript"
    assert "allowJs" in fact.because["en"] and "allowJs" in fact.because["fr"]
    pinned = consultant.run({**TEAM, "team_languages": ["javascript"], "language": "javascript"})
    assert "warn.javascript-is-typescript" in [w.id for w in pinned.warnings]


@pytest.mark.parametrize(("answers", "conflict"), [
    ({"team_languages": ["python"], "framework": "laravel", "language": "python"}, "conflict.framework-php"),
    ({"team_languages": ["go"], "framework": "axum", "language": "go"}, "conflict.framework-rust"),
])
def test_a_framework_of_another_language_is_refused(consultant: Consultant, answers: dict, conflict: str) -> None:
    assert conflict in [c.id for c in consultant.run({**TEAM, **answers}).conflicts]


@pytest.mark.parametrize(("answers", "warning"), [
    ({"team_languages": ["php"], "api_style": "grpc"}, "warn.php-grpc"),
    ({"team_languages": ["rust"], "team_size": "medium", "load": "medium"}, "warn.rust-several-teams-one-knows"),
    ({"team_languages": ["rust"], "team_size": "solo", "load": "low", "hosting": "vm", "prototype": True},
     "warn.rust-prototype"),
])
def test_combinations_a_senior_engineer_questions_are_named(consultant: Consultant, answers: dict, warning: str) -> None:
    assert warning in [w.id for w in consultant.run({**TEAM, **answers}).warnings]


def test_a_team_pinned_to_a_language_it_does_not_know_hears_both_reasons(consultant: Consultant) -> None:
    result = consultant.run({**TEAM, "team_languages": ["python"], "language": "rust"})
    assert result.facts["language"].value == "rust"
    pin = next(c for c in result.conflicts if c.id == "pin:language")
    lang_python = next(r for r in consultant.kb.rules if r.id == "lang.python")
    assert pin.kind == "pin" and lang_python.because in pin.reasons  # the rule it overrides, with its reason
