"""The domain model (the answers file's ``entities:`` section): validate and normalise it.

Every error is one line with ``file:line``: unknown type (with "did you mean"), relation to a missing
entity, duplicate field, reserved word as a name (SQL or language keyword), name clash after case
conversion. The normalised model is what templates and the OpenAPI/DDL generators read.
"""

from __future__ import annotations

import keyword
import re
from typing import Any

from expert.answers import AnswersError, did_you_mean
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
#: columns every entity gets; user fields may not reuse them
IMPLICIT_COLUMNS = ("id", "created_at", "updated_at")
#: entities the starter itself defines (authentication)
RESERVED_ENTITIES = ("User", "Users")
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
#: identifiers the generated code cannot use (Python keywords and builtins-as-fields that break pydantic)
LANGUAGE_RESERVED = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | {"self", "model_config", "metadata"}


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


def _err(where: str, message: str) -> AnswersError:
    return AnswersError(f"{where}: {message}")


def parse_entities(node: Any, file: str) -> list[dict[str, Any]]:
    """Validate the ``entities:`` mapping (ruamel nodes, for line numbers) and normalise it."""
    if not isinstance(node, dict) or not node:
        raise _err(f"{file}:{line_of(node)}", "'entities' must be a mapping of entity names to their fields")
    entities: list[dict[str, Any]] = []
    seen_tables: dict[str, str] = {}
    for name, spec in node.items():
        where = f"{file}:{line_of(node, name)}"
        name = str(name)
        if not ENTITY_RE.match(name):
            raise _err(where, f"entity name {name!r} must be PascalCase (e.g. OrderItem)")
        if name in RESERVED_ENTITIES:
            raise _err(where, f"entity name {name!r} is reserved: the starter defines users for authentication")
        table = pluralise(snake(name))
        if table in seen_tables:
            raise _err(where, f"entity {name!r} clashes with {seen_tables[table]!r} after case conversion (both become table {table!r})")
        if table in SQL_RESERVED:
            raise _err(where, f"entity name {name!r} gives table {table!r}, a reserved word in SQL")
        if name in LANGUAGE_RESERVED:
            raise _err(where, f"entity name {name!r} is a reserved word in the generated code")
        seen_tables[table] = name
        if not isinstance(spec, dict):
            raise _err(where, f"entity {name!r} must be a mapping with 'fields' (and optional 'relations')")
        for key in spec:
            if key not in ("fields", "relations", "description"):
                hint = did_you_mean(key, ["fields", "relations"])
                raise _err(f"{file}:{line_of(spec, key)}", f"entity {name!r}: unknown section {key!r}{hint}")
        entity = {
            "name": name,
            "snake": snake(name),
            "plural": table.replace("_", "-"),  # the URL segment: /api/v1/product-categories
            "table": table,
            "description": str(spec.get("description") or ""),
            "fields": _fields(spec.get("fields"), spec, name, file),
            "relations": [],
        }
        entity["_relations_node"] = spec.get("relations")
        entities.append(entity)
    names = [e["name"] for e in entities]
    for entity in entities:
        rel_node = entity.pop("_relations_node")
        if rel_node is not None:
            entity["relations"] = _relations(rel_node, entity, names, file)
    _check_column_clashes(entities, file, node)
    return entities


def _fields(node: Any, parent: Any, entity: str, file: str) -> list[dict[str, Any]]:
    where = f"{file}:{line_of(parent, 'fields')}"
    if not isinstance(node, dict) or not node:
        raise _err(where, f"entity {entity!r} needs 'fields': a mapping of field names to their type and options")
    fields = []
    seen: set[str] = set()
    for fname, spec in node.items():
        fwhere = f"{file}:{line_of(node, fname)}"
        fname = str(fname)
        _check_name(fname, fwhere, f"field {entity}.{fname}")
        if fname.lower() in seen:
            raise _err(fwhere, f"field {entity}.{fname} is defined twice")
        seen.add(fname.lower())
        if isinstance(spec, str):
            spec_dict: dict[str, Any] = {"type": spec}
        elif isinstance(spec, dict):
            spec_dict = plain(spec)
        else:
            raise _err(fwhere, f"field {entity}.{fname} must be a type name or a mapping with 'type'")
        for option in spec_dict:
            if option not in FIELD_OPTIONS:
                owhere = f"{file}:{line_of(spec, option)}" if isinstance(spec, dict) else fwhere
                raise _err(owhere, f"field {entity}.{fname}: unknown option {option!r}{did_you_mean(option, sorted(FIELD_OPTIONS))}")
        ftype = spec_dict.get("type")
        if ftype not in FIELD_TYPES:
            twhere = f"{file}:{line_of(spec, 'type')}" if isinstance(spec, dict) else fwhere
            raise _err(twhere, f"field {entity}.{fname}: unknown type {ftype!r}{did_you_mean(str(ftype), list(FIELD_TYPES))} "
                       f"(types: {', '.join(FIELD_TYPES)})")
        fields.append(_field(fname, ftype, spec_dict, spec, entity, file, fwhere))
    return fields


