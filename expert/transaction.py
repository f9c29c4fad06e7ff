"""Commit a staged project into its destination: all or nothing, and never an emptied or half-written file.

The staged tree (``WORK/project``) is on the destination's file system and every staged file is fsync'd before
the commit. The commit is a list of operations, each atomic on its own:

- ``mkdir``    make a folder the project needs;
- ``new``      hard-link the staged file to its name (fails if a file appeared there: nothing is overwritten);
- ``replace``  keep the file in place as a backup by hard-linking it to ``NAME.orig`` (fails if that name exists:
               an existing backup is never overwritten), then rename the staged file over ``NAME`` (``os.replace``).

So every name holds, at every moment, either its old bytes or its complete new bytes, and the user's bytes are
never copied or rewritten (the backup is the same inode). The operations are written to ``WORK/journal``
(fsync'd) before the first one runs; the journal is removed once the last one has run and the folders it
touched are fsync'd. A run killed in between leaves the journal, and the next run undoes each operation from the
state of the file system (:func:`rollback`), the same way a failed commit undoes itself at once.
Where hard links are not supported (some FAT and network file systems) the same steps are renames, made only
after checking that the name is free.
"""

from __future__ import annotations

import errno
import filecmp
import json
import os
import stat
from dataclasses import asdict, dataclass
from pathlib import Path

from expert.destination import JOURNAL_NAME, OutputError
from expert.messages import COMMON, Text, reason, table, text

#: the staged tree's folder in a run's work folder
STAGED = "project"
BACKUP_SUFFIX = ".orig"
JOURNAL_VERSION = 1
#: errors of ``link()`` that mean "this file system (or this file) cannot be hard-linked", not "it failed"
_NO_HARD_LINKS = {errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP}

#: the commit's refusals and failures, in the user's language (the CLI's error printer renders them)
TEXTS = table("transaction", {
    "symlink": {"en": "{path} is a symbolic link: refusing to write through it",
                "fr": "{path} est un lien symbolique : refus d'écrire au travers"},
    "file_not_folder": {"en": "{path} is a file in the destination, the project needs a folder there",
                        "fr": "{path} est un fichier de la destination, le projet a besoin d'un dossier à cet endroit"},
    "folder_not_file": {"en": "{path} is a directory in the destination, the project needs a file there",
                        "fr": "{path} est un dossier de la destination, le projet a besoin d'un fichier à cet endroit"},
    "appeared": {"en": "{path} appeared during generation: use --force to write into a non-empty folder",
                 "fr": "{path} est apparu pendant la génération : utilisez --force pour écrire dans un dossier non vide"},
    "undo_failed": {"en": "could not write into {dest} ({failure}) and undoing it failed too ({error}): the next run "
                          "into {dest} finishes undoing it",
                    "fr": "impossible d'écrire dans {dest} ({failure}) et l'annulation a échoué elle aussi ({error}) : "
                          "la prochaine exécution dans {dest} finira de l'annuler"},
    "bad_journal": {"en": "{journal}: unreadable journal of an interrupted run ({error}); check {dest} and remove {work}",
                    "fr": "{journal} : journal illisible d'une exécution interrompue ({error}) ; vérifiez {dest} et "
                          "supprimez {work}"},
})


@dataclass(frozen=True)
class Op:
    kind: str  # "mkdir" | "new" | "replace"
    path: str  # relative to the destination, with "/"
    backup: str | None = None


def plan(project: Path, dest: Path, files: list[str], force: bool) -> list[Op]:
    """The operations that put ``files`` (staged under ``project``) into ``dest``; refuses what would write
    through a symbolic link, replace a folder with a file, or (without ``force``) replace anything."""
    ops: list[Op] = []
    folders: set[str] = set()
    taken = set(files)
    for rel in files:
        parts = rel.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder not in folders:
                folders.add(folder)
                ops.extend(_folder_op(dest, folder))
        op = _file_op(project, dest, rel, force, taken)
        if op is not None:
            ops.append(op)
            if op.backup:
                taken.add(op.backup)
    return ops


def _folder_op(dest: Path, folder: str) -> list[Op]:
    st = _lstat(dest / folder)
    if st is None:
        return [Op("mkdir", folder)]
    if stat.S_ISLNK(st.st_mode):
        raise OutputError(text(TEXTS, "symlink", path=dest / folder))
    if not stat.S_ISDIR(st.st_mode):
        raise OutputError(text(TEXTS, "file_not_folder", path=dest / folder))
    return []


def _file_op(project: Path, dest: Path, rel: str, force: bool, taken: set[str]) -> Op | None:
    target = dest / rel
    st = _lstat(target)
    if st is None:
        return Op("new", rel)
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(text(TEXTS, "folder_not_file", path=target))
    if not force:
        raise OutputError(text(TEXTS, "appeared", path=target))
    if _same(project / rel, target, st):
        return None  # already these bytes: nothing to replace, nothing to back up
    return Op("replace", rel, _backup_name(dest, rel, taken))


