"""The destination as a user meets it: one-line errors, nothing written on failure, no leftovers after a signal,
one run at a time, and a --force that leaves either the old tree or the complete new one.

Most tests drive the installed ``backend-expert`` in a subprocess. Faults that cannot be produced from outside
(an error or a signal at one exact step of the commit, SIGKILL in the middle of it) are injected either in-process
(CliRunner) or in a subprocess running the real CLI with one function wrapped (``HARNESS``).
"""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from expert.cli import cli
from expert.destination import LOCK_NAME
from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "orders-api.yml"
BIN = Path(sys.executable).with_name("backend-expert")
ROOT = Path(__file__).resolve().parent.parent
#: signal runs per scenario; raise it for a longer campaign (BACKEND_EXPERT_SIGNAL_RUNS=200)
SIGNAL_RUNS = int(os.environ.get("BACKEND_EXPERT_SIGNAL_RUNS", "6"))
SIGNAL_SEED = int(os.environ.get("BACKEND_EXPERT_SIGNAL_SEED", "7"))

# The real CLI in a subprocess with one fault injected; its argument is a JSON spec (see _harness).
HARNESS = r"""
import json, os, signal, sys, time
spec = json.loads(sys.argv[1])
import expert.output, expert.transaction

if "pause" in spec:  # hold the lock: wait at the check until the test creates spec["pause"]["go"]
    real_check = expert.output.check_tree
    def paused(root):
        open(spec["pause"]["ready"], "w").close()
        while not os.path.exists(spec["pause"]["go"]):
            time.sleep(0.01)
        real_check(root)
    expert.output.check_tree = paused

if "kill_after_op" in spec:  # SIGKILL right after the n-th commit operation
    real_apply = expert.transaction._apply
    done = [0]
    def apply_then_die(*args):
        real_apply(*args)
        done[0] += 1
        if done[0] == spec["kill_after_op"]:
            os.kill(os.getpid(), signal.SIGKILL)
    expert.transaction._apply = apply_then_die

if "kill_at_replace" in spec:  # SIGKILL just before the n-th os.replace of the commit (0 is the journal's)
    real_replace = os.replace
    seen = [0]
    def dying_replace(*args, **kwargs):
        if seen[0] == spec["kill_at_replace"]:
            os.kill(os.getpid(), signal.SIGKILL)
        seen[0] += 1
        return real_replace(*args, **kwargs)
    os.replace = dying_replace

if spec.get("fail_render"):  # stop right after the lock was taken and earlier runs were cleaned up
    def failing(*args):
        raise expert.output.OutputError("stopped by the test after the cleanup")
    expert.output.build_tree = failing

sys.argv = ["backend-expert", *spec["argv"]]
from expert.cli import main
main()
"""


# ---------------------------------------------------------------- helpers


def run_new(
    dest: Path, *extra: str, env: dict[str, str] | None = None, prefix: tuple[str, ...] = (), answers: Path = SAMPLE
) -> subprocess.CompletedProcess[str]:
    cmd = [*prefix, str(BIN), "new", str(dest), "--answers", str(answers), "--no-input", *extra]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)


def new_args(dest: Path, *extra: str) -> list[str]:
    return ["new", str(dest), "--answers", str(SAMPLE), "--no-input", *extra]


def invoke(dest: Path, *extra: str):
    return CliRunner().invoke(cli, new_args(dest, *extra))


def harness(spec: dict, env: dict[str, str] | None = None, wait: bool = True):
    cmd = [sys.executable, "-c", HARNESS, json.dumps(spec)]
    if not wait:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def snapshot(root: Path) -> dict[str, tuple]:
    """Everything under ``root``: folders, files (bytes and mode), symbolic links (target)."""
    out: dict[str, tuple] = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        st = path.lstat()
        if stat.S_ISLNK(st.st_mode):
            out[rel] = ("link", os.readlink(path))
        elif stat.S_ISDIR(st.st_mode):
            out[rel] = ("dir",)
        else:
            out[rel] = ("file", path.read_bytes(), stat.S_IMODE(st.st_mode))
    return out


