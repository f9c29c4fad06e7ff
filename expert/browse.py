"""Read-only views of the knowledge base: agents, questions, rules, the dependency graph, `ask` answers."""

from __future__ import annotations

from typing import Any

from expert.explain import tr
from expert.knowledge import DOMAINS, KnowledgeBase, Rule
from expert.router import describe, route


def condition_text(rule_when: tuple) -> str:
    alternatives = []
    for cond in rule_when:
        parts = []
        for key, test in cond:
            shown = ",".join(str(v).lower() if isinstance(v, bool) else str(v) for v in test.values)
            symbol = {"eq": "=", "in": " in ", "not": " != ", "not_in": " not in ", "contains": " has "}[test.op]
            parts.append(f"{key}{symbol}{shown}")
        alternatives.append(" and ".join(parts))
    return " or ".join(alternatives)


def rule_line(rule: Rule, lang: str) -> str:
    then = ", ".join(f"{k}={v}" for k, v in rule.then.items()) or rule.kind
    return f"{rule.id} [{rule.agent}, p{rule.priority}]: if {condition_text(rule.when)} then {then}: {tr(rule.because, lang)}"


def agents_table(kb: KnowledgeBase, lang: str) -> list[dict[str, Any]]:
    rows = []
    for agent in kb.agents.values():
        rows.append(
            {
                "id": agent.id,
                "title": tr(agent.title, lang),
                "questions": [q.id for q in kb.questions.values() if q.agent == agent.id],
                "rules": sum(1 for r in kb.rules if r.agent == agent.id),
                "keywords": agent.keywords.get(lang, []),
            }
        )
    return rows


def mermaid_graph(kb: KnowledgeBase) -> str:
    """Questions (rounded) and decisions (boxes); an edge from each premise to what it decides."""
    def node(key: str) -> str:
        return f"{key}(\"{key}?\")" if key in kb.questions else f"{key}[\"{key}\"]"

    lines = ["flowchart LR"]
    declared: set[str] = set()
    edges: list[str] = []
    for key in kb.keys():
        lines.append(f"  {node(key)}")
        declared.add(key)
    for q in kb.questions.values():
        for k in sorted({k for cond in q.when for k, _ in cond}):
            edges.append(f"  {k} -.-> {q.id}")
    for r in kb.rules:
        premises = sorted({k for cond in r.when for k, _ in cond})
        for target in r.then:
            for k in premises:
                edges.append(f"  {k} --> {target}")
    lines += list(dict.fromkeys(edges))
    return "\n".join(lines) + "\n"


def ask_answer(text: str, kb: KnowledgeBase, lang: str) -> dict[str, Any]:
    """What `backend-expert ask` prints: the agents the text routes to, their advice and questions."""
    routes = route(text, kb)
    top = routes[0].score if routes else 0.0
    chosen = [r for r in routes if r.score >= top / 2]
    return {
        "query": text,
        "agents": [
            {
                "id": r.agent.id,
                "title": tr(r.agent.title, lang),
                "score": r.score,
                "matched": r.matched,
                "advice": [tr(a, lang) for a in r.agent.advice],
                "questions": [
                    {"id": q.id, "prompt": tr(q.prompt, lang)} for q in kb.questions.values() if q.agent == r.agent.id
                ],
            }
            for r in chosen
        ],
        "understood": [{"key": u.key, "value": u.value, "words": u.words} for u in describe(text, kb)],
        "domains": [] if chosen else domains_overview(kb, lang),
    }


def domains_overview(kb: KnowledgeBase, lang: str) -> list[dict[str, Any]]:
    out = []
    for domain in DOMAINS:
        agents = [a for a in kb.agents.values() if a.domain == domain]
        out.append(
            {
                "domain": domain,
                "agents": [a.id for a in agents],
                "examples": sorted({kw for a in agents for kw in a.keywords.get(lang, [])[:2]})[:6],
            }
        )
    return out
