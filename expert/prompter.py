"""Asking questions in the terminal: arrow-key menus on a TTY (questionary), numbered prompts otherwise.

Typing ``?`` (or choosing "why?") shows WHY the question is asked. Empty input takes the default.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from expert.consult import Why
from expert.explain import show, tr, why_lines
from expert.knowledge import DOMAIN_TITLES, KnowledgeBase, Question

WORDS = {
    "why": {"en": "why is this asked?", "fr": "pourquoi cette question ?"},
    "yes": {"en": "yes", "fr": "oui"},
    "no": {"en": "no", "fr": "non"},
    "invalid": {
        "en": "Not a valid answer: type a number, a value, or ? for why.",
        "fr": "Réponse invalide : tapez un numéro, une valeur, ou ? pour savoir pourquoi.",
    },
    "several": {"en": "several allowed, separated by commas", "fr": "plusieurs possibles, séparées par des virgules"},
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
    domain = q.agent.split("/", 1)[0]
    title = tr(DOMAIN_TITLES.get(domain, {"en": domain, "fr": domain}), lang)
    index, total = why.position
    return f"{title} {index}/{max(total, index)}"


def make_asker(kb: KnowledgeBase, lang: str) -> Callable[[Question, Why], Any]:
    """An ``ask(question, why)`` function for the consultation loop."""
    tty = interactive()

    def ask(q: Question, why: Why) -> Any:
        click.secho(f"\n[{header(q, why, lang)}] {tr(q.prompt, lang)}", bold=True, err=False)
        explain = lambda: click.echo("\n".join("  " + line for line in why_lines(kb, why, lang)))  # noqa: E731
        return _ask_tty(q, lang, explain) if tty else _ask_plain(q, lang, explain)

    return ask


def _label(q: Question, value: Any, lang: str) -> str:
    for c in q.choices:
        if c.value == value:
            return f"{tr(c.label, lang)} ({c.value})"
    return show(value)


def _ask_tty(q: Question, lang: str, explain: Callable[[], None]) -> Any:  # pragma: no cover - needs a TTY
    import questionary

    why_choice = questionary.Choice(title=f"? {word('why', lang)}", value="__why__")
    while True:
        if q.type == "choice":
            choices = [questionary.Choice(title=_label(q, c.value, lang), value=c.value) for c in q.choices]
            answer = questionary.select("", choices=[*choices, why_choice], default=q.default, qmark="").ask()
        elif q.type == "multi":
            choices = [
                questionary.Choice(title=_label(q, c.value, lang), value=c.value, checked=c.value in q.default)
                for c in q.choices
            ]
            answer = questionary.checkbox("", choices=[*choices, why_choice], qmark="").ask()
            if answer is not None and "__why__" in answer:
                answer = "__why__"
            elif answer is not None and not answer:
                answer = list(q.default)
        elif q.type == "bool":
            options = [
                questionary.Choice(title=word("yes", lang), value=True),
                questionary.Choice(title=word("no", lang), value=False),
            ]
            answer = questionary.select("", choices=[*options, why_choice], default=q.default, qmark="").ask()
        else:
            answer = questionary.text("", default=str(q.default), qmark="").ask()
            if answer is not None and answer.strip() == "?":
                answer = "__why__"
        if answer is None:
            raise click.Abort()
        if answer == "__why__":
            explain()
            continue
        return answer


def _ask_plain(q: Question, lang: str, explain: Callable[[], None]) -> Any:
    if q.type in ("choice", "multi"):
        for i, c in enumerate(q.choices, 1):
            click.echo(f"  {i}) {_label(q, c.value, lang)}")
        if q.type == "multi":
            click.echo(f"  ({word('several', lang)})")
    elif q.type == "bool":
        click.echo(f"  1) {word('yes', lang)}  2) {word('no', lang)}")
    default_text = _default_text(q, lang)
    while True:
        line = read_line(f"  > [{default_text}] ", lang)
        text = line.strip()
        if text == "?":
            explain()
            continue
        if not text:
            return list(q.default) if isinstance(q.default, list) else q.default
        value = parse_plain(q, text)
        if value is None:
            click.echo(f"  {word('invalid', lang)}")
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


def _default_text(q: Question, lang: str) -> str:
    if q.type == "bool":
        return word("yes", lang) if q.default else word("no", lang)
    return show(q.default)


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

