"""Collecting the domain model in the questionnaire: "what are your main resources?", their fields, their relations.

What can be typed is what the answers file's ``entities:`` section accepts (``expert.model``): every field type,
the flags ``required``, ``unique``, ``index``, the options ``max_length``, ``min``, ``max``, ``default``,
``precision``, ``scale``, ``description`` and an enum's ``values`` (``status:enum:values=draft|paid:default=draft``),
and the three relation kinds with ``required``, ``on_delete`` and ``back_populates``
(``customer:many-to-one:Customer:required:on_delete=cascade``). Typed answers become the answers-file form and are
validated by ``expert.model`` like a file would be, then checked against the names every stack's generated code
already uses (``expert.generators.names``); a bad resource name asks for the resources again, a bad field for
that resource's fields, a bad relation for its relations.

Resource names: an English plural is singularised by ``inflect`` (``product categories`` -> ``ProductCategory``);
any other word (a French ``employés``, any accent) is never guessed at: the singular identifier is asked, with
a suggestion.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from expert.answers import AnswersError
from expert.generators.names import check_model
from expert.messages import table
from expert.model import FIELD_TYPES, ON_DELETE, RELATION_KINDS, RESERVED_ENTITIES, parse_entities

TEXTS = table("model_prompt", {
    "resources": {
        "en": "What are your main resources? (comma-separated, e.g. orders, products; Enter for one example resource)",
        "fr": "Quelles sont vos ressources principales ? (séparées par des virgules, ex. commandes, produits ; "
              "Entrée pour une ressource d'exemple)",
    },
    "fields": {
        "en": "Fields of {name}: name:type, comma-separated; then flags (required, unique, index) or options "
              "(max_length=, min=, max=, default=, precision=, scale=, description=; an enum's values=a|b) "
              "(types: {types}; Enter for name:string:required)",
        "fr": "Champs de {name} : nom:type, séparés par des virgules ; puis des indicateurs (required, unique, index) "
              "ou des options (max_length=, min=, max=, default=, precision=, scale=, description= ; les valeurs "
              "d'un enum : values=a|b) (types : {types} ; Entrée pour name:string:required)",
    },
    "relations": {
        "en": "Relations of {name}: name:kind:Target, comma-separated, with required, on_delete=({deletes}), "
              "back_populates= (kinds: {kinds}; targets: {targets}; Enter for none)",
        "fr": "Relations de {name} : nom:type:Cible, séparées par des virgules, avec required, on_delete=({deletes}), "
              "back_populates= (types : {kinds} ; cibles : {targets} ; Entrée pour aucune)",
    },
    "singular": {
        "en": "  {word!r}: the resource's name in the singular, as an identifier (letters A-Z, digits) [{suggested}] ",
        "fr": "  {word!r} : le nom de la ressource au singulier, comme identifiant (lettres A-Z, chiffres) [{suggested}] ",
    },
    "keep": {
        "en": "Keep the saved domain model ({names})? [Y/n] ",
        "fr": "Garder le modèle de domaine enregistré ({names}) ? [O/n] ",
    },
    "users": {
        "en": "  (users are built in, for authentication: not added as a resource)",
        "fr": "  (les utilisateurs sont intégrés, pour l'authentification : pas ajoutés comme ressource)",
    },
    "unknown_option": {"en": "{item}: unknown modifier {flag!r} (use {options})",
                       "fr": "{item} : modificateur inconnu {flag!r} (utilisez {options})"},
    "twice": {"en": "{item}: {name!r} is given twice", "fr": "{item} : {name!r} est donné deux fois"},
    "relation_form": {"en": "{item}: a relation is name:kind:Target", "fr": "{item} : une relation s'écrit nom:type:Cible"},
})
FLAGS = ("required", "unique", "index")
#: options that take a value, and how the typed text becomes it (the file format's types)
NUMBER_OPTIONS = ("max_length", "precision", "scale")
VALUE_OPTIONS = ("max_length", "min", "max", "default", "precision", "scale", "values", "description")
RELATION_VALUE_OPTIONS = ("on_delete", "back_populates")
ANSWER = "<answer>"
Read = Callable[[str], str]
Say = Callable[[str], None]


def text(key: str, lang: str, **values: Any) -> str:
    entry = TEXTS[key]
    return entry.get(lang, entry["en"]).format(**values)


@functools.cache
def _inflect() -> Any:
    import inflect

    return inflect.engine()


def _camel(parts: list[str]) -> str:
    return "".join(p[:1].upper() + p[1:] for p in parts)


def english_entity_name(word: str) -> str | None:
    """``order items`` / ``order_items`` / ``orders`` -> ``OrderItem`` / ``Order``; None when the word is not
    plain ASCII (its singular is then asked, never guessed)."""
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", word.strip()) if p]
    if not parts or not word.isascii():
        return None
    singular = _inflect().singular_noun(parts[-1].lower())
    if singular:
        parts[-1] = parts[-1][: len(singular)] if parts[-1].lower().startswith(singular) else singular
    return _camel(parts)


def suggestion(word: str, lang: str) -> str:
    """A suggested identifier for a word whose singular is asked: accents folded to ASCII (identifiers of
    every stack are ASCII), words joined in CamelCase, a French plural -s dropped (a suggestion only)."""
    folded = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii")
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", folded) if p]
    if lang == "fr" and parts and len(parts[0]) > 3 and parts[0].endswith("s"):
        parts[0] = parts[0][:-1]  # French puts the noun first: "lignes commande" -> LigneCommande
    return _camel(parts)


def entity_name(word: str, lang: str, read: Read) -> str:
    """The entity name for a typed resource: English plurals singularised, anything else asked for."""
    if lang == "en":
        name = english_entity_name(word)
        if name is not None:
            return name
    suggested = suggestion(word, lang)
    return read(text("singular", lang, word=word.strip(), suggested=suggested)).strip() or suggested


def _option_value(key: str, raw: str, field_type: str) -> Any:
    """The typed text of an option, as the file format types it: an enum's values a list, whole numbers for
    lengths, precision, scale and the bounds of non-decimal fields, a default of the field's own type (a
    decimal's bounds and default stay text: the file format reads them exactly)."""
    whole = re.fullmatch(r"-?[0-9]+", raw) is not None
    if key == "values":
        return [v.strip() for v in raw.split("|") if v.strip()]
    if key == "default":
        if field_type == "integer" and whole:
            return int(raw)
        return {"true": True, "false": False}.get(raw.lower(), raw) if field_type == "boolean" else raw
    if whole and (key in NUMBER_OPTIONS or (key in ("min", "max") and field_type != "decimal")):
        return int(raw)
    return raw


