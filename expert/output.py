"""Write a Blueprint into its destination: render everything in a temporary tree, check it, then move.

Guarantees: nothing is written outside the destination; a non-empty destination is refused unless
``force``; even then no file the templates do not produce is touched; a failure at any step leaves the
destination as it was (new files removed, overwritten files restored).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from expert.generators.blueprint import Blueprint
from expert.render import RenderError, render_layers


class OutputError(Exception):
    """The project could not be written; the destination is unchanged."""


@dataclass
class WriteReport:
    files: list[str] = field(default_factory=list)
    overwritten: list[str] = field(default_factory=list)


def _existing_ancestor(path: Path) -> Path:
    for parent in [path, *path.parents]:
        if parent.exists():
            return parent
    return Path.cwd()


def build_tree(blueprint: Blueprint, root: Path) -> list[str]:
    """Render layers and computed documents into ``root`` (new); return the relative file list."""
    try:
        render_layers(blueprint.layers, root)
    except (RenderError, OSError) as exc:
        raise OutputError(f"rendering failed: {exc}") from None
    for rel, text in blueprint.documents.items():
        target = root / rel
        if target.exists():
            raise OutputError(f"a computed document collides with a template file: {rel}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def check_tree(root: Path) -> None:
    """Run the fast in-process validators; any failure aborts before the destination is touched."""
    from expert.validate import fast_checks

    failures = [r for r in fast_checks(root) if r.status == "fail"]
    if failures:
        first = failures[0]
        raise OutputError(f"the generated project fails its own check: {first.artifact}: {first.validator}: {first.detail}")


def write_project(blueprint: Blueprint, dest: Path, force: bool = False) -> WriteReport:
    dest = Path(os.path.abspath(dest))
    if dest.exists() and not dest.is_dir():
        raise OutputError(f"{dest} exists and is not a directory")
    if dest.is_dir() and any(dest.iterdir()) and not force:
        raise OutputError(f"{dest} is not empty: use --force to write into it (no file of yours is deleted)")
    anchor = _existing_ancestor(dest.parent)
    with tempfile.TemporaryDirectory(prefix=".backend-expert-", dir=anchor) as tmp:
        root = Path(tmp) / "project"
        root.mkdir()
        files = build_tree(blueprint, root)
        check_tree(root)
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.rename(root, dest)
            return WriteReport(files=files)
        return _merge(root, dest, files, Path(tmp) / "backup")


def _merge(root: Path, dest: Path, files: list[str], backup: Path) -> WriteReport:
    """Copy the rendered files over an existing folder, all or nothing."""
    report = WriteReport(files=files)
    created: list[Path] = []
    created_dirs: list[Path] = []
    saved: list[tuple[Path, Path]] = []
    try:
        for rel in files:
            target = dest / rel
            if target.is_dir():
                raise OutputError(f"{target} is a directory in the destination, the project needs a file there")
            for parent in reversed(target.relative_to(dest).parents):
                folder = dest / parent
                if folder.is_symlink():
                    raise OutputError(f"{folder} is a symbolic link: refusing to write through it")
                if not folder.exists():
                    folder.mkdir()
                    created_dirs.append(folder)
            if target.exists() or target.is_symlink():
                keep = backup / rel
                keep.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(target, keep, follow_symlinks=False)
                saved.append((keep, target))
                target.unlink()
                report.overwritten.append(rel)
            else:
                created.append(target)
            shutil.copy2(root / rel, target)
    except (OSError, OutputError) as exc:
        for path in created:
            path.unlink(missing_ok=True)
        for keep, target in saved:
            target.unlink(missing_ok=True)
            shutil.copy2(keep, target, follow_symlinks=False)
        for folder in reversed(created_dirs):
            shutil.rmtree(folder, ignore_errors=True)
        raise OutputError(f"could not write into {dest}: {exc}; the destination was left as it was") from None
    return report
