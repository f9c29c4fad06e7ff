"""Collecting the domain model in the questionnaire: "what are your main resources?", then fields.

Typed answers are turned into the answers-file form and validated by ``expert.model`` like a file would
be, so the same errors (unknown type, reserved word, ...) are shown and the question asked again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from expert.answers import AnswersError
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
        model: dict[str, Any] = {}
        for name in dict.fromkeys(names):
            while True:
                prompt = TEXTS["fields"][lang].format(name=name, types=", ".join(FIELD_TYPES))
                text = read(prompt + "\n  > ").strip() or "name:string:required"
                try:
                    model[name] = {"fields": parse_fields(text)}
                    parse_entities({name: model[name]}, "<answer>")
                    break
                except AnswersError as exc:
                    say(f"  {str(exc).removeprefix('<answer>:1: ')}")
        try:
            return parse_entities(model, "<answer>")
        except AnswersError as exc:
            say(f"  {str(exc).removeprefix('<answer>:1: ')}")
