"""Benchmark: the time from `backend-expert new` to the project's own tests green, per stack, on a warm package cache.

    .venv/bin/python bench/time_to_green.py [SAMPLE.yml ...] [--rounds 3] [--json results.json]

Samples: tests/samples/orders-api.yml (python-fastapi, the reference) and, for every other stack, the first of
tests/samples/<family>/*.yml that uses it, unless given. Per sample, one untimed warm-up round fills the package
caches (pip's, ~/.npm, Go's, Maven's); then the timed rounds,
interleaved across samples (round 1 of each, then round 2, ...), each in a fresh folder and against a fresh
database: `new`, install (a new virtual environment first for Python), build when the stack has that step,
migrate, the project's own tests; each is the stack's layer.yml command, as the generated README gives it
(tests/stack_commands.py, shared with the e2e tests). Reports the median and min/max of each phase and of the
total, and each sample's median total as a ratio of the python-fastapi median measured in the same run. A failing
phase is reported as failed with its last output lines, never as a number.

PostgreSQL and MySQL samples need E2E_DATABASE_URL / E2E_MYSQL_URL (admin URLs, as for the e2e tests).
Machines are noisy: read ratios, not absolute numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy.exc import SQLAlchemyError  # noqa: E402

from expert.generators.stack import UnsupportedError, select_stack  # noqa: E402
from tests.stack_commands import (  # noqa: E402
    SERVER_ENV,
    create_database,
    drop_database,
    execute,
    install_tool_missing,
    project_database_url,
    project_stack,
    sample_stack,
    server_url,
    step_argv,
    toolchain_env,
)

SAMPLES = ROOT / "tests" / "samples"
REFERENCE_SAMPLE = SAMPLES / "orders-api.yml"
REFERENCE_STACK = "python-fastapi"
EXPERT = str(Path(sys.executable).parent / "backend-expert")
#: what one round times, in order; "build" only for stacks whose layer.yml has that command
PHASES = ("new", "install", "build", "migrate", "test")
TIMEOUT = 1200  # seconds per command, as the e2e tests allow
TAIL_LINES = 15


class PhaseFailed(Exception):
    """A phase did not succeed; `output` holds its last lines."""

    def __init__(self, phase: str, output: str) -> None:
        super().__init__(phase)
        self.phase, self.output = phase, output


class SetupError(Exception):
    """The benchmark cannot run a sample (bad sample, missing server or tool): one line for the user."""


@dataclass
class SampleRun:
    """What the rounds of one sample measured: seconds per phase per timed round, or where it failed."""

    sample: Path
    stack: str
    label: str
    phases: list[str]
    times: dict[str, list[float]] = field(default_factory=dict)
    totals: list[float] = field(default_factory=list)
    failure: dict[str, str] | None = None


def first_line(exc: Exception) -> str:
    """A database error's own message, without SQLAlchemy's statement and background lines."""
    orig = getattr(exc, "orig", None)
    return (str(orig or exc).strip().splitlines() or [type(exc).__name__])[0]


def tail(text: str | bytes | None) -> str:
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return "\n".join((text or "").rstrip().splitlines()[-TAIL_LINES:])


def run_phase(phase: str, argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Wall time of one command; PhaseFailed when it exits non-zero, cannot start or times out."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        raise PhaseFailed(phase, f"{shlex.join(argv)}: timed out after {TIMEOUT}s\n{tail(exc.output)}") from None
    except OSError as exc:
        raise PhaseFailed(phase, f"{shlex.join(argv)}: {exc.strerror}") from None
    elapsed = time.perf_counter() - start
    if proc.returncode:
        raise PhaseFailed(phase, f"{shlex.join(argv)} exited with {proc.returncode}\n{tail(proc.stdout)}")
    return elapsed


def preflight(sample: Path) -> SampleRun:
    """The sample's stack, its label (stack/orm/database) and phases, not measured yet, after checking that its
    database server and its install tool are there: a missing one is a SetupError before anything is timed."""
    if not sample.is_file():
        raise SetupError(f"{sample}: no such sample")
    proc = subprocess.run([EXPERT, "decide", "--answers", str(sample), "--format", "json"], capture_output=True, text=True)
    if proc.returncode:
        last = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"{sample}: decide exited with {proc.returncode}"
        raise SetupError(last.removeprefix("Error: "))
    decisions = {key: fact["value"] for key, fact in json.loads(proc.stdout)["decisions"].items()}
    try:
        spec = select_stack(decisions).spec
    except UnsupportedError as exc:
        raise SetupError(f"{sample}: {exc}") from None
    database = decisions.get("database")
    if database in SERVER_ENV:
        server = server_url(database)
        if server is None:
            raise SetupError(f"{sample}: database={database} needs {SERVER_ENV[database]} (an admin URL that may create databases)")
        try:
            execute(server, "SELECT 1")
        except SQLAlchemyError as exc:
            raise SetupError(f"{sample}: {SERVER_ENV[database]}: {first_line(exc)}") from None
    missing = install_tool_missing(spec, dict(os.environ))
    if spec.get("toolchain", {}).get("name") != "python" and missing:
        raise SetupError(f"{sample}: {missing} is not installed")
    label = "/".join(str(v) for v in (spec["id"], decisions.get("orm"), database))
    return SampleRun(sample, spec["id"], label, [p for p in PHASES if p == "new" or step_argv(spec, p)])


def one_round(sample: Path, work: Path) -> dict[str, float]:
    """Seconds of each phase of one round in the empty folder `work`, against a database made for it."""
    project = work / "project"
    times = {"new": run_phase("new", [EXPERT, "new", str(project), "--answers", str(sample), "--no-input"], work, dict(os.environ))}
    decisions, spec = project_stack(project)
    database = decisions["database"]
    server, name = server_url(database), f"bench_{uuid.uuid4().hex[:10]}"
    url = create_database(database, server, name, work)
    try:
        start = time.perf_counter()
        try:
            env = toolchain_env(spec, work / "venv", dict(os.environ))
        except subprocess.CalledProcessError as exc:
            raise PhaseFailed("install", f"python -m venv exited with {exc.returncode}\n{tail(exc.stderr)}") from None
        toolchain = time.perf_counter() - start  # the venv is part of the install, as the Python README's setup says
        env |= {"DATABASE_URL": project_database_url(spec, database, url), "SECRET_KEY": uuid.uuid4().hex + uuid.uuid4().hex}
        for phase in PHASES[1:]:
            argv = step_argv(spec, phase)
            if argv:
                times[phase] = run_phase(phase, argv, project, env) + (toolchain if phase == "install" else 0.0)
    finally:
        drop_database(database, server, name)
    return times


def measure(runs: list[SampleRun], rounds: int) -> None:
    """One warm-up round per sample, then the timed rounds interleaved (round 1 of every sample, then round 2, ...),
    so that a machine whose load changes during the run weighs on every stack alike. A sample stops at its first
    failure."""
    for index in range(rounds + 1):
        for run in runs:
            if not run.failure:
                measure_round(run, "warm-up" if index == 0 else f"round {index}")


def measure_round(run: SampleRun, which: str) -> None:
    """One round of a sample in a fresh folder: its times (not for the warm-up), or its failure."""
    with tempfile.TemporaryDirectory(prefix="time-to-green-") as tmp:
        try:
            times = one_round(run.sample, Path(tmp))
        except (PhaseFailed, SQLAlchemyError) as exc:
            phase, output = (exc.phase, exc.output) if isinstance(exc, PhaseFailed) else ("database", first_line(exc))
            run.failure = {"phase": phase, "round": which, "output": output}
            print(f"{run.sample.stem}: {which}: {phase} FAILED", file=sys.stderr)
            return
    print(f"{run.sample.stem}: {which}: {sum(times.values()):.1f}s", file=sys.stderr)
    if which != "warm-up":
        for phase, seconds in times.items():
            run.times.setdefault(phase, []).append(seconds)
        run.totals.append(sum(times.values()))


def stats(values: list[float]) -> dict[str, Any]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": values}


def report(run: SampleRun, reference: float | None) -> dict[str, Any]:
    """One sample's results as data: per phase stats, "failed" with its output, or "not timed"."""
    failed = run.failure["phase"] if run.failure else None
    phases: dict[str, Any] = {}
    for phase in [*run.phases, *([failed] if failed and failed not in run.phases else [])]:
        if run.failure and phase == failed:
            phases[phase] = {"status": "failed", "round": run.failure["round"], "output": run.failure["output"]}
        elif phase in run.times:
            phases[phase] = {"status": "ok", **stats(run.times[phase])}
        elif run.failure:
            phases[phase] = {"status": "not timed"}
    if run.failure:
        total: dict[str, Any] = {"status": "failed"}
    else:
        total = {"status": "ok", **stats(run.totals)}
    ratio = total["median"] / reference if reference and total["status"] == "ok" else None
    return {
        "sample": str(run.sample.relative_to(ROOT) if run.sample.is_relative_to(ROOT) else run.sample),
        "stack": run.label,
        "phases": phases,
        "total": total,
        f"ratio_to_{REFERENCE_STACK}": ratio,
    }


