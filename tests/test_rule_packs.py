"""Company rule packs: impose and forbid choices, explained like any other rule; bad packs get file:line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

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
