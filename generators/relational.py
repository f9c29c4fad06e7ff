"""The relational view of the domain model, shared by the python-fastapi templates, the OpenAPI generator
and the DDL generator (expert.generators.schema), so that the three can never disagree.

``relational(context)`` takes the stack context (or ``{"cookiecutter": ...}``) and returns, per entity:
its columns (user fields, ``<relation>_id`` foreign keys), its many-to-many join tables, the fields one
may filter on (``index: true`` or ``unique: true``, and every foreign key) and sort on, plus sample and
invalid values the generated tests use. Templates reach it through the ``relational`` Jinja filter.

Conventions (documented in the generated README):

* ``id`` is a UUIDv7 (generated in Python) when the ``id_type`` decision is ``uuid-v7``, else a 64-bit
  integer sequence (``bigint``; INTEGER on SQLite, where only that type auto-increments).
* many-to-one ``customer`` -> column ``customer_id`` (NULL allowed unless required), FK ON DELETE per
  ``on_delete``, indexed, filterable (``?customer_id=``); the referenced row must exist and belong to
  the same user, else 404.
* one-to-many is the inverse side of a many-to-one: it adds no column and no endpoint (list the
  children with the child's ``?<relation>_id=`` filter).
* many-to-many ``tags`` -> join table ``<entity_snake>_tags`` (composite primary key, both FKs ON DELETE
  CASCADE), exposed as ``tags_ids`` (a list of ids) in create/update/read.
* tables are created so that a many-to-one's target comes first; in a cycle of (optional) many-to-one
  relations (``a.b -> B``, ``b.a -> A``), the foreign keys that point at a table created later are
  ``deferred``: added with ALTER TABLE once every table exists (SQLite, which checks references only
  when rows are written, keeps them in CREATE TABLE). Cycles of required relations are refused by
  ``expert.model``.
* constraint and index names follow the naming convention of the generated models (``fk_<table>_<column>_
  <target>``, ``ix_<table>_<column>``, ...); past the database's identifier limit SQLAlchemy shortens them
  (a hash suffix), in the migration, the models and ``db/schema.sql`` alike.
* ``text`` fields are capped at ``max_length`` characters (65,535 unless given) by the API.

String sample values longer than ``LONG_SAMPLE`` characters are written to the generated tests'
``model.json`` as ``{"prefix": ..., "length": n}`` (the prefix padded with ``x`` to n characters).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from decimal import Decimal, localcontext
from typing import Any

from expert.generators import pysource
from expert.generators.ranges import decimal_pattern
from expert.model import (
    DECIMAL_CONTEXT,
    INT32_MAX,
    INT32_MIN,
    STRING_DEFAULT_LENGTH,
    TEXT_DEFAULT_LENGTH,
    int_bounds,
    snake,
    string_bounds,
)

__all__ = ["INT32_MAX", "INT32_MIN", "MAX_ID", "decimal_pattern", "decimal_text", "int_bounds", "relational", "string_bounds"]

MAX_ID = 9007199254740991  # 2**53 - 1: ids stay exact in JavaScript clients and JSON Schema tools
#: longest name of a field's type alias in the generated code (``OrderTotal``): longer ones are cut and
#: given a hash suffix, so that ``    <field>: <alias> | None = None`` fits in 100 columns
ALIAS_MAX = 38
LONG_SAMPLE = 1000
SAMPLES = 8  # sample values per field (the generated tests use 0-2 for rows, 4-7 for parents)
ON_DELETE_SQL = {"cascade": "CASCADE", "restrict": "RESTRICT", "set-null": "SET NULL"}
#: field types one can sort on (PostgreSQL's json type has no ordering)
UNSORTABLE = {"json"}
#: field types one can filter on by equality
UNFILTERABLE = {"json"}


def _cookiecutter(context: Mapping[str, Any]) -> Mapping[str, Any]:
    inner = context.get("cookiecutter")
    return inner if isinstance(inner, Mapping) else context


def id_kind(context: Mapping[str, Any]) -> str:
    """``uuid`` when the id_type decision is uuid-v7, else ``int`` (bigint; object-id is not generated)."""
    cc = _cookiecutter(context)
    decisions = cc.get("decisions") or {}
    return "uuid" if decisions.get("id_type") == "uuid-v7" else "int"


def title(name: str) -> str:
    """pydantic's default title for a field or parameter."""
    return name.title().replace("_", " ").strip()


