"""Fuzz the real command with hostile answers files, entity models and rule packs.

Seeded (``FUZZ_SEED``, default below) and sized (``FUZZ_COUNT`` cases, ``FUZZ_SUBPROCESS`` of them run
through the installed ``backend-expert`` in a subprocess, the rest in-process with click's runner); the
seed and counts are printed. For every case: exit 0 or 1, no traceback, nothing written beside the
destination, and on exit 1 no destination (or the user's one unchanged). For every exit 0: every
Python file parses, every YAML/JSON/TOML file parses, ``ruff check`` and ``ruff format --check`` pass
(one run over all projects, each with its own configuration), and ``new`` from the project's
``.backend-expert.yml`` gives the same tree byte for byte. Every failure is listed with the case's
files, which are kept in pytest's temporary folder for replay:
``backend-expert new DEST --answers CASE/answers.yml --no-input [--rules CASE/pack.yml]``.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from expert.cli import cli
from expert.knowledge import load_knowledge
from expert.yamlio import dump_yaml

pytestmark = pytest.mark.e2e
tomllib = pytest.importorskip("tomllib", reason="the TOML check uses Python 3.11's tomllib")

DEFAULT_SEED = 20261201
SEED = int(os.environ.get("FUZZ_SEED", DEFAULT_SEED))
COUNT = int(os.environ.get("FUZZ_COUNT", 200))
SUBPROCESS = int(os.environ.get("FUZZ_SUBPROCESS", 30))
ANSWERS_FILE = ".backend-expert.yml"
USER_FILE = "NOTES.md"

# ----------------------------------------------------------------------------- hostile vocabulary

#: names the generated code imports or defines (Python, typing, pydantic, SQLAlchemy, FastAPI, the starter)
CODE_WORDS = [
    "Literal", "TypeVar", "Sequence", "UUID", "Any", "Optional", "List", "Dict", "Annotated", "BaseModel", "Field",
    "Decimal", "Enum", "Base", "Session", "APIRouter", "Depends", "HTTPException", "Query", "Column", "Mapped", "String",
    "Integer", "Text", "Boolean", "Numeric", "JSON", "Uuid", "ForeignKey", "Table", "Index", "Item", "Page", "Problem",
    "Settings", "Router", "Model", "Config", "Health", "Token", "Login", "Audit", "Date", "Datetime", "Json", "Type",
    "Object", "Exception", "Response", "Request", "Select", "Func", "Db", "Id", "Owner", "ItemCreate", "ItemRead",
    "ItemUpdate", "OrderCreate", "OrderRead", "Order", "Orders", "Status", "Metadata", "Self", "Refresh", "Password",
]
FIELD_WORDS = [
    "class", "db", "func", "select", "id", "sa", "op", "app", "settings", "router", "models", "schemas", "self", "cls",
    "json", "typing", "int", "str", "type", "list", "object", "print", "none", "true", "async", "await", "match",
    "case", "column", "mapped", "relationship", "string", "integer", "text", "boolean", "numeric", "uuid", "literal",
    "typevar", "sequence", "owner", "owner_id", "created_at", "metadata", "registry", "query", "status", "response",
    "request", "limit", "offset", "sort", "total", "items", "next", "order", "page", "size", "model_config",
    "model_fields", "model_dump", "validate", "dict", "copy", "schema", "fields", "field", "annotations", "logging",
    "os", "sys", "re", "decimal", "datetime", "date", "any", "optional", "user", "user_id", "password", "token",
    "session", "engine", "base", "item", "items_ids", "tags_ids", "problem", "detail", "title", "instance", "x",
]
#: text a user may legitimately give (no control character, within the limits), hostile to templates and escaping
TEXTS = [
    "{{ 7*7 }}", "{% raw %}x{% endraw %}", "{%- endraw %}", "${{ secrets.GITHUB_TOKEN }}", "{{cookiecutter.project_slug}}",
    "\"'\\", 'a"b', "it's", "back\\slash", "'; DROP TABLE users; --", "</script><script>alert(1)</script>", "*/ /*",
    "\u202eevil", "zero\u200bwidth", "emoji \U0001f600", "straße", "İstanbul", "ﬁle", "e\u0301", "null", "~", "yes",
    "0o17", "1e3", "12:30", "2024-01-01", "#", "--", "\\N", "%s", "{0}", "$(id)", "`id`", "   padded   ", "x" * 200,
    "é" * 150, ".", "..", "-", "+", "@", "\ufeff", "\ud7ff\ue000", "Orders API", "a: b", "- x", "[x]", "&a", "*a", "!x",
]
#: text the tool must refuse (control characters, over a limit)
BAD_TEXTS = ["tab\there", "line\nbreak", "crlf\r\nline", "esc\x1b[31m", "nul\x00", "bell\x07", "\u2028", "\x85", "y" * 201, "a" * 4001]
SLUGS = ["a" * 63, "a--b", "nul", "node-modules", "x", "con", "aux", "git", "app", "test", "kube-system", "default", "postgres",
         "api-v1", "a-"]
BAD_SLUGS = ["../../x", "/tmp/x", "a/b", "x..y", "a" * 64, "1abc", "ab_c", "AbC", "", " "]
NUMBERS: list[Any] = [float("inf"), float("-inf"), float("nan"), 1e308, 10**40, -(10**40), 2**63, -(2**63) - 1, 2**31,
                      0.1, 1e-320, -0.0, 0, -1, 1, 38, 39, 10000, 10001, True, "5", None, [], {}]
GENERIC_ENTITIES = ["Invoice", "Product", "Customer", "OrderLine", "Tag", "Warehouse", "Shipment", "Coupon", "Note", "Review",
                    "Supplier", "Category", "Payment", "Address", "Parcel", "Ticket", "Comment", "Author", "Book", "Loan"]
GENERIC_FIELDS = ["title", "amount", "label", "quantity", "starts_on", "active", "payload", "reference", "price_2", "notes",
                  "weight", "colour", "position", "code", "summary", "due_on", "opened_at", "score", "visible", "sku"]
ENUM_VALUES = ["a", "B", "0o17", "yes", "null", "1e3", "x.y", "a-b", "class", "None", "True", "A", "v" * 60, "draft", "paid"]

# ----------------------------------------------------------------------------- cases


@dataclass
class Case:
    """One fuzzed run: the files to write and how ``new`` is called."""

    index: int
    kind: str
    answers: str
    pack: str | None = None
    existing_destination: bool = False
    subprocess: bool = False


def laughs(levels: int, width: int, indent: str = "  ") -> str:
    lines = [f"{indent}a0: &a0 [{', '.join(['lol'] * width)}]"]
    lines += [f"{indent}a{i + 1}: &a{i + 1} [{', '.join([f'*a{i}'] * width)}]" for i in range(levels)]
    return "\n".join(lines) + "\n"


#: plain values that no reader should turn into an object, a crash or a surprise
ODD_SCALARS = ["!!python/object/apply:os.system [id]", "!!binary aGk=", "!!str x", "!!set {a}", "!!float abc", "!!int 0x",
               "!!bool maybe", "2024-13-45", "2001-12-14t21:59:43.10-99:00", '"\\ud800"', "&a x", "*undefined"]
ODD_DOCUMENTS = ["", "---\n", "[]\n", "7\n", "version: 1\n---\nversion: 1\n", "version: 1\nversion: 1\n", "? [a]\n: b\n",
                 "version: 1\nanswers: [a, b]\n", "version: 1\nproject: x\n", "version: 1.0\n", "version: '1'\n",
                 "%YAML 1.1\n---\nversion: 1\nanswers: {sso: yes}\n", "\ufeffversion: 1\n"]


def yaml_attack(rng: random.Random) -> str:
    """YAML-level hostility: bombs, nesting, huge numbers, huge lines, tags, odd bytes."""
    digits = "9" * rng.choice([20, 64, 65, 4300, 5000])
    attacks: list[Callable[[], str]] = [
        lambda: "version: 1\nanswers:\n" + laughs(rng.randint(5, 12), rng.randint(5, 12)),
        lambda: "version: 1\nentities:\n  Order:\n    fields:\n" + laughs(rng.randint(5, 12), 9, "      "),
        lambda: "version: 1\nanswers: &a {clients: [*a]}\n",
        lambda: "version: 1\nanswers:\n  clients: " + "[" * rng.randint(40, 4000) + "]" * rng.randint(0, 4000) + "\n",
        lambda: "version: 1\nanswers:\n" + "{\n" * rng.randint(40, 3000),
        lambda: "version: 1\nanswers:\n  clients:\n    " + "- " * rng.randint(40, 3000) + "mobile\n",
        lambda: "version: 1\nentities:\n  Order:\n    fields:\n      n: {type: integer, max: " + digits + "}\n",
        lambda: "version: 1\n# " + "x" * rng.choice([9_999, 10_001, 2_000_000]) + "\n",
        lambda: "version: 1\nproject:\n  name: " + rng.choice(ODD_SCALARS) + "\n",
        lambda: "version: 1\nproject:\n  name: a" + rng.choice(["\x00", "\x07", "\x1b", "\x85", "\ufffe", "\u2029"]) + "b\n",
        lambda: rng.choice(ODD_DOCUMENTS),
    ]
    return rng.choice(attacks)()


def text(rng: random.Random, bad: float = 0.0) -> str:
    """A hostile text, sometimes a few glued together; with probability ``bad`` one the tool must refuse."""
    pool = BAD_TEXTS if rng.random() < bad else TEXTS
    return "".join(rng.choice(pool) for _ in range(rng.choice([1, 1, 2, 3])))


def project_section(rng: random.Random) -> dict[str, Any]:
    project: dict[str, Any] = {"name": text(rng, bad=0.1)[:200] if rng.random() < 0.97 else rng.choice(NUMBERS)}
    if rng.random() < 0.5:
        project["slug"] = rng.choice(BAD_SLUGS if rng.random() < 0.1 else SLUGS)
    if rng.random() < 0.7:
        project["description"] = text(rng, bad=0.1)
    return project


def field_spec(rng: random.Random) -> dict[str, Any]:
    """A valid field of a random type with random valid options."""
    ftype = rng.choice(["string", "text", "integer", "decimal", "boolean", "date", "datetime", "uuid", "enum", "json"])
    spec: dict[str, Any] = {"type": ftype}
    if rng.random() < 0.3:
        spec["required"] = rng.choice([True, False])
    if ftype in ("integer", "uuid", "date", "datetime", "enum") and rng.random() < 0.2:
        spec[rng.choice(["unique", "index"])] = True
    if rng.random() < 0.2:
        spec["description"] = text(rng)
    if ftype == "string":
        spec["max_length"] = rng.choice([1, 2, 50, 255, 512, 10000])
        if spec["max_length"] <= 512 and rng.random() < 0.2:
            spec[rng.choice(["unique", "index"])] = True
        if rng.random() < 0.3:
            spec["default"] = text(rng)[: spec["max_length"]] or "x"
    elif ftype == "integer":
        low = rng.choice([-(2**31), -5, 0, 1])
        spec.update({"min": low, "max": min(low + rng.choice([0, 1, 100, 2**31 - 1]), 2**31 - 1)})
        if rng.random() < 0.3:
            spec["default"] = low
    elif ftype == "decimal":
        spec["precision"] = rng.randint(1, 38)
        spec["scale"] = rng.randint(0, spec["precision"])
        if rng.random() < 0.3:
            spec["min"] = 0
    elif ftype == "enum":
        spec["values"] = rng.sample(ENUM_VALUES, rng.randint(1, 5))
        if rng.random() < 0.4:
            spec["default"] = rng.choice(spec["values"])
    elif ftype == "boolean" and rng.random() < 0.4:
        spec["default"] = rng.choice([True, False])
    return spec


def mutate_field(rng: random.Random, spec: dict[str, Any]) -> Any:
    """One hostile change to a field: a number out of range or not finite, a wrong type, a typo."""
    if not isinstance(spec, dict):  # already replaced by a previous change
        return spec
    choice = rng.randrange(5)
    if choice == 0:
        spec[rng.choice(["min", "max", "max_length", "precision", "scale", "default"])] = rng.choice(NUMBERS)
    elif choice == 1:
        spec["type"] = rng.choice(["strng", "int", "float", None, 5, ["string"]])
    elif choice == 2:
        spec[rng.choice(["requird", "length", "nullable"])] = True
    elif choice == 3:
        spec["default"] = text(rng, bad=0.3)
    else:
        return rng.choice(["string", "enum", 5, None, []])
    return spec


def entities_section(rng: random.Random, mutations: int) -> dict[str, Any]:
    """Generic names with one or two names the generated code also uses (``Literal``, ``db``, ...)."""
    count = rng.choice([1, 1, 2, 3, 5, 8, 20])
    names = rng.sample(GENERIC_ENTITIES, count)
    if rng.random() < 0.03:  # many entities (each costs generation time: rare)
        names = [f"Thing{chr(65 + i // 26)}{chr(97 + i % 26)}" for i in range(rng.randint(50, 80))]
        count = len(names)
    for i in rng.sample(range(count), min(count, rng.choice([0, 1, 1, 2]))):
        names[i] = rng.choice(CODE_WORDS)
    names = list(dict.fromkeys(names))
    model: dict[str, Any] = {}
    for name in names:
        fnames = rng.sample(GENERIC_FIELDS, rng.randint(1, 6))
        if rng.random() < 0.3:
            fnames[0] = rng.choice(FIELD_WORDS)
        if rng.random() < 0.03:
            fnames[-1] = "x_" + "y" * rng.randint(30, 60)
        spec: dict[str, Any] = {"fields": {fname: field_spec(rng) for fname in fnames}}
        if rng.random() < 0.4:
            relations = {}
            for _ in range(rng.randint(1, 2)):
                target, required = rng.choice(names), rng.random() < 0.15
                relations[rng.choice([target.lower(), "parent", "children", "tags", "owner", "item", "next", rng.choice(FIELD_WORDS)])] = {
                    "kind": rng.choice(["many-to-one", "many-to-one", "one-to-many", "many-to-many"]),
                    "target": target,
                    "required": required,
                    "on_delete": rng.choice(["cascade", "restrict"] if required else ["cascade", "restrict", "set-null"]),
                }
            spec["relations"] = relations
        if rng.random() < 0.2:
            spec["description"] = text(rng)
        model[name] = spec
    for _ in range(mutations):
        entity = model[rng.choice(list(model))]
        fname = rng.choice(list(entity["fields"]))
        entity["fields"][fname] = mutate_field(rng, entity["fields"][fname])
    return model


def cycle_section(rng: random.Random) -> dict[str, Any]:
    """Required many-to-one relations in a cycle (A -> B -> ... -> A), or onto itself."""
    names = rng.sample(["Alpha", "Beta", "Gamma", "Delta"], rng.randint(1, 4))
    model = {}
    for i, name in enumerate(names):
        target = names[(i + 1) % len(names)]
        model[name] = {"fields": {"label": {"type": "string", "max_length": 50}},
                       "relations": {f"next_{target.lower()}": {"kind": "many-to-one", "target": target,
                                                                "required": rng.random() < 0.7,
                                                                "on_delete": rng.choice(["cascade", "restrict"])}}}
    return model


def answers_section(rng: random.Random, kb: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for qid in rng.sample(sorted(kb.questions), rng.randint(0, 6)):
        q = kb.questions[qid]
        values = q.choice_values()
        answers[qid] = rng.sample(values, rng.randint(1, len(values))) if q.type == "multi" else rng.choice(values)
    for key in rng.sample(sorted(kb.decisions), rng.randint(0, 2)):
        answers[key] = rng.choice(sorted(kb.decisions[key].values))
    if rng.random() < 0.05:
        answers[rng.choice(["../x", "data_shap", "a.b", 5])] = rng.choice(["x", 1, None, [], {"a": 1}, float("nan")])
    return answers


PACK_BASE: dict[str, Any] = {
    "agent": "acme/fuzz",
    "title": {"en": "Fuzz", "fr": "Fuzz"},
    "keywords": {"en": ["acme"], "fr": ["acme"]},
    "questions": [{"id": "team_name", "type": "text", "prompt": "Team?", "help": "Any text.", "default": "platform"}],
    "rules": [{"id": "acme.db", "when": {"data_shape": ["relational", "document"]}, "then": {"database": "postgresql"},
               "priority": 90, "because": {"en": "policy {{ 7*7 }}", "fr": "politique ${{ x }}"}}],
    "conflicts": [{"id": "acme.no-mongo", "when": {"database": "mongodb"}, "because": "no"}],
    "advice": [{"en": "Register {% raw %} the service.", "fr": "Enregistrez le service."}],
}
PACK_GARBAGE: list[Any] = [None, 0, -1, 10**30, 1.5, float("inf"), True, "", "x", "../x", "a/b", "a.b", "database", [], {},
                           [None], {"in": []}, {"in": [{"a": 1}]}, {1: 2}, {"../x": "postgresql"}, {"load": {"contains": "high"}}]


def doc_paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, child in children:
        found += doc_paths(child, (*prefix, key))
    return found


def replaced(doc: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    copy = dict(doc) if isinstance(doc, dict) else list(doc)
    copy[path[0]] = replaced(doc[path[0]], path[1:], value)
    return copy


def pack_doc(rng: random.Random, kb: Any) -> Any:
    """The base pack imposing a random decision value (to reach other stacks), sometimes with garbage."""
    key = rng.choice(sorted(kb.decisions))
    doc = replaced(PACK_BASE, ("rules", 0, "then"), {key: rng.choice(sorted(kb.decisions[key].values))})
    if rng.random() < 0.3:
        doc = replaced(doc, rng.choice(doc_paths(doc)), rng.choice(PACK_GARBAGE))
    return doc


def make_case(rng: random.Random, index: int, kb: Any) -> Case:
    """A valid document with hostile but legal content, plus (sometimes) one or two hostile changes."""
    kind = rng.choices(["yaml", "project", "model", "cycle", "answers", "pack"], weights=[10, 20, 35, 5, 15, 15])[0]
    if kind == "yaml":
        return Case(index, kind, yaml_attack(rng))
    doc: dict[str, Any] = {"version": 1}
    if kind == "project" or rng.random() < 0.3:
        doc["project"] = project_section(rng)
    if kind in ("answers", "pack") or rng.random() < 0.3:
        doc["answers"] = answers_section(rng, kb)
    if kind == "model" or rng.random() < 0.3:
        doc["entities"] = entities_section(rng, mutations=rng.choice([0, 0, 0, 1, 2]))
    if kind == "cycle":
        doc["entities"] = cycle_section(rng)
        doc["answers"] = {"database": rng.choice(["postgresql", "mysql", "sqlite"])}
    pack = dump_yaml(pack_doc(rng, kb)) if kind == "pack" else None
    return Case(index, kind, dump_yaml(doc), pack, existing_destination=rng.random() < 0.1)


# ----------------------------------------------------------------------------- running


@dataclass
class Outcome:
    case: Case
    folder: Path
    exit_code: int
    output: str
    problems: list[str] = field(default_factory=list)


def snapshot(folder: Path, skip: Path | None = None) -> dict[str, str] | None:
    """Every path under ``folder`` (None if it does not exist) except ``skip``'s subtree, with a hash of each file."""
    if not folder.exists():
        return None
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        if skip is not None and (path == skip or skip in path.parents):
            continue
        found[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
    return found


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and p.name != USER_FILE}


