"""The four principles in the decisions: for each, the decisions whose rule serves it and those that trade it.

A rule declares ``serves`` and ``trades`` (docs/knowledge-format.md); a decision carries its winning
rule's declaration. ``decide`` prints this view, and ``docs/principles.md`` is rendered from the same one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from expert.consult import Consultation
from expert.explain import reason, show
from expert.knowledge import PRINCIPLES, KnowledgeBase

#: the question that ranks the principles, and what an unanswered interview assumes (the brief's order)
QUESTION = "principle_first"
DEFAULT_FIRST = "security"

LABELS: dict[str, dict[str, str]] = {
    "security": {"en": "Security", "fr": "Sécurité"},
    "scalability": {"en": "Scalability", "fr": "Scalabilité"},
    "maintainability": {"en": "Maintainability", "fr": "Maintenabilité"},
    "performance": {"en": "Performance", "fr": "Performance"},
}


@dataclass
class Link:
    """One decision as it bears on a principle."""

    key: str
    value: str
    rule: str
    because: str


@dataclass
class PrincipleView:
    principle: str
    label: str
    first: bool
    serves: list[Link] = field(default_factory=list)
    trades: list[Link] = field(default_factory=list)


def ranked_first(result: Consultation) -> str:
    """The principle the team ranks first: its answer, else the default."""
    fact = result.facts.get(QUESTION)
    return str(fact.value) if fact is not None else DEFAULT_FIRST


def principle_views(result: Consultation, kb: KnowledgeBase, lang: str) -> list[PrincipleView]:
    """Every principle, the one ranked first first (then the brief's order), with its decisions in the
    catalogue's order (so that the order of the answers does not change the view)."""
    first = ranked_first(result)
    order = sorted(PRINCIPLES, key=lambda p: (p != first, PRINCIPLES.index(p)))
    views = {p: PrincipleView(p, LABELS[p][lang], p == first) for p in order}
    rules = {r.id: r for r in kb.rules}
    for key in kb.decisions:
        fact = result.facts.get(key)
        rule = rules.get(fact.rule) if fact is not None and fact.rule else None
        if rule is None:
            continue
        link = Link(key, show(fact.value), rule.id, reason(fact, lang))
        for p in rule.serves:
            views[p].serves.append(link)
        for p in rule.trades:
            views[p].trades.append(link)
    return list(views.values())


def principles_report(result: Consultation, kb: KnowledgeBase, lang: str) -> dict[str, Any]:
    """The ``principles`` section of ``decide --format json``."""
    return {
        "first": ranked_first(result),
        "principles": {
            v.principle: {
                "served_by": [{"key": x.key, "value": x.value, "rule": x.rule} for x in v.serves],
                "traded_by": [{"key": x.key, "value": x.value, "rule": x.rule} for x in v.trades],
            }
            for v in principle_views(result, kb, lang)
        },
    }


def principles_lines(result: Consultation, kb: KnowledgeBase, lang: str) -> list[str]:
    """The text ``decide`` prints: one block per principle."""
    en = lang == "en"
    lines = ["Principles" if en else "Principes"]
    for v in principle_views(result, kb, lang):
        title = f"{v.label} ({'ranked first' if en else 'en premier'})" if v.first else v.label
        lines.append(f"  {title}")
        served = ", ".join(f"{x.key}={x.value}" for x in v.serves) or ("nothing specific" if en else "rien de particulier")
        lines.append(f"    {'served by' if en else 'servi par'}: {served}")
        if v.trades:
            traded = ", ".join(f"{x.key}={x.value}" for x in v.trades)
            lines.append(f"    {'traded by' if en else 'cédé par'}: {traded}")
    return lines


def principles_context(result: Consultation, kb: KnowledgeBase, lang: str) -> dict[str, Any]:
    """What templates/docs/architecture/principles.md.j2 renders."""
    texts = {
        "en": {"title": "The four principles in the decisions",
               "intro": "Ranked first by the team when the principles pull apart: {first}. For each principle, the "
                        "decisions that serve it, then the trade-offs made against it, with the rule's reason.",
               "serves": "Served by:", "trades": "Traded against it:", "nothing": "No decision is specific to it."},
        "fr": {"title": "Les quatre principes dans les décisions",
               "intro": "Placé en premier par l'équipe quand les principes tirent en sens contraires : {first}. "
                        "Pour chaque principe, les décisions qui le servent, puis les compromis faits à ses dépens, "
                        "avec la raison de la règle.",
               "serves": "Servi par :", "trades": "Compromis à ses dépens :", "nothing": "Aucune décision ne le concerne en propre."},
    }[lang]
    first = LABELS[ranked_first(result)][lang]
    return {"t": {**texts, "intro": texts["intro"].format(first=first.lower())},
            "principles": principle_views(result, kb, lang)}
