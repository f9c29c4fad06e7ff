"""Computed documents: ``docs/architecture.md`` (every decision, its reason, where it lands in the code)
and ``docs/checklists/<domain>.md`` (each agent's checklist), so that no agent is talk only."""

from __future__ import annotations

from typing import Any

import jinja2

from expert.consult import Consultation
from expert.explain import reason, show, tr
from expert.generators.adr import TEXTS as ADR_TEXTS
from expert.generators.adr import later_advice, rules_view
from expert.knowledge import DOMAIN_TITLES, DOMAINS, KnowledgeBase
from expert.principles import principles_context
from expert.render import TEMPLATES_DIR
from expert.render_filters import FILTERS

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "intro": "Every decision below was derived by backend-expert's rules from the team's answers; "
                 "`backend-expert explain KEY --answers .backend-expert.yml` shows the full derivation.",
        "decision": "Decision", "value": "Value", "agent": "Agent", "why": "Why",
        "in_code": "Where the decisions are in the code",
        "later": "Advice for later",
        "later_intro": "Nothing below is in the generated code: each item is advice the rules give for later, "
                       "with the trigger that makes it worth doing (the domain checklists say how).",
        "later_decided": "decided, not in the code",
        "later_rules": "instead of `{key} = {now}`",
        "advice_mark": "advice for later",
        "warnings": "Points of attention", "answers": "The answers behind them",
"checklists": "Checklists by domain:",
        "checklist_title": "Checklist", "decided": "Decided",
        "checklist_intro": "What an expert in each field checks, grounded in the four principles: security first, "
                           "scalability, maintainability, performance (measure before optimising).",
        "pinned": "your choice",
    },
    "fr": {
        "intro": "Chaque décision ci-dessous a été déduite par les règles de backend-expert à partir des réponses "
                 "de l'équipe ; `backend-expert explain CLÉ --answers .backend-expert.yml` en montre la déduction complète.",
        "decision": "Décision", "value": "Valeur", "agent": "Agent", "why": "Pourquoi",
        "in_code": "Où les décisions se trouvent dans le code",
        "later": "Conseils pour plus tard",
        "later_intro": "Rien de ce qui suit n'est dans le code généré : chaque point est un conseil des règles "
                       "pour plus tard, avec le déclencheur qui le rend utile (les listes de contrôle par domaine "
                       "disent comment).",
        "later_decided": "décidé, absent du code",
        "later_rules": "au lieu de `{key} = {now}`",
        "advice_mark": "conseil pour plus tard",
        "warnings": "Points d'attention", "answers": "Les réponses qui les fondent",
"checklists": "Listes de contrôle par domaine :",
        "checklist_title": "Liste de contrôle", "decided": "Décidé",
        "checklist_intro": "Ce que vérifie un expert de chaque domaine, selon les quatre principes : la sécurité "
                           "d'abord, la scalabilité, la maintenabilité, la performance (mesurer avant d'optimiser).",
        "pinned": "votre choix",
    },
}


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR / "docs" / "architecture")),
        autoescape=False,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(FILTERS)
    return env


#: values that ask for nothing to be built (csrf_protection=not-needed under JWT): neither code nor advice
NOTHING_TO_BUILD = ("none", "not-needed", "not-required")


def _with_rules_view(because: str, fact: Any, result: Consultation, kb: KnowledgeBase, lang: str) -> str:
    """A pinned value's reason followed by what the rules would have chosen, and why."""
    if fact.source != "pin":
        return because
    view = rules_view(result, kb, fact.key)
    t = ADR_TEXTS[lang]
    if view is None:
        return f"{because}. {t['view_none'].format(key=fact.key)}"
    template = t["view_same"] if view.then[fact.key] == fact.value else t["view_other"]
    return f"{because}. " + template.format(key=fact.key, value=view.then[fact.key], rule=view.id, because=tr(view.because, lang))


def implemented_by(layer_specs: list[dict[str, Any]], key: str, value: Any) -> str | None:
    """Where a selected layer implements ``key=value`` (its layer.yml ``implements``), if any does."""
    for spec in layer_specs:
        where = (spec.get("implements") or {}).get(key, {})
        if isinstance(where, dict) and value in where:
            return str(where[value])
    return None


