"""Every value a user gives survives the project's ``.backend-expert.yml``, and the saved file regenerates
the same tree byte for byte.

The saved file is written by PyYAML (``expert.yamlio.dump_yaml``) and read back by ruamel (YAML 1.2):
a string that either reader could take for a number, a date, a boolean or null (``0o17``, ``1e3``,
``12:30``, ``yes``, ``~``) must be quoted. The sweep draws project fields, answers (choices, pins, a
text question of a rule pack) and entity models with hypothesis, writes them with the real writer
(``saved_answers``) and reads them with the real reader (``load_answers``)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from expert import selections
from expert.answers import MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH, SLUG_RE, AnswersError, load_answers, resolve_project, slugify
from expert.consult import Consultant
from expert.generators.blueprint import ANSWERS_FILE, saved_answers
from expert.knowledge import KnowledgeBase, load_knowledge
from expert.model import FIELD_TYPES, parse_entities
from expert.yamlio import TYPED_WORDS, dump_yaml, loads_yaml, plain
from tests.conftest import SAMPLES

#: strings that some YAML reader takes for something else when written plain
TYPED_LOOKING = [
    "0o17", "0x1F", "017", "0b101", "1_000", "1e3", "-1.5e-3", ".5", "1.", "+1", "-0", ".inf", "-.Inf", ".NaN", "~",
    "null", "Null", "NULL", "yes", "No", "ON", "off", "y", "N", "true", "False", "12:30", "190:20:30",
    "2024-01-01", "2001-12-14t21:59:43.10-05:00", "=", "<<", "", " ", "- x", "a: b", "#x", "x #y", "'", '"', "\\",
    "{{ 7*7 }}", "{% raw %}", "${{ secrets.X }}", "%x", "@x", "`x", "!x", "&x", "*x", "|", ">", "?", "[", "{",
]
PACK = """agent: acme/naming
rules:
  - id: acme.nothing
    when: {team_name: {not: forbidden-name}}
    then: {ci: github-actions}
    priority: 1
    because: {en: a test pack with a text question, fr: un pack de test avec une question texte}
