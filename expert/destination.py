"""The destination folder of a run: checked, created if missing, locked, with ONE private work folder inside.

Everything written before the commit lives in ``DEST/.backend-expert-<pid>.tmp``: inside the destination, so
the commit is made of renames and hard links on one file system and one mount (a destination that is a mount
point works), and never in the system temporary folder, where an interrupted run would leave it unseen.
The run holds an exclusive ``flock`` on ``DEST/.backend-expert-run.lock`` from before its work folder is made
until after it is removed, so any work folder found while holding the lock belongs to a run that was killed
(SIGKILL, power loss): the pid in its name says which, and the next run undoes its commit journal, if any, and
removes it. The lock file itself is removed when the run ends.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

LOCK_NAME = ".backend-expert-run.lock"
WORK_RE = re.compile(r"\.backend-expert-(\d+)\.tmp")
JOURNAL_NAME = "journal"
_LOCK_ATTEMPTS = 5


class OutputError(Exception):
    """The project could not be written; the message is one line and says what happened to the destination."""


def describe(exc: OSError, action: str, path: str | os.PathLike[str]) -> str:
    """One line for an OSError: what could not be done, to which path, and the system's reason."""
    reason = os.strerror(exc.errno) if exc.errno else str(exc)
    return f"cannot {action} {path}: {reason}"


def work_name(pid: int) -> str:
    return f".backend-expert-{pid}.tmp"


def is_ours(name: str) -> bool:
    """A name this tool uses inside a destination while it runs."""
    return name == LOCK_NAME or WORK_RE.fullmatch(name) is not None


def check_destination(dest: Path) -> Path:
    """Refuse a destination that cannot be a project folder; return it absolute. Reads only, writes nothing."""
    text = os.fspath(dest)
    if "\x00" in text:
        raise OutputError("the destination path contains a NUL character")
    path = Path(os.path.abspath(text))
    if path.parent == path:
        raise OutputError(f"refusing to generate into {path}, the file system root")
    inside = next((part for part in path.parts if is_ours(part)), None)
    if inside:
        raise OutputError(f"{dest} is inside a backend-expert work folder ({inside}): choose another destination")
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return path
    except NotADirectoryError:
        raise OutputError(f"cannot create {dest}: {_file_ancestor(path)} is a file, not a folder") from None
    except OSError as exc:
        raise OutputError(describe(exc, "use", dest)) from None
    if stat.S_ISLNK(st.st_mode):
        raise OutputError(f"{dest} is a symbolic link (to {os.readlink(path)}): refusing to write through it; give the folder it points to")
    if not stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{dest} exists and is not a directory")
    return path


def _file_ancestor(path: Path) -> Path:
    """The first ancestor of ``path`` that exists and is not a folder."""
    for parent in reversed(path.parents):
        if parent.exists() and not parent.is_dir():
            return parent
    return path.parent


def user_entries(path: Path) -> list[str]:
    """The names in the destination folder that are not this tool's (none if it does not exist)."""
    try:
        return sorted(name for name in os.listdir(path) if not is_ours(name))
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise OutputError(describe(exc, "read", path)) from None


def stale_work(path: Path) -> list[tuple[str, Path]]:
    """(pid, folder) of the work folders in the destination: while holding the lock, those of killed runs."""
    try:
        found = ((WORK_RE.fullmatch(name), name) for name in os.listdir(path))
        return sorted((match.group(1), path / name) for match, name in found if match)
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise OutputError(describe(exc, "read", path)) from None


@dataclass
class Destination:
    """An opened destination: created folders (to remove if nothing was committed), the lock, the work folder."""

    path: Path
    shown: str
    created: list[Path] = field(default_factory=list)
    dir_fd: int = -1
    lock_fd: int = -1
    work: Path | None = None
    committed: bool = False

    @classmethod
    def open(cls, path: Path, shown: str) -> Destination:
        """Create the missing folders up to ``path`` and take its lock; undo both on failure."""
        dest = cls(path, shown)
        try:
            dest._make_folders()
            dest.dir_fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
            dest.lock_fd = _lock(dest.dir_fd, shown)
        except OSError as exc:
            dest.close()
            raise OutputError(describe(exc, "write into", shown)) from None
        except BaseException:
            dest.close()
            raise
        return dest

    def _make_folders(self) -> None:
        missing = [p for p in [self.path, *self.path.parents] if not os.path.lexists(p)]
        for folder in reversed(missing):
            try:
                os.mkdir(folder)
            except FileExistsError:
                if not folder.is_dir() or folder.is_symlink():
                    raise OutputError(f"{folder} appeared and is not a folder") from None
                continue  # another process made it meanwhile: it is not ours to remove
            except OSError as exc:
                raise OutputError(describe(exc, "create", folder)) from None
            self.created.append(folder)

    def make_work(self) -> Path:
        """The run's private work folder, ``DEST/.backend-expert-<pid>.tmp`` (mode 0700)."""
        work = self.path / work_name(os.getpid())
        self.work = work  # before mkdir: a cleanup after any failure removes it by name
        try:
            os.mkdir(work, 0o700)
        except OSError as exc:
            raise OutputError(describe(exc, "write into", self.shown)) from None
        return work

    def verify(self) -> None:
        """Refuse to commit if the destination path no longer names the folder that was locked."""
        try:
            now = os.lstat(self.path)
        except OSError:
            now = None
        locked = os.fstat(self.dir_fd)
        if now is None or (now.st_dev, now.st_ino) != (locked.st_dev, locked.st_ino):
            raise OutputError(f"{self.shown} was moved or replaced during generation; nothing was written")

    def close(self) -> None:
        """Remove the work folder (unless a journal must survive), the lock, and, if nothing was committed, the
        folders this run created. Never raises: what cannot be removed is recognisable and the next run removes it."""
        if self.work is not None and not (self.work / JOURNAL_NAME).exists():
            shutil.rmtree(self.work, ignore_errors=True)
        if self.lock_fd >= 0:
            try:
                os.unlink(LOCK_NAME, dir_fd=self.dir_fd)  # while still holding it: see _lock
            except OSError:
                pass
            os.close(self.lock_fd)
            self.lock_fd = -1
        if self.dir_fd >= 0:
            os.close(self.dir_fd)
            self.dir_fd = -1
        if not self.committed:
            for folder in reversed(self.created):
                try:
                    os.rmdir(folder)
                except OSError:
                    break  # not empty any more: someone else's files are in it
            self.created.clear()


