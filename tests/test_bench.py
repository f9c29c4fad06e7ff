"""bench/time_to_green.py reports what a reader relies on: a failed phase as failed with its output (never a
number), ratios only between totals that went green, and a missing database server as one line before anything
is installed. No time is asserted."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "time_to_green.py"


@pytest.fixture(scope="module")
def ttg() -> ModuleType:
    spec = importlib.util.spec_from_file_location("time_to_green", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def planned(ttg: ModuleType, stack: str, phases: list[str]) -> object:
    return ttg.SampleRun(ROOT / "tests" / "samples" / f"{stack}.yml", stack, f"{stack}/orm/postgresql", phases)


def test_a_failed_phase_is_reported_with_its_output_and_no_number(ttg: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    run = planned(ttg, "node-express", ["new", "install", "build", "migrate", "test"])
    for phase, seconds in {"new": 1.5, "install": 40.0, "build": 9.0, "migrate": 2.0, "test": 30.0}.items():
        run.times[phase] = [seconds]  # round 1 went through
    run.totals = [82.5]
    run.failure = {"phase": "test", "round": "round 2", "output": "npm test exited with 1\nFAIL tests/orders.test.ts > lists"}

    result = ttg.report(run, reference=60.0)
    assert result["phases"]["test"] == {"status": "failed", "round": "round 2", "output": run.failure["output"]}
    assert result["phases"]["build"]["median"] == 9.0  # what did finish keeps its figure
    assert result["total"] == {"status": "failed"}
    assert result["ratio_to_python-fastapi"] is None

    ttg.print_table([result])
    lines = capsys.readouterr().out.splitlines()
    test_row = next(line for line in lines if " test " in line)
    assert "FAILED (round 2)" in test_row and not re.search(r"\d\.\ds", test_row)
    assert "    | FAIL tests/orders.test.ts > lists" in lines
    total_row = next(line for line in lines if " total " in line)
    assert "FAILED" in total_row and not re.search(r"\d\.\d", total_row)


def test_totals_compare_to_the_reference_median_and_only_the_stack_s_phases_are_listed(ttg: ModuleType) -> None:
    run = planned(ttg, "node-express", ["new", "install", "build", "migrate", "test"])
    python = planned(ttg, "python-fastapi", ["new", "install", "migrate", "test"])
    for sample, totals in ((run, [90.0, 100.0, 140.0]), (python, [40.0, 50.0, 45.0])):
        sample.totals = totals
        sample.times = {phase: [t / len(sample.phases) for t in totals] for phase in sample.phases}

    node, reference = ttg.report(run, reference=45.0), ttg.report(python, reference=45.0)
    assert node["total"]["median"] == 100.0 and (node["total"]["min"], node["total"]["max"]) == (90.0, 140.0)
    assert node["ratio_to_python-fastapi"] == pytest.approx(100.0 / 45.0)
    assert reference["ratio_to_python-fastapi"] == pytest.approx(1.0)
    assert list(reference["phases"]) == ["new", "install", "migrate", "test"]  # python-fastapi has no build step


def test_a_missing_database_server_is_one_line_before_anything_runs() -> None:
    env = {k: v for k, v in os.environ.items() if k != "E2E_DATABASE_URL"}
    sample = ROOT / "tests" / "samples" / "orders-api.yml"
    proc = subprocess.run([sys.executable, str(SCRIPT), str(sample), "--rounds", "1"], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"Error: {sample}: database=postgresql needs E2E_DATABASE_URL (an admin URL that may create databases)"
    assert proc.stdout == ""
