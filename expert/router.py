"""Free text -> agents (by their keywords, French and English) and pre-filled facts (``--describe``).

Matching is accent- and case-insensitive and by whole words or phrases: "requêtes" matches the
keyword "requetes", "rate limiting" matches as a phrase, "rest" does not match inside "restaurant".
Routing compares Snowball stems (English and French), so inflections match ("throttling" and
"throttled", "déployer" and "déploiement"), and ranks agents by how specific the matched words are
(see ``route``); ``describe`` matches keywords as they are written, since a fact needs an exact name.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import snowballstemmer

from expert.answers import CONTROL_RE, MAX_DESCRIPTION_LENGTH, AnswersError
from expert.knowledge import Agent, KnowledgeBase

#: longest free text read (``--describe``, ``ask``): what a description may hold
MAX_FREE_TEXT_LENGTH = MAX_DESCRIPTION_LENGTH


def check_free_text(text: str) -> str:
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


_STEMMERS = {"en": snowballstemmer.stemmer("english"), "fr": snowballstemmer.stemmer("french")}
#: a word found in the texts of more than this share of the agents says nothing about the topic ("the",
#: "de"): it is not counted (measured, not a hand-written list of stop words); the constants below were
#: chosen on tests/routing/tuning.yml, never on the held-out set
COMMON_SHARE = 0.75
#: the most the agents' own texts add to a score (a keyword only one agent lists weighs 1)
TEXT_WEIGHT = 1.5
#: how much a keyword's specificity (the share of agents that do not list it) scales its weight
SPECIFICITY = 1.0
#: BM25's usual term-frequency saturation and length normalisation
BM25_K1, BM25_B = 1.2, 0.75


@functools.lru_cache(maxsize=65536)
def _stem(lang: str, word: str) -> str:
    """One word's stem (the knowledge base's texts repeat their words: each is stemmed once)."""
    return str(_STEMMERS[lang].stemWord(word))


def _stems(text: str, lang: str) -> tuple[str, ...]:
    """The Snowball stems of the words of ``text`` (normalised first), in order."""
    return tuple(_stem(lang, word) for word in normalise(text).split())


def _has_phrase(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return n > 0 and any(words[i:i + n] == phrase for i in range(len(words) - n + 1))


@dataclass
class _AgentIndex:
    """An agent's keywords as stems, and the stems of everything it says (title, questions, rules, advice)."""

    agent: Agent
    keywords: list[tuple[str, str, tuple[str, ...]]]  # (keyword as written, language, its stems)
    vocabulary: dict[tuple[str, str], float]  # (language, stem) -> its BM25 term weight in the agent's texts


@dataclass
class _Index:
    agents: list[_AgentIndex]
    idf: dict[tuple[str, str], float]  # how specific a keyword phrase or a vocabulary stem is, by agent count
    top: float  # the highest idf (a word only one agent uses)


def _agent_texts(agent: Agent, kb: KnowledgeBase) -> Iterable[dict[str, str]]:
    yield agent.title
    yield from agent.advice
    for q in kb.questions.values():
        if q.agent == agent.id:
            yield q.prompt
            yield q.help
            yield from (c.label for c in q.choices)
    for r in kb.rules:
        if r.agent == agent.id:
            yield r.because


def _term_weights(counts: dict[tuple[str, str], int], length: int, average: float) -> dict[tuple[str, str], float]:
    """BM25's saturated term frequency, scaled to (0, 1]: a word an agent uses often says more about it,
    with diminishing returns, and a long text's words count for less."""
    k1, b = BM25_K1, BM25_B
    norm = k1 * (1 - b + b * length / average)
    return {term: n * (k1 + 1) / (n + norm) / (k1 + 1) for term, n in counts.items()}


