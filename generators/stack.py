"""Template layers describe themselves in ``layer.yml``; this module finds the one that fits the decisions."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from expert.render import TEMPLATES_DIR
from expert.yamlio import load_yaml_fast


class UnsupportedError(Exception):
    """The decisions ask for something no template can generate yet."""


@dataclass(frozen=True)
class Layer:
    name: str  # e.g. "stack/python-fastapi"
    spec: dict[str, Any]


def layers_of(kind: str) -> list[Layer]:
    """Every layer of a kind (``stack``, ``ci``, ``container``, ...), from its ``layer.yml``."""
    return [Layer(f"{kind}/{path.parent.name}", layer_spec(f"{kind}/{path.parent.name}"))
            for path in sorted((TEMPLATES_DIR / kind).glob("*/layer.yml"))]


def layer_spec(name: str) -> dict[str, Any]:
    """A layer's ``layer.yml`` as plain data (empty when it has none). A stack with a ``common`` layer is
    read merged over that layer's ``layer.yml``; one composed with data layers (its ``data.orm``) also
    supports and implements the orm and migrations values those layers declare."""
    path = TEMPLATES_DIR / name / "layer.yml"
    spec = {}
    if path.is_file():
        status = path.stat()
        spec = copy.deepcopy(_parsed_layer_file(path, status.st_mtime_ns, status.st_size))
    if spec.get("common"):
        base = layer_spec(spec["common"])
        for key in ("id", "kind"):
            base.pop(key, None)
        spec = merged(base, spec)
    for data_name in ((spec.get("data") or {}).get("orm") or {}).values():
        data = layer_spec(data_name)
        supports = spec.setdefault("supports", {})
        implements = spec.setdefault("implements", {})
        for key in ("orm", "migrations"):
            if data.get(key) and data[key] not in supports.setdefault(key, []):
                supports[key].append(data[key])
            implements.setdefault(key, {}).update((data.get("implements") or {}).get(key) or {})
    return spec


@cache
def _parsed_layer_file(path: Path, mtime_ns: int, size: int) -> dict[str, Any]:
    """A layer.yml parsed once per version of the file: `new` reads every layer's twice, and parsing them
    all took half of its time. They are the tool's own files, so libyaml reads them (a test checks that it
    reads what the line-keeping parser reads). Callers get a copy (layer_spec), which they may change."""
    return load_yaml_fast(path) or {}


def merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` on top of ``base``: mappings merge key by key, any other value of ``over`` replaces."""
    out = dict(base)
    for key, value in over.items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def layer_exists(name: str) -> bool:
    return (TEMPLATES_DIR / name).is_dir()


@dataclass(frozen=True)
class Gap:
    """A decision no starter can generate, and the nearest value that one can."""

    key: str
    value: Any
    alternative: Any
    reason: str


def generation_gaps(decisions: dict[str, Any]) -> tuple[Layer | None, list[Gap]]:
    """The stack layer for (language, framework), and every decision it cannot generate (all at once)."""
    language, framework = decisions.get("language"), decisions.get("framework")
    stacks = layers_of("stack")
    match = [s for s in stacks if s.spec.get("language") == language and s.spec.get("framework") == framework]
    if not match:
        available = ", ".join(f"{s.spec.get('language')}/{s.spec.get('framework')}" for s in stacks)
        same_language = [s for s in stacks if s.spec.get("language") == language]
        nearest = (same_language or stacks)[0].spec
        gaps = [] if same_language else [
            Gap("language", language, nearest.get("language"), f"no starter template for {language} yet (available: {available})")
        ]
        gaps.append(Gap("framework", framework, nearest.get("framework"),
                        f"no starter template for {language}/{framework} yet (available: {available})"))
        return None, gaps
    stack = match[0]
    gaps = [
        Gap(key, decisions[key], allowed[0], f"the {stack.name} starter cannot generate {key}={decisions[key]} "
            f"(it supports {', '.join(allowed)})")
        for key, allowed in (stack.spec.get("supports") or {}).items()
        if decisions.get(key) is not None and decisions[key] not in allowed
    ]
    return stack, gaps + pairing_gaps(stack, decisions, {g.key for g in gaps})


def pairing_gaps(stack: Layer, decisions: dict[str, Any], known: set[str]) -> list[Gap]:
    """Values the stack supports one by one but not together: a data layer (``data.orm.<orm>``) that
    speaks fewer databases (its ``databases``) or writes its own migrations (its ``migrations``)."""
    data_name = ((stack.spec.get("data") or {}).get("orm") or {}).get(decisions.get("orm"))
    if not data_name or "orm" in known:
        return []
    data, orm, gaps = layer_spec(data_name), decisions["orm"], []
    databases = data.get("databases")
    database = decisions.get("database")
    if databases and database is not None and "database" not in known and database not in databases:
        gaps.append(Gap("database", database, databases[0], f"the {orm} data layer of {stack.name} cannot "
                        f"generate database={database} (it supports {', '.join(databases)})"))
    migrations = decisions.get("migrations")
    if data.get("migrations") and migrations is not None and "migrations" not in known and migrations != data["migrations"]:
        gaps.append(Gap("migrations", migrations, data["migrations"], f"with orm={orm}, {stack.name} generates "
                        f"migrations={data['migrations']}, not {migrations}"))
    return gaps


def select_stack(decisions: dict[str, Any]) -> Layer:
    """The stack layer for (language, framework), checked against what it supports; every gap in one error."""
    stack, gaps = generation_gaps(decisions)
    if gaps or stack is None:
        pins = " ".join(f"--set {g.key}={g.alternative}" for g in gaps)
        raise UnsupportedError(f"{'; '.join(g.reason for g in gaps)}; pin what a starter supports, e.g. {pins}")
    return stack


def capability_matrix() -> list[dict[str, Any]]:
    """Each stack layer, the decision values it generates (``supports`` and ``implements``) and what was run
    to verify it (``verified``), for ``backend-expert stacks``."""
    rows = []
    for layer in layers_of("stack"):
        spec = layer.spec
        generates: dict[str, list[Any]] = {k: list(v) for k, v in (spec.get("supports") or {}).items()}
        for key, values in (spec.get("implements") or {}).items():
            merged = generates.setdefault(key, [])
            merged.extend(v for v in values if v not in merged)
        rows.append({"stack": layer.name.split("/", 1)[1], "language": spec.get("language"),
                     "framework": spec.get("framework"), "generates": generates, "verified": spec.get("verified")})
    return rows
