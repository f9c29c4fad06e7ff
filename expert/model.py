"""The domain model (the answers file's ``entities:`` section): validate and normalise it.

Every error is one line with ``file:line``: unknown type (with "did you mean"), relation to a missing
entity, duplicate field, SQL reserved word, name clash after case conversion, a number out of its
bounds, a cycle of required relations. The normalised model is what templates and the OpenAPI/DDL
generators read; each entity, field and relation remembers its ``file:line`` (``Located.where``) so that
the checks made once the stack is known (the names its generated code already uses,
``expert.generators.names``) point at the line too.

Bounds (each stated in its error message):

* names: at most ``MAX_NAME_LENGTH`` (40) characters; tables and columns derived from them at most 63
  (PostgreSQL's identifier limit); constraint and index names longer than that are shortened by
  SQLAlchemy's naming rules, the same way in the migration, the models and ``db/schema.sql``.
* ``string``: ``max_length`` 1..10,000 (VARCHAR; default 255); ``text``: ``max_length`` 1..1,000,000
  (default 65,535, checked by the API; TEXT, MEDIUMTEXT on MySQL). A ``unique`` or ``index`` string holds
  at most 512 characters (index entries: 2,704 bytes on PostgreSQL, 3,072 on MySQL, 4 per character).
  ``min``/``max`` of a string or text are whole numbers of characters within ``max_length``.
* ``integer``: a 32-bit INTEGER column: ``min``/``max``/``default`` are whole numbers from
  -2,147,483,648 to 2,147,483,647.
* ``decimal``: ``precision`` 1..38 (PostgreSQL and MySQL NUMERIC), ``scale`` 0..precision;
  ``min``/``max``/``default`` are finite numbers (or decimal strings such as ``"0.10"``, exact) with at
  most ``scale`` decimals whose magnitude fits the column.
* a default is of the field's type and passes the field's own validation (bounds, length, values).
* enum: 1..100 values of at most 64 characters. At most 200 entities, 200 fields and 100 relations each.
"""

from __future__ import annotations

import math
import re
from decimal import Context, Decimal, InvalidOperation, localcontext
from typing import Any

from expert.answers import AnswersError, suggest
from expert.messages import Text, table, text
from expert.messages import located as at
from expert.yamlio import line_of, plain

FIELD_TYPES = ("string", "text", "integer", "decimal", "boolean", "date", "datetime", "uuid", "enum", "json")
RELATION_KINDS = ("many-to-one", "one-to-many", "many-to-many")
ON_DELETE = ("cascade", "restrict", "set-null")
FIELD_OPTIONS = {
    "type", "max_length", "required", "unique", "default", "min", "max", "index", "precision", "scale", "values", "description",
}
RELATION_OPTIONS = {"kind", "target", "required", "on_delete", "back_populates"}
ENTITY_RE = re.compile(r"^[A-Z][A-Za-z0-9]*$")
FIELD_RE = re.compile(r"^[a-z][a-z0-9_]*$")
ENUM_VALUE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
DECIMAL_TEXT_RE = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
#: characters a default may not hold: NUL (PostgreSQL text cannot store it), other control characters
#: (tab and newline excepted), lone surrogates (not encodable in UTF-8)
BAD_DEFAULT_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
#: columns every entity gets; user fields may not reuse them
IMPLICIT_COLUMNS = ("id", "created_at", "updated_at")
#: entities the starter itself defines (authentication)
RESERVED_ENTITIES = ("User", "Users")

MAX_NAME_LENGTH = 40
MAX_IDENTIFIER = 63  # PostgreSQL truncates longer identifiers (MySQL allows 64)
MAX_ENTITIES, MAX_FIELDS, MAX_RELATIONS = 200, 200, 100
MAX_ENUM_VALUES, MAX_ENUM_VALUE_LENGTH = 100, 64
MAX_DESCRIPTION = 2000
STRING_MAX_LENGTH = 10_000
STRING_DEFAULT_LENGTH = 255
TEXT_MAX_LENGTH = 1_000_000
TEXT_DEFAULT_LENGTH = 65_535
KEY_MAX_LENGTH = 512
MAX_PRECISION = 38
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
#: exact arithmetic on the decimals of a model (the default context rounds past 28 digits)
DECIMAL_CONTEXT = Context(prec=2 * MAX_PRECISION + 2)
#: field types that can take a default, and those that can be indexed or unique
DEFAULT_TYPES = ("string", "text", "integer", "decimal", "boolean", "enum")
UNKEYABLE_TYPES = ("text", "json")

#: SQL reserved words (SQL:2016 core, PostgreSQL, MySQL/MariaDB, SQLite) that break unquoted DDL
SQL_RESERVED = frozenset(
    """
    all alter analyse analyze and any array as asc asymmetric authorization between binary both case cast check
    collate column constraint create cross current_catalog current_date current_role current_schema current_time
    current_timestamp current_user database default deferrable delete desc distinct do drop else end except exists
    false fetch for foreign freeze from full grant group having ilike in index initially inner insert intersect into
    is isnull join key keys lateral leading left like limit localtime localtimestamp match natural not notnull null
    offset on only or order outer overlaps placing primary references returning right row rows select session_user
    similar some symmetric table tablesample then to trailing true union unique update user using values variadic
    verbose when where window with range rank interval read release rename replace require schema separator show
    signal spatial sql ssl starting straight_join terminated trigger undo unlock unsigned usage use utc_date
    utc_time utc_timestamp varying virtual while write xor zerofill abort action after before begin commit
    conflict deferred escape exclusive explain fail glob ignore immediate indexed instead isolation nothing
    notnull plan pragma query raise recursive regexp reindex restrict rollback savepoint temp temporary
    transaction vacuum view
    """.split()
)


