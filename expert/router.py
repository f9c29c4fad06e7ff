"""Free text -> agents (by their keywords, French and English) and pre-filled facts (``--describe``).

Matching is accent- and case-insensitive and by whole words or phrases: "requêtes" matches the
keyword "requetes", "rate limiting" matches as a phrase, "rest" does not match inside "restaurant".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from expert.answers import CONTROL_RE, MAX_DESCRIPTION_LENGTH, AnswersError
from expert.knowledge import Agent, KnowledgeBase

#: longest free text read (``--describe``, ``ask``): what a description may hold
MAX_FREE_TEXT_LENGTH = MAX_DESCRIPTION_LENGTH


def _bounded(text: str) -> str:
    """Refuse a text too long to be a description (matching cost grows with its length), or holding a
    control character once its whitespace is folded (``--describe`` text becomes the description)."""
    if len(text) > MAX_FREE_TEXT_LENGTH:
        raise AnswersError(f"the text is {len(text):,} characters long; the limit is {MAX_FREE_TEXT_LENGTH:,}")
    bad = CONTROL_RE.search(" ".join(text.split()))
    if bad:
        raise AnswersError(f"the text contains a control character (U+{ord(bad.group()):04X}); remove it")
    return text


def normalise(text: str) -> str:
    """Lower-case, accents removed, punctuation turned into spaces, padded for phrase search."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = re.sub(r"[^a-z0-9+#]+", " ", folded)
    return f" {' '.join(folded.split())} "


def _found(keyword: str, text: str) -> bool:
    phrase = normalise(keyword).strip()
    return bool(phrase) and f" {phrase} " in text


@dataclass
class Route:
    agent: Agent
    score: float
    matched: list[str]


def route(text: str, kb: KnowledgeBase) -> list[Route]:
    """Agents whose keywords occur in ``text``, best first. A phrase of n words weighs n."""
    norm = normalise(_bounded(text))
    routes = []
    for index, agent in enumerate(kb.agents.values()):
        matched = sorted({kw for lang in agent.keywords.values() for kw in lang if _found(kw, norm)})
        # a keyword that is part of a longer matched keyword counts once (the longer one)
        matched = [kw for kw in matched if not any(kw != other and _found(kw, normalise(other)) for other in matched)]
        if matched:
            score = float(sum(len(normalise(kw).split()) for kw in matched))
            routes.append((score, -index, Route(agent, score, matched)))
    routes.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [r for _, _, r in routes]


@dataclass
class Understood:
    key: str
    value: Any
    words: list[str]


def describe(text: str, kb: KnowledgeBase) -> list[Understood]:
    """Facts stated in free text: question choices and decision values whose keywords occur in it."""
    norm = normalise(_bounded(text))
    found: list[Understood] = []
    for q in kb.questions.values():
        hits = [(c.value, [kw for kw in c.keywords if _found(kw, norm)]) for c in q.choices]
        hits = [(v, words) for v, words in hits if words]
        if not hits:
            continue
        if q.type == "multi":
            found.append(Understood(q.id, [v for v, _ in hits], [w for _, ws in hits for w in ws]))
        elif q.type == "choice" and len(hits) == 1:
            found.append(Understood(q.id, hits[0][0], hits[0][1]))
    for key, dk in kb.decisions.items():
        hits = [(v, [kw for kw in dk.keywords.get(v, []) if _found(kw, norm)]) for v in dk.values]
        hits = [(v, words) for v, words in hits if words]
        if len(hits) == 1:  # two databases named: ambiguous, let the rules decide
            found.append(Understood(key, hits[0][0], hits[0][1]))
    return found
