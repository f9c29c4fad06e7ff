"""Architecture decision records: one Markdown file per decision, ``docs/adr/NNNN-<slug>.md``.

cookiecutter renders one output file per template file, so the ADR layer's template only holds the
index (``docs/adr/README.md``); the numbered records are written here from ``record.md.j2`` (stored
in the layer, outside the cookiecutter tree) with a plain Jinja environment. Every ADR value is
passed as data: a title such as ``{{ 7*7 }}`` appears literally.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import jinja2

from expert.consult import Consultation, Fact
from expert.explain import show, tr
from expert.knowledge import KnowledgeBase, Rule
from expert.render import TEMPLATES_DIR
from expert.render_filters import FILTERS

RECORD_TEMPLATE = TEMPLATES_DIR / "docs" / "adr" / "record.md.j2"
SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
REQUIRED = ("number", "slug", "title", "status", "date", "context", "decision")

#: the decisions that get an architecture decision record, in order (a key with no value is skipped)
ADR_TOPICS: list[tuple[str, ...]] = [
    ("architecture",),
    ("language", "framework"),
    ("api_style",),
    ("database",),
    ("orm", "migrations"),
    ("auth",),
    ("authorization",),
    ("cache",),
    ("broker",),
    ("observability",),
    ("ci",),
    ("container", "deploy"),
    ("k8s_packaging",),
    ("iac",),
]
#: values that ask for nothing to be built: never advice, never a record of their own
NOTHING_TO_BUILD = ("none", "not-needed", "not-required")

#: the words of a record, per language (the headings of record.md.j2 and the generated sentences)
TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "status": "Status", "date": "Date", "context": "Context", "decision": "Decision",
        "consequences": "Consequences", "alternatives": "Alternatives considered",
        "rules": "Rules that led to this decision", "none_recorded": "None recorded.",
        "accepted": "accepted",
        "advice": "proposed: advice for later, not in the generated code (docs/architecture.md, Advice for later)",
        "team": "accepted: the team's choice (pinned)",
        "defaults": "project defaults",
        "chosen": "the team's choice (pinned), whatever the rules conclude",
        "view_same": "The rules' view: they would have chosen the same ({rule}): {because}",
        "view_other": "The rules' view: they would have chosen {key} = {value} ({rule}): {because}",
        "view_none": "The rules' view: no rule concludes {key} from these answers.",
        "later": "later: {value} ({rule}), when its trigger holds: {because}",
        "lost": "{value} ({rule}): {because}",
    },
    "fr": {
        "status": "Statut", "date": "Date", "context": "Contexte", "decision": "Décision",
        "consequences": "Conséquences", "alternatives": "Alternatives envisagées",
        "rules": "Règles à l'origine de cette décision", "none_recorded": "Aucune.",
        "accepted": "acceptée",
        "advice": "proposée : conseil pour plus tard, absent du code généré (docs/architecture.md, Conseils pour plus tard)",
        "team": "acceptée : choix de l'équipe (imposé)",
        "defaults": "valeurs par défaut du projet",
        "chosen": "choix de l'équipe (imposé), quelle que soit la conclusion des règles",
        "view_same": "L'avis des règles : elles auraient choisi la même valeur ({rule}) : {because}",
        "view_other": "L'avis des règles : elles auraient choisi {key} = {value} ({rule}) : {because}",
        "view_none": "L'avis des règles : aucune règle ne conclut {key} à partir de ces réponses.",
        "later": "plus tard : {value} ({rule}), quand son déclencheur se produit : {because}",
        "lost": "{value} ({rule}) : {because}",
    },
}


def md_code(value: object) -> str:
    """An inline Markdown code span that holds any text, backticks included."""
    text = str(value)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def paragraphs(value: object) -> str:
    """Each non-blank line becomes its own Markdown paragraph (Markdown would join single lines)."""
    lines = [line.strip() for line in str(value).splitlines()]
    return "\n\n".join(line for line in lines if line) or "-"


def adr_filename(adr: Mapping[str, Any]) -> str:
    """``0001-use-fastapi.md``: the same name the layer's README index links to."""
    number = adr["number"]
    slug = str(adr["slug"])
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise ValueError(f"ADR number must be a positive integer, got {number!r}")
    if not SLUG_RE.fullmatch(slug):
        raise ValueError(f"ADR slug must match {SLUG_RE.pattern}, got {slug!r}")
    return f"{number:04d}-{slug}.md"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(RECORD_TEMPLATE.parent)),
        autoescape=False,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(FILTERS)
    env.filters["md_code"] = md_code
    env.filters["paragraphs"] = paragraphs
    return env


