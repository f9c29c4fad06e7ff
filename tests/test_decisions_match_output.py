"""Every decision a generated project records is implemented by its code or presented as advice for later.

A sweep of answer sets (the scenario personas, the samples, and seeded random answers with a few pins) goes
through the rules and the blueprint; docs/architecture.md must list each decision either where the code
implements it (a selected layer's ``implements``) or under "Advice for later" with its trigger, never both
and never neither, and the ADRs must agree (a record of advice is "proposed", a pinned one is the team's
choice and gives the rules' view). A full render per stack then checks that each ``implements`` entry
names a file or folder that exists in the rendered tree. ``DECISIONS_SEED`` and ``DECISIONS_COUNT`` change
the random part.
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from expert.answers import load_answers, resolve_project
from expert.consult import Consultant, Consultation
from expert.generators import adr
from expert.generators.blueprint import build_blueprint, decision_values
from expert.generators.stack import generation_gaps, layer_spec
from expert.knowledge import KnowledgeBase
from expert.render import render_layers

TESTS = Path(__file__).parent
SCENARIOS = sorted((TESTS / "scenarios").glob("*.yml"))
#: the samples of the default e2e set (each family's `more/` repeats their stacks with other databases)
SAMPLES = sorted(p for p in (TESTS / "samples").rglob("*.yml") if "more" not in p.parts or p.parent.parent.name == "samples")
SEED = int(os.environ.get("DECISIONS_SEED", "20261201"))
COUNT = int(os.environ.get("DECISIONS_COUNT", "40"))
#: decision keys a random answer set may pin, to exercise pinned records (values drawn from the catalogue)
PINNABLE = ("authorization", "k8s_packaging", "module_layout", "integration_db", "cache", "pagination")
NOTHING = adr.NOTHING_TO_BUILD
ENTRY = re.compile(r"^- `([a-z0-9_]+) = ([^`]+)`", re.M)


@dataclass
class Case:
    name: str
    answers: dict[str, Any]
    project: dict[str, str] = field(default_factory=lambda: {"name": "Sweep"})
    entities: list[dict[str, Any]] | None = None


def persona_cases() -> Iterator[Case]:
    for path in SCENARIOS:
        yield Case(f"scenario:{path.stem}", dict(yaml.safe_load(path.read_text())["user"]))


def random_cases(kb: KnowledgeBase) -> Iterator[Case]:
    """Seeded random answers over every question's options; one set in four pins a decision as well."""
    rng = random.Random(SEED)
    for index in range(COUNT):
        answers: dict[str, Any] = {}
        for q in kb.questions.values():
            if q.type == "text":
                continue
            if q.type == "multi":
                values = [c.value for c in q.choices if c.value != "none"]
                answers[q.id] = rng.sample(values, rng.randint(1, min(3, len(values))))
            else:
                answers[q.id] = rng.choice(q.choice_values())
        if index % 4 == 0:
            key = rng.choice(PINNABLE)
            answers[key] = rng.choice(list(kb.decisions[key].values))
        yield Case(f"random:{index}", answers)


def consult(consultant: Consultant, kb: KnowledgeBase, case: Case) -> Consultation:
    """The consultation as the interview runs it: a question is answered only when it is asked."""
    pins = {k: v for k, v in case.answers.items() if k in kb.decisions}
    return consultant.run(pins, ask=lambda q, why: case.answers.get(q.id, q.default))


def sections(document: str) -> dict[str, str]:
    """docs/architecture.md by ``## `` heading."""
    parts = re.split(r"^## ", document, flags=re.M)
    return {part.split("\n", 1)[0]: part for part in parts[1:]}


def entries(section: str | None) -> set[tuple[str, str]]:
    return set(ENTRY.findall(section or ""))


