"""The next migration of a changed domain model (expert.generators.migration_diff, for `backend-expert update`).

Fast: per migration tool, the new files' names, numbering and chaining, and the refusals. Against real databases
(SQLite in-process; PostgreSQL when E2E_DATABASE_URL is set, MySQL/MariaDB when E2E_MYSQL_URL is set): the old
db/schema.sql plus the migration gives the same catalogue (tables, columns with types and nullability, primary,
unique and foreign keys with ON DELETE, indexes) as the new db/schema.sql loaded directly; the Alembic revision's
upgrade() (and, when the change can be undone, its downgrade()) is run through Alembic on each.
"""

from __future__ import annotations

import copy
import importlib.util
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.test_schema import load_sql

sa = pytest.importorskip("sqlalchemy")
pytest.importorskip("alembic")

from expert.generators.migration_diff import ModelChangeRefused, migration_paths, next_migration  # noqa: E402
from expert.generators.schema import build_schema_sql  # noqa: E402
from expert.model import parse_entities  # noqa: E402

#: the model of the last generation
OLD: dict[str, Any] = {
    "Customer": {
        "fields": {
            "email": {"type": "string", "max_length": 200, "required": True, "unique": True},
            "nick": {"type": "string", "max_length": 40},
            "age": "integer",
            "phone": {"type": "string", "max_length": 30, "required": True},
            "code": {"type": "string", "max_length": 20, "unique": True},
        },
        "relations": {"orders": {"kind": "one-to-many", "target": "Order"}},
    },
    "Order": {
        "fields": {
            "total": {"type": "decimal", "precision": 12, "scale": 2},
            "note": {"type": "string", "max_length": 50, "index": True},
            "placed_at": {"type": "datetime", "required": True},
        },
        "relations": {
            "customer": {"kind": "many-to-one", "target": "Customer", "on_delete": "cascade", "required": True},
            "referrer": {"kind": "many-to-one", "target": "Customer", "on_delete": "set-null"},
        },
    },
    "Coupon": {"fields": {"label": {"type": "string", "max_length": 40, "required": True}}},
}

#: every kind of change at once: an entity added (with a many-to-many) and one removed, fields added (optional,
#: required with a default), removed, widened, made required (backfilled) and optional, unique and index added and
#: removed, a many-to-one added and one removed
NEW: dict[str, Any] = {
    "Customer": {
        "fields": {
            "email": {"type": "string", "max_length": 200, "required": True, "unique": True},
            "nick": {"type": "string", "max_length": 80, "unique": True},
            "age": {"type": "integer", "required": True, "default": 18},
            "phone": {"type": "string", "max_length": 30},
            "code": {"type": "string", "max_length": 20, "index": True},
            "vip": {"type": "boolean", "required": True, "default": False},
            "bio": "text",
        },
        "relations": {"orders": {"kind": "one-to-many", "target": "Order"}, "tags": {"kind": "many-to-many", "target": "Tag"}},
    },
    "Order": {
        "fields": {
            "total": {"type": "decimal", "precision": 12, "scale": 2},
            "placed_at": {"type": "datetime", "required": True, "index": True},
        },
        "relations": {
            "customer": {"kind": "many-to-one", "target": "Customer", "on_delete": "cascade", "required": True},
            "tag": {"kind": "many-to-one", "target": "Tag", "on_delete": "set-null"},
        },
    },
    "Tag": {"fields": {"label": {"type": "string", "max_length": 40, "required": True, "unique": True}}},
}

#: what SQLite's ALTER TABLE can do: tables added and removed, optional columns (a reference too) added, plain
#: columns removed, indexes added and removed, join tables added
SQLITE_OLD: dict[str, Any] = {
    "Note": {
        "fields": {
            "title": {"type": "string", "max_length": 80, "required": True},
            "draft": "boolean",
            "body": {"type": "string", "max_length": 200, "index": True},
        }
    },
    "Scrap": {"fields": {"x": "integer"}},
}
SQLITE_NEW: dict[str, Any] = {
    "Note": {
        "fields": {
            "title": {"type": "string", "max_length": 80, "required": True, "index": True},
            "body": {"type": "string", "max_length": 200},
            "pinned": {"type": "boolean", "required": True, "default": False},
            "priority": "integer",
        },
        "relations": {
            "folder": {"kind": "many-to-one", "target": "Folder", "on_delete": "set-null"},
            "labels": {"kind": "many-to-many", "target": "Folder"},
        },
    },
    "Folder": {"fields": {"name": {"type": "string", "max_length": 60, "required": True, "unique": True}}},
}


def template_text(layer: str, path: str) -> str:
    """A file of a template layer that has no template syntax (as the generated project holds it)."""
    from expert.paths import TEMPLATES_DIR

    text = (TEMPLATES_DIR / layer / "{{cookiecutter.project_slug}}" / path).read_text()
    assert "{{" not in text and "{%" not in text
    return text


