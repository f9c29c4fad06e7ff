"""Console entry point: refuse unsupported Pythons with one clear line before importing the engine."""

from __future__ import annotations

import signal
import sys


def _quiet_exit(signum: int, frame: object) -> None:
    """Until the command installs its own guard, a signal ends the process quietly: nothing is written yet."""
    raise SystemExit(128 + signum)


def main() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, _quiet_exit)
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
