"""Load the knowledge base (``rules/**.yml`` and company rule packs) into typed objects.

The format is documented in ``docs/knowledge-format.md``. Every error names the file and line.
``lint`` checks the whole base: unique ids, known keys and values, acyclic dependencies, reachable
questions, and the durable-rules limits. Run ``python -m expert.knowledge`` to lint.
"""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from expert.paths import RULES_DIR
from expert.yamlio import YamlError, line_of, load_yaml, load_yaml_fast, plain, quote

DOMAINS = ("api", "database", "auth-security", "architecture", "performance", "testing", "devops")
DOMAIN_TITLES: dict[str, dict[str, str]] = {
    "api": {"en": "API", "fr": "API"},
    "database": {"en": "Database", "fr": "Base de données"},
    "auth-security": {"en": "Auth & security", "fr": "Authentification et sécurité"},
    "architecture": {"en": "Architecture", "fr": "Architecture"},
    "performance": {"en": "Performance", "fr": "Performance"},
    "testing": {"en": "Testing", "fr": "Tests"},
    "devops": {"en": "DevOps", "fr": "DevOps"},
}
LANGS = ("en", "fr")
QUESTION_TYPES = ("choice", "multi", "bool", "text")
TESTS = ("in", "not", "not_in", "contains")
DEFAULT_PRIORITY = 50
#: the brief's four guiding principles, in its order; a rule may declare which it serves and which it trades
PRINCIPLES = ("security", "scalability", "maintainability", "performance")
#: measured limits of durable-rules 2.0.28 (shared/research/durable-rules.md), kept with margin
MAX_CONSTANTS_PER_PROPERTY = 400
MAX_JOIN_RULES_PER_RULESET = 200

#: ids are short (they are quoted in errors, explanations and generated docs): 64 characters for keys
#: and agent names, 100 for rule ids
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
VALUE_RE = re.compile(r"^[a-z0-9][a-z0-9.+-]*$")
AGENT_RE = re.compile(r"^[a-z][a-z0-9-]{0,63}/[a-z][a-z0-9-]{0,63}$")
RULE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")


class KnowledgeError(Exception):
    """A knowledge file is malformed: the message starts with ``file:line:``."""


Text = dict[str, str]


@dataclass(frozen=True)
class Test:
    """One test on one fact: ``op`` is eq, in, not, not_in or contains."""

    op: str
    values: tuple[Any, ...]

    def holds(self, value: Any) -> bool:
        """Evaluate in Python (used by explanations and lint; the engine compiles the same test)."""
        if self.op == "eq":
            return value == self.values[0]
        if self.op == "in":
            return value in self.values
        if self.op == "not":
            return value != self.values[0]
        if self.op == "not_in":
            return value not in self.values
        return isinstance(value, list) and self.values[0] in value


Condition = tuple[tuple[str, Test], ...]  # a conjunction over distinct keys


@dataclass(frozen=True)
class Choice:
    value: str
    label: Text
    keywords: tuple[str, ...] = ()  # words in a free-text description that mean this choice


@dataclass
class Question:
    id: str
    agent: str
    type: str
    prompt: Text
    help: Text
    default: Any
    choices: tuple[Choice, ...] = ()
    when: tuple[Condition, ...] = ()  # alternatives; empty = always relevant
    where: str = ""

    def choice_values(self) -> list[Any]:
        if self.type == "bool":
            return [True, False]
        return [c.value for c in self.choices]


@dataclass
class Rule:
    """A rule: kind ``decision`` concludes ``then``; ``conflict`` and ``warning`` only report."""

    id: str
    agent: str
    kind: str
    when: tuple[Condition, ...]
    because: Text
    then: dict[str, str] = field(default_factory=dict)
    priority: int = DEFAULT_PRIORITY
    where: str = ""
    order: int = 0
    #: principles (of PRINCIPLES) the conclusion serves, and those it gives ground on to do so
    serves: tuple[str, ...] = ()
    trades: tuple[str, ...] = ()


@dataclass
class Agent:
    id: str
    domain: str
    title: Text
    keywords: dict[str, list[str]]
    advice: list[Text]
    where: str
    pack: bool = False


