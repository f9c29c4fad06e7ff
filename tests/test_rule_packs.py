"""Company rule packs: impose and forbid choices, explained like any other rule; bad packs get file:line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expert.cli import cli

PACK = Path(__file__).resolve().parent.parent / "docs" / "examples" / "acme-policy.yml"


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_a_pack_imposes_its_choices_and_explains_them():
    data = json.loads(run("decide", "--format", "json", "--rules", str(PACK), "--set", "data_shape=document").output)
    assert data["decisions"]["ci"]["value"] == "gitlab-ci"
    assert data["decisions"]["ci"]["rule"] == "acme.gitlab-ci"
    assert data["decisions"]["database"]["value"] == "postgresql"
    text = run("explain", "database", "--rules", str(PACK), "--set", "data_shape=document").output
    assert "acme.postgresql [acme/platform-policy]" in text and "PostgreSQL 16" in text


def test_a_pack_forbids_a_choice_even_when_pinned(tmp_path):
    result = run("new", str(tmp_path / "p"), "--no-input", "--rules", str(PACK), "--set", "database=mongodb")
    assert result.exit_code == 1
    assert "acme.no-mongodb" in result.output and "MongoDB is not operated at ACME" in result.output
    assert not (tmp_path / "p").exists()


def test_a_malformed_pack_names_file_and_line(tmp_path):
    bad = tmp_path / "pack.yml"
    bad.write_text("agent: acme/x\nrules:\n  - id: a\n    when: {code_host: github}\n    then: {ci: jenkins}\n"
                   "    because: {en: a, fr: b}\n")
    result = run("decide", "--rules", str(bad))
    assert result.exit_code == 1
    assert f"{bad}:3:" in result.output and "'jenkins' is not a known value of 'ci'" in result.output
    missing = run("decide", "--rules", str(tmp_path / "nope.yml"))
    assert missing.exit_code == 1 and "no such rule pack" in missing.output


def test_ask_routes_to_pack_agents():
    data = json.loads(run("ask", "what is the ACME platform policy?", "--rules", str(PACK), "--format", "json").output)
    assert data["agents"][0]["id"] == "acme/platform-policy"


# ----------------------------------------------------------------------------- malformed packs

BASE_PACK: dict[str, Any] = {
    "agent": "acme/policy",
    "title": {"en": "Policy", "fr": "Politique"},
    "keywords": {"en": ["acme"], "fr": ["acme"]},
    "questions": [{"id": "team", "type": "choice", "prompt": {"en": "Team?", "fr": "Équipe ?"}, "help": "Size.",
                   "choices": [{"value": "small", "label": "Small", "keywords": ["tiny"]}, {"value": "big", "label": "Big"}],
                   "default": "small", "when": {"data_shape": "relational"}}],
    "rules": [{"id": "acme.pg", "when": {"data_shape": ["relational", "document"], "team": {"not": "big"}},
               "then": {"database": "postgresql"}, "priority": 90, "because": {"en": "policy", "fr": "politique"}}],
    "conflicts": [{"id": "acme.no-mongo", "when": [{"database": "mongodb"}, {"load": {"in": ["high"]}}], "because": "no"}],
    "warnings": [{"id": "acme.w", "when": {"load": {"not_in": ["low"]}}, "because": "careful"}],
    "advice": [{"en": "Register the service.", "fr": "Enregistrez le service."}],
}


def pack_text(doc: Any) -> str:
    from expert.yamlio import dump_yaml

    return dump_yaml(doc)


def load_pack(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    from expert.knowledge import load_knowledge
    from tests.conftest import FIXTURE_KB

    pack = tmp_path / "pack.yml"
    pack.write_text(text, encoding="utf-8")
    return pack, lambda: load_knowledge([pack], rules_dir=FIXTURE_KB)


def test_the_base_pack_of_the_sweep_is_valid(tmp_path):
    from expert.consult import Consultant

    _, load = load_pack(tmp_path, pack_text(BASE_PACK))
    kb = load()
    assert Consultant(kb).run({"data_shape": "relational"}).facts["database"].rule == "acme.pg"


@pytest.mark.parametrize(
    "then,fragment",
    [
        ("{../x: postgresql}", "'../x' is not a decision key"),
        ("{a/b: postgresql}", "'a/b' is not a decision key"),
        ("{a.b: postgresql}", "'a.b' is not a decision key"),
        ("{1: postgresql}", "1 is not a decision key"),
        ("{databse: postgresql}", "concludes 'databse', which is not a known decision key"),
        ("[database, postgresql]", "'then' (decision keys to values) must be a mapping"),
        ("{database: [postgresql]}", "database must be a string value"),
        ("null", "must be a mapping"),
    ],
)
def test_a_bad_then_is_a_lint_error_with_its_line(tmp_path, then, fragment):
    pack, _ = load_pack(tmp_path, f"agent: acme/x\nrules:\n  - id: a\n    when: {{data_shape: relational}}\n    then: {then}\n"
                                  "    because: {en: a, fr: b}\n")
    result = run_unchecked("decide", "--rules", str(pack))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith(f"Error: {pack}:") and fragment in result.output, result.output


@pytest.mark.parametrize(
    "when,fragment",
    [
        ("[]", "'when' is an empty list"),
        ("[[data_shape]]", "'when' must be a non-empty mapping"),
        ("[{data_shape: relational}, 5]", "'when' must be a non-empty mapping"),
        ("{1: relational}", "1 is not a fact key"),
        ("{data_shape: 1.5}", "a test value must be a string or a boolean"),
        ("{data_shape: {in: [null]}}", "'in' needs a non-empty list of strings or booleans"),
        ("{data_shape: {in: [[relational]]}}", "'in' needs a non-empty list of strings or booleans"),
        ("{data_shape: [{a: b}]}", "'in' needs a non-empty list of strings or booleans"),
        ("{data_shape: {not: [relational]}}", "'not' needs a string or a boolean"),
        ("{data_shape: {contains: {}}}", "'contains' needs a string or a boolean"),
        ("{data_shape: {equals: relational}}", "a test is a value, a list, or one of"),
        ("{data_shape: null}", "a test value must be a string or a boolean"),
        ("null", "'when' is required"),
        ("7", "'when' must be a non-empty mapping"),
    ],
)
def test_a_bad_when_is_a_lint_error_with_its_line(tmp_path, when, fragment):
    pack, _ = load_pack(tmp_path, f"agent: acme/x\nrules:\n  - id: a\n    when: {when}\n    then: {{database: postgresql}}\n"
                                  "    because: {en: a, fr: b}\n")
    result = run_unchecked("decide", "--rules", str(pack))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith(f"Error: {pack}:4:") and fragment in result.output, result.output


@pytest.mark.parametrize(
    "text,line,fragment",
    [
        ("agent: ../../etc\n", 1, "'agent' must be '<domain>/<name>'"),
        ("agent: acme/x\nquestions: {id: a}\n", 2, "'questions' must be a list"),
        ("agent: acme/x\nquestions:\n  - just-a-string\n", 3, "a question must be a mapping"),
        ("agent: acme/x\nrules: 5\n", 2, "'rules' must be a list"),
        ("agent: acme/x\nadvice: 5\n", 2, "'advice' must be a list"),
        ("agent: acme/x\nkeywords: {en: 5}\n", 2, "keywords.en must be a list"),
        ("agent: acme/x\nkeywords: {de: [x]}\n", 2, "keywords are given per language"),
        ("agent: acme/x\nconflicts:\n  - id: c\n    when: {load: high}\n    then: [x]\n    because: b\n", 5, "unknown field 'then'"),
        ("agent: acme/x\nrules:\n  - id: 'a b'\n", 3, "a rule needs an id matching"),
        ("agent: acme/x\nrules:\n  - id: a\n    when: {load: high}\n    then: {cache: redis}\n    priority: 1e9\n"
         "    because: b\n", 6, "priority must be an integer from 0 to 1000"),
        ("agent: acme/x\nquestions:\n  - {id: q, type: bool, prompt: p, help: h, default: 1}\n", 3,
         "default 1 is not one of its choices"),
        ("agent: acme/x\nquestions:\n  - {id: q, type: choice, prompt: p, help: h, default: a, choices: 1.5}\n", 3,
         "'choices' must be a list"),
        ("agent: acme/x\nquestions:\n  - {id: q, type: choice, prompt: p, help: h, default: a, choices: [{value: a, keywords: .inf}]}\n",
         3, "a choice's keywords must be a list"),
    ],
)
def test_wrong_types_anywhere_are_lint_errors_with_their_line(tmp_path, text, line, fragment):
    pack, _ = load_pack(tmp_path, text)
    result = run_unchecked("decide", "--rules", str(pack))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith(f"Error: {pack}:{line}:") and fragment in result.output, result.output


def run_unchecked(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args))


yaml_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8),
              st.sampled_from(["../x", "a/b", "a.b", "database", "load", "postgresql", "relational", "in", "not", "contains", "en"])),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.one_of(st.text(max_size=6), st.integers(), st.sampled_from(["in", "not_in", "en", "fr"])),
                                               children, max_size=3)),
    max_leaves=8,
)


def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a document (a key path) where a value can be replaced."""
    found = [prefix]
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, child in children:
        found += paths(child, (*prefix, key))
    return found


def replaced(doc: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    copy = dict(doc) if isinstance(doc, dict) else list(doc)
    copy[path[0]] = replaced(doc[path[0]], path[1:], value)
    return copy


@st.composite
def mutated_packs(draw: st.DrawFn) -> Any:
    doc: Any = BASE_PACK
    for _ in range(draw(st.integers(1, 3))):
        doc = replaced(doc, draw(st.sampled_from(paths(doc))), draw(yaml_values))
    return doc


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=mutated_packs())
def test_a_mutated_pack_loads_or_fails_with_one_line(tmp_path, doc):
    """Any value of any type in any place of a pack: either a knowledge base that consults, or one
    KnowledgeError line naming the pack (never a KeyError or TypeError from deep inside)."""
    from expert.consult import Consultant
    from expert.knowledge import KnowledgeError

    pack, load = load_pack(tmp_path, pack_text(doc))
    try:
        kb = load()
    except KnowledgeError as exc:
        message = str(exc)
        assert "\n" not in message
        assert message.startswith(f"{pack}:"), message
        return
    Consultant(kb).run({})
