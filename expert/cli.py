"""The command line: wires answers -> consultation -> blueprint -> output. No logic of its own."""

from __future__ import annotations

import errno
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from expert import __version__
from expert.answers import TEXTS as ANSWERS_TEXTS
from expert.answers import AnswersError, AnswerSet, apply_sets, load_answers, resolve_project, suggest
from expert.consult import Consultant, Consultation, ConsultError
from expert.destination import check_target
from expert.engine import EngineError
from expert.explain import how, report, show, tr
from expert.generators.blueprint import ANSWERS_FILE, build_blueprint
from expert.generators.openapi import OpenAPIContextError
from expert.generators.stack import UnsupportedError, capability_matrix, generation_gaps
from expert.interrupts import Interrupted, SignalGuard
from expert.knowledge import KnowledgeBase, KnowledgeError, load_knowledge
from expert.messages import in_lang, reason, text
from expert.model_prompt import ask_model
from expert.output import OutputError, write_project
from expert.principles import principles_lines, principles_report
from expert.prompter import InputEnded, ask_project, make_asker, read_line
from expert.render import RenderError
from expert.resume import Offer, Progress, offer, resume_command, revised_file, save, saved_line
from expert.review import Step, refuse_gaps, review
from expert.router import check_free_text

USER_ERRORS = (AnswersError, KnowledgeError, ConsultError, EngineError, UnsupportedError, OutputError, InputEnded,
               OpenAPIContextError, RenderError)


class UserError(click.ClickException):
    """A one-line error for the user; exit code 1."""

    exit_code = 1


def default_lang() -> str:
    value = os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    return "fr" if value.lower().startswith("fr") else "en"


def common_options(func):  # type: ignore[no-untyped-def]
    """--answers, --set, --rules, --lang: shared by the commands that consult."""
    func = click.option("--lang", type=click.Choice(["en", "fr"]), default=None,
                        help="Language of questions and explanations (default: from $LANG).")(func)
    func = click.option("--rules", "rule_packs", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
                        help="A company rule pack (same format as the built-in knowledge); repeatable.")(func)
    func = click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
                        help="Add or override an answer (repeatable); project fields as project.name=...")(func)
    func = click.option("--answers", "answers_file", type=click.Path(dir_okay=False, path_type=Path),
                        help="A saved answers file (YAML), e.g. a project's .backend-expert.yml.")(func)
    return func


def _load(answers_file: Path | None, sets: tuple[str, ...], packs: tuple[Path, ...]) -> tuple[KnowledgeBase, AnswerSet]:
    kb = load_knowledge(packs)
    if answers_file is not None:
        if not answers_file.is_file():
            raise AnswersError(text(ANSWERS_TEXTS, "no_file", path=answers_file))
        answer_set = load_answers(answers_file, kb)
    else:
        answer_set = AnswerSet()
    apply_sets(answer_set, list(sets), kb)
    return kb, answer_set


