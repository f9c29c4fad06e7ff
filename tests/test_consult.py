"""The consultation loop on a small knowledge base of our own: chaining, priorities, pins, conflicts, WHY."""

from __future__ import annotations


def values(result):
    return {k: f.value for k, f in result.facts.items()}


def test_no_answers_takes_defaults_and_chains(small_consultant):
    result = small_consultant.run({})
    assert result.asked == ["clients", "load", "data_shape"]
    assert values(result)["auth"] == "session-cookie"
    assert values(result)["database"] == "postgresql"
    assert result.facts["auth"].rule == "auth.session"
    assert result.facts["auth"].premises == ["clients"]
    assert result.facts["clients"].source == "default"


def test_irrelevant_question_is_never_asked(small_consultant):
    asked = []
    small_consultant.run({"clients": ["browser-spa"]}, ask=lambda q, why: asked.append(q.id) or q.default)
    assert "realtime" not in asked


def test_conditional_question_is_asked_with_its_reason(small_consultant):
    seen = {}

    def ask(q, why):
        seen[q.id] = why
        return True if q.id == "realtime" else q.default

    result = small_consultant.run({"clients": ["mobile"], "load": "high"}, ask=ask)
    assert seen["realtime"].relevant_because == {"clients": ["mobile"]}
    assert [r.id for r in seen["realtime"].needed_by] == ["cache.redis-realtime"]
    assert result.facts["cache"].value == "redis"
    assert result.facts["cache"].premises == ["realtime", "load"]


def test_higher_priority_rule_wins_and_the_loser_is_recorded(small_consultant):
    result = small_consultant.run({"clients": ["browser-spa", "mobile"], "realtime": False, "load": "low"})
    fact = result.facts["auth"]
    assert fact.value == "jwt"
    assert fact.overridden == [("auth.session", "session-cookie")]
    assert result.conflicts == []


def test_a_pin_is_kept_and_a_disagreeing_rule_is_a_conflict(small_consultant):
    result = small_consultant.run({"auth": "session-cookie", "clients": ["mobile"], "realtime": False, "load": "low"})
    assert result.facts["auth"].value == "session-cookie"
    assert result.facts["auth"].source == "pin"
    pins = [c for c in result.conflicts if c.kind == "pin"]
    assert len(pins) == 1
    assert "mobile needs tokens" in [r["en"] for r in pins[0].reasons]


def test_a_pin_over_a_low_priority_default_is_not_a_conflict(small_consultant):
    result = small_consultant.run({"cache": "redis", "clients": ["browser-spa"], "load": "low"})
    assert result.facts["cache"].value == "redis"
    assert not [c for c in result.conflicts if c.kind == "pin"]


def test_incompatible_combination_is_reported_with_both_reasons(small_consultant):
    result = small_consultant.run({"clients": ["browser-spa"], "data_shape": "document", "load": "low"})
    (conflict,) = [c for c in result.conflicts if c.kind == "incompatible"]
    assert conflict.id == "conflict.mongo-session"
    assert sorted(conflict.keys) == ["auth", "database"]
    assert any("documents" in r["en"] for r in conflict.reasons)
    assert any("same-site browser" in r["en"] for r in conflict.reasons)


def test_progress_counts_questions_of_the_domain(small_consultant):
    positions = {}
    small_consultant.run({}, ask=lambda q, why: positions.setdefault(q.id, why.position) and q.default)
    assert positions["load"] == (1, 2)
    assert positions["data_shape"] == (2, 2)


def test_same_answers_same_result(small_consultant):
    a = small_consultant.run({"clients": ["mobile"], "realtime": True, "load": "high"})
    b = small_consultant.run({"clients": ["mobile"], "realtime": True, "load": "high"})
    assert values(a) == values(b) and a.asked == b.asked


def test_a_question_that_only_decides_pinned_keys_is_not_asked(small_consultant):
    asked = []
    result = small_consultant.run({"database": "postgresql"}, ask=lambda q, why: asked.append(q.id) or q.default)
    assert "data_shape" not in asked
    assert "load" in asked  # still needed for the cache
    assert result.facts["database"].source == "pin"