class Located(dict):  # type: ignore[type-arg]
    """A normalised entity, field or relation (plain data) that also knows its ``file:line`` as the
    attribute ``where``: equality, copies and the saved answers only ever see the data."""

    where: str = "<model>:1"


def located(data: dict[str, Any], where: str) -> Located:
    out = Located(data)
    out.where = where
    return out


def snake(name: str) -> str:
    """OrderItem -> order_item."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def pluralise(word: str) -> str:
    """English plural of a snake_case word: category -> categories, box -> boxes, order_item -> order_items."""
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    return word + "s"


def shown(value: Any, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters: an error never echoes a huge input back."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 4]}...{text[-1]}"


TEXTS = table("model", {
    "entity": {"en": "entity {name!r}", "fr": "entité {name!r}"},
    "field": {"en": "field {entity}.{name}", "fr": "champ {entity}.{name}"},
    "relation": {"en": "relation {entity}.{name}", "fr": "relation {entity}.{name}"},
    "prefixed": {"en": "{what}: {message}", "fr": "{what} : {message}"},
    "entities_mapping": {"en": "'entities' must be a mapping of entity names to their fields",
                         "fr": "« entities » doit être un dictionnaire des noms d'entités vers leurs champs"},
    "too_many_entities": {"en": "{count} entities: the limit is {limit}", "fr": "{count} entités : la limite est de {limit}"},
    "table_clash": {"en": "entity {name!r} clashes with {other!r} after case conversion (both become table {table!r})",
                    "fr": "l'entité {name!r} entre en conflit avec {other!r} après conversion de casse (les deux "
                          "deviennent la table {table!r})"},
    "table_reserved": {"en": "entity name {name!r} gives table {table!r}, a reserved word in SQL",
                       "fr": "le nom d'entité {name!r} donne la table {table!r}, un mot réservé en SQL"},
    "table_long": {"en": "entity name {name!r} gives table {table!r}, longer than {limit} characters",
                   "fr": "le nom d'entité {name!r} donne la table {table!r}, plus longue que {limit} caractères"},
    "entity_mapping": {"en": "entity {name!r} must be a mapping with 'fields' (and optional 'relations')",
                       "fr": "l'entité {name!r} doit être un dictionnaire avec « fields » (et, en option, « relations »)"},
    "unknown_section": {"en": "entity {name!r}: unknown section {key}{hint}",
                        "fr": "entité {name!r} : section inconnue {key}{hint}"},
    "pascal": {"en": "entity name {name} must be PascalCase (e.g. OrderItem)",
               "fr": "le nom d'entité {name} doit être en PascalCase (par ex. OrderItem)"},
    "entity_name_long": {"en": "entity name {name} is {length} characters long; the limit is {limit}",
                         "fr": "le nom d'entité {name} fait {length} caractères ; la limite est de {limit}"},
    "entity_reserved": {"en": "entity name {name!r} is reserved: the starter defines users for authentication",
                        "fr": "le nom d'entité {name!r} est réservé : le projet définit les utilisateurs pour "
                              "l'authentification"},
    "description_text": {"en": "'description' must be a text", "fr": "« description » doit être un texte"},
    "description_long": {"en": "'description' is {length:,} characters long; the limit is {limit:,}",
                         "fr": "« description » fait {length} caractères ; la limite est de {limit}"},
    "needs_fields": {"en": "entity {name!r} needs 'fields': a mapping of field names to their type and options",
                     "fr": "l'entité {name!r} a besoin de « fields » : un dictionnaire des noms de champs vers leur type "
                           "et leurs options"},
    "too_many_fields": {"en": "entity {name!r} has {count} fields: the limit is {limit}",
                        "fr": "l'entité {name!r} a {count} champs : la limite est de {limit}"},
    "field_twice": {"en": "field {entity}.{name} is defined twice", "fr": "le champ {entity}.{name} est défini deux fois"},
    "field_shape": {"en": "field {entity}.{name} must be a type name or a mapping with 'type'",
                    "fr": "le champ {entity}.{name} doit être un nom de type ou un dictionnaire avec « type »"},
    "unknown_option": {"en": "unknown option {option}{hint}", "fr": "option inconnue {option}{hint}"},
    "unknown_type": {"en": "unknown type {ftype}{hint} (types: {types})", "fr": "type inconnu {ftype}{hint} (types : {types})"},
    "snake_name": {"en": "{kind} {owner}.{name}: names are snake_case (lower-case letters, digits, '_')",
                   "fr": "{kind} {owner}.{name} : les noms sont en snake_case (minuscules, chiffres, « _ »)"},
    "name_long": {"en": "{kind} {owner}.{name}: the name is {length} characters long; the limit is {limit}",
                  "fr": "{kind} {owner}.{name} : le nom fait {length} caractères ; la limite est de {limit}"},
    "kind_field": {"en": "field", "fr": "champ"},
    "kind_relation": {"en": "relation", "fr": "relation"},
    "implicit": {"en": "{name!r} is created for every entity; choose another name",
                 "fr": "{name!r} est créé pour chaque entité ; choisissez un autre nom"},
    "sql_reserved": {"en": "{name!r} is a reserved word in SQL", "fr": "{name!r} est un mot réservé en SQL"},
    "flag_bool": {"en": "'{flag}' must be true or false", "fr": "« {flag} » doit valoir true ou false"},
    "unkeyable_unique": {"en": "a {ftype} field cannot be unique (use a string with max_length <= {limit})",
                         "fr": "un champ {ftype} ne peut pas être unique (utilisez un string avec max_length <= {limit})"},
    "unkeyable_index": {"en": "a {ftype} field cannot be indexed (use a string with max_length <= {limit})",
                        "fr": "un champ {ftype} ne peut pas être indexé (utilisez un string avec max_length <= {limit})"},
    "bool_unique": {"en": "a boolean field cannot be unique", "fr": "un champ boolean ne peut pas être unique"},
    "max_length_where": {"en": "'max_length' applies to string and text fields only",
                         "fr": "« max_length » ne s'applique qu'aux champs string et text"},
    "values_where": {"en": "'values' applies to enum fields only", "fr": "« values » ne s'applique qu'aux champs enum"},
    "min_above_max": {"en": "'min' ({low}) is greater than 'max' ({high})", "fr": "« min » ({low}) est supérieur à « max » ({high})"},
    "min_above_length": {"en": "'min' is above the field's maximum length",
                         "fr": "« min » dépasse la longueur maximale du champ"},
    "max_length_range": {"en": "'max_length' must be a whole number from 1 to {limit:,} (not {value})",
                         "fr": "« max_length » doit être un nombre entier de 1 à {limit} (pas {value})"},
    "key_length": {"en": "a unique or indexed string holds at most {limit} characters (database index entries are "
                         "limited); lower max_length or drop unique/index",
                   "fr": "un string unique ou indexé contient au plus {limit} caractères (les entrées d'index de la base "
                         "sont limitées) ; réduisez max_length ou retirez unique/index"},
    "precision": {"en": "'precision' must be a whole number from 1 to {limit} (not {value})",
                  "fr": "« precision » doit être un nombre entier de 1 à {limit} (pas {value})"},
    "scale": {"en": "'scale' must be a whole number from 0 to the precision {precision} (not {value})",
              "fr": "« scale » doit être un nombre entier de 0 à la précision {precision} (pas {value})"},
    "enum_values": {"en": "enum needs 'values': a list of simple words (letters, digits, '_', '-', '.')",
                    "fr": "un enum a besoin de « values » : une liste de mots simples (lettres, chiffres, « _ », « - », « . »)"},
    "enum_limits": {"en": "an enum has at most {count} values of at most {length} characters",
                    "fr": "un enum a au plus {count} valeurs d'au plus {length} caractères"},
    "enum_distinct": {"en": "enum values must be distinct", "fr": "les valeurs d'un enum doivent être distinctes"},
    "string_bound": {"en": "'{bound}' of a {ftype} is a whole number of characters from {low} to max_length {high:,} (not {value})",
                     "fr": "« {bound} » d'un {ftype} est un nombre entier de caractères de {low} à max_length {high} "
                           "(pas {value})"},
    "int_bound": {"en": "'{bound}' of an integer (a 32-bit column) is a whole number from {low:,} to {high:,} (not {value})",
                  "fr": "« {bound} » d'un integer (une colonne de 32 bits) est un nombre entier de {low} à {high} "
                        "(pas {value})"},
    "bound_where": {"en": "'{bound}' applies to integer, decimal (value) and string/text (length) fields",
                    "fr": "« {bound} » s'applique aux champs integer, decimal (valeur) et string/text (longueur)"},
    "decimal_value": {"en": "'{option}' of a decimal is a finite number or a decimal text like \"12.50\" (not {value})",
                      "fr": "« {option} » d'un decimal est un nombre fini ou un texte décimal comme « 12.50 » (pas {value})"},
    "decimal_fit": {"en": "'{option}' {value} does not fit decimal({precision}, {scale})",
                    "fr": "« {option} » {value} ne tient pas dans decimal({precision}, {scale})"},
    "decimal_places": {"en": "'{option}' {value} has more than the {scale} decimals of decimal({precision}, {scale})",
                       "fr": "« {option} » {value} a plus que les {scale} décimales de decimal({precision}, {scale})"},
    "decimal_largest": {"en": "'{option}' {value} does not fit decimal({precision}, {scale}) (largest magnitude {largest})",
                        "fr": "« {option} » {value} ne tient pas dans decimal({precision}, {scale}) (valeur absolue "
                              "maximale {largest})"},
    "no_default": {"en": "a {ftype} field cannot have a default (defaults: {types})",
                   "fr": "un champ {ftype} ne peut pas avoir de valeur par défaut (valeurs par défaut : {types})"},
    "default_text": {"en": "default {value} is not a text", "fr": "la valeur par défaut {value} n'est pas un texte"},
    "default_control": {"en": "default contains the control character U+{code}",
                        "fr": "la valeur par défaut contient le caractère de contrôle U+{code}"},
    "default_length": {"en": "default is {length:,} characters long; the field takes {low} to {high:,}",
                       "fr": "la valeur par défaut fait {length} caractères ; le champ en accepte de {low} à {high}"},
    "default_int": {"en": "default {value} is not a whole number from {low:,} to {high:,}",
                    "fr": "la valeur par défaut {value} n'est pas un nombre entier de {low} à {high}"},
    "default_outside": {"en": "default {value} is outside {bound} {limit}",
                        "fr": "la valeur par défaut {value} est hors de {bound} {limit}"},
    "default_bool": {"en": "default {value} is not true or false", "fr": "la valeur par défaut {value} n'est ni true ni false"},
    "default_enum": {"en": "default {value} is not one of the values {values}",
                     "fr": "la valeur par défaut {value} n'est pas l'une des valeurs {values}"},
    "relations_mapping": {"en": "entity {name!r}: 'relations' must be a mapping",
                          "fr": "entité {name!r} : « relations » doit être un dictionnaire"},
    "too_many_relations": {"en": "entity {name!r} has {count} relations: the limit is {limit}",
                           "fr": "l'entité {name!r} a {count} relations : la limite est de {limit}"},
    "relation_clash": {"en": "{what} clashes with a field of the same name",
                       "fr": "{what} entre en conflit avec un champ du même nom"},
    "relation_shape": {"en": "{what} must be a mapping with 'kind' and 'target'",
                       "fr": "{what} doit être un dictionnaire avec « kind » et « target »"},
    "relation_kind": {"en": "kind must be one of {kinds}{hint}", "fr": "kind doit être l'une des valeurs {kinds}{hint}"},
    "relation_target": {"en": "target {target} is not an entity{hint}", "fr": "la cible {target} n'est pas une entité{hint}"},
    "relation_required": {"en": "'required' must be true or false", "fr": "« required » doit valoir true ou false"},
    "on_delete": {"en": "on_delete must be one of {values}{hint}", "fr": "on_delete doit être l'une des valeurs {values}{hint}"},
    "required_set_null": {"en": "a required relation cannot use set-null",
                          "fr": "une relation obligatoire ne peut pas utiliser set-null"},
    "column_long": {"en": "column {column} is longer than {limit} characters",
                    "fr": "la colonne {column} est plus longue que {limit} caractères"},
    "column_is_field": {"en": "{what} needs column {column}, which is already a field",
                        "fr": "{what} a besoin de la colonne {column}, qui est déjà un champ"},
    "join_clash": {"en": "{what} needs join table {join!r}, which clashes with {other!r}",
                   "fr": "{what} a besoin de la table de jointure {join!r}, qui entre en conflit avec {other!r}"},
    "join_long": {"en": "{what} needs the join table {join!r} with the column {column!r}: {identifier!r} is longer than "
                        "{limit} characters; use shorter names",
                  "fr": "{what} a besoin de la table de jointure {join!r} avec la colonne {column!r} : {identifier!r} "
                        "dépasse {limit} caractères ; utilisez des noms plus courts"},
    "cycle": {"en": "the required relations {chain} form a cycle: no first row could ever be inserted; make one of them "
                    "optional (e.g. {entity}.{relation}: required: false)",
              "fr": "les relations obligatoires {chain} forment un cycle : aucune première ligne ne pourrait jamais être "
                    "insérée ; rendez l'une d'elles facultative (par ex. {entity}.{relation}: required: false)"},
})


def _err(where: str, key: str, /, **fields: Any) -> AnswersError:
    """The error ``file:line: <message key>``."""
    return AnswersError(at(where, text(TEXTS, key, **fields)))


def _about(where: str, what: Text, key: str, /, **fields: Any) -> AnswersError:
    """The error ``file:line: <what>: <message key>`` (``what`` names the entity, field or relation)."""
    return AnswersError(at(where, text(TEXTS, "prefixed", what=what, message=text(TEXTS, key, **fields))))


def _where(file: str, node: Any, key: Any = None) -> str:
    return f"{file}:{line_of(node, key)}"


def parse_entities(node: Any, file: str) -> list[Located]:
    """Validate the ``entities:`` mapping (ruamel nodes, for line numbers) and normalise it."""
    if not isinstance(node, dict) or not node:
        raise _err(_where(file, node), "entities_mapping")
    if len(node) > MAX_ENTITIES:
        raise _err(_where(file, node), "too_many_entities", count=len(node), limit=MAX_ENTITIES)
    entities: list[Located] = []
    seen_tables: dict[str, str] = {}
    specs: dict[str, Any] = {}
    for raw_name, spec in node.items():
        where = _where(file, node, raw_name)
        name = _entity_name(raw_name, where)
        table = pluralise(snake(name))
        if table in seen_tables:
            raise _err(where, "table_clash", name=name, other=seen_tables[table], table=table)
        if table in SQL_RESERVED:
            raise _err(where, "table_reserved", name=name, table=table)
        if len(table) > MAX_IDENTIFIER:
            raise _err(where, "table_long", name=name, table=table, limit=MAX_IDENTIFIER)
        seen_tables[table] = name
        if not isinstance(spec, dict):
            raise _err(where, "entity_mapping", name=name)
        for key in spec:
            if key not in ("fields", "relations", "description"):
                hint = suggest(key, ["fields", "relations", "description"])
                raise _err(_where(file, spec, key), "unknown_section", name=name, key=shown(key), hint=hint)
        entity = located(
            {
                "name": name,
                "snake": snake(name),
                "plural": table.replace("_", "-"),  # the URL segment: /api/v1/product-categories
                "table": table,
                "description": _description(spec, text(TEXTS, "entity", name=name), file),
                "fields": _fields(spec.get("fields"), spec, name, file),
                "relations": [],
            },
            where,
        )
        specs[name] = spec
        entities.append(entity)
    names = [e["name"] for e in entities]
    for entity in entities:
        rel_node = specs[entity["name"]].get("relations")
        if rel_node is not None:
            entity["relations"] = _relations(rel_node, entity, names, file)
    _check_column_clashes(entities)
    _check_required_cycles(entities)
    return entities


def _entity_name(raw: Any, where: str) -> str:
    name = str(raw)
    if not isinstance(raw, str) or not ENTITY_RE.match(name):
        raise _err(where, "pascal", name=shown(raw))
    if len(name) > MAX_NAME_LENGTH:
        raise _err(where, "entity_name_long", name=shown(name), length=len(name), limit=MAX_NAME_LENGTH)
    if name in RESERVED_ENTITIES:
        raise _err(where, "entity_reserved", name=name)
    return name


def _description(spec: Any, what: Text, file: str) -> str:
    value = spec.get("description") if isinstance(spec, dict) else None
    if value is None:
        return ""
    where = _where(file, spec, "description")
    if not isinstance(value, str):
        raise _about(where, what, "description_text")
    if len(value) > MAX_DESCRIPTION:
        raise _about(where, what, "description_long", length=len(value), limit=MAX_DESCRIPTION)
    return str(value)


def _fields(node: Any, parent: Any, entity: str, file: str) -> list[Located]:
    where = _where(file, parent, "fields")
    if not isinstance(node, dict) or not node:
        raise _err(where, "needs_fields", name=entity)
    if len(node) > MAX_FIELDS:
        raise _err(where, "too_many_fields", name=entity, count=len(node), limit=MAX_FIELDS)
    fields = []
    seen: set[str] = set()
    for raw, spec in node.items():
        fwhere = _where(file, node, raw)
        fname = _check_name(raw, fwhere, "field", entity)
        if fname.lower() in seen:
            raise _err(fwhere, "field_twice", entity=entity, name=fname)
        seen.add(fname.lower())
        if isinstance(spec, str):
            spec_dict: dict[str, Any] = {"type": spec}
        elif isinstance(spec, dict):
            spec_dict = plain(spec)
        else:
            raise _err(fwhere, "field_shape", entity=entity, name=fname)
        for option in spec_dict:
            if option not in FIELD_OPTIONS:
                owhere = _where(file, spec, option) if isinstance(spec, dict) else fwhere
                raise _about(owhere, text(TEXTS, "field", entity=entity, name=fname), "unknown_option", option=shown(option),
                             hint=suggest(option, sorted(FIELD_OPTIONS)))
        ftype = spec_dict.get("type")
        if ftype not in FIELD_TYPES:
            twhere = _where(file, spec, "type") if isinstance(spec, dict) else fwhere
            raise _about(twhere, text(TEXTS, "field", entity=entity, name=fname), "unknown_type", ftype=shown(ftype),
                         hint=suggest(str(ftype), list(FIELD_TYPES)), types=", ".join(FIELD_TYPES))
        fields.append(located(_field(fname, ftype, spec_dict, spec, entity, file, fwhere), fwhere))
    return fields


def _check_name(raw: Any, where: str, kind: str, owner: str) -> str:
    """A field or relation name (``kind`` says which, ``owner`` is its entity)."""
    name = str(raw)
    if not isinstance(raw, str) or not FIELD_RE.match(name):
        raise _err(where, "snake_name", kind=text(TEXTS, f"kind_{kind}"), owner=owner, name=shown(raw))
    if len(name) > MAX_NAME_LENGTH:
        raise _err(where, "name_long", kind=text(TEXTS, f"kind_{kind}"), owner=owner, name=shown(name), length=len(name),
                   limit=MAX_NAME_LENGTH)
    what = text(TEXTS, kind, entity=owner, name=name)
    if name in IMPLICIT_COLUMNS:
        raise _about(where, what, "implicit", name=name)
    if name in SQL_RESERVED:
        raise _about(where, what, "sql_reserved", name=name)
    return name


class _FieldParser:
    """Checks one field's options against its type; every error points at the option's line."""

    def __init__(self, name: str, ftype: str, spec: dict[str, Any], node: Any, entity: str, file: str, where: str) -> None:
        self.name, self.ftype, self.spec, self.node = name, ftype, spec, node
        self.entity, self.file, self.where = entity, file, where

    def bad(self, option: str, key: str, /, **fields: Any) -> AnswersError:
        """The error at ``option``'s line: ``file:line: field Entity.name: <message key>``."""
        owhere = _where(self.file, self.node, option) if isinstance(self.node, dict) and option in self.node else self.where
        return _about(owhere, text(TEXTS, "field", entity=self.entity, name=self.name), key, **fields)

    def parse(self) -> dict[str, Any]:
        spec, ftype = self.spec, self.ftype
        for flag in ("required", "unique", "index"):
            if flag in spec and not isinstance(spec[flag], bool):
                raise self.bad(flag, "flag_bool", flag=flag)
        out: dict[str, Any] = {
            "name": self.name,
            "type": ftype,
            "required": bool(spec.get("required", False)),
            "unique": bool(spec.get("unique", False)),
            "index": bool(spec.get("index", False)),
            "description": _description(self.node, text(TEXTS, "field", entity=self.entity, name=self.name), self.file),
        }
        keyed = out["unique"] or out["index"]
        if keyed and ftype in UNKEYABLE_TYPES:
            flag = "unique" if out["unique"] else "index"
            raise self.bad(flag, "unkeyable_unique" if flag == "unique" else "unkeyable_index", ftype=ftype,
                           limit=KEY_MAX_LENGTH)
        if ftype == "boolean" and out["unique"]:
            raise self.bad("unique", "bool_unique")
        if ftype in ("string", "text"):
            out["max_length"] = self._max_length(keyed)
        elif "max_length" in spec:
            raise self.bad("max_length", "max_length_where")
        if ftype == "decimal":
            out["precision"], out["scale"] = self._precision_scale()
        if ftype == "enum":
            out["values"] = self._enum_values(keyed)
        elif "values" in spec:
            raise self.bad("values", "values_where")
        for bound in ("min", "max"):
            if bound in spec:
                out[bound] = self._bound(bound, out)
        if "min" in out and "max" in out and _as_number(out["min"]) > _as_number(out["max"]):
            raise self.bad("min", "min_above_max", low=shown(out["min"]), high=shown(out["max"]))
        if ftype in ("string", "text") and string_bounds(out)[0] > (string_bounds(out)[1] or 0):
            raise self.bad("min", "min_above_length")
        if "default" in spec:
            out["default"] = self._default(spec["default"], out)
        return out

    def _max_length(self, keyed: bool) -> int:
        limit, default = (STRING_MAX_LENGTH, STRING_DEFAULT_LENGTH) if self.ftype == "string" else (TEXT_MAX_LENGTH, TEXT_DEFAULT_LENGTH)
        length = self.spec.get("max_length", default)
        if _whole(length) is None or not 1 <= length <= limit:
            raise self.bad("max_length", "max_length_range", limit=limit, value=shown(length))
        if keyed and length > KEY_MAX_LENGTH:
            raise self.bad("max_length", "key_length", limit=KEY_MAX_LENGTH)
        return int(length)

    def _precision_scale(self) -> tuple[int, int]:
        precision, scale = self.spec.get("precision", 12), self.spec.get("scale", 2)
        if _whole(precision) is None or not 1 <= precision <= MAX_PRECISION:
            raise self.bad("precision", "precision", limit=MAX_PRECISION, value=shown(precision))
        if _whole(scale) is None or not 0 <= scale <= precision:
            raise self.bad("scale", "scale", precision=int(precision), value=shown(scale))
        return int(precision), int(scale)

    def _enum_values(self, keyed: bool) -> list[str]:
        values = self.spec.get("values")
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and ENUM_VALUE_RE.match(v) for v in values):
            raise self.bad("values", "enum_values")
        if len(values) > MAX_ENUM_VALUES or any(len(v) > MAX_ENUM_VALUE_LENGTH for v in values):
            raise self.bad("values", "enum_limits", count=MAX_ENUM_VALUES, length=MAX_ENUM_VALUE_LENGTH)
        if len(set(values)) != len(values):
            raise self.bad("values", "enum_distinct")
        return list(values)

    def _bound(self, bound: str, field: dict[str, Any]) -> Any:
        value, ftype = self.spec[bound], self.ftype
        if ftype in ("string", "text"):
            length = _whole(value)
            if length is None or not (0 if bound == "min" else 1) <= length <= field["max_length"]:
                raise self.bad(bound, "string_bound", bound=bound, ftype=ftype, low=0 if bound == "min" else 1,
                               high=field["max_length"], value=shown(value))
            return length
        if ftype == "integer":
            number = _whole(value)
            if number is None or not INT32_MIN <= number <= INT32_MAX:
                raise self.bad(bound, "int_bound", bound=bound, low=INT32_MIN, high=INT32_MAX, value=shown(value))
            return number
        if ftype == "decimal":
            self._fitting_decimal(bound, value, field)
            return value
        raise self.bad(bound, "bound_where", bound=bound)

    def _fitting_decimal(self, option: str, value: Any, field: dict[str, Any]) -> Decimal:
        """``value`` as a Decimal that NUMERIC(precision, scale) holds exactly, else an error."""
        precision, scale = field["precision"], field["scale"]
        number = _decimal(value)
        if number is None:
            raise self.bad(option, "decimal_value", option=option, value=shown(value))
        if number.adjusted() > MAX_PRECISION:  # far beyond any column: no need to compute with it
            raise self.bad(option, "decimal_fit", option=option, value=shown(value), precision=precision, scale=scale)
        with localcontext(DECIMAL_CONTEXT):
            largest = Decimal(10) ** (precision - scale) - Decimal(1).scaleb(-scale)
            exact = number == number.quantize(Decimal(1).scaleb(-scale))
        if not exact:
            raise self.bad(option, "decimal_places", option=option, value=shown(value), precision=precision, scale=scale)
        if number.copy_abs() > largest:  # copy_abs is exact; abs() rounds to the context's precision
            raise self.bad(option, "decimal_largest", option=option, value=shown(value), precision=precision, scale=scale,
                           largest=largest)
        return number

    def _default(self, value: Any, field: dict[str, Any]) -> Any:
        ftype = field["type"]
        if ftype not in DEFAULT_TYPES:
            raise self.bad("default", "no_default", ftype=ftype, types=", ".join(DEFAULT_TYPES))
        if ftype in ("string", "text"):
            if not isinstance(value, str):
                raise self.bad("default", "default_text", value=shown(value))
            bad = BAD_DEFAULT_CHARS.search(value)
            if bad:
                raise self.bad("default", "default_control", code=f"{ord(bad.group()):04X}")
            low, high = string_bounds(field)
            if not low <= len(value) <= (high if high is not None else len(value)):
                raise self.bad("default", "default_length", length=len(value), low=low, high=high)
            return value
        if ftype == "integer":
            number = _whole(value)
            low, high = int_bounds(field)
            if number is None or not low <= number <= high:
                raise self.bad("default", "default_int", value=shown(value), low=low, high=high)
            return number
        if ftype == "decimal":
            number = self._fitting_decimal("default", value, field)
            for bound, fails in (("min", number.__lt__), ("max", number.__gt__)):
                if bound in field and fails(_as_number(field[bound])):
                    raise self.bad("default", "default_outside", value=shown(value), bound=bound, limit=shown(field[bound]))
            return value
        if ftype == "boolean" and not isinstance(value, bool):
            raise self.bad("default", "default_bool", value=shown(value))
        if ftype == "enum" and (not isinstance(value, str) or value not in field["values"]):
            raise self.bad("default", "default_enum", value=shown(value), values=", ".join(field["values"]))
        return value


