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

from expert.messages import LocalizedError, Text, reason, table, text

LOCK_NAME = ".backend-expert-run.lock"
WORK_RE = re.compile(r"\.backend-expert-(\d+)\.tmp")
JOURNAL_NAME = "journal"
_LOCK_ATTEMPTS = 5


class OutputError(LocalizedError):
    """The project could not be written; the message is one line and says what happened to the destination."""


#: what could not be done to a path, as the verb of "cannot <action> <path>" / "impossible <action> <path>"
ACTIONS = table("destination_actions", {
    "use": {"en": "use", "fr": "d'utiliser"},
    "read": {"en": "read", "fr": "de lire"},
    "create": {"en": "create", "fr": "de créer"},
    "write into": {"en": "write into", "fr": "d'écrire dans"},
    "write the project into": {"en": "write the project into", "fr": "d'écrire le projet dans"},
    "clean up": {"en": "clean up", "fr": "de nettoyer"},
    "render the new version in": {"en": "render the new version in", "fr": "de produire la nouvelle version dans"},
})

DEST_TEXTS = table("destination", {
    "cannot": {"en": "cannot {action} {path}: {reason}", "fr": "impossible {action} {path} : {reason}"},
    "nul": {"en": "the destination path contains a NUL character",
            "fr": "le chemin de destination contient un caractère NUL"},
    "root": {"en": "refusing to generate into {path}, the file system root",
             "fr": "refus de générer dans {path}, la racine du système de fichiers"},
    "inside_work": {"en": "{dest} is inside a backend-expert work folder ({inside}): choose another destination",
                    "fr": "{dest} est dans un dossier de travail de backend-expert ({inside}) : choisissez une autre "
                          "destination"},
    "ancestor_file": {"en": "cannot create {dest}: {ancestor} is a file, not a folder",
                      "fr": "impossible de créer {dest} : {ancestor} est un fichier, pas un dossier"},
    "symlink": {"en": "{dest} is a symbolic link (to {target}): refusing to write through it; give the folder it points to",
                "fr": "{dest} est un lien symbolique (vers {target}) : refus d'écrire à travers lui ; donnez le dossier "
                      "vers lequel il pointe"},
    "appeared_not_folder": {"en": "{folder} appeared and is not a folder", "fr": "{folder} est apparu et n'est pas un dossier"},
    "moved": {"en": "{dest} was moved or replaced during generation; nothing was written",
              "fr": "{dest} a été déplacé ou remplacé pendant la génération ; rien n'a été écrit"},
    "locked": {"en": "another backend-expert is writing {dest} (pid {pid}); wait for it to finish",
               "fr": "un autre backend-expert écrit dans {dest} (pid {pid}) ; attendez qu'il ait fini"},
    "bad_lock": {"en": "{path} is not a plain lock file: remove it and retry",
                 "fr": "{path} n'est pas un simple fichier de verrou : supprimez-le et réessayez"},
})


def describe(exc: OSError, action: str, path: str | os.PathLike[str] | Text) -> Text:
    """One line for an OSError: what could not be done (a key of ACTIONS), to which path, and the system's reason."""
    return text(DEST_TEXTS, "cannot", action=text(ACTIONS, action), path=path, reason=reason(exc))


def _fail(key: str, /, **fields: object) -> OutputError:
    return OutputError(text(DEST_TEXTS, key, **fields))


def work_name(pid: int) -> str:
    return f".backend-expert-{pid}.tmp"


def is_ours(name: str) -> bool:
    """A name this tool uses inside a destination while it runs."""
    return name == LOCK_NAME or WORK_RE.fullmatch(name) is not None


def check_destination(dest: Path) -> Path:
    """Refuse a destination that cannot be a project folder; return it absolute. Reads only, writes nothing."""
    text = os.fspath(dest)
    if "\x00" in text:
        raise _fail("nul")
    path = Path(os.path.abspath(text))
    if path.parent == path:
        raise _fail("root", path=path)
    inside = next((part for part in path.parts if is_ours(part)), None)
    if inside:
        raise _fail("inside_work", dest=dest, inside=inside)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return path
    except NotADirectoryError:
        raise _fail("ancestor_file", dest=dest, ancestor=_file_ancestor(path)) from None
    except OSError as exc:
        raise OutputError(describe(exc, "use", dest)) from None
    if stat.S_ISLNK(st.st_mode):
        raise _fail("symlink", dest=dest, target=os.readlink(path))
    if not stat.S_ISDIR(st.st_mode):
        raise OutputError(text(TARGET_TEXTS, "not_folder", dest=dest))
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
                    raise _fail("appeared_not_folder", folder=folder) from None
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
            raise _fail("moved", dest=self.shown)

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
            raise _fail("locked", dest=shown, pid=holder) from None
        held = os.fstat(fd)
        try:
            named = os.stat(LOCK_NAME, dir_fd=dir_fd, follow_symlinks=False)
        except FileNotFoundError:
            named = None
        if named is not None and (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino):
            if not stat.S_ISREG(held.st_mode) or held.st_nlink != 1:
                os.close(fd)
                raise _fail("bad_lock", path=f"{shown}/{LOCK_NAME}")
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
            return fd
        os.close(fd)
    raise OSError(errno.EAGAIN, "the lock file kept being replaced", LOCK_NAME)


TARGET_TEXTS = table("target", {
    "non_empty": {
        "en": "{dest} is not empty: use --force to write into it (no file of yours is deleted; a file the project "
              "replaces is kept beside it as NAME.orig)",
        "fr": "{dest} n'est pas vide : utilisez --force pour y écrire (aucun de vos fichiers n'est supprimé ; un fichier "
              "que le projet remplace est gardé à côté sous le nom NOM.orig)",
    },
    "create": {"en": "cannot create {path}: {reason}", "fr": "impossible de créer {path} : {reason}"},
    "write_into": {"en": "cannot write into {path}: {reason}", "fr": "impossible d'écrire dans {path} : {reason}"},
    "not_folder": {"en": "{dest} exists and is not a directory", "fr": "{dest} existe et n'est pas un dossier"},
})


def _probe(folder: Path, name: str) -> OSError | None:
    """Create and remove an empty folder ``name`` in ``folder``: the one way to know it is writable (root passes
    permission bits, not an immutable folder or a read-only mount); the error if it is not."""
    try:
        os.mkdir(folder / name, 0o700)
    except OSError as exc:
        return exc
    os.rmdir(folder / name)
    return None


def check_target(dest: Path, force: bool) -> Path:
    """Everything about the destination that can be known before the interview, so that no answer is asked
    for nothing: a usable path (:func:`check_destination`), a folder, empty unless ``force`` (or holding only
    what a killed run left, which the run undoes), and writable: the first folder the run would create is
    created and removed, or, in an existing destination, a work folder of this run. Returns the absolute path;
    an error is rendered in the user's language by the error printer."""
    if "\x00" not in os.fspath(dest) and os.path.isfile(dest) and not os.path.islink(dest):
        raise OutputError(text(TARGET_TEXTS, "not_folder", dest=dest))
    path = check_destination(dest)
    if os.path.lexists(path):
        if not force and not stale_work(path) and user_entries(path):
            raise OutputError(text(TARGET_TEXTS, "non_empty", dest=dest))
        error, shown, key = _probe(path, work_name(os.getpid())), path, "write_into"
    else:
        first = next(folder for folder in [path, *path.parents] if folder.parent.exists())
        error, shown, key = _probe(first.parent, first.name), first, "create"
    if error is not None:
        raise OutputError(text(TARGET_TEXTS, key, path=shown, reason=reason(error)))
    return path
