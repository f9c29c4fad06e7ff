"""Three-way merge of one file: the pristine version of the last generation (base), the user's (ours) and the
new render's (theirs). Text merges are git's (``git merge-file``), never a hand-written diff3.

Per file: untouched by the user -> the new version; changed only by the user -> kept; changed by both -> merged,
with standard conflict markers (``<<<<<<< yours`` / ``=======`` / ``>>>>>>> backend-expert``) where both changed
the same lines; deleted by the user -> stays deleted; removed from the template -> removed if untouched, kept if
edited. A binary file (a NUL byte in its first 8000 bytes, git's test) is never merged textually: the user's stays.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from expert.messages import Text, table, text
from expert.pristine import UpdateError, Version

#: the plan's groups, in the order they are printed
GROUPS = ("added", "updated", "merged", "conflicted", "removed", "kept")
#: labels of the conflict markers: the user's side, the common ancestor, the tool's side
OURS_LABEL, BASE_LABEL, THEIRS_LABEL = "yours", "pristine", "backend-expert"

#: why a file is kept or conflicted (the plan's notes), and the merge's refusals
TEXTS = table("merge", {
    "not_regular": {"en": "not a regular file in your tree: left alone",
                    "fr": "pas un fichier ordinaire dans votre arborescence : laissé tel quel"},
    "deleted_by_you": {"en": "deleted by you: stays deleted", "fr": "supprimé par vous : reste supprimé"},
    "changed_by_you": {"en": "changed only by you", "fr": "modifié par vous seul"},
    "removed_edited": {"en": "removed from the template, but you edited it: kept",
                       "fr": "retiré du modèle, mais vous l'avez modifié : gardé"},
    "binary": {"en": "binary file changed by you and by the template: yours kept, not merged",
               "fr": "fichier binaire modifié par vous et par le modèle : le vôtre est gardé, non fusionné"},
    "added_both": {"en": "added by you and by the template: {count} conflict(s) marked in the file",
                   "fr": "ajouté par vous et par le modèle : {count} conflit(s) marqué(s) dans le fichier"},
    "changed_both": {"en": "changed by you and by the template: {count} conflict(s) marked in the file",
                     "fr": "modifié par vous et par le modèle : {count} conflit(s) marqué(s) dans le fichier"},
    "needs_git": {"en": "merging a file you and the template both changed needs git (git merge-file): install git",
                  "fr": "fusionner un fichier que vous et le modèle avez modifié demande git (git merge-file) : "
                        "installez git"},
    "merge_failed": {"en": "git merge-file failed: {reason}", "fr": "échec de git merge-file : {reason}"},
})


@dataclass(frozen=True)
class Outcome:
    """What happens to one path. ``result`` is what the working tree will hold for added, updated, merged and
    conflicted files; removed deletes the file; kept and unchanged leave it as it is."""

    path: str
    action: str  # one of GROUPS, or "unchanged"
    result: Version | None = None
    note: str | Text = ""


def is_binary(data: bytes) -> bool:
    return b"\x00" in data[:8000]


def decide(path: str, base: Version | None, ours: Version | None, theirs: Version | None, scratch: Path,
           ours_is_file: bool = True) -> Outcome:
    """The outcome for ``path`` given its three versions (None: absent); ``scratch`` holds merge inputs.
    ``ours_is_file`` is False when the working tree has something else there (a folder, a symbolic link)."""
    if not ours_is_file:
        return Outcome(path, "kept", note=text(TEXTS, "not_regular"))
    if theirs is None:
        return _removed_from_template(path, base, ours)
    if ours is None:
        if base is None:
            return Outcome(path, "added", theirs)
        return Outcome(path, "kept", note=text(TEXTS, "deleted_by_you"))
    if ours == theirs:
        return Outcome(path, "unchanged")
    if base is not None and ours == base:
        return Outcome(path, "updated", theirs)
    if base is not None and theirs == base:
        return Outcome(path, "kept", note=text(TEXTS, "changed_by_you"))
    return _both_changed(path, base, ours, theirs, scratch)


def _removed_from_template(path: str, base: Version | None, ours: Version | None) -> Outcome:
    if ours is None or base is None:
        return Outcome(path, "unchanged")  # gone already, or a file of the user's the templates never had
    if ours == base:
        return Outcome(path, "removed")
    return Outcome(path, "kept", note=text(TEXTS, "removed_edited"))


def _both_changed(path: str, base: Version | None, ours: Version, theirs: Version, scratch: Path) -> Outcome:
    if any(is_binary(v.data) for v in (base, ours, theirs) if v is not None):
        return Outcome(path, "kept", note=text(TEXTS, "binary"))
    executable = ours.executable if base is not None and ours.executable != base.executable else theirs.executable
    merged, conflicts = merge_text(base.data if base is not None else b"", ours.data, theirs.data, scratch)
    result = Version(merged, executable)
    if conflicts:
        note = text(TEXTS, "added_both" if base is None else "changed_both", count=conflicts)
        return Outcome(path, "conflicted", result, note)
    if merged == ours.data and executable == ours.executable:
        return Outcome(path, "unchanged")
    return Outcome(path, "merged", result)


def merge_text(base: bytes, ours: bytes, theirs: bytes, scratch: Path) -> tuple[bytes, int]:
    """``git merge-file`` of the three versions: (merged bytes, number of conflicts). The conflict style is
    fixed to git's default (two sides), whatever the user's git configuration says."""
    with tempfile.TemporaryDirectory(dir=scratch, prefix="merge-") as tmp:
        names = []
        for name, data in (("ours", ours), ("base", base), ("theirs", theirs)):
            (Path(tmp) / name).write_bytes(data)
            names.append(str(Path(tmp) / name))
        cmd = ["git", "-c", "merge.conflictStyle=merge", "merge-file", "-p",
               "-L", OURS_LABEL, "-L", BASE_LABEL, "-L", THEIRS_LABEL, *names]
        try:
            proc = subprocess.run(cmd, capture_output=True, check=False, timeout=120)
        except FileNotFoundError:
            raise UpdateError(text(TEXTS, "needs_git")) from None
    if proc.returncode < 0 or proc.returncode >= 127:
        reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UpdateError(text(TEXTS, "merge_failed", reason=reason[0] if reason else proc.returncode))
    return proc.stdout, proc.returncode