def _field(name: str, ftype: str, spec: dict[str, Any], node: Any, entity: str, file: str, where: str) -> dict[str, Any]:
    return _FieldParser(name, ftype, spec, node, entity, file, where).parse()


def _whole(value: Any) -> int | None:
    """A whole number (an int, or a float such as 3.0); None for anything else, including inf and nan."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return None


def _decimal(value: Any) -> Decimal | None:
    """A finite number or decimal text as an exact Decimal; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(int(value))
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    if isinstance(value, str) and len(value) <= 100 and DECIMAL_TEXT_RE.match(value):
        try:
            return Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern only lets plain decimals through
            return None
    return None


def _as_number(value: Any) -> Decimal:
    """A checked bound or default (int, float or decimal text) for comparisons."""
    number = _decimal(value)
    assert number is not None, value
    return number


def string_bounds(field: dict[str, Any]) -> tuple[int, int | None]:
    """(min_length, max_length) of a string/text field: ``min``/``max`` count characters; a required
    field is never empty."""
    low = 1 if field["required"] else 0
    if "min" in field:
        low = max(low, int(field["min"]))
    high = field.get("max_length")
    if "max" in field:
        high = int(field["max"]) if high is None else min(high, int(field["max"]))
    return low, high


def int_bounds(field: dict[str, Any]) -> tuple[int, int]:
    """(minimum, maximum) of an integer field: its own bounds, within the 32-bit column."""
    low = int(field["min"]) if "min" in field else INT32_MIN
    high = int(field["max"]) if "max" in field else INT32_MAX
    return low, high