def build_docs(
    project: dict[str, str], result: Consultation, kb: KnowledgeBase, lang: str, layer_specs: list[dict[str, Any]]
) -> dict[str, str]:
    """``docs/architecture.md`` and the checklists. A decision is either where the code implements it (a
    layer's ``implements``) or advice for later with its trigger, never both; so is every value a rule
    concluded that lost to what the starter does (``k8s_packaging = helm`` beside the Kustomize it ships)."""
    t = TEXTS[lang]
    rules = {r.id: r for r in kb.rules}
    decisions, generated, later = [], [], []
    for key, dk in kb.decisions.items():
        fact = result.facts.get(key)
        if fact is None:
            continue
        agent = rules[fact.rule].agent if fact.rule else t["pinned"]
        row = {"key": key, "value": show(fact.value), "label": tr(dk.label, lang),
               "value_label": tr(dk.values.get(str(fact.value)), lang) or show(fact.value),
               "agent": agent, "because": reason(fact, lang)}
        where = implemented_by(layer_specs, key, fact.value)
        if where:
            generated.append({**row, "where": where})
        elif show(fact.value) not in NOTHING_TO_BUILD:
            later.append({**row, "status": t["later_decided"], "because": _with_rules_view(row["because"], fact, result, kb, lang)})
            row = {**row, "value_label": f"{row['value_label']} ({t['advice_mark']})"}
        decisions.append(row)
        for rule, value in later_advice(fact, kb, layer_specs):
            later.append({"key": key, "value": value, "label": tr(dk.label, lang), "agent": rule.agent,
                          "value_label": tr(dk.values.get(value), lang) or value, "because": tr(rule.because, lang),
                          "status": t["later_rules"].format(key=key, now=show(fact.value))})
    answers = [
        {"prompt": tr(q.prompt, lang), "value": show(result.facts[q.id].value)}
        for q in kb.questions.values()
        if q.id in result.facts
    ]
    checklists = []
    documents: dict[str, str] = {}
    env = _env()
    for domain in DOMAINS:
        agents = []
        for agent in kb.agents.values():
            if agent.domain != domain:
                continue
            decided = [  # in the catalogue's order: the order of the answers must not change the document
                {"key": k, "value": show(result.facts[k].value)}
                for k in kb.decisions
                if k in result.facts and result.facts[k].rule and rules[result.facts[k].rule].agent == agent.id
            ]
            agents.append({"id": agent.id, "title": tr(agent.title, lang), "advice": [tr(a, lang) for a in agent.advice],
                           "decisions": decided})
        if not agents:
            continue
        title = tr(DOMAIN_TITLES[domain], lang)
        checklists.append({"domain": domain, "title": title})
        documents[f"docs/checklists/{domain}.md"] = env.get_template("checklist.md.j2").render(
            t=t, domain_title=title, agents=agents)
    if lang == "fr" and layer_specs and layer_specs[0].get("commands"):
        documents["docs/demarrage.md"] = getting_started(env, project, layer_specs[0], result)
    documents["docs/architecture.md"] = env.get_template("architecture.md.j2").render(
        t=t,
        project_name=project["name"],
        project_description=project["description"],
        decisions=decisions,
        generated=generated,
        later=later,
        warnings=[tr(w.because, lang) for w in result.warnings],
        answers=answers,
        checklists=checklists,
    )
    documents["docs/principles.md"] = env.get_template("principles.md.j2").render(**principles_context(result, kb, lang))
    return documents


def _applies(when: dict[str, Any], facts: dict[str, Any]) -> bool:
    """A layer.yml ``when`` (key: value or list of values) holds for these decisions."""
    return all(facts.get(k) in (v if isinstance(v, list) else [v]) for k, v in when.items())


def getting_started(env: jinja2.Environment, project: dict[str, str], stack: dict[str, Any], result: Consultation) -> str:
    """``docs/demarrage.md``: the README's shared sections (install, configure, migrate, run, test, lint) in
    French, from the stack's layer.yml. The French README (a stack's templates/README.fr.md) says as much per
    stack, but not every one lists every environment variable: this table does."""
    facts = {k: f.value for k, f in result.facts.items()}
    database = str(facts.get("database", ""))
    variables = []
    for name, spec in sorted((stack.get("env") or {}).items()):
        spec = spec or {}
        if _applies(spec.get("when") or {}, facts):
            example = spec.get(f"example_{database}", spec.get("example", ""))
            variables.append({"name": name, "secret": bool(spec.get("secret")), "example": str(example)})
    commands = {k: str(v) for k, v in (stack.get("commands") or {}).items()}
    return env.get_template("demarrage.md.j2").render(
        project_name=project["name"], stack_id=stack.get("id", ""), env=variables, port=stack.get("port", ""),
        health=stack.get("health") or {"live": "/health/live", "ready": "/health/ready"},
        commands={k: commands.get(k, "") for k in ("install", "build", "migrate", "run", "test", "lint", "format_check")})
