"""Routing free text to agents (FR + EN, accents and case ignored) and pre-filling facts from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from expert.cli import cli
from expert.router import describe, normalise, route


def ids(text, kb):
    return [r.agent.id for r in route(text, kb)]


def test_the_briefs_three_examples(kb):
    assert ids("Je veux créer une API REST pour gérer des utilisateurs", kb)[0] == "api/rest-design"
    assert ids("Comment sécuriser mon endpoint avec JWT?", kb)[0] == "auth-security/authentication"
    top = ids("Mes requêtes sont lentes, comment optimiser?", kb)[:2]
    assert set(top) == {"database/optimization", "performance/caching"}


def test_case_accents_and_whole_words(kb):
    assert ids("MES REQUETES SONT LENTES", kb)[:2] == ids("mes requêtes sont lentes", kb)[:2]
    assert "api/rest-design" not in ids("a restaurant booking tool", kb)
    assert normalise("Déploiement, K8s!") == " deploiement k8s "


def test_several_agents_when_several_topics(kb):
    found = ids("Kubernetes deployment with a Redis cache and GitHub Actions", kb)
    assert {"devops/kubernetes", "performance/caching", "devops/cicd"} <= set(found)


def test_describe_understands_named_technologies(kb):
    facts = {u.key: u.value for u in describe("A REST API for our mobile app and SPA, on PostgreSQL, JWT, Redis", kb)}
    assert facts["api_style"] == "rest"
    assert facts["database"] == "postgresql"
    assert facts["auth"] == "jwt"
    assert facts["cache"] == "redis"
    assert set(facts["clients"]) >= {"mobile", "browser-spa"}


def test_ask_command_json_and_text():
    result = CliRunner().invoke(cli, ["ask", "Comment sécuriser mon endpoint avec JWT ?", "--format", "json", "--lang", "fr"])
    data = json.loads(result.output)
    assert data["agents"][0]["id"] == "auth-security/authentication"
    assert data["agents"][0]["advice"] and data["agents"][0]["questions"]
    text = CliRunner().invoke(cli, ["ask", "How do I version my API without breaking clients?"]).output
    assert "api/versioning" in text


def test_text_matching_nothing_gets_a_helpful_answer():
    result = CliRunner().invoke(cli, ["ask", "bonjour", "--lang", "en"])
    assert result.exit_code == 0
    assert "No agent recognised" in result.output
    for domain in ("api", "database", "auth-security", "architecture", "performance", "testing", "devops"):
        assert f"  {domain}:" in result.output


# ------------------------------------------------------------------ paraphrases (tests/routing)

ROUTING = Path(__file__).parent / "routing"


def top_hits(name: str, kb) -> tuple[int, int]:
    cases = yaml.safe_load((ROUTING / f"{name}.yml").read_text())["cases"]
    return sum(1 for c in cases if ids(c["text"], kb)[:1] == [c["agent"]]), len(cases)


def test_held_out_paraphrases_route_to_the_expected_agent_first(kb):
    """Written before the router was tuned and never tuned on: 28 of 40 with whole-word keywords, 33 with
    stems and the agents' own texts; this floor keeps what was reached."""
    hits, total = top_hits("heldout", kb)
    assert total == 40 and hits >= 33, f"{hits}/{total}"


def test_tuning_paraphrases(kb):
    hits, total = top_hits("tuning", kb)
    assert hits >= 53, f"{hits}/{total}"


def test_blind_paraphrases(kb):
    """Written by someone who never saw the keywords, the router or the other sets (symptoms in plain words):
    31 of 60 first, 46 of 60 in the first three; far from the issue's 19 of 20 (see bench/routing.py)."""
    hits, total = top_hits("blind", kb)
    assert total == 60 and hits >= 31, f"{hits}/{total}"


def test_the_held_out_set_covers_every_domain_in_both_languages(kb):
    cases = yaml.safe_load((ROUTING / "heldout.yml").read_text())["cases"]
    domains = {kb.agents[c["agent"]].domain for c in cases}
    assert domains == {a.domain for a in kb.agents.values()}
    french = [c for c in cases if any(ch in c["text"] for ch in "éèàçù") or " les " in c["text"] or " des " in c["text"]]
    assert 12 <= len(french) <= 28


@pytest.mark.parametrize(("text", "agent"), [
    ("throttled requests", "api/rate-limiting"),           # an inflection of the keyword "throttle"
    ("Je veux déployer en production", "devops/deployment"),
    ("N+1 queries everywhere", "performance/query-optimization"),  # a symbol, and a plural
    ("les contextes délimités de notre domaine", "architecture/ddd"),  # French plural of a French keyword
])
def test_inflections_and_symbols(kb, text, agent):
    assert ids(text, kb)[0] == agent


def test_common_words_alone_route_nowhere(kb):
    assert ids("the and of de la les", kb) == []
    assert ids("a restaurant booking tool", kb) == []
