"""The only module that imports durable-rules: compile rules, run sessions, report firings.

The wrapper is deliberately narrow (compile, open a session, add facts, read firings, close) so that
another engine could replace it. It respects what was measured in shared/research/durable-rules.md:
- a private Host without the timer threads, rulesets given unique names, nothing in the global registry;
- one lock around every engine call (threads on one host segfaulted);
- every session's state deleted on close (1024 live sessions per ruleset is a hard limit);
- exceptions raised in consequences (swallowed by durable) are re-raised;
- a catch-all rule in every ruleset, so that no fact is silently dropped.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

try:
    import durable.engine as _durable
except ImportError as exc:  # pragma: no cover - depends on the interpreter
    raise ImportError(
        "durable-rules could not be imported (it supports Python 3.10 to 3.12): " + str(exc)
    ) from exc

_LOCK = threading.RLock()
_NAMES = itertools.count(1)
_SIDS = itertools.count(1)


class EngineError(Exception):
    """The rule engine failed (a consequence raised, or durable refused a ruleset)."""


@dataclass(frozen=True)
class Premise:
    """A test on one fact: ``key`` equals/among/not ``values`` (op: eq, in, not, not_in, contains)."""

    key: str
    op: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class EngineRule:
    """One conjunction of premises (each on a separate fact), identified by ``id``; ``group`` = ruleset."""

    id: str
    group: str
    premises: tuple[Premise, ...]


@dataclass(frozen=True)
class Firing:
    """A rule matched: the ids of the facts that satisfied its premises, in premise order."""

    rule_id: str
    fact_ids: tuple[str, ...]


class _Host(_durable.Host):
    """A private host: no background dispatch timers (not needed synchronously; linked to crashes)."""

    def _run(self) -> None:
        return None


def _value_test(p: Premise) -> dict[str, Any]:
    if p.op == "eq":
        return {"value": p.values[0]}
    if p.op == "in":
        return {"$or": [{"value": v} for v in p.values]}
    if p.op == "not":
        return {"$neq": {"value": p.values[0]}}
    if p.op == "not_in":
        return {"$and": [{"$neq": {"value": v}} for v in p.values]}
    if p.op == "contains":
        return {"$iany": {"value": {"$i": p.values[0]}}}
    raise EngineError(f"unknown test {p.op!r}")


class Engine:
    """A compiled knowledge base: one durable ruleset per group (agent)."""

    def __init__(self, rules: Sequence[EngineRule]) -> None:
        self._host = _Host()
        self._rulesets: dict[str, str] = {}  # group -> unique ruleset name
        self._keys: dict[str, set[str]] = {}  # ruleset name -> fact keys its rules test
        definitions: dict[str, dict[str, Any]] = {}
        for index, rule in enumerate(rules):
            if not rule.premises:
                raise EngineError(f"rule {rule.id!r} has no premise")
            name = self._rulesets.setdefault(rule.group, f"be{next(_NAMES)}-{rule.group}")
            definition = definitions.setdefault(name, {"catch_all": {"all": [{"m": {"$ex": {"key": 1}}}], "run": _ignore}})
            conditions = [
                {f"p{i}": {"$and": [{"key": p.key}, _value_test(p)]}} for i, p in enumerate(rule.premises)
            ]
            definition[f"r{index}"] = {"all": conditions, "run": self._consequence(rule)}
            self._keys.setdefault(name, set()).update(p.key for p in rule.premises)
        self._firings: dict[str, list[Firing]] = {}
        with _LOCK:
            try:
                self._host.register_rulesets(definitions)
            except Exception as exc:  # durable raises bare Exceptions with error codes
                raise EngineError(f"durable-rules refused the knowledge base: {exc}") from exc

    def _consequence(self, rule: EngineRule):
        # a factory binds this rule's values (durable accepts only one-argument actions)
        rule_id, count = rule.id, len(rule.premises)

        def run(c: Any) -> None:
            facts = [getattr(c, f"p{i}")._d for i in range(count)]
            sid = str(facts[0]["sid"])
            self._firings[sid].append(Firing(rule_id, tuple(str(f["id"]) for f in facts)))

        return run

    def session(self) -> Session:
        return Session(self)


def _ignore(_c: Any) -> None:
    return None


class Session:
    """One consultation's working memory. Use as a context manager so its state is always freed."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.sid = str(next(_SIDS))
        self._open: set[str] = set()
        engine._firings[self.sid] = []

    def add(self, facts: Iterable[dict[str, Any]]) -> list[Firing]:
        """Assert facts (each with a unique ``id``, a ``key`` and a ``value``); return the new firings."""
        firings = self._engine._firings[self.sid]
        start = len(firings)
        with _LOCK:
            for fact in facts:
                message = {"sid": self.sid, "id": fact["id"], "key": fact["key"], "value": fact["value"]}
                for name, keys in self._engine._keys.items():
                    if fact["key"] not in keys:
                        continue
                    self._open.add(name)
                    try:
                        state = self._engine._host.assert_fact(name, dict(message))
                    except Exception as exc:
                        raise EngineError(f"durable-rules failed on fact {fact['id']!r}: {exc}") from exc
                    if isinstance(state, dict) and state.get("exception"):
                        raise EngineError(f"a rule consequence failed: {state['exception']}")
        return firings[start:]

    def close(self) -> None:
        with _LOCK:
            for name in self._open:
                try:
                    self._engine._host.delete_state(name, self.sid)
                except Exception:  # noqa: BLE001 - nothing stored for this sid in that ruleset
                    pass
            self._open.clear()
        self._engine._firings.pop(self.sid, None)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