def _check_name(name: str, where: str, what: str) -> None:
    if not FIELD_RE.match(name):
        raise _err(where, f"{what}: names are snake_case (lower-case letters, digits, '_')")
    if name in IMPLICIT_COLUMNS:
        raise _err(where, f"{what}: {name!r} is created for every entity; choose another name")
    if name in SQL_RESERVED:
        raise _err(where, f"{what}: {name!r} is a reserved word in SQL")
    if name in LANGUAGE_RESERVED:
        raise _err(where, f"{what}: {name!r} is a reserved word in the generated code")


def _field(name: str, ftype: str, spec: dict[str, Any], node: Any, entity: str, file: str, where: str) -> dict[str, Any]:
    def bad(option: str, message: str) -> AnswersError:
        owhere = f"{file}:{line_of(node, option)}" if isinstance(node, dict) else where
        return _err(owhere, f"field {entity}.{name}: {message}")

    for flag in ("required", "unique", "index"):
        if flag in spec and not isinstance(spec[flag], bool):
            raise bad(flag, f"'{flag}' must be true or false")
    out: dict[str, Any] = {
        "name": name,
        "type": ftype,
        "required": bool(spec.get("required", False)),
        "unique": bool(spec.get("unique", False)),
        "index": bool(spec.get("index", False)),
        "description": str(spec.get("description") or ""),
    }
    if ftype == "string":
        length = spec.get("max_length", 255)
        if not isinstance(length, int) or isinstance(length, bool) or not 1 <= length <= 10000:
            raise bad("max_length", "'max_length' must be an integer from 1 to 10000")
        out["max_length"] = length
    elif "max_length" in spec:
        raise bad("max_length", "'max_length' applies to string fields only")
    if ftype == "decimal":
        precision, scale = spec.get("precision", 12), spec.get("scale", 2)
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (precision, scale)) or not 0 <= scale <= precision <= 38:
            raise bad("precision", "decimal needs integers 0 <= scale <= precision <= 38")
        out["precision"], out["scale"] = precision, scale
    if ftype == "enum":
        values = spec.get("values")
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and ENUM_VALUE_RE.match(v) for v in values):
            raise bad("values", "enum needs 'values': a list of simple words (letters, digits, '_', '-', '.')")
        if len(set(values)) != len(values):
            raise bad("values", "enum values must be distinct")
        out["values"] = list(values)
    elif "values" in spec:
        raise bad("values", "'values' applies to enum fields only")
    for bound in ("min", "max"):
        if bound in spec:
            value = spec[bound]
            if ftype not in ("integer", "decimal", "string", "text"):
                raise bad(bound, f"'{bound}' applies to integer, decimal (value) and string/text (length) fields")
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise bad(bound, f"'{bound}' must be a number")
            out[bound] = value
    if "min" in out and "max" in out and out["min"] > out["max"]:
        raise bad("min", "'min' is greater than 'max'")
    if "default" in spec:
        out["default"] = _default(spec["default"], out, bad)
    return out