SQL_TOOLS = ["goose", "flyway", "prisma-migrate", "typeorm", "umzug"]
INITIAL = {
    "alembic": {"alembic/versions/0001_initial.py": 'revision: str = "0001"\ndown_revision: str | None = None\n'},
    "goose": {"internal/store/migrations/00001_initial.sql": "-- +goose Up\n"},
    "flyway": {"src/main/resources/db/migration/{database}/V1__initial.sql": ""},
    "prisma-migrate": {"prisma/migrations/0001_initial/migration.sql": ""},
    "typeorm": {
        "src/migrations/0001-initial.ts": "",
        "src/migrations/index.ts": template_text("data/node-typeorm", "src/migrations/index.ts"),
    },
    "umzug": {
        "src/migrations/0001-initial.ts": "",
        "src/migrations/index.ts": template_text("data/node-sequelize", "src/migrations/index.ts"),
    },
}


def context(entities: dict[str, Any], database: str, tool: str, id_type: str = "bigint") -> dict[str, Any]:
    """A stack context as the blueprint builds it, for what the schema depends on."""
    orm = {
        "alembic": "sqlalchemy",
        "goose": "database-sql",
        "flyway": "spring-data-jpa",
        "prisma-migrate": "prisma",
        "typeorm": "typeorm",
        "umzug": "sequelize",
        "django-migrations": "django-orm",
    }[tool]
    return {
        "project_name": "Shop",
        "project_slug": "shop",
        "database": database,
        "auth": "jwt",
        "migrations": tool,
        "orm": orm,
        "decisions": {"id_type": id_type},
        "entities": parse_entities(copy.deepcopy(entities), "model.yml"),
    }


def initial(tool: str, database: str) -> dict[str, str]:
    return {path.format(database=database): text for path, text in INITIAL[tool].items()}


def migration_sql(tool: str, files: dict[str, str]) -> list[str]:
    """The statements of the new migration file, read back as its runner reads them."""
    (path,) = [p for p in files if not p.endswith("index.ts")]
    text = files[path]
    if tool in ("typeorm", "umzug"):
        import json

        body = text.split("const UP: readonly string[] = [", 1)[1].split("];", 1)[0]
        return [json.loads(line.strip().removesuffix(",")) for line in body.strip().splitlines()]
    if tool == "goose":
        up = text.split("-- +goose Up", 1)[1].split("-- +goose Down", 1)[0]
        return [block.split("-- +goose StatementEnd")[0].strip().removesuffix(";") for block in up.split("-- +goose StatementBegin")[1:]]
    body = "\n".join(line for line in text.splitlines() if not line.startswith("--"))
    return [s.strip() for s in body.split(";\n\n") if s.strip().removesuffix(";")]


# --- fast: files, numbering, chaining, refusals -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("tool", "database", "expected"),
    [
        ("alembic", "postgresql", ["alembic/versions/0002_model_update.py"]),
        ("goose", "mysql", ["internal/store/migrations/00002_model_update.sql"]),
        ("flyway", "postgresql", ["src/main/resources/db/migration/postgresql/V2__model_update.sql"]),
        ("prisma-migrate", "mysql", ["prisma/migrations/0002_model_update/migration.sql"]),
        ("typeorm", "postgresql", ["src/migrations/0002-model-update.ts", "src/migrations/index.ts"]),
        ("umzug", "mysql", ["src/migrations/0002-model-update.ts", "src/migrations/index.ts"]),
    ],
)
def test_the_next_migration_is_numbered_after_the_existing_ones(tool: str, database: str, expected: list[str]) -> None:
    existing = initial(tool, database)
    files = next_migration(context(OLD, database, tool), context(NEW, database, tool), existing)
    assert sorted(files) == sorted(expected)
    assert not set(files) - {"src/migrations/index.ts"} & set(existing)  # an existing migration is never rewritten
    patterns = migration_paths(context(NEW, database, tool))
    assert all(any(Path(p).match(pattern) for pattern in patterns) for p in [*files, *existing])


def test_alembic_revision_chains_to_the_head() -> None:
    existing = {
        **INITIAL["alembic"],
        "alembic/versions/0002_add_things.py": 'revision: str = "0002"\ndown_revision: str | Sequence[str] | None = "0001"\n',
    }
    files = next_migration(context(OLD, "postgresql", "alembic"), context(NEW, "postgresql", "alembic"), existing)
    (text,) = files.values()
    assert list(files) == ["alembic/versions/0003_model_update.py"]
    assert 'revision: str = "0003"' in text
    assert 'down_revision: str | Sequence[str] | None = "0002"' in text


