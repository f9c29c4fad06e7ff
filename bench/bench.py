"""Benchmark: medians of whole-command runs, with cookiecutter measured in the same run as the baseline.

    .venv/bin/python bench/bench.py [--runs 7] [--json results.json]

Reports the median wall time of: CLI startup (`--version`), a full `decide`, a full `new` from an
answers file, and in-process consultations; beside `cookiecutter --version` and a plain cookiecutter
render of a small template, with ratios. Machines are noisy: read ratios, not absolute numbers.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "samples" / "orders-api.yml"
BIN = Path(sys.executable).parent


def timed(cmd: list[str], cwd: Path, runs: int, before=None) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def baseline_template(root: Path) -> Path:
    """A small cookiecutter template (12 files) to render with plain cookiecutter."""
    tmpl = root / "baseline-template"
    (tmpl / "{{cookiecutter.slug}}" / "app").mkdir(parents=True)
    (tmpl / "cookiecutter.json").write_text(json.dumps({"name": "Orders API", "slug": "orders-api", "port": "8000"}))
    for i in range(10):
        (tmpl / "{{cookiecutter.slug}}" / "app" / f"module_{i}.py").write_text(
            '"""{{ cookiecutter.name }} module."""\n\nPORT = {{ cookiecutter.port }}\n' * 20
        )
    (tmpl / "{{cookiecutter.slug}}" / "README.md").write_text("# {{ cookiecutter.name }}\n")
    return tmpl


def in_process_consultations(count: int) -> float:
    sys.path.insert(0, str(ROOT))
    from expert.answers import load_answers
    from expert.consult import Consultant
    from expert.knowledge import load_knowledge

    kb = load_knowledge()
    consultant = Consultant(kb)
    answers = load_answers(SAMPLE, kb).answers
    start = time.perf_counter()
    for _ in range(count):
        consultant.run(dict(answers))
    return (time.perf_counter() - start) / count


def big_model(entities: int = 30, fields: int = 10) -> dict:
    """A domain model of 30 entities x 10 fields (300 fields), every field type, relations of each kind."""
    types = ["string", "text", "integer", "decimal", "boolean", "date", "datetime", "uuid", "enum", "json"]
    model: dict = {}
    for i in range(entities):
        spec: dict = {}
        for j in range(fields):
            ftype = types[j % len(types)]
            field: dict = {"type": ftype, "required": j % 3 == 0}
            if ftype == "enum":
                field["values"] = ["a", "b", "c"]
            if ftype in ("string", "integer", "date") and j % 2 == 0:
                field["index"] = True
            spec[f"field_{j}"] = field
        relations: dict = {}
        if i:
            relations["parent"] = {"kind": "many-to-one", "target": f"Entity{i - 1}", "on_delete": "cascade"}
            relations["links"] = {"kind": "many-to-many", "target": f"Entity{i - 1}"}
        model[f"Entity{i}"] = {"fields": spec, **({"relations": relations} if relations else {})}
    return model


def big_answers(root: Path) -> Path:
    """The orders-api sample plus the 30-entity model, as an answers file."""
    import yaml

    doc = yaml.safe_load(SAMPLE.read_text())
    doc["entities"] = big_model()
    path = root / "big-model.yml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def render_big_model(answers_file: Path, runs: int) -> float:
    """Median in-process time to build the blueprint (OpenAPI, schema.sql, ER diagram) and render every
    layer of a 30-entity / 300-field model (no validation, no writing into place)."""
    sys.path.insert(0, str(ROOT))
    from expert.answers import load_answers, resolve_project
    from expert.consult import Consultant
    from expert.generators.blueprint import build_blueprint
    from expert.knowledge import load_knowledge
    from expert.render import render_layers

    kb = load_knowledge()
    answers = load_answers(answers_file, kb)
    result = Consultant(kb).run(dict(answers.answers))
    project = resolve_project(answers.project, "big")
    samples = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            blueprint = build_blueprint(project, result, kb, "en", answers.entities)
            render_layers(blueprint.layers, Path(tmp) / "out")
            samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args()
    expert = [str(BIN / "backend-expert")]
    cookiecutter = [str(BIN / "cookiecutter")]
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        tmpl = baseline_template(work)
        out = work / "out"

        def clean() -> None:
            shutil.rmtree(out, ignore_errors=True)

        results["cookiecutter --version"] = timed([*cookiecutter, "--version"], work, args.runs)
        results["cookiecutter render (12 files)"] = timed(
            [*cookiecutter, "--no-input", str(tmpl), "-o", str(out)], work, args.runs, before=clean
        )
        results["backend-expert --version"] = timed([*expert, "--version"], work, args.runs)
        results["backend-expert decide"] = timed([*expert, "decide", "--answers", str(SAMPLE), "--format", "json"], work, args.runs)
        results["backend-expert new"] = timed(
            [*expert, "new", str(out), "--answers", str(SAMPLE), "--no-input"], work, args.runs, before=clean
        )
        big = big_answers(work)
        results["backend-expert new (30 entities, 300 fields)"] = timed(
            [*expert, "new", str(out), "--answers", str(big), "--no-input"], work, args.runs, before=clean
        )
        results["render 30 entities / 300 fields (in-process)"] = render_big_model(big, args.runs)
    results["consultation in-process (mean of 200)"] = in_process_consultations(200)

    base_start = results["cookiecutter --version"]
    base_render = results["cookiecutter render (12 files)"]
    print(f"{'measure':<42} {'median':>10} {'ratio':>28}")
    ratios = {
        "backend-expert --version": ("cookiecutter --version", base_start),
        "backend-expert decide": ("cookiecutter --version", base_start),
        "backend-expert new": ("cookiecutter render", base_render),
    }
    for name, value in results.items():
        ratio = ""
        if name in ratios:
            label, base = ratios[name]
            ratio = f"{value / base:.2f}x {label}"
        print(f"{name:<42} {value * 1000:>8.1f}ms {ratio:>28}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
