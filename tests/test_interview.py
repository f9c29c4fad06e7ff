"""The guided questionnaire on a pipe (numbered prompts): defaults, WHY, changing a decision, end of input."""

from __future__ import annotations

import yaml
from click.testing import CliRunner

from expert.cli import cli


def questions_with_defaults(consultant) -> int:
    return len(consultant.run({}).asked)


def test_enter_takes_defaults_and_question_mark_explains(tmp_path, consultant):
    n = questions_with_defaults(consultant)
    stdin = "?\n" + "\n" * n + "y\n" + "\n"  # the last Enter keeps the example resource
    result = CliRunner().invoke(cli, ["new", str(tmp_path / "p"), "--lang", "en"], input=stdin)
    assert result.exit_code == 0, result.output
    assert "[API 1/" in result.output
    assert "your answer is used by:" in result.output  # the WHY shown for "?"
    assert "Accept these decisions" in result.output
    saved = yaml.safe_load((tmp_path / "p" / ".backend-expert.yml").read_text())
    assert saved["project"]["slug"] == "p"


def test_numbers_pick_choices_and_a_changed_decision_becomes_a_pin(tmp_path, consultant):
    rest = len(consultant.run({"clients": ["mobile"]}).asked)  # mobile clients may open more questions
    # first question (clients): 2 = mobile; the rest take their defaults
    stdin = "2\n" + "\n" * rest + "n\ncahce\ncache\n2\ny\n\n"
    result = CliRunner().invoke(cli, ["new", str(tmp_path / "p"), "--lang", "en"], input=stdin)
    assert result.exit_code == 0, result.output
    assert "did you mean 'cache'" in result.output
    saved = yaml.safe_load((tmp_path / "p" / ".backend-expert.yml").read_text())
    assert saved["answers"]["clients"] == ["mobile"]
    assert saved["answers"]["cache"] == "redis"
    assert saved["decisions"]["auth"] == "jwt"


def test_french_interview(tmp_path, consultant):
    n = questions_with_defaults(consultant)
    result = CliRunner().invoke(cli, ["new", str(tmp_path / "p"), "--lang", "fr"], input="\n" * n + "o\n\n")
    assert result.exit_code == 0, result.output
    assert "[API 1/" in result.output and "Qui appelle cette API ?" in result.output
    assert "[Base de données 1/" in result.output and "Accepter ces décisions" in result.output


def test_input_ending_early_is_a_clear_error_and_writes_nothing(tmp_path):
    result = CliRunner().invoke(cli, ["new", str(tmp_path / "p")], input="\n\n")
    assert result.exit_code == 1
    assert "input ended before every question was answered" in result.output
    assert not (tmp_path / "p").exists()


def test_describe_prefills_what_the_text_names(tmp_path, consultant):
    stdin = "\n" * 20 + "y\n\n"
    result = CliRunner().invoke(
        cli, ["new", str(tmp_path / "p"), "--lang", "en", "--describe", "A REST API for our mobile app, on PostgreSQL, with JWT"],
        input=stdin)
    assert result.exit_code == 0, result.output
    assert "Understood from your description" in result.output
    saved = yaml.safe_load((tmp_path / "p" / ".backend-expert.yml").read_text())
    assert saved["answers"]["database"] == "postgresql"
    assert saved["answers"]["auth"] == "jwt"
    assert "mobile" in saved["answers"]["clients"]
    assert "Who calls this API?" not in result.output  # the description already said: a mobile app


def test_the_questionnaire_collects_resources_and_fields(tmp_path, consultant):
    n = questions_with_defaults(consultant)
    stdin = ("\n" * n + "y\n" + "users, orders, product categories\n"
             + "total:integer:required, status:enum\n"  # enum without values: refused, asked again
             + "total:integer:required, note:text\n"
             + "\n")
    result = CliRunner().invoke(cli, ["new", str(tmp_path / "p"), "--lang", "en"], input=stdin)
    assert result.exit_code == 0, result.output
    assert "users are built in" in result.output
    assert "enum needs 'values'" in result.output
    saved = yaml.safe_load((tmp_path / "p" / ".backend-expert.yml").read_text())
    assert list(saved["entities"]) == ["Order", "ProductCategory"]
    assert saved["entities"]["Order"]["fields"]["total"]["required"] is True
    assert saved["entities"]["ProductCategory"]["fields"]["name"]["type"] == "string"