@dataclass
class DecisionKey:
    key: str
    label: Text
    values: dict[str, Text]
    keywords: dict[str, list[str]] = field(default_factory=dict)  # value -> words that name it in free text
    # value -> other decisions it fixes (a value) or narrows (a list: the rules choose among them, else the first)
    implies: dict[str, dict[str, str | list[str]]] = field(default_factory=dict)
    advice_only: list[str] = field(default_factory=list)  # values no template implements: recorded in docs only


@dataclass
class KnowledgeBase:
    agents: dict[str, Agent]
    questions: dict[str, Question]
    rules: list[Rule]
    decisions: dict[str, DecisionKey]

    def rules_concluding(self, key: str) -> list[Rule]:
        return [r for r in self.rules if r.kind == "decision" and key in r.then]

    def rules_using(self, key: str) -> list[Rule]:
        return [r for r in self.rules if any(k == key for cond in r.when for k, _ in cond)]

    def dependencies(self) -> dict[str, set[str]]:
        """Key -> the keys it depends on (question relevance and rule premises)."""
        deps: dict[str, set[str]] = {k: set() for k in self.keys()}
        for q in self.questions.values():
            deps[q.id] |= {k for cond in q.when for k, _ in cond}
        for r in self.rules:
            premises = {k for cond in r.when for k, _ in cond}
            for key in r.then:
                deps.setdefault(key, set()).update(premises)  # an unknown key is the lint's to report
        return deps

    def keys(self) -> list[str]:
        return list(self.questions) + [k for k in self.decisions if k not in self.questions]

    def question_order(self, qid: str) -> tuple[int, int]:
        """Interview order: domain order, then the order of the questions in the knowledge base."""
        q = self.questions[qid]
        domain = q.agent.split("/", 1)[0]
        rank = DOMAINS.index(domain) if domain in DOMAINS else len(DOMAINS)
        return rank, list(self.questions).index(qid)


# ----------------------------------------------------------------------------- loading

#: what each entry of an agent file may hold (anything else is a typo, refused with its line)
AGENT_SECTIONS = ("agent", "title", "keywords", "questions", "rules", "conflicts", "warnings", "advice")
QUESTION_FIELDS = ("id", "type", "prompt", "help", "choices", "default", "when")
CHOICE_FIELDS = ("value", "label", "keywords")
RULE_FIELDS = {"decision": ("id", "when", "then", "because", "priority", "serves", "trades"), "conflict": ("id", "when", "because"),
               "warning": ("id", "when", "because")}
#: a rule pack's priorities stay in this range (the built-in rules use 5 to 80)
MIN_PRIORITY, MAX_PRIORITY = 0, 1000


def _text(node: Any, where: str, what: str, required: bool = True) -> Text:
    if node is None and not required:
        return {}
    if isinstance(node, str):
        return {lang: node for lang in LANGS}
    if not isinstance(node, dict) or not all(isinstance(node.get(lang), str) for lang in LANGS):
        raise KnowledgeError(f"{where}: {what} needs an 'en' and an 'fr' text")
    return {lang: str(node[lang]) for lang in LANGS}


def _is_value(value: Any) -> bool:
    """A value a test may compare with: a string or a boolean (what answers and decisions hold)."""
    return isinstance(value, (str, bool))


def _test(raw: Any, where: str) -> Test:
    raw = plain(raw)
    if isinstance(raw, list):
        raw = {"in": raw}
    if isinstance(raw, dict):
        if len(raw) != 1 or next(iter(raw)) not in TESTS:
            raise KnowledgeError(f"{where}: a test is a value, a list, or one of {', '.join(TESTS)}")
        op, arg = next(iter(raw.items()))
        if op in ("in", "not_in"):
            if not isinstance(arg, list) or not arg or not all(_is_value(v) for v in arg):
                raise KnowledgeError(f"{where}: '{op}' needs a non-empty list of strings or booleans")
            return Test(op, tuple(arg))
        if not _is_value(arg):
            raise KnowledgeError(f"{where}: '{op}' needs a string or a boolean, not {quote(arg)}")
        return Test(op, (arg,))
    if _is_value(raw):
        return Test("eq", (raw,))
    raise KnowledgeError(f"{where}: a test value must be a string or a boolean, not {quote(raw)}")


