"""SIGINT, SIGTERM and SIGHUP become a clean abort, at moments the caller chooses.

A Python signal handler that raises can do so between any two bytecodes: half-way through a cleanup, or between
the two renames of a commit. So while a :class:`SignalGuard` is active a signal is only *recorded*; it is raised
as :class:`Interrupted` at once only inside ``interruptible()`` blocks (work whose output is removed by path
afterwards), otherwise at the next ``interruptible()`` or when the guard exits. Only the first signal counts: a
second Ctrl-C during the cleanup does not interrupt the cleanup. A signal the parent process ignores (``nohup``
ignores SIGHUP) stays ignored.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType, TracebackType
from typing import Any

from expert.messages import Text, table, text

SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


#: what a signal did to the run, in the user's language (``str()`` of an Interrupted is the English line)
TEXTS = table("interrupts", {
    "by": {"en": "interrupted by {signal}", "fr": "interrompu par {signal}"},
    "by_then": {"en": "interrupted by {signal}: {outcome}", "fr": "interrompu par {signal} : {outcome}"},
    "written_first": {"en": "interrupted by {signal} while the project was written into {dest}: the writing was "
                            "finished first, the project is complete",
                      "fr": "interrompu par {signal} pendant l'écriture du projet dans {dest} : l'écriture a d'abord "
                            "été terminée, le projet est complet"},
    "updated_first": {"en": "interrupted by {signal} while {dest} was updated: the update was finished first and is "
                            "complete; review it with `git diff`",
                      "fr": "interrompu par {signal} pendant la mise à jour de {dest} : la mise à jour a d'abord été "
                            "terminée, elle est complète ; relisez-la avec `git diff`"},
})


class Interrupted(BaseException):
    """A signal ended the run. A BaseException, like KeyboardInterrupt, so that no ``except Exception`` in a
    library swallows it; the process should exit with :attr:`exit_code` (128 + the signal number).
    ``message`` (default: "interrupted by SIGNAL") may be a :class:`Text` of :data:`TEXTS`, rendered in the
    user's language by :meth:`in_lang`."""

    def __init__(self, signum: int, message: str | Text | None = None) -> None:
        self.signum = signum
        self.text = message if message is not None else text(TEXTS, "by", signal=signal.Signals(signum).name)
        super().__init__(str(self.text))

    def in_lang(self, lang: str) -> str:
        return self.text.render(lang) if isinstance(self.text, Text) else str(self.text)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


class SignalGuard:
    """Record SIGINT/SIGTERM/SIGHUP while active; raise them only where it is safe (see the module docstring).

    Outside the main thread handlers cannot be installed: the guard then records nothing and signals keep
    their usual effect.
    """

    def __init__(self) -> None:
        self.pending: int | None = None
        self._raise_now = False
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> SignalGuard:
        if threading.current_thread() is threading.main_thread():
            for signum in SIGNALS:
                if signal.getsignal(signum) is not signal.SIG_IGN:
                    self._previous[signum] = signal.signal(signum, self._record)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()
        if exc_type is None:
            self.checkpoint()

    def _record(self, signum: int, frame: FrameType | None) -> None:
        if self.pending is None:
            self.pending = signum
            if self._raise_now:
                raise Interrupted(signum)

    def checkpoint(self) -> None:
        """Raise :class:`Interrupted` if a signal arrived since the guard was entered."""
        if self.pending is not None:
            raise Interrupted(self.pending)

    @contextmanager
    def interruptible(self) -> Iterator[None]:
        """A block that a signal may stop at any point (its writes must be cleaned up by the caller)."""
        self.checkpoint()
        self._raise_now = True
        try:
            yield
        finally:
            self._raise_now = False
