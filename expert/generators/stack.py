"""Template layers describe themselves in ``layer.yml``; this module finds the one that fits the decisions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from expert.render import TEMPLATES_DIR
from expert.yamlio import load_yaml, plain


class UnsupportedError(Exception):
    """The decisions ask for something no template can generate yet."""


@dataclass(frozen=True)
class Layer:
    name: str  # e.g. "stack/python-fastapi"
    spec: dict[str, Any]


def layers_of(kind: str) -> list[Layer]:
    """Every layer of a kind (``stack``, ``ci``, ``container``, ...), from its ``layer.yml``."""
    out = []
    for path in sorted((TEMPLATES_DIR / kind).glob("*/layer.yml")):
        out.append(Layer(f"{kind}/{path.parent.name}", plain(load_yaml(path)) or {}))
    return out


def layer_spec(name: str) -> dict[str, Any]:
    """A layer's ``layer.yml`` as plain data (empty when it has none)."""
    path = TEMPLATES_DIR / name / "layer.yml"
    return (plain(load_yaml(path)) or {}) if path.is_file() else {}


def layer_exists(name: str) -> bool:
    return (TEMPLATES_DIR / name).is_dir()


def select_stack(decisions: dict[str, Any]) -> Layer:
    """The stack layer for (language, framework), checked against what it supports."""
    language, framework = decisions.get("language"), decisions.get("framework")
    stacks = layers_of("stack")
    match = [s for s in stacks if s.spec.get("language") == language and s.spec.get("framework") == framework]
    available = ", ".join(f"{s.spec.get('language')}/{s.spec.get('framework')}" for s in stacks)
    if not match:
        raise UnsupportedError(
            f"no starter template for {language}/{framework} yet (available: {available}); "
            f"pin another one, e.g. --set framework={stacks[0].spec.get('framework')}"
        )
    stack = match[0]
    for key, allowed in (stack.spec.get("supports") or {}).items():
        value = decisions.get(key)
        if value is not None and value not in allowed:
            raise UnsupportedError(
                f"the {stack.name} starter cannot generate {key}={value} (it supports {', '.join(allowed)}); "
                f"pin one of them, e.g. --set {key}={allowed[0]}"
            )
    return stack