def command(case: Case, folder: Path, answers: Path, dest: Path) -> list[str]:
    args = ["new", str(dest), "--answers", str(answers), "--no-input"]
    if case.pack is not None:
        args += ["--rules", str(folder / "pack.yml")]
    if case.existing_destination:
        args.append("--force")
    return args


def invoke(args: list[str], in_subprocess: bool, cwd: Path) -> tuple[int, str]:
    if in_subprocess:
        script = Path(sys.executable).with_name("backend-expert")
        base = [str(script)] if script.exists() else [sys.executable, "-m", "expert"]
        done = subprocess.run(base + args, cwd=cwd, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
        return done.returncode, done.stdout + done.stderr
    result = CliRunner().invoke(cli, args)
    output = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        output += f"\nTraceback (uncaught {type(result.exception).__name__}: {result.exception})"
    return result.exit_code, output


def run_case(case: Case, folder: Path) -> Outcome:
    folder.mkdir(parents=True)
    answers = folder / "answers.yml"
    answers.write_text(case.answers, encoding="utf-8")
    if case.pack is not None:
        (folder / "pack.yml").write_text(case.pack, encoding="utf-8")
    dest = folder / "dest"
    if case.existing_destination:
        dest.mkdir()
        (dest / USER_FILE).write_text("my notes\n", encoding="utf-8")
    before, dest_before = snapshot(folder, dest), snapshot(dest)
    code, output = invoke(command(case, folder, answers, dest), case.subprocess, folder)
    outcome = Outcome(case, folder, code, output)
    problems = outcome.problems
    if code not in (0, 1):
        problems.append(f"exit code {code}")
    if "Traceback" in output:
        problems.append("traceback: " + output.strip().splitlines()[-1][:200])
    if snapshot(folder, dest) != before:
        changed = set(snapshot(folder, dest) or {}) ^ set(before or {})
        problems.append("wrote outside the destination: " + ", ".join(sorted(changed))[:200])
    if code != 0:
        if snapshot(dest) != dest_before:
            problems.append("failed run left a partial or changed destination")
    elif case.existing_destination and (dest / USER_FILE).read_text(encoding="utf-8") != "my notes\n":
        problems.append("the user's file in the destination was changed")
    return outcome


def parse_problems(root: Path) -> list[str]:
    """Every Python, YAML, JSON and TOML file of a generated project parses."""
    problems = []
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        rel, text = path.relative_to(root), None
        try:
            if path.name.endswith(".tar.gz"):  # the pristine tree `update` merges against: an archive that opens
                with tarfile.open(path, "r:gz") as archive:
                    archive.getmembers()
                continue
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".py":
                ast.parse(text, str(rel))
            elif path.suffix in (".yml", ".yaml"):
                list(yaml.safe_load_all(text))
            elif path.suffix == ".json":
                json.loads(text)
            elif path.suffix == ".toml":
                tomllib.loads(text)
        except (SyntaxError, ValueError, yaml.YAMLError, UnicodeDecodeError, tarfile.TarError, EOFError) as exc:
            problems.append(f"{rel} does not parse: {str(exc).splitlines()[0][:160]}")
    return problems


def regenerate_problems(outcome: Outcome) -> list[str]:
    """``new`` from the project's saved answers gives the same tree."""
    dest, again = outcome.folder / "dest", outcome.folder / "again"
    args = ["new", str(again), "--answers", str(dest / ANSWERS_FILE), "--no-input"]
    if outcome.case.pack is not None:
        args += ["--rules", str(outcome.folder / "pack.yml")]
    code, output = invoke(args, False, outcome.folder)
    if code != 0:
        return [f"regenerating from {ANSWERS_FILE} failed: {output.strip()[:200]}"]
    first, second = tree(dest), tree(again)
    if first != second:
        differ = sorted(k for k in set(first) | set(second) if first.get(k) != second.get(k))
        return [f"regenerating from {ANSWERS_FILE} differs in {', '.join(differ[:5])}"]
    return []


def ruff_problems(outcomes: list[Outcome]) -> None:
    """One ``ruff check`` and one ``ruff format --check`` over every generated project (each project's
    own configuration applies); each finding goes to its case."""
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff, "ruff is needed (pip install -e '.[test]')"
    by_dest = {str(o.folder / "dest"): o for o in outcomes}
    if not by_dest:
        return
    check = subprocess.run([ruff, "check", "--output-format", "concise", "--no-cache", *by_dest], capture_output=True, text=True)
    fmt = subprocess.run([ruff, "format", "--check", "--no-cache", *by_dest], capture_output=True, text=True)
    findings = [line for line in check.stdout.splitlines() if not line.startswith(" ")]  # concise: one line per finding
    findings += [line for line in (fmt.stdout + fmt.stderr).splitlines() if line.startswith(("Would reformat: ", "error: "))]
    for line in findings:
        for dest, outcome in by_dest.items():
            if dest + os.sep in line:
                outcome.problems.append("ruff: " + line.replace(dest + os.sep, "")[:200])


# ----------------------------------------------------------------------------- the test


def test_fuzzed_inputs_never_crash_and_every_accepted_project_is_sound(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    kb = load_knowledge()
    rng = random.Random(SEED)
    cases = [make_case(rng, i, kb) for i in range(COUNT)]
    for case in cases[:SUBPROCESS]:
        case.subprocess = True
    with capsys.disabled():
        print(f"\nfuzz: FUZZ_SEED={SEED} FUZZ_COUNT={COUNT} FUZZ_SUBPROCESS={SUBPROCESS} (cases in {tmp_path})")
    outcomes, accepted = [], []
    for case in cases:
        outcome = run_case(case, tmp_path / f"case-{case.index:04d}-{case.kind}")
        outcomes.append(outcome)
        if outcome.exit_code == 0 and not outcome.problems:
            accepted.append(outcome)
            outcome.problems += parse_problems(outcome.folder / "dest") + regenerate_problems(outcome)
    ruff_problems(accepted)
    failed = [o for o in outcomes if o.problems]
    with capsys.disabled():
        kinds = {k: sum(o.case.kind == k for o in outcomes) for k in sorted({o.case.kind for o in outcomes})}
        print(f"fuzz: {len(accepted)} generated, {COUNT - len(accepted) - len(failed)} refused, {len(failed)} failed; kinds {kinds}")
    report = [f"{o.folder.name}: {'; '.join(dict.fromkeys(o.problems))[:400]}" for o in failed]
    assert not failed, f"FUZZ_SEED={SEED}: {len(failed)} of {COUNT} cases failed (files kept in {tmp_path}):\n" + "\n".join(report)