def _same(staged: Path, target: Path, st: os.stat_result) -> bool:
    if not stat.S_ISREG(st.st_mode):
        return False
    new = staged.stat()
    return stat.S_IMODE(new.st_mode) == stat.S_IMODE(st.st_mode) and filecmp.cmp(staged, target, shallow=False)


def _backup_name(dest: Path, rel: str, taken: set[str]) -> str:
    """``NAME.orig``, else ``NAME.1.orig``, ``NAME.2.orig``...: the first name that is free."""
    candidate, n = rel + BACKUP_SUFFIX, 0
    while candidate in taken or os.path.lexists(dest / candidate):
        n += 1
        candidate = f"{rel}.{n}{BACKUP_SUFFIX}"
    return candidate


def commit(ops: list[Op], project: Path, dest: Path, work: Path) -> None:
    """Run ``ops``, journaled; on any failure undo them and raise OSError (the destination is as it was)."""
    _fsync_staged(project, ops)
    journal = work / JOURNAL_NAME
    _write_journal(journal, ops)
    try:
        for op in ops:
            _apply(op, project, dest)
        _fsync_folders(dest, ops)
    except OSError as failure:
        try:
            rollback(ops, project, dest)
        except OSError as exc:
            raise OutputError(text(TEXTS, "undo_failed", dest=dest, failure=_reason(failure), error=_reason(exc))) from None
        journal.unlink()
        raise
    journal.unlink()


def _reason(exc: OSError) -> Text | str:
    """``file: reason`` (the system's reason in the user's language when it is a common one)."""
    why = reason(exc)
    return text(COMMON, "located", where=exc.filename, message=why) if exc.filename else why


def _apply(op: Op, project: Path, dest: Path) -> None:
    target = dest / op.path
    if op.kind == "mkdir":
        os.mkdir(target, stat.S_IMODE(os.lstat(project / op.path).st_mode))
    elif op.kind == "new":
        _link_or_move(project / op.path, target)
    else:
        _link_or_move(target, dest / str(op.backup))
        os.replace(project / op.path, target)


def _link_or_move(src: Path, dst: Path) -> None:
    """Give ``src``'s file the name ``dst`` too (never replacing an existing ``dst``), or move it if the file
    system has no hard links."""
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        if os.path.lexists(dst):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(dst)) from None
        os.rename(src, dst)


def rollback(ops: list[Op], project: Path, dest: Path) -> None:
    """Undo whatever part of ``ops`` ran, judging each from the file system (a staged file that is gone was
    renamed into place); the user's files get their names back, folders made by the commit are removed if empty."""
    for op in reversed(ops):
        target = dest / op.path
        staged = project / op.path
        if op.kind == "mkdir":
            _rmdir_if_empty(target)
        elif op.kind == "new":
            if _lstat(target) is not None and (_lstat(staged) is None or _samefile(staged, target)):
                target.unlink()
        else:
            _undo_replace(staged, target, dest / str(op.backup))


def _undo_replace(staged: Path, target: Path, backup: Path) -> None:
    if _lstat(backup) is None:
        return  # the backup was never made, so nothing after it was done either
    if _lstat(staged) is None:
        os.replace(backup, target)  # the new file was renamed in: the user's file takes its name back
    elif _lstat(target) is None:
        os.rename(backup, target)  # moved aside (no hard links) but not yet replaced
    elif _samefile(backup, target):
        backup.unlink()  # only the backup link was made


def _rmdir_if_empty(folder: Path) -> None:
    try:
        os.rmdir(folder)
    except FileNotFoundError:
        pass
    except OSError as exc:
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR):
            raise


def recover(work: Path, dest: Path) -> bool:
    """Undo the commit an earlier run left half-done in ``work`` (if it left a journal); True if there was one."""
    journal = work / JOURNAL_NAME
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        if data.get("version") != JOURNAL_VERSION:
            raise ValueError(f"format version {data.get('version')!r}, this version reads {JOURNAL_VERSION}")
        ops = [Op(**item) for item in data["ops"]]
    except FileNotFoundError:
        return False
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise OutputError(text(TEXTS, "bad_journal", journal=journal, error=exc, dest=dest, work=work)) from None
    rollback(ops, work / STAGED, dest)
    journal.unlink()
    return True


def _write_journal(journal: Path, ops: list[Op]) -> None:
    part = journal.with_name(journal.name + ".part")
    payload = json.dumps({"version": JOURNAL_VERSION, "ops": [asdict(op) for op in ops]}).encode("utf-8")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        os.write(fd, payload)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(part, journal)
    _fsync_path(journal.parent)


def _fsync_staged(project: Path, ops: list[Op]) -> None:
    for op in ops:
        if op.kind != "mkdir":
            _fsync_path(project / op.path)


def _fsync_folders(dest: Path, ops: list[Op]) -> None:
    folders = {dest} | {(dest / op.path).parent for op in ops}
    for folder in sorted(folders):
        _fsync_path(folder)


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _samefile(a: Path, b: Path) -> bool:
    sa, sb = _lstat(a), _lstat(b)
    return sa is not None and sb is not None and (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)