def leftovers(*roots: Path) -> list[str]:
    """Anything this tool names while it runs: ``.backend-expert-*`` (work folders, lock) or ``backend-expert-*``."""
    found = []
    for root in roots:
        found += [str(p) for p in root.rglob("*") if p.name.startswith((".backend-expert-", "backend-expert-"))]
    return found


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    """The run failed with exit 1 and exactly one line on stderr, no traceback, nothing on stdout."""
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), proc.stderr
    assert proc.stdout.strip() == ""
    return lines[0]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, tuple]:
    """The complete tree the sample produces in an empty folder."""
    dest = tmp_path_factory.mktemp("reference") / "orders"
    assert invoke(dest).exit_code == 0
    return snapshot(dest)


def user_tree(dest: Path) -> Path:
    """An earlier generation that the user changed: two template files edited, two folders deleted, a file and a
    folder of their own. A --force into it creates folders and files, and replaces two files."""
    assert invoke(dest).exit_code == 0
    shutil.rmtree(dest / "docs")
    shutil.rmtree(dest / "tests")
    (dest / "README.md").write_text("my own readme\n")
    (dest / "app" / "main.py").write_text("# my changes\n")
    (dest / "notes.txt").write_text("mine\n")
    (dest / "mine").mkdir()
    (dest / "mine" / "data.csv").write_text("a,b\n")
    return dest


@pytest.fixture(scope="module")
def forced(tmp_path_factory, generated) -> tuple[Path, dict[str, tuple], dict[str, tuple]]:
    """(a pristine copy of the user's tree, its snapshot, the snapshot after ``new --force`` into it)."""
    base = tmp_path_factory.mktemp("forced")
    pristine = user_tree(base / "pristine")
    after = base / "after"
    shutil.copytree(pristine, after, symlinks=True)
    result = invoke(after, "--force")
    assert result.exit_code == 0, result.output
    return pristine, snapshot(pristine), snapshot(after)


def restore(pristine: Path, dest: Path) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(pristine, dest, symlinks=True)


def private_env(tmp: Path) -> dict[str, str]:
    """The environment with a TMPDIR of our own, to see anything left in the system temporary folder."""
    tmpdir = tmp / "tmpdir"
    tmpdir.mkdir(exist_ok=True)
    return {**os.environ, "TMPDIR": str(tmpdir)}


# ---------------------------------------------------------------- 1. destinations that cannot be written


def test_a_parent_that_is_a_file_is_one_line(tmp_path):
    (tmp_path / "afile").write_text("x")
    before = snapshot(tmp_path)
    line = one_error_line(run_new(tmp_path / "afile" / "orders"))
    assert f"{tmp_path / 'afile'} is a file, not a folder" in line
    assert snapshot(tmp_path) == before


def test_a_destination_that_is_a_file_is_one_line(tmp_path):
    (tmp_path / "orders").write_text("x")
    line = one_error_line(run_new(tmp_path / "orders", "--force"))
    assert "exists and is not a directory" in line
    assert (tmp_path / "orders").read_text() == "x"


def test_a_symlinked_destination_is_refused_and_its_target_untouched(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "orders").symlink_to(elsewhere)
    for extra in ((), ("--force",)):
        line = one_error_line(run_new(tmp_path / "orders", *extra))
        assert "is a symbolic link" in line and str(elsewhere) in line
    assert list(elsewhere.iterdir()) == []


