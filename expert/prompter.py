"""Asking questions in the terminal: arrow-key menus on a TTY (questionary), numbered prompts otherwise.

Typing ``?`` shows WHY the question is asked and its help, in a menu (a key binding) as on a numbered prompt.
Empty input takes the default. A multiple choice that contradicts itself (``none`` with ``gdpr``, no language
at all) is refused with its reason (:mod:`expert.selections`).
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from typing import Any

import click

from expert.consult import Why
from expert.explain import show, tr, why_lines
from expert.interrupts import Interrupted
from expert.knowledge import DOMAIN_TITLES, KnowledgeBase, Question
from expert.messages import in_lang, table, text
from expert.selections import problem as selection_problem

WORDS = {
    "why": {"en": "why is this asked?", "fr": "pourquoi cette question ?"},
    "yes": {"en": "yes", "fr": "oui"},
    "no": {"en": "no", "fr": "non"},
    "invalid": {
        "en": "Not a valid answer: type a number, a value, or ? for why.",
        "fr": "Réponse invalide : tapez un numéro, une valeur, ou ? pour savoir pourquoi.",
    },
    "several": {"en": "several allowed, separated by commas", "fr": "plusieurs possibles, séparées par des virgules"},
    "menu_hint": {"en": "(arrows to move, Enter to choose, ? why)",
                  "fr": "(flèches pour se déplacer, Entrée pour choisir, ? pourquoi)"},
    "checkbox_hint": {"en": "(arrows to move, Space to tick, Enter to confirm, ? why)",
                      "fr": "(flèches pour se déplacer, Espace pour cocher, Entrée pour valider, ? pourquoi)"},
    "follow_up": {"en": "follow-up", "fr": "suite"},
    "eof": {
        "en": "input ended before every question was answered (use --no-input to take the defaults)",
        "fr": "l'entrée s'est terminée avant la fin des questions (utilisez --no-input pour prendre les valeurs par défaut)",
    },
}


class InputEnded(Exception):
    """Standard input closed in the middle of the interview."""


def word(name: str, lang: str) -> str:
    return tr(WORDS[name], lang)


def interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def header(q: Question, why: Why, lang: str) -> str:
    """``API 1/2``; a later stage's block of the same domain is marked ``follow-up`` (its counter restarts)."""
    domain = q.agent.split("/", 1)[0]
    title = tr(DOMAIN_TITLES.get(domain, {"en": domain, "fr": domain}), lang)
    index, total = why.position
    stage = f", {word('follow_up', lang)}" if why.stage else ""
    return f"{title}{stage} {index}/{max(total, index)}"


def make_asker(kb: KnowledgeBase, lang: str, defaults: dict[str, Any] | None = None) -> Callable[[Question, Why], Any]:
    """An ``ask(question, why)`` function for the consultation loop; ``defaults`` (the saved answers of a
    ``--revise``) replace the questions' own defaults."""
    tty = interactive()
    offered = defaults or {}

    def ask(q: Question, why: Why) -> Any:
        click.secho(f"\n[{header(q, why, lang)}] {tr(q.prompt, lang)}", bold=True, err=False)
        default = offered.get(q.id, q.default)

        def explain() -> None:  # the question's help, what made it relevant, the rules its answer feeds
            click.echo("\n".join("  " + line for line in why_lines(kb, why, lang)))

        return _ask_tty(q, default, lang, explain) if tty else _ask_plain(q, default, lang, explain)

    return ask


def _label(q: Question, value: Any, lang: str) -> str:
    for c in q.choices:
        if c.value == value:
            return f"{tr(c.label, lang)} ({c.value})"
    return show(value)


WHY = "__why__"


def _why_key(question: Any, kept: dict[str, Any]) -> Any:
    """``?`` ends the menu with the answer WHY, keeping in ``kept`` the entry under the cursor and the ticked
    boxes, so that the menu asked again after the explanation is where the user left it; questionary's own
    bindings handle every other key."""
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
    from questionary.prompts.common import InquirerControl

    bindings = KeyBindings()

    @bindings.add("?", eager=True)
    def _(event: Any) -> None:
        for window in event.app.layout.find_all_windows():
            if isinstance(window.content, InquirerControl):
                kept["pointed"] = window.content.get_pointed_at().value
                kept["ticked"] = list(window.content.selected_options)
        event.app.exit(result=WHY)

    app = question.application
    app.key_bindings = merge_key_bindings([app.key_bindings, bindings]) if app.key_bindings else bindings
    return question


def _ask_tty(q: Question, default: Any, lang: str, explain: Callable[[], None]) -> Any:
    """One arrow-key menu (checkboxes for multi, a line for text); ``?`` explains and asks again, the cursor
    and the ticks as the user left them."""
    import questionary

    kept: dict[str, Any] = {}
    while True:
        pointed = kept.get("pointed", default)
        if q.type == "choice":
            choices = [questionary.Choice(title=_label(q, c.value, lang), value=c.value) for c in q.choices]
            question = questionary.select("", choices=choices, default=pointed, qmark="",
                                          instruction=word("menu_hint", lang))
        elif q.type == "multi":
            ticked = kept.get("ticked", default)
            choices = [questionary.Choice(title=_label(q, c.value, lang), value=c.value, checked=c.value in ticked)
                       for c in q.choices]
            question = questionary.checkbox(
                "", choices=choices, qmark="", instruction=word("checkbox_hint", lang),
                initial_choice=kept.get("pointed"),
                validate=lambda picked: selection_problem(q.id, picked, lang) or True)
        elif q.type == "bool":
            options = [questionary.Choice(title=word("yes", lang), value=True),
                       questionary.Choice(title=word("no", lang), value=False)]
            question = questionary.select("", choices=options, default=pointed, qmark="",
                                          instruction=word("menu_hint", lang))
        else:
            question = questionary.text("?", default=str(default), qmark="")
        try:
            answer = (_why_key(question, kept) if q.type != "text" else question).unsafe_ask()
        except KeyboardInterrupt:  # Ctrl-C is a key in the menu's raw mode: the run ends as on SIGINT
            raise Interrupted(signal.SIGINT) from None
        except EOFError:
            raise InputEnded(word("eof", lang)) from None
        if answer == WHY or (q.type == "text" and str(answer).strip() == "?"):
            explain()
            continue
        return answer


