"""User values are escaped for the format they land in: the result parses back to the same text."""

from __future__ import annotations

import ast
import json
import sqlite3

import pytest
import tomllib
import yaml

from expert.render_filters import go_camel, json_str, one_line, py_assign, py_str, sql_str, toml_str, yaml_str

HOSTILE = [
    "O'Brien \"quoted\" \\ back\\slash",
    "{{ 7*7 }} {% raw %} ${{ secrets.TOKEN }}",
    "Ünïcødé — 日本語 🚀",
    "- [a, b]: {c: d} # not a comment\n--- \t tab",
    "line\nbreak\r\x00\x1f\x7f end",
    "''' \"\"\" triple",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_python(value):
    assert ast.literal_eval(py_str(value)) == value


@pytest.mark.parametrize("value", [*HOSTILE, "ends with a backslash \\", "word " * 60, "\"" * 150])
def test_python_assignment_parses_back_and_fits_the_line(value):
    source = py_assign(value, "TITLE")
    namespace: dict[str, str] = {}
    exec(compile(ast.parse(source), "<generated>", "exec"), namespace)  # noqa: S102 - our own literal
    assert namespace["TITLE"] == value
    assert all(len(line) <= 100 for line in source.splitlines()), source


@pytest.mark.parametrize("value", HOSTILE)
def test_toml(value):
    assert tomllib.loads(f"x = {toml_str(value)}\n")["x"] == value


@pytest.mark.parametrize("value", HOSTILE)
def test_yaml_and_json(value):
    assert yaml.safe_load(f"x: {yaml_str(value)}\n")["x"] == value
    assert json.loads(json_str(value)) == value


@pytest.mark.parametrize("value", HOSTILE)
def test_sql(value):
    if "\x00" in value:
        value = value.replace("\x00", "")  # SQL text cannot hold NUL
    with sqlite3.connect(":memory:") as db:
        assert db.execute(f"SELECT {sql_str(value)}").fetchone()[0] == value


def test_one_line():
    assert one_line("a\n b\t\tc ") == "a b c"


@pytest.mark.parametrize(("operation_id", "go_name"), [
    ("auth_change_password", "AuthChangePassword"), ("users_me", "UsersMe"), ("list_2fa_codes", "List2faCodes"),
    ("get_x1", "GetX1"), ("a__b", "AB"), ("listBooks", "ListBooks"), ("health-live", "HealthLive"),
])
def test_go_camel_names_an_operation_as_oapi_codegen_does(operation_id: str, go_name: str) -> None:
    assert go_camel(operation_id) == go_name