def test_a_symlinked_folder_inside_the_destination_is_not_written_through(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    dest = tmp_path / "orders"
    dest.mkdir()
    (dest / "app").symlink_to(elsewhere)
    before = snapshot(tmp_path)
    line = one_error_line(run_new(dest, "--force"))
    assert f"{dest / 'app'} is a symbolic link: refusing to write through it" in line
    assert snapshot(tmp_path) == before


def test_a_destination_inside_a_work_folder_is_refused(tmp_path):
    line = one_error_line(run_new(tmp_path / ".backend-expert-123.tmp" / "orders"))
    assert "inside a backend-expert work folder" in line
    assert list(tmp_path.iterdir()) == []


def test_too_long_names_are_one_line_and_leave_no_folder(tmp_path):
    line = one_error_line(run_new(tmp_path / ("x" * 300)))
    assert line == f"Error: cannot use {tmp_path / ('x' * 300)}: File name too long"
    # Every name is fine and the destination fits in PATH_MAX (4096), but the project's files would not:
    # the folders made on the way to it are removed again.
    room = 4060 - len(str(tmp_path))  # the lock (25 more) still fits, the project files do not
    deep = tmp_path.joinpath(*["d" * 199] * (room // 200), "o" * (room % 200 or 1))
    line = one_error_line(run_new(deep))
    assert line == f"Error: cannot write the project into {deep}: File name too long; nothing was written"
    assert list(tmp_path.iterdir()) == []


def test_a_nul_character_in_the_destination_is_one_line(tmp_path):
    # A NUL cannot travel in argv (execve refuses it), so this one runs in-process.
    result = CliRunner().invoke(cli, new_args(Path(f"{tmp_path}/or\x00ders")))
    assert result.exit_code == 1 and result.exception is not None and isinstance(result.exception, SystemExit)
    assert result.output.strip().splitlines() == ["Error: the destination path contains a NUL character"]
    assert list(tmp_path.iterdir()) == []


@contextmanager
def immutable(path: Path) -> Iterator[None]:
    """``chattr +i``: not even root may create, remove or rename entries in the folder."""
    proc = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"chattr +i is not available here ({proc.stderr.strip()}): cannot make a folder read-only for root")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_read_only_parent_stops_even_root(tmp_path):
    parent = tmp_path / "parent"
    parent.mkdir()
    with immutable(parent):
        line = one_error_line(run_new(parent / "orders"))
        assert line == f"Error: cannot create {parent / 'orders'}: Operation not permitted"
        line = one_error_line(run_new(parent / "a" / "orders"))
        assert f"cannot create {parent / 'a'}" in line
        assert list(parent.iterdir()) == []


def test_a_read_only_destination_stops_even_root(tmp_path):
    dest = tmp_path / "orders"
    dest.mkdir()
    (dest / "README.md").write_text("mine")
    before = snapshot(tmp_path)
    with immutable(dest):
        line = one_error_line(run_new(dest, "--force"))
        assert line == f"Error: cannot write into {dest}: Operation not permitted"
    assert snapshot(tmp_path) == before


@contextmanager
def world_readable_dir() -> Iterator[Path]:
    """A folder an unprivileged user can reach (pytest's own tmp folders are private to root)."""
    path = Path(tempfile.mkdtemp(prefix="expert-test-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        for sub in path.rglob("*"):
            if sub.is_dir() and not sub.is_symlink():
                sub.chmod(0o755)
        shutil.rmtree(path)


def as_nobody() -> tuple[str, ...]:
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None:
        pytest.skip("needs root and setpriv to run the CLI as an unprivileged user")
    return (setpriv, "--reuid=65534", "--regid=65534", "--clear-groups")


def test_permission_denied_for_an_unprivileged_user():
    prefix = as_nobody()
    with world_readable_dir() as base:
        env = {**os.environ, "HOME": str(base), "TMPDIR": str(base)}
        parent = base / "parent"
        parent.mkdir(mode=0o555)
        parent.chmod(0o555)
        line = one_error_line(run_new(parent / "orders", env=env, prefix=prefix))
        assert line == f"Error: cannot create {parent / 'orders'}: Permission denied"
        dest = base / "dest"
        dest.mkdir()
        dest.chmod(0o555)
        line = one_error_line(run_new(dest, env=env, prefix=prefix))
        assert line == f"Error: cannot write into {dest}: Permission denied"
        assert list(parent.iterdir()) == [] and list(dest.iterdir()) == []


@contextmanager
def tmpfs(path: Path, options: str) -> Iterator[Path]:
    path.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({proc.stderr.strip()})")
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=True)


def test_a_read_only_file_system(tmp_path):
    with tmpfs(tmp_path / "ro", "ro,size=1m") as ro:
        line = one_error_line(run_new(ro / "orders"))
        assert line == f"Error: cannot create {ro / 'orders'}: Read-only file system"
        line = one_error_line(run_new(ro))
        assert line == f"Error: cannot write into {ro}: Read-only file system"


def test_a_destination_that_is_a_mount_point_is_written(tmp_path, generated):
    # The work folder is inside the destination, so the commit never renames across two mounts (EXDEV).
    with tmpfs(tmp_path / "mounted", "size=16m") as mounted:
        proc = run_new(mounted)
        assert proc.returncode == 0, proc.stderr
        assert snapshot(mounted) == generated


def test_a_full_disk_is_one_line_and_leaves_nothing(tmp_path):
    env = private_env(tmp_path)
    with tmpfs(tmp_path / "small", "size=96k") as small:
        line = one_error_line(run_new(small / "orders", env=env))
        assert line == f"Error: cannot write the project into {small / 'orders'}: No space left on device; nothing was written"
        assert list(small.iterdir()) == []
    assert list(Path(env["TMPDIR"]).iterdir()) == []


ERRORS = [errno.EACCES, errno.EROFS, errno.ENOSPC, errno.ENAMETOOLONG]


@pytest.mark.parametrize("code", ERRORS, ids=[errno.errorcode[c] for c in ERRORS])
@pytest.mark.parametrize("where", ["mkdir", "lock", "render", "commit"])
def test_an_os_error_anywhere_is_one_line_and_nothing_is_written(tmp_path, monkeypatch, code, where):
    import expert.destination
    import expert.render
    import expert.transaction

    dest = tmp_path / "orders"
    failure = OSError(code, os.strerror(code), str(dest))

    def fail(*args, **kwargs):
        raise failure

    if where == "mkdir":
        monkeypatch.setattr(expert.destination.os, "mkdir", fail)
    elif where == "lock":
        monkeypatch.setattr(expert.destination, "_lock", fail)
    elif where == "render":
        monkeypatch.setattr(expert.render.shutil, "copy2", fail)
    else:
        monkeypatch.setattr(expert.transaction.os, "link", fail)
    result = CliRunner().invoke(cli, new_args(dest))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and os.strerror(code) in lines[0], result.output
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- 2 and 4. signals


def _signal_run(dest: Path, extra: tuple[str, ...], env: dict[str, str], sig: int, delay: float | None):
    """Start ``new``, wait until it holds the destination's lock (so its handlers are installed), then ``delay``
    more seconds, then signal it (never, for None). Returns (exit status, stderr, seconds it ran after the lock)."""
    proc = subprocess.Popen([str(BIN), *new_args(dest, *extra)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lock = dest / LOCK_NAME
    while proc.poll() is None and not lock.exists():
        time.sleep(0.002)
    locked = time.monotonic()
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err, time.monotonic() - locked


def _check_signal_outcome(rc: int, err: str, sig: int, state: dict[str, tuple], old: dict[str, tuple] | None, new: dict[str, tuple]) -> str:
    """The run ended cleanly and the destination is the old tree (None: absent) or the complete new one."""
    assert "Traceback" not in err, err
    if rc == 0 or rc == -sig or (sig == signal.SIGINT and rc == 1 and err.rstrip().endswith("Aborted!")):
        assert state == new  # finished, or signalled after the generation, while printing its summary
        return "finished" if rc == 0 else "after"
    assert rc == 128 + sig, (rc, err)
    errors = [line for line in err.splitlines() if line.startswith("Error: ")]
    if not errors:  # after the command's guard, the start-up handler ends the process quietly (expert/entry.py)
        assert state == new, f"a quiet exit left an incomplete destination: {err}"
        return "after"
    assert len(errors) == 1, err
    if "the project is complete" in errors[0]:
        assert state == new
        return "deferred"
    assert state == (old or {}), errors[0]
    assert ("was left as it was" if old else "nothing was written") in errors[0]
    return "aborted"


def _delays(duration: float, seed: int) -> list[tuple[int, float]]:
    rng = random.Random(seed)
    sigs = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]
    return [(rng.choice(sigs), rng.uniform(0, duration)) for _ in range(SIGNAL_RUNS)]


def _locked_duration(dest: Path, extra: tuple[str, ...], env: dict[str, str]) -> float:
    """How long one run lasts here once it holds the lock (only to spread the signals over it, never asserted)."""
    rc, err, duration = _signal_run(dest, extra, env, signal.SIGTERM, None)
    assert rc == 0, err
    return duration


@pytest.mark.e2e  # a campaign of signalled runs of the real CLI
def test_signals_at_random_moments_leave_nothing_behind(tmp_path, generated, capsys):
    env = private_env(tmp_path)
    dest = tmp_path / "runs" / "orders"
    dest.parent.mkdir()
    duration = _locked_duration(dest, (), env)
    outcomes = []
    for sig, delay in _delays(duration, SIGNAL_SEED):
        shutil.rmtree(dest, ignore_errors=True)
        rc, err, _ = _signal_run(dest, (), env, sig, delay)
        state = snapshot(dest) if dest.exists() else {}
        outcomes.append(_check_signal_outcome(rc, err, sig, state, None, generated))
        assert dest.exists() or list(dest.parent.iterdir()) == []
        assert leftovers(tmp_path) == []
        assert list(Path(env["TMPDIR"]).iterdir()) == []
    with capsys.disabled():
        print(
            f"\n[signals into a new folder] seed={SIGNAL_SEED} runs={SIGNAL_RUNS} outcomes: "
            + ", ".join(f"{o}={outcomes.count(o)}" for o in sorted(set(outcomes)))
        )


@pytest.mark.e2e  # a campaign of signalled runs of the real CLI
def test_signals_at_random_moments_during_force_leave_the_old_or_the_new_tree(tmp_path, forced, capsys):
    pristine, old, new = forced
    env = private_env(tmp_path)
    dest = tmp_path / "runs" / "orders"
    restore(pristine, dest)
    duration = _locked_duration(dest, ("--force",), env)
    outcomes = []
    for sig, delay in _delays(duration, SIGNAL_SEED + 1):
        restore(pristine, dest)
        rc, err, _ = _signal_run(dest, ("--force",), env, sig, delay)
        outcomes.append(_check_signal_outcome(rc, err, sig, snapshot(dest), old, new))
        assert leftovers(tmp_path) == []
        assert list(Path(env["TMPDIR"]).iterdir()) == []
    with capsys.disabled():
        print(
            f"\n[signals during --force] seed={SIGNAL_SEED + 1} runs={SIGNAL_RUNS} outcomes: "
            + ", ".join(f"{o}={outcomes.count(o)}" for o in sorted(set(outcomes)))
        )


def test_a_hangup_is_ignored_when_the_caller_ignores_it(tmp_path, generated):
    """Under ``nohup`` (SIGHUP ignored) closing the terminal does not abort the generation."""
    dest = tmp_path / "orders"
    proc = subprocess.Popen(
        [str(BIN), *new_args(dest)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),
    )
    while proc.poll() is None and not (dest / LOCK_NAME).exists():
        time.sleep(0.002)
    proc.send_signal(signal.SIGHUP)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert snapshot(dest) == generated


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_at_a_question_stops_at_once_with_one_line(tmp_path, sig):
    dest = tmp_path / "orders"
    proc = subprocess.Popen([str(BIN), "new", str(dest)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdin.write("\n\n")  # the project's name and description: their defaults
    proc.stdin.flush()
    assert "Who calls this API?" in "".join(proc.stdout.readline() for _ in range(2))  # it waits for an answer
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + sig
    saved = tmp_path / "orders.answers.yml"
    assert err.strip().splitlines() == [
        f"Error: interrupted by {signal.Signals(sig).name}",
        f"your answers are saved in {saved}; to resume: backend-expert new {dest} --answers {saved}",
    ]
    assert list(tmp_path.iterdir()) == [saved]  # the answers given so far, never a half-written project


def _at_call(monkeypatch, module, name: str, nth: int, action: Callable[[], None]) -> list[int]:
    """Run ``action`` just before the ``nth`` call of ``module.name`` (1-based); return the call counter."""
    real = getattr(module, name)
    calls = [0]

    def wrapped(*args, **kwargs):
        calls[0] += 1
        if calls[0] == nth:
            action()
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapped)
    return calls


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_during_the_commit_waits_for_the_commit(tmp_path, monkeypatch, forced, sig):
    pristine, _, new = forced
    dest = tmp_path / "orders"
    restore(pristine, dest)
    _at_call(monkeypatch, os, "replace", 2, lambda: os.kill(os.getpid(), sig))  # 1 is the journal
    result = invoke(dest, "--force")
    assert result.exit_code == 128 + sig, result.output
    assert "the writing was finished first, the project is complete" in result.output
    assert snapshot(dest) == new
    assert leftovers(tmp_path) == []


def test_a_signal_while_rendering_aborts_at_once(tmp_path, monkeypatch, forced):
    import expert.render

    pristine, old, _ = forced
    dest = tmp_path / "orders"
    restore(pristine, dest)
    _at_call(monkeypatch, expert.render, "render_layer", 2, lambda: os.kill(os.getpid(), signal.SIGTERM))
    result = invoke(dest, "--force")
    assert result.exit_code == 143
    assert result.output.strip().splitlines()[-1] == f"Error: interrupted by SIGTERM: {dest} was left as it was"
    assert snapshot(dest) == old
    assert leftovers(tmp_path) == []


# ---------------------------------------------------------------- 4. --force is all or nothing


def test_force_keeps_each_replaced_file_beside_it_and_reports_it(tmp_path, forced):
    pristine, old, new = forced
    for rel in ("README.md", "app/main.py"):
        assert new[rel + ".orig"] == old[rel]  # the user's bytes, under the backup name
        assert new[rel] != old[rel]
    for rel in ("notes.txt", "mine", "mine/data.csv"):
        assert new[rel] == old[rel]
    assert {rel for rel in new if rel.endswith(".orig")} == {"README.md.orig", "app/main.py.orig"}
    dest = tmp_path / "orders"
    restore(pristine, dest)
    proc = run_new(dest, "--force")
    assert proc.returncode == 0, proc.stderr
    assert "Overwritten (your version kept beside it): README.md -> README.md.orig, app/main.py -> app/main.py.orig" in proc.stdout


def test_force_never_overwrites_a_backup_and_skips_unchanged_files(tmp_path, forced):
    pristine, old, _ = forced
    dest = tmp_path / "orders"
    restore(pristine, dest)
    (dest / "README.md.orig").write_text("an older backup")
    proc = run_new(dest, "--force")
    assert proc.returncode == 0, proc.stderr
    assert (dest / "README.md.orig").read_text() == "an older backup"
    assert (dest / "README.md.1.orig").read_bytes() == old["README.md"][1]
    assert "README.md -> README.md.1.orig" in proc.stdout
    after = snapshot(dest)
    again = run_new(dest, "--force")
    assert again.returncode == 0 and "Overwritten" not in again.stdout
    assert snapshot(dest) == after


def test_force_replaces_a_symlink_without_following_it(tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text("not yours to change")
    dest = tmp_path / "orders"
    dest.mkdir()
    (dest / "README.md").symlink_to(outside)
    proc = run_new(dest, "--force")
    assert proc.returncode == 0, proc.stderr
    assert outside.read_text() == "not yours to change"
    assert not (dest / "README.md").is_symlink() and os.readlink(dest / "README.md.orig") == str(outside)


def _commit_calls(tmp_path: Path, monkeypatch, pristine: Path) -> dict[str, int]:
    """How many link/replace/mkdir calls one --force commit makes (to inject a failure at each kind of step)."""
    dest = tmp_path / "count"
    restore(pristine, dest)
    counters = {name: _at_call(monkeypatch, os, name, 0, lambda: None) for name in ("link", "replace", "mkdir")}
    assert invoke(dest, "--force").exit_code == 0
    monkeypatch.undo()
    shutil.rmtree(dest)
    return {name: calls[0] for name, calls in counters.items()}


def test_a_failure_at_any_commit_step_restores_the_old_tree(tmp_path, monkeypatch, forced):
    pristine, old, _ = forced
    counts = _commit_calls(tmp_path, monkeypatch, pristine)
    rng = random.Random(SIGNAL_SEED)
    points = [
        ("link", 1),
        ("link", counts["link"]),
        ("replace", 2),
        ("replace", counts["replace"]),
        ("mkdir", counts["mkdir"]),
        ("link", rng.randint(2, counts["link"] - 1)),
    ]  # mkdir: the commit's last
    dest = tmp_path / "orders"
    for name, nth in points:
        restore(pristine, dest)

        def boom(name=name):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dest))

        _at_call(monkeypatch, os, name, nth, boom)
        result = invoke(dest, "--force")
        monkeypatch.undo()
        assert result.exit_code == 1, (name, nth, result.output)
        assert result.output.strip().splitlines() == [
            f"Error: cannot write into {dest}: No space left on device; {dest} was left as it was"
        ]
        assert snapshot(dest) == old, (name, nth)
        assert leftovers(tmp_path) == []


def test_without_hard_links_the_commit_uses_renames_with_the_same_result(tmp_path, monkeypatch, forced):
    pristine, old, new = forced
    dest = tmp_path / "orders"
    restore(pristine, dest)

    def no_links(*args, **kwargs):
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(os, "link", no_links)
    assert invoke(dest, "--force").exit_code == 0
    assert snapshot(dest) == new
    restore(pristine, dest)

    def broken_disk():
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    _at_call(monkeypatch, os, "rename", 3, broken_disk)
    result = invoke(dest, "--force")
    assert result.exit_code == 1 and "Input/output error" in result.output
    assert snapshot(dest) == old and leftovers(tmp_path) == []


def test_when_undoing_fails_too_the_next_run_finishes_undoing(tmp_path, monkeypatch, generated):
    dest = tmp_path / "orders"
    real_unlink = os.unlink

    def unlink_fails_once(*args, **kwargs):
        monkeypatch.setattr(os, "unlink", real_unlink)
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    def disk_full():
        monkeypatch.setattr(os, "unlink", unlink_fails_once)  # the first removal of the rollback fails
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    _at_call(monkeypatch, os, "link", 10, disk_full)
    result = invoke(dest)
    monkeypatch.undo()
    assert result.exit_code == 1
    assert "and undoing it failed too (Input/output error): the next run into" in result.output
    assert list(dest.glob(".backend-expert-*.tmp/journal")) and not (dest / LOCK_NAME).exists()
    proc = run_new(dest)
    assert proc.returncode == 0, proc.stderr
    assert "Undid the unfinished writing of an interrupted earlier run" in proc.stdout
    assert snapshot(dest) == generated and leftovers(tmp_path) == []


# ---------------------------------------------------------------- 2 and 4. a killed run is undone by the next


@pytest.mark.parametrize(
    "kill",
    [{"kill_after_op": 1}, {"kill_after_op": 30}, {"kill_at_replace": 2}],
    ids=["after-first-op", "after-30-ops", "between-backup-and-replace"],
)
def test_a_commit_killed_midway_is_undone_by_the_next_run(tmp_path, forced, kill):
    pristine, old, _ = forced
    dest = tmp_path / "orders"
    restore(pristine, dest)
    killed = harness({**kill, "argv": new_args(dest, "--force")})
    assert killed.returncode == -signal.SIGKILL
    assert list(dest.glob(".backend-expert-*.tmp/journal"))
    stopped = harness({"fail_render": True, "argv": new_args(dest, "--force")})
    assert stopped.returncode == 1 and "stopped by the test after the cleanup" in stopped.stderr
    assert snapshot(dest) == old  # the killed commit was rolled back, nothing of it is left
    assert leftovers(tmp_path) == []


def test_after_a_killed_commit_the_next_force_gives_the_same_tree_and_says_so(tmp_path, forced):
    pristine, _, new = forced
    dest = tmp_path / "orders"
    restore(pristine, dest)
    killed = harness({"kill_after_op": 5, "argv": new_args(dest, "--force")}, wait=False)
    killed.communicate(timeout=120)
    assert killed.returncode == -signal.SIGKILL
    proc = run_new(dest, "--force")
    assert proc.returncode == 0, proc.stderr
    assert f"Undid the unfinished writing of an interrupted earlier run (pid {killed.pid})." in proc.stdout
    assert snapshot(dest) == new  # the same as a --force from the user's own tree: backups are not doubled
    assert leftovers(tmp_path) == []


def test_a_new_folder_killed_midway_is_cleaned_by_the_next_run(tmp_path, generated):
    dest = tmp_path / "orders"
    assert harness({"kill_after_op": 20, "argv": new_args(dest)}).returncode == -signal.SIGKILL
    assert list(dest.glob(".backend-expert-*.tmp")) and (dest / LOCK_NAME).exists()
    proc = run_new(dest)  # not --force: what is left is the killed run's, not the user's
    assert proc.returncode == 0, proc.stderr
    assert snapshot(dest) == generated and leftovers(tmp_path) == []


@pytest.mark.parametrize("journal", ["not json", '{"version": 99, "ops": []}', "[1, 2]"])
def test_an_unreadable_journal_of_a_killed_run_stops_with_one_line_and_is_kept(tmp_path, journal):
    dest = tmp_path / "orders"
    work = dest / ".backend-expert-4242.tmp"
    work.mkdir(parents=True)
    (dest / "README.md").write_text("mine")
    (work / "journal").write_text(journal)
    line = one_error_line(run_new(dest, "--force"))
    assert f"{work / 'journal'}: unreadable journal of an interrupted run" in line
    assert f"check {dest} and remove {work}" in line
    assert (work / "journal").read_text() == journal and (dest / "README.md").read_text() == "mine"
    assert not (dest / LOCK_NAME).exists()


# ---------------------------------------------------------------- 3. one run at a time


def test_a_second_run_into_the_same_destination_fails_clearly(tmp_path, generated):
    dest = tmp_path / "orders"
    ready, go = tmp_path / "ready", tmp_path / "go"
    first = harness({"pause": {"ready": str(ready), "go": str(go)}, "argv": new_args(dest)}, wait=False)
    try:
        while not ready.exists():
            assert first.poll() is None, first.communicate()
            time.sleep(0.01)
        for extra in ((), ("--force",)):
            line = one_error_line(run_new(dest, *extra))
            assert line == f"Error: another backend-expert is writing {dest} (pid {first.pid}); wait for it to finish"
        go.touch()
        out, err = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 0, err
    assert snapshot(dest) == generated and leftovers(tmp_path) == []


def test_the_lock_of_a_killed_run_does_not_block_the_next(tmp_path, generated):
    dest = tmp_path / "orders"
    ready, go = tmp_path / "ready", tmp_path / "go"
    first = harness({"pause": {"ready": str(ready), "go": str(go)}, "argv": new_args(dest)}, wait=False)
    while not ready.exists():
        assert first.poll() is None, first.communicate()
        time.sleep(0.01)
    first.kill()
    first.communicate()
    assert (dest / LOCK_NAME).exists()
    proc = run_new(dest)
    assert proc.returncode == 0, proc.stderr
    assert snapshot(dest) == generated and leftovers(tmp_path) == []


def test_a_file_that_appears_during_rendering_is_refused_without_force(tmp_path):
    dest = tmp_path / "orders"
    ready, go = tmp_path / "ready", tmp_path / "go"
    first = harness({"pause": {"ready": str(ready), "go": str(go)}, "argv": new_args(dest)}, wait=False)
    while not ready.exists():
        assert first.poll() is None, first.communicate()
        time.sleep(0.01)
    (dest / "notes.txt").write_text("mine")
    go.touch()
    out, err = first.communicate(timeout=120)
    assert first.returncode == 1 and "Traceback" not in err
    assert err.strip().splitlines() == [
        f"Error: {dest} is no longer empty (notes.txt appeared during generation): use --force to write into it "
        "(no file of yours is deleted; a file the project replaces is kept beside it as NAME.orig)"
    ]
    assert [p.name for p in dest.iterdir()] == ["notes.txt"] and (dest / "notes.txt").read_text() == "mine"


def test_a_file_that_appears_during_the_commit_is_not_overwritten(tmp_path, monkeypatch):
    dest = tmp_path / "orders"
    _at_call(monkeypatch, os, "link", 5, lambda: (dest / "README.md").write_text("mine"))
    result = invoke(dest)
    assert result.exit_code == 1
    assert f"{dest / 'README.md'} appeared in {dest} during generation" in result.output
    assert [p.name for p in dest.iterdir()] == ["README.md"] and (dest / "README.md").read_text() == "mine"


@pytest.mark.parametrize("error", [TypeError("unsupported operand"), KeyError("x"), AttributeError("no attr")])
def test_a_template_bug_is_one_line_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    """A template that breaks on some input is reported as the tool's bug in one line; nothing is written."""
    import expert.render

    def broken(**kwargs: object) -> str:
        raise error

    monkeypatch.setattr(expert.render, "generate_files", broken)
    dest = tmp_path / "out"
    result = invoke(dest)
    assert result.exit_code == 1
    assert "bug of backend-expert" in result.output and len(result.output.strip().splitlines()) == 1, result.output
    assert not dest.exists()


# ---------------------------------------------------------------- the destination's errors in French (issue 10)


def test_an_existing_non_empty_destination_is_refused_in_french(tmp_path):
    dest = tmp_path / "orders"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = invoke(dest, "--lang", "fr")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert lines == [f"Erreur : {dest} n'est pas vide : utilisez --force pour y écrire (aucun de vos fichiers n'est "
                     "supprimé ; un fichier que le projet remplace est gardé à côté sous le nom NOM.orig)"]
    assert "is not empty" not in result.output and "Error:" not in result.output
    assert sorted(p.name for p in dest.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize("where", ["mkdir", "render", "commit"])
def test_a_full_disk_is_one_french_line_and_nothing_is_written(tmp_path, monkeypatch, where):
    import expert.destination
    import expert.render
    import expert.transaction

    dest = tmp_path / "orders"
    failure = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dest))

    def fail(*args, **kwargs):
        raise failure

    if where == "mkdir":
        monkeypatch.setattr(expert.destination.os, "mkdir", fail)
    elif where == "render":
        monkeypatch.setattr(expert.render.shutil, "copy2", fail)
    else:
        monkeypatch.setattr(expert.transaction.os, "link", fail)
    result = invoke(dest, "--lang", "fr")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Erreur : impossible "), result.output
    assert "plus d'espace disponible sur le périphérique" in lines[0]
    assert os.strerror(errno.ENOSPC) not in lines[0] and "cannot" not in lines[0] and "nothing was written" not in lines[0]
    assert list(tmp_path.iterdir()) == []
