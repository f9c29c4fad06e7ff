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

SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class Interrupted(BaseException):
    """A signal ended the run. A BaseException, like KeyboardInterrupt, so that no ``except Exception`` in a
    library swallows it; the process should exit with :attr:`exit_code` (128 + the signal number)."""

    def __init__(self, signum: int, message: str | None = None) -> None:
        self.signum = signum
        super().__init__(message or f"interrupted by {signal.Signals(signum).name}")

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