def _relations(node: Any, entity: dict[str, Any], names: list[str], file: str) -> list[Located]:
    if not isinstance(node, dict):
        raise _err(_where(file, node), "relations_mapping", name=entity["name"])
    if len(node) > MAX_RELATIONS:
        raise _err(_where(file, node), "too_many_relations", name=entity["name"], count=len(node), limit=MAX_RELATIONS)
    out = []
    field_names = {f["name"] for f in entity["fields"]}
    for raw, spec in node.items():
        where = _where(file, node, raw)
        rname = _check_name(raw, where, "relation", entity["name"])
        what = text(TEXTS, "relation", entity=entity["name"], name=rname)
        if rname in field_names or f"{rname}_id" in field_names or f"{rname}_ids" in field_names:
            raise _err(where, "relation_clash", what=what)
        if not isinstance(spec, dict):
            raise _err(where, "relation_shape", what=what)
        for option in spec:
            if option not in RELATION_OPTIONS:
                raise _about(_where(file, spec, option), what, "unknown_option", option=shown(option),
                             hint=suggest(option, sorted(RELATION_OPTIONS)))
        kind = spec.get("kind")
        if kind not in RELATION_KINDS:
            raise _about(_where(file, spec, "kind"), what, "relation_kind", kinds=", ".join(RELATION_KINDS),
                         hint=suggest(str(kind), list(RELATION_KINDS)))
        target = spec.get("target")
        if target not in names:
            raise _about(_where(file, spec, "target"), what, "relation_target", target=shown(target),
                         hint=suggest(str(target), names))
        required = spec.get("required", False)
        if not isinstance(required, bool):
            raise _about(_where(file, spec, "required"), what, "relation_required")
        on_delete = spec.get("on_delete", "restrict" if required else "set-null")
        if on_delete not in ON_DELETE:
            raise _about(_where(file, spec, "on_delete"), what, "on_delete", values=", ".join(ON_DELETE),
                         hint=suggest(str(on_delete), list(ON_DELETE)))
        if required and on_delete == "set-null":
            raise _about(_where(file, spec, "on_delete"), what, "required_set_null")
        if kind == "many-to-one" and len(f"{rname}_id") > MAX_IDENTIFIER:  # pragma: no cover - names are at most 40
            raise _about(where, what, "column_long", column=f"{rname}_id", limit=MAX_IDENTIFIER)
        relation = {"name": rname, "kind": kind, "target": target, "required": required, "on_delete": on_delete}
        out.append(located(relation, where))
    return out