def _condition(raw: Any, file: str, node: Any, key: str, required: bool) -> tuple[Condition, ...]:
    where = f"{file}:{line_of(node, key)}"
    if raw is None:
        if required:
            raise KnowledgeError(f"{where}: 'when' is required (a rule needs at least one premise)")
        return ()
    alternatives = raw if isinstance(raw, list) else [raw]
    if not alternatives:
        raise KnowledgeError(f"{where}: 'when' is an empty list: give a mapping of fact keys to tests")
    out = []
    for index, alt in enumerate(alternatives):
        awhere = f"{file}:{line_of(raw, index)}" if isinstance(raw, list) else where
        if not isinstance(alt, dict) or not alt:
            raise KnowledgeError(f"{awhere}: 'when' must be a non-empty mapping of fact keys to tests (or a list of them)")
        conj = []
        for k, t in alt.items():
            kwhere = f"{file}:{line_of(alt, k)}"
            if not isinstance(k, str) or not KEY_RE.match(k):
                raise KnowledgeError(f"{kwhere}: {quote(k)} is not a fact key (lower-case letters, digits, '_')")
            conj.append((k, _test(t, kwhere)))
        out.append(tuple(conj))
    return tuple(out)


def _mapping(node: Any, where: str, what: str) -> dict:
    if not isinstance(node, dict):
        raise KnowledgeError(f"{where}: {what} must be a mapping")
    return node


def _list(parent: dict, key: str, file: str, what: str) -> list:
    """``parent[key]``: a list (absent or null means empty)."""
    node = parent.get(key)
    if node is None:
        return []
    if not isinstance(node, list):
        raise KnowledgeError(f"{file}:{line_of(parent, key)}: {what} must be a list")
    return node


def _words(parent: dict, key: str, file: str, what: str) -> list[str]:
    """``parent[key]``: a list of keywords (strings, or numbers such as 429), lower-cased."""
    words = _list(parent, key, file, what)
    if not all(isinstance(w, (str, int)) and not isinstance(w, bool) for w in words):
        raise KnowledgeError(f"{file}:{line_of(parent, key)}: {what} must be a list of words")
    return [str(w).lower() for w in words]


def _entries(parent: dict, key: str, file: str, what: str, fields: tuple[str, ...]) -> list[dict]:
    """The mappings of the list ``parent[key]``; an entry that is not a mapping, or has an unknown
    field, is refused with its line."""
    items = _list(parent, key, file, f"'{key}'")
    for index, item in enumerate(items):
        _mapping(item, f"{file}:{line_of(items, index)}", what)
        for k in item:
            if k not in fields:
                raise KnowledgeError(f"{file}:{line_of(item, k)}: {what}: unknown field {quote(k)} (expected {', '.join(fields)})")
    return items


def load_agent_file(path: Path, kb: KnowledgeBase, pack: bool = False, fast: bool = False) -> None:
    """Add one agent file (or rule pack) to ``kb``; raise KnowledgeError with file:line.

    ``fast`` parses without line information (built-in files); on an error the file is parsed again
    with line information so that the message still names the line."""
    if fast:
        snapshot = (dict(kb.agents), dict(kb.questions), list(kb.rules))
        try:
            return _load_agent_doc(load_yaml_fast(path), path, kb, pack)
        except KnowledgeError:
            kb.agents, kb.questions, kb.rules = snapshot[0], snapshot[1], snapshot[2]
    try:
        doc = load_yaml(path)
    except YamlError as exc:
        raise KnowledgeError(str(exc)) from None
    _load_agent_doc(doc, path, kb, pack)


