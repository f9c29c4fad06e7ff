"""Render template layers with cookiecutter into a temporary tree, then move it into place atomically.

User values are passed as a prepared context to cookiecutter's lower-level ``generate_files``: they are
data, never rendered as templates (cookiecutter's prompt stage would render them).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cookiecutter.exceptions import CookiecutterException
from cookiecutter.generate import generate_files
from jinja2 import TemplateError

TEMPLATES_DIR = Path(__file__).parent / "templates"
EXTENSIONS = ["expert.render_filters.EscapeExtension"]


class RenderError(Exception):
    """A layer could not be rendered, or two layers wrote the same file."""


def render_layer(layer: str, context: Mapping[str, Any], out_dir: Path) -> Path:
    """Render one layer (e.g. ``stack/python-fastapi``) into ``out_dir``; return the rendered root.

    The layer folder holds one directory named ``{{cookiecutter.project_slug}}`` (the tree to render),
    and optionally ``layer.yml`` describing it.
    """
    layer_dir = TEMPLATES_DIR / layer
    if not layer_dir.is_dir():
        raise RenderError(f"no template layer named {layer!r}")
    cc = dict(context)
    cc.setdefault("_extensions", EXTENSIONS)
    cc.setdefault("_copy_without_render", [])
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        root = generate_files(
            repo_dir=str(layer_dir),
            context={"cookiecutter": cc},
            output_dir=str(out_dir),
            overwrite_if_exists=False,
            accept_hooks=False,
        )
    except (CookiecutterException, TemplateError) as exc:
        raise RenderError(f"template layer {layer} failed to render: {exc}") from None
    return Path(root)


def render_layers(layers: list[tuple[str, Mapping[str, Any]]], dest_root: Path) -> None:
    """Render every layer into ``dest_root`` (which must not exist), refusing two layers writing one file."""
    with tempfile.TemporaryDirectory(prefix="backend-expert-") as tmp:
        for index, (layer, context) in enumerate(layers):
            rendered = render_layer(layer, context, Path(tmp) / str(index))
            for src in sorted(p for p in rendered.rglob("*") if p.is_file() or p.is_symlink()):
                rel = src.relative_to(rendered)
                if "__pycache__" in rel.parts or rel.suffix == ".pyc":
                    continue  # pip byte-compiles the installed templates' .py files: never ship that
                target = dest_root / rel
                if target.exists():
                    raise RenderError(f"layers collide on {rel} ({layer})")
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, target)
