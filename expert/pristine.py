"""The pristine tree of a project's last generation, stored in the project as one deterministic archive.

``backend-expert update`` merges three trees: this one (what the tool generated last time), the user's working
tree, and the new render. The pristine tree is stored when the project is written, never re-rendered later
(an old template version may no longer render, or render differently). The archive is a gzip'd tar with
sorted entries, fixed times and owners and no file name in the gzip header, so the same generation gives the
same bytes and a team's history shows no churn: ``manifest.json`` (format, tool version, language of the
documents) then ``files/<path>`` for every generated file, mode 0644 or 0755.
"""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from expert import __version__
from expert.messages import LocalizedError, table, text

ARCHIVE = ".backend-expert/pristine.tar.gz"
#: what the archive is and how to update, beside it (written by the tool, never merged)
STATE_README = ".backend-expert/README.md"
FORMAT = 1
_MANIFEST = "manifest.json"
_FILES = "files/"
#: refuse an archive that would expand into more than this (a generated starter is well under 10 MB)
MAX_TOTAL_BYTES = 256 * 1024 * 1024


TEXTS = table("pristine", {
    "damaged": {"en": "{path}: damaged pristine archive ({error}); restore it from your history (git checkout -- {archive})",
                "fr": "{path} : archive d'origine endommagée ({error}) ; restaurez-la depuis votre historique "
                      "(git checkout -- {archive})"},
})


class UpdateError(LocalizedError):
    """A project cannot be updated as asked; the message is one line and nothing was written."""


@dataclass(frozen=True)
class Version:
    """One version of a file: its bytes and whether it is executable."""

    data: bytes
    executable: bool = False


@dataclass
class Pristine:
    files: dict[str, Version]
    meta: dict[str, Any] = field(default_factory=dict)


def archive_bytes(files: dict[str, Version], meta: dict[str, Any]) -> bytes:
    """The archive of ``files`` (relative posix path -> version) with ``meta`` merged into its manifest."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        manifest = {"format": FORMAT, "tool_version": __version__, **meta}
        _add(tar, _MANIFEST, Version(json.dumps(manifest, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n"))
        for rel in sorted(files):
            _add(tar, _FILES + rel, files[rel])
    packed = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=packed, compresslevel=9, mtime=0) as gz:
        gz.write(raw.getvalue())
    return packed.getvalue()


def _add(tar: tarfile.TarFile, name: str, version: Version) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(version.data)
    info.mode = 0o755 if version.executable else 0o644
    info.mtime = 0
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    tar.addfile(info, io.BytesIO(version.data))


def read_tree(root: Path, files: list[str]) -> dict[str, Version]:
    """The versions of ``files`` (relative to ``root``) as they are on disk."""
    return {rel: read_version(root / rel) for rel in files}


def read_version(path: Path) -> Version:
    return Version(path.read_bytes(), bool(path.stat().st_mode & 0o100))


def write_state(root: Path, files: list[str], lang: str | None) -> list[str]:
    """Store the pristine copy of ``files`` (a freshly rendered tree under ``root``) and its README in ``root``;
    return their relative paths (files of the tree from now on). ``lang``: the language of the documents."""
    data = archive_bytes(read_tree(root, files), {"lang": lang} if lang else {})
    (root / ARCHIVE).parent.mkdir(parents=True, exist_ok=True)
    (root / ARCHIVE).write_bytes(data)
    (root / STATE_README).write_text(state_readme(lang), encoding="utf-8")
    return [ARCHIVE, STATE_README]


def state_readme(lang: str | None) -> str:
    """The README of the tool's folder in a project: what the archive is, and how to update."""
    if lang == "fr":
        return (
            "# .backend-expert\n\n"
            "`pristine.tar.gz` est la copie exacte de ce que backend-expert a généré la dernière fois (octets "
            "déterministes : elle ne change que si la génération change). `backend-expert update` s'en sert comme "
            "ancêtre commun pour fusionner la nouvelle version dans vos fichiers : gardez-la dans git, ne la "
            "modifiez pas.\n\n"
            "    backend-expert update --dry-run          # le plan et le diff, rien n'est écrit\n"
            "    backend-expert update --set cache=redis  # ou --answers nouvelles-reponses.yml\n\n"
            "Fichiers non modifiés par vous : remplacés ; modifiés par vous seul : gardés ; par vous et par le "
            "modèle : fusionnés (conflits marqués `<<<<<<< yours` / `>>>>>>> backend-expert`, code de sortie 3). "
            "Les migrations existantes ne sont jamais réécrites ; un modèle changé ajoute une nouvelle migration.\n"
        )
    return (
        "# .backend-expert\n\n"
        "`pristine.tar.gz` is the exact copy of what backend-expert generated last time (deterministic bytes: it "
        "changes only when the generation does). `backend-expert update` uses it as the common ancestor when it "
        "merges a new version into your files: keep it in git, do not edit it.\n\n"
        "    backend-expert update --dry-run          # the plan and the diff, nothing written\n"
        "    backend-expert update --set cache=redis  # or --answers new-answers.yml\n\n"
        "Files you did not change are replaced; files only you changed are kept; files both you and the template "
        "changed are merged (conflicts marked `<<<<<<< yours` / `>>>>>>> backend-expert`, exit status 3). "
        "Existing migrations are never rewritten; a changed model adds a new migration.\n"
    )


def read_archive(project: Path) -> Pristine | None:
    """The pristine tree stored in ``project``, or None if it has none; refuses a damaged or hostile archive."""
    path = project / ARCHIVE
    if not path.is_file():
        return None
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            return _read_members(tar, path)
    except (tarfile.TarError, OSError, EOFError, ValueError, UnicodeDecodeError) as exc:
        raise UpdateError(text(TEXTS, "damaged", path=path, error=exc, archive=ARCHIVE)) from None


def _read_members(tar: tarfile.TarFile, path: Path) -> Pristine:
    pristine = Pristine({})
    total = 0
    for member in tar:
        if not member.isreg():
            raise ValueError(f"{member.name!r} is not a regular file")
        total += member.size
        if total > MAX_TOTAL_BYTES:
            raise ValueError(f"more than {MAX_TOTAL_BYTES // (1024 * 1024)} MB of files")
        handle = tar.extractfile(member)
        data = handle.read() if handle else b""
        if member.name == _MANIFEST:
            pristine.meta = json.loads(data.decode("utf-8"))
        elif member.name.startswith(_FILES):
            rel = safe_path(member.name[len(_FILES):])
            pristine.files[rel] = Version(data, bool(member.mode & 0o100))
        else:
            raise ValueError(f"unexpected entry {member.name!r}")
    if pristine.meta.get("format") != FORMAT:
        raise ValueError(f"format {pristine.meta.get('format')!r}, this version reads {FORMAT}")
    return pristine


def safe_path(rel: str) -> str:
    """``rel`` if it names a file inside a project (relative, no ``..``, not in ``.git``); ValueError otherwise."""
    parts = rel.split("/")
    if "\\" in rel or "\x00" in rel or any(p in ("", ".", "..") for p in parts) or parts[0] == ".git":
        raise ValueError(f"unsafe path {rel!r}")
    return rel
