"""Routing benchmark: how fast free text is routed, and how often the expected agent comes first.

    .venv/bin/python bench/routing.py [--runs 5]

Reports the time to build the routing index (once per knowledge base, on the first ``ask``), the median
time to route one text, the median wall time of a whole ``backend-expert ask`` command beside
``backend-expert --version`` (the CLI's own start-up), and the top-1 and top-3 hits on tests/routing/tuning.yml,
tests/routing/heldout.yml and tests/routing/blind.yml (written by someone who never saw the keywords).
Machines are noisy: read the ratios, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from expert import router  # noqa: E402  (the repository's own package, from its root)
from expert.knowledge import load_knowledge  # noqa: E402

CLI = str(Path(sys.executable).parent / "backend-expert")


def wall(cmd: list[str], runs: int) -> float:
    """Median wall time of ``cmd`` over ``runs`` runs, in seconds."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    kb = load_knowledge()
    start = time.perf_counter()
    router.route("index", kb)
    print(f"index build (first ask):      {1000 * (time.perf_counter() - start):7.1f} ms")
    per_text = []
    for name in ("tuning", "heldout", "blind"):
        cases = yaml.safe_load((ROOT / "tests" / "routing" / f"{name}.yml").read_text())["cases"]
        hits, near = 0, 0
        for case in cases:
            start = time.perf_counter()
            found = [r.agent.id for r in router.route(case["text"], kb)]
            per_text.append(time.perf_counter() - start)
            hits += found[:1] == [case["agent"]]
            near += case["agent"] in found[:3]
        print(f"top-1 / top-3 on {name + '.yml:':<12} {hits}/{len(cases)} / {near}/{len(cases)}")
    print(f"route one text (median):      {1000 * statistics.median(per_text):7.2f} ms")
    version = wall([CLI, "--version"], runs)
    ask = wall([CLI, "ask", "Mes requêtes N+1 sont lentes, comment optimiser ?", "--lang", "fr"], runs)
    print(f"backend-expert --version:     {version:7.3f} s")
    print(f"backend-expert ask:           {ask:7.3f} s  ({ask / version:.1f}x the start-up)")


if __name__ == "__main__":
    main()