def _guard(func):  # type: ignore[no-untyped-def]
    """Turn the pipeline's own errors, and any OSError, into one-line user errors in the command's --lang (else
    $LANG's); a signal that ended the run into one line and the shell's exit status for it (130 for SIGINT, 143
    for SIGTERM)."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except USER_ERRORS as exc:
            lang = kwargs.get("lang") or default_lang()
            raise LocalError(in_lang(exc, lang), lang) from None
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                raise  # output piped into a closed reader (| head): click exits quietly
            lang = kwargs.get("lang") or default_lang()
            raise LocalError(_os_error_line(exc, lang), lang) from None
        except Interrupted as exc:
            click.echo(f"Error: {exc}", err=True)
            raise SystemExit(exc.exit_code) from None

    return wrapper


def _os_error_line(exc: OSError, lang: str) -> str:
    why = reason(exc)
    line = why if isinstance(why, str) else why.render(lang)
    return f"{exc.filename}: {line}" if exc.filename else line


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="backend-expert")
def cli() -> None:
    """A rule-based backend architect: asks what matters, decides, explains, generates a starter."""


@cli.command()
@click.argument("destination", type=Path)  # checked by expert.destination (one line), not by click
@common_options
@click.option("--no-input", is_flag=True, help="Ask nothing: unanswered questions take their defaults.")
@click.option("--force", is_flag=True, help="Write into a non-empty destination (never deletes your files).")
@click.option("--describe", "description", default=None, metavar="TEXT",
              help="Describe the project in your words; what it names (REST, PostgreSQL, JWT...) is not asked again.")
@click.option("--revise", is_flag=True,
              help="Ask every question again with the saved answers (--answers FILE, or DESTINATION's "
                   ".backend-expert.yml) as defaults, instead of skipping them.")
@_guard
def new(destination: Path, answers_file: Path | None, sets: tuple[str, ...], rule_packs: tuple[Path, ...],
        lang: str | None, no_input: bool, force: bool, description: str | None, revise: bool) -> None:
    """Interview, decide, and generate a starter project into DESTINATION (`.` for the current folder)."""
    chosen_lang, lang = lang, lang or default_lang()
    try:
        blueprint, result, written = _new(destination, answers_file, sets, rule_packs, chosen_lang, lang,
                                          no_input=no_input, force=force, description=description, revise=revise)
    except (*USER_ERRORS, UserError) as exc:
        raise LocalError(exc.message if isinstance(exc, UserError) else in_lang(exc, lang), lang) from None
    except Interrupted as exc:  # the signal's line in the user's language, the shell's exit status for it
        click.echo(f"{_t(lang, 'Error: ', 'Erreur : ')}{_interrupted(exc, lang)}", err=True)
        raise SystemExit(exc.exit_code) from None
    for pid in written.recovered:
        click.echo(_t(lang, f"Undid the unfinished writing of an interrupted earlier run (pid {pid}).",
                      f"Écriture inachevée d'une exécution interrompue (pid {pid}) annulée."))
    click.echo(f"\n{_t(lang, 'Generated', 'Généré')} {len(written.files)} {_t(lang, 'files in', 'fichiers dans')} {destination}")
    if written.backups:
        click.echo(_t(lang, "Overwritten (your version kept beside it)", "Remplacés (votre version gardée à côté)") + ": "
                   + ", ".join(f"{rel} -> {backup}" for rel, backup in written.backups.items()))
    for item in blueprint.skipped:
        click.echo(f"{_t(lang, 'Not generated yet (no template)', 'Pas encore généré (aucun modèle)')}: {item}", err=True)
    for warning in result.warnings:
        click.echo(f"{_t(lang, 'Warning', 'Attention')}: {tr(warning.because, lang)}", err=True)
    click.echo(f"{_t(lang, 'Next', 'Ensuite')}: cd {destination} && {_t(lang, 'follow its README.md', 'suivez son README.md')}")


class LocalError(UserError):
    """A user error, prefixed in the user's language (click's own prefix is English)."""

    def __init__(self, message: str, lang: str) -> None:
        super().__init__(message)
        self.lang = lang

    def show(self, file: Any = None) -> None:
        click.echo(f"{_t(self.lang, 'Error: ', 'Erreur : ')}{self.format_message()}", err=True, file=file)


def _new(destination: Path, answers_file: Path | None, sets: tuple[str, ...], rule_packs: tuple[Path, ...],
         chosen_lang: str | None, lang: str, *, no_input: bool, force: bool, description: str | None,
         revise: bool) -> tuple[Any, Consultation, Any]:
    """The run of ``new``: checks, interview, blueprint, writing; a failure after something was answered saves
    the answers beside the destination and names the command that resumes (:mod:`expert.resume`)."""
    with SignalGuard() as guard:  # a signal waits for the engine, stops a prompt at once (see expert.interrupts)
        # everything checkable is checked before the first question: the answers file, the packs, the destination
        if revise:
            answers_file = revised_file(answers_file, destination, lang)
        kb, answer_set = _load(answers_file, sets, rule_packs)
        check_target(destination, force)
        # the project's fields given on the command line (--set project.*, --describe) are checkable now too
        described = {"description": " ".join(check_free_text(description).split())} if description else {}
        resolve_project({**answer_set.project, **described}, Path(os.path.abspath(destination)).name)
        offered = Offer()
        if revise and not no_input:
            answer_set, offered = offer(answer_set, kb, sets)
        progress = Progress(dict(answer_set.project), dict(answer_set.answers), answer_set.entities,
                            told=bool(sets or description))
        blueprint = None
        try:
            blueprint, result = _consult(kb, answer_set, progress, offered, destination, guard, lang,
                                         no_input=no_input, description=description)
            return blueprint, result, write_project(blueprint, destination, force=force, guard=guard)
        except (*USER_ERRORS, UserError, OSError, Interrupted) as exc:
            piped = isinstance(exc, OSError) and exc.errno == errno.EPIPE
            if piped or not progress.told or (blueprint is not None and _complete(blueprint, destination)):
                raise  # nothing to save, or the project itself holds the answers (a signal during the commit)
            saved = save(progress, destination)
            command = saved and resume_command(destination, saved, force=force, lang=chosen_lang, packs=rule_packs)
            line = saved_line(saved, command, lang)
            if isinstance(exc, Interrupted):
                raise Interrupted(exc.signum, f"{_interrupted(exc, lang)}\n{line}") from None
            raise UserError(f"{_error_line(exc)}\n{line}") from None


def _error_line(exc: BaseException) -> str:
    if isinstance(exc, UserError):
        return exc.message
    return _os_error_line(exc) if isinstance(exc, OSError) else str(exc)


def _complete(blueprint: Any, destination: Path) -> bool:
    """Whether the destination holds this run's project (its answers file, byte for byte)."""
    saved = destination / ANSWERS_FILE
    try:
        return saved.read_text(encoding="utf-8") == blueprint.documents.get(ANSWERS_FILE)
    except (OSError, UnicodeDecodeError):
        return False


