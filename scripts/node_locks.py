"""Recompute the package-lock.json files the Node stack layers ship, one per (orm, database) they support.

    .venv/bin/python scripts/node_locks.py [stack/node-express[:orm] ...]

For each combination, the package.json template the stack renders (with the data layer of that orm),
`npm install --package-lock-only` resolves it against the registry (the npm cache is shared), and the lock
is stored as ``templates/locks/<orm>-<database>.json`` in the layer, its project name left to the template.
tests/test_node_stacks.py checks every stored lock still matches its package.json.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from cookiecutter.environment import StrictEnvironment

from expert.generators.stack import layer_spec
from expert.render import EXTENSIONS, TEMPLATES_DIR

#: the project name a lock is computed with, replaced by the template's own
LOCK_NAME = "lock-project"
NAME_TEMPLATE = "{{ cookiecutter.project_slug | json_str }}"


def package_json(stack: str, orm: str, database: str, name: str = LOCK_NAME) -> dict[str, Any]:
    """The package.json the stack layer renders for this orm and database."""
    spec = layer_spec(stack)
    data = layer_spec(spec["data"]["orm"][orm])
    # the stacks of one language share their package.json template (their layer.yml `common`)
    template = TEMPLATES_DIR / spec.get("common", stack) / "{{cookiecutter.project_slug}}" / "package.json"
    env = StrictEnvironment(context={"cookiecutter": {"_extensions": EXTENSIONS}}, keep_trailing_newline=True)
    context = {"project_slug": name, "project_description": "", "stack": spec, "data": data, "database": database, "orm": orm}
    return json.loads(env.from_string(template.read_text(encoding="utf-8")).render(cookiecutter=context))


def lock_template(lock: dict[str, Any]) -> str:
    """The lock as a template: its project name is the generated project's."""
    text = json.dumps(lock, indent=2) + "\n"
    if any(marker in text for marker in ("{{", "{%", "{#")):
        raise ValueError("a lock file holds Jinja markers: it cannot be stored as a template")
    quoted = json.dumps(LOCK_NAME)
    if text.count(quoted) != 2:
        raise ValueError(f"expected the project name twice in the lock, found it {text.count(quoted)} times")
    return text.replace(quoted, NAME_TEMPLATE)


def compute_lock(package: dict[str, Any]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="node-lock-") as tmp:
        Path(tmp, "package.json").write_text(json.dumps(package, indent=2) + "\n", encoding="utf-8")
        subprocess.run(["npm", "install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=tmp, check=True)
        return json.loads(Path(tmp, "package-lock.json").read_text(encoding="utf-8"))


def main(stacks: list[str]) -> None:
    """Each argument is a stack layer, or ``stack:orm`` for the locks of one orm only."""
    for argument in stacks:
        stack, _, only = argument.partition(":")
        spec = layer_spec(stack)
        out = TEMPLATES_DIR / stack / "templates" / "locks"
        out.mkdir(parents=True, exist_ok=True)
        for orm in [only] if only else spec["supports"]["orm"]:
            for database in spec["supports"]["database"]:
                lock = compute_lock(package_json(stack, orm, database))
                (out / f"{orm}-{database}.json").write_text(lock_template(lock), encoding="utf-8")
                print(f"{stack}: {orm}-{database}.json")


if __name__ == "__main__":
    main(sys.argv[1:] or ["stack/node-express"])