def test_alembic_refuses_several_heads() -> None:
    existing = {
        **INITIAL["alembic"],
        "alembic/versions/0002_a.py": 'revision = "0002"\ndown_revision = "0001"\n',
        "alembic/versions/0003_b.py": 'revision = "0003"\ndown_revision = "0001"\n',
    }
    with pytest.raises(ModelChangeRefused, match="several heads"):
        next_migration(context(OLD, "postgresql", "alembic"), context(NEW, "postgresql", "alembic"), existing)


@pytest.mark.parametrize("tool", ["typeorm", "umzug"])
def test_typescript_runners_list_the_new_migration(tool: str) -> None:
    files = next_migration(context(OLD, "mysql", tool), context(NEW, "mysql", tool), initial(tool, "mysql"))
    index = files["src/migrations/index.ts"]
    if tool == "typeorm":
        assert 'import { ModelUpdate0000000000002 } from "./0002-model-update.js";' in index
        assert "= [Initial0000000000001, ModelUpdate0000000000002];" in index
        assert 'name = "ModelUpdate0000000000002";' in files["src/migrations/0002-model-update.ts"]
    else:
        assert 'import * as modelUpdate0002 from "./0002-model-update.js";' in index
        assert "= [initial, modelUpdate0002];" in index
        assert 'export const name = "0002-model-update";' in files["src/migrations/0002-model-update.ts"]


@pytest.mark.parametrize("tool", ["alembic", *SQL_TOOLS])
def test_an_unchanged_model_needs_no_migration(tool: str) -> None:
    changed_description = copy.deepcopy(OLD)
    changed_description["Coupon"]["description"] = "A discount code"
    assert (
        next_migration(context(OLD, "postgresql", tool), context(changed_description, "postgresql", tool), initial(tool, "postgresql"))
        == {}
    )


def changed(model: dict[str, Any], entity: str, field: str, spec: Any) -> dict[str, Any]:
    out = copy.deepcopy(model)
    out[entity]["fields"][field] = spec
    return out


REFUSALS = [
    (
        "a type change",
        changed(OLD, "Customer", "age", {"type": "string", "max_length": 10}),
        "postgresql",
        "goose",
        "entity Customer, age: its column type changes",
    ),
    (
        "a narrower string",
        changed(OLD, "Customer", "nick", {"type": "string", "max_length": 10}),
        "mysql",
        "alembic",
        "entity Customer, nick: its column type changes",
    ),
    (
        "a required field without default",
        changed(OLD, "Coupon", "code", {"type": "string", "max_length": 9, "required": True}),
        "postgresql",
        "flyway",
        "entity Coupon, code: a new required column .* give the field a `default:`",
    ),
    (
        "an optional field made required without default",
        changed(OLD, "Customer", "nick", {"type": "string", "max_length": 40, "required": True}),
        "postgresql",
        "prisma-migrate",
        "entity Customer, nick: becomes required",
    ),
    (
        "a unique constraint on SQLite",
        changed(OLD, "Coupon", "label", {"type": "string", "max_length": 40, "required": True, "unique": True}),
        "sqlite",
        "goose",
        "entity Coupon, label: SQLite's ALTER TABLE cannot add a unique constraint",
    ),
    (
        "a NOT NULL change on SQLite",
        changed(OLD, "Order", "placed_at", "datetime"),
        "sqlite",
        "typeorm",
        "entity Order, placed_at: SQLite's ALTER TABLE cannot change a column's NOT NULL",
    ),
    (
        "a relation dropped on SQLite",
        {**copy.deepcopy(OLD), "Order": {**OLD["Order"], "relations": {"customer": OLD["Order"]["relations"]["customer"]}}},
        "sqlite",
        "prisma-migrate",
        "entity Order, referrer_id: SQLite cannot drop or change a foreign key",
    ),
]