def _interrupted(exc: Interrupted, lang: str) -> str:
    return exc.in_lang(lang)


def _consult(kb: KnowledgeBase, answer_set: AnswerSet, progress: Progress, offered: Offer, destination: Path,
             guard: SignalGuard, lang: str, *, no_input: bool, description: str | None) -> tuple[Any, Consultation]:
    """The project's name and description, the questions, the review, the model: a blueprint to write.
    ``progress`` holds what the user said so far at every moment (a refusal or Ctrl-C saves it)."""
    answers = dict(answer_set.answers)
    folder = Path(os.path.abspath(destination)).name
    if not no_input:
        with guard.interruptible():
            progress.told |= ask_project(progress.project, folder, offered.project, lang,
                                         described=description is not None)
    if description:
        answers = _prefill(kb, description, answers, progress.project, lang)
        progress.answers.update(answers)
    project = resolve_project(progress.project, folder, lang)
    consultant = Consultant(kb)
    entities = answer_set.entities
    if no_input:
        result = consultant.run(answers)
    else:
        with guard.interruptible():
            result = _interview(consultant, answers, progress, offered.answers, lang)
    _refuse_conflicts(result, lang)
    refuse_gaps(result, kb, lang)  # every gap at once, before the model is asked
    if not no_input and (entities is None or offered.entities is not None):
        with guard.interruptible():
            entities = ask_model(lambda text: read_line(text, lang), click.echo, lang, keep=offered.entities)
        progress.entities, progress.told = entities, True
    return build_blueprint(project, result, kb, lang, entities), result


def _interview(consultant: Consultant, answers: dict[str, Any], progress: Progress, defaults: dict[str, Any],
               lang: str) -> Consultation:
    """Ask, then review the decisions (:mod:`expert.review`); every answer is recorded as soon as it is given."""
    kb = consultant.kb
    base = make_asker(kb, lang, defaults)

    def ask(q: Any, why: Any) -> Any:
        value = base(q, why)
        progress.record(q.id, value)
        return value

    def remember(changed: dict[str, Any]) -> None:
        progress.answers, progress.told = dict(changed), True

    result = consultant.run(answers, ask)
    return review(consultant, Step(result.answers(kb), result), ask, lang, remember).result


def _prefill(kb: KnowledgeBase, text: str, answers: dict[str, Any], project: dict[str, str], lang: str) -> dict[str, Any]:
    """Facts named in the description become answers (explicit answers and --set still win)."""
    from expert.router import describe

    out = dict(answers)
    understood = []
    for item in describe(text, kb):
        if item.key not in out:
            out[item.key] = item.value
            understood.append(f"{item.key}={show(item.value)} ({', '.join(item.words)})")
    project.setdefault("description", " ".join(text.split()))
    if understood:
        click.echo(f"{_t(lang, 'Understood from your description', 'Compris de votre description')}: {'; '.join(understood)}")
    else:
        click.echo(_t(lang, "Nothing in the description pre-fills an answer.", "La description ne pré-remplit aucune réponse."))
    return out