def _check_column_clashes(entities: list[Located]) -> None:
    """A many-to-one relation adds ``<name>_id``; a many-to-many adds a join table ``<entity>_<name>``
    with the columns ``<entity>_id`` and ``<target>_id``: check none clashes or is too long."""
    tables = {e["table"]: e["name"] for e in entities}
    by_name = {e["name"]: e for e in entities}
    for e in entities:
        columns = {f["name"] for f in e["fields"]}
        for r in e["relations"]:
            what = text(TEXTS, "relation", entity=e["name"], name=r["name"])
            if r["kind"] == "many-to-one" and f"{r['name']}_id" in columns:
                raise _err(r.where, "column_is_field", what=what, column=f"{r['name']}_id")
            if r["kind"] != "many-to-many":
                continue
            join = f"{e['snake']}_{r['name']}"
            if join in tables:
                raise _err(r.where, "join_clash", what=what, join=join, other=tables[join])
            target = by_name[r["target"]]["snake"]
            right = f"related_{target}_id" if target == e["snake"] else f"{target}_id"
            for identifier in (join, right):
                if len(identifier) > MAX_IDENTIFIER:
                    raise _err(r.where, "join_long", what=what, join=join, column=right, identifier=identifier,
                               limit=MAX_IDENTIFIER)
            tables[join] = f"{e['name']}.{r['name']}"


