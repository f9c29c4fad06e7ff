"""The review step of ``new``: a summary that fits a 24-line terminal, changes shown as before -> after.

The summary lists the core decisions with their reasons (one line each, cut to the terminal's width), every
decision no starter can generate with its nearest generatable value (all at once, before anything is
written), and the conflicts; ``all`` prints every decision. The user accepts, changes a decision (it becomes
a pin and the consultation reruns), takes every nearest generatable value at once (``nearest``), or goes back
to the answers before the last change (``back``).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click

from expert.answers import did_you_mean
from expert.codegen import missing_tool
from expert.consult import Consultant, Consultation
from expert.explain import reason, report, show, tr
from expert.generators.stack import Gap, UnsupportedError, generation_gaps, select_stack
from expert.knowledge import KnowledgeBase
from expert.prompter import read_line

#: the decisions the summary shows (the rest on demand, with ``all``)
CORE = ("language", "framework", "api_style", "database", "orm", "auth", "architecture", "deploy")
ACCEPT = ("", "y", "yes", "o", "oui")
TEXTS = {
    "title": {"en": "Decisions ({shown} of {total}; `all` shows every one)",
              "fr": "Décisions ({shown} sur {total} ; `all` les montre toutes)"},
    "gaps": {"en": "Not generatable yet ({n}), with the nearest value a starter generates:",
             "fr": "Pas encore générables ({n}), avec la valeur la plus proche qu'un modèle génère :"},
    "gap_fr": {"en": "", "fr": "aucun modèle de projet ne génère cette valeur"},
    "conflicts": {"en": "Conflicts ({n}):", "fr": "Conflits ({n}) :"},
    "warnings": {"en": "{n} warning(s): `all` shows them", "fr": "{n} avertissement(s) : `all` les montre"},
    "moved": {"en": "What moved:", "fr": "Ce qui a changé :"},
    "nothing_moved": {"en": "Nothing else moved.", "fr": "Rien d'autre n'a changé."},
    "prompt": {
        "en": "Accept these decisions and generate? [Y/n] (or a decision's name to change it, all, ?{extra}) ",
        "fr": "Accepter ces décisions et générer ? [O/n] (ou le nom d'une décision pour la changer, all, ?{extra}) ",
    },
    "extra_nearest": {"en": ", nearest", "fr": ", nearest"},
    "extra_back": {"en": ", back", "fr": ", back"},
    "help": {
        "en": ("  Enter or y: generate. n, or a decision's name (e.g. cache): change that decision. all: every decision "
               "and warning. nearest: take the nearest generatable value of every decision marked above. back: "
               "return to the answers before the last change."),
        "fr": ("  Entrée ou o : générer. n, ou le nom d'une décision (par ex. cache) : changer cette décision. all : "
               "toutes les décisions et avertissements. nearest : prendre la valeur générable la plus proche de chaque "
               "décision signalée. back : revenir aux réponses d'avant le dernier changement."),
    },
    "which": {"en": "Which decision do you want to change (its name, e.g. cache)? ",
              "fr": "Quelle décision voulez-vous changer (son nom, par ex. cache) ? "},
    "unknown": {"en": "  unknown decision {key!r}{hint}", "fr": "  décision inconnue {key!r}{hint}"},
    "new_value": {"en": "New value for {key} (number or value, Enter keeps {current}): ",
                  "fr": "Nouvelle valeur de {key} (numéro ou valeur, Entrée garde {current}) : "},
    "bad_value": {"en": "  not one of the values above", "fr": "  pas une des valeurs ci-dessus"},
    "no_back": {"en": "  nothing to go back to", "fr": "  rien à annuler"},
    "no_gaps": {"en": "  every decision is generatable", "fr": "  toutes les décisions sont générables"},
    "current": {"en": "current", "fr": "actuelle"},
}


def t(name: str, lang: str, **values: Any) -> str:
    return tr(TEXTS[name], lang).format(**values)


@dataclass
class Step:
    """One state of the review: the answers given to the consultation and what it concluded."""

    answers: dict[str, Any]
    result: Consultation


def width() -> int:
    return max(40, shutil.get_terminal_size((100, 24)).columns - 1)


def cut(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters: a long reason ends with an ellipsis."""
    text = text.replace("\n", " ").rstrip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def gaps_of(result: Consultation, kb: KnowledgeBase) -> list[Gap]:
    return generation_gaps({key: fact.value for key, fact in result.decisions(kb).items()})[1]


def refuse_gaps(result: Consultation, kb: KnowledgeBase, lang: str) -> None:
    """Every decision no starter generates, in one error (before the model is asked, nothing written); then
    a stack whose code generator cannot run on this machine (its tool is not installed)."""
    gaps = gaps_of(result, kb)
    if not gaps:
        missing = missing_tool(select_stack({key: fact.value for key, fact in result.decisions(kb).items()}).spec)
        if missing is not None:
            raise UnsupportedError(missing.render(lang))
        return
    pins = " ".join(f"--set {g.key}={g.alternative}" for g in gaps)
    if lang == "fr":
        named = ", ".join(f"{g.key}={show(g.value)} (le plus proche : {show(g.alternative)})" for g in gaps)
        raise UnsupportedError(f"aucun modèle de projet ne génère {named} ; imposez ce qu'un modèle génère, par ex. {pins}")
    raise UnsupportedError(f"{'; '.join(g.reason for g in gaps)}; pin what a starter supports, e.g. {pins}")