def type_alias(entity: str, field: str) -> str:
    """The name of a field's validated type in the generated code: ``Order`` + ``unit_price`` ->
    ``OrderUnitPrice``; past ``ALIAS_MAX`` characters, cut and suffixed with a short hash."""
    name = entity + "".join(part.capitalize() for part in field.split("_"))
    if len(name) <= ALIAS_MAX:
        return name
    digest = hashlib.sha1(f"{entity}.{field}".encode()).hexdigest()[:8]
    return f"{name[: ALIAS_MAX - 9]}_{digest}"


def decimal_text(value: Any) -> str:
    """A checked decimal bound or default (int, float or decimal text) as plain decimal text:
    1e+16 -> "10000000000000000", 0.5 -> "0.5"."""
    number = Decimal(value) if isinstance(value, (int, str)) else Decimal(repr(value))
    return format(number, "f")


def _decimal_text(value: Decimal, scale: int) -> str:
    with localcontext(DECIMAL_CONTEXT):
        return f"{value:.{scale}f}"


def _text_value(prefix: str, length: int) -> Any:
    """``prefix`` padded with ``x`` (or cut) to ``length`` characters; long ones in the compact form."""
    if length > LONG_SAMPLE:
        return {"prefix": prefix[:length], "length": length}
    return (prefix + "x" * max(0, length - len(prefix)))[:length]


def _samples(field: Mapping[str, Any]) -> list[Any]:
    """Eight valid request values, distinct when the type allows."""
    ftype, name = field["type"], field["name"]
    if ftype in ("string", "text"):
        low, high = string_bounds(field)
        out = []
        for i in range(SAMPLES):
            base = f"{i}-{name}" if ftype == "string" else f"Some {name} text, number {i}."
            length = min(max(len(base), low), high if high is not None else len(base))
            out.append(_text_value(base, length))
        return out
    if ftype == "integer":
        low, high = int_bounds(field)
        start = 40 if low <= 40 <= high - 5 else low
        return [min(high, start + i) for i in range(SAMPLES)]
    if ftype == "decimal":
        return _decimal_samples(field)
    if ftype == "boolean":
        return [i % 2 == 0 for i in range(SAMPLES)]
    if ftype == "date":
        return [f"2024-0{i + 1}-1{i}" for i in range(SAMPLES)]
    if ftype == "datetime":
        return [f"2024-0{i + 1}-1{i}T0{i}:30:00Z" for i in range(SAMPLES)]
    if ftype == "uuid":
        return [f"00000000-0000-4000-8000-00000000000{i}" for i in range(SAMPLES)]
    if ftype == "enum":
        values = field["values"]
        return [values[i % len(values)] for i in range(SAMPLES)]
    return [{"n": i, "tags": ["a", str(i)]} for i in range(SAMPLES)]  # json


def _decimal_samples(field: Mapping[str, Any]) -> list[str]:
    """Decimals within the column and the field's bounds, from 1 (or the minimum) up."""
    precision, scale = field["precision"], field["scale"]
    with localcontext(DECIMAL_CONTEXT):
        limit = Decimal(10) ** (precision - scale) - Decimal(1).scaleb(-scale)
        low = max(-limit, Decimal(decimal_text(field["min"]))) if "min" in field else -limit
        high = min(limit, Decimal(decimal_text(field["max"]))) if "max" in field else limit
        step = Decimal(1).scaleb(-scale)
        start = min(max(Decimal(1), low.quantize(step, rounding="ROUND_CEILING")), high)
        return [_decimal_text(min(high, start + step * i * 7), scale) for i in range(SAMPLES)]


