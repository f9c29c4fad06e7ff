"""The consultation loop: settle facts key by key, ask what is pending, until nothing is.

Keys are settled in dependency order (stratified forward chaining): a decision key takes its value only
once every key its rules test is settled, so that the highest-priority matching rule is always known
and no retraction is ever needed. The engine (durable-rules) does the matching; this module resolves
priorities, pins and conflicts, and keeps the provenance of every fact (HOW) and question (WHY).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from expert.engine import Engine, EngineRule, Firing, Premise
from expert.knowledge import KnowledgeBase, Question, Rule, Text


@dataclass
class Fact:
    """A settled fact. ``source``: answer (the user's), pin (the user's, for a decision key),
    implied (fixed by a pinned value, e.g. the language of a pinned framework), default (a question's
    default, taken without asking), rule (derived)."""

    key: str
    value: Any
    source: str
    rule: str | None = None
    premises: list[str] = field(default_factory=list)
    because: Text | None = None
    overridden: list[tuple[str, Any]] = field(default_factory=list)  # (rule id, value) that lost


@dataclass
class Conflict:
    """``kind``: incompatible (refuses generation), pin (a rule disagrees with the user's choice),
    tie (two rules of the same priority disagree), warning (works, but deserves attention).
    ``reasons`` are the texts on both sides."""

    id: str
    kind: str
    keys: list[str]
    because: Text
    reasons: list[Text]


@dataclass
class Why:
    """Why a question is asked: the facts that made it relevant, and the rules that need its answer."""

    question: str
    relevant_because: dict[str, Any]  # the facts (key -> value) that made it relevant
    needed_by: list[Rule]
    #: this question's rank in its block (its domain, within its stage), and the block's exact size
    position: tuple[int, int] = (1, 1)
    #: 0 for a question that depends on no other answer; a follow-up of stage n needs answers of stage n-1
    stage: int = 0


@dataclass
class Consultation:
    facts: dict[str, Fact]
    asked: list[str]
    conflicts: list[Conflict]
    warnings: list[Conflict]
    relevance: dict[str, list[str]]

    def decisions(self, kb: KnowledgeBase) -> dict[str, Fact]:
        return {k: f for k, f in self.facts.items() if k in kb.decisions}

    def answers(self, kb: KnowledgeBase) -> dict[str, Any]:
        """The user's answers and pins (what a rerun needs), in knowledge-base order."""
        return {k: f.value for k, f in self.facts.items() if f.source in ("answer", "pin", "default")}


Asker = Callable[[Question, Why], Any]


class ConsultError(Exception):
    """The consultation cannot complete (e.g. a question without an answer under --no-input)."""


def compile_rules(kb: KnowledgeBase) -> list[EngineRule]:
    """Knowledge -> engine rules: one per alternative of every rule, and one per relevant-when question."""
    out = []
    for r in kb.rules:
        for i, cond in enumerate(r.when):
            out.append(EngineRule(f"{r.id}#{i}", r.agent, tuple(Premise(k, t.op, t.values) for k, t in cond)))
    for q in kb.questions.values():
        for i, cond in enumerate(q.when):
            out.append(EngineRule(f"ask:{q.id}#{i}", q.agent, tuple(Premise(k, t.op, t.values) for k, t in cond)))
    return out


class Consultant:
    """Runs consultations over one compiled knowledge base."""

    def __init__(self, kb: KnowledgeBase, engine: Engine | None = None) -> None:
        self.kb = kb
        self.engine = engine or Engine(compile_rules(kb))
        self._rules = {r.id: r for r in kb.rules}
        self._deps = kb.dependencies()
        self._order = _topological(self._deps, kb)
        self._stage = _stages(self._deps, kb)

    def interview_rank(self, qid: str) -> tuple[int, int, int]:
        """Interview order: by stage (a question comes after every question its relevance depends on),
        then by domain and knowledge-base order. Within a stage no question's relevance depends on
        another's answer, so each block (stage, domain) is known in full when it starts: its counter is exact."""
        return (self._stage[qid], *self.kb.question_order(qid))

    def why(self, qid: str, relevance: dict[str, list[str]], facts: dict[str, Fact]) -> Why:
        keys = relevance.get(qid, [])
        return Why(qid, {k: facts[k].value for k in keys if k in facts}, self.kb.rules_using(qid))

    def run(self, given: dict[str, Any], ask: Asker | None = None) -> Consultation:
        """Settle every key. ``given``: answers and pins. ``ask``: None means take defaults."""
        kb = self.kb
        facts: dict[str, Fact] = {}
        absent: set[str] = set()
        firings: list[Firing] = []
        relevance: dict[str, list[str]] = {}
        asked: list[str] = []
        answers = dict(given)
        implied = self.implied(answers)
        answers.update({k: values[0] for k, (values, _) in implied.items() if len(values) == 1})
        narrowed = {k: values for k, (values, _) in implied.items() if len(values) > 1}
        defaulted: set[str] = set()
        needed = self.needed({k for k in answers if k in kb.decisions})  # answers include the fixed implied ones
        with self.engine.session() as session:

            def commit(fact: Fact) -> None:
                facts[fact.key] = fact
                firings.extend(session.add([{"id": _fid(fact.key), "key": fact.key, "value": fact.value}]))

            while True:
                pending: list[Question] = []
                progress = True
                while progress:
                    progress = False
                    pending = []
                    for key in self._order:
                        if key in facts or key in absent:
                            continue
                        if not all(d in facts or d in absent for d in self._deps[key]):
                            continue
                        if key in implied:
                            values, origin = implied[key]
                            commit(self._narrowed(key, values, origin, firings, facts, answers))
                            progress = True
                        elif key in answers:
                            source = "pin" if key in kb.decisions else "default" if key in defaulted else "answer"
                            commit(Fact(key, answers[key], source))
                            progress = True
                        elif key in kb.questions:
                            q = kb.questions[key]
                            reason = self._relevant(q, firings)
                            if reason is None or key not in needed:
                                absent.add(key)
                                progress = True
                            else:
                                relevance[key] = reason
                                pending.append(q)
                        else:
                            fact = self._decide(key, firings, facts)
                            if fact is None:
                                absent.add(key)
                            else:
                                commit(fact)
                            progress = True
                if not pending:
                    break
                q = min(pending, key=lambda x: self.interview_rank(x.id))
                asked.append(q.id)
                if ask is None:
                    answers[q.id] = q.default
                    defaulted.add(q.id)
                else:
                    why = self.why(q.id, relevance, facts)
                    why.position = self._position(q, asked, pending)
                    why.stage = self._stage[q.id]
                    answers[q.id] = ask(q, why)
            conflicts, warnings = self._report(firings, facts, narrowed)
        return Consultation(facts, asked, conflicts, warnings, relevance)

    def implied(self, answers: dict[str, Any]) -> dict[str, tuple[list[str], str]]:
        """Decisions a pinned value fixes (``framework: nestjs`` fixes ``language: typescript``) or narrows
        (``framework: spring-boot``: ``language`` java or kotlin), as (the values allowed, the key that
        implies them). Fixed values imply further, transitively; an explicit answer always wins."""
        out: dict[str, tuple[list[str], str]] = {}
        todo = [k for k in answers if k in self.kb.decisions]
        while todo:
            key = todo.pop()
            value = answers[key] if key in answers else out[key][0][0]
            for other, allowed in self.kb.decisions[key].implies.get(str(value), {}).items():
                if other not in answers and other not in out:
                    out[other] = (allowed if isinstance(allowed, list) else [allowed], key)
                    if len(out[other][0]) == 1:
                        todo.append(other)
        return out

    def _narrowed(self, key: str, values: list[str], origin: str, firings: list[Firing], facts: dict[str, Fact],
                  answers: dict[str, Any]) -> Fact:
        """An implied key: the rules' choice among the values allowed when several are (a Kotlin team's
        Spring Boot is Kotlin), else the first of them."""
        if len(values) > 1:
            fact = self._decide(key, firings, facts, among=values)
            if fact is not None:
                return fact
        return Fact(key, values[0], "implied", premises=[origin], because=_implied_text(key, values[0], origin, answers))

    def needed(self, pinned: set[str]) -> set[str]:
        """Keys whose value still matters once ``pinned`` decisions are fixed: a question that only
        serves to decide pinned keys is not asked (e.g. the data shape, once the database is pinned)."""
        kb = self.kb
        needed = {k for k in kb.decisions if k not in pinned}
        needed |= {k for r in kb.rules if r.kind != "decision" for cond in r.when for k, _ in cond}
        changed = True
        while changed:
            changed = False
            for r in kb.rules:
                if r.kind == "decision" and any(k in needed and k not in pinned for k in r.then):
                    premises = {k for cond in r.when for k, _ in cond}
                    if not premises <= needed:
                        needed |= premises
                        changed = True
            for q in kb.questions.values():
                if q.id in needed:
                    keys = {k for cond in q.when for k, _ in cond}
                    if not keys <= needed:
                        needed |= keys
                        changed = True
        return needed

    def _block(self, qid: str) -> tuple[int, str]:
        return self._stage[qid], self.kb.questions[qid].agent.split("/", 1)[0]

    def _position(self, q: Question, asked: list[str], pending: list[Question]) -> tuple[int, int]:
        """"Database 2/3": asked so far in the question's block (``asked`` includes ``q``), and that plus
        the block's other pending questions: every relevant question of a block is pending when it starts."""
        block = self._block(q.id)
        done = sum(1 for k in asked if self._block(k) == block)
        waiting = sum(1 for p in pending if p.id != q.id and self._block(p.id) == block)
        return done, done + waiting

    def _relevant(self, q: Question, firings: list[Firing]) -> list[str] | None:
        if not q.when:
            return []
        for f in firings:
            if f.rule_id.startswith(f"ask:{q.id}#"):
                return [_key(i) for i in f.fact_ids]
        return None

    def _decide(self, key: str, firings: list[Firing], facts: dict[str, Fact], among: list[str] | None = None) -> Fact | None:
        """The value of the highest-priority rule that fired for ``key`` (only those concluding one of
        ``among``, when given); the others that disagree are kept as ``overridden``."""
        candidates: list[tuple[Rule, Firing]] = []
        seen: set[str] = set()
        for f in firings:
            rule = self._rules.get(f.rule_id.split("#", 1)[0])
            if rule is None or rule.kind != "decision" or key not in rule.then or rule.id in seen:
                continue
            seen.add(rule.id)
            candidates.append((rule, f))
        candidates.sort(key=lambda rf: (-rf[0].priority, rf[0].order))
        allowed = [rf for rf in candidates if among is None or rf[0].then[key] in among]
        if not allowed:
            return None
        best, firing = allowed[0]
        fact = Fact(
            key,
            best.then[key],
            "rule",
            rule=best.id,
            premises=[_key(i) for i in firing.fact_ids],
            because=best.because,
        )
        fact.overridden = [(r.id, r.then[key]) for r, _ in candidates if r.then[key] != fact.value]
        return fact

    def _report(self, firings: list[Firing], facts: dict[str, Fact],
                narrowed: dict[str, list[str]]) -> tuple[list[Conflict], list[Conflict]]:
        """Conflict and warning rules that fired; rules overruled by a pin (or by the values a pin allows),
        and ties between rules of the same priority."""
        conflicts: list[Conflict] = []
        warnings: list[Conflict] = []
        done: set[str] = set()
        for f in firings:
            rule = self._rules.get(f.rule_id.split("#", 1)[0])
            if rule is None or rule.id in done:
                continue
            done.add(rule.id)
            keys = [_key(i) for i in f.fact_ids]
            if rule.kind in ("conflict", "warning"):
                kind = "incompatible" if rule.kind == "conflict" else "warning"
                item = Conflict(rule.id, kind, keys, rule.because, [self._reason(k, facts) for k in keys])
                (conflicts if rule.kind == "conflict" else warnings).append(item)
        for key, fact in facts.items():
            if key not in self.kb.decisions:
                continue
            for rule in self.kb.rules_concluding(key):
                if rule.id not in done or rule.then[key] == fact.value:
                    continue
                if fact.source in ("pin", "implied") or rule.then[key] not in narrowed.get(key, [rule.then[key]]):
                    if rule.priority >= 50:
                        conflicts.append(
                            Conflict(f"pin:{key}", "pin", [key], _pin_text(key, fact.value, rule.then[key]),
                                     [self._reason(key, facts), rule.because])
                        )
                elif fact.source == "rule" and fact.rule != rule.id and self._rules[fact.rule].priority == rule.priority:
                    conflicts.append(
                        Conflict(f"tie:{key}", "tie", [key], _tie_text(key, fact.value, rule.then[key]),
                                 [fact.because or {}, rule.because])
                    )
        # firing order follows the order the facts arrived in (an interview, an answers file); the report
        # follows the knowledge base's order, so the same answers always give the same documents
        order = {rule_id: i for i, rule_id in enumerate(self._rules)}
        for report in (conflicts, warnings):
            report.sort(key=lambda c: (order.get(c.id, len(order)), c.id))
        return conflicts, warnings

    def _reason(self, key: str, facts: dict[str, Fact]) -> Text:
        fact = facts.get(key)
        if fact is None:
            return {"en": f"{key} is not set", "fr": f"{key} n'est pas défini"}
        if fact.because:
            return {lang: f"{key}={_show(fact.value)}: {text}" for lang, text in fact.because.items()}
        return {
            "en": f"{key}={_show(fact.value)}: your answer",
            "fr": f"{key}={_show(fact.value)} : votre réponse",
        }


def _implied_text(key: str, value: Any, origin: str, answers: dict[str, Any]) -> Text:
    return {
        "en": f"implied by your choice {origin}={_show(answers[origin])}",
        "fr": f"impliqué par votre choix {origin}={_show(answers[origin])}",
    }


def _pin_text(key: str, pinned: Any, other: Any) -> Text:
    return {
        "en": f"you chose {key}={_show(pinned)}, but a rule recommends {_show(other)}; your choice is kept",
        "fr": f"vous avez choisi {key}={_show(pinned)}, mais une règle recommande {_show(other)} ; votre choix est conservé",
    }


def _tie_text(key: str, kept: Any, other: Any) -> Text:
    return {
        "en": f"two rules of the same priority disagree on {key}: {_show(kept)} (kept) or {_show(other)}",
        "fr": f"deux règles de même priorité divergent sur {key} : {_show(kept)} (retenu) ou {_show(other)}",
    }


def _show(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value) or "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _fid(key: str) -> str:
    return f"fact:{key}"


def _key(fact_id: str) -> str:
    return fact_id.split(":", 1)[1]


def _stages(deps: dict[str, set[str]], kb: KnowledgeBase) -> dict[str, int]:
    """Each question's stage: 1 + the highest stage of the questions its relevance (transitively, through
    decisions) depends on, 0 when it depends on none."""
    memo: dict[str, set[str]] = {}

    def questions_under(key: str) -> set[str]:
        if key not in memo:
            memo[key] = set()  # the dependency graph is acyclic (checked at load); this guards a revisit
            found: set[str] = set()
            for d in deps.get(key, ()):
                found |= ({d} if d in kb.questions else set()) | questions_under(d)
            memo[key] = found
        return memo[key]

    stage: dict[str, int] = {}

    def stage_of(qid: str) -> int:
        if qid not in stage:
            stage[qid] = 1 + max((stage_of(d) for d in questions_under(qid)), default=-1)
        return stage[qid]

    return {qid: stage_of(qid) for qid in kb.questions}


def _topological(deps: dict[str, set[str]], kb: KnowledgeBase) -> list[str]:
    """Keys in dependency order; questions in interview order among equals."""
    order: list[str] = []
    done: set[str] = set()

    def rank(k: str) -> tuple[int, int, str]:
        if k in kb.questions:
            a, b = kb.question_order(k)
            return a, b, k
        return 99, 0, k

    def visit(k: str) -> None:
        if k in done:
            return
        done.add(k)
        for d in sorted(deps.get(k, ()), key=rank):
            visit(d)
        order.append(k)

    for k in sorted(deps, key=rank):
        visit(k)
    return order