def _lock(dir_fd: int, shown: str) -> int:
    """Take the destination's lock; the file holds the owner's pid, for the message of a second run.

    The owner unlinks the file before releasing it, so a run that opened the old file and then got the lock
    holds a lock nobody else checks: it sees the name now points elsewhere, and tries again.
    """
    for _ in range(_LOCK_ATTEMPTS):
        fd = os.open(LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600, dir_fd=dir_fd)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise OutputError(f"another backend-expert is writing {shown} (pid {holder}); wait for it to finish") from None
        held = os.fstat(fd)
        try:
            named = os.stat(LOCK_NAME, dir_fd=dir_fd, follow_symlinks=False)
        except FileNotFoundError:
            named = None
        if named is not None and (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino):
            if not stat.S_ISREG(held.st_mode) or held.st_nlink != 1:
                os.close(fd)
                raise OutputError(f"{shown}/{LOCK_NAME} is not a plain lock file: remove it and retry")
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
            return fd
        os.close(fd)
    raise OSError(errno.EAGAIN, "the lock file kept being replaced", LOCK_NAME)


TARGET_TEXTS = {
    "non_empty": {
        "en": "{dest} is not empty: use --force to write into it (no file of yours is deleted; a file the project "
              "replaces is kept beside it as NAME.orig)",
        "fr": "{dest} n'est pas vide : utilisez --force pour y écrire (aucun de vos fichiers n'est supprimé ; un fichier "
              "que le projet remplace est gardé à côté sous le nom NOM.orig)",
    },
    "create": {"en": "cannot create {path}: {reason}", "fr": "impossible de créer {path} : {reason}"},
    "write_into": {"en": "cannot write into {path}: {reason}", "fr": "impossible d'écrire dans {path} : {reason}"},
    "not_folder": {"en": "{dest} exists and is not a directory", "fr": "{dest} existe et n'est pas un dossier"},
}


def _probe(folder: Path, name: str) -> OSError | None:
    """Create and remove an empty folder ``name`` in ``folder``: the one way to know it is writable (root passes
    permission bits, not an immutable folder or a read-only mount); the error if it is not."""
    try:
        os.mkdir(folder / name, 0o700)
    except OSError as exc:
        return exc
    os.rmdir(folder / name)
    return None


def check_target(dest: Path, force: bool, lang: str) -> Path:
    """Everything about the destination that can be known before the interview, so that no answer is asked
    for nothing: a usable path (:func:`check_destination`), a folder, empty unless ``force`` (or holding only
    what a killed run left, which the run undoes), and writable: the first folder the run would create is
    created and removed, or, in an existing destination, a work folder of this run. Returns the absolute path."""
    texts = {name: text.get(lang, text["en"]) for name, text in TARGET_TEXTS.items()}
    if "\x00" not in os.fspath(dest) and os.path.isfile(dest) and not os.path.islink(dest):
        raise OutputError(texts["not_folder"].format(dest=dest))
    path = check_destination(dest)
    if os.path.lexists(path):
        if not force and not stale_work(path) and user_entries(path):
            raise OutputError(texts["non_empty"].format(dest=dest))
        error, shown, text = _probe(path, work_name(os.getpid())), path, texts["write_into"]
    else:
        first = next(folder for folder in [path, *path.parents] if folder.parent.exists())
        error, shown, text = _probe(first.parent, first.name), first, texts["create"]
    if error is not None:
        reason = os.strerror(error.errno) if error.errno else str(error)
        raise OutputError(text.format(path=shown, reason=reason))
    return path