def _default(value: Any, field: dict[str, Any], bad) -> Any:  # type: ignore[no-untyped-def]
    ftype = field["type"]
    ok = {
        "string": isinstance(value, str),
        "text": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "decimal": isinstance(value, (int, float)) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "enum": value in field.get("values", []),
    }.get(ftype, False)
    if not ok:
        raise bad("default", f"default {value!r} does not fit type {ftype}")
    if ftype == "string" and len(value) > field["max_length"]:
        raise bad("default", "default is longer than max_length")
    for bound, fails in (("min", lambda b: value < b), ("max", lambda b: value > b)):
        if bound in field and ftype in ("integer", "decimal") and fails(field[bound]):
            raise bad("default", f"default {value!r} is outside {bound} {field[bound]}")
    return value


def _relations(node: Any, entity: dict[str, Any], names: list[str], file: str) -> list[dict[str, Any]]:
    if not isinstance(node, dict):
        raise _err(f"{file}:{line_of(node)}", f"entity {entity['name']!r}: 'relations' must be a mapping")
    out = []
    field_names = {f["name"] for f in entity["fields"]}
    for rname, spec in node.items():
        where = f"{file}:{line_of(node, rname)}"
        rname = str(rname)
        _check_name(rname, where, f"relation {entity['name']}.{rname}")
        if rname in field_names or f"{rname}_id" in field_names:
            raise _err(where, f"relation {entity['name']}.{rname} clashes with a field of the same name")
        if not isinstance(spec, dict):
            raise _err(where, f"relation {entity['name']}.{rname} must be a mapping with 'kind' and 'target'")
        for option in spec:
            if option not in RELATION_OPTIONS:
                raise _err(f"{file}:{line_of(spec, option)}", f"relation {entity['name']}.{rname}: unknown option {option!r}"
                           f"{did_you_mean(option, sorted(RELATION_OPTIONS))}")
        kind = spec.get("kind")
        if kind not in RELATION_KINDS:
            raise _err(f"{file}:{line_of(spec, 'kind')}", f"relation {entity['name']}.{rname}: kind must be one of "
                       f"{', '.join(RELATION_KINDS)}{did_you_mean(str(kind), list(RELATION_KINDS))}")
        target = spec.get("target")
        if target not in names:
            raise _err(f"{file}:{line_of(spec, 'target')}", f"relation {entity['name']}.{rname}: target {target!r} is not an entity"
                       f"{did_you_mean(str(target), names)}")
        on_delete = spec.get("on_delete", "restrict" if spec.get("required") else "set-null")
        if on_delete not in ON_DELETE:
            raise _err(f"{file}:{line_of(spec, 'on_delete')}", f"relation {entity['name']}.{rname}: on_delete must be one of "
                       f"{', '.join(ON_DELETE)}{did_you_mean(str(on_delete), list(ON_DELETE))}")
        required = spec.get("required", False)
        if not isinstance(required, bool):
            raise _err(f"{file}:{line_of(spec, 'required')}", f"relation {entity['name']}.{rname}: 'required' must be true or false")
        if required and on_delete == "set-null":
            where = f"{file}:{line_of(spec, 'on_delete')}"
            raise _err(where, f"relation {entity['name']}.{rname}: a required relation cannot use set-null")
        out.append({"name": rname, "kind": kind, "target": target, "required": required, "on_delete": on_delete})
    return out


def _check_column_clashes(entities: list[dict[str, Any]], file: str, node: Any) -> None:
    """A many-to-one relation adds ``<name>_id``; a many-to-many adds a join table: check neither clashes."""
    tables = {e["table"]: e["name"] for e in entities}
    for e in entities:
        columns = {f["name"] for f in e["fields"]}
        for r in e["relations"]:
            if r["kind"] == "many-to-one" and f"{r['name']}_id" in columns:
                raise _err(f"{file}:{line_of(node, e['name'])}", f"relation {e['name']}.{r['name']} needs column {r['name']}_id, "
                           "which is already a field")
            if r["kind"] == "many-to-many":
                join = f"{e['snake']}_{r['name']}"
                if join in tables:
                    raise _err(f"{file}:{line_of(node, e['name'])}", f"relation {e['name']}.{r['name']} needs join table {join!r}, "
                               f"which clashes with entity {tables[join]!r}")
                tables[join] = f"{e['name']}.{r['name']}"


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


def default_entities() -> list[dict[str, Any]]:
    """The model of a project that gave none: one example resource."""
    return parse_entities(DEFAULT_MODEL, "<default model>")
