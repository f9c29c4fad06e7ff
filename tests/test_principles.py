"""The four principles as knowledge: the principle_first question, the rules that trade on it, the
serves/trades declarations (validated at load), and what `decide` and docs/principles.md show of them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2
import pytest
from click.testing import CliRunner

from expert.cli import cli
from expert.consult import Consultant
from expert.knowledge import PRINCIPLES, KnowledgeBase, KnowledgeError, load_knowledge
from expert.principles import principle_views, principles_context
from expert.render import TEMPLATES_DIR
from expert.render_filters import FILTERS

BASE = {"clients": ["browser-spa", "mobile"], "data_shape": "relational", "team_size": "small",
        "hosting": "containers"}


def decided(consultant: Consultant, **answers: Any) -> dict[str, Any]:
    result = consultant.run({**BASE, **answers})
    return {k: f.value for k, f in result.facts.items()}


def test_the_question_is_asked_once_of_everyone_with_security_as_default(kb: KnowledgeBase, consultant) -> None:
    question = kb.questions["principle_first"]
    assert question.default == "security" and not question.when
    assert [c.value for c in question.choices] == list(PRINCIPLES)
    result = consultant.run(dict(BASE))
    assert result.asked.count("principle_first") == 1
    assert result.facts["principle_first"].source == "default"


@pytest.mark.parametrize(("answers", "key", "expected", "rule"), [
    ({"team_languages": ["python", "go"], "load": "high", "principle_first": "performance"},
     "language", "go", "lang.go-performance"),
    ({"team_languages": ["python", "go"], "load": "high", "principle_first": "security"},
     "language", "python", "lang.python"),
    ({"team_languages": ["python", "go"], "load": "medium", "principle_first": "performance"},
     "language", "python", "lang.python"),
    ({"team_languages": ["python", "go", "rust"], "load": "high", "principle_first": "performance"},
     "language", "rust", "lang.rust-performance"),
    ({"team_languages": ["python"], "python_experience": ["django"], "load": "high", "principle_first": "performance"},
     "framework", "fastapi", "principle.fastapi-performance-first"),
    ({"team_languages": ["python"], "python_experience": ["django"], "load": "high", "principle_first": "security"},
     "framework", "django", "fw.python-known-django"),
    ({"team_languages": ["python"], "python_experience": ["fastapi"], "load": "high", "principle_first": "performance"},
     "framework", "fastapi", "fw.python-known-fastapi-high-load"),
    ({"team_languages": ["typescript"], "node_experience": ["express"], "load": "high", "principle_first": "performance"},
     "framework", "fastify", "principle.fastify-performance-first"),
    ({"team_languages": ["typescript"], "node_experience": ["express"], "load": "high", "principle_first": "maintainability"},
     "framework", "express", "fw.node-known-express"),
    ({"team_languages": ["typescript"], "node_experience": ["express"], "load": "medium", "principle_first": "performance"},
     "framework", "express", "fw.node-known-express"),
    ({"team_languages": ["python"], "load": "medium", "principle_first": "performance"},
     "cache", "redis", "principle.cache-performance-first"),
    ({"team_languages": ["python"], "load": "medium", "principle_first": "security"},
     "cache", "none", "cache.none-default"),
    ({"team_languages": ["python"], "load": "medium", "principle_first": "scalability"},
     "db_pooling", "pgbouncer", "principle.pooler-scalability-first"),
    ({"team_languages": ["python"], "load": "medium", "principle_first": "maintainability"},
     "db_pooling", "app-pool", "db.pool-in-app"),
    ({"team_languages": ["python"], "load": "low", "principle_first": "maintainability"},
     "coverage_threshold", "min-90", "principle.coverage-maintainability-first"),
    ({"team_languages": ["python"], "load": "low", "principle_first": "performance"},
     "coverage_threshold", "min-80", "test.coverage-80-default"),
    ({"team_languages": ["python"], "hosting": "vm"},
     "database_hosting", "external", "principle.managed-database-security-first"),
    ({"team_languages": ["python"], "hosting": "vm", "principle_first": "performance"},
     "database_hosting", "compose", "dbhost.compose-single-server"),
    ({"team_languages": ["python"], "hosting": "vm", "team_size": "medium"},
     "database_hosting", "compose", "dbhost.compose-single-server"),
    ({"team_languages": ["python"], "cloud": "aws"},
     "database_hosting", "managed", "dbhost.managed-terraform"),
    ({"team_languages": ["python"], "hosting": "kubernetes", "cloud": "on-prem"},
     "database_hosting", "external", "dbhost.external-default"),
])
def test_rules_trade_on_the_ranking(consultant, answers: dict, key: str, expected: str, rule: str) -> None:
    result = consultant.run({**BASE, **answers})
    assert (result.facts[key].value, result.facts[key].rule) == (expected, rule)
    assert not result.conflicts


def test_a_prototype_keeps_its_lighter_gate_when_maintainability_ranks_first(consultant) -> None:
    facts = decided(consultant, team_size="solo", load="low", hosting="vm", team_languages=["python"],
                    prototype=True, principle_first="maintainability")
    assert facts["coverage_threshold"] == "min-70"


def test_views_list_what_serves_and_what_trades_each_principle(kb, consultant) -> None:
    result = consultant.run({**BASE, "team_languages": ["python", "go"], "load": "high", "principle_first": "performance"})
    views = {v.principle: v for v in principle_views(result, kb, "en")}
    assert [v.principle for v in principle_views(result, kb, "en")][0] == "performance"  # ranked first, first
    assert ("language", "go") in [(x.key, x.value) for x in views["performance"].serves]
    assert ("language", "go") in [(x.key, x.value) for x in views["maintainability"].trades]
    assert ("validation", "openapi-kin") in [(x.key, x.value) for x in views["security"].serves]


def test_decide_prints_the_principles_in_text_and_json() -> None:
    args = ["decide", "--set", "team_languages=python,go", "--set", "load=high", "--set", "principle_first=performance"]
    text = CliRunner().invoke(cli, [*args, "--lang", "en"]).output
    assert "Performance (ranked first)" in text and "served by: language=go" in text and "traded by: language=go" in text
    data = json.loads(CliRunner().invoke(cli, [*args, "--format", "json"]).output)
    assert data["principles"]["first"] == "performance"
    traded = data["principles"]["principles"]["maintainability"]["traded_by"]
    assert {"key": "language", "value": "go", "rule": "lang.go-performance"} in traded


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_principles_document_renders_every_principle_with_its_reasons(kb, consultant, lang: str) -> None:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR / "docs" / "architecture")),
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    env.filters.update(FILTERS)
    result = consultant.run({**BASE, "team_languages": ["rust"], "load": "high", "principle_first": "performance"})
    text = env.get_template("principles.md.j2").render(**principles_context(result, kb, lang))
    assert text.count("\n## ") == 4
    assert "`language = rust` (`lang.rust-performance`)" in text
    assert text.index("`language = rust`") < text.index("## ", text.index("## ") + 1)  # under Performance, first
    reason = kb.rules[[r.id for r in kb.rules].index("lang.rust-performance")].because[lang]
    assert reason in text


def pack(tmp_path: Path, rule: str) -> Path:
    path = tmp_path / "pack.yml"
    path.write_text("agent: acme/policy\ntitle: {en: Policy, fr: Politique}\nrules:\n"
                    "  - id: acme.cache\n    when: {load: high}\n    then: {cache: redis}\n"
                    "    because: {en: Shared counters., fr: Compteurs partagés.}\n" + rule)
    return path


@pytest.mark.parametrize(("extra", "message"), [
    ("    serves: [speed]\n", "pack.yml:8: rule 'acme.cache': serves: 'speed' is not a principle"),
    ("    trades: performance\n", "pack.yml:8: rule 'acme.cache': 'trades' must be a list"),
    ("    serves: [security, security]\n", "pack.yml:8: rule 'acme.cache': serves names a principle twice"),
    ("    serves: [performance]\n    trades: [performance]\n",
     "pack.yml:9: rule 'acme.cache': a principle cannot be both served and traded (performance)"),
])
def test_a_bad_declaration_is_one_line_with_file_and_line(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(KnowledgeError) as err:
        load_knowledge([pack(tmp_path, extra)])
    assert message in str(err.value) and "\n" not in str(err.value)


def test_a_pack_rule_may_declare_principles(tmp_path: Path) -> None:
    kb = load_knowledge([pack(tmp_path, "    serves: [performance]\n    trades: [maintainability]\n")])
    rule = next(r for r in kb.rules if r.id == "acme.cache")
    assert (rule.serves, rule.trades) == (("performance",), ("maintainability",))


#: decision rules that restate what an answer already fixes, so that no principle is at stake in them
RESTATE_AN_ANSWER = {
    "iac.none-managed": "no cloud account: there is nothing to provision",
    "iac.default-none": "no cloud provider named: there is nothing to provision",
    "k8s.none": "not deployed on Kubernetes: no manifests",
    "db.id-object-id": "MongoDB's own key type, which the database indexes itself",
}


def test_every_decision_rule_names_a_principle_or_restates_an_answer(kb: KnowledgeBase) -> None:
    silent = [r.id for r in kb.rules if r.kind == "decision" and not (r.serves or r.trades)]
    assert sorted(silent) == sorted(RESTATE_AN_ANSWER)
    ids = {r.id for r in kb.rules}
    assert set(RESTATE_AN_ANSWER) <= ids  # the allow-list names rules that exist


@pytest.mark.parametrize("key", ["language", "framework", "database", "orm", "auth", "cache", "broker", "ci",
                                 "container", "deploy", "edge_proxy", "test_framework", "coverage_threshold",
                                 "db_pooling", "authorization", "architecture"])
def test_the_main_decisions_always_come_with_their_principles(kb: KnowledgeBase, key: str) -> None:
    rules = kb.rules_concluding(key)
    assert rules and all(r.serves or r.trades for r in rules), [r.id for r in rules if not (r.serves or r.trades)]


ANSWER_SETS = {
    "kubernetes-large": {**BASE, "team_size": "large", "load": "high", "hosting": "kubernetes",
                         "team_languages": ["java"]},
    "prototype-vm": {"clients": ["browser-spa"], "data_shape": "relational", "team_size": "solo", "load": "low",
                     "hosting": "vm", "prototype": True, "team_languages": ["python"]},
    "serverless-performance": {**BASE, "hosting": "serverless", "load": "medium", "team_languages": ["typescript"],
                               "principle_first": "performance"},
}


@pytest.mark.parametrize("name", sorted(ANSWER_SETS))
def test_each_principle_is_served_and_the_trade_offs_are_named(kb, consultant, name: str) -> None:
    result = consultant.run(ANSWER_SETS[name])
    views = principle_views(result, kb, "en")
    assert {v.principle for v in views if v.serves} == set(PRINCIPLES)
    traded = {(x.key, x.value) for v in views for x in v.trades}
    assert traded, "these answers make at least one trade-off"
    for v in views:  # a decision is never both for and against the same principle
        assert not {(x.key, x.value) for x in v.serves} & {(x.key, x.value) for x in v.trades}


@pytest.mark.parametrize(("name", "principle", "decision"), [
    ("kubernetes-large", "maintainability", ("architecture", "microservices")),
    ("kubernetes-large", "maintainability", ("deploy", "kubernetes")),
    ("prototype-vm", "scalability", ("database", "sqlite")),
    ("prototype-vm", "scalability", ("deploy", "compose")),
    ("serverless-performance", "performance", ("deploy", "serverless")),
])
def test_the_trade_off_an_architect_would_name_is_listed(kb, consultant, name: str, principle: str,
                                                         decision: tuple[str, str]) -> None:
    views = {v.principle: v for v in principle_views(consultant.run(ANSWER_SETS[name]), kb, "en")}
    assert decision in [(x.key, x.value) for x in views[principle].trades]


def test_decide_names_every_principle_and_its_trade_offs() -> None:
    args = ["decide", "--set", "team_languages=python", "--set", "prototype=true", "--set", "hosting=vm",
            "--set", "team_size=solo", "--set", "load=low", "--format", "json"]
    data = json.loads(CliRunner().invoke(cli, args).output)["principles"]["principles"]
    assert all(data[p]["served_by"] for p in PRINCIPLES)
    assert {"key": "database", "value": "sqlite", "rule": "db.sqlite-prototype"} in data["scalability"]["traded_by"]
