"""Answers files and --set: one clear error with file:line and a "did you mean"."""

from __future__ import annotations

import re

import pytest

from expert.answers import AnswersError, AnswerSet, apply_sets, load_answers, resolve_project, slugify


def write(tmp_path, text):
    path = tmp_path / "answers.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_file_is_normalised(tmp_path, small_kb):
    path = write(tmp_path, "version: 1\nproject:\n  name: Orders API\nanswers:\n  clients: [mobile, browser-spa]\n  auth: jwt\n")
    result = load_answers(path, small_kb)
    assert result.project == {"name": "Orders API"}
    assert result.answers == {"clients": ["browser-spa", "mobile"], "auth": "jwt"}


@pytest.mark.parametrize(
    "text,line,fragment",
    [
        ("version: 1\nanswers:\n  clients: [mobile\n", 4, "invalid YAML"),
        ("version: 1\nanswers:\n  client: [mobile]\n", 3, "did you mean 'clients'?"),
        ("version: 1\nanswers:\n  clients: [mobil]\n", 3, "did you mean 'mobile'?"),
        ("version: 1\nanswers:\n  load: hihg\n", 3, "did you mean 'high'?"),
        ("version: 1\nanswers:\n  realtime: maybe\n", 3, "expects true or false"),
        ("version: 1\nanswers:\n  auth: jwtt\n", 3, "did you mean 'jwt'?"),
        ("version: 1\nanswer:\n  auth: jwt\n", 2, "did you mean 'answers'?"),
        ("version: 2\n", 1, "unsupported format version"),
        ("version: 1\nproject:\n  slug: ../../x\n", 3, "project.slug"),
        ("version: 1\nproject:\n  slug: /tmp/x\n", 3, "project.slug"),
        ("version: 1\nproject:\n  nmae: x\n", 3, "did you mean 'name'?"),
        ("version: 1\nanswers:\n  auth: jwt\n  auth: session-cookie\n", 4, "duplicate key"),
    ],
)
def test_bad_files_get_one_line_with_file_and_line(tmp_path, small_kb, text, line, fragment):
    path = write(tmp_path, text)
    with pytest.raises(AnswersError) as info:
        load_answers(path, small_kb)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}:"), message
    assert fragment in message
    assert "\n" not in message


def test_set_overrides_and_parses_types(small_kb):
    result = AnswerSet(answers={"load": "low"})
    apply_sets(result, ["load=high", "clients=mobile,browser-spa", "realtime=yes", "project.name=Shop"], small_kb)
    assert result.answers == {"load": "high", "clients": ["browser-spa", "mobile"], "realtime": True}
    assert result.project == {"name": "Shop"}


@pytest.mark.parametrize("item,fragment", [("load", "key=value"), ("lod=high", "did you mean 'load'"),
                                           ("project.slug=../../x", "project.slug"), ("project.slug=/tmp/x", "project.slug")])
def test_bad_set_values(small_kb, item, fragment):
    with pytest.raises(AnswersError, match=fragment.replace("(", r"\(")):
        apply_sets(AnswerSet(), [item], small_kb)


def test_project_defaults_and_slug():
    assert resolve_project({}, "orders-api") == {
        "name": "orders-api", "slug": "orders-api", "description": "orders-api: a backend service."}
    assert resolve_project({}, "commandes", "fr")["description"] == "commandes : un service backend."
    assert slugify("Éléphant's API 2") == "elephant-s-api-2"
    with pytest.raises(AnswersError, match="project.slug"):
        resolve_project({"name": "日本"}, "x")


def test_the_selection_limits_name_real_multi_questions_and_values():
    """rules/selections.yml is data about the questions: every id a multi question, every exclusive value a choice."""
    from expert.knowledge import load_knowledge
    from expert.selections import all_limits

    kb = load_knowledge(())
    assert all_limits(), "the file is read"
    for qid, limits in all_limits().items():
        assert kb.questions[qid].type == "multi", qid
        assert set(limits.exclusive) <= set(kb.questions[qid].choice_values()), qid
        assert limits.minimum >= 1


