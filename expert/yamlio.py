"""YAML reading with line numbers (ruamel.yaml round-trip nodes), and deterministic YAML writing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError


class YamlError(Exception):
    """A file is not valid YAML; the message is ``file:line: problem``."""


def load_yaml(path: Path) -> Any:
    """Parse ``path`` keeping line information (see ``line_of``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise YamlError(f"{path}: cannot read: {exc}") from None
    return loads_yaml(text, str(path))


def load_yaml_fast(path: Path) -> Any:
    """Parse a trusted, already-linted file quickly (libyaml), without line information.

    Used for the built-in knowledge base (about ten times faster than round-trip parsing); a test
    checks that it reads exactly what the round-trip parser reads."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return load_yaml(path)  # the slow path reports the problem with its line


def loads_yaml(text: str, name: str) -> Any:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        return yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise YamlError(f"{name}:{line}: invalid YAML: {problem}") from None
    except YAMLError as exc:
        raise YamlError(f"{name}:1: invalid YAML: {str(exc).splitlines()[0]}") from None


def line_of(node: Any, key: Any = None) -> int:
    """1-based line of ``node[key]`` (or of ``node``) when ruamel recorded it; else 1."""
    lc = getattr(node, "lc", None)
    if lc is None:
        return 1
    try:
        if key is not None and hasattr(node, "keys") and key in node:
            return lc.key(key)[0] + 1
        if key is not None and isinstance(key, int):
            return lc.item(key)[0] + 1
        return lc.line + 1
    except (KeyError, IndexError, TypeError, AttributeError):
        return 1


def plain(node: Any) -> Any:
    """Round-trip nodes -> plain dict/list/str/int/bool, recursively."""
    if hasattr(node, "items"):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool) or type(node).__name__ == "ScalarBoolean":
        return bool(node)
    if isinstance(node, int):
        return int(node)  # ruamel's ScalarInt (e.g. 0, 0x10) is not plain data for PyYAML
    if isinstance(node, float):
        return float(node)
    return node


def dump_yaml(data: Any) -> str:
    """Deterministic block-style YAML (insertion order kept, unicode kept).

    PyYAML writes YAML 1.1, which quotes words such as ``yes``, ``no`` or ``on``: every reader
    (YAML 1.1 or 1.2) then gets strings back, which ruamel's 1.2 output does not guarantee."""
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=4096)
