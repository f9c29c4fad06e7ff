"""Jinja filters that escape user values for the file format they land in, and the names oapi-codegen gives
the contract's operations and parameters in Go (go_camel, go_param_type).

User values reach templates as data (never rendered as templates); these filters make sure a
name with quotes, backslashes, newlines or unicode still yields valid Python, TOML, YAML, JSON, SQL.
Templates load them through cookiecutter's ``_extensions`` context key.
"""

from __future__ import annotations

import json
import re

from jinja2.ext import Extension

_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff]")


def json_str(value: object) -> str:
    """A JSON string literal (also valid YAML, TOML, Dockerfile LABEL and JavaScript): JSON escapes
    C0 controls; DEL, C1 controls and line separators are escaped too, as YAML and TOML require."""
    text = json.dumps(str(value), ensure_ascii=False)
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def py_str(value: object) -> str:
    """A double-quoted Python string literal."""
    text = str(value)
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def py_assign(value: object, name: str) -> str:
    """``NAME = "value"`` as ruff format writes it (quotes it prefers, wrapped within the line length)."""
    from expert.generators.pysource import assignment

    return assignment(name, str(value))


def toml_str(value: object) -> str:
    """A TOML basic string: the JSON escapes used here are all valid TOML escapes."""
    return json_str(value)


def yaml_str(value: object) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json_str(value)


def sql_str(value: object) -> str:
    """A standard SQL string literal ('' doubles a quote)."""
    return "'" + str(value).replace("'", "''") + "'"


def one_line(value: object) -> str:
    """Collapse whitespace so a value cannot start a new line in Markdown, comments or headers."""
    return " ".join(str(value).split())


FILTERS = {
    "json_str": json_str,
    "py_str": py_str,
    "py_assign": py_assign,
    "toml_str": toml_str,
    "yaml_str": yaml_str,
    "sql_str": sql_str,
    "one_line": one_line,
}


def _relational(context: object) -> object:
    """The relational view of the domain model (expert.generators.relational), for the stack templates."""
    from expert.generators.relational import relational

    return relational(context)  # type: ignore[arg-type]


FILTERS["relational"] = _relational

_GO_SEPARATORS = frozenset("-#@!$&=.+:;_~ (){}[]")


def go_camel(value: object) -> str:
    """The Go name oapi-codegen gives an operationId (its ToCamelCase): letters after a separator are
    upper-cased, separators dropped, digits kept (``auth_change_password`` -> ``AuthChangePassword``)."""
    out, cap_next = [], True
    for ch in str(value).strip(" "):
        if ch.isupper() or ch.isdigit():
            out.append(ch)
        elif ch.islower():
            out.append(ch.upper() if cap_next else ch)
        cap_next = ch in _GO_SEPARATORS
    return "".join(out)


def go_param_type(schema: dict[str, object]) -> str:
    """The Go type oapi-codegen gives a path parameter of this schema (the contract's ids: integers, UUIDs)."""
    if schema.get("type") == "integer":
        return {"int32": "int32", "int64": "int64"}.get(str(schema.get("format")), "int")
    return "openapi_types.UUID" if schema.get("format") == "uuid" else "string"


FILTERS["go_camel"] = go_camel
FILTERS["go_param_type"] = go_param_type


class EscapeExtension(Extension):
    """Registers the escaping filters on the environment cookiecutter builds."""

    def __init__(self, environment):  # type: ignore[no-untyped-def]
        super().__init__(environment)
        environment.filters.update(FILTERS)