def _changed(field: Mapping[str, Any], samples: list[Any]) -> Any:
    ftype = field["type"]
    if ftype in ("string", "text"):
        low, high = string_bounds(field)
        return _text_value("changed", min(max(7, low), high if high is not None else max(7, low)))
    if ftype == "boolean":
        return not samples[0]
    if ftype == "enum":
        values = field["values"]
        return values[1] if len(values) > 1 else values[0]
    return samples[SAMPLES - 1]


def _invalid(field: Mapping[str, Any]) -> list[Any]:
    """Values that must be refused with 422 (merged into a valid body). The empty string is among them
    for every typed text: some validators skip it (Symfony's Regex and Choice constraints)."""
    ftype = field["type"]
    if ftype in ("string", "text"):
        low, high = string_bounds(field)
        out: list[Any] = [12345, _text_value("nul\x00byte", max(9, low))]
        if high is not None:
            out.append(_text_value("", high + 1))
        if low > 0:
            out.append(_text_value("", low - 1))
        return out
    if ftype == "integer":
        low, high = int_bounds(field)
        return ["12", 1.5, high + 1, low - 1, 2**63, -(10**30)]
    if ftype == "decimal":
        precision, scale = field["precision"], field["scale"]
        out = [12.5, "abc", "1" * (precision - scale + 1)]
        if scale:
            out.append("0." + "1" * (scale + 1))
        with localcontext(DECIMAL_CONTEXT):
            if "min" in field:
                out.append(_decimal_text(Decimal(decimal_text(field["min"])) - 1, scale))
            if "max" in field:
                out.append(_decimal_text(Decimal(decimal_text(field["max"])) + 1, scale))
        out += ["NaN", "Infinity", "-Infinity", "1e3", ""]
        return out
    if ftype == "boolean":
        return ["yes", 1]
    if ftype == "date":
        return ["2024-02-30", "yesterday", 20240101, ""]
    if ftype == "datetime":
        return ["2024-01-01T25:00:00Z", "now", 1700000000, ""]
    if ftype == "uuid":
        return ["not-a-uuid", 42, ""]
    if ftype == "enum":
        return ["not-a-value", 1] + ([] if "" in field["values"] else [""])
    return []  # json: any JSON value is valid


def _field(field: Mapping[str, Any], entity: str, table: str) -> dict[str, Any]:
    field = {"unique": False, "index": False, **field}
    for key in ("min", "max", "default", "max_length", "precision", "scale"):
        value = field.get(key)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int):
            field[key] = int(value)  # ruamel's ScalarInt is not plain data
        elif isinstance(value, float):
            field[key] = float(value)
        elif isinstance(value, str):
            field[key] = str(value)
    if field["type"] in ("string", "text"):
        field.setdefault("max_length", STRING_DEFAULT_LENGTH if field["type"] == "string" else TEXT_DEFAULT_LENGTH)
    ftype, name, required = field["type"], field["name"], field["required"]
    out: dict[str, Any] = dict(field)
    out["title"] = title(name)
    out["alias"] = type_alias(entity, name)
    out["nullable"] = not required
    out["filterable"] = (field["index"] or field["unique"]) and ftype not in UNFILTERABLE
    out["sortable"] = ftype not in UNSORTABLE
    out["indexed"] = field["index"] and not field["unique"]
    out["index_name"] = f"ix_{table}_{name}"
    out["unique_name"] = f"uq_{table}_owner_id_{name}"
    if ftype == "enum":
        out["length"] = max(len(v) for v in field["values"])
    if ftype in ("string", "text"):
        out["min_length"], out["max_length_eff"] = string_bounds(field)
    if ftype == "integer":
        out["ge"], out["le"] = int_bounds(field)
    if ftype == "decimal":
        # JSON Schema bounds numbers only: a decimal written as text is bounded by its pattern, which
        # accepts exactly the values of the column within min and max (expert.generators.ranges)
        low = Decimal(decimal_text(field["min"])) if "min" in field else None
        high = Decimal(decimal_text(field["max"])) if "max" in field else None
        out["pattern"] = decimal_pattern(field["precision"], field["scale"], low, high)
        out["dmin"] = decimal_text(field["min"]) if "min" in field else None
        out["dmax"] = decimal_text(field["max"]) if "max" in field else None
    if "default" in field:
        default = field["default"]
        if ftype == "decimal":
            default = _decimal_text(Decimal(decimal_text(default)), field["scale"])
        out["default_value"] = default
        out["default_literal"] = pysource.literal(default)
        out["default_keyword"] = pysource.keyword_value(8, "default", default)  # inside an exploded Field(...)
        out["has_default"] = True
    else:
        out["has_default"] = False
    samples = _samples(field)
    out["samples"] = samples
    out["changed"] = _changed(field, samples)
    out["invalid"] = _invalid(field)
    return out


