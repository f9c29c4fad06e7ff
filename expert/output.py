"""Write a Blueprint into its destination: render and check it in the destination's work folder, then commit.

Guarantees: nothing is written outside the destination (and the folders leading to it); a non-empty
destination is refused unless ``force``, also when it became non-empty while the project was rendered; the
destination is locked for the whole run, so two runs never mix their projects; no file the templates do not
produce is touched, and a file they replace is kept beside it as ``NAME.orig`` (:mod:`expert.transaction`);
any failure, SIGINT, SIGTERM or SIGHUP leaves the destination as it was, or, once the commit has started, lets
it finish first; nothing is left behind, not even the work folder (:mod:`expert.destination`).
"""

from __future__ import annotations

import os
import shutil
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from expert.codegen import CodegenError, run_codegen
from expert.destination import (
    Destination,
    OutputError,
    check_destination,
    describe,
    stale_work,
    user_entries,
)
from expert.generators.blueprint import Blueprint
from expert.interrupts import TEXTS as INTERRUPTS
from expert.interrupts import Interrupted, SignalGuard
from expert.messages import COMMON, Text, table, text
from expert.pristine import write_state
from expert.render import RenderError, render_layers
from expert.transaction import STAGED, commit, plan, recover

__all__ = ["OutputError", "WriteReport", "build_tree", "check_tree", "write_project"]

TEXTS = table("output", {
    "render_failed": {"en": "rendering failed: {error}", "fr": "échec du rendu : {error}"},
    "collides": {"en": "a computed document collides with a template file: {path}",
                 "fr": "un document calculé entre en conflit avec un fichier de modèle : {path}"},
    "fails_check": {"en": "the generated project fails its own check: {artifact}: {validator}: {detail}",
                    "fr": "le projet généré échoue à sa propre vérification : {artifact} : {validator} : {detail}"},
    "left_as_it_was": {"en": "{dest} was left as it was", "fr": "{dest} a été laissé tel quel"},
    "nothing_written": {"en": "nothing was written", "fr": "rien n'a été écrit"},
    "appeared": {"en": "{path} appeared in {dest} during generation", "fr": "{path} est apparu dans {dest} pendant la génération"},
    "not_empty": {"en": "{dest} is not empty: use --force to write into it (no file of yours is deleted; a file the "
                        "project replaces is kept beside it as NAME.orig)",
                  "fr": "{dest} n'est pas vide : utilisez --force pour y écrire (aucun de vos fichiers n'est supprimé ; un "
                        "fichier que le projet remplace est gardé à côté sous le nom NOM.orig)"},
    "no_longer_empty": {"en": "{dest} is no longer empty ({entry} appeared during generation): use --force to write into "
                              "it (no file of yours is deleted; a file the project replaces is kept beside it as NAME.orig)",
                        "fr": "{dest} n'est plus vide ({entry} est apparu pendant la génération) : utilisez --force pour y "
                              "écrire (aucun de vos fichiers n'est supprimé ; un fichier que le projet remplace est gardé "
                              "à côté sous le nom NOM.orig)"},
    "left_by_run": {"en": "{path} (left by an interrupted run)", "fr": "{path} (laissé par une exécution interrompue)"},
})


def _then(first: Text, second: Text) -> OutputError:
    """``what failed; what became of the destination``."""
    return OutputError(text(COMMON, "joined", first=first, second=second))


@dataclass
class WriteReport:
    files: list[str] = field(default_factory=list)
    #: files of the destination that the project replaced, each with the name its old version was kept under
    backups: dict[str, str] = field(default_factory=dict)
    #: pids of killed earlier runs whose half-done commit this run undid first
    recovered: list[str] = field(default_factory=list)