def print_table(results: list[dict[str, Any]]) -> None:
    """Per sample, one line per phase and one for the total (seconds; the ratio on the total); a failed phase
    is followed by its last output lines."""
    names = [result["sample"].rsplit("/", 1)[-1] for result in results]
    wide_name = max(len(text) for text in ["sample", *names])
    wide_stack = max(len(text) for text in ["stack", *(result["stack"] for result in results)])
    print(f"{'sample':<{wide_name}} {'stack':<{wide_stack}} {'phase':<8} {'median':>9} {'min':>9} {'max':>9} {'ratio':>8}")
    for name, result in zip(names, results, strict=True):
        for phase, data in [*result["phases"].items(), ("total", result["total"])]:
            lead = f"{name:<{wide_name}} {result['stack']:<{wide_stack}} {phase:<8}"
            if data["status"] == "ok":
                ratio = result[f"ratio_to_{REFERENCE_STACK}"] if phase == "total" else None
                figures = " ".join(f"{data[k]:>8.1f}s" for k in ("median", "min", "max"))
                print(f"{lead} {figures} {f'{ratio:.2f}x' if ratio is not None else '':>8}".rstrip())
                continue
            where = f" ({data['round']})" if data.get("round") else ""
            print(f"{lead} {'FAILED' if data['status'] == 'failed' else data['status']}{where}")
            for line in data.get("output", "").splitlines():
                print(f"    | {line}")


