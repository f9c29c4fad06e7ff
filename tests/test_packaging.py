"""The wheel carries the knowledge base, the generators and the templates inside the ``expert`` package (no
top-level ``rules``, ``generators`` or ``templates``, names other distributions use), and a project generated
from a wheel install, run from another folder, is byte for byte the one the checkout generates."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import SAMPLES

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.e2e


def run(cmd: list[str], cwd: Path) -> None:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"{' '.join(cmd)}:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_wheel_installs_and_generates_what_the_checkout_generates(tmp_path: Path) -> None:
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path / "dist"), str(ROOT)], cwd=tmp_path)
    wheel = next((tmp_path / "dist").glob("backend_expert-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/", 1)[0] for name in names}
    assert tops == {"expert", wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1] + ".dist-info"}, tops
    assert "expert/rules/decisions.yml" in names
    assert "expert/generators/blueprint.py" in names
    assert any(name.startswith("expert/templates/stack/python-fastapi/") for name in names)

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)], cwd=tmp_path)
    sample = SAMPLES / "orders-api.yml"
    run([str(venv / "bin" / "backend-expert"), "new", str(tmp_path / "from-wheel"), "--answers", str(sample), "--no-input"], cwd=Path("/"))
    run([sys.executable, "-m", "expert", "new", str(tmp_path / "from-checkout"), "--answers", str(sample), "--no-input"], cwd=tmp_path)
    assert tree(tmp_path / "from-wheel") == tree(tmp_path / "from-checkout")