def build_tree(blueprint: Blueprint, root: Path, scratch: Path) -> list[str]:
    """Render layers (in folders under ``scratch``) and computed documents into ``root`` (new), then run the
    stack's code generator there (its layer.yml ``codegen``); return the relative file list."""
    try:
        render_layers(blueprint.layers, root, scratch)
    except RenderError as exc:
        raise OutputError(text(TEXTS, "render_failed", error=exc)) from None
    for rel, content in blueprint.documents.items():
        target = root / rel
        if target.exists():
            raise OutputError(text(TEXTS, "collides", path=rel))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    try:
        run_codegen(blueprint.stack, root)
    except CodegenError as exc:
        raise OutputError(exc.text) from None
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def check_tree(root: Path) -> None:
    """Run the fast in-process validators; any failure aborts before the destination is touched."""
    from expert.validate import fast_checks

    failures = [r for r in fast_checks(root) if r.status == "fail"]
    if failures:
        first = failures[0]
        raise OutputError(text(TEXTS, "fails_check", artifact=first.artifact, validator=first.validator,
                                detail=first.detail))


def write_project(blueprint: Blueprint, dest: Path, force: bool = False, guard: SignalGuard | None = None) -> WriteReport:
    """Generate ``blueprint`` into ``dest``; raise OutputError (one line) or Interrupted (a signal).

    ``guard`` is the caller's active SignalGuard, if it has one (a signal it recorded earlier stops the run
    before anything is written); otherwise the run installs its own.
    """
    path = check_destination(dest)
    shown = str(dest)
    untouched = text(TEXTS, "left_as_it_was", dest=shown) if os.path.lexists(path) else text(TEXTS, "nothing_written")
    if not force and not stale_work(path):
        _refuse_non_empty(path, shown)  # before writing anything, even the lock
    with ExitStack() as stack:
        active = guard or stack.enter_context(SignalGuard())
        try:
            active.checkpoint()
            report = _write(blueprint, path, shown, force, active, untouched)
        except Interrupted as exc:
            raise Interrupted(exc.signum, text(INTERRUPTS, "by_then", signal=exc.name, outcome=untouched)) from None
        if active.pending is not None:
            late = Interrupted(active.pending)
            raise Interrupted(late.signum, text(INTERRUPTS, "written_first", signal=late.name, dest=shown))
    return report


def _write(blueprint: Blueprint, path: Path, shown: str, force: bool, guard: SignalGuard, untouched: Text) -> WriteReport:
    """The run under the destination's lock. Signals are deferred except while rendering and checking."""
    target = Destination.open(path, shown)
    try:
        report = WriteReport(recovered=_sweep(target))
        work = target.make_work()
        if not force:
            _refuse_non_empty(path, shown)
        project = work / STAGED
        with guard.interruptible():
            try:
                report.files = build_tree(blueprint, project, work / "layers")
                report.files += write_state(project, report.files, blueprint.lang)  # the base of a later `update`
            except OSError as exc:
                raise _then(describe(exc, "write the project into", shown), untouched) from None
            check_tree(project)
        guard.checkpoint()
        target.verify()
        if not force:
            _refuse_non_empty(path, shown, again=True)
        ops = plan(project, path, report.files, force)
        try:
            commit(ops, project, path, work)
        except OSError as exc:
            raise _then(_commit_failure(exc, shown), untouched) from None
        target.committed = True
        report.backups = {op.path: str(op.backup) for op in ops if op.kind == "replace"}
        return report
    finally:
        target.close()


def _commit_failure(exc: OSError, shown: str) -> Text:
    if isinstance(exc, FileExistsError):
        return text(TEXTS, "appeared", path=exc.filename2 or exc.filename, dest=shown)
    return describe(exc, "write into", shown)


def _refuse_non_empty(path: Path, shown: str, again: bool = False) -> None:
    entries = user_entries(path)
    if entries:
        message = text(TEXTS, "no_longer_empty", dest=shown, entry=entries[0]) if again else text(TEXTS, "not_empty", dest=shown)
        raise OutputError(message)


def _sweep(target: Destination) -> list[str]:
    """Undo and remove what killed earlier runs left in the destination (safe: we hold its lock)."""
    recovered = []
    for pid, work in stale_work(target.path):
        try:
            if recover(work, target.path):
                recovered.append(pid)
            shutil.rmtree(work)
        except OSError as exc:
            raise OutputError(describe(exc, "clean up", text(TEXTS, "left_by_run", path=work))) from None
    return recovered