def parse_fields(typed: str, lang: str = "en") -> dict[str, Any]:
    """``title:string:required:max_length=80, status:enum:values=a|b:default=a`` -> answers-file field specs."""
    fields: dict[str, Any] = {}
    for item in [p.strip() for p in typed.split(",") if p.strip()]:
        name, *rest = [x.strip() for x in item.split(":")]
        spec: dict[str, Any] = {"type": rest[0] if rest else "string"}
        for modifier in rest[1:]:
            key, sep, raw = modifier.partition("=")
            if not sep and key in FLAGS:
                spec[key] = True
            elif sep and key in VALUE_OPTIONS:
                spec[key] = _option_value(key, raw.strip(), spec["type"])
            else:
                raise AnswersError(text("unknown_option", lang, item=item, flag=modifier,
                                        options=", ".join([*FLAGS, *(f"{o}=" for o in VALUE_OPTIONS)])))
        if name in fields:
            raise AnswersError(text("twice", lang, item=item, name=name))
        fields[name] = spec
    return fields


def parse_relations(typed: str, targets: dict[str, str], lang: str = "en") -> dict[str, Any]:
    """``customer:many-to-one:Customer:required:on_delete=cascade`` -> answers-file relation specs; a target may
    be named as typed among the resources (``customers``) or by its entity name."""
    relations: dict[str, Any] = {}
    for item in [p.strip() for p in typed.split(",") if p.strip()]:
        parts = [x.strip() for x in item.split(":")]
        if len(parts) < 3:
            raise AnswersError(text("relation_form", lang, item=item))
        name, kind, target, *rest = parts
        spec: dict[str, Any] = {"kind": kind, "target": targets.get(target.lower(), target)}
        for modifier in rest:
            key, sep, raw = modifier.partition("=")
            if not sep and key == "required":
                spec["required"] = True
            elif sep and key in RELATION_VALUE_OPTIONS:
                spec[key] = raw.strip()
            else:
                raise AnswersError(text("unknown_option", lang, item=item, flag=modifier,
                                        options=", ".join(["required", *(f"{o}=" for o in RELATION_VALUE_OPTIONS)])))
        if name in relations:
            raise AnswersError(text("twice", lang, item=item, name=name))
        relations[name] = spec
    return relations