def summary(result: Consultation, kb: KnowledgeBase, lang: str) -> list[str]:
    """The short review: core decisions and reasons, the gaps, the conflicts (the last two in full)."""
    cols = width()
    decisions = result.decisions(kb)
    core = [k for k in CORE if k in decisions]
    lines = [t("title", lang, shown=len(core), total=len(decisions))]
    for key in core:
        head = f"  {key:<13} {show(decisions[key].value):<15} "
        lines.append(cut(head + reason(decisions[key], lang), cols))
    gaps = gaps_of(result, kb)
    if gaps:
        lines.append(t("gaps", lang, n=len(gaps)))
        for g in gaps:
            why = g.reason if lang == "en" else t("gap_fr", lang)
            lines.append(cut(f"  ✗ {g.key}={show(g.value)} -> {show(g.alternative)}: {why}", cols))
    if result.conflicts:
        lines.append(t("conflicts", lang, n=len(result.conflicts)))
        lines += [cut(f"  ! {tr(c.because, lang)}", cols) for c in result.conflicts]
    if result.warnings:
        lines.append(t("warnings", lang, n=len(result.warnings)))
    return lines


def full(result: Consultation, kb: KnowledgeBase, lang: str) -> list[str]:
    """Every decision with its reason, then the warnings (``all``)."""
    data = report(result, kb, lang)
    lines = [f"  {key:<20} {show(d['value']):<18} {d['because']}" for key, d in data["decisions"].items()]
    return lines + [f"  ! {w['because']}" for w in data["warnings"]]


def moved(before: Consultation, after: Consultation, kb: KnowledgeBase, lang: str) -> list[str]:
    """The decisions whose value changed, ``key: before -> after``."""
    old, new = before.decisions(kb), after.decisions(kb)
    changes = [f"  {k}: {show(old[k].value) if k in old else '-'} -> {show(new[k].value) if k in new else '-'}"
               for k in kb.decisions if (old.get(k) and old[k].value) != (new.get(k) and new[k].value)]
    return [t("moved", lang), *changes] if changes else [t("nothing_moved", lang)]


def review(consultant: Consultant, step: Step, ask: Callable[..., Any], lang: str,
           remember: Callable[[dict[str, Any]], None]) -> Step:
    """Show the summary and read commands until the user accepts; return the accepted step. ``remember``
    receives the answers after each change (what a refusal later saves)."""
    kb = consultant.kb
    history: list[Step] = []
    click.echo("\n".join(summary(step.result, kb, lang)))
    while True:
        gaps = gaps_of(step.result, kb)
        extra = (t("extra_nearest", lang) if gaps else "") + (t("extra_back", lang) if history else "")
        command = read_line(t("prompt", lang, extra=extra), lang).strip()
        low = command.lower()
        if low in ACCEPT:
            return step
        if low == "?":
            click.echo(t("help", lang))
            continue
        if low == "all":
            click.echo("\n".join(full(step.result, kb, lang)))
            continue
        if low == "back":
            if not history:
                click.echo(t("no_back", lang))
                continue
            previous, step = step, history.pop()
            remember(step.answers)
            click.echo("\n".join([*summary(step.result, kb, lang), *moved(previous.result, step.result, kb, lang)]))
            continue
        if low == "nearest":
            if not gaps:
                click.echo(t("no_gaps", lang))
                continue
            pins = {g.key: g.alternative for g in gaps}
        else:
            key = _which(kb, command, lang)
            value = _new_value(kb, key, step.result, lang)
            if value is None:
                continue
            pins = {key: value}
        answers = {**step.answers, **pins}
        result = consultant.run(answers, ask)
        history.append(step)
        previous, step = step, Step(result.answers(kb), result)
        remember(step.answers)
        click.echo("\n".join([*summary(step.result, kb, lang), *moved(previous.result, step.result, kb, lang)]))


def _which(kb: KnowledgeBase, command: str, lang: str) -> str:
    """The decision named by ``command``, or asked for (``n``/``no``/``non`` or an unknown name)."""
    keys = list(kb.decisions)
    key = "" if command.lower() in ("n", "no", "non") else command
    while key not in keys:
        if key:
            click.echo(t("unknown", lang, key=key, hint=did_you_mean(key, keys)))
        key = read_line(t("which", lang), lang).strip()
    return key


def _new_value(kb: KnowledgeBase, key: str, result: Consultation, lang: str) -> str | None:
    """The value the user picks for ``key`` among its catalogue values (number or name); None keeps it."""
    decision = kb.decisions[key]
    values = list(decision.values)
    current = result.facts[key].value if key in result.facts else None
    for i, value in enumerate(values, 1):
        mark = f"  ({t('current', lang)})" if value == current else ""
        click.echo(f"  {i}) {value}: {tr(decision.values[value], lang)}{mark}")
    while True:
        picked = read_line(t("new_value", lang, key=key, current=show(current)), lang).strip()
        if not picked:
            return None
        if picked.isdigit() and 1 <= int(picked) <= len(values):
            return values[int(picked) - 1]
        if picked in values:
            return picked
        click.echo(t("bad_value", lang))
