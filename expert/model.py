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


def _err(where: str, message: str) -> AnswersError:
    return AnswersError(f"{where}: {message}")


def _where(file: str, node: Any, key: Any = None) -> str:
    return f"{file}:{line_of(node, key)}"


def parse_entities(node: Any, file: str) -> list[Located]:
    """Validate the ``entities:`` mapping (ruamel nodes, for line numbers) and normalise it."""
    if not isinstance(node, dict) or not node:
        raise _err(_where(file, node), "'entities' must be a mapping of entity names to their fields")
    if len(node) > MAX_ENTITIES:
        raise _err(_where(file, node), f"{len(node)} entities: the limit is {MAX_ENTITIES}")
    entities: list[Located] = []
    seen_tables: dict[str, str] = {}
    specs: dict[str, Any] = {}
    for raw_name, spec in node.items():
        where = _where(file, node, raw_name)
        name = _entity_name(raw_name, where)
        table = pluralise(snake(name))
        if table in seen_tables:
            raise _err(where, f"entity {name!r} clashes with {seen_tables[table]!r} after case conversion (both become table {table!r})")
        if table in SQL_RESERVED:
            raise _err(where, f"entity name {name!r} gives table {table!r}, a reserved word in SQL")
        if len(table) > MAX_IDENTIFIER:
            raise _err(where, f"entity name {name!r} gives table {table!r}, longer than {MAX_IDENTIFIER} characters")
        seen_tables[table] = name
        if not isinstance(spec, dict):
            raise _err(where, f"entity {name!r} must be a mapping with 'fields' (and optional 'relations')")
        for key in spec:
            if key not in ("fields", "relations", "description"):
                hint = did_you_mean(key, ["fields", "relations", "description"])
                raise _err(_where(file, spec, key), f"entity {name!r}: unknown section {shown(key)}{hint}")
        entity = located(
            {
                "name": name,
                "snake": snake(name),
                "plural": table.replace("_", "-"),  # the URL segment: /api/v1/product-categories
                "table": table,
                "description": _description(spec, f"entity {name!r}", file),
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
        raise _err(where, f"entity name {shown(raw)} must be PascalCase (e.g. OrderItem)")
    if len(name) > MAX_NAME_LENGTH:
        raise _err(where, f"entity name {shown(name)} is {len(name)} characters long; the limit is {MAX_NAME_LENGTH}")
    if name in RESERVED_ENTITIES:
        raise _err(where, f"entity name {name!r} is reserved: the starter defines users for authentication")
    return name


def _description(spec: Any, what: str, file: str) -> str:
    value = spec.get("description") if isinstance(spec, dict) else None
    if value is None:
        return ""
    where = _where(file, spec, "description")
    if not isinstance(value, str):
        raise _err(where, f"{what}: 'description' must be a text")
    if len(value) > MAX_DESCRIPTION:
        raise _err(where, f"{what}: 'description' is {len(value):,} characters long; the limit is {MAX_DESCRIPTION:,}")
    return str(value)


def _fields(node: Any, parent: Any, entity: str, file: str) -> list[Located]:
    where = _where(file, parent, "fields")
    if not isinstance(node, dict) or not node:
        raise _err(where, f"entity {entity!r} needs 'fields': a mapping of field names to their type and options")
    if len(node) > MAX_FIELDS:
        raise _err(where, f"entity {entity!r} has {len(node)} fields: the limit is {MAX_FIELDS}")
    fields = []
    seen: set[str] = set()
    for raw, spec in node.items():
        fwhere = _where(file, node, raw)
        fname = _check_name(raw, fwhere, "field", entity)
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
                owhere = _where(file, spec, option) if isinstance(spec, dict) else fwhere
                raise _err(owhere, f"field {entity}.{fname}: unknown option {shown(option)}{did_you_mean(option, sorted(FIELD_OPTIONS))}")
        ftype = spec_dict.get("type")
        if ftype not in FIELD_TYPES:
            twhere = _where(file, spec, "type") if isinstance(spec, dict) else fwhere
            raise _err(twhere, f"field {entity}.{fname}: unknown type {shown(ftype)}{did_you_mean(str(ftype), list(FIELD_TYPES))} "
                       f"(types: {', '.join(FIELD_TYPES)})")
        fields.append(located(_field(fname, ftype, spec_dict, spec, entity, file, fwhere), fwhere))
    return fields


def _check_name(raw: Any, where: str, kind: str, owner: str) -> str:
    """A field or relation name (``kind`` says which, ``owner`` is its entity)."""
    name = str(raw)
    if not isinstance(raw, str) or not FIELD_RE.match(name):
        raise _err(where, f"{kind} {owner}.{shown(raw)}: names are snake_case (lower-case letters, digits, '_')")
    if len(name) > MAX_NAME_LENGTH:
        raise _err(where, f"{kind} {owner}.{shown(name)}: the name is {len(name)} characters long; the limit is {MAX_NAME_LENGTH}")
    what = f"{kind} {owner}.{name}"
    if name in IMPLICIT_COLUMNS:
        raise _err(where, f"{what}: {name!r} is created for every entity; choose another name")
    if name in SQL_RESERVED:
        raise _err(where, f"{what}: {name!r} is a reserved word in SQL")
    return name


class _FieldParser:
    """Checks one field's options against its type; every error points at the option's line."""

    def __init__(self, name: str, ftype: str, spec: dict[str, Any], node: Any, entity: str, file: str, where: str) -> None:
        self.name, self.ftype, self.spec, self.node = name, ftype, spec, node
        self.entity, self.file, self.where = entity, file, where

    def bad(self, option: str, message: str) -> AnswersError:
        owhere = _where(self.file, self.node, option) if isinstance(self.node, dict) and option in self.node else self.where
        return _err(owhere, f"field {self.entity}.{self.name}: {message}")

    def parse(self) -> dict[str, Any]:
        spec, ftype = self.spec, self.ftype
        for flag in ("required", "unique", "index"):
            if flag in spec and not isinstance(spec[flag], bool):
                raise self.bad(flag, f"'{flag}' must be true or false")
        out: dict[str, Any] = {
            "name": self.name,
            "type": ftype,
            "required": bool(spec.get("required", False)),
            "unique": bool(spec.get("unique", False)),
            "index": bool(spec.get("index", False)),
            "description": _description(self.node, f"field {self.entity}.{self.name}", self.file),
        }
        keyed = out["unique"] or out["index"]
        if keyed and ftype in UNKEYABLE_TYPES:
            flag = "unique" if out["unique"] else "index"
            raise self.bad(flag, f"a {ftype} field cannot be {'unique' if flag == 'unique' else 'indexed'} "
                                 f"(use a string with max_length <= {KEY_MAX_LENGTH})")
        if ftype == "boolean" and out["unique"]:
            raise self.bad("unique", "a boolean field cannot be unique")
        if ftype in ("string", "text"):
            out["max_length"] = self._max_length(keyed)
        elif "max_length" in spec:
            raise self.bad("max_length", "'max_length' applies to string and text fields only")
        if ftype == "decimal":
            out["precision"], out["scale"] = self._precision_scale()
        if ftype == "enum":
            out["values"] = self._enum_values(keyed)
        elif "values" in spec:
            raise self.bad("values", "'values' applies to enum fields only")
        for bound in ("min", "max"):
            if bound in spec:
                out[bound] = self._bound(bound, out)
        if "min" in out and "max" in out and _as_number(out["min"]) > _as_number(out["max"]):
            raise self.bad("min", f"'min' ({shown(out['min'])}) is greater than 'max' ({shown(out['max'])})")
        if ftype in ("string", "text") and string_bounds(out)[0] > (string_bounds(out)[1] or 0):
            raise self.bad("min", "'min' is above the field's maximum length")
        if "default" in spec:
            out["default"] = self._default(spec["default"], out)
        return out

    def _max_length(self, keyed: bool) -> int:
        limit, default = (STRING_MAX_LENGTH, STRING_DEFAULT_LENGTH) if self.ftype == "string" else (TEXT_MAX_LENGTH, TEXT_DEFAULT_LENGTH)
        length = self.spec.get("max_length", default)
        if _whole(length) is None or not 1 <= length <= limit:
            raise self.bad("max_length", f"'max_length' must be a whole number from 1 to {limit:,} (not {shown(length)})")
        if keyed and length > KEY_MAX_LENGTH:
            raise self.bad("max_length", f"a unique or indexed string holds at most {KEY_MAX_LENGTH} characters "
                                         "(database index entries are limited); lower max_length or drop unique/index")
        return int(length)

    def _precision_scale(self) -> tuple[int, int]:
        precision, scale = self.spec.get("precision", 12), self.spec.get("scale", 2)
        if _whole(precision) is None or not 1 <= precision <= MAX_PRECISION:
            raise self.bad("precision", f"'precision' must be a whole number from 1 to {MAX_PRECISION} (not {shown(precision)})")
        if _whole(scale) is None or not 0 <= scale <= precision:
            raise self.bad("scale", f"'scale' must be a whole number from 0 to the precision {int(precision)} (not {shown(scale)})")
        return int(precision), int(scale)

    def _enum_values(self, keyed: bool) -> list[str]:
        values = self.spec.get("values")
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and ENUM_VALUE_RE.match(v) for v in values):
            raise self.bad("values", "enum needs 'values': a list of simple words (letters, digits, '_', '-', '.')")
        if len(values) > MAX_ENUM_VALUES or any(len(v) > MAX_ENUM_VALUE_LENGTH for v in values):
            raise self.bad("values", f"an enum has at most {MAX_ENUM_VALUES} values of at most {MAX_ENUM_VALUE_LENGTH} characters")
        if len(set(values)) != len(values):
            raise self.bad("values", "enum values must be distinct")
        return list(values)

    def _bound(self, bound: str, field: dict[str, Any]) -> Any:
        value, ftype = self.spec[bound], self.ftype
        if ftype in ("string", "text"):
            length = _whole(value)
            if length is None or not (0 if bound == "min" else 1) <= length <= field["max_length"]:
                raise self.bad(bound, f"'{bound}' of a {ftype} is a whole number of characters from "
                                      f"{0 if bound == 'min' else 1} to max_length {field['max_length']:,} (not {shown(value)})")
            return length
        if ftype == "integer":
            number = _whole(value)
            if number is None or not INT32_MIN <= number <= INT32_MAX:
                raise self.bad(bound, f"'{bound}' of an integer (a 32-bit column) is a whole number from {INT32_MIN:,} "
                                      f"to {INT32_MAX:,} (not {shown(value)})")
            return number
        if ftype == "decimal":
            self._fitting_decimal(bound, value, field)
            return value
        raise self.bad(bound, f"'{bound}' applies to integer, decimal (value) and string/text (length) fields")

    def _fitting_decimal(self, option: str, value: Any, field: dict[str, Any]) -> Decimal:
        """``value`` as a Decimal that NUMERIC(precision, scale) holds exactly, else an error."""
        precision, scale = field["precision"], field["scale"]
        number = _decimal(value)
        if number is None:
            raise self.bad(option, f"'{option}' of a decimal is a finite number or a decimal text like \"12.50\" (not {shown(value)})")
        if number.adjusted() > MAX_PRECISION:  # far beyond any column: no need to compute with it
            raise self.bad(option, f"'{option}' {shown(value)} does not fit decimal({precision}, {scale})")
        with localcontext(DECIMAL_CONTEXT):
            largest = Decimal(10) ** (precision - scale) - Decimal(1).scaleb(-scale)
            exact = number == number.quantize(Decimal(1).scaleb(-scale))
        if not exact:
            raise self.bad(option, f"'{option}' {shown(value)} has more than the {scale} decimals of decimal({precision}, {scale})")
        if number.copy_abs() > largest:  # copy_abs is exact; abs() rounds to the context's precision
            raise self.bad(option, f"'{option}' {shown(value)} does not fit decimal({precision}, {scale}) "
                                   f"(largest magnitude {largest})")
        return number

    def _default(self, value: Any, field: dict[str, Any]) -> Any:
        ftype = field["type"]
        if ftype not in DEFAULT_TYPES:
            raise self.bad("default", f"a {ftype} field cannot have a default (defaults: {', '.join(DEFAULT_TYPES)})")
        if ftype in ("string", "text"):
            if not isinstance(value, str):
                raise self.bad("default", f"default {shown(value)} is not a text")
            bad = BAD_DEFAULT_CHARS.search(value)
            if bad:
                raise self.bad("default", f"default contains the control character U+{ord(bad.group()):04X}")
            low, high = string_bounds(field)
            if not low <= len(value) <= (high if high is not None else len(value)):
                raise self.bad("default", f"default is {len(value):,} characters long; the field takes {low} to {high:,}")
            return value
        if ftype == "integer":
            number = _whole(value)
            low, high = int_bounds(field)
            if number is None or not low <= number <= high:
                raise self.bad("default", f"default {shown(value)} is not a whole number from {low:,} to {high:,}")
            return number
        if ftype == "decimal":
            number = self._fitting_decimal("default", value, field)
            for bound, fails in (("min", number.__lt__), ("max", number.__gt__)):
                if bound in field and fails(_as_number(field[bound])):
                    raise self.bad("default", f"default {shown(value)} is outside {bound} {shown(field[bound])}")
            return value
        if ftype == "boolean" and not isinstance(value, bool):
            raise self.bad("default", f"default {shown(value)} is not true or false")
        if ftype == "enum" and (not isinstance(value, str) or value not in field["values"]):
            raise self.bad("default", f"default {shown(value)} is not one of the values {', '.join(field['values'])}")
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
        raise _err(_where(file, node), f"entity {entity['name']!r}: 'relations' must be a mapping")
    if len(node) > MAX_RELATIONS:
        raise _err(_where(file, node), f"entity {entity['name']!r} has {len(node)} relations: the limit is {MAX_RELATIONS}")
    out = []
    field_names = {f["name"] for f in entity["fields"]}
    for raw, spec in node.items():
        where = _where(file, node, raw)
        rname = _check_name(raw, where, "relation", entity["name"])
        what = f"relation {entity['name']}.{rname}"
        if rname in field_names or f"{rname}_id" in field_names or f"{rname}_ids" in field_names:
            raise _err(where, f"{what} clashes with a field of the same name")
        if not isinstance(spec, dict):
            raise _err(where, f"{what} must be a mapping with 'kind' and 'target'")
        for option in spec:
            if option not in RELATION_OPTIONS:
                raise _err(_where(file, spec, option), f"{what}: unknown option {shown(option)}"
                           f"{did_you_mean(option, sorted(RELATION_OPTIONS))}")
        kind = spec.get("kind")
        if kind not in RELATION_KINDS:
            raise _err(_where(file, spec, "kind"), f"{what}: kind must be one of {', '.join(RELATION_KINDS)}"
                       f"{did_you_mean(str(kind), list(RELATION_KINDS))}")
        target = spec.get("target")
        if target not in names:
            raise _err(_where(file, spec, "target"), f"{what}: target {shown(target)} is not an entity{did_you_mean(str(target), names)}")
        required = spec.get("required", False)
        if not isinstance(required, bool):
            raise _err(_where(file, spec, "required"), f"{what}: 'required' must be true or false")
        on_delete = spec.get("on_delete", "restrict" if required else "set-null")
        if on_delete not in ON_DELETE:
            raise _err(_where(file, spec, "on_delete"), f"{what}: on_delete must be one of {', '.join(ON_DELETE)}"
                       f"{did_you_mean(str(on_delete), list(ON_DELETE))}")
        if required and on_delete == "set-null":
            raise _err(_where(file, spec, "on_delete"), f"{what}: a required relation cannot use set-null")
        if kind == "many-to-one" and len(f"{rname}_id") > MAX_IDENTIFIER:  # pragma: no cover - names are at most 40
            raise _err(where, f"{what}: column {rname}_id is longer than {MAX_IDENTIFIER} characters")
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
            what = f"relation {e['name']}.{r['name']}"
            if r["kind"] == "many-to-one" and f"{r['name']}_id" in columns:
                raise _err(r.where, f"{what} needs column {r['name']}_id, which is already a field")
            if r["kind"] != "many-to-many":
                continue
            join = f"{e['snake']}_{r['name']}"
            if join in tables:
                raise _err(r.where, f"{what} needs join table {join!r}, which clashes with {tables[join]!r}")
            target = by_name[r["target"]]["snake"]
            right = f"related_{target}_id" if target == e["snake"] else f"{target}_id"
            for identifier in (join, right):
                if len(identifier) > MAX_IDENTIFIER:
                    raise _err(r.where, f"{what} needs the join table {join!r} with the column {right!r}: {identifier!r} is "
                               f"longer than {MAX_IDENTIFIER} characters; use shorter names")
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
                raise _err(first[1].where, f"the required relations {chain} form a cycle: no first row could ever be inserted; "
                           f"make one of them optional (e.g. {first[0]}.{first[1]['name']}: required: false)")
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