@pytest.mark.parametrize(("new", "database", "tool", "message"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_unsafe_changes_are_refused_with_one_line(new: dict[str, Any], database: str, tool: str, message: str) -> None:
    with pytest.raises(ModelChangeRefused, match=message) as caught:
        next_migration(context(OLD, database, tool), context(new, database, tool), initial(tool, database))
    assert "\n" not in str(caught.value)


def test_a_new_required_relation_is_refused() -> None:
    new = copy.deepcopy(OLD)
    new["Coupon"]["relations"] = {"customer": {"kind": "many-to-one", "target": "Customer", "on_delete": "cascade", "required": True}}
    with pytest.raises(ModelChangeRefused, match="entity Coupon, customer_id: a new required"):
        next_migration(context(OLD, "mysql", "goose"), context(new, "mysql", "goose"), initial("goose", "mysql"))


def test_another_id_type_is_refused() -> None:
    with pytest.raises(ModelChangeRefused, match="id_type changed"):
        next_migration(context(OLD, "postgresql", "goose"), context(OLD, "postgresql", "goose", "uuid-v7"), {})


# --- against real databases --------------------------------------------------------------------------------


@contextmanager
def databases(database: str, collation: str = "utf8mb4_bin") -> Iterator[tuple[Any, Any]]:
    """Two empty databases of the vendor (engines), dropped afterwards. On MySQL, ``collation`` is the databases'
    default: an Alembic project's tables all get it, while db/schema.sql names utf8mb4 (its default collation), so
    the Alembic tests use that one (a foreign key joins columns of one collation only)."""
    names = [f"mdiff_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    if database == "sqlite":
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            engines = [sa.create_engine(f"sqlite:///{tmp}/{n}.db") for n in names]
            for engine in engines:
                sa.event.listen(engine, "connect", lambda c, _: c.execute("PRAGMA foreign_keys = ON"))
            yield engines[0], engines[1]
            for engine in engines:
                engine.dispose()
        return
    env, scheme, driver = {"postgresql": ("E2E_DATABASE_URL", "postgresql", "psycopg"), "mysql": ("E2E_MYSQL_URL", "mysql", "pymysql")}[
        database
    ]
    url = os.environ.get(env)
    if not url:
        pytest.skip(f"{env} is not set")
    url = f"{scheme}+{driver}://" + url.split("://", 1)[1]
    base = url.rsplit("/", 1)[0] if database == "postgresql" else url.rstrip("/")
    admin = sa.create_engine(url if database == "postgresql" else base + "/", isolation_level="AUTOCOMMIT")
    create = f"CREATE DATABASE {{}} CHARACTER SET utf8mb4 COLLATE {collation}" if database == "mysql" else "CREATE DATABASE {}"
    with admin.connect() as connection:
        for name in names:
            connection.exec_driver_sql(create.format(name))
    engines = [sa.create_engine(f"{base}/{name}" + ("?charset=utf8mb4" if database == "mysql" else "")) for name in names]
    try:
        yield engines[0], engines[1]
    finally:
        for engine in engines:
            engine.dispose()
        with admin.connect() as connection:
            for name in names:
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}" + (" WITH (FORCE)" if database == "postgresql" else ""))
        admin.dispose()


def run_statements(engine: Any, statements: list[str]) -> None:
    with engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)


def seed(engine: Any, uuid_ids: bool = False) -> None:
    """Rows in the tables the migration alters: a backfill, a new NOT NULL column with a default, must cope."""
    ids, values = ("id, ", f"'{uuid.uuid4().hex}', ") if uuid_ids else ("", "")
    with engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO users (email, password_hash, is_active) VALUES ('a@example.com', 'x', true)")
        tables = set(sa.inspect(connection).get_table_names())
        if "customers" in tables:
            connection.exec_driver_sql(f"INSERT INTO customers ({ids}owner_id, email, phone) VALUES ({values}1, 'c@example.com', '555')")
        if "notes" in tables:
            connection.exec_driver_sql(f"INSERT INTO notes ({ids}owner_id, title) VALUES ({values}1, 'first')")


def alembic_module(files: dict[str, str], tmp_path: Path) -> Any:
    (path,) = files
    target = tmp_path / Path(path).name
    target.write_text(files[path])
    spec = importlib.util.spec_from_file_location(f"revision_{uuid.uuid4().hex}", target)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_alembic(engine: Any, function: Any) -> None:
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    with engine.begin() as connection:
        with Operations.context(MigrationContext.configure(connection)):
            function()


def catalogue(engine: Any) -> dict[str, Any]:
    """Per table: columns (name, type, nullability; in name order), primary key, foreign keys (with ON DELETE), unique constraints
    and indexes. SQLite's foreign keys as its catalogue keeps them (PRAGMA foreign_key_list, without names:
    SQLAlchemy reads names and ON DELETE back from CREATE TABLE's text, not from a column added later)."""
    inspector = sa.inspect(engine)
    out: dict[str, Any] = {}
    with engine.connect() as connection:
        for table in sorted(inspector.get_table_names()):
            if table == "alembic_version":
                continue
            if engine.dialect.name == "sqlite":
                rows = connection.exec_driver_sql(f"PRAGMA foreign_key_list({table})").mappings()
                fks = sorted((r["from"], r["table"], r["to"], r["on_delete"]) for r in rows)
            else:
                fks = sorted(
                    (fk["name"], tuple(fk["constrained_columns"]), fk["referred_table"], (fk.get("options") or {}).get("ondelete"))
                    for fk in inspector.get_foreign_keys(table)
                )
            out[table] = {
                # by name: ALTER TABLE ADD COLUMN appends, so the order differs from CREATE TABLE's
                "columns": sorted((c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)),
                "pk": inspector.get_pk_constraint(table)["constrained_columns"],
                "fks": fks,
                "uniques": sorted((u["name"], tuple(u["column_names"])) for u in inspector.get_unique_constraints(table)),
                "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in inspector.get_indexes(table)),
            }
    return out


def assert_same_catalogue(migrated: Any, expected: Any) -> None:
    left, right = catalogue(migrated), catalogue(expected)
    assert set(left) == set(right)
    for table in right:
        assert left[table] == right[table], table


MODELS = {"postgresql": (OLD, NEW), "mysql": (OLD, NEW), "sqlite": (SQLITE_OLD, SQLITE_NEW)}


@pytest.mark.parametrize("tool", SQL_TOOLS)
@pytest.mark.parametrize("database", ["sqlite", "postgresql", "mysql"])
def test_sql_migration_gives_the_new_schema(database: str, tool: str) -> None:
    old_model, new_model = MODELS[database]
    old, new = context(old_model, database, tool), context(new_model, database, tool)
    files = next_migration(old, new, initial(tool, database))
    with databases(database) as (migrated, expected):
        load_sql(migrated, build_schema_sql(old))
        seed(migrated)
        run_statements(migrated, migration_sql(tool, files))
        load_sql(expected, build_schema_sql(new))
        assert_same_catalogue(migrated, expected)


@pytest.mark.parametrize("id_type", ["bigint", "uuid-v7"])
@pytest.mark.parametrize("database", ["sqlite", "postgresql", "mysql"])
def test_alembic_revision_upgrades_to_the_new_schema_and_back(database: str, id_type: str, tmp_path: Path) -> None:
    old, new = context(OLD, database, "alembic", id_type), context(NEW, database, "alembic", id_type)
    files = next_migration(old, new, INITIAL["alembic"])
    module = alembic_module(files, tmp_path)
    with databases(database, "utf8mb4_general_ci") as (migrated, expected):
        load_sql(migrated, build_schema_sql(old))
        seed(migrated, id_type == "uuid-v7")
        run_alembic(migrated, module.upgrade)
        load_sql(expected, build_schema_sql(new))
        assert_same_catalogue(migrated, expected)


@pytest.mark.parametrize("models", ["every-change", "sqlite-alterable"])
@pytest.mark.parametrize("database", ["sqlite", "postgresql", "mysql"])
def test_alembic_revision_downgrades_to_the_old_schema(database: str, models: str, tmp_path: Path) -> None:
    """On an empty database (as the starter's tests run `downgrade base`): shortening a string again, making a
    column NOT NULL again or adding back a required column are left to the database, which refuses rows that
    do not fit."""
    old_model, new_model = (OLD, NEW) if models == "every-change" else (SQLITE_OLD, SQLITE_NEW)
    old, new = context(old_model, database, "alembic"), context(new_model, database, "alembic")
    module = alembic_module(next_migration(old, new, INITIAL["alembic"]), tmp_path)
    with databases(database, "utf8mb4_general_ci") as (migrated, expected):
        load_sql(migrated, build_schema_sql(old))
        run_alembic(migrated, module.upgrade)
        run_alembic(migrated, module.downgrade)
        load_sql(expected, build_schema_sql(old))
        assert_same_catalogue(migrated, expected)


def starter_ruff_config() -> str:
    """The [tool.ruff*] tables of the python-fastapi starter's pyproject.toml."""
    from expert.paths import TEMPLATES_DIR

    text = (TEMPLATES_DIR / "stack/python-fastapi/{{cookiecutter.project_slug}}/pyproject.toml").read_text()
    tables = [t for t in ("\n" + text).split("\n[") if t.startswith("tool.ruff")]
    config = "".join("[" + t.rstrip() + "\n\n" for t in tables)
    assert tables and "{{" not in config and "{%" not in config  # plain TOML, no template syntax
    return config


def test_alembic_revision_is_clean_for_ruff(tmp_path: Path) -> None:
    """The starter's ruff rules (its pyproject.toml) and ruff format accept the revision as written."""
    ruff = Path(sys.executable).with_name("ruff")
    if not ruff.exists():
        pytest.fail("ruff (a test dependency) is missing")
    files = next_migration(
        context(OLD, "postgresql", "alembic", "uuid-v7"), context(NEW, "postgresql", "alembic", "uuid-v7"), INITIAL["alembic"]
    )
    (tmp_path / "pyproject.toml").write_text(starter_ruff_config())
    (path,) = files
    (tmp_path / "rev.py").write_text(files[path])
    for args in (["check", "rev.py"], ["format", "--check", "--diff", "rev.py"]):
        done = subprocess.run([str(ruff), *args], cwd=tmp_path, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr


# --- Django: operations on model state, checked by Django itself ------------------------------------------------

DJANGO_INITIAL = {"app/migrations/__init__.py": "", "app/migrations/0001_initial.py": ""}


def test_django_migration_follows_the_latest_one() -> None:
    existing = {**DJANGO_INITIAL, "app/migrations/0002_add_note.py": ""}
    files = next_migration(context(OLD, "postgresql", "django-migrations"), context(NEW, "postgresql", "django-migrations"), existing)
    (path,) = files
    assert path == "app/migrations/0003_model_update.py"
    text = files[path]
    assert '("app", "0002_add_note"),' in text
    assert 'migrations.DeleteModel(\n            name="Coupon",\n        ),' in text
    assert "field=models.BooleanField(default=False),\n            preserve_default=False," in text  # existing rows get the default
    assert 'name="uq_customers_owner_id_code",' in text  # RemoveConstraint
    assert next_migration(context(OLD, "postgresql", "django-migrations"), context(OLD, "postgresql", "django-migrations"), existing) == {}


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (changed(OLD, "Customer", "age", {"type": "string", "max_length": 10}), "entity Customer, age: its type changes"),
        (changed(OLD, "Customer", "nick", {"type": "string", "max_length": 10}), "entity Customer, nick: a shorter max_length"),
        (
            changed(OLD, "Coupon", "code", {"type": "string", "max_length": 9, "required": True}),
            "entity Coupon, code: a new required field",
        ),
        (
            changed(OLD, "Customer", "nick", {"type": "string", "max_length": 40, "required": True}),
            "entity Customer, nick: becomes required",
        ),
    ],
    ids=["type", "shorter", "required-without-default", "made-required-without-default"],
)
def test_django_refuses_unsafe_changes(new: dict[str, Any], message: str) -> None:
    with pytest.raises(ModelChangeRefused, match=message):
        next_migration(context(OLD, "postgresql", "django-migrations"), context(new, "postgresql", "django-migrations"), DJANGO_INITIAL)


