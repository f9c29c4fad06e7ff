"""Console entry point: refuse unsupported Pythons with one clear line before importing the engine."""

from __future__ import annotations

import _signal  # signal's C module: `signal` imports enum first, milliseconds in which Ctrl-C prints a traceback
import os
import sys


def _quiet_exit(signum: int, frame: object) -> None:
    """Outside the commands' own guards (expert.interrupts), a signal ends the process quietly: no file is
    being written there. It exits at once rather than raising SystemExit: a signal can arrive while the
    interpreter runs a callback (an import lock's, during start-up), where an exception is not raised but
    printed as "Exception ignored" with a traceback, and the process goes on."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, RuntimeError, ValueError):  # a closed pipe, a write this signal interrupted
            pass
    os._exit(128 + signum)


def main() -> None:
    for signum in (_signal.SIGINT, _signal.SIGTERM, _signal.SIGHUP):
        if _signal.getsignal(signum) is not _signal.SIG_IGN:
            _signal.signal(signum, _quiet_exit)
    if not ((3, 10) <= sys.version_info[:2] <= (3, 12)):
        version = ".".join(map(str, sys.version_info[:3]))
        sys.stderr.write(
            f"Error: backend-expert needs Python 3.10 to 3.12 (its rule engine, durable-rules, does not run on "
            f"{version}); install it with e.g. `pipx install --python python3.12 backend-expert`.\n"
        )
        raise SystemExit(1)
    try:
        from expert.cli import main as cli_main
    except ImportError as exc:
        sys.stderr.write(f"Error: {exc}\n")
        raise SystemExit(1) from None
    cli_main()
