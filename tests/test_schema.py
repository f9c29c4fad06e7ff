"""db/schema.sql and the generated Alembic migration create the same schema.

For each sample model, the migration (alembic/versions/0001_initial.py of the SQLAlchemy data layer) runs
on one empty database and db/schema.sql is loaded into another; SQLAlchemy's inspector must then see the
same tables, columns (type, nullability), primary keys, foreign keys (with ON DELETE), unique
constraints and indexes. SQLite always runs in-process; PostgreSQL runs when E2E_DATABASE_URL is set
(an admin URL that may create databases); MySQL/MariaDB when E2E_MYSQL_URL is set (e.g.
mysql://expert:expert@127.0.0.1:3306).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLES

sa = pytest.importorskip("sqlalchemy")
pytest.importorskip("alembic")

#: the python-fastapi samples, those only tests/test_e2e.py runs with E2E_ALL=1 (more/) included
SAMPLE_FILES = sorted([*SAMPLES.glob("*.yml"), *SAMPLES.glob("more/*.yml")])


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

    root = render_layer("data/python-sqlalchemy", context, tmp_path / "render")
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


def test_thirty_entities_render_every_document(tmp_path: Path) -> None:
    """30 entities / 300 fields: every computed document (OpenAPI, schema.sql, ER) holds all of them (their
    speed is measured in bench/bench.py, never asserted here)."""
    from expert.generators import openapi
    from expert.generators.schema import build_er_diagram, build_schema_sql
    from expert.model import parse_entities

    context = stack_context(SAMPLES / "shop-k8s.yml")
    entities = parse_entities(big_model(), "<bench>")
    context["entities"] = entities
    spec = openapi.build_openapi(context)
    ddl = build_schema_sql(context)
    er = build_er_diagram(context)
    for entity in entities:
        assert f"/api/v1/{entity['plural']}" in spec["paths"]
        assert f"CREATE TABLE {entity['table']} (" in ddl
        assert entity["table"] in er


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


# --- cycles, long names, MySQL's row limit: on every database ------------------------------------

CYCLE_AND_LONG_NAMES = {
    "Department": {
        "fields": {"name": {"type": "string", "required": True}},
        "relations": {"head": {"kind": "many-to-one", "target": "Employee", "on_delete": "set-null"}},
    },
    "Employee": {
        "fields": {"name": {"type": "string", "required": True}},
        "relations": {
            "department": {"kind": "many-to-one", "target": "Department", "required": True, "on_delete": "cascade"},
            "manager": {"kind": "many-to-one", "target": "Employee"},
        },
    },
    # constraint and index names far past 63 characters: shortened the same way by the migration and the DDL
    "AbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAb": {
        "fields": {"abcdefghij_abcdefghij_abcdefghij_abcdefg": {"type": "string", "max_length": 100, "unique": True, "index": True}},
        "relations": {"department_of_the_schedule_abcdefghijklm": {"kind": "many-to-one", "target": "Department"}},
    },
}


def cycle_context(database: str) -> dict[str, Any]:
    from expert.model import parse_entities

    base = stack_context(SAMPLES / "shop-k8s.yml")
    return {**base, "decisions": {**base["decisions"], "id_type": "bigint"}, "database": database,
            "entities": parse_entities(CYCLE_AND_LONG_NAMES, "cycle.yml")}


def exercise_cycle(engine: Any, context: dict[str, Any], tmp_path: Path) -> None:
    """schema.sql equals the migration; rows referencing each other insert; the migration goes down."""
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    from expert.generators.schema import build_schema_sql

    module = render_migration(context, tmp_path / "again")
    migrate(engine, module)
    sql = build_schema_sql(context)
    assert "ALTER TABLE departments ADD CONSTRAINT fk_departments_head_id_employees" in sql or context["database"] == "sqlite"
    with engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO users (id, email, password_hash) VALUES (1, 'a@example.com', 'x')")
        connection.exec_driver_sql("INSERT INTO departments (id, owner_id, name) VALUES (1, 1, 'R&D')")
        connection.exec_driver_sql("INSERT INTO employees (id, owner_id, name, department_id) VALUES (1, 1, 'Ada', 1)")
        connection.exec_driver_sql("UPDATE departments SET head_id = 1 WHERE id = 1")
    with engine.begin() as connection:
        with Operations.context(MigrationContext.configure(connection)):
            module.downgrade()
    assert [t for t in sa.inspect(engine).get_table_names() if t != "alembic_version"] == []


def test_a_cycle_and_long_names_on_sqlite(tmp_path: Path) -> None:
    context = cycle_context("sqlite")
    compare(context, "sqlite", sa.create_engine(f"sqlite:///{tmp_path / 'm.db'}"), sa.create_engine(f"sqlite:///{tmp_path / 'l.db'}"),
            tmp_path)
    exercise_cycle(sa.create_engine(f"sqlite:///{tmp_path / 'c.db'}"), context, tmp_path)


def test_a_cycle_and_long_names_on_postgresql(tmp_path: Path) -> None:
    with postgresql_databases(3) as engines:
        context = cycle_context("postgresql")
        compare(context, "postgresql", engines[0], engines[1], tmp_path)
        exercise_cycle(engines[2], context, tmp_path)
        indexes = {i["name"] for i in sa.inspect(engines[0]).get_indexes("ab_ab_ab_ab_ab_ab_ab_ab_ab_ab_ab_ab_ab_ab_ab_ab_ab_ab_ab_abs")}
        assert indexes and all(len(name) <= 63 for name in indexes)


def test_a_cycle_and_long_names_on_mysql(tmp_path: Path) -> None:
    with mysql_databases(3) as engines:
        context = cycle_context("mysql")
        compare(context, "mysql", engines[0], engines[1], tmp_path)
        exercise_cycle(engines[2], context, tmp_path)


def test_mysql_rows_up_to_the_limit_are_created_and_larger_ones_refused(tmp_path: Path) -> None:
    from expert.answers import AnswersError
    from expert.generators.schema import check_database
    from expert.model import parse_entities

    def context(length: int) -> dict[str, Any]:
        model = {"Wide": {"fields": {"a": {"type": "string", "max_length": 10000}, "b": {"type": "string", "max_length": length}}}}
        base = stack_context(SAMPLES / "orders-api.yml")
        decisions = {**base["decisions"], "id_type": "bigint"}
        return {**base, "decisions": decisions, "database": "mysql", "entities": parse_entities(model, "wide.yml")}

    largest = 6375  # 8 (id) + 4 (owner) + 16 (timestamps) + 40,002 + 4 * 6375 + 2 + 1 (nulls) = 65,533 bytes
    check_database(context(largest), context(largest)["entities"])
    with pytest.raises(AnswersError, match=r"^wide.yml:1: entity Wide: a row takes up to 65,537 bytes on MySQL, which allows 65,535"):
        check_database(context(largest + 1), context(largest + 1)["entities"])
    with mysql_databases(1) as engines:
        migrate(engines[0], render_migration(context(largest), tmp_path))
        assert "wides" in sa.inspect(engines[0]).get_table_names()


@contextlib.contextmanager
def postgresql_databases(count: int) -> Iterator[list[Any]]:
    admin_url = _server("E2E_DATABASE_URL", "postgresql", "psycopg")
    base = admin_url.rsplit("/", 1)[0]
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    names = [f"schema_{uuid.uuid4().hex[:10]}" for _ in range(count)]
    with admin.connect() as connection:
        for name in names:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
    engines = [sa.create_engine(f"{base}/{name}") for name in names]
    try:
        yield engines
    finally:
        for engine in engines:
            engine.dispose()
        with admin.connect() as connection:
            for name in names:
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@contextlib.contextmanager
def mysql_databases(count: int) -> Iterator[list[Any]]:
    server = _server("E2E_MYSQL_URL", "mysql", "pymysql").rstrip("/")
    admin = sa.create_engine(server + "/", isolation_level="AUTOCOMMIT")
    names = [f"schema_{uuid.uuid4().hex[:10]}" for _ in range(count)]
    with admin.connect() as connection:
        for name in names:
            connection.exec_driver_sql(f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
    engines = [sa.create_engine(f"{server}/{name}?charset=utf8mb4") for name in names]
    try:
        yield engines
    finally:
        for engine in engines:
            engine.dispose()
        with admin.connect() as connection:
            for name in names:
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        admin.dispose()


def test_text_fields_are_capped_in_the_contract_and_longer_than_a_mysql_text() -> None:
    from expert.generators import openapi
    from expert.generators.schema import build_schema_sql
    from expert.model import parse_entities

    model = {"Note": {"fields": {"body": {"type": "text", "required": True}, "summary": {"type": "text", "max_length": 500}}}}
    context = {**stack_context(SAMPLES / "orders-api.yml"), "entities": parse_entities(model, "note.yml")}
    schemas = openapi.build_openapi(context)["components"]["schemas"]
    assert schemas["NoteCreate"]["properties"]["body"]["maxLength"] == 65_535
    assert schemas["NoteUpdate"]["properties"]["summary"]["anyOf"][0]["maxLength"] == 500
    assert "body MEDIUMTEXT NOT NULL" in build_schema_sql({**context, "database": "mysql"})
    assert "body TEXT NOT NULL" in build_schema_sql({**context, "database": "postgresql"})


DECIMAL_TEXT = r"-?(0|[1-9][0-9]*)(\.[0-9]+)?"


def _bounded_model(draw):  # type: ignore[no-untyped-def]
    """(precision, scale, low, high) with low <= high, each None or within the column."""
    from decimal import Decimal

    from hypothesis import strategies as st

    precision = draw(st.integers(1, 38))
    scale = draw(st.integers(0, min(precision, 12)))
    limit = 10 ** (precision - scale) * 10**scale - 1  # in units of 10**-scale
    units = st.integers(-limit, limit)
    a, b = sorted([draw(units), draw(units)])
    low = draw(st.sampled_from([None, Decimal(a).scaleb(-scale)]))
    high = draw(st.sampled_from([None, Decimal(b).scaleb(-scale)]))
    return precision, scale, low, high


def test_the_decimal_pattern_accepts_exactly_the_values_within_the_bounds() -> None:
    """Property: for any column and bounds, the contract's pattern accepts a decimal text exactly when
    the app does (format, column, min, max); pydantic's regex engine agrees with Python's."""
    import re
    from decimal import Decimal, localcontext
    from typing import Annotated

    from hypothesis import given, settings
    from hypothesis import strategies as st

    pydantic = pytest.importorskip("pydantic")

    from expert.generators.relational import decimal_pattern
    from expert.model import DECIMAL_CONTEXT

    @st.composite
    def case(draw):  # type: ignore[no-untyped-def]
        with localcontext(DECIMAL_CONTEXT):
            return drawn(draw)

    def drawn(draw):  # type: ignore[no-untyped-def]
        precision, scale, low, high = _bounded_model(draw)
        near = [v for v in (low, high) if v is not None] + [Decimal(0), Decimal(10) ** (precision - scale)]
        center = draw(st.sampled_from(near))
        step = Decimal(1).scaleb(-scale)
        value = center + step * draw(st.integers(-30, 30))
        text = f"{value:.{draw(st.integers(0, scale + 1))}f}" if draw(st.booleans()) else format(value, "f")
        return precision, scale, low, high, draw(st.sampled_from([text, text.lstrip("-"), "-" + text.lstrip("-"), "0" + text]))

    @settings(max_examples=400, deadline=None)
    @given(case())
    def check(args) -> None:  # type: ignore[no-untyped-def]
        with localcontext(DECIMAL_CONTEXT):
            exact(args)

    def exact(args) -> None:  # type: ignore[no-untyped-def]
        precision, scale, low, high, text = args
        pattern = decimal_pattern(precision, scale, low, high)
        expected = bool(re.fullmatch(DECIMAL_TEXT, text))
        if expected:
            value = Decimal(text)
            whole, _, fraction = text.lstrip("-").partition(".")
            expected = (len(whole.lstrip("0") or "0") <= max(precision - scale, 1) and (precision > scale or whole == "0")
                        and len(fraction) <= scale and (low is None or value >= low) and (high is None or value <= high)
                        and (not text.startswith("-") or low is None or low < 0))
        assert bool(re.fullmatch(pattern, text)) is expected, (pattern, text)
        adapter = pydantic.TypeAdapter(Annotated[str, pydantic.StringConstraints(pattern=pattern)])
        try:
            adapter.validate_python(text)
            accepted = True
        except pydantic.ValidationError:
            accepted = False
        assert accepted is expected, (pattern, text)

    check()