def _build_index(kb: KnowledgeBase) -> _Index:
    raw = []
    for agent in kb.agents.values():
        keywords = [(kw, lang, _stems(kw, lang)) for lang, words in agent.keywords.items() for kw in words]
        stems = [(lang, stem) for text in _agent_texts(agent, kb) for lang in _STEMMERS
                 for stem in _stems(text.get(lang, ""), lang)]
        stems += [(lang, stem) for _, lang, kw_stems in keywords for stem in kw_stems]
        counts: dict[tuple[str, str], int] = {}
        for term in stems:
            if len(term[1]) > 1 and not term[1].isdigit():
                counts[term] = counts.get(term, 0) + 1
        raw.append((agent, keywords, counts, len(stems)))
    average = sum(n for *_, n in raw) / max(len(raw), 1)
    agents = [_AgentIndex(agent, keywords, _term_weights(counts, n, average)) for agent, keywords, counts, n in raw]
    listed: dict[tuple[str, str], int] = {}  # keyword phrase or stem -> how many agents use it
    for a in agents:
        for item in {(lang, " ".join(stems)) for _, lang, stems in a.keywords} | a.vocabulary.keys():
            listed[item] = listed.get(item, 0) + 1
    total = max(len(agents), 1)
    idf = {item: math.log(1 + total / n) for item, n in listed.items() if n <= COMMON_SHARE * total}
    return _Index(agents, idf, math.log(1 + total))


#: the index of the last knowledge bases routed over (kept with them: an id alone may be reused)
_INDEXES: list[tuple[KnowledgeBase, _Index]] = []


def _index(kb: KnowledgeBase) -> _Index:
    for known, index in _INDEXES:
        if known is kb:
            return index
    index = _build_index(kb)
    _INDEXES.insert(0, (kb, index))
    del _INDEXES[4:]
    return index


def route(text: str, kb: KnowledgeBase) -> list[Route]:
    """Agents whose keywords occur in ``text`` (compared as stems), best first.

    A keyword phrase weighs its informative words times how specific it is (1 when a single agent lists it);
    the words of ``text`` found in an agent's own texts (its questions, rules and advice) add up to
    ``TEXT_WEIGHT``, weighted the same way, which ranks agents whose keywords tie and finds one for a text
    that names no keyword. A text matching no keyword and only common words routes nowhere."""
    bounded = check_free_text(text)
    words = {lang: _stems(bounded, lang) for lang in _STEMMERS}
    index = _index(kb)
    routes = []
    for order, entry in enumerate(index.agents):
        hits = [(kw, lang, stems) for kw, lang, stems in entry.keywords if _has_phrase(words[lang], stems)]
        # a keyword that is part of a longer matched keyword counts once (the longer one)
        hits = [h for h in hits if not any(h[2] != o[2] and _has_phrase(o[2], h[2]) for o in hits)]
        # a phrase weighs its informative words: "mot de passe" two, not three
        phrases = {(lang, " ".join(stems)): max(sum((lang, st) in index.idf for st in stems), 1)
                   for _, lang, stems in hits}
        score = sum(n * (index.idf.get(item, 0.0) / index.top) ** SPECIFICITY for item, n in phrases.items())
        query = {(lang, stem) for lang, stems in words.items() for stem in stems if (lang, stem) in index.idf}
        shared = query & entry.vocabulary.keys()
        if shared:
            score += TEXT_WEIGHT * sum(index.idf[s] * entry.vocabulary[s] for s in shared) / sum(index.idf[s] for s in query)
        if hits or len(shared) >= 2:
            matched = sorted({kw for kw, _, _ in hits}) or sorted({stem for _, stem in shared})
            routes.append((score, -order, Route(entry.agent, round(score, 3), matched)))
    routes.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [r for _, _, r in routes]


@dataclass
class Understood:
    key: str
    value: Any
    words: list[str]


def describe(text: str, kb: KnowledgeBase) -> list[Understood]:
    """Facts stated in free text: question choices and decision values whose keywords occur in it."""
    norm = normalise(check_free_text(text))
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
