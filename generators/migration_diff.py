"""The next migration of a generated project whose domain model changed (``backend-expert update``).

``next_migration(old_context, new_context, existing_files)`` compares the schema of the last generation with
the new one (both are ``expert.generators.schema.schema_metadata``: the tables db/schema.sql and the first
migration create, so types, names and order are never recomputed here) and writes the ONE new migration of the
stack's migration tool that takes a database from the old schema to the new one, numbered and chained after the
project's existing migrations (which are never rewritten):

* alembic: ``alembic/versions/NNNN_model_update.py`` with ``op.*`` calls (``batch_alter_table`` for what SQLite
  can only do by copying the table), ``down_revision`` = the current head;
* prisma-migrate, goose, flyway: the vendor's DDL in the tool's file format and place;
* typeorm, umzug: a TypeScript migration module running the vendor's DDL, plus the updated migration list.

The SQL is compiled by SQLAlchemy (tables, indexes, constraints, exactly as db/schema.sql) and Alembic's
operations in offline mode (column changes: ``ALTER TABLE ... MODIFY`` on MySQL, ``ALTER COLUMN`` elsewhere).

A change that cannot be migrated safely raises ``ModelChangeRefused``, one line naming the entity and field and
what to do: a column type change (other than widening a string), a new required field or relation without a
default on a table that may hold rows, and, on SQLite with a plain-SQL tool, what SQLite's ALTER TABLE cannot do.
A new required field with a ``default:`` is added with that value as a column default (filling the existing rows),
which is then dropped (SQLite cannot drop it: the column keeps it); an optional field that becomes required is
first backfilled with its default.

Each migration is written with its way back where the tool has one (Alembic's downgrade(), goose's Down, the
TypeScript runners' down()): the reverse diff, lenient, since a downgrade may shorten a string again, make a column
NOT NULL again or add back a required column, which the database refuses for rows that do not fit; the starters'
own tests run ``downgrade base``. Django's operations are computed by expert.generators.migration_django.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from expert.generators.relational import relational
from expert.generators.schema import schema_metadata
from expert.messages import LocalizedError, Text, table, text

__all__ = ["ModelChangeRefused", "migration_paths", "next_migration"]

#: the stack's migration tool -> the glob patterns of its files (``{database}`` filled in)
PATHS = {
    "alembic": ["alembic/versions/*.py"],
    "django-migrations": ["app/migrations/*.py"],
    "prisma-migrate": ["prisma/migrations/*/migration.sql"],
    "typeorm": ["src/migrations/*.ts"],
    "umzug": ["src/migrations/*.ts"],
    "goose": ["internal/store/migrations/*.sql"],
    "flyway": ["src/main/resources/db/migration/{database}/*.sql"],
}
#: the slug of every migration this module writes (after its number)
NAME = "model_update"


class ModelChangeRefused(LocalizedError, ValueError):
    """A change of the domain model that no migration can apply safely; the message says what to do (a Text of
    :data:`TEXTS`: ``str()`` is the English line, ``in_lang`` the user's)."""


#: the refusals, in the user's language; ``what`` is a :data:`TEXTS` fragment naming the entity and field
TEXTS = table("migration_diff", {
    "entity_field": {"en": "entity {entity}, {column}", "fr": "entité {entity}, {column}"},
    "entity": {"en": "entity {entity}", "fr": "entité {entity}"},
    "table_field": {"en": "table {table}, {column}", "fr": "table {table}, {column}"},
    "table": {"en": "table {table}", "fr": "table {table}"},
    "tool": {"en": "migrations={tool}: backend-expert cannot write a migration for this tool (it can for {tools})",
             "fr": "migrations={tool} : backend-expert ne sait pas écrire de migration pour cet outil (il le sait pour "
                   "{tools})"},
    "base_changed": {"en": "{key} changed from {old} to {new}: a migration cannot move a project's data to another "
                           "database or tool; generate a new project and move the data with the vendor's tools",
                     "fr": "{key} est passé de {old} à {new} : une migration ne peut pas déplacer les données d'un projet "
                           "vers une autre base ou un autre outil ; générez un nouveau projet et déplacez les données "
                           "avec les outils de l'éditeur"},
    "id_type": {"en": "id_type changed ({old} to {new}): every primary and foreign key would change type; keep the "
                      "project's id type",
                "fr": "id_type a changé ({old} en {new}) : chaque clé primaire et étrangère changerait de type ; gardez "
                      "le type d'identifiant du projet"},
    "sqlite_fk_drop": {"en": "{what}: SQLite cannot drop or change a foreign key without copying the table; keep the "
                             "relation, or write that migration by hand",
                       "fr": "{what} : SQLite ne peut ni supprimer ni modifier une clé étrangère sans copier la table ; "
                             "gardez la relation, ou écrivez cette migration à la main"},
    "sqlite_fk_add": {"en": "{what}: SQLite cannot add a foreign key to an existing column; write that migration by hand",
                      "fr": "{what} : SQLite ne peut pas ajouter de clé étrangère à une colonne existante ; écrivez cette "
                            "migration à la main"},
    "sqlite_alter": {"en": "{what}: SQLite's ALTER TABLE cannot {action} (only a copy of the table can); keep it as it "
                           "was, or write that migration by hand",
                     "fr": "{what} : l'ALTER TABLE de SQLite ne peut pas {action} (seule une copie de la table le peut) ; "
                           "gardez-le tel quel, ou écrivez cette migration à la main"},
    "drop_unique": {"en": "drop a unique constraint", "fr": "supprimer une contrainte d'unicité"},
    "add_unique": {"en": "add a unique constraint", "fr": "ajouter une contrainte d'unicité"},
    "change_type": {"en": "change a column's type", "fr": "changer le type d'une colonne"},
    "change_null": {"en": "change a column's NOT NULL", "fr": "changer le NOT NULL d'une colonne"},
    "required_column": {"en": "{what}: a new required column on a table that may hold rows needs a value for them: give "
                              "the field a `default:` (existing rows get it), or add it with `required: false`, fill "
                              "it, then make it required",
                        "fr": "{what} : une nouvelle colonne obligatoire sur une table qui peut contenir des lignes "
                              "demande une valeur pour elles : donnez au champ un `default:` (les lignes existantes le "
                              "reçoivent), ou ajoutez-le avec `required: false`, remplissez-le, puis rendez-le "
                              "obligatoire"},
    "required_relation": {"en": "{what}: a new required relation on a table that may hold rows: add it with "
                                "`required: false`, set it on every row, then make it required",
                          "fr": "{what} : une nouvelle relation obligatoire sur une table qui peut contenir des lignes : "
                                "ajoutez-la avec `required: false`, renseignez-la sur chaque ligne, puis rendez-la "
                                "obligatoire"},
    "type_change": {"en": "{what}: its column type changes ({old} to {new}), which may not convert or may truncate "
                          "existing values: add a new field, copy the values in your own migration, then remove the "
                          "old one",
                    "fr": "{what} : le type de sa colonne change ({old} en {new}), ce qui peut ne pas se convertir ou "
                          "tronquer les valeurs existantes : ajoutez un nouveau champ, copiez les valeurs dans votre "
                          "propre migration, puis retirez l'ancien"},
    "becomes_required": {"en": "{what}: becomes required, but existing rows may hold NULL: give the field a `default:` "
                               "(the migration fills those rows with it), or fill them yourself first",
                         "fr": "{what} : devient obligatoire, mais des lignes existantes peuvent contenir NULL : donnez "
                               "au champ un `default:` (la migration en remplit ces lignes), ou remplissez-les "
                               "vous-même d'abord"},
    "heads": {"en": "alembic/versions has several heads ({heads}): merge them first (`alembic merge heads`)",
              "fr": "alembic/versions a plusieurs têtes ({heads}) : fusionnez-les d'abord (`alembic merge heads`)"},
    "list_missing": {"en": "{path} is missing: it lists the migrations the runner applies; restore it from the "
                           "generated project",
                     "fr": "{path} est absent : il liste les migrations qu'applique l'exécuteur ; restaurez-le depuis "
                           "le projet généré"},
    "no_list": {"en": "{path}: no `export const MIGRATIONS = [...]` list to add the new migration to; add it by hand",
                "fr": "{path} : aucune liste `export const MIGRATIONS = [...]` où ajouter la nouvelle migration ; "
                      "ajoutez-la à la main"},
})


def refused(key: str, /, **fields: Any) -> ModelChangeRefused:
    return ModelChangeRefused(text(TEXTS, key, **fields))


def _cc(context: Mapping[str, Any]) -> Mapping[str, Any]:
    inner = context.get("cookiecutter")
    return inner if isinstance(inner, Mapping) else context


def _tool(context: Mapping[str, Any]) -> str:
    tool = str(_cc(context).get("migrations", ""))
    if tool not in PATHS:
        raise refused("tool", tool=tool, tools=", ".join(sorted(PATHS)))
    return tool


def migration_paths(context: Mapping[str, Any]) -> list[str]:
    """Glob patterns (relative to the project root) of the stack's migration files, kept by an update."""
    database = str(_cc(context).get("database", ""))
    return [p.format(database=database) for p in PATHS[_tool(context)]]


# --- the difference of two schemas, as steps -------------------------------------------------------------


@dataclass
class Step:
    """One schema change. ``kind`` names it; ``table`` (an ``sa.Table`` of the old or new schema) and
    ``item`` (a column, index or constraint of it) say what it applies to."""

    kind: str
    table: Any
    item: Any = None
    #: add_column / backfill: the value existing rows get (a column default, or an UPDATE of the NULLs)
    value: Any = None
    #: add_column: the foreign key of a new reference column (SQLite declares it with the column)
    fk: Any = None
    #: alter_column: the column as it was
    old: Any = None
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass
class Diff:
    steps: list[Step]
    #: every vendor the migration must run on: its refusals
    sqlite: bool


def _what(names: Mapping[str, str], table: str, column: str | None = None) -> Text:
    """``entity Order, note`` (or the table's name for the tables of the stack itself)."""
    if table in names:
        return text(TEXTS, "entity_field", entity=names[table], column=column) if column else text(TEXTS, "entity", entity=names[table])
    return text(TEXTS, "table_field", table=table, column=column) if column else text(TEXTS, "table", table=table)


def _type_sql(column: Any, dialects: list[Any]) -> list[str]:
    return [str(column.type.compile(dialect=d)) for d in dialects]


def _defaults(model: Mapping[str, Any]) -> dict[tuple[str, str], Any]:
    """(table, column) -> the field's default, for the fields that have one."""
    return {(e["table"], f["name"]): f["default_value"] for e in model["entities"] for f in e["fields"] if f["has_default"]}


def _check_same_base(old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
    for key in ("database", "migrations", "orm"):
        if str(old.get(key)) != str(new.get(key)):
            raise refused("base_changed", key=key, old=old.get(key), new=new.get(key))


@dataclass
class Rules:
    """What a diff may do. ``sqlite``: the migration runs on SQLite's ALTER TABLE (plain SQL, no table copy), so
    what it cannot do is refused. ``lenient``: a downgrade, which may shorten a string, make a column NOT NULL or
    add back a required column without a value for its rows: the database refuses rows that do not fit, rather
    than the migration inventing data."""

    names: Mapping[str, str]
    defaults: Mapping[tuple[str, str], Any]
    dialects: list[Any]
    sqlite: bool
    lenient: bool


def diff(old_context: Mapping[str, Any], new_context: Mapping[str, Any], sqlite: bool, lenient: bool = False) -> Diff:
    """The steps from the old schema to the new one (see Rules for ``sqlite`` and ``lenient``)."""
    from expert.generators.schema import _dialect

    _check_same_base(_cc(old_context), _cc(new_context))
    old_meta, new_meta = schema_metadata(old_context), schema_metadata(new_context)
    old_model, new_model = relational(old_context), relational(new_context)
    if old_model["id_kind"] != new_model["id_kind"]:
        raise refused("id_type", old=old_model["id_kind"], new=new_model["id_kind"])
    names = {e["table"]: e["name"] for e in [*old_model["entities"], *new_model["entities"]]}
    rules = Rules(names, _defaults(new_model), [_dialect(d) for d in ("postgresql", "mysql", "sqlite")], sqlite, lenient)
    old_tables, new_tables = old_meta.tables, new_meta.tables
    kept = [t for t in new_tables.values() if t.name in old_tables]
    drops: list[Step] = []
    adds: list[Step] = []
    for new in kept:
        old = old_tables[new.name]
        d, a = _table_diff(old, new, rules)
        drops += d
        adds += a
    removed = [t for t in old_tables.values() if t.name not in new_tables]
    # a cycle of relations between removed tables: its deferred foreign keys go first
    drops += [Step("drop_fk", t, fk) for t in removed for fk in _sorted(t.foreign_key_constraints) if fk.use_alter and not sqlite]
    drops += [Step("drop_table", t) for t in reversed(removed)]
    created = [t for t in new_tables.values() if t.name not in old_tables]
    creates = [Step("create_table", t) for t in created]
    deferred = [Step("add_fk", t, fk) for t in created for fk in _sorted(t.foreign_key_constraints) if fk.use_alter]
    # drop what goes first (constraints before columns, columns before tables), then create
    order = {"drop_fk": 0, "drop_unique": 1, "drop_index": 2, "drop_column": 4}
    drops.sort(key=lambda s: order.get(s.kind, 3))
    order = {"add_column": 1, "alter_column": 2, "drop_default": 3, "add_unique": 4, "create_index": 5, "add_fk": 6}
    adds.sort(key=lambda s: order[s.kind])
    return Diff(drops + creates + adds + (deferred if not sqlite else []), sqlite)


def _sorted(items: Any) -> list[Any]:
    return sorted(items, key=lambda i: str(i.name))


def _by_name(items: Any) -> dict[str, Any]:
    return {str(i.name): i for i in items}


def _fk_key(fk: Any) -> tuple[Any, ...]:
    return (tuple(fk.column_keys), fk.referred_table.name, fk.ondelete)


def _table_diff(old: Any, new: Any, rules: Rules) -> tuple[list[Step], list[Step]]:
    """The drops and the additions of one table both schemas have."""
    names, sqlite = rules.names, rules.sqlite
    drops: list[Step] = []
    adds: list[Step] = []
    old_fks, new_fks = _by_name(old.foreign_key_constraints), _by_name(new.foreign_key_constraints)
    old_uqs = _by_name(c for c in old.constraints if c.__class__.__name__ == "UniqueConstraint")
    new_uqs = _by_name(c for c in new.constraints if c.__class__.__name__ == "UniqueConstraint")
    old_ix, new_ix = _by_name(old.indexes), _by_name(new.indexes)
    added_columns = [c for c in new.columns if c.key not in old.columns]
    removed_columns = [c for c in old.columns if c.key not in new.columns]
    for name, fk in old_fks.items():
        if name not in new_fks or _fk_key(new_fks[name]) != _fk_key(fk):
            if sqlite:
                raise refused("sqlite_fk_drop", what=_what(names, old.name, fk.column_keys[0]))
            drops.append(Step("drop_fk", old, fk))
    for name, uq in old_uqs.items():
        if name not in new_uqs:
            _refuse_sqlite(sqlite, names, old.name, list(uq.columns.keys())[-1], "drop_unique")
            drops.append(Step("drop_unique", old, uq))
    for name, ix in old_ix.items():
        if name not in new_ix:
            drops.append(Step("drop_index", old, ix))
    drops += [Step("drop_column", old, c) for c in removed_columns]
    fk_of = {fk.column_keys[0]: fk for fk in new_fks.values()}
    for column in added_columns:
        adds += _add_column(new, column, fk_of.get(column.key), rules)
    for column in new.columns:
        if column.key in old.columns:
            adds += _alter_column(new, old.columns[column.key], column, rules)
    for name, uq in new_uqs.items():
        if name not in old_uqs:
            _refuse_sqlite(sqlite, names, new.name, list(uq.columns.keys())[-1], "add_unique")
            adds.append(Step("add_unique", new, uq))
    adds += [Step("create_index", new, ix) for name, ix in new_ix.items() if name not in old_ix]
    for name, fk in new_fks.items():
        added_with_column = fk.column_keys[0] in {c.key for c in added_columns}
        if (name not in old_fks or _fk_key(old_fks[name]) != _fk_key(fk)) and not (sqlite and added_with_column):
            if sqlite:
                raise refused("sqlite_fk_add", what=_what(names, new.name, fk.column_keys[0]))
            adds.append(Step("add_fk", new, fk))
    return drops, adds


def _refuse_sqlite(sqlite: bool, names: Mapping[str, str], table: str, column: str, action: str) -> None:
    """``action``: the key in :data:`TEXTS` of what SQLite's ALTER TABLE cannot do."""
    if sqlite:
        raise refused("sqlite_alter", what=_what(names, table, column), action=text(TEXTS, action))


def _add_column(table: Any, column: Any, fk: Any, rules: Rules) -> list[Step]:
    names = rules.names
    value = rules.defaults.get((table.name, column.key))
    if not column.nullable and value is None and rules.lenient and not rules.sqlite:
        return [Step("add_column", table, column, fk=fk)]  # NOT NULL at once: fails on a table holding rows
    if not column.nullable and value is None:
        raise refused("required_column", what=_what(names, table.name, column.key))
    if not column.nullable and value is not None and fk is not None:
        raise refused("required_relation", what=_what(names, table.name, column.key))
    steps = [Step("add_column", table, column, value=value if not column.nullable else None, fk=fk)]
    if steps[0].value is not None and not rules.sqlite:
        steps.append(Step("drop_default", table, column))  # the model's default is the application's, not the column's
    return steps


def _alter_column(table: Any, old: Any, new: Any, rules: Rules) -> list[Step]:
    names = rules.names
    changes: dict[str, Any] = {}
    if _type_sql(old, rules.dialects) != _type_sql(new, rules.dialects):
        if not (_widens(old.type, new.type) or (rules.lenient and _widens(new.type, old.type))):
            raise refused("type_change", what=_what(names, table.name, new.key), old=old.type, new=new.type)
        changes["type_"] = new.type
    if old.nullable != new.nullable:
        changes["nullable"] = new.nullable
    if not changes:
        return []
    if rules.sqlite:
        _refuse_sqlite(True, names, table.name, new.key, "change_type" if "type_" in changes else "change_null")
    value = rules.defaults.get((table.name, new.key))
    if changes.get("nullable") is False and value is None and not rules.lenient:
        raise refused("becomes_required", what=_what(names, table.name, new.key))
    return [Step("alter_column", table, new, old=old, changes=changes, value=value if changes.get("nullable") is False else None)]


def _widens(old: Any, new: Any) -> bool:
    """A VARCHAR that gets longer: every value fits."""
    import sqlalchemy as sa

    plain = type(old) is sa.String and type(new) is sa.String
    return plain and old.length is not None and new.length is not None and new.length > old.length


# --- SQL: the statements of the migration on one vendor --------------------------------------------------


def _literal_sql(value: Any, column: Any, dialect: Any) -> str:
    """A field's default as an SQL literal of the column's type (booleans and numbers typed, the rest text,
    which every vendor converts to a date, a time or a UUID)."""
    import sqlalchemy as sa

    if isinstance(value, bool):
        literal = sa.literal(value, sa.Boolean())
    elif isinstance(value, (int, float)):
        literal = sa.literal(value, sa.Numeric() if isinstance(value, float) else sa.Integer())
    else:
        literal = sa.literal(value if isinstance(value, str) else json.dumps(value), sa.String())
    return str(literal.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def _tidy(ddl: str) -> str:
    return "\n".join(line.rstrip().replace("\t", "    ") for line in ddl.strip().splitlines())


def _sqlite_reference(fk: Any) -> str:
    """A new column's foreign key as SQLite declares it (ALTER TABLE ADD COLUMN cannot add a table constraint)."""
    target = fk.referred_table.name
    clause = f" CONSTRAINT {fk.name} REFERENCES {target} (id)"
    return clause + (f" ON DELETE {fk.ondelete}" if fk.ondelete else "")


def sql_statements(steps: list[Step], database: str) -> list[str]:
    """The migration's statements on ``database`` (postgresql, mysql or sqlite), without final semicolons."""
    import sqlalchemy as sa
    from alembic.migration import MigrationContext
    from alembic.operations import Operations
    from sqlalchemy.schema import AddConstraint, CreateIndex, CreateTable, DropConstraint, DropIndex, DropTable

    from expert.generators.schema import _dialect

    dialect = _dialect(database)
    buffer = io.StringIO()
    ops = Operations(
        MigrationContext.configure(dialect_name=database, opts={"as_sql": True, "output_buffer": buffer, "literal_binds": True})
    )
    out: list[str] = []

    def compiled(construct: Any) -> str:
        return _tidy(str(construct.compile(dialect=dialect)))

    def alembic(operation: Any, *args: Any, **kwargs: Any) -> list[str]:
        """Run an offline Alembic operation; its statements."""
        buffer.seek(0)
        buffer.truncate()
        operation(*args, **kwargs)
        return [s.strip() for s in buffer.getvalue().split(";\n\n") if s.strip()]

    for step in steps:
        table, item = step.table, step.item
        if step.kind == "create_table":
            out.append(compiled(CreateTable(table)) + (" ENGINE=InnoDB DEFAULT CHARSET=utf8mb4" if database == "mysql" else ""))
            out += [compiled(CreateIndex(ix)) for ix in _sorted(table.indexes)]
        elif step.kind == "drop_table":
            out.append(compiled(DropTable(table)))
        elif step.kind == "create_index":
            out.append(compiled(CreateIndex(item)))
        elif step.kind == "drop_index":
            out.append(compiled(DropIndex(item)))
        elif step.kind in ("add_unique", "add_fk"):
            out.append(compiled(AddConstraint(item)))
        elif step.kind in ("drop_unique", "drop_fk"):
            out.append(compiled(DropConstraint(item)))
        elif step.kind == "add_column":
            column = sa.Column(
                item.key,
                item.type,
                nullable=item.nullable,
                server_default=None if step.value is None else sa.text(_literal_sql(step.value, item, dialect)),
            )
            statements = alembic(ops.add_column, table.name, column)
            if database == "sqlite" and step.fk is not None:
                statements[-1] += _sqlite_reference(step.fk)
            out += statements
        elif step.kind == "drop_default":
            out += alembic(
                ops.alter_column, table.name, item.key, server_default=None, existing_type=item.type, existing_nullable=item.nullable
            )
        elif step.kind == "alter_column":
            if step.value is not None:
                target = sa.table(table.name, sa.column(item.key, item.type))
                value = sa.text(_literal_sql(step.value, item, dialect))
                update = target.update().where(target.c[item.key].is_(None)).values({item.key: value})
                out.append(str(update.compile(dialect=dialect, compile_kwargs={"literal_binds": True})))
            out += alembic(
                ops.alter_column, table.name, item.key, existing_type=step.old.type, existing_nullable=step.old.nullable, **step.changes
            )
        elif step.kind == "drop_column":
            out += alembic(ops.drop_column, table.name, item.key)
        else:
            raise AssertionError(step.kind)
    return out


# --- Python: an Alembic revision ------------------------------------------------------------------------

#: the helpers of the first revision (alembic/versions/0001_initial.py) a new one may need, by name
PY_HELPERS = {
    "timestamp": "def timestamp() -> sa.types.TypeEngine:\n"
    '    return sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")\n',
    "uuid_type": "def uuid_type() -> sa.types.TypeEngine:\n"
    "    # CHAR(32) on MySQL and MariaDB alike (MariaDB 10.7+ would otherwise get its native UUID type).\n"
    '    return sa.Uuid().with_variant(sa.Uuid(native_uuid=False), "mysql", "mariadb")\n',
    "long_text": "def long_text() -> sa.types.TypeEngine:\n"
    "    # MySQL's TEXT holds 65,535 bytes, fewer than 65,535 characters of utf8mb4: MEDIUMTEXT there.\n"
    '    return sa.Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")\n',
    "row_id": 'def row_id() -> sa.types.TypeEngine:\n    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")\n',
    "copy_on_sqlite": "def copy_on_sqlite() -> str:\n"
    "    # SQLite adds a NOT NULL column without a default only to a copy of the table (which fails if\n"
    "    # the table holds rows: there is no value to give them).\n"
    '    return "always" if op.get_context().dialect.name == "sqlite" else "auto"\n',
}
LINE = 100  # the generated project's ruff line-length


class _Py:
    """Python source of ``op`` calls, laid out as ruff format keeps it, and the helpers it uses."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.helpers: set[str] = set()

    def fit(self, indent: int, opener: str, items: list[str], closer: str) -> str:
        """opener + items + closer on one line when it fits, else one item a line with a trailing comma."""
        flat = " " * indent + opener + ", ".join(items) + closer
        if len(flat) <= LINE:
            return flat
        inner = [" " * (indent + 4) + item + "," for item in items]
        return "\n".join([" " * indent + opener, *inner, " " * indent + closer])

    def call(self, indent: int, opener: str, items: list[str]) -> None:
        self.lines.append(self.fit(indent, opener, items, ")"))

    def type_(self, column: Any) -> str:
        import sqlalchemy as sa

        t = column.type
        if isinstance(t, sa.Uuid):
            return self._helper("uuid_type")
        if isinstance(t, sa.BigInteger):
            return self._helper("row_id")
        if isinstance(t, sa.DateTime):
            return self._helper("timestamp")
        if isinstance(t, sa.Text):
            return self._helper("long_text")
        if isinstance(t, sa.String):
            return f"sa.String(length={t.length})"
        if isinstance(t, sa.Numeric):
            return f"sa.Numeric(precision={t.precision}, scale={t.scale})"
        return {sa.Integer: "sa.Integer()", sa.Boolean: "sa.Boolean()", sa.Date: "sa.Date()", sa.JSON: "sa.JSON()"}[type(t)]

    def _helper(self, name: str) -> str:
        self.helpers.add(name)
        if name in ("timestamp", "uuid_type", "long_text"):
            self.helpers.add("mysql")
        return f"{name}()"

    def column(self, column: Any, value: Any = None) -> str:
        items = [json.dumps(column.key), self.type_(column)]
        if column.server_default is not None:
            items.append("server_default=sa.func.now()")  # the timestamps: the only column defaults of the schema
        elif value is not None:
            items.append(f"server_default={_py_server_default(value)}")
        items.append(f"nullable={column.nullable}")
        return self.fit(0, "sa.Column(", items, ")")


def _py_server_default(value: Any) -> str:
    if isinstance(value, bool):
        return "sa.true()" if value else "sa.false()"
    if isinstance(value, (int, float)):
        return f"sa.text({json.dumps(str(value))})"
    return json.dumps(value if isinstance(value, str) else json.dumps(value))


def _name(value: Any) -> str:
    return f"op.f({json.dumps(str(value))})"


def _fk_items(fk: Any) -> list[str]:
    items = [json.dumps(list(fk.column_keys)), json.dumps([f"{fk.referred_table.name}.id"]), f"name={_name(fk.name)}"]
    return items + ([f"ondelete={json.dumps(fk.ondelete)}"] if fk.ondelete else [])


def _py_create_table(py: _Py, table: Any) -> None:
    items = [json.dumps(table.name), *(py.column(c) for c in table.columns)]
    for fk in _sorted(table.foreign_key_constraints):
        extra = ["use_alter=True"] if fk.use_alter else []
        items.append(py.fit(0, "sa.ForeignKeyConstraint(", _fk_items(fk) + extra, ")"))
    pk = table.primary_key
    items.append(py.fit(0, "sa.PrimaryKeyConstraint(", [*(json.dumps(c.key) for c in pk.columns), f"name={_name(pk.name)}"], ")"))
    for constraint in _sorted(table.constraints):
        if constraint.__class__.__name__ == "UniqueConstraint":
            cols = [json.dumps(c.key) for c in constraint.columns]
            items.append(py.fit(0, "sa.UniqueConstraint(", [*cols, f"name={_name(constraint.name)}"], ")"))
    py.lines.append("    op.create_table(\n" + "\n".join(_indent(item, 8) + "," for item in items) + "\n    )")
    for ix in _sorted(table.indexes):
        _py_create_index(py, 4, "op", ix, table.name)


def _indent(text: str, width: int) -> str:
    return "\n".join(" " * width + line for line in text.splitlines())


def _py_create_index(py: _Py, indent: int, target: str, ix: Any, table: str | None) -> None:
    items = [_name(ix.name), *([json.dumps(table)] if table else []), json.dumps([c.key for c in ix.columns]), "unique=False"]
    py.call(indent, f"{target}.create_index(", items)


def _py_batch_step(py: _Py, step: Step) -> None:
    """One change of an existing table, inside its ``with op.batch_alter_table(...) as batch_op:``."""
    item = step.item
    if step.kind == "drop_fk":
        py.call(8, "batch_op.drop_constraint(", [_name(item.name), 'type_="foreignkey"'])
    elif step.kind == "drop_unique":
        py.call(8, "batch_op.drop_constraint(", [_name(item.name), 'type_="unique"'])
    elif step.kind == "drop_index":
        py.call(8, "batch_op.drop_index(", [_name(item.name)])
    elif step.kind == "drop_column":
        py.call(8, "batch_op.drop_column(", [json.dumps(item.key)])
    elif step.kind == "add_column":
        py.call(8, "batch_op.add_column(", [py.column(item, step.value)])
    elif step.kind == "drop_default":
        py.call(
            8,
            "batch_op.alter_column(",
            [json.dumps(item.key), f"existing_type={py.type_(item)}", "server_default=None", f"existing_nullable={item.nullable}"],
        )
    elif step.kind == "alter_column":
        items = [json.dumps(item.key), f"existing_type={py.type_(step.old)}"]
        if "type_" in step.changes:
            items.append(f"type_={py.type_(item)}")
        items.append(f"existing_nullable={step.old.nullable}")
        if "nullable" in step.changes:
            items.append(f"nullable={step.changes['nullable']}")
        py.call(8, "batch_op.alter_column(", items)
    elif step.kind == "add_unique":
        py.call(8, "batch_op.create_unique_constraint(", [_name(item.name), json.dumps([c.key for c in item.columns])])
    elif step.kind == "create_index":
        _py_create_index(py, 8, "batch_op", item, None)
    elif step.kind == "add_fk":
        items = [_name(item.name), json.dumps(item.referred_table.name), json.dumps(list(item.column_keys)), '["id"]']
        py.call(8, "batch_op.create_foreign_key(", items + ([f"ondelete={json.dumps(item.ondelete)}"] if item.ondelete else []))
    else:
        raise AssertionError(step.kind)


def _py_backfill(py: _Py, step: Step) -> None:
    """The NULLs of a column that becomes required get the field's default."""
    name = json.dumps(step.item.key)
    value = (
        step.value
        if isinstance(step.value, (bool, int, float))
        else json.dumps(step.value if isinstance(step.value, str) else json.dumps(step.value))
    )
    py.lines.append(f"    rows = sa.table({json.dumps(step.table.name)}, sa.column({name}, {py.type_(step.item)}))")
    py.lines.append(py.fit(4, "op.execute(", [f"rows.update().where(rows.c[{name}].is_(None)).values({{{name}: {value}}})"], ")"))


def python_body(steps: list[Step], py: _Py) -> None:
    """The statements of upgrade() (or downgrade()) for these steps."""
    batch: str | None = None
    for step in steps:
        on_kept_table = step.kind not in ("create_table", "drop_table") and not (step.kind in ("add_fk", "drop_fk") and step.item.use_alter)
        if step.kind == "alter_column" and step.value is not None:
            batch = None
            _py_backfill(py, step)
        if on_kept_table:
            copy = step.kind == "add_column" and not step.item.nullable and step.value is None
            if batch != step.table.name or copy:
                py.helpers.update(["copy_on_sqlite"] if copy else [])
                recreate = ", recreate=copy_on_sqlite()" if copy else ""
                py.lines.append(f"    with op.batch_alter_table({json.dumps(step.table.name)}{recreate}) as batch_op:")
                batch = None if copy else step.table.name
            _py_batch_step(py, step)
            continue
        batch = None
        if step.kind == "create_table":
            _py_create_table(py, step.table)
        elif step.kind == "drop_table":
            py.lines.append(f"    op.drop_table({json.dumps(step.table.name)})")
        else:  # the foreign key of a cycle: SQLite keeps it in CREATE TABLE, and cannot add or drop it alone
            py.lines.append("    if op.get_context().dialect.supports_alter:")
            if step.kind == "add_fk":
                fk = step.item
                items = [
                    _name(fk.name),
                    json.dumps(step.table.name),
                    json.dumps(fk.referred_table.name),
                    json.dumps(list(fk.column_keys)),
                    '["id"]',
                    f"ondelete={json.dumps(fk.ondelete)}",
                ]
                py.call(8, "op.create_foreign_key(", items)
            else:
                py.call(8, "op.drop_constraint(", [_name(step.item.name), json.dumps(step.table.name), 'type_="foreignkey"'])


def _chunks(text: str, width: int) -> list[str]:
    """``text`` cut at spaces into pieces of about ``width`` characters (each but the last ends with its space)."""
    pieces: list[str] = []
    for word in text.split(" "):
        if pieces and len(pieces[-1]) + len(word) < width:
            pieces[-1] += " " + word
        else:
            pieces.append(word)
    return [p + " " for p in pieces[:-1]] + pieces[-1:]


def alembic_revision(forward: list[Step], backward: list[Step] | None, refused: str, revision: str, down: str | None, created: str) -> str:
    """The text of an Alembic revision file; ``backward`` None: the change cannot be undone (``refused`` says why)."""
    py = _Py()
    python_body(forward, py)
    upgrade = py.lines
    py.lines = []
    if backward is None:
        message = _chunks("this revision cannot be downgraded: " + refused, 80)
        py.lines += ["    raise RuntimeError(", *(f"        {json.dumps(chunk)}" for chunk in message), "    )"]
    else:
        python_body(backward, py)
    downgrade = py.lines or ["    pass"]
    imports = ["from collections.abc import Sequence", "", "import sqlalchemy as sa", "from alembic import op"]
    if "mysql" in py.helpers:
        imports.append("from sqlalchemy.dialects import mysql")
    helpers = [PY_HELPERS[name] for name in PY_HELPERS if name in py.helpers]
    parts = [
        '"""Model update: the schema change of the domain model (written by `backend-expert update`).\n',
        f"Revision ID: {revision}",
        f"Revises: {down or ''}",
        f"Create Date: {created}",
        "",
        '"""',
        "",
        *imports,
        "",
        "# revision identifiers, used by Alembic.",
        f"revision: str = {json.dumps(revision)}",
        f"down_revision: str | Sequence[str] | None = {json.dumps(down) if down else 'None'}",
        "branch_labels: str | Sequence[str] | None = None",
        "depends_on: str | Sequence[str] | None = None",
        "",
    ]
    for helper in helpers:
        parts += ["", helper]
    parts += ["", "def upgrade() -> None:", *upgrade, "", "", "def downgrade() -> None:", *downgrade]
    return "\n".join(parts) + "\n"


# --- numbering and file formats per tool ----------------------------------------------------------------


def _next_number(existing: Mapping[str, str], pattern: str, folder: bool = False) -> int:
    """One more than the highest number of the existing migrations' file (or, ``folder``, folder) names."""
    names = (path.split("/")[-2 if folder else -1] for path in existing)
    found = (re.match(pattern, name) for name in names)
    return max((int(m.group(1)) for m in found if m), default=0) + 1


def _alembic_head(existing: Mapping[str, str]) -> str | None:
    """The revision no other revision names as its down_revision (refused when there are several)."""
    revisions: dict[str, str] = {}
    parents: set[str] = set()
    for path, source in existing.items():
        rev = re.search(r'^revision\s*(?::[^=]*)?=\s*["\']([^"\']+)["\']', source, re.M)
        if not rev:
            continue
        revisions[rev.group(1)] = path
        down = re.search(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", source, re.M)
        if down:
            parents.update(re.findall(r'["\']([^"\']+)["\']', down.group(1)))
    heads = sorted(set(revisions) - parents)
    if len(heads) > 1:
        raise refused("heads", heads=", ".join(heads))
    return heads[0] if heads else None


def _sql_file(comment: str, statements: list[str]) -> str:
    return comment + "\n" + ";\n\n".join(statements) + ";\n"


HEADER = "-- Model update: the schema change of the domain model, written by `backend-expert update` ({database})."


def _writer_sql(tool: str, database: str, statements: list[str], existing: Mapping[str, str], reverse: list[str] | None) -> dict[str, str]:
    header = HEADER.format(database=database)
    if tool == "prisma-migrate":
        number = _next_number(existing, r"(\d+)_", folder=True)
        return {f"prisma/migrations/{number:04d}_{NAME}/migration.sql": _sql_file(header, statements)}
    if tool == "flyway":
        number = _next_number(existing, r"V(\d+)__")
        return {f"src/main/resources/db/migration/{database}/V{number}__{NAME}.sql": _sql_file(header, statements)}
    if tool == "goose":
        number = _next_number(existing, r"(\d+)_")
        body = [header, "-- +goose Up"]
        body += [f"-- +goose StatementBegin\n{s};\n-- +goose StatementEnd" for s in statements]
        if reverse is not None:
            body += ["", "-- +goose Down"]
            body += [f"-- +goose StatementBegin\n{s};\n-- +goose StatementEnd" for s in reverse]
        return {f"internal/store/migrations/{number:05d}_{NAME}.sql": "\n".join(body) + "\n"}
    raise AssertionError(tool)


def _ts_list(name: str, statements: list[str]) -> list[str]:
    return [f"const {name}: readonly string[] = [", *(f"  {json.dumps(s)}," for s in statements), "];"]


def _ts_body(statements: list[str], reverse: list[str] | None, refused: str) -> tuple[list[str], str]:
    """The UP and DOWN constants, and what down() runs."""
    lines = _ts_list("UP", statements)
    if reverse is None:
        return lines, f"throw new Error({json.dumps('this migration cannot be undone: ' + refused)});"
    return [*lines, "", *_ts_list("DOWN", reverse)], "{runner}"


TS_HEADER = (
    "/**\n * Model update: the schema change of the domain model ({database}), written by `backend-expert update`.\n"
    " * Never edit an applied migration: a later change is a new one.\n */"
)


def _writer_typeorm(
    database: str, statements: list[str], reverse: list[str] | None, refused: str, existing: Mapping[str, str]
) -> dict[str, str]:
    number = _next_number(existing, r"(\d+)-")
    cls = f"ModelUpdate{number:013d}"  # TypeORM orders migrations by the 13-digit timestamp ending the class name
    lines, down = _ts_body(statements, reverse, refused)
    down = down.replace("{runner}", "for (const statement of DOWN) await queryRunner.query(statement);")
    text = "\n".join(
        [
            TS_HEADER.format(database=database),
            'import type { MigrationInterface, QueryRunner } from "typeorm";',
            "",
            *lines,
            "",
            f"export class {cls} implements MigrationInterface {{",
            f'  name = "{cls}";',
            "",
            "  async up(queryRunner: QueryRunner): Promise<void> {",
            "    for (const statement of UP) await queryRunner.query(statement);",
            "  }",
            "",
            "  async down(queryRunner: QueryRunner): Promise<void> {" if reverse is not None else "  async down(): Promise<void> {",
            f"    {down}",
            "  }",
            "}",
            "",
        ]
    )
    module = f"{number:04d}-{NAME.replace('_', '-')}"
    index = _register(existing, "src/migrations/index.ts", f'import {{ {cls} }} from "./{module}.js";', cls)
    return {f"src/migrations/{module}.ts": text, "src/migrations/index.ts": index}


def _writer_umzug(
    database: str, statements: list[str], reverse: list[str] | None, refused: str, existing: Mapping[str, str]
) -> dict[str, str]:
    number = _next_number(existing, r"(\d+)-")
    module = f"{number:04d}-{NAME.replace('_', '-')}"
    lines, down = _ts_body(statements, reverse, refused)
    down = down.replace("{runner}", "for (const statement of DOWN) await sequelize.query(statement, { transaction });")
    text = "\n".join(
        [
            TS_HEADER.format(database=database),
            'import type { MigrationContext } from "./index.js";',
            "",
            *lines,
            "",
            f'export const name = "{module}";',
            "",
            "export async function up({ sequelize, transaction }: MigrationContext): Promise<void> {",
            "  for (const statement of UP) await sequelize.query(statement, { transaction });",
            "}",
            "",
            "export async function down({ sequelize, transaction }: MigrationContext): Promise<void> {"
            if reverse is not None
            else "export async function down(): Promise<void> {",
            f"  {down}",
            "}",
            "",
        ]
    )
    var = f"modelUpdate{number:04d}"
    index = _register(existing, "src/migrations/index.ts", f'import * as {var} from "./{module}.js";', var)
    return {f"src/migrations/{module}.ts": text, "src/migrations/index.ts": index}


def _register(existing: Mapping[str, str], path: str, import_line: str, entry: str) -> str:
    """The migration list (``export const MIGRATIONS ... = [...];``) with one more import and entry."""
    text = existing.get(path)
    if text is None:
        raise refused("list_missing", path=path)
    listing = re.search(r"^(export const MIGRATIONS\b[^\n]*?\s=\s*\[)(.*?)(\];)", text, re.M | re.S)
    imports = list(re.finditer(r"^import .*?;$", text, re.M | re.S))
    if not listing or not imports:
        raise refused("no_list", path=path)
    items = [i.strip() for i in listing.group(2).split(",") if i.strip()] + [entry]
    text = text[: listing.start()] + listing.group(1) + ", ".join(items) + listing.group(3) + text[listing.end() :]
    last = imports[-1]
    return text[: last.end()] + "\n" + import_line + text[last.end() :]


# --- the entry point ------------------------------------------------------------------------------------


def _reverse(old_context: Mapping[str, Any], new_context: Mapping[str, Any], sqlite: bool) -> tuple[Diff | None, str]:
    """The steps back from the new schema to the old one, or None and why they cannot be taken."""
    try:
        return diff(new_context, old_context, sqlite, lenient=True), ""
    except ModelChangeRefused as exc:
        return None, str(exc)


def next_migration(old_context: Mapping[str, Any], new_context: Mapping[str, Any], existing_files: Mapping[str, str]) -> dict[str, str]:
    """The files of the one migration from the old model's schema to the new one's ({} when it did not change),
    numbered after ``existing_files`` (the project's files matching ``migration_paths``). Raises
    ModelChangeRefused for a change no migration applies safely."""
    from datetime import datetime, timezone

    tool = _tool(new_context)
    _tool(old_context)
    database = str(_cc(new_context).get("database"))
    if tool == "django-migrations":
        from expert.generators.migration_django import django_migration

        return django_migration(old_context, new_context, existing_files)
    sqlite = database == "sqlite" and tool != "alembic"  # Alembic copies the table where SQLite's ALTER cannot
    forward = diff(old_context, new_context, sqlite)
    if not forward.steps:
        return {}
    backward, refused = _reverse(old_context, new_context, sqlite)
    if tool == "alembic":
        number = _next_number(existing_files, r"(\d+)_")
        revision = f"{number:04d}"
        created = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        text = alembic_revision(
            forward.steps, backward.steps if backward else None, refused, revision, _alembic_head(existing_files), created
        )
        return {f"alembic/versions/{revision}_{NAME}.py": text}
    statements = sql_statements(forward.steps, database)
    reverse = sql_statements(backward.steps, database) if backward else None
    if tool == "typeorm":
        return _writer_typeorm(database, statements, reverse, refused, existing_files)
    if tool == "umzug":
        return _writer_umzug(database, statements, reverse, refused, existing_files)
    return _writer_sql(tool, database, statements, existing_files, reverse)