@pytest.mark.parametrize("item,fragment", [
    ("compliance=none,gdpr", "'none' excludes every other value (you also chose gdpr)"),
    ("python_experience=none,django", "'none' excludes every other value (you also chose django)"),
])
def test_contradictory_selections_are_refused_in_files_and_set(tmp_path, item, fragment):
    from expert.knowledge import load_knowledge

    kb = load_knowledge(())
    with pytest.raises(AnswersError, match=re.escape(fragment)):
        apply_sets(AnswerSet(), [item], kb)
    key, values = item.split("=")
    path = write(tmp_path, f"version: 1\nanswers:\n  {key}: [{values}]\n")
    with pytest.raises(AnswersError) as info:
        load_answers(path, kb)
    assert str(info.value).startswith(f"{path}:3: {key}: {fragment}")


# --- the same errors in French (issue 10): the real command with --lang fr --------------------------------------

import string  # noqa: E402

from click.testing import CliRunner  # noqa: E402

import expert.destination  # noqa: E402,F401  (registers its tables)
import expert.generators.migration_django  # noqa: E402,F401
import expert.model  # noqa: E402,F401
import expert.output  # noqa: E402,F401
import expert.update  # noqa: E402,F401
from expert.cli import cli  # noqa: E402
from expert.messages import TABLES  # noqa: E402


def _decide_fr(tmp_path, body: str) -> tuple[int, str]:
    path = tmp_path / "answers.yml"
    path.write_text(body, encoding="utf-8")
    result = CliRunner().invoke(cli, ["decide", "--answers", str(path), "--lang", "fr"])
    return result.exit_code, result.output


def test_a_bad_answers_line_is_one_french_line_with_file_and_line(tmp_path):
    code, out = _decide_fr(tmp_path, "version: 1\nanswers:\n  client: [mobile]\n")
    assert code == 1
    assert out.count("\n") == 1 and "Traceback" not in out
    assert out.startswith(f"Erreur : {tmp_path / 'answers.yml'}:3: clé de réponse inconnue 'client'")
    assert "(vouliez-vous dire 'clients' ?)" in out
    message = out.split(":3: ", 1)[1]
    assert "unknown" not in message and "did you mean" not in message and "Error:" not in out


def test_a_bad_answers_value_is_french_and_keeps_the_choices(tmp_path):
    code, out = _decide_fr(tmp_path, "version: 1\nanswers:\n  api_style: soap\n")
    assert code == 1 and out.count("\n") == 1
    assert ":3: api_style : 'soap' n'est pas une valeur connue (rest, graphql, grpc)" in out
    assert "is not a known value" not in out


def test_a_bad_model_field_is_one_french_line_with_file_and_line(tmp_path):
    body = "version: 1\nentities:\n  Order:\n    fields:\n      total: {type: decimal, scale: 9, precision: 4}\n"
    code, out = _decide_fr(tmp_path, body)
    assert code == 1 and out.count("\n") == 1 and "Traceback" not in out
    assert f"{tmp_path / 'answers.yml'}:5: champ Order.total : « scale » doit être un nombre entier de 0 à la " \
           "précision 4 (pas 9)" in out
    message = out.split(":5: ", 1)[1]
    assert "field" not in message and "must be" not in message


def test_a_bad_model_relation_is_french(tmp_path):
    body = ("version: 1\nentities:\n  Order:\n    fields: {note: string}\n    relations:\n"
            "      customer: {kind: many-to-one, target: Custmer}\n")
    code, out = _decide_fr(tmp_path, body)
    assert code == 1 and out.count("\n") == 1
    assert ":6: relation Order.customer : la cible 'Custmer' n'est pas une entité" in out
    assert "is not an entity" not in out


def test_the_english_line_is_unchanged_without_lang(tmp_path):
    path = tmp_path / "answers.yml"
    path.write_text("version: 1\nanswers:\n  client: [mobile]\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["decide", "--answers", str(path), "--lang", "en"])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {path}:3: unknown answer key 'client' (did you mean 'clients'?)")


def _names(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_message_template_has_both_languages_with_the_same_fields():
    assert {"answers", "model", "destination", "destination_actions", "output", "target", "common", "os", "update",
            "merge", "pristine"} <= set(TABLES)
    for table_name, table in TABLES.items():
        for key, pair in table.items():
            assert set(pair) == {"en", "fr"}, (table_name, key)
            assert _names(pair["en"]) == _names(pair["fr"]), (table_name, key, pair)
            assert bool(pair["en"]) == bool(pair["fr"]), (table_name, key)