questions:
  - id: team_name
    type: text
    prompt: {en: Team name?, fr: Nom de l'équipe ?}
    help: {en: Any text., fr: Un texte.}
    default: platform
"""

printable = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))
one_line = st.one_of(st.sampled_from(TYPED_LOOKING), st.text(printable, max_size=40))
multi_line = st.one_of(one_line, st.text(st.one_of(printable, st.sampled_from("\n\t")), max_size=300))


@functools.cache
def pack_kb_cached() -> KnowledgeBase:
    """The knowledge with the pack, cached at module level (hypothesis would print a fixture's repr)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        pack = Path(folder) / "naming.yml"
        pack.write_text(PACK, encoding="utf-8")
        return load_knowledge([pack])


def test_dump_yaml_quotes_what_any_reader_would_retype():
    """The exact bug: ``name: 0o17`` was written plain and read back as the integer 15."""
    import yaml

    doc = {"values": TYPED_LOOKING, "keys": {v: v for v in TYPED_LOOKING if v}}
    text = dump_yaml(doc)
    assert "'0o17'" in text and "'1e3'" in text and "'12:30'" in text
    assert plain(loads_yaml(text, "saved")) == doc  # YAML 1.2 (ruamel)
    assert yaml.safe_load(text) == doc  # YAML 1.1 (PyYAML)
    assert yaml.load(text, Loader=yaml.BaseLoader) == doc  # no implicit typing at all


def project_fields() -> st.SearchStrategy[dict[str, str]]:
    name = st.one_of(st.sampled_from([v for v in TYPED_LOOKING if v.strip()]), st.text(printable, min_size=1, max_size=MAX_NAME_LENGTH))
    slug = st.from_regex(r"[a-z][a-z0-9-]{0,30}", fullmatch=True)
    description = st.one_of(multi_line, st.text(printable, min_size=1000, max_size=MAX_DESCRIPTION_LENGTH))
    return st.fixed_dictionaries(
        {"name": name.filter(str.strip)}, optional={"slug": slug, "description": description.filter(str.strip)}
    )


@st.composite
def choice_answers(draw: st.DrawFn, kb: KnowledgeBase) -> dict[str, Any]:
    """Answers to some of the real questions (valid choices), some pins, and the pack's text question."""
    answers: dict[str, Any] = {}
    for q in draw(st.lists(st.sampled_from(sorted(kb.questions)), unique=True, max_size=8)):
        question = kb.questions[q]
        values = question.choice_values()
        if question.type == "multi":  # a valid selection: rules/selections.yml refuses contradictory ones
            answers[q] = draw(st.lists(st.sampled_from(values), min_size=1, unique=True).filter(
                lambda chosen, q=q: selections.problem(q, chosen, "en") is None))
        elif question.type == "text":
            answers[q] = draw(one_line.filter(lambda v: len(v) <= 1000))
        else:
            answers[q] = draw(st.sampled_from(values))
    for key in draw(st.lists(st.sampled_from(sorted(kb.decisions)), unique=True, max_size=3)):
        answers[key] = draw(st.sampled_from(sorted(kb.decisions[key].values)))
    return answers


entity_name = st.from_regex(r"[A-Z][a-z]{2,7}([A-Z][a-z]{2,5})?", fullmatch=True)
field_name = st.from_regex(r"[a-z]{2,8}(_[a-z0-9]{1,5})?", fullmatch=True)
enum_value = st.one_of(st.sampled_from(["0o17", "0x1F", "1e3", "1_000", "yes", "No", "null", "1.5", "2024-01-01", "y"]),
                       st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,10}", fullmatch=True))
finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


@st.composite
def field_spec(draw: st.DrawFn) -> dict[str, Any]:
    ftype = draw(st.sampled_from(FIELD_TYPES))
    spec: dict[str, Any] = {"type": ftype}
    for flag in ("required", "unique", "index"):
        if draw(st.booleans()):
            spec[flag] = draw(st.booleans())
    if draw(st.booleans()):
        spec["description"] = draw(one_line.filter(str.strip))
    if ftype == "string":
        spec["max_length"] = draw(st.integers(1, 10000))
        if draw(st.booleans()):
            spec["default"] = draw(one_line.filter(lambda v: len(v) <= spec["max_length"]))
    elif ftype == "integer":
        low = draw(st.integers(-(10**12), 10**12))
        spec["min"], spec["max"] = low, low + draw(st.integers(0, 10**6))
        if draw(st.booleans()):
            spec["default"] = low
    elif ftype == "decimal":
        spec["precision"] = draw(st.integers(1, 38))
        spec["scale"] = draw(st.integers(0, spec["precision"]))
        if draw(st.booleans()):
            spec["default"] = draw(finite)
    elif ftype == "enum":
        spec["values"] = draw(st.lists(enum_value, min_size=1, max_size=5, unique=True))
        if draw(st.booleans()):
            spec["default"] = draw(st.sampled_from(spec["values"]))
    elif ftype == "boolean" and draw(st.booleans()):
        spec["default"] = draw(st.booleans())
    return spec


@st.composite
def entity_models(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(entity_name, min_size=1, max_size=4, unique_by=str.lower))
    model: dict[str, Any] = {}
    for name in names:
        fields = draw(st.dictionaries(field_name, field_spec(), min_size=1, max_size=5))
        spec: dict[str, Any] = {"fields": fields}
        if draw(st.booleans()):
            spec["description"] = draw(one_line.filter(str.strip))
        others = [n for n in names if n != name]
        if others and draw(st.booleans()):
            kind = draw(st.sampled_from(["many-to-one", "many-to-many", "one-to-many"]))
            spec["relations"] = {f"rel_{others[0].lower()}": {"kind": kind, "target": others[0]}}
        model[name] = spec
    return model


def resolvable(project: dict[str, str]) -> bool:
    """A name like '日本' gives no slug, 'Yes' a slug YAML retypes: ``new`` asks for project.slug
    instead; not a round-trip case."""
    slug = project.get("slug") or slugify(project["name"])
    return bool(SLUG_RE.match(slug or "-")) and slug not in TYPED_WORDS


def parse_or_reject(model: dict[str, Any]) -> list[dict[str, Any]]:
    """The model as ``new`` would accept it; a drawn model that ``new`` refuses is not a round-trip case."""
    try:
        return parse_entities(model, "<drawn>")
    except AnswersError:
        assume(False)
        raise


def save_and_reload(project: dict[str, str], answers: dict[str, Any], entities: list[dict[str, Any]],
                    kb: KnowledgeBase, folder: Path) -> tuple[dict[str, str], Any]:
    resolved = resolve_project(project, "fallback")
    result = Consultant(kb).run(dict(answers))
    path = folder / ANSWERS_FILE
    path.write_text(saved_answers(resolved, result, kb, entities), encoding="utf-8")
    return resolved, load_answers(path, kb)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(project=project_fields(), model=entity_models(), data=st.data())
def test_every_value_survives_the_saved_answers_file(tmp_path, project, model, data):
    kb = pack_kb_cached()
    answers = data.draw(choice_answers(kb))
    assume(resolvable(project))
    entities = parse_or_reject(model)
    resolved, back = save_and_reload(project, answers, entities, kb, tmp_path)
    assert back.project == resolved
    for key, value in answers.items():
        expected = sorted(value, key=kb.questions[key].choice_values().index) if isinstance(value, list) else value
        assert back.answers[key] == expected, key
    assert back.entities == entities


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def new(dest: Path, answers: Path, *extra: str) -> None:
    from click.testing import CliRunner

    from expert.cli import cli

    result = CliRunner().invoke(cli, ["new", str(dest), "--answers", str(answers), "--no-input", *extra])
    assert result.exit_code == 0, result.output


FASTAPI_SAMPLES = sorted([*SAMPLES.glob("*.yml"), *SAMPLES.glob("more/*.yml")])


@pytest.mark.e2e  # twenty cases, each running `new` twice: about a minute
@settings(max_examples=20, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],  # each case runs `new` twice
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(project=project_fields(), model=entity_models(), sample=st.sampled_from(FASTAPI_SAMPLES))
def test_the_saved_file_regenerates_the_same_tree(tmp_path_factory, project, model, sample):
    """`new` on a sample's answers with drawn project fields and model, then `new` again from the
    project's saved file: the same tree, byte for byte."""
    assume(resolvable(project))
    parse_or_reject(model)
    work = tmp_path_factory.mktemp("regen")
    doc = plain(loads_yaml(sample.read_text(encoding="utf-8"), str(sample)))
    doc.update(project=project, entities=model)
    answers = work / "answers.yml"
    answers.write_text(dump_yaml(doc), encoding="utf-8")
    new(work / "first", answers)
    new(work / "second", work / "first" / ANSWERS_FILE)
    assert tree_bytes(work / "first") == tree_bytes(work / "second")


def test_typed_looking_values_survive_new_and_regenerate(tmp_path):
    """Through the real command: a name, a description and a text answer that look typed."""
    pack = tmp_path / "naming.yml"
    pack.write_text(PACK, encoding="utf-8")
    answers = tmp_path / "answers.yml"
    answers.write_text(
        "version: 1\nproject:\n  name: '0o17'\n  slug: octal\n  description: '12:30'\n"
        "answers:\n  team_name: 'yes'\n  data_shape: relational\n", encoding="utf-8")
    new(tmp_path / "a", answers, "--rules", str(pack))
    saved = tmp_path / "a" / ANSWERS_FILE
    back = load_answers(saved, pack_kb_cached())
    assert back.project == {"name": "0o17", "slug": "octal", "description": "12:30"}
    assert back.answers["team_name"] == "yes"
    new(tmp_path / "b", saved, "--rules", str(pack))
    assert tree_bytes(tmp_path / "a") == tree_bytes(tmp_path / "b")

