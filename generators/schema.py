"""``db/schema.sql`` and ``docs/er.md`` of a generated project, computed from the domain model.

``build_schema_sql(context)`` compiles, with SQLAlchemy's ``CreateTable``/``CreateIndex`` for the
context's database (postgresql, mysql or sqlite), the same schema the generated Alembic migration
creates: users, every entity (id, owner_id, fields, ``<relation>_id`` foreign keys, timestamps,
per-owner unique constraints, indexes) and the many-to-many join tables; the foreign keys of a cycle of
relations follow as ``ALTER TABLE ... ADD CONSTRAINT`` (inline on SQLite). Entity constraint and index
names are naming-convention names (``conv``): SQLAlchemy shortens those past the database's identifier
limit exactly as it does in the migration (``op.f``) and the models. The text is byte-deterministic.
tests/test_schema.py checks it against the migration on real databases.

``build_er_diagram(context)`` writes a Mermaid ``erDiagram`` of the same tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from expert.generators.relational import relational

__all__ = ["build_er_diagram", "build_schema_sql", "check_database", "schema_metadata"]

DIALECTS = ("postgresql", "mysql", "sqlite")
#: MySQL and MariaDB refuse a table whose row (columns' maximum sizes, BLOB and TEXT counted as pointers)
#: exceeds 65,535 bytes
MYSQL_MAX_ROW = 65_535
#: bytes per column type on MySQL (utf8mb4 strings: 4 bytes a character): INTEGER, BIGINT (or CHAR(32) for a
#: UUID), BOOLEAN, DATE, DATETIME(6), CHAR(32) uuid, TEXT/MEDIUMTEXT/JSON pointers
MYSQL_BYTES = {"integer": 4, "boolean": 1, "date": 3, "datetime": 8, "uuid": 128, "text": 12, "json": 12}


def _dialect(database: str):  # type: ignore[no-untyped-def]
    from sqlalchemy.dialects import mysql, postgresql, sqlite

    return {"postgresql": postgresql.dialect(), "mysql": mysql.dialect(), "sqlite": sqlite.dialect()}[database]


def schema_metadata(context: Mapping[str, Any]):  # type: ignore[no-untyped-def]
    """A SQLAlchemy MetaData equal to what the generated migration creates (same names, types, order)."""
    import sqlalchemy as sa
    from sqlalchemy.dialects import mysql
    from sqlalchemy.sql.elements import conv

    model = relational(context)

    def timestamp() -> sa.types.TypeEngine:
        return sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")

    def uuid_type() -> sa.types.TypeEngine:
        # CHAR(32) on MySQL and MariaDB alike (MariaDB 10.7+ would otherwise get its native UUID type)
        return sa.Uuid().with_variant(sa.Uuid(native_uuid=False), "mysql", "mariadb")

    def row_id() -> sa.types.TypeEngine:
        if model["id_kind"] == "uuid":
            return uuid_type()
        return sa.BigInteger().with_variant(sa.Integer(), "sqlite")

    def long_text() -> sa.types.TypeEngine:
        # MySQL's TEXT holds 65,535 bytes, fewer than 65,535 characters of utf8mb4: MEDIUMTEXT there
        return sa.Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")

    def column_type(field: Mapping[str, Any]) -> sa.types.TypeEngine:
        ftype = field["type"]
        if ftype == "string":
            return sa.String(length=field["max_length"])
        if ftype == "enum":
            return sa.String(length=field["length"])
        if ftype == "decimal":
            return sa.Numeric(precision=field["precision"], scale=field["scale"])
        return {
            "text": long_text,
            "integer": sa.Integer,
            "boolean": sa.Boolean,
            "date": sa.Date,
            "datetime": timestamp,
            "uuid": uuid_type,
            "json": sa.JSON,
        }[ftype]()

    metadata = sa.MetaData()
    sa.Table(
        "users",
        metadata,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", timestamp(), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("email", name="uq_users_email"),
    )
    auth_columns = [sa.Column("refresh_jti", sa.String(length=64), nullable=False)] if context_auth(context) == "jwt" else []
    sessions = sa.Table(
        "auth_sessions",
        metadata,
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        *auth_columns,
        sa.Column("created_at", timestamp(), server_default=sa.func.now(), nullable=False),
        sa.Column("expires_at", timestamp(), nullable=False),
        sa.Column("revoked_at", timestamp(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_auth_sessions_user_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_auth_sessions"),
    )
    sa.Index("ix_auth_sessions_user_id", sessions.c.user_id)
    for e in model["ordered"]:
        items: list[Any] = [
            sa.Column("id", row_id(), nullable=False, autoincrement=model["id_kind"] == "int"),
            sa.Column("owner_id", sa.Integer(), nullable=False),
        ]
        items += [sa.Column(f["name"], column_type(f), nullable=not f["required"]) for f in e["fields"]]
        items += [sa.Column(r["column"], row_id(), nullable=r["nullable"]) for r in e["many_to_one"]]
        items += [
            sa.Column("created_at", timestamp(), server_default=sa.func.now(), nullable=False),
            sa.Column("updated_at", timestamp(), server_default=sa.func.now(), nullable=False),
            sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=conv(e["owner_fk"]), ondelete="CASCADE"),
        ]
        items += [
            sa.ForeignKeyConstraint(
                [r["column"]],
                [f"{r['target_table']}.id"],
                name=conv(r["fk_name"]),
                ondelete=r["on_delete_sql"],
                use_alter=r["deferred"],  # a cycle: added by ALTER TABLE once the target exists
            )
            for r in e["many_to_one"]
        ]
        items.append(sa.PrimaryKeyConstraint("id", name=conv(e["pk_name"])))
        items += [sa.UniqueConstraint("owner_id", f["name"], name=conv(f["unique_name"])) for f in e["fields"] if f["unique"]]
        table = sa.Table(e["table"], metadata, *items)
        sa.Index(conv(e["owner_index"]), table.c.owner_id)
        for f in e["fields"]:
            if f["indexed"]:
                sa.Index(conv(f["index_name"]), table.c[f["name"]])
        for r in e["many_to_one"]:
            sa.Index(conv(r["index_name"]), table.c[r["column"]])
    for e in model["ordered"]:
        for r in e["many_to_many"]:
            join = sa.Table(
                r["table"],
                metadata,
                sa.Column(r["left"], row_id(), nullable=False, autoincrement=False),
                sa.Column(r["right"], row_id(), nullable=False, autoincrement=False),
                sa.ForeignKeyConstraint([r["left"]], [f"{e['table']}.id"], name=conv(r["left_fk"]), ondelete="CASCADE"),
                sa.ForeignKeyConstraint([r["right"]], [f"{r['target_table']}.id"], name=conv(r["right_fk"]), ondelete="CASCADE"),
                sa.PrimaryKeyConstraint(r["left"], r["right"], name=conv(r["pk_name"])),
            )
            sa.Index(conv(r["right_index"]), join.c[r["right"]])
    return metadata


def check_database(context: Mapping[str, Any], entities: list[Any]) -> None:
    """Raise AnswersError (the entity's ``file:line``) when the context's database cannot create a
    table of the model: on MySQL and MariaDB, a row larger than 65,535 bytes."""
    from expert.answers import AnswersError

    cc = context.get("cookiecutter") if isinstance(context.get("cookiecutter"), Mapping) else context
    if cc.get("database") != "mysql":  # type: ignore[union-attr]
        return
    model = relational(context)
    where = {e["name"]: getattr(e, "where", f"entity {e['name']}") for e in entities}
    for e in model["entities"]:
        size = _mysql_row_bytes(e, model["id_kind"])
        if size > MYSQL_MAX_ROW:
            raise AnswersError(f"{where[e['name']]}: entity {e['name']}: a row takes up to {size:,} bytes on MySQL, which allows "
                               f"{MYSQL_MAX_ROW:,} (a string takes 4 bytes per character of max_length); lower max_length "
                               "or use text fields")


def _mysql_row_bytes(entity: Mapping[str, Any], id_kind: str) -> int:
    """The largest row of an entity's table on MySQL/MariaDB (utf8mb4), as its row size limit counts it."""
    row_id = 128 if id_kind == "uuid" else 8
    size = row_id + 4 + 2 * MYSQL_BYTES["datetime"] + row_id * len(entity["many_to_one"])  # id, owner_id, timestamps, references
    for f in entity["fields"]:
        if f["type"] in ("string", "enum"):
            chars = f["max_length"] if f["type"] == "string" else f["length"]
            size += 4 * chars + (1 if 4 * chars <= 255 else 2)
        elif f["type"] == "decimal":
            size += _mysql_decimal_bytes(f["precision"] - f["scale"]) + _mysql_decimal_bytes(f["scale"])
        else:
            size += MYSQL_BYTES[f["type"]]
    nullable = sum(1 for f in entity["fields"] if not f["required"]) + sum(1 for r in entity["many_to_one"] if r["nullable"])
    return size + (nullable + 7) // 8


def _mysql_decimal_bytes(digits: int) -> int:
    """DECIMAL packs 9 digits in 4 bytes, and 1 to 8 leftover digits in 1 to 4."""
    return 4 * (digits // 9) + (0, 1, 1, 2, 2, 3, 3, 4, 4, 4)[digits % 9]


def context_auth(context: Mapping[str, Any]) -> str:
    """The auth decision of a context (the cookiecutter dict itself or ``{"cookiecutter": {...}}``)."""
    inner = context.get("cookiecutter")
    return str((inner if isinstance(inner, Mapping) else context).get("auth", ""))


def build_schema_sql(context: Mapping[str, Any]) -> str:
    """The DDL of the whole schema for the context's database, one statement per paragraph."""
    from sqlalchemy.schema import AddConstraint, CreateIndex, CreateTable

    cc = context.get("cookiecutter") if isinstance(context.get("cookiecutter"), Mapping) else context
    database = str(cc.get("database"))  # type: ignore[union-attr]
    if database not in DIALECTS:
        raise ValueError(f"db/schema.sql: no SQL dialect for database {database!r} (supported: {', '.join(DIALECTS)})")
    dialect = _dialect(database)
    metadata = schema_metadata(context)
    label = {"postgresql": "PostgreSQL", "mysql": "MySQL / MariaDB", "sqlite": "SQLite"}[database]
    lines = [
        f"-- Schema of {' '.join(str(cc.get('project_name', '')).split())} for {label}, generated by backend-expert from the domain model.",  # type: ignore[union-attr]
        "-- The Alembic migration (alembic/versions/0001_initial.py) creates the same tables; prefer it",
        "-- (`alembic upgrade head`) so that later migrations apply. This file is for review and tooling.",
        "",
    ]
    if database == "sqlite":
        lines += ["PRAGMA foreign_keys = ON;", ""]
    # creation order: users, entities with many-to-one targets first, join tables (as the migration)
    for table in metadata.tables.values():
        ddl = _tidy(str(CreateTable(table).compile(dialect=dialect)))
        if database == "mysql":
            ddl += " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
        lines += [ddl + ";", ""]
        for index in sorted(table.indexes, key=lambda i: i.name or ""):
            lines += [_tidy(str(CreateIndex(index).compile(dialect=dialect))) + ";", ""]
    if dialect.supports_alter:  # SQLite created the foreign keys of a cycle with their tables
        for table in metadata.tables.values():
            for fk in sorted(table.foreign_key_constraints, key=lambda c: str(c.name)):
                if fk.use_alter:
                    lines += [_tidy(str(AddConstraint(fk).compile(dialect=dialect))) + ";", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _tidy(ddl: str) -> str:
    """SQLAlchemy's DDL with spaces for tabs and no trailing blanks."""
    return "\n".join(line.rstrip().replace("\t", "    ") for line in ddl.strip().splitlines())


def _mermaid_type(field: Mapping[str, Any]) -> str:
    ftype = field["type"]
    if ftype == "string":
        return f"varchar{field['max_length']}"
    if ftype == "decimal":
        return f"decimal{field['precision']}_{field['scale']}"
    return ftype


def build_er_diagram(context: Mapping[str, Any]) -> str:
    """docs/er.md: the entities, their columns and relations as a Mermaid erDiagram."""
    model = relational(context)
    id_type = "uuid" if model["id_kind"] == "uuid" else "bigint"
    out = [
        "# Entity-relationship diagram",
        "",
        "Generated by backend-expert from the domain model (`entities:` in `.backend-expert.yml`). Every entity",
        "belongs to the user who created it (`owner_id`); `db/schema.sql` holds the same tables as SQL.",
        "",
        "```mermaid",
        "erDiagram",
        "    users {",
        "        integer id PK",
        "        varchar320 email UK",
        "        boolean is_active",
        "        datetime created_at",
        "    }",
    ]
    for e in model["entities"]:
        out.append(f"    {e['table']} {{")
        out.append(f"        {id_type} id PK")
        out.append("        integer owner_id FK")
        for f in e["fields"]:
            keys = "UK" if f["unique"] else ""
            note = "" if f["required"] else "nullable"
            line = f"        {_mermaid_type(f)} {f['name']}"
            if keys:
                line += f" {keys}"
            if note:
                line += f' "{note}"'
            out.append(line)
        for r in e["many_to_one"]:
            note = f"on delete {r['on_delete']}" + ("" if r["required"] else ", nullable")
            out.append(f'        {id_type} {r["column"]} FK "{note}"')
        out.append("        datetime created_at")
        out.append("        datetime updated_at")
        out.append("    }")
    for e in model["entities"]:
        for r in e["many_to_many"]:
            out.append(f"    {r['table']} {{")
            out.append(f"        {id_type} {r['left']} PK, FK")
            out.append(f"        {id_type} {r['right']} PK, FK")
            out.append("    }")
    for e in model["entities"]:
        out.append(f'    users ||--o{{ {e["table"]} : "owns"')
    for e in model["entities"]:
        for r in e["many_to_one"]:
            left = "||" if r["required"] else "|o"
            out.append(f'    {r["target_table"]} {left}--o{{ {e["table"]} : "{r["name"]}"')
        for r in e["many_to_many"]:
            out.append(f'    {e["table"]} ||--o{{ {r["table"]} : "{r["name"]}"')
            out.append(f'    {r["target_table"]} ||--o{{ {r["table"]} : "{r["name"]}"')
    out.append("```")
    notes = []
    for e in model["entities"]:
        for r in e["one_to_many"]:
            notes.append(f"- `{e['name']}.{r['name']}` (one-to-many to {r['target']}): the inverse side of a many-to-one on "
                         f"{r['target']}; no column of its own (list them with `GET /api/v1/...?<relation>_id=`).")
    if notes:
        out += ["", "## One-to-many relations", "", *notes]
    return "\n".join(out) + "\n"