def check_case(kb: KnowledgeBase, consultant: Consultant, case: Case) -> bool:
    """Assert the case's documents match its code; False when no starter can generate it (``new`` refuses)."""
    result = consult(consultant, kb, case)
    decisions = decision_values(result, kb)
    stack, gaps = generation_gaps(decisions)
    if stack is None or gaps or any(c.kind == "incompatible" for c in result.conflicts):
        return False
    blueprint = build_blueprint(resolve_project(case.project, "sweep"), result, kb, "en", case.entities)
    specs = [layer_spec(name) for name, _ in blueprint.layers]
    parts = sections(blueprint.documents["docs/architecture.md"])
    in_code, later = entries(parts.get("Where the decisions are in the code")), entries(parts.get("Advice for later"))
    for key, value in decisions.items():
        pair = (key, str(value))
        if str(value) in NOTHING:
            continue
        where = adr.implemented(key, value, kb, specs)
        assert (pair in in_code) == where, f"{case.name}: {key}={value} is{'' if where else ' not'} implemented"
        assert (pair in later) != where, f"{case.name}: {key}={value} is neither in the code nor advice (or both)"
        for rule, other in adr.later_advice(result.facts[key], kb, specs):
            assert (key, other) in later, f"{case.name}: {key}={other} ({rule.id}) lost to {value} but is not advice"
    saved = yaml.safe_load(blueprint.documents[".backend-expert.yml"].split("\n", 1)[1])
    assert saved["decisions"] == {k: result.facts[k].value for k in kb.decisions if k in result.facts}
    for record in adr.build_adrs(result, kb, "en", specs):
        facts = [result.facts[k] for k in _record_keys(record) if k in result.facts]
        advice = any(not adr.implemented(f.key, f.value, kb, specs) for f in facts)
        assert record["status"].startswith("proposed") == advice, f"{case.name}: {record['title']}: {record['status']}"
        if not advice and any(f.source == "pin" for f in facts):
            assert "the team's choice" in record["status"], record
            assert "The rules' view" in record["decision"], record
    return True


def _record_keys(record: dict[str, Any]) -> list[str]:
    """The decision keys a record states (each line of its decision starts with ``key = value``)."""
    return [line.split(" = ", 1)[0] for line in record["decision"].splitlines() if " = " in line.split(":", 1)[0]]


def test_the_personas_decisions_are_implemented_or_advice(kb: KnowledgeBase, consultant: Consultant) -> None:
    checked = [case.name for case in persona_cases() if check_case(kb, consultant, case)]
    assert len(checked) >= 8, checked  # all but the personas asking for something no starter generates


def test_the_samples_decisions_are_implemented_or_advice(kb: KnowledgeBase, consultant: Consultant) -> None:
    for path in SAMPLES:
        answers = load_answers(path, kb)
        case = Case(f"sample:{path.stem}", dict(answers.answers), dict(answers.project), answers.entities)
        assert check_case(kb, consultant, case), f"{path}: no starter generates it"


def test_a_random_sweep_of_answers_is_implemented_or_advice(kb: KnowledgeBase, consultant: Consultant) -> None:
    checked = [case.name for case in random_cases(kb) if check_case(kb, consultant, case)]
    assert len(checked) >= COUNT // 4, f"only {len(checked)} of {COUNT} random answer sets are generatable"


# ----------------------------------------------------------------------------- the five findings of issue 10


@pytest.mark.parametrize("key,starter,later,answers", [
    ("k8s_packaging", "kustomize", "helm", {"hosting": "kubernetes", "team_size": "small"}),
    ("module_layout", "by-layer", "by-bounded-context", {"team_size": "large", "load": "high"}),
    ("authorization", "owner-only", "rbac", {"load": "medium", "clients": ["browser-spa"]}),
    ("integration_db", "database-url", "testcontainers", {"data_shape": "relational"}),
])
def test_the_rules_decide_what_the_starter_does_and_keep_the_rest_as_advice(
        kb: KnowledgeBase, consultant: Consultant, key: str, starter: str, later: str, answers: dict[str, Any]) -> None:
    result = consult(consultant, kb, Case(key, answers))
    assert result.facts[key].value == starter
    assert later in {value for _, value in adr.later_advice(result.facts[key], kb, None)}
    blueprint = build_blueprint(resolve_project({"name": "Findings"}, "x"), result, kb, "en")
    advice = sections(blueprint.documents["docs/architecture.md"])["Advice for later"]
    line = next(line for line in advice.splitlines() if line.startswith(f"- `{key} = {later}`"))
    assert "When " in line, line  # the trigger that makes it worth doing


@pytest.mark.parametrize("framework,model", [
    ("fastapi", "thread-pool"), ("django", "thread-pool"), ("flask", "sync-workers"), ("express", "async-io"),
    ("fastify", "async-io"), ("nestjs", "async-io"), ("gin", "goroutines"), ("echo", "goroutines"),
    ("spring-boot", "thread-pool"),
])
def test_the_concurrency_model_is_the_one_each_stack_implements(
        kb: KnowledgeBase, consultant: Consultant, framework: str, model: str) -> None:
    result = consultant.run({"framework": framework})
    assert result.facts["concurrency_model"].value == model
    stack, gaps = generation_gaps(decision_values(result, kb))
    assert stack is not None and not gaps
    assert model in stack.spec["implements"]["concurrency_model"]