def _creation_order(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entities in an order where every many-to-one target comes first (PostgreSQL and MySQL check a
    foreign key's table at CREATE TABLE), marking ``deferred`` the foreign keys of a cycle that point at
    a table created later. To break a cycle, the first entity (in declaration order) whose pending foreign
    keys are all optional goes first, so that a deferred foreign key can always be set to NULL (the
    generated tests do, before emptying the tables in dependency order). One always exists: otherwise
    required relations would form a cycle, which ``expert.model`` refuses."""
    done: list[dict[str, Any]] = []
    names: set[str] = set()
    pending = list(entities)

    def waiting(e: dict[str, Any]) -> list[dict[str, Any]]:
        return [r for r in e["many_to_one"] if r["target"] not in names and r["target"] != e["name"]]

    while pending:
        ready = [e for e in pending if not waiting(e)]
        if not ready:
            ready = [next(e for e in pending if not any(r["required"] for r in waiting(e)))]
            for r in waiting(ready[0]):
                r["deferred"] = True
        for e in ready:
            done.append(e)
            names.add(e["name"])
            pending.remove(e)
    return done


def relational(context: Mapping[str, Any]) -> dict[str, Any]:
    """The relational view of the context's entities (see the module docstring)."""
    cc = _cookiecutter(context)
    kind = id_kind(cc)
    entities = list(cc.get("entities") or [])
    by_name = {e["name"]: e for e in entities}
    restricted = {
        r["target"] for e in entities for r in e.get("relations") or [] if r["kind"] == "many-to-one" and r["on_delete"] == "restrict"
    }
    referenced_by: dict[str, list[dict[str, Any]]] = {e["name"]: [] for e in entities}
    out = []
    for e in entities:
        e = {"snake": snake(e["name"]), **e}
        table = e["table"]
        fields = [_field(f, e["name"], table) for f in e["fields"]]
        many_to_one, many_to_many, one_to_many = [], [], []
        for r in e.get("relations") or []:
            target = {"snake": snake(by_name[r["target"]]["name"]), **by_name[r["target"]]}
            if r["kind"] == "many-to-one":
                column = f"{r['name']}_id"
                rel = {
                    "name": r["name"],
                    "column": column,
                    "title": title(column),
                    "target": target["name"],
                    "target_table": target["table"],
                    "target_plural": target["plural"],
                    "required": r["required"],
                    "nullable": not r["required"],
                    "on_delete": r["on_delete"],
                    "on_delete_sql": ON_DELETE_SQL[r["on_delete"]],
                    "fk_name": f"fk_{table}_{column}_{target['table']}",
                    "index_name": f"ix_{table}_{column}",
                    "deferred": False,  # set by _creation_order for the foreign keys of a cycle
                }
                many_to_one.append(rel)
                referenced_by[target["name"]].append({"entity": e["name"], **rel})
            elif r["kind"] == "many-to-many":
                left = f"{e['snake']}_id"
                right = f"{target['snake']}_id"
                if right == left:
                    right = f"related_{right}"
                join = f"{e['snake']}_{r['name']}"
                many_to_many.append(
                    {
                        "name": r["name"],
                        "field": f"{r['name']}_ids",
                        "title": title(f"{r['name']}_ids"),
                        "table": join,
                        "left": left,
                        "right": right,
                        "target": target["name"],
                        "target_table": target["table"],
                        "pk_name": f"pk_{join}",
                        "left_fk": f"fk_{join}_{left}_{table}",
                        "right_fk": f"fk_{join}_{right}_{target['table']}",
                        "right_index": f"ix_{join}_{right}",
                        "table_var": f"{join}_table",
                    }
                )
            else:
                one_to_many.append({"name": r["name"], "target": target["name"], "target_table": target["table"]})
        filters: list[dict[str, Any]] = [
            {"name": f["name"], "title": f["title"], "field": f, "kind": "field"} for f in fields if f["filterable"]
        ]
        filters += [{"name": r["column"], "title": r["title"], "field": None, "kind": "id"} for r in many_to_one]
        sorts = ["id", *(f["name"] for f in fields if f["sortable"]), "created_at", "updated_at"]
        out.append(
            {
                "name": e["name"],
                "var": e["name"].lower(),
                "snake": e["snake"],
                "table": table,
                "plural": e["plural"],
                "plural_id": e["plural"].replace("-", "_"),
                "description": e.get("description", ""),
                "fields": fields,
                "many_to_one": many_to_one,
                "many_to_many": many_to_many,
                "one_to_many": one_to_many,
                "filters": filters,
                "sorts": sorts,
                "sort_values": [v for s in sorts for v in (s, f"-{s}")],
                "has_unique": any(f["unique"] for f in fields),
                "has_refs": bool(many_to_one or many_to_many),
                "restricted": e["name"] in restricted,
                "pk_name": f"pk_{table}",
                "owner_fk": f"fk_{table}_owner_id_users",
                "owner_index": f"ix_{table}_owner_id",
            }
        )
    for ent in out:
        ent["referenced_by"] = referenced_by[ent["name"]]
    ordered = _creation_order(out)
    test_model = {
        "id_kind": kind,
        # optional foreign keys that a delete in dependency order could find still set (a cycle, or a row
        # referencing another row of its table): the generated tests set them to NULL before emptying tables
        "unlink": [
            {"table": ent["table"], "column": r["column"]}
            for ent in ordered
            for r in ent["many_to_one"]
            if r["nullable"] and (r["deferred"] or r["target"] == ent["name"])
        ],
        "entities": [
            {
                "name": ent["name"],
                "url": f"/api/v1/{ent['plural']}",
                "fields": [
                    {
                        k: f[k]
                        for k in ("name", "type", "required", "unique", "filterable", "has_default", "samples", "changed", "invalid")
                    }
                    for f in ent["fields"]
                ],
                "many_to_one": [
                    {k: r[k] for k in ("name", "column", "target", "required", "on_delete")} for r in ent["many_to_one"]
                ],
                "many_to_many": [{k: r[k] for k in ("name", "field", "target")} for r in ent["many_to_many"]],
                "sorts": ent["sort_values"],
                "filters": [flt["name"] for flt in ent["filters"]],
            }
            for ent in out
        ],
    }
    return {
        "test_model": test_model,
        "ordered": ordered,
        # (entity, many-to-one) pairs whose foreign key is added once every table exists
        "deferred": [(ent, r) for ent in ordered for r in ent["many_to_one"] if r["deferred"]],
        "id_kind": kind,
        "database": cc.get("database"),
        "entities": out,
        "by_name": {ent["name"]: ent for ent in out},
        "any_unique": any(ent["has_unique"] for ent in out),
        "any_refs": any(ent["has_refs"] for ent in out),
        "any_restricted": any(ent["restricted"] for ent in out),
        "any_m2m": any(ent["many_to_many"] for ent in out),
        "types": sorted({f["type"] for ent in out for f in ent["fields"]}),
        # Python literals of the user's values, as ruff format writes them (expert.generators.pysource)
        "py_literal": pysource.literal,
        "py_keyword": pysource.keyword_value,
        "py_width": pysource.width,
        "py_import_order": pysource.import_order,
    }
