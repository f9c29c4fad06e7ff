"""db/schema.sql and the generated Alembic migration create the same schema.

For each sample model, the migration (alembic/versions/0001_initial.py of the rendered starter) runs
on one empty database and db/schema.sql is loaded into another; SQLAlchemy's inspector must then see the
same tables, columns (type, nullability), primary keys, foreign keys (with ON DELETE), unique
constraints and indexes. SQLite always runs in-process; PostgreSQL runs when E2E_DATABASE_URL is set
(an admin URL that may create databases); MySQL/MariaDB when E2E_MYSQL_URL is set (e.g.
mysql://expert:expert@127.0.0.1:3306).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLES

sa = pytest.importorskip("sqlalchemy")
pytest.importorskip("alembic")

SAMPLE_FILES = sorted(SAMPLES.glob("*.yml"))


def stack_context(sample: Path) -> dict[str, Any]:
    from expert.answers import load_answers, resolve_project
    from expert.consult import Consultant
    from expert.generators.blueprint import build_blueprint
    from expert.knowledge import load_knowledge

    kb = load_knowledge()
    answers = load_answers(sample, kb)
    result = Consultant(kb).run(dict(answers.answers))
    blueprint = build_blueprint(resolve_project(answers.project, sample.stem), result, kb, "en", answers.entities)
    return dict(blueprint.layers[0][1])


def render_migration(context: dict[str, Any], tmp_path: Path) -> Any:
    from expert.render import render_layer

    root = render_layer("stack/python-fastapi", context, tmp_path / "render")
    path = root / "alembic" / "versions" / "0001_initial.py"
    name = f"migration_{uuid.uuid4().hex}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules.pop(name, None)
    return module


def migrate(engine: Any, module: Any) -> None:
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    with engine.begin() as connection:
        with Operations.context(MigrationContext.configure(connection)):
            module.upgrade()


def load_sql(engine: Any, sql: str) -> None:
    statements = [s.strip() for s in sql.split(";\n") if s.strip() and not all(line.startswith("--") for line in s.strip().splitlines())]
    with engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)


def describe(engine: Any) -> dict[str, Any]:
    """Everything about the schema that both sides must agree on."""
    inspector = sa.inspect(engine)
    out: dict[str, Any] = {}
    for table in sorted(inspector.get_table_names()):
        if table == "alembic_version":
            continue
        out[table] = {
            "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)],
            "pk": inspector.get_pk_constraint(table)["constrained_columns"],
            "fks": sorted(
                (fk["name"], tuple(fk["constrained_columns"]), fk["referred_table"], tuple(fk["referred_columns"]),
                 (fk.get("options") or {}).get("ondelete"))
                for fk in inspector.get_foreign_keys(table)
            ),
            "uniques": sorted((u["name"], tuple(u["column_names"])) for u in inspector.get_unique_constraints(table)),
            "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in inspector.get_indexes(table)),
        }
    return out


def compare(context: dict[str, Any], database: str, migrated: Any, loaded: Any, tmp_path: Path) -> None:
    from expert.generators.schema import build_schema_sql

    context = {**context, "database": database}
    sql = build_schema_sql(context)
    assert sql == build_schema_sql(context)  # byte-deterministic
    migrate(migrated, render_migration(context, tmp_path))
    load_sql(loaded, sql)
    expected, actual = describe(migrated), describe(loaded)
    assert set(expected) == set(actual)
    for table in expected:
        assert actual[table] == expected[table], table
    entities = context["entities"]
    assert {e["table"] for e in entities} <= set(actual)


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=[p.stem for p in SAMPLE_FILES])
def test_schema_sql_matches_migration_on_sqlite(sample: Path, tmp_path: Path) -> None:
    context = stack_context(sample)
    migrated = sa.create_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    loaded = sa.create_engine(f"sqlite:///{tmp_path / 'loaded.db'}")
    compare(context, "sqlite", migrated, loaded, tmp_path)


def _server(env: str, scheme: str, driver: str) -> str:
    url = os.environ.get(env)
    if not url:
        pytest.skip(f"{env} is not set")
    if url.startswith(scheme + "://"):
        url = f"{scheme}+{driver}://" + url[len(scheme) + 3 :]
    return url


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=[p.stem for p in SAMPLE_FILES])
def test_schema_sql_matches_migration_on_postgresql(sample: Path, tmp_path: Path) -> None:
    admin_url = _server("E2E_DATABASE_URL", "postgresql", "psycopg")
    base = admin_url.rsplit("/", 1)[0]
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    names = [f"schema_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    with admin.connect() as connection:
        for name in names:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
    engines = [sa.create_engine(f"{base}/{name}") for name in names]
    try:
        compare(stack_context(sample), "postgresql", engines[0], engines[1], tmp_path)
    finally:
        for engine in engines:
            engine.dispose()
        with admin.connect() as connection:
            for name in names:
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=[p.stem for p in SAMPLE_FILES])
def test_schema_sql_matches_migration_on_mysql(sample: Path, tmp_path: Path) -> None:
    server = _server("E2E_MYSQL_URL", "mysql", "pymysql").rstrip("/")
    admin = sa.create_engine(server + "/", isolation_level="AUTOCOMMIT")
    names = [f"schema_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    with admin.connect() as connection:
        for name in names:
            connection.exec_driver_sql(f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
    engines = [sa.create_engine(f"{server}/{name}?charset=utf8mb4") for name in names]
    try:
        compare(stack_context(sample), "mysql", engines[0], engines[1], tmp_path)
    finally:
        for engine in engines:
            engine.dispose()
        with admin.connect() as connection:
            for name in names:
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        admin.dispose()


def test_er_diagram_lists_every_table() -> None:
    from expert.generators.schema import build_er_diagram

    context = stack_context(SAMPLES / "shop-k8s.yml")
    text = build_er_diagram(context)
    assert text.startswith("# Entity-relationship diagram") and "```mermaid\nerDiagram\n" in text
    for table in ("customers", "products", "tags", "orders", "product_tags"):
        assert f"    {table} {{" in text
    assert 'customers ||--o{ orders : "customer"' in text
    assert text == build_er_diagram(context)


def test_thirty_entities_render_quickly(tmp_path: Path) -> None:
    """30 entities / 300 fields: the computed documents (OpenAPI, schema.sql, ER) stay well under a second."""
    from expert.generators import openapi
    from expert.generators.schema import build_er_diagram, build_schema_sql
    from expert.model import parse_entities

    context = stack_context(SAMPLES / "shop-k8s.yml")
    context["entities"] = parse_entities(big_model(), "<bench>")
    start = time.perf_counter()
    openapi.build_openapi(context)
    build_schema_sql(context)
    build_er_diagram(context)
    assert time.perf_counter() - start < 1.0


def big_model(entities: int = 30, fields: int = 10) -> dict[str, Any]:
    """A model of `entities` entities with `fields` fields each, every type, relations between them."""
    types = ["string", "text", "integer", "decimal", "boolean", "date", "datetime", "uuid", "enum", "json"]
    model: dict[str, Any] = {}
    for i in range(entities):
        spec: dict[str, Any] = {}
        for j in range(fields):
            ftype = types[j % len(types)]
            field: dict[str, Any] = {"type": ftype, "required": j % 3 == 0}
            if ftype == "enum":
                field["values"] = ["a", "b", "c"]
            if ftype in ("string", "integer", "date") and j % 2 == 0:
                field["index"] = True
            spec[f"field_{j}"] = field
        relations: dict[str, Any] = {}
        if i:
            relations["parent"] = {"kind": "many-to-one", "target": f"Entity{i - 1}", "on_delete": "cascade"}
            relations["links"] = {"kind": "many-to-many", "target": f"Entity{i - 1}"}
        model[f"Entity{i}"] = {"fields": spec, **({"relations": relations} if relations else {})}
    return model


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=[p.stem for p in SAMPLE_FILES])
def test_openapi_of_the_model_is_valid(sample: Path) -> None:
    """Every field type and relation kind yields a valid OpenAPI document with the model's paths."""
    from openapi_spec_validator import validate

    from expert.generators import openapi

    context = stack_context(sample)
    document = openapi.build_openapi(context)
    validate(document)
    for entity in context["entities"]:
        assert f"/api/v1/{entity['plural']}" in document["paths"]
        assert f"{entity['name']}Create" in document["components"]["schemas"]


def test_decimal_pattern_holds_exactly_the_column() -> None:
    import re

    from expert.generators.relational import decimal_pattern

    pattern = re.compile(decimal_pattern(5, 2))
    for good in ("0", "-0.5", "999.99", "12.3", "100"):
        assert pattern.fullmatch(good), good
    for bad in ("1000", "1.234", "01", "+1", "1.", ".5", "1e3", "", "１"):
        assert not pattern.fullmatch(bad), bad
    assert re.compile(decimal_pattern(3, 3)).fullmatch("0.123")
    assert not re.compile(decimal_pattern(3, 0)).fullmatch("1.0")