def test_a_django_refusal_is_shown_in_french_to_a_french_user() -> None:
    from expert.messages import TABLES, in_lang

    new = changed(OLD, "Customer", "nick", {"type": "string", "max_length": 10})
    with pytest.raises(ModelChangeRefused) as caught:
        next_migration(context(OLD, "postgresql", "django-migrations"), context(new, "postgresql", "django-migrations"), DJANGO_INITIAL)
    assert str(caught.value).startswith("entity Customer, nick: a shorter max_length may truncate")
    assert in_lang(caught.value, "fr").startswith("entité Customer, nick : un max_length plus court peut tronquer")
    assert "migration_django" in TABLES  # so the sweep checks both languages of every refusal


def answers_file(tmp_path: Path, sample: str, name: str, entities: dict[str, Any]) -> Path:
    """A sample's answers with another domain model."""
    import yaml

    from tests.conftest import SAMPLES

    answers = yaml.safe_load((SAMPLES / sample).read_text())
    answers["entities"] = entities
    path = tmp_path / f"{name}.yml"
    path.write_text(yaml.safe_dump(answers, sort_keys=False))
    return path


def updated_project(tmp_path: Path, sample: str) -> Path:
    """The project generated with NEW, holding the migrations of the one generated with OLD and the next
    migration (as `backend-expert update` leaves it)."""
    import fnmatch

    from tests.test_schema import stack_context

    old_answers, new_answers = answers_file(tmp_path, sample, "old", OLD), answers_file(tmp_path, sample, "new", NEW)
    for name, answers in (("old", old_answers), ("new", new_answers)):
        subprocess.run(
            [sys.executable, "-m", "expert", "new", str(tmp_path / name), "--answers", str(answers), "--no-input"],
            check=True,
            capture_output=True,
            text=True,
        )
    old_context, new_context = stack_context(old_answers), stack_context(new_answers)
    project, old = tmp_path / "new", tmp_path / "old"
    patterns = migration_paths(new_context)
    existing = {
        p.relative_to(old).as_posix(): p.read_text()
        for p in sorted(old.rglob("*"))
        if p.is_file()
        and "node_modules" not in p.parts
        and any(fnmatch.fnmatchcase(p.relative_to(old).as_posix(), pat) for pat in patterns)
    }
    assert existing
    for path, text in existing.items():
        (project / path).write_text(text)
    files = next_migration(old_context, new_context, existing)
    assert files
    for path, text in files.items():
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text(text)
    return project