def _t(lang: str, en: str, fr: str) -> str:
    return fr if lang == "fr" else en


def _print_decisions(result: Consultation, kb: KnowledgeBase, lang: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=_t(lang, "Decisions", "Décisions"), show_lines=False)
    table.add_column(_t(lang, "decision", "décision"))
    table.add_column(_t(lang, "value", "valeur"))
    table.add_column(_t(lang, "why", "pourquoi"))
    data = report(result, kb, lang)
    for key, d in data["decisions"].items():
        table.add_row(key, show(d["value"]), d["because"])
    console = Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 160)
    console.print(table)
    for c in data["conflicts"]:
        console.print(f"[bold]{_t(lang, 'Conflict', 'Conflit')}[/bold] ({c['kind']}): {c['because']}", markup=True)
        for r in c["reasons"]:
            console.print(f"   - {r}", markup=False)
    for w in data["warnings"]:
        console.print(f"{_t(lang, 'Warning', 'Attention')}: {w['because']}", markup=False)


def _refuse_conflicts(result: Consultation, lang: str) -> None:
    hard = [c for c in result.conflicts if c.kind == "incompatible"]
    if hard:
        c = hard[0]
        reasons = "; ".join(tr(r, lang) for r in c.reasons)
        raise UserError(f"{_t(lang, 'conflict', 'conflit')} {c.id}: {tr(c.because, lang)} ({reasons})")


#: exit status of an update that was written but left conflict markers to resolve (1 is an error, nothing written)
UPDATE_CONFLICTS_EXIT = 3


@cli.command()
@click.argument("project_dir", metavar="[PROJECT]", type=Path, default=Path("."), required=False)
@common_options
@click.option("--dry-run", is_flag=True, help="Print the plan and a unified diff of the working tree; write nothing.")
@click.option("--allow-dirty", is_flag=True, help="Update a git work tree that has uncommitted changes.")
@_guard
def update(project_dir: Path, answers_file: Path | None, sets: tuple[str, ...], rule_packs: tuple[Path, ...],
           lang: str | None, dry_run: bool, allow_dirty: bool) -> None:
    """Bring changed answers (--set, --answers), model or tool version into a generated PROJECT (default: .):
    re-render it and three-way merge the new version into your files. Exit 3 if conflicts were left."""
    from expert import update as upd

    shown = os.fspath(project_dir)
    talk = lang or default_lang()  # the user's language for messages; the documents keep the project's
    try:
        with SignalGuard() as guard:
            root, pristine = upd.find_project(project_dir)
            lang = lang or pristine.meta.get("lang") or default_lang()
            if not dry_run and not allow_dirty:
                upd.refuse_dirty(root, shown)
            kb = load_knowledge(rule_packs)
            saved, wanted = upd.load_wanted(root, pristine, answers_file, list(sets), kb)
            result = Consultant(kb).run(dict(wanted.answers))
            _refuse_conflicts(result, lang)
            blueprint = build_blueprint(resolve_project(wanted.project, root.name), result, kb, lang, wanted.entities)
            before = build_blueprint(resolve_project(saved.project, root.name), Consultant(kb).run(dict(saved.answers)),
                                     kb, lang, saved.entities)  # the last generation's contexts, for its migrations
            step = upd.migration_step(before, blueprint)
            report = upd.update_project(root, shown, pristine, blueprint, step, dry_run, guard)
    except (upd.UpdateError, *USER_ERRORS) as exc:
        raise LocalError(in_lang(exc, talk), talk) from None
    for pid in report.recovered:
        click.echo(upd.say("recovered", talk, pid=pid))
    if dry_run:
        click.echo(upd.say("dry_run", talk, path=shown))
    click.echo("\n".join(upd.plan_text(report, talk)))
    if dry_run:
        click.echo(report.diff, nl=False)
        return
    if report.conflicted:
        click.echo(upd.say("resolve", talk, paths=", ".join(report.conflicted)), err=True)
        raise SystemExit(UPDATE_CONFLICTS_EXIT)
    click.echo(upd.say("done", talk, path=shown))


