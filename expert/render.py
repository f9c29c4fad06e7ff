"""Render template layers with cookiecutter into one tree (the caller checks it and moves it into place).

User values are passed as a prepared context to cookiecutter's lower-level ``generate_files``: they are
data, never rendered as templates (cookiecutter's prompt stage would render them).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cookiecutter.exceptions import CookiecutterException, UndefinedVariableInTemplate
from cookiecutter.generate import generate_files
from jinja2 import BytecodeCache, TemplateError
from jinja2.bccache import Bucket

from expert.paths import TEMPLATES_DIR

EXTENSIONS = ["expert.render_filters.EscapeExtension"]


class _ProcessBytecodeCache(BytecodeCache):
    """Compiled templates kept for the process. cookiecutter builds a new Jinja environment for every
    layer it renders, so each template was compiled again each time (``new`` renders a stack's layers for
    the names check, then for the project): compiling took most of the rendering. Jinja checks each
    entry against its template's source checksum, so an edited template is compiled afresh."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._compiled:
            bucket.bytecode_from_string(self._compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = _ProcessBytecodeCache()


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
    cc.setdefault("lang", "en")  # the language of the documents a layer writes (a README picks its French sibling)
    cc.setdefault("_extensions", EXTENSIONS)
    cc.setdefault("_copy_without_render", [])
    cc.setdefault("_jinja2_env_vars", {"bytecode_cache": _BYTECODE})
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        root = generate_files(
            repo_dir=str(layer_dir),
            context={"cookiecutter": cc},
            output_dir=str(out_dir),
            overwrite_if_exists=False,
            accept_hooks=False,
        )
    except UndefinedVariableInTemplate as exc:  # its str() carries the whole context: keep the cause only
        raise RenderError(f"template layer {layer} failed to render: {exc.error.message}") from None
    except (CookiecutterException, TemplateError) as exc:
        raise RenderError(f"template layer {layer} failed to render: {_first_line(exc)}") from None
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, ArithmeticError) as exc:
        # a template that breaks on some input is a bug of this tool: one line that says so, not a traceback
        raise RenderError(
            f"template layer {layer} failed to render ({type(exc).__name__}: {_first_line(exc)}); "
            "this is a bug of backend-expert: please report it with your answers file"
        ) from None
    return Path(root)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


def render_layers(layers: list[tuple[str, Mapping[str, Any]]], dest_root: Path, scratch: Path | None = None) -> None:
    """Render every layer into ``dest_root`` (which must not exist), refusing two layers writing one file.

    Each layer is rendered into its own folder under ``scratch`` (the caller's work folder, which the caller
    removes), or, without one, under a temporary folder beside ``dest_root``: never in the system temporary
    folder, where an interrupted run would leave it unseen.
    """
    if scratch is not None:
        _render_into(layers, dest_root, scratch)
        return
    with tempfile.TemporaryDirectory(prefix=".backend-expert-layers-", dir=dest_root.parent) as tmp:
        _render_into(layers, dest_root, Path(tmp))


def _render_into(layers: list[tuple[str, Mapping[str, Any]]], dest_root: Path, scratch: Path) -> None:
    for index, (layer, context) in enumerate(layers):
        rendered = render_layer(layer, context, scratch / str(index))
        for src in sorted(p for p in rendered.rglob("*") if p.is_file() or p.is_symlink()):
            rel = src.relative_to(rendered)
            if "__pycache__" in rel.parts or rel.suffix == ".pyc":
                continue  # pip byte-compiles the installed templates' .py files: never ship that
            target = dest_root / rel
            if target.exists():
                raise RenderError(f"layers collide on {rel} ({layer})")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