def _load_agent_doc(doc: Any, path: Path, kb: KnowledgeBase, pack: bool) -> None:
    file = str(path)
    doc = _mapping(doc, f"{file}:1", "an agent file")
    for k in doc:
        if k not in AGENT_SECTIONS:
            expected = ", ".join(sorted(AGENT_SECTIONS))
            raise KnowledgeError(f"{file}:{line_of(doc, k)}: unknown section {quote(k)} (expected one of {expected})")
    agent_id = doc.get("agent")
    if not isinstance(agent_id, str) or not AGENT_RE.match(agent_id):
        raise KnowledgeError(f"{file}:{line_of(doc, 'agent')}: 'agent' must be '<domain>/<name>' (lower-case letters, digits, '-')")
    if agent_id in kb.agents:
        raise KnowledgeError(f"{file}:{line_of(doc, 'agent')}: agent {agent_id!r} is defined twice")
    keywords = _mapping(doc.get("keywords") or {}, f"{file}:{line_of(doc, 'keywords')}", "'keywords'")
    for lang in keywords:
        if lang not in LANGS:
            where = f"{file}:{line_of(keywords, lang)}"
            raise KnowledgeError(f"{where}: keywords are given per language ({', '.join(LANGS)}), not {quote(lang)}")
    advice = _list(doc, "advice", file, "'advice'")
    kb.agents[agent_id] = Agent(
        id=agent_id,
        domain=agent_id.split("/", 1)[0],
        title=_text(doc.get("title", agent_id), f"{file}:{line_of(doc, 'title')}", "'title'"),
        keywords={lang: _words(keywords, lang, file, f"keywords.{lang}") for lang in LANGS},
        advice=[_text(a, f"{file}:{line_of(advice, i)}", "advice") for i, a in enumerate(advice)],
        where=f"{file}:1",
        pack=pack,
    )
    for q in _entries(doc, "questions", file, "a question", QUESTION_FIELDS):
        _load_question(q, file, agent_id, kb)
    for section, kind in (("rules", "decision"), ("conflicts", "conflict"), ("warnings", "warning")):
        for r in _entries(doc, section, file, f"an entry of '{section}'", RULE_FIELDS[kind]):
            _load_rule(r, file, agent_id, kind, kb)


def _load_question(q: dict, file: str, agent_id: str, kb: KnowledgeBase) -> None:
    where = f"{file}:{line_of(q, 'id')}"  # the entry's own line when it has no id
    qid = q.get("id")
    if not isinstance(qid, str) or not KEY_RE.match(qid):
        raise KnowledgeError(f"{where}: a question needs an id matching {KEY_RE.pattern}")
    if qid in kb.questions:
        raise KnowledgeError(f"{where}: question {qid!r} is defined twice (also {kb.questions[qid].where})")
    qtype = q.get("type")
    if qtype not in QUESTION_TYPES:
        raise KnowledgeError(f"{file}:{line_of(q, 'type')}: question {qid!r}: type must be one of {', '.join(QUESTION_TYPES)}")
    choices = []
    for c in _entries(q, "choices", file, f"question {qid!r}: a choice", CHOICE_FIELDS):
        value = c.get("value")
        if not isinstance(value, str):
            raise KnowledgeError(f"{file}:{line_of(c, 'value')}: question {qid!r}: a choice needs a string value")
        choices.append(
            Choice(
                value,
                _text(c.get("label", value), f"{file}:{line_of(c, 'label')}", "a label"),
                tuple(_words(c, "keywords", file, "a choice's keywords")),
            )
        )
    if qtype in ("choice", "multi") and not choices:
        raise KnowledgeError(f"{where}: question {qid!r} of type {qtype} needs choices")
    if qtype in ("bool", "text") and choices:
        raise KnowledgeError(f"{file}:{line_of(q, 'choices')}: question {qid!r} of type {qtype} takes no choices")
    if "default" not in q:
        raise KnowledgeError(f"{where}: question {qid!r} needs a default")
    kb.questions[qid] = Question(
        id=qid,
        agent=agent_id,
        type=qtype,
        prompt=_text(q.get("prompt"), f"{file}:{line_of(q, 'prompt')}", "'prompt'"),
        help=_text(q.get("help"), f"{file}:{line_of(q, 'help')}", "'help'"),
        default=plain(q.get("default")),
        choices=tuple(choices),
        when=_condition(q.get("when"), file, q, "when", required=False),
        where=where,
    )


def _principles(r: dict, key: str, file: str, rid: str) -> tuple[str, ...]:
    """``serves`` or ``trades`` of rule ``rid``: a list of distinct principles (absent means none)."""
    names = _list(r, key, file, f"rule {rid!r}: {key!r}")
    where = f"{file}:{line_of(r, key)}"
    for name in names:
        if name not in PRINCIPLES:
            raise KnowledgeError(f"{where}: rule {rid!r}: {key}: {quote(name)} is not a principle "
                                 f"(expected {', '.join(PRINCIPLES)})")
    if len(set(names)) != len(names):
        raise KnowledgeError(f"{where}: rule {rid!r}: {key} names a principle twice")
    return tuple(names)