@cli.command()
@common_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="Output format.")
@_guard
def decide(answers_file: Path | None, sets: tuple[str, ...], rule_packs: tuple[Path, ...], lang: str | None, fmt: str) -> None:
    """Print the decisions for the given answers (no prompt; unanswered questions take defaults)."""
    lang = lang or default_lang()
    kb, answer_set = _load(answers_file, sets, rule_packs)
    result = Consultant(kb).run(dict(answer_set.answers))
    _, gaps = generation_gaps({key: fact.value for key, fact in result.decisions(kb).items()})
    if fmt == "json":
        data = report(result, kb, lang)
        data["not_generatable"] = [{"key": g.key, "value": g.value, "alternative": g.alternative, "because": g.reason}
                                   for g in gaps]
        data["principles"] = principles_report(result, kb, lang)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    _print_decisions(result, kb, lang)
    click.echo("\n".join(principles_lines(result, kb, lang)))
    if result.asked:
        click.echo(f"{_t(lang, 'Defaults taken for', 'Valeurs par défaut prises pour')}: {', '.join(result.asked)}")
    for g in gaps:
        click.echo(f"{_t(lang, 'Not generatable', 'Non générable')}: {g.key}={g.value}: {g.reason}; "
                   f"{_t(lang, 'nearest that is', 'le plus proche qui l’est')}: --set {g.key}={g.alternative}")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="Output format.")
@_guard
def stacks(fmt: str) -> None:
    """Print the starter stacks and the decision values each one generates (from the layers' layer.yml)."""
    matrix = capability_matrix()
    if fmt == "json":
        click.echo(json.dumps(matrix, ensure_ascii=False, indent=2))
        return
    for row in matrix:
        click.secho(f"{row['stack']} ({row['language']}/{row['framework']})", bold=True)
        for key, values in row["generates"].items():
            if key not in ("language", "framework"):
                click.echo(f"  {key:<20} {', '.join(str(v) for v in values)}")
        if row.get("verified"):
            click.echo(f"  {'verified':<20} {row['verified']}")


@cli.command()
@click.argument("key")
@common_options
@_guard
def explain(key: str, answers_file: Path | None, sets: tuple[str, ...], rule_packs: tuple[Path, ...], lang: str | None) -> None:
    """Explain HOW the decision KEY was reached (rules and premises, down to your answers)."""
    lang = lang or default_lang()
    kb, answer_set = _load(answers_file, sets, rule_packs)
    known = list(kb.decisions) + list(kb.questions)
    if key not in known:
        raise LocalError(_t(lang, f"unknown decision {key!r}", f"décision inconnue {key!r}")
                         + suggest(key, known).render(lang), lang)
    result = Consultant(kb).run(dict(answer_set.answers))
    if key not in result.facts:
        raise UserError(
            _t(lang, f"{key} is not set for these answers (no rule concluded it)",
               f"{key} n'est pas défini pour ces réponses (aucune règle ne l'a conclu)")
        )
    click.echo("\n".join(how(result, kb, key, lang)))