def _check_required_cycles(entities: list[Located]) -> None:
    """Required many-to-one relations that lead back to their entity (itself, or through others) mean
    that no first row can ever be inserted: refuse them and say which side to make optional."""
    edges = {e["name"]: [r for r in e["relations"] if r["kind"] == "many-to-one" and r["required"]] for e in entities}
    state: dict[str, str] = {}  # "open" while on the path, "done" once explored
    path: list[tuple[str, Located]] = []

    def visit(name: str) -> None:
        state[name] = "open"
        for r in edges[name]:
            if state.get(r["target"]) == "open":
                start = next((i for i, (entity, _) in enumerate(path) if entity == r["target"]), len(path))
                cycle = [*path[start:], (name, r)]
                chain = ", ".join(f"{entity}.{rel['name']} -> {rel['target']}" for entity, rel in cycle)
                first = cycle[0]
                raise _err(first[1].where, "cycle", chain=chain, entity=first[0], relation=first[1]["name"])
            if r["target"] not in state:
                path.append((name, r))
                visit(r["target"])
                path.pop()
        state[name] = "done"

    for e in entities:
        if e["name"] not in state:
            visit(e["name"])


def to_answers_form(entities: list[dict[str, Any]]) -> dict[str, Any]:
    """The normalised model written back in the answers-file format (every option explicit), so that a
    project's ``.backend-expert.yml`` reproduces the same model."""
    out: dict[str, Any] = {}
    for e in entities:
        fields = {}
        for f in e["fields"]:
            fields[f["name"]] = {k: v for k, v in f.items() if k != "name" and not (k == "description" and not v)}
        spec: dict[str, Any] = {"fields": fields}
        if e["relations"]:
            spec["relations"] = {r["name"]: {k: v for k, v in r.items() if k != "name"} for r in e["relations"]}
        if e["description"]:
            spec["description"] = e["description"]
        out[e["name"]] = spec
    return out


DEFAULT_MODEL = {
    "Item": {
        "fields": {
            "name": {"type": "string", "max_length": 100, "required": True},
            "description": {"type": "text"},
        }
    }
}


def default_entities() -> list[Located]:
    """The model of a project that gave none: one example resource."""
    return parse_entities(DEFAULT_MODEL, "<default model>")
