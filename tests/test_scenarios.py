"""Realistic projects (tests/scenarios/*.yml): the questions asked, their number, and the decisions.

A scenario says how its user answers; a question the scenario does not foresee fails the test, so
these tests also prove that irrelevant questions are never asked.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

SCENARIOS = sorted((Path(__file__).parent / "scenarios").glob("*.yml"))
CORE = ["language", "framework", "api_style", "database", "orm", "migrations", "auth", "authorization", "cache",
        "broker", "architecture", "ci", "container", "deploy", "iac", "observability"]


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(path, consultant):
    spec = yaml.safe_load(path.read_text())
    asked = []

    def ask(question, why):
        assert question.id in spec["user"], f"unexpected question {question.id!r} (relevant because {why.relevant_because})"
        asked.append(question.id)
        return spec["user"][question.id]

    result = consultant.run({}, ask=ask)
    assert len(asked) <= spec["max_questions"]
    assert not set(asked) & set(spec["never_asked"])
    decided = {k: f.value for k, f in result.facts.items()}
    for key, value in spec["expected"].items():
        assert decided.get(key) == value, f"{key}: {decided.get(key)!r} (rule {result.facts[key].rule if key in result.facts else None})"
    assert all(key in decided for key in CORE)
    assert [c.id for c in result.conflicts] == []
    for warning in spec.get("expected_warnings", []):
        assert warning in [w.id for w in result.warnings]


SWEEP = r"""
import itertools, json, random, sys
from expert.consult import Consultant
from expert.knowledge import load_knowledge
kb = load_knowledge()
consultant = Consultant(kb)
rng = random.Random(int(sys.argv[1]))
worst, missing, unjustified = 0, [], []
for _ in range(int(sys.argv[2])):
    def ask(q, why):
        if q.type == "multi":
            values = [c.value for c in q.choices]
            return rng.sample(values, rng.randint(1, len(values)))
        return rng.choice(q.choice_values())
    result = consultant.run({}, ask=ask)
    worst = max(worst, len(result.asked))
    missing += [k for k in kb.decisions if k in %(core)s and k not in result.facts]
    for qid in result.asked:
        q = kb.questions[qid]
        if q.when and not any(all(k in result.facts and t.holds(result.facts[k].value) for k, t in cond) for cond in q.when):
            unjustified.append(qid)
print(json.dumps({"worst": worst, "missing": sorted(set(missing)), "unjustified": sorted(set(unjustified))}))
"""


def test_random_answer_sweep_in_a_subprocess():
    """500 random interviews, in a subprocess so that an engine crash fails this test instead of pytest."""
    code = SWEEP % {"core": repr(CORE)}
    proc = subprocess.run([sys.executable, "-c", code, "7", "500"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    assert report["worst"] <= 14  # every question but one of prototype/flexible_queries, with one experience question and principle_first
    assert report["missing"] == []
    assert report["unjustified"] == []