@cli.command()
@click.argument("text")
@click.option("--rules", "rule_packs", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="A company rule pack; repeatable.")
@click.option("--lang", type=click.Choice(["en", "fr"]), default=None, help="Language (default: from $LANG).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="Output format.")
@_guard
def ask(text: str, rule_packs: tuple[Path, ...], lang: str | None, fmt: str) -> None:
    """Route a free-text question to the expert agents and print their advice and questions."""
    from expert.browse import ask_answer

    lang = lang or default_lang()
    kb = load_knowledge(rule_packs)
    answer = ask_answer(text, kb, lang)
    if fmt == "json":
        click.echo(json.dumps(answer, ensure_ascii=False, indent=2))
        return
    if not answer["agents"]:
        click.echo(_t(lang, "No agent recognised a topic in that text. Ask about one of these domains, e.g.:",
                      "Aucun agent n'a reconnu de sujet dans ce texte. Posez une question sur l'un de ces domaines, par ex. :"))
        for d in answer["domains"]:
            click.echo(f"  {d['domain']}: {', '.join(d['examples'])}  ({len(d['agents'])} agents)")
        click.echo(_t(lang, 'Example: backend-expert ask "How do I secure my endpoint with JWT?"',
                      'Exemple : backend-expert ask "Comment sécuriser mon endpoint avec JWT ?"'))
        return
    for agent in answer["agents"]:
        click.secho(f"\n{agent['title']} ({agent['id']}, score {agent['score']:g}: {', '.join(agent['matched'])})", bold=True)
        for item in agent["advice"]:
            click.echo(f"  - {item}")
        if agent["questions"]:
            click.echo(f"  {_t(lang, 'It would ask', 'Questions posées')}:")
            for q in agent["questions"]:
                click.echo(f"    ? {q['prompt']} ({q['id']})")
    if answer["understood"]:
        understood = ", ".join(f"{u['key']}={show(u['value'])}" for u in answer["understood"])
        click.echo(f"\n{_t(lang, 'Understood', 'Compris')}: {understood}")


@cli.command()
@click.option("--rules", "rule_packs", multiple=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(["en", "fr"]), default=None)
@_guard
def agents(rule_packs: tuple[Path, ...], lang: str | None) -> None:
    """List the expert agents by domain, with their questions and rule counts."""
    from expert.browse import agents_table

    lang = lang or default_lang()
    for row in agents_table(load_knowledge(rule_packs), lang):
        questions = ", ".join(row["questions"]) or "-"
        click.echo(f"{row['id']:<34} {row['title']:<34} rules={row['rules']:<3} questions={questions}")


@cli.command()
@click.option("--agent", "agent_id", default=None, help="Only this agent's questions.")
@click.option("--rules", "rule_packs", multiple=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(["en", "fr"]), default=None)
@_guard
def questions(agent_id: str | None, rule_packs: tuple[Path, ...], lang: str | None) -> None:
    """List the questions, with when they are relevant, their choices and default."""
    from expert.browse import condition_text

    lang = lang or default_lang()
    kb = load_knowledge(rule_packs)
    _check_agent(kb, agent_id, lang)
    for q in kb.questions.values():
        if agent_id and q.agent != agent_id:
            continue
        when = condition_text(q.when) or _t(lang, "always", "toujours")
        choices = ", ".join(str(v) for v in q.choice_values()) or q.type
        click.echo(f"{q.id} [{q.agent}] {tr(q.prompt, lang)}\n    {_t(lang, 'when', 'quand')}: {when}; "
                   f"{_t(lang, 'choices', 'choix')}: {choices}; {_t(lang, 'default', 'défaut')}: {show(q.default)}")


@cli.command()
@click.option("--agent", "agent_id", default=None, help="Only this agent's rules.")
@click.option("--graph", is_flag=True, help="Print the question/decision dependency graph (Mermaid).")
@click.option("--rules", "rule_packs", multiple=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(["en", "fr"]), default=None)
@_guard
def rules(agent_id: str | None, graph: bool, rule_packs: tuple[Path, ...], lang: str | None) -> None:
    """List the rules (conditions, conclusions, reasons), or their dependency graph."""
    from expert.browse import mermaid_graph, rule_line

    lang = lang or default_lang()
    kb = load_knowledge(rule_packs)
    _check_agent(kb, agent_id, lang)
    if graph:
        click.echo(mermaid_graph(kb), nl=False)
        return
    for rule in kb.rules:
        if not agent_id or rule.agent == agent_id:
            click.echo(rule_line(rule, lang))


@cli.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_guard
def validate(directory: Path) -> None:
    """Run every validator that applies to the files in DIRECTORY; exit 1 on any failure."""
    from expert.validate import validate_tree

    results = validate_tree(directory)
    if not results:
        click.echo(f"nothing to validate in {directory}")
        return
    width = max(len(r.artifact) for r in results)
    vwidth = max(len(r.validator) for r in results)
    for r in results:
        click.echo(f"{r.artifact:<{width}}  {r.validator:<{vwidth}}  {r.status:<8} {r.detail}".rstrip())
    failed = [r for r in results if r.status == "fail"]
    skipped = [r for r in results if r.status == "skipped"]
    click.echo(f"{len(results) - len(failed) - len(skipped)} passed, {len(failed)} failed, {len(skipped)} skipped")
    if failed:
        raise SystemExit(1)


def _check_agent(kb: KnowledgeBase, agent_id: str | None, lang: str) -> None:
    if agent_id and agent_id not in kb.agents:
        raise LocalError(_t(lang, f"unknown agent {agent_id!r}", f"agent inconnu {agent_id!r}")
                         + suggest(agent_id, list(kb.agents)).render(lang), lang)


def main() -> None:
    cli(prog_name="backend-expert")