def project_runner(project: Path, tmp_path: Path) -> tuple[Any, dict[str, str]]:
    """A venv with the project installed (its dev extras); a function running its python there, and its environment."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}:{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    py = str(venv / "bin" / "python")

    def run(*args: str) -> str:
        done = subprocess.run([py, *args], cwd=project, env=env, capture_output=True, text=True, timeout=900, check=False)
        assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout}\n{done.stderr}"
        return done.stdout

    run("-m", "pip", "install", "--quiet", "-e", ".[dev]")
    return run, env


@contextmanager
def postgresql_database() -> Iterator[str]:
    url = os.environ.get("E2E_DATABASE_URL")
    if not url:
        pytest.skip("E2E_DATABASE_URL is not set")
    name = f"mdiff_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@contextmanager
def sample_database(sample: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of the sample's vendor (SQLite or PostgreSQL)."""
    if "sqlite" in sample:
        yield f"sqlite:///{tmp_path / 'app.db'}"
        return
    with postgresql_database() as url:
        yield url


def insert_customer(database_url: str, user_columns: str, user_values: str) -> None:
    """A user and a customer of the old model: the new required columns must be filled in for it."""
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    id_type = next(c["type"] for c in sa.inspect(engine).get_columns("customers") if c["name"] == "id")
    if isinstance(id_type, sa.Integer):
        ids, values = "", ""  # a sequence
    else:  # a UUID, or CHAR(32) on SQLite and MySQL
        ids, values = "id, ", f"'{uuid.uuid4().hex if engine.dialect.name in ('sqlite', 'mysql') else uuid.uuid4()}', "
    with engine.begin() as connection:
        connection.exec_driver_sql(f"INSERT INTO users ({user_columns}) VALUES ({user_values})")
        user = connection.exec_driver_sql("SELECT id FROM users").scalar_one()
        connection.exec_driver_sql(
            f"INSERT INTO customers ({ids}owner_id, email, phone, created_at, updated_at) "
            f"VALUES ({values}{user}, 'c@example.com', '555', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        )
    engine.dispose()


@pytest.mark.e2e
def test_django_update_migration_satisfies_makemigrations_check(tmp_path: Path) -> None:
    """Django applies the next migration to a database of the old schema holding rows, then finds nothing left
    to migrate (`makemigrations --check`); the project's ruff and its own tests pass."""
    with postgresql_database() as database_url:
        project = updated_project(tmp_path, "python/django-postgresql.yml")
        run, env = project_runner(project, tmp_path)
        run("-m", "ruff", "check", "app/migrations")
        run("-m", "ruff", "format", "--check", "app/migrations")
        env.update(DATABASE_URL=database_url, SECRET_KEY=uuid.uuid4().hex + uuid.uuid4().hex)
        run("manage.py", "migrate", "--no-input", "app", "0001")
        insert_customer(
            database_url,
            "email, password_hash, is_active, is_staff, is_superuser, created_at",
            "'a@example.com', 'x', true, false, false, CURRENT_TIMESTAMP",
        )
        run("manage.py", "migrate", "--no-input")
        run("manage.py", "makemigrations", "--check", "--dry-run")
        out = run("-m", "pytest", "-q", "-p", "no:cacheprovider")
        assert " passed" in out and " failed" not in out, out


#: the project's tests each sample runs after the update: all of them, but on the Flask starter only those of the
#: schema (its tests/test_openapi.py fails on a required field with a default, migration or not: reported)
#: the samples whose Alembic update runs end to end, with the project tests to run after it: flask-sqlite in CI
#: (its tests compare the migrated database with the models); the FastAPI one, over the same data layer, with E2E_ALL=1
PROJECT_TESTS = {"python/flask-sqlite.yml": ["tests/test_migrations.py", "tests/test_resources.py"]}
if os.environ.get("E2E_ALL"):
    PROJECT_TESTS["orders-api.yml"] = []


@pytest.mark.e2e
@pytest.mark.parametrize("sample", sorted(PROJECT_TESTS))
def test_alembic_update_revision_matches_the_models(sample: str, tmp_path: Path) -> None:
    """`alembic upgrade head` applies the next revision over rows of the old schema; the project's own tests
    (tests/test_migrations.py compares the migrated database with its models) and its ruff pass."""
    project = updated_project(tmp_path, sample)
    run, env = project_runner(project, tmp_path)
    run("-m", "ruff", "check", ".")
    run("-m", "ruff", "format", "--check", ".")
    with sample_database(sample, tmp_path) as url:
        driver_url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        env.update(DATABASE_URL=driver_url, SECRET_KEY=uuid.uuid4().hex + uuid.uuid4().hex)
        run("-m", "alembic", "upgrade", "0001")
        insert_customer(url, "email, password_hash", "'a@example.com', 'x'")
        run("-m", "alembic", "upgrade", "head")
        out = run("-m", "pytest", "-q", "-p", "no:cacheprovider", *PROJECT_TESTS[sample])
        assert " passed" in out and " failed" not in out, out


NODE_SAMPLES = ["node/express-prisma-postgresql.yml", "node/fastify-sequelize-mysql.yml", "node/more/fastify-typeorm-postgresql.yml"]


def server_database(vendor: str) -> Any:
    """An empty PostgreSQL or MySQL database: a context manager of its URL (as the starters take it)."""
    if vendor == "postgresql":
        return postgresql_database()

    @contextmanager
    def mysql() -> Iterator[str]:
        with databases("mysql") as (engine, _):
            yield engine.url.render_as_string(hide_password=False).replace("mysql+pymysql://", "mysql://").split("?")[0]

    return mysql()


@pytest.mark.e2e
@pytest.mark.parametrize("sample", NODE_SAMPLES)
def test_node_update_migration_applies_over_the_old_schema(sample: str, tmp_path: Path) -> None:
    """The old project migrates a database and gets a row; the updated project (the old first migration, the new
    one and its migration list) typechecks and lints, its own tests migrate that database further and pass, and
    the database then has the new db/schema.sql's catalogue."""
    import shutil

    npm = shutil.which("npm")
    if not npm:
        pytest.fail("npm is missing")
    vendor = "mysql" if "mysql" in sample else "postgresql"
    with server_database(vendor) as url:
        project = updated_project(tmp_path, sample)
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": uuid.uuid4().hex + uuid.uuid4().hex}
        # offline, `prisma generate` (which never runs the schema engine) still downloads it unless given one
        env.setdefault("PRISMA_SCHEMA_ENGINE_BINARY", shutil.which("false") or "/bin/false")

        def npm_run(cwd: Path, *args: str) -> None:
            done = subprocess.run([npm, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False)
            assert done.returncode == 0, f"npm {' '.join(args)}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"

        old = tmp_path / "old"
        npm_run(old, "ci", "--no-audit", "--no-fund")
        npm_run(old, "run", "build")
        npm_run(old, "run", "migrate")
        driver = {"postgresql": "postgresql+psycopg://", "mysql": "mysql+pymysql://"}[vendor]
        engine_url = driver + url.split("://", 1)[1]
        insert_customer(engine_url, "email, password_hash", "'a@example.com', 'x'")
        (project / "node_modules").symlink_to(old / "node_modules")
        for script in ("typecheck", "lint", "test"):
            npm_run(project, "run", script)
        assert_database_has_new_schema(engine_url, vendor, tmp_path, sample)


def assert_database_has_new_schema(engine_url: str, vendor: str, tmp_path: Path, sample: str) -> None:
    """The migrated database's tables of the schema (not the runner's own) equal the new db/schema.sql's."""
    from tests.test_schema import stack_context

    with databases(vendor) as (_, expected):
        load_sql(expected, build_schema_sql(stack_context(answers_file(tmp_path, sample, "new", NEW))))
        migrated = sa.create_engine(engine_url)
        try:
            left, right = catalogue(migrated), catalogue(expected)
        finally:
            migrated.dispose()
        assert {t: left.get(t) for t in right} == right


@pytest.mark.e2e
def test_goose_update_migration_applies_over_the_old_schema(tmp_path: Path) -> None:
    """The old Go project's `server migrate` creates the schema and the database gets a row; the updated project
    (its embedded migrations: the old one and the next) vets, its own tests migrate that database further and
    pass, and the database then has the new db/schema.sql's catalogue."""
    import shutil

    go = shutil.which("go")
    if not go:
        pytest.fail("go is missing")
    sample = "go/gin-postgresql.yml"
    with postgresql_database() as url:
        project = updated_project(tmp_path, sample)
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": uuid.uuid4().hex + uuid.uuid4().hex}

        def run(cwd: Path, *args: str) -> None:
            done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False)
            assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"

        old = tmp_path / "old"
        run(old, go, "build", "-o", "bin/server", "./cmd/server")
        run(old, "./bin/server", "migrate")
        engine_url = "postgresql+psycopg://" + url.split("://", 1)[1]
        insert_customer(engine_url, "email, password_hash", "'a@example.com', 'x'")
        run(project, go, "vet", "./...")
        run(project, go, "test", "-p", "1", "./...")
        assert_database_has_new_schema(engine_url, "postgresql", tmp_path, sample)


@pytest.mark.e2e
@pytest.mark.skipif(not os.environ.get("E2E_ALL"), reason="two Maven builds (~5 min): runs with E2E_ALL=1")
def test_flyway_update_migration_applies_over_the_old_schema(tmp_path: Path) -> None:
    """The old Spring Boot project's `migrate` (its jar's Flyway) creates the schema and the database gets a row;
    the updated project (the old V1 and the next version's file) builds, its own tests (`./mvnw test`, whose
    context runs Flyway) migrate that database further and pass, and the database then has the new
    db/schema.sql's catalogue."""
    import shutil

    if not shutil.which("java"):
        pytest.fail("java is missing")
    sample = "jvm/spring-boot-postgresql.yml"
    with postgresql_database() as url:
        project = updated_project(tmp_path, sample)
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": uuid.uuid4().hex + uuid.uuid4().hex}

        def run(cwd: Path, *args: str) -> None:
            done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=1200, check=False)
            assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"

        old = tmp_path / "old"
        run(old, "./mvnw", "-B", "-q", "-DskipTests", "package")
        run(old, "java", "-jar", "target/app.jar", "migrate")
        engine_url = "postgresql+psycopg://" + url.split("://", 1)[1]
        insert_customer(engine_url, "email, password_hash", "'a@example.com', 'x'")
        run(project, "./mvnw", "-B", "-q", "test")
        assert_database_has_new_schema(engine_url, "postgresql", tmp_path, sample)