def _load_rule(r: dict, file: str, agent_id: str, kind: str, kb: KnowledgeBase) -> None:
    where = f"{file}:{line_of(r, 'id')}"
    rid = r.get("id")
    if not isinstance(rid, str) or not RULE_ID_RE.match(rid):
        raise KnowledgeError(f"{where}: a rule needs an id matching {RULE_ID_RE.pattern}")
    if any(x.id == rid for x in kb.rules):
        raise KnowledgeError(f"{where}: rule id {rid!r} is used twice")
    then: dict = {}
    if kind == "decision":
        then = _mapping(r.get("then"), f"{file}:{line_of(r, 'then')}", f"rule {rid!r}: 'then' (decision keys to values)")
        if not then:
            raise KnowledgeError(f"{where}: rule {rid!r} concludes nothing ('then' is empty)")
        for k, v in then.items():
            if not isinstance(k, str) or not KEY_RE.match(k):
                raise KnowledgeError(f"{file}:{line_of(then, k)}: rule {rid!r}: {quote(k)} is not a decision key")
            if not isinstance(v, str):
                raise KnowledgeError(f"{file}:{line_of(then, k)}: rule {rid!r}: {k} must be a string value")
    serves, trades = _principles(r, "serves", file, rid), _principles(r, "trades", file, rid)
    if set(serves) & set(trades):
        raise KnowledgeError(f"{file}:{line_of(r, 'trades')}: rule {rid!r}: a principle cannot be both served and "
                             f"traded ({', '.join(sorted(set(serves) & set(trades)))})")
    priority = r.get("priority", DEFAULT_PRIORITY)
    if not isinstance(priority, int) or isinstance(priority, bool) or not MIN_PRIORITY <= priority <= MAX_PRIORITY:
        raise KnowledgeError(f"{file}:{line_of(r, 'priority')}: rule {rid!r}: priority must be an integer "
                             f"from {MIN_PRIORITY} to {MAX_PRIORITY}")
    kb.rules.append(
        Rule(
            id=rid,
            agent=agent_id,
            kind=kind,
            when=_condition(r.get("when"), file, r, "when", required=True),
            because=_text(r.get("because"), f"{file}:{line_of(r, 'because')}", "'because'"),
            then={str(k): str(v) for k, v in then.items()},
            priority=priority,
            where=where,
            order=len(kb.rules),
            serves=serves,
            trades=trades,
        )
    )


def load_catalog(path: Path, kb: KnowledgeBase, fast: bool = False) -> None:
    try:
        doc = load_yaml_fast(path) if fast else load_yaml(path)
    except YamlError as exc:
        raise KnowledgeError(str(exc)) from None
    decisions = _mapping((doc or {}).get("decisions"), f"{path}:1", "'decisions'")
    for key, spec in decisions.items():
        where = f"{path}:{line_of(decisions, key)}"
        spec = _mapping(spec, where, f"decision {key!r}")
        values = _mapping(spec.get("values"), where, f"decision {key!r} values")
        kb.decisions[key] = DecisionKey(
            key=key,
            label=_text(spec.get("label", key), where, "'label'"),
            values={str(v): _text(lbl, f"{path}:{line_of(values, v)}", "a value label") for v, lbl in values.items()},
            keywords={
                str(v): [str(k).lower() for k in lbl.get("keywords") or []]
                for v, lbl in values.items()
                if isinstance(lbl, dict)
            },
            implies={
                str(v): {str(k): [str(y) for y in x] if isinstance(x, list) else str(x) for k, x in lbl["implies"].items()}
                for v, lbl in values.items()
                if isinstance(lbl, dict) and isinstance(lbl.get("implies"), dict)
            },
            advice_only=_advice_only(spec.get("advice_only"), values, where),
        )