def _ask_plain(q: Question, default: Any, lang: str, explain: Callable[[], None]) -> Any:
    if q.type in ("choice", "multi"):
        for i, c in enumerate(q.choices, 1):
            click.echo(f"  {i}) {_label(q, c.value, lang)}")
        if q.type == "multi":
            click.echo(f"  ({word('several', lang)})")
    elif q.type == "bool":
        click.echo(f"  1) {word('yes', lang)}  2) {word('no', lang)}")
    default_text = _default_text(q, default, lang)
    while True:
        line = read_line(f"  > [{default_text}] ", lang)
        text = line.strip()
        if text == "?":
            explain()
            continue
        if not text:
            return list(default) if isinstance(default, list) else default
        value = parse_plain(q, text)
        if value is None:
            click.echo(f"  {word('invalid', lang)}")
            continue
        contradiction = selection_problem(q.id, value, lang) if q.type == "multi" else None
        if contradiction:
            click.echo(f"  {contradiction}")
            continue
        return value


def confirm(text: str, lang: str, default: bool = True) -> bool:
    """A yes/no prompt that understands yes/no and oui/non; end of input is an error, not a yes."""
    hint = ("O/n" if default else "o/N") if lang == "fr" else ("Y/n" if default else "y/N")
    while True:
        answer = read_line(f"{text} [{hint}] ", lang).strip().lower()
        if not answer:
            return default
        if answer in ("y", "yes", "o", "oui"):
            return True
        if answer in ("n", "no", "non"):
            return False


def _default_text(q: Question, default: Any, lang: str) -> str:
    if q.type == "bool":
        return word("yes", lang) if default else word("no", lang)
    return show(default)


def read_line(prompt: str, lang: str) -> str:
    click.echo(prompt, nl=False)
    line = sys.stdin.readline()
    if not line:
        click.echo()
        raise InputEnded(word("eof", lang))
    return line


def parse_plain(q: Question, text: str) -> Any:
    """Numbers or values (comma-separated for multi); None when invalid."""
    values = q.choice_values()
    if q.type == "text":
        return text
    if q.type == "bool":
        low = text.lower()
        if low in ("1", "y", "yes", "o", "oui", "true"):
            return True
        if low in ("2", "n", "no", "non", "false"):
            return False
        return None
    parts = [p.strip() for p in text.split(",") if p.strip()] if q.type == "multi" else [text]
    picked = []
    for part in parts:
        if part.isdigit() and 1 <= int(part) <= len(values):
            picked.append(values[int(part) - 1])
        elif part in values:
            picked.append(part)
        else:
            return None
    if q.type == "multi":
        return [v for v in values if v in picked]
    return picked[0]


PROJECT_TEXTS = table("project_prompt", {
    "name": {"en": "Project name", "fr": "Nom du projet"},
    "description": {"en": "Description (one sentence)", "fr": "Description (une phrase)"},
})


def ask_text(prompt: str, default: str, lang: str) -> str:
    """A line of text with a default (Enter keeps it): a line editor on a TTY, a plain prompt otherwise."""
    if interactive():
        import questionary

        try:
            answer = questionary.text(f"{prompt} [{default}]", qmark="").unsafe_ask()  # typing replaces the default
        except KeyboardInterrupt:
            raise Interrupted(signal.SIGINT) from None
        except EOFError:
            raise InputEnded(word("eof", lang)) from None
        return answer.strip() or default
    return read_line(f"{prompt} [{default}] ", lang).strip() or default


def ask_project(project: dict[str, str], folder: str, offered: dict[str, str], lang: str, described: bool) -> bool:
    """Ask the project's name (default: the destination folder's name, or the saved one) and description first;
    a field already given (answers file, ``--set``, ``--describe``) is not asked. Fills ``project`` in place;
    True when something was asked."""
    from expert.answers import TEXTS as ANSWERS_TEXTS
    from expert.answers import AnswersError, check_project_field, resolve_project

    wanted = [key for key in ("name", "description") if key not in project and not (key == "description" and described)]
    for key in wanted:
        while True:
            if key == "name":
                default = offered.get("name") or folder
            else:
                default = offered.get("description") or text(ANSWERS_TEXTS, "default_description",
                                                             name=project["name"]).render(lang)
            value = ask_text(tr(PROJECT_TEXTS[key], lang), default, lang)
            try:
                project[key] = check_project_field(key, value, tr(PROJECT_TEXTS[key], lang))
                resolve_project(project, folder, lang)  # a name that gives no usable slug is refused here, not later
            except AnswersError as exc:
                project.pop(key, None)
                click.echo(f"  {in_lang(exc, lang)}")  # the refusal in the interview's language
                continue
            break
    return bool(wanted)
