"""Code a stack generates from its rendered tree with the project's own pinned tool (its layer.yml
``codegen``): the Go stacks' internal/api/api.gen.go, written by oapi-codegen (a ``tool`` of go.mod) from
openapi.yaml. It runs in the work folder before the tree is checked and committed, so a failure leaves the
destination as it was; the project runs the same command after its contract changes."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from expert.messages import LocalizedError, Text, table, text

TEXTS = table("codegen", {
    "missing": {"en": "{stack} writes {outputs} with `{command}`, which needs {tool} on PATH: install {tool}, or "
                      "choose another framework",
                "fr": "{stack} écrit {outputs} avec `{command}`, qui demande {tool} dans le PATH : installez {tool}, "
                      "ou choisissez un autre framework"},
    "failed": {"en": "`{command}` failed in the generated project: {detail}",
               "fr": "`{command}` a échoué dans le projet généré : {detail}"},
    "timed_out": {"en": "`{command}` did not finish in {seconds} s in the generated project",
                  "fr": "`{command}` ne s'est pas terminé en {seconds} s dans le projet généré"},
    "not_written": {"en": "`{command}` did not write {path}", "fr": "`{command}` n'a pas écrit {path}"},
})

#: the first run downloads and builds the tool (about 40 s here); later runs take about a second
TIMEOUT_SECONDS = 600


class CodegenError(LocalizedError):
    """One line: what failed (the caller leaves the destination as it was)."""


def missing_tool(spec: Mapping[str, Any]) -> Text | None:
    """The error line when the stack's code generator cannot run on this machine (None when it can)."""
    step = spec.get("codegen")
    if not step or shutil.which(step["requires"]):
        return None
    return text(TEXTS, "missing", stack=spec["id"], outputs=", ".join(step["outputs"]),
                command=step["command"], tool=step["requires"])


def run_codegen(spec: Mapping[str, Any], root: Path) -> None:
    """Run the stack's ``codegen`` command in ``root`` (the rendered project); raise CodegenError."""
    step = spec.get("codegen")
    if not step:
        return
    problem = missing_tool(spec)
    if problem:
        raise CodegenError(problem)
    command = step["command"]
    try:
        done = subprocess.run(shlex.split(command), cwd=root, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise CodegenError(text(TEXTS, "timed_out", command=command, seconds=TIMEOUT_SECONDS)) from None
    if done.returncode != 0:
        lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        detail = lines[-1].strip() if lines else f"exit status {done.returncode}"
        raise CodegenError(text(TEXTS, "failed", command=command, detail=detail))
    for path in step["outputs"]:
        if not (root / path).is_file():
            raise CodegenError(text(TEXTS, "not_written", command=command, path=path))
