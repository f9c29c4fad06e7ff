"""The durable-rules wrapper: matching, provenance, errors surfaced, sessions freed."""

from __future__ import annotations

import pytest

from expert.engine import Engine, EngineError, EngineRule, Premise


def rule(rid: str, *premises: tuple[str, str, tuple], group: str = "g") -> EngineRule:
    return EngineRule(rid, group, tuple(Premise(k, op, v) for k, op, v in premises))


def test_join_fires_once_both_facts_exist_and_reports_their_ids():
    engine = Engine([rule("r", ("a", "eq", ("x",)), ("b", "contains", ("m",)))])
    with engine.session() as s:
        assert s.add([{"id": "fa", "key": "a", "value": "x"}]) == []
        firings = s.add([{"id": "fb", "key": "b", "value": ["n", "m"]}])
    assert [(f.rule_id, f.fact_ids) for f in firings] == [("r", ("fa", "fb"))]


@pytest.mark.parametrize(
    "op,values,fact,fires",
    [
        ("eq", ("x",), "x", True),
        ("eq", ("x",), "y", False),
        ("in", ("x", "y"), "y", True),
        ("in", ("x", "y"), "z", False),
        ("not", ("x",), "y", True),
        ("not", ("x",), "x", False),
        ("not_in", ("x", "y"), "z", True),
        ("not_in", ("x", "y"), "x", False),
        ("eq", (True,), True, True),
        ("eq", (True,), False, False),
    ],
)
def test_each_test_operator(op, values, fact, fires):
    engine = Engine([rule("r", ("a", op, values))])
    with engine.session() as s:
        assert bool(s.add([{"id": "f", "key": "a", "value": fact}])) is fires


def test_sessions_do_not_share_facts():
    engine = Engine([rule("r", ("a", "eq", ("x",)), ("b", "eq", ("y",)))])
    with engine.session() as one, engine.session() as two:
        one.add([{"id": "fa", "key": "a", "value": "x"}])
        assert two.add([{"id": "fb", "key": "b", "value": "y"}]) == []


def test_more_sessions_than_durables_hard_limit_when_each_is_closed():
    # durable-rules has a hard limit of 1024 live sessions per ruleset; closing frees them
    engine = Engine([rule("r", ("a", "eq", ("x",)))])
    for _ in range(1500):
        with engine.session() as s:
            assert len(s.add([{"id": "f", "key": "a", "value": "x"}])) == 1


def test_a_fact_no_rule_tests_is_not_an_error():
    engine = Engine([rule("r", ("a", "eq", ("x",)))])
    with engine.session() as s:
        assert s.add([{"id": "f", "key": "a", "value": "other"}]) == []
        assert s.add([{"id": "g", "key": "unknown", "value": 1}]) == []


def test_two_engines_with_the_same_groups_live_in_one_process():
    first = Engine([rule("r", ("a", "eq", ("x",)), group="api/rest")])
    second = Engine([rule("r", ("a", "eq", ("y",)), group="api/rest")])
    with first.session() as s1, second.session() as s2:
        assert len(s1.add([{"id": "f", "key": "a", "value": "x"}])) == 1
        assert s2.add([{"id": "f", "key": "a", "value": "x"}]) == []


def test_an_error_inside_a_consequence_is_raised_not_swallowed(monkeypatch):
    import expert.engine

    def broken(*_args):
        raise RuntimeError("broken consequence")

    engine = Engine([rule("r", ("a", "eq", ("x",)))])
    monkeypatch.setattr(expert.engine, "Firing", broken)
    with engine.session() as s:
        with pytest.raises(EngineError, match="broken consequence"):
            s.add([{"id": "f", "key": "a", "value": "x"}])


def test_a_rule_without_premise_is_refused():
    with pytest.raises(EngineError, match="no premise"):
        Engine([EngineRule("r", "g", ())])