def _normalised(adr: Mapping[str, Any]) -> dict[str, Any]:
    missing = [key for key in REQUIRED if key not in adr]
    if missing:
        raise ValueError(f"ADR {adr.get('slug', '?')!r} lacks {', '.join(missing)}")
    return {
        "title": str(adr["title"]),
        "status": str(adr["status"]),
        "date": str(adr["date"]),
        "context": str(adr["context"]),
        "decision": str(adr["decision"]),
        "consequences": [str(item) for item in adr.get("consequences") or []],
        "alternatives": [str(item) for item in adr.get("alternatives") or []],
        "rules": [str(item) for item in adr.get("rules") or []],
    }


def render_adr(adr: Mapping[str, Any]) -> str:
    """The Markdown text of one record, in its ``lang`` (English when it names none)."""
    adr_filename(adr)  # validates number and slug
    template = _environment().get_template(RECORD_TEMPLATE.name)
    words = TEXTS.get(str(adr.get("lang", "en")), TEXTS["en"])
    return template.render(number=f"{adr['number']:04d}", adr=_normalised(adr), t=words)


def adr_documents(adrs: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """``{"docs/adr/NNNN-<slug>.md": text}`` for every ADR, in number order, for the project writer.

    Refuses duplicate numbers or file names (ValueError) before rendering anything. Deterministic:
    same ADRs, same text."""
    records = sorted(adrs, key=lambda adr: adr["number"])
    names = [adr_filename(adr) for adr in records]
    numbers = [adr["number"] for adr in records]
    if len(set(numbers)) != len(numbers) or len(set(names)) != len(names):
        raise ValueError(f"duplicate ADR numbers or names in {names}")
    return {f"docs/adr/{name}": render_adr(adr) for name, adr in zip(names, records, strict=True)}


# ----------------------------------------------------------------------------- records from a consultation


def _holds(rule: Rule, facts: Mapping[str, Fact]) -> bool:
    """Whether one alternative of the rule's ``when`` holds over the settled facts (a missing fact fails)."""
    return any(all(k in facts and test.holds(facts[k].value) for k, test in cond) for cond in rule.when)


def rules_view(result: Consultation, kb: KnowledgeBase, key: str) -> Rule | None:
    """The rule the consultation would have followed for ``key`` had nobody pinned it: the matching rule
    of the highest priority (the first defined among equals), as the engine picks it."""
    matching = [r for r in kb.rules_concluding(key) if _holds(r, result.facts)]
    return min(matching, key=lambda r: (-r.priority, r.order)) if matching else None


def implemented(key: str, value: Any, kb: KnowledgeBase, layer_specs: list[dict[str, Any]] | None) -> bool:
    """Whether the generated code holds ``key=value``: a selected layer's ``implements`` names it (with
    ``layer_specs``), else the catalogue does not mark it advice-only."""
    if show(value) in NOTHING_TO_BUILD:
        return True
    if layer_specs is not None:
        return any(isinstance((s.get("implements") or {}).get(key), dict) and value in s["implements"][key]
                   for s in layer_specs)
    dk = kb.decisions.get(key)
    return dk is not None and value not in dk.advice_only


def later_advice(fact: Fact, kb: KnowledgeBase, layer_specs: list[dict[str, Any]] | None) -> list[tuple[Rule, str]]:
    """The values rules concluded for ``fact.key`` that lost to its value and that no code implements: the
    advice for later, each with the rule whose text names its trigger (the highest-priority one per value)."""
    rules = {r.id: r for r in kb.rules}
    seen: set[str] = set()
    out = []
    for rule_id, value in fact.overridden:
        if value in seen or implemented(fact.key, value, kb, layer_specs):
            continue
        seen.add(value)
        out.append((rules[rule_id], str(value)))
    return out


def _value_label(kb: KnowledgeBase, key: str, value: Any, lang: str) -> str:
    dk = kb.decisions.get(key)
    if dk and isinstance(value, str) and value in dk.values:
        return tr(dk.values[value], lang)
    return show(value)


def _decision_line(fact: Fact, result: Consultation, kb: KnowledgeBase, lang: str) -> str:
    """``key = value: why``; a pinned (or pin-implied) value says it is the team's choice and still gives
    the rules' view."""
    t = TEXTS[lang]
    if fact.source == "rule":
        return f"{fact.key} = {fact.value}: {tr(fact.because, lang)}"
    line = f"{fact.key} = {fact.value}: {t['chosen']}"
    if fact.source not in ("pin", "implied"):
        return line
    view = rules_view(result, kb, fact.key)
    if view is None:
        return line + "\n" + t["view_none"].format(key=fact.key)
    value = view.then[fact.key]
    template = t["view_same"] if value == fact.value else t["view_other"]
    return line + "\n" + template.format(key=fact.key, value=value, rule=view.id, because=tr(view.because, lang))


def build_adrs(result: Consultation, kb: KnowledgeBase, lang: str,
               layer_specs: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """One record per major decision, written from the rule explanations. ``layer_specs``: the selected
    layers' layer.yml, which say what the code implements (without them: the catalogue's advice-only
    values). A record whose decision no code implements is proposed advice; one the team pinned says so."""
    t = TEXTS[lang]
    agents = {r.id: r.agent for r in kb.rules}
    adrs: list[dict[str, Any]] = []
    for keys in ADR_TOPICS:
        facts = [result.facts[k] for k in keys if k in result.facts]
        if not facts or all(show(f.value) in NOTHING_TO_BUILD for f in facts):
            continue
        context_lines, alternatives, rules, consequences = [], [], [], []
        for f in facts:
            premises = [p for p in f.premises if p in result.facts]
            if premises:
                context_lines.append(", ".join(f"{p} = {show(result.facts[p].value)}" for p in premises))
            if f.source == "rule" and f.rule:
                rules.append(f.rule)
                consequences += [tr(a, lang) for a in kb.agents[agents[f.rule]].advice]
            later = {rule.id for rule, _ in later_advice(f, kb, layer_specs)}
            for rule_id, value in f.overridden:
                because = tr(next(r.because for r in kb.rules if r.id == rule_id), lang)
                alternatives.append(t["later" if rule_id in later else "lost"].format(value=value, rule=rule_id, because=because))
        if not all(implemented(f.key, f.value, kb, layer_specs) for f in facts):
            status = t["advice"]
        elif any(f.source in ("pin", "implied") for f in facts):
            status = t["team"]
        else:
            status = t["accepted"]
        adrs.append({
            "number": len(adrs) + 1,
            "slug": "-".join(str(f.value) for f in facts).replace("_", "-"),
            "title": " / ".join(tr(kb.decisions[k].label, lang) for k in keys if k in kb.decisions)
                     + ": " + " / ".join(_value_label(kb, f.key, f.value, lang) for f in facts),
            "status": status,
            "date": "",
            "context": "; ".join(context_lines) or t["defaults"],
            "decision": "\n".join(_decision_line(f, result, kb, lang) for f in facts),
            "consequences": list(dict.fromkeys(consequences)),
            "alternatives": list(dict.fromkeys(alternatives)),
            "rules": rules,
            "lang": lang,
        })
    return adrs