def default_samples() -> list[Path]:
    """The reference, then the first sample (by name) of tests/samples/<family>/ of every other stack."""
    chosen: dict[str, Path] = {REFERENCE_STACK: REFERENCE_SAMPLE}
    for sample in sorted(SAMPLES.glob("*/*.yml")):
        stack = sample_stack(sample)
        if stack:
            chosen.setdefault(stack, sample)
    return list(chosen.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "samples",
        nargs="*",
        type=Path,
        help="answers files (default: orders-api.yml, then one of tests/samples/<family>/ per stack)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per sample, after one warm-up (default 3)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.json and not args.json.resolve().parent.is_dir():
        parser.error(f"--json {args.json}: {args.json.parent} is not a folder")  # before minutes of rounds, not after
    samples = [p.resolve() for p in args.samples] or default_samples()
    load = os.getloadavg()[0]
    try:
        runs = [preflight(sample) for sample in samples]  # every sample's setup, before minutes of installs
    except SetupError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    try:
        measure(runs, args.rounds)
    except KeyboardInterrupt:  # the round's database and folder are already gone (finally blocks)
        print("interrupted: no results", file=sys.stderr)
        return 130
    reference = next((statistics.median(r.totals) for r in runs if r.stack == REFERENCE_STACK and r.totals and not r.failure), None)
    results = [report(run, reference) for run in runs]
    print_table(results)
    if reference is None:
        print(f"(no {REFERENCE_STACK} sample went green in this run: no ratios)")
    if args.json:
        meta = {
            "rounds": args.rounds,
            "reference_stack": REFERENCE_STACK,
            "cpus": os.cpu_count(),
            "load_average_1min": {"start": load, "end": os.getloadavg()[0]},
        }
        args.json.write_text(json.dumps({**meta, "samples": results}, indent=2) + "\n")
    return 0 if all(not r.failure for r in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
