"""Contradictory multiple-choice answers, refused with a reason: the limits are data (``rules/selections.yml``).

A ``multi`` question holds at least ``min`` values (default 1) and an ``exclusive`` value (e.g. ``none``) only
on its own. The same check serves the interview's menus and numbered prompts, answers files and ``--set``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from expert.paths import RULES_DIR
from expert.yamlio import load_yaml_fast

SELECTIONS_FILE = RULES_DIR / "selections.yml"


@dataclass(frozen=True)
class Limits:
    minimum: int = 1
    exclusive: tuple[str, ...] = ()


@functools.cache
def all_limits() -> dict[str, Limits]:
    """The limits of every question named in the data file (the file is checked against the questions by a test)."""
    doc = load_yaml_fast(SELECTIONS_FILE) or {}
    return {qid: Limits(int(spec.get("min", 1)), tuple(spec.get("exclusive", ()))) for qid, spec in doc.items()}


def limits(qid: str) -> Limits:
    return all_limits().get(qid, Limits())


def problem(qid: str, values: list[Any], lang: str) -> str | None:
    """Why ``values`` cannot be the answer to the multi question ``qid``, in ``lang``; None when they can."""
    rule = limits(qid)
    if len(values) < rule.minimum:
        return (f"choisissez au moins {rule.minimum} valeur(s) : une réponse vide ne dit rien" if lang == "fr"
                else f"choose at least {rule.minimum} value(s): an empty answer says nothing")
    for value in rule.exclusive:
        if value in values and len(values) > 1:
            others = ", ".join(str(v) for v in values if v != value)
            return (f"{value!r} exclut toute autre valeur (vous avez aussi choisi {others}) : gardez l'un ou l'autre"
                    if lang == "fr" else
                    f"{value!r} excludes every other value (you also chose {others}): keep one or the other")
    return None