def ask_model(read: Read, say: Say, lang: str, keep: list[dict[str, Any]] | None = None) -> list[dict[str, Any]] | None:
    """Ask for the resources, their fields and relations; None when the user keeps the example resource.
    ``keep``: a saved model (``--revise``), offered first."""
    if keep is not None and _keeps(read, keep, lang):
        return keep
    while True:
        words = [w.strip() for w in read(text("resources", lang) + "\n  > ").split(",") if w.strip()]
        named = {w: entity_name(w, lang, read) for w in words}
        if any(n in RESERVED_ENTITIES for n in named.values()):
            say(text("users", lang))
        named = {w: n for w, n in named.items() if n and n not in RESERVED_ENTITIES}
        names = list(dict.fromkeys(named.values()))
        if not names:
            return None
        problem = _problem({name: {"fields": {"name": "string"}} for name in names})
        if problem:
            say(problem)
            continue
        model: dict[str, Any] = {name: {"fields": _ask_fields(name, read, say, lang)} for name in names}
        targets = {**{w.lower(): n for w, n in named.items()}, **{n.lower(): n for n in names}}
        for name in names:
            relations = _ask_relations(name, model, targets, read, say, lang)
            if relations:
                model[name]["relations"] = relations
        problem = _problem(model)
        if problem is None:
            return parse_entities(model, ANSWER)
        say(problem)


def _keeps(read: Read, keep: list[dict[str, Any]], lang: str) -> bool:
    names = ", ".join(e["name"] for e in keep)
    return read(text("keep", lang, names=names)).strip().lower() in ("", "y", "yes", "o", "oui")


def _ask_fields(name: str, read: Read, say: Say, lang: str) -> dict[str, Any]:
    """The fields of one resource, asked until they are valid on their own."""
    while True:
        typed = read(text("fields", lang, name=name, types=", ".join(FIELD_TYPES)) + "\n  > ").strip()
        try:
            fields = parse_fields(typed or "name:string:required", lang)
        except AnswersError as exc:
            say(f"  {exc}")
            continue
        problem = _problem({name: {"fields": fields}})
        if problem is None:
            return fields
        say(problem)


def _ask_relations(name: str, model: dict[str, Any], targets: dict[str, str], read: Read, say: Say,
                   lang: str) -> dict[str, Any]:
    """The relations of one resource, asked until the model with them is valid."""
    while True:
        prompt = text("relations", lang, name=name, kinds=", ".join(RELATION_KINDS), deletes="|".join(ON_DELETE),
                      targets=", ".join(model))
        typed = read(prompt + "\n  > ").strip()
        if not typed:
            return {}
        try:
            relations = parse_relations(typed, targets, lang)
        except AnswersError as exc:
            say(f"  {exc}")
            continue
        problem = _problem({**model, name: {**model[name], "relations": relations}})
        if problem is None:
            return relations
        say(problem)


def _problem(model: dict[str, Any]) -> str | None:
    """The first error of a model typed in (as one indented line), or None."""
    try:
        check_model(parse_entities(model, ANSWER))
    except AnswersError as exc:
        return f"  {str(exc).removeprefix(ANSWER + ':1: ')}"
    return None