def _advice_only(raw: Any, values: dict, where: str) -> list[str]:
    """``advice_only: true`` (every value) or a list of values that no template implements."""
    if raw is None or raw is False:
        return []
    if raw is True:
        return [str(v) for v in values]
    if isinstance(raw, list) and all(str(v) in values for v in raw):
        return [str(v) for v in raw]
    raise KnowledgeError(f"{where}: advice_only must be true or a list of this decision's values")


def load_knowledge(
    packs: Iterable[Path] = (), rules_dir: Path = RULES_DIR, check: bool = True, fast: bool = True
) -> KnowledgeBase:
    """The built-in knowledge base plus company rule packs (each a single agent file), linted.
    ``fast``: parse the built-in files without line information (packs always keep it)."""
    kb = KnowledgeBase(agents={}, questions={}, rules=[], decisions={})
    load_catalog(rules_dir / "decisions.yml", kb, fast=fast)
    for domain in DOMAINS:
        for path in sorted((rules_dir / domain).glob("*.yml")):
            load_agent_file(path, kb, fast=fast)
            expected = f"{domain}/{path.stem}"
            if expected not in kb.agents:
                raise KnowledgeError(f"{path}:1: the agent id must be {expected!r} (the file's place)")
    for pack in packs:
        if not pack.is_file():
            raise KnowledgeError(f"{pack}: no such rule pack")
        load_agent_file(pack, kb, pack=True)
    errors = lint(kb) if check else []
    if errors and fast:
        return load_knowledge(packs, rules_dir, check, fast=False)  # again, for the line numbers
    if errors:
        raise KnowledgeError(errors[0] if len(errors) == 1 else f"{errors[0]} (and {len(errors) - 1} more)")
    return kb


# ----------------------------------------------------------------------------- lint


def _allowed_values(kb: KnowledgeBase, key: str) -> list[Any] | None:
    if key in kb.questions:
        q = kb.questions[key]
        return None if q.type == "text" else q.choice_values()
    if key in kb.decisions:
        return list(kb.decisions[key].values)
    return None


def lint(kb: KnowledgeBase) -> list[str]:
    """Every problem of the knowledge base, one line each (empty when it is sound)."""
    errors: list[str] = []
    overlap = set(kb.questions) & set(kb.decisions)
    for key in sorted(overlap):
        errors.append(f"{kb.questions[key].where}: {key!r} is both a question and a decision key")
    for q in kb.questions.values():
        values = q.choice_values()
        defaults = q.default if q.type == "multi" else [q.default]
        if q.type == "multi" and not isinstance(q.default, list):
            errors.append(f"{q.where}: question {q.id!r}: the default of a multi question is a list")
            defaults = []
        if q.type == "text":
            if not isinstance(q.default, str):
                errors.append(f"{q.where}: question {q.id!r}: the default must be text")
        else:
            for d in defaults:
                if not any(type(d) is type(v) and d == v for v in values):  # 1 is not true, nor 1.0 a choice
                    errors.append(f"{q.where}: question {q.id!r}: default {quote(d)} is not one of its choices")
    for dk in kb.decisions.values():
        for value, implied in dk.implies.items():
            for key, others in implied.items():
                if others == []:
                    errors.append(f"decisions.yml: {dk.key}={value} implies {key} among no value")
                for other in others if isinstance(others, list) else [others]:
                    if key not in kb.decisions or other not in kb.decisions[key].values:
                        errors.append(f"decisions.yml: {dk.key}={value} implies {key}={other}, which is not a known decision value")
    for dk in kb.decisions.values():
        errors += [f"decisions.yml: {dk.key}: value {v!r} is not lower-case kebab-case" for v in dk.values if not VALUE_RE.match(v)]
    for q in kb.questions.values():
        errors += [f"{q.where}: question {q.id!r}: choice {quote(c.value)} is not lower-case kebab-case"
                   for c in q.choices if not VALUE_RE.match(c.value)]
    for r in kb.rules:
        for key, value in r.then.items():
            if key not in kb.decisions:
                errors.append(f"{r.where}: rule {r.id!r} concludes {key!r}, which is not a known decision key")
            elif value not in kb.decisions[key].values:
                errors.append(f"{r.where}: rule {r.id!r}: {quote(value)} is not a known value of {key!r}")
    for owner, where, conds in _all_conditions(kb):
        for cond in conds:
            for key, test in cond:
                allowed = _allowed_values(kb, key)
                if key not in kb.questions and key not in kb.decisions:
                    errors.append(f"{where}: {owner} tests {key!r}, which no question asks and no decision names")
                    continue
                if test.op == "contains" and kb.questions.get(key, None) is None:
                    errors.append(f"{where}: {owner}: 'contains' only applies to multi questions ({key!r})")
                if test.op == "contains" and key in kb.questions and kb.questions[key].type != "multi":
                    errors.append(f"{where}: {owner}: 'contains' only applies to multi questions ({key!r})")
                if allowed is not None:
                    for v in test.values:
                        if v not in allowed:
                            errors.append(f"{where}: {owner} tests {key!r} against {quote(v)}, which is not one of its values")
    errors += _cycles(kb)
    errors += _unconcluded(kb)
    errors += _durable_limits(kb)
    return errors


