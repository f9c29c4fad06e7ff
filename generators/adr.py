"""Architecture decision records: one Markdown file per decision, ``docs/adr/NNNN-<slug>.md``.

cookiecutter renders one output file per template file, so the ADR layer's template only holds the
index (``docs/adr/README.md``); the numbered records are written here from ``record.md.j2`` (stored
in the layer, outside the cookiecutter tree) with a plain Jinja environment. Every ADR value is
passed as data: a title such as ``{{ 7*7 }}`` appears literally.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import jinja2

from expert.render import TEMPLATES_DIR
from expert.render_filters import FILTERS

RECORD_TEMPLATE = TEMPLATES_DIR / "docs" / "adr" / "record.md.j2"
SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
REQUIRED = ("number", "slug", "title", "status", "date", "context", "decision")


def md_code(value: object) -> str:
    """An inline Markdown code span that holds any text, backticks included."""
    text = str(value)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def paragraphs(value: object) -> str:
    """Each non-blank line becomes its own Markdown paragraph (Markdown would join single lines)."""
    lines = [line.strip() for line in str(value).splitlines()]
    return "\n\n".join(line for line in lines if line) or "-"


def adr_filename(adr: Mapping[str, Any]) -> str:
    """``0001-use-fastapi.md``: the same name the layer's README index links to."""
    number = adr["number"]
    slug = str(adr["slug"])
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise ValueError(f"ADR number must be a positive integer, got {number!r}")
    if not SLUG_RE.fullmatch(slug):
        raise ValueError(f"ADR slug must match {SLUG_RE.pattern}, got {slug!r}")
    return f"{number:04d}-{slug}.md"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(RECORD_TEMPLATE.parent)),
        autoescape=False,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(FILTERS)
    env.filters["md_code"] = md_code
    env.filters["paragraphs"] = paragraphs
    return env


def _normalised(adr: Mapping[str, Any]) -> dict[str, Any]:
    missing = [key for key in REQUIRED if key not in adr]
    if missing:
        raise ValueError(f"ADR {adr.get('slug', '?')!r} lacks {', '.join(missing)}")
    return {
        "title": str(adr["title"]),
        "status": str(adr["status"]),
        "date": str(adr["date"]),
        "context": str(adr["context"]),
        "decision": str(adr["decision"]),
        "consequences": [str(item) for item in adr.get("consequences") or []],
        "alternatives": [str(item) for item in adr.get("alternatives") or []],
        "rules": [str(item) for item in adr.get("rules") or []],
    }


def render_adr(adr: Mapping[str, Any]) -> str:
    """The Markdown text of one record."""
    adr_filename(adr)  # validates number and slug
    template = _environment().get_template(RECORD_TEMPLATE.name)
    return template.render(number=f"{adr['number']:04d}", adr=_normalised(adr))


def adr_documents(adrs: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """``{"docs/adr/NNNN-<slug>.md": text}`` for every ADR, in number order, for the project writer.

    Refuses duplicate numbers or file names (ValueError) before rendering anything. Deterministic:
    same ADRs, same text."""
    records = sorted(adrs, key=lambda adr: adr["number"])
    names = [adr_filename(adr) for adr in records]
    numbers = [adr["number"] for adr in records]
    if len(set(numbers)) != len(numbers) or len(set(names)) != len(names):
        raise ValueError(f"duplicate ADR numbers or names in {names}")
    return {f"docs/adr/{name}": render_adr(adr) for name, adr in zip(names, records, strict=True)}
