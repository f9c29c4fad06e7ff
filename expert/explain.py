"""Explanations: HOW a decision was reached, WHY a question is asked, and the decisions report."""

from __future__ import annotations

from typing import Any

from expert.consult import Conflict, Consultation, Fact, Why
from expert.knowledge import KnowledgeBase, Text

MESSAGES: dict[str, Text] = {
    "your_answer": {"en": "your answer", "fr": "votre réponse"},
    "your_pin": {"en": "your choice (pinned)", "fr": "votre choix (imposé)"},
    "default": {"en": "the question's default (not asked)", "fr": "la valeur par défaut de la question (non posée)"},
    "by_rule": {"en": "by rule", "fr": "par la règle"},
    "from": {"en": "from", "fr": "à partir de"},
    "also": {"en": "also considered", "fr": "aussi envisagé"},
    "always": {"en": "asked in every consultation", "fr": "posée dans toute consultation"},
    "relevant": {"en": "asked because", "fr": "posée parce que"},
    "needed": {"en": "your answer is used by", "fr": "votre réponse sert à"},
    "decides": {"en": "decides", "fr": "décide"},
}


def tr(text: Text | None, lang: str) -> str:
    if not text:
        return ""
    return text.get(lang) or text.get("en") or ""


def msg(name: str, lang: str) -> str:
    return tr(MESSAGES[name], lang)


def show(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def reason(fact: Fact, lang: str) -> str:
    """One line: why this fact has its value."""
    if fact.because:
        return tr(fact.because, lang)
    return msg({"answer": "your_answer", "pin": "your_pin", "default": "default"}[fact.source], lang)


def how(result: Consultation, kb: KnowledgeBase, key: str, lang: str) -> list[str]:
    """The derivation of ``key`` as indented lines, down to the user's answers."""
    lines: list[str] = []
    seen: set[str] = set()

    def walk(k: str, depth: int) -> None:
        pad = "  " * depth
        fact = result.facts.get(k)
        if fact is None:
            lines.append(f"{pad}{k}: -")
            return
        lines.append(f"{pad}{k} = {show(fact.value)}")
        if fact.source != "rule":
            lines.append(f"{pad}  ({reason(fact, lang)})")
            for premise in fact.premises:
                walk(premise, depth + 1)
            return
        rule = next(r for r in kb.rules if r.id == fact.rule)
        lines.append(f"{pad}  {msg('by_rule', lang)} {rule.id} [{rule.agent}]: {tr(rule.because, lang)}")
        for other_rule, value in fact.overridden:
            lines.append(f"{pad}  {msg('also', lang)}: {value} ({other_rule})")
        if k in seen:
            return
        seen.add(k)
        for premise in fact.premises:
            walk(premise, depth + 1)

    walk(key, 0)
    return lines


def why_lines(kb: KnowledgeBase, why: Why, lang: str) -> list[str]:
    """WHY a question is asked: what made it relevant, and which rules use its answer."""
    q = kb.questions[why.question]
    lines = [tr(q.help, lang)]
    if not why.relevant_because:
        lines.append(f"{msg('always', lang)} ({q.agent}).")
    else:
        facts = ", ".join(f"{k} = {show(v)}" for k, v in why.relevant_because.items())
        lines.append(f"{msg('relevant', lang)} {facts} ({q.agent}).")
    if why.needed_by:
        lines.append(f"{msg('needed', lang)}:")
        for rule in why.needed_by[:6]:
            target = ", ".join(f"{k}={v}" for k, v in rule.then.items()) or rule.kind
            lines.append(f"  - {rule.id}: {target} ({tr(rule.because, lang)})")
    return lines


def conflict_dict(c: Conflict, lang: str) -> dict[str, Any]:
    return {
        "id": c.id,
        "kind": c.kind,
        "keys": c.keys,
        "because": tr(c.because, lang),
        "reasons": [tr(r, lang) for r in c.reasons],
    }


def report(result: Consultation, kb: KnowledgeBase, lang: str) -> dict[str, Any]:
    """The ``decide --format json`` document."""
    decisions = {}
    for key in kb.decisions:
        fact = result.facts.get(key)
        if fact is None:
            continue
        decisions[key] = {
            "value": fact.value,
            "source": fact.source,
            "rule": fact.rule,
            "because": reason(fact, lang),
            "premises": [
                {"key": p, "value": result.facts[p].value} for p in fact.premises if p in result.facts
            ],
        }
    return {
        "decisions": decisions,
        "answers": {k: f.value for k, f in result.facts.items() if k in kb.questions},
        "asked": result.asked,
        "conflicts": [conflict_dict(c, lang) for c in result.conflicts],
        "warnings": [conflict_dict(c, lang) for c in result.warnings],
    }