def _all_conditions(kb: KnowledgeBase):
    for q in kb.questions.values():
        yield f"question {q.id!r}", q.where, q.when
    for r in kb.rules:
        yield f"rule {r.id!r}", r.where, r.when


def _cycles(kb: KnowledgeBase) -> list[str]:
    """The first dependency cycle, named at a question or rule that closes it (iterative: a pack may
    chain thousands of questions)."""
    deps = {key: sorted(needed) for key, needed in kb.dependencies().items()}
    state: dict[str, int] = {}
    for start in sorted(deps):
        if state.get(start):
            continue
        path, stack = [start], [iter(deps.get(start, ()))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                cycle = path[path.index(nxt):] + [nxt]
                return [f"{_cycle_where(kb, cycle)}: dependency cycle: {' -> '.join(cycle)}"]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(deps.get(nxt, ())))
    return []


def _cycle_where(kb: KnowledgeBase, cycle: list[str]) -> str:
    """Where one link of ``cycle`` (a key depending on the next) is written, a rule pack's first."""
    links = set(itertools.pairwise(cycle))
    places = [(kb.agents[q.agent].pack, q.where) for q in kb.questions.values()
              if any((q.id, k) in links for cond in q.when for k, _ in cond)]
    places += [(kb.agents[r.agent].pack, r.where) for r in kb.rules
               if any((key, k) in links for key in r.then for cond in r.when for k, _ in cond)]
    return sorted(places, key=lambda place: not place[0])[0][1] if places else "knowledge"


def _unconcluded(kb: KnowledgeBase) -> list[str]:
    """A decision key no rule concludes would only ever be set by a pin: the catalogue and the rules disagree."""
    concluded = {k for r in kb.rules for k in r.then}
    errors = []
    for key in kb.decisions:
        if key not in concluded:
            errors.append(f"decision {key!r} is in decisions.yml but no rule concludes it")
    return errors


def _durable_limits(kb: KnowledgeBase) -> list[str]:
    """One ruleset per agent: count constants and join rules against the measured limits."""
    errors = []
    for agent in kb.agents:
        conditions = [q.when for q in kb.questions.values() if q.agent == agent]
        conditions += [r.when for r in kb.rules if r.agent == agent]
        constants: set[Any] = set()
        joins = 0
        for conds in conditions:
            for cond in conds:
                joins += 1 if len(cond) > 1 else 0
                for key, test in cond:
                    constants.add(key)
                    constants.update(test.values)
        if len(constants) > MAX_CONSTANTS_PER_PROPERTY:
            errors.append(f"{kb.agents[agent].where}: agent {agent!r} tests {len(constants)} distinct constants, "
                          "over the durable-rules limit with margin")
        if joins > MAX_JOIN_RULES_PER_RULESET:
            errors.append(f"{kb.agents[agent].where}: agent {agent!r} has {joins} join rules, over the durable-rules limit with margin")
    return errors


def main(argv: list[str]) -> int:
    """Lint the built-in knowledge base plus the packs given; print every problem."""
    try:
        kb = load_knowledge([Path(p) for p in argv], check=False)
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return 1
    errors = lint(kb)
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        return 1
    print(f"ok: {len(kb.agents)} agents, {len(kb.questions)} questions, {len(kb.rules)} rules")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