def test_a_pinned_record_is_the_teams_choice_and_gives_the_rules_view(kb: KnowledgeBase, consultant: Consultant) -> None:
    result = consultant.run({"authorization": "rbac", "load": "medium"})
    record = next(r for r in adr.build_adrs(result, kb, "en") if r["title"].startswith("Authorization model"))
    assert record["status"].startswith("proposed"), record  # RBAC is not in any starter's code
    assert "authorization = rbac: the team's choice" in record["decision"]
    assert "they would have chosen authorization = owner-only (authz.owner-only-starter)" in record["decision"]
    french = next(r for r in adr.build_adrs(result, kb, "fr") if r["title"].startswith("Modèle d'autorisation"))
    assert "choix de l'équipe" in french["decision"] and "L'avis des règles" in french["decision"]
    assert "## Décision" in adr.render_adr(french) and "## Decision" not in adr.render_adr(french)


def test_french_projects_get_french_docs_and_records(kb: KnowledgeBase, consultant: Consultant) -> None:
    answers = load_answers(TESTS / "samples" / "go" / "gin-postgresql.yml", kb)
    result = consultant.run({**answers.answers, "authorization": "rbac"})
    blueprint = build_blueprint(resolve_project(answers.project, "x"), result, kb, "fr", answers.entities)
    architecture = blueprint.documents["docs/architecture.md"]
    later = sections(architecture)["Conseils pour plus tard"]
    assert "- `authorization = rbac`" in later and "L'avis des règles : elles auraient choisi authorization = owner-only" in later
    assert "## Où les décisions se trouvent dans le code" in architecture
    start = blueprint.documents["docs/demarrage.md"]  # the README's shared sections, from the stack's layer.yml
    commands = layer_spec("stack/go-gin")["commands"]
    for section, command in (("Installer", "install"), ("Migrer", "migrate"), ("Lancer", "run"), ("Tester", "test")):
        assert f"```sh\n{commands[command]}\n" in start.split(f"## {section}\n", 1)[1].split("## ", 1)[0], section
    assert "| `SECRET_KEY` | oui | (valeur secrète, jamais dans git) |" in start
    record = adr.render_adr(next(r for r in adr.build_adrs(result, kb, "fr") if r["slug"] == "postgresql"))
    assert "- Statut : " not in record and "- Statut: acceptée" in record and "## Contexte" in record
    assert "docs/demarrage.md" not in build_blueprint(resolve_project(answers.project, "x"), result, kb, "en",
                                                      answers.entities).documents


# ----------------------------------------------------------------------------- implements entries name real files

#: one sample per stack, rendered in full (every layer) to check the files the implements entries name
FULL_RENDERS = [
    "shop-k8s.yml", "python/django-postgresql.yml", "python/flask-sqlite.yml", "go/gin-postgresql.yml",
    "go/echo-mysql.yml", "node/express-prisma-postgresql.yml", "node/fastify-sequelize-mysql.yml",
    "node/nestjs-typeorm-sqlite.yml", "jvm/spring-boot-postgresql.yml", "jvm/kotlin-spring-boot-mysql.yml",
]
PATH_TOKEN = re.compile(r"[\w.*{},/@-]+")


def named_paths(where: str) -> list[str]:
    """The path-like words of an ``implements`` entry, with ``{a,b}`` expanded."""
    out = []
    for token in PATH_TOKEN.findall(where):
        token = token.rstrip(".,")
        if "/" not in token and "." not in token:
            continue
        match = re.search(r"\{([^}]*)\}", token)
        options = match.group(1).split(",") if match else [""]
        out += [token.replace(match.group(0), o) if match else token for o in options]
    return [t for t in out if t]


def exists(root: Path, path: str) -> bool:
    return any(root.glob(path.rstrip("/"))) if "*" in path else (root / path.rstrip("/")).exists()


@pytest.mark.parametrize("sample", FULL_RENDERS)
def test_each_implements_entry_names_a_file_of_the_rendered_tree(
        kb: KnowledgeBase, consultant: Consultant, tmp_path: Path, sample: str) -> None:
    answers = load_answers(TESTS / "samples" / sample, kb)
    result = consultant.run(dict(answers.answers))
    blueprint = build_blueprint(resolve_project(answers.project, "x"), result, kb, "en", answers.entities)
    root = tmp_path / "tree"
    render_layers(blueprint.layers, root, tmp_path / "scratch")
    project = root  # the layers' {{cookiecutter.project_slug}} folders, merged
    for rel, text in blueprint.documents.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(text)
    specs = {name: layer_spec(name) for name, _ in blueprint.layers}
    missing = [f"{name}: {key}={value}: {where!r}"
               for key, value in decision_values(result, kb).items()
               for name, spec in specs.items()
               if (where := ((spec.get("implements") or {}).get(key) or {}).get(value))
               and not any(exists(project, p) for p in named_paths(str(where)))]
    assert missing == [], "implements entries that name no file of the tree:\n" + "\n".join(missing)
