"""Collecting the domain model in the questionnaire: "what are your main resources?", then fields.

Typed answers are turned into the answers-file form and validated by ``expert.model`` like a file would
be, then checked against the names every stack's generated code already uses
(``expert.generators.names``), so the same errors (unknown type, reserved word, a name such as ``Decimal``
or ``date`` taken by the generated code, a number out of bounds) are shown and the question asked again:
a bad resource name asks for the resources again, a bad field for that resource's fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from expert.answers import AnswersError
from expert.generators.names import check_model
from expert.model import FIELD_TYPES, RESERVED_ENTITIES, parse_entities

TEXTS = {
    "resources": {
        "en": "What are your main resources? (comma-separated, e.g. orders, products; Enter for one example resource)",
        "fr": "Quelles sont vos ressources principales ? (séparées par des virgules, ex. commandes, produits ; "
              "Entrée pour une ressource d'exemple)",
    },
    "fields": {
        "en": "Fields of {name}: name:type, comma-separated; add :required or :unique (types: {types}; Enter for name:string:required)",
        "fr": "Champs de {name} : nom:type, séparés par des virgules ; ajoutez :required ou :unique "
              "(types : {types} ; Entrée pour name:string:required)",
    },
    "users": {
        "en": "  (users are built in, for authentication: not added as a resource)",
        "fr": "  (les utilisateurs sont intégrés, pour l'authentification : pas ajoutés comme ressource)",
    },
}
FLAGS = ("required", "unique", "index")


def entity_name(word: str) -> str:
    """``order items`` / ``order_items`` / ``orders`` -> ``OrderItem`` / ``Order`` (a naive English singular)."""
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", word.strip()) if p]
    if not parts:
        return ""
    last = parts[-1]
    if re.search(r"[^aeiou]ies$", last.lower()):
        last = last[:-3] + "y"
    elif re.search(r"(ss|us|is)$", last.lower()):
        pass
    elif re.search(r"(xes|ches|shes|sses)$", last.lower()):
        last = last[:-2]
    elif last.lower().endswith("s"):
        last = last[:-1]
    parts[-1] = last
    return "".join(p[:1].upper() + p[1:] for p in parts)


def parse_fields(text: str) -> dict[str, Any]:
    """``title:string:required, price:decimal, sku:string:unique`` -> answers-file field specs."""
    fields: dict[str, Any] = {}
    for item in [p.strip() for p in text.split(",") if p.strip()]:
        name, *rest = [x.strip() for x in item.split(":")]
        spec: dict[str, Any] = {"type": rest[0] if rest else "string"}
        for flag in rest[1:]:
            if flag not in FLAGS:
                raise AnswersError(f"{item}: unknown modifier {flag!r} (use {', '.join(FLAGS)})")
            spec[flag] = True
        if name in fields:
            raise AnswersError(f"{item}: field {name!r} is given twice")
        fields[name] = spec
    return fields


def ask_model(read: Callable[[str], str], say: Callable[[str], None], lang: str) -> list[dict[str, Any]] | None:
    """Ask for the resources and their fields; None when the user keeps the example resource."""
    while True:
        names = [entity_name(w) for w in read(TEXTS["resources"][lang] + "\n  > ").split(",") if w.strip()]
        if any(n in RESERVED_ENTITIES for n in names):
            say(TEXTS["users"][lang])
            names = [n for n in names if n not in RESERVED_ENTITIES]
        if not names:
            return None
        names = list(dict.fromkeys(names))
        problem = _problem({name: {"fields": {"name": "string"}} for name in names})
        if problem:
            say(problem)
            continue
        model = {name: {"fields": _ask_fields(name, read, say, lang)} for name in names}
        problem = _problem(model)
        if problem is None:
            return parse_entities(model, ANSWER)
        say(problem)


def _ask_fields(name: str, read: Callable[[str], str], say: Callable[[str], None], lang: str) -> dict[str, Any]:
    """The fields of one resource, asked until they are valid on their own."""
    while True:
        prompt = TEXTS["fields"][lang].format(name=name, types=", ".join(FIELD_TYPES))
        text = read(prompt + "\n  > ").strip() or "name:string:required"
        try:
            fields = parse_fields(text)
        except AnswersError as exc:
            say(f"  {exc}")
            continue
        problem = _problem({name: {"fields": fields}})
        if problem is None:
            return fields
        say(problem)


ANSWER = "<answer>"


def _problem(model: dict[str, Any]) -> str | None:
    """The first error of a model typed in (as one indented line), or None."""
    try:
        check_model(parse_entities(model, ANSWER))
    except AnswersError as exc:
        return f"  {str(exc).removeprefix(ANSWER + ':1: ')}"
    return None
