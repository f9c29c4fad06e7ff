"""The names a domain model may not use, computed from what each stack really generates.

An entity or field name becomes a class, a type alias, a variable, a function parameter, a table, a
column, a URL segment, a query parameter, an OpenAPI schema name: if it equals a name the generated
code already imports or defines where it lands (``Decimal``, ``select``, ``db``, ``date`` in a class
body whose annotations use ``date``, ``limit`` in a list endpoint, table ``users``), the starter breaks
or quietly changes meaning. A hand list always misses the next import; this module instead renders the
stack's own templates once with a neutral model whose names carry markers (``XqeAlphaz``, ``yqf3z``),
and reads in the result, with ``ast``, every place a marked name lands: its pattern (``{entity.name}Create``,
``list_{entity.table}``, ``{field.name}``), its scope (a module, a class body, a function) and the
names already used there (bound or read; the module's builtins; the attributes a class inherits).
The same is read, stack-neutrally, from the computed OpenAPI document (paths, parameters, schemas,
operation ids) and the DDL (tables, columns). A user model is then checked by instantiating each
pattern with its entities, fields and relations; two names the model derives in one scope must differ
too. The result is cached per stack layer (its ``layer.yml`` ``id``); a stack in another language
plugs in a reader for its own source (``READERS``, keyed by the layer's ``language``).

The check runs at blueprint time, when the stack is known, and reports the ``file:line`` of the
entity, field or relation (``expert.model.Located``); the questionnaire checks against every stack.
"""

from __future__ import annotations

import ast
import builtins
import functools
import keyword
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from expert.answers import AnswersError
from expert.generators.relational import relational
from expert.model import parse_entities
from expert.render_filters import go_camel
from expert.yamlio import load_yaml, plain

#: a model whose every derived name is recognisable (markers that no template word contains), with every
#: field type (plain and filterable) and every relation kind (to another entity and to itself)
NEUTRAL_MODEL: dict[str, Any] = {
    "XqeAlphaz": {
        "fields": {
            "yqf1z": {"type": "string", "required": True, "default": "x"},
            "yqf2z": {"type": "string", "unique": True},
            "yqf3z": {"type": "text"},
            "yqf4z": {"type": "integer", "min": 0, "default": 1},
            "yqf5z": {"type": "integer", "index": True},
            "yqf6z": {"type": "decimal", "required": True, "default": 1},
            "yqf7z": {"type": "decimal", "index": True, "min": 0},
            "yqf8z": {"type": "boolean", "default": True},
            "yqf9z": {"type": "boolean", "index": True},
            "yqf10z": {"type": "date", "required": True},
            "yqf11z": {"type": "date", "index": True},
            "yqf12z": {"type": "datetime"},
            "yqf13z": {"type": "datetime", "index": True},
            "yqf14z": {"type": "uuid"},
            "yqf15z": {"type": "uuid", "unique": True},
            "yqf16z": {"type": "enum", "values": ["a", "b"], "default": "a"},
            "yqf17z": {"type": "enum", "values": ["a"], "index": True},
            "yqf18z": {"type": "json", "required": True},
            "yqf19z": {"type": "json"},
        },
        "relations": {
            "yqr1z": {"kind": "many-to-one", "target": "XqeBetaz", "required": True, "on_delete": "restrict"},
            "yqr2z": {"kind": "many-to-one", "target": "XqeAlphaz"},
            "yqr3z": {"kind": "many-to-many", "target": "XqeBetaz"},
            "yqr4z": {"kind": "many-to-many", "target": "XqeAlphaz"},
            "yqr5z": {"kind": "one-to-many", "target": "XqeBetaz"},
        },
    },
    "XqeBetaz": {
        "fields": {"yqf20z": {"type": "string", "required": True, "unique": True}},
        "relations": {"yqr6z": {"kind": "many-to-one", "target": "XqeAlphaz", "on_delete": "cascade"}},
    },
}
MARKER = re.compile("xqe|yqf|yqr", re.IGNORECASE)
PYTHON_BUILTINS = frozenset(dir(builtins))


@dataclass(frozen=True)
class Landing:
    """One place where a name derived from the model lands in the generated project."""

    where: str  # e.g. "app/schemas.py" or "openapi.yaml"
    scope: str  # pattern of the scope: "" (module, document), "class {entity.name}Create", "def list_{entity.table}"
    pattern: str  # e.g. "{entity.name}Create", "{field.name}", "{relation.name}_id"
    owner: tuple[str, str]  # ("entity", ""), ("field", "<type>/<filterable>"), ("relation", "<kind>")
    taken: frozenset[str]  # names already used there
    go: bool = False  # the name lands as oapi-codegen spells it in Go (render_filters.go_camel of the filled pattern)


@dataclass(frozen=True)
class _Owner:
    """The model objects a name derives from: an entity, and maybe one of its fields or relations."""

    entity: Mapping[str, Any]
    field: Mapping[str, Any] | None = None
    relation: Mapping[str, Any] | None = None

    def forms(self) -> dict[str, str]:
        """Token -> text of every form of these objects that a generated name may contain."""
        e = self.entity
        out = {
            "{entity.name}": e["name"],
            "{entity.snake}": e["snake"],
            "{entity.SNAKE}": e["snake"].upper(),
            "{entity.var}": e["var"],
            "{entity.table}": e["table"],
            "{entity.plural}": e["plural"],
        }
        if self.field is not None:
            out |= {"{field.name}": self.field["name"], "{field.alias}": self.field["alias"]}
        if self.relation is not None:
            out["{relation.name}"] = self.relation["name"]
        return out

    def kind(self) -> tuple[str, str]:
        if self.field is not None:
            return ("field", profile(self.field))
        if self.relation is not None:
            return ("relation", self.relation["kind"])
        return ("entity", "")

    def label(self) -> str:
        if self.field is not None:
            return f"field {self.entity['name']}.{self.field['name']}"
        if self.relation is not None:
            return f"relation {self.entity['name']}.{self.relation['name']}"
        return f"entity {self.entity['name']}"


def profile(field: Mapping[str, Any]) -> str:
    """Where a field lands depends on its type and on whether the list endpoint filters on it."""
    return f"{field['type']}/{'filter' if field['filterable'] else 'plain'}"


def _owners(model: Mapping[str, Any]) -> list[_Owner]:
    """Every (entity), (entity, field) and (entity, relation) of a relational view."""
    out: list[_Owner] = []
    for e in model["entities"]:
        out.append(_Owner(e))
        out += [_Owner(e, field=f) for f in e["fields"]]
        for kind in ("many_to_one", "many_to_many", "one_to_many"):
            out += [_Owner(e, relation={**r, "kind": kind.replace("_", "-")}) for r in e[kind]]
    return out


def _pattern(text: str, owners: list[_Owner]) -> tuple[str, _Owner] | None:
    """The pattern of a marked name and the neutral objects it derives from (None: not derived)."""
    if not MARKER.search(text):
        return None
    for owner in owners:
        candidate = text
        for token, form in sorted(owner.forms().items(), key=lambda item: -len(item[1])):
            candidate = candidate.replace(form, token)
        if not MARKER.search(candidate):
            return candidate, owner
    raise ValueError(f"the generated name {text!r} mixes several entities: expert.generators.names cannot check it")


# ----------------------------------------------------------------------------------- Python code


class _Scope:
    def __init__(self, kind: str, name: str, parent: _Scope | None, bases: Iterable[str] = ()) -> None:
        self.kind, self.name, self.parent, self.bases = kind, name, parent, list(bases)
        self.bound: list[str] = []
        self.used: set[str] = set()


class _PythonReader(ast.NodeVisitor):
    """Scopes of one module: the names each binds, and every name read or bound within it."""

    def __init__(self) -> None:
        self.module = _Scope("module", "", None)
        self.scopes = [self.module]
        self.current = self.module

    def _bind(self, name: str) -> None:
        self.current.bound.append(name)
        self.current.used.add(name)

    def _enter(self, scope: _Scope, body: Iterable[ast.AST]) -> None:
        self.scopes.append(scope)
        outer, self.current = self.current, scope
        for node in body:
            self.visit(node)
        self.current = outer

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for item in [*node.bases, *node.keywords, *node.decorator_list]:
            self.visit(item)
        self._bind(node.name)
        self._enter(_Scope("class", node.name, self.current, [ast.unparse(b) for b in node.bases]), node.body)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        """Defaults and decorators belong to the enclosing scope; parameters, annotations and the body
        to the function's own."""
        args = node.args
        for item in [*args.defaults, *(d for d in args.kw_defaults if d is not None)]:
            self.visit(item)
        inside: list[ast.AST] = []
        if not isinstance(node, ast.Lambda):
            for item in node.decorator_list:
                self.visit(item)
            self._bind(node.name)
            inside += [node.returns] if node.returns is not None else []
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs, *(a for a in (args.vararg, args.kwarg) if a)]
        inside += [a.annotation for a in every if a.annotation is not None]
        inside += node.body if isinstance(node.body, list) else [node.body]
        scope = _Scope("function", getattr(node, "name", "<lambda>"), self.current)
        scope.bound += [a.arg for a in every]
        scope.used |= {a.arg for a in every}
        self._enter(scope, inside)

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function  # type: ignore[assignment]

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Store):
            self._bind(node.id)
        else:
            self.current.used.add(node.id)

    def visit_alias(self, node: ast.alias) -> None:
        self._bind((node.asname or node.name).split(".")[0])


def _within(scope: _Scope, scopes: list[_Scope]) -> set[str]:
    """Every name bound or read in a scope and the scopes nested in it."""
    names = set(scope.used)
    for other in scopes:
        parent = other.parent
        while parent is not None:
            if parent is scope:
                names |= other.used
                break
            parent = parent.parent
    return names


def _inherited(scope: _Scope, classes: dict[str, _Scope], library: Mapping[str, list[str]]) -> set[str]:
    """The attributes a class gets from its bases: those bound in a base defined in the module, and
    those a library base class defines (the stack's ``names.yml``)."""
    names: set[str] = set()
    for base in scope.bases:
        names |= set(library.get(base, []))
        if base in classes and classes[base] is not scope:
            names |= set(classes[base].bound) | _inherited(classes[base], classes, library)
    return names


def python_landings(sources: Mapping[str, str], owners: list[_Owner], library: Mapping[str, list[str]]) -> list[Landing]:
    """The landings of marked names in rendered Python modules (path -> source)."""
    landings: list[Landing] = []
    for path, source in sorted(sources.items()):
        reader = _PythonReader()
        reader.visit(ast.parse(source, filename=path))
        classes = {s.name: s for s in reader.scopes if s.kind == "class" and s.parent is reader.module}
        for scope in reader.scopes:
            if scope.kind == "module":
                taken = _within(scope, reader.scopes) | PYTHON_BUILTINS
            elif scope.kind == "class":
                taken = scope.used | _inherited(scope, classes, library)
            else:
                taken = _within(scope, reader.scopes)
            label = _scope_label(scope, owners)
            unmarked = frozenset(n for n in taken | set(keyword.kwlist) if not MARKER.search(n))
            for name in dict.fromkeys(scope.bound):
                found = _pattern(name, owners)
                if found is not None:
                    landings.append(Landing(path, label, found[0], found[1].kind(), unmarked))
    return landings


def _scope_label(scope: _Scope, owners: list[_Owner]) -> str:
    if scope.kind == "module":
        return ""
    found = _pattern(scope.name, owners)
    name = found[0] if found else scope.name
    return f"{'class' if scope.kind == 'class' else 'def'} {name}"


READERS: dict[str, Callable[[Mapping[str, str], list[_Owner], Mapping[str, list[str]]], list[Landing]]] = {
    "python": python_landings,
}
SOURCE_SUFFIXES = {"python": (".py",)}


# ----------------------------------------------------------------------------- contract, schema


def contract_landings(document: Mapping[str, Any], owners: list[_Owner]) -> list[Landing]:
    """Landings in the OpenAPI document, the same for every stack: URL segments, query parameters of
    the list operations, operation ids, component schema names."""
    landings: list[Landing] = []

    def add(scope: str, names: list[str]) -> None:
        taken = frozenset(n for n in names if not MARKER.search(n))
        for name in dict.fromkeys(names):
            found = _pattern(name, owners)
            if found is not None:
                landings.append(Landing("openapi.yaml", scope, found[0], found[1].kind(), taken))

    segments = [path.removeprefix("/api/v1/").split("/")[0] for path in document["paths"] if path.startswith("/api/v1/")]
    add("paths /api/v1/", segments)
    operations = [op for item in document["paths"].values() for op in item.values()]
    add("operationId", [op["operationId"] for op in operations])
    for op in operations:
        if op["operationId"].startswith("list_") and MARKER.search(op["operationId"]):
            add(f"parameters of {_pattern(op['operationId'], owners)[0]}", [p["name"] for p in op.get("parameters", [])])  # type: ignore[index]
    add("components.schemas", list(document["components"]["schemas"]))
    return landings


def go_landings(document: Mapping[str, Any], owners: list[_Owner]) -> list[Landing]:
    """Landings in the Go stacks' internal/api/api.gen.go, which oapi-codegen writes from the document: each
    component schema's properties and each operation's query parameters become the fields of one Go struct,
    named by its ToCamelCase, so two names equal after it (``a_b`` and ``a__b``, ``x1`` and ``x_1``, a field
    ``id_`` beside ``id``) cannot both be kept."""
    landings: list[Landing] = []

    def add(scope: str, names: list[str]) -> None:
        taken = frozenset(go_camel(n) for n in names if not MARKER.search(n))
        for name in dict.fromkeys(names):
            found = _pattern(name, owners)
            if found is not None:
                landings.append(Landing("internal/api/api.gen.go", scope, found[0], found[1].kind(), taken, go=True))

    for schema_name, schema in document["components"]["schemas"].items():
        found_schema = _pattern(schema_name, owners)
        if schema.get("properties") and found_schema is not None:
            add(f"type {found_schema[0]}", list(schema["properties"]))
    for item in document["paths"].values():
        for op in item.values():
            query = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
            found_op = _pattern(op["operationId"], owners)
            if query and found_op is not None:
                add(f"the parameters of {found_op[0]}", query)
    return landings


def schema_landings(metadata: Any, owners: list[_Owner], tool_tables: list[str]) -> list[Landing]:
    """Landings in the database: table names, and column names within an entity's table."""
    tables = list(metadata.tables)
    landings = []
    taken = frozenset([*tool_tables, *(t for t in tables if not MARKER.search(t))])
    for table in tables:
        found = _pattern(table, owners)
        if found is None:
            continue
        landings.append(Landing("db/schema.sql", "", found[0], found[1].kind(), taken))
        columns = [c.name for c in metadata.tables[table].columns]
        in_table = frozenset(c for c in columns if not MARKER.search(c))
        for column in columns:
            found_column = _pattern(column, owners)
            if found_column is not None:
                landings.append(Landing("db/schema.sql", f"table {found[0]}", found_column[0], found_column[1].kind(), in_table))
    return landings


# ---------------------------------------------------------------------------------- namespaces


@dataclass(frozen=True)
class Namespace:
    stack: str
    landings: tuple[Landing, ...]


def stack_names(stack_name: str | None) -> list[str]:
    """The stack layers (``stack/<id>``) to check against: one, or all of them (None)."""
    from expert.generators.stack import layers_of

    return [layer.name for layer in layers_of("stack")] if stack_name is None else [stack_name]


@functools.cache
def namespace(stack_name: str) -> Namespace:
    """The landings of a stack layer (e.g. ``stack/python-fastapi``), computed once per process. Tables
    the stack's tools create (a migration tool's revision table) come from its ``names.yml`` or the
    ``tables`` of its layer.yml and of its data layers."""
    from expert.generators import openapi, schema
    from expert.generators.blueprint import companion_layers
    from expert.generators.stack import layer_spec
    from expert.render import TEMPLATES_DIR, render_layer

    spec = layer_spec(stack_name)
    data_path = TEMPLATES_DIR / stack_name / "names.yml"
    data = (plain(load_yaml(data_path)) or {}) if data_path.is_file() else {}
    language = str(spec.get("language"))
    reader = READERS.get(language)
    tool_tables = [*(data.get("tables") or []), *(spec.get("tables") or [])]
    landings: list[Landing] = []
    for context in _variants(spec):
        tables = tool_tables + [t for name in companion_layers(spec, context["decisions"]) for t in layer_spec(name).get("tables") or []]
        owners = _owners(relational(context))
        if reader is not None:
            sources: dict[str, str] = {}
            # the stack's own files and those of the layers rendered with it (its common and data layers)
            layers = [stack_name, *companion_layers(spec, context["decisions"])]
            with tempfile.TemporaryDirectory(prefix="backend-expert-names-") as tmp:
                for n, layer in enumerate(layers):
                    root = render_layer(layer, context, Path(tmp) / str(n))
                    sources |= {
                        str(p.relative_to(root)): p.read_text(encoding="utf-8")
                        for p in sorted(root.rglob("*"))
                        if p.is_file() and p.suffix in SOURCE_SUFFIXES[language]
                    }
            landings += reader(sources, owners, data.get("inherited") or {})
        document = openapi.build_openapi(context)
        landings += contract_landings(document, owners)
        if spec.get("codegen"):  # oapi-codegen writes Go from the document (common/go layer.yml)
            landings += go_landings(document, owners)
        landings += schema_landings(schema.schema_metadata(context), owners, tables)
    return Namespace(stack_name, _merged(landings))


def _merged(landings: list[Landing]) -> tuple[Landing, ...]:
    """One landing per (file, scope, pattern, owner), with the names taken in any variant."""
    merged: dict[tuple[str, str, str, tuple[str, str], bool], set[str]] = {}
    for landing in landings:
        key = (landing.where, landing.scope, landing.pattern, landing.owner, landing.go)
        merged.setdefault(key, set()).update(landing.taken)
    return tuple(Landing(*key[:4], frozenset(taken), go=key[4]) for key, taken in merged.items())


def _variants(spec: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Contexts that together take every branch of the templates that a decision value selects: the
    first, then the last value of each decision the layer implements."""
    from expert.generators.blueprint import stack_context

    implements: Mapping[str, Mapping[str, Any]] = spec.get("implements") or {}
    entities = parse_entities(NEUTRAL_MODEL, "<neutral model>")
    project = {"name": "Neutral", "slug": "neutral", "description": ""}
    contexts = []
    for pick in (0, -1):
        decisions = {key: list(values)[pick] for key, values in implements.items() if values}
        contexts.append(stack_context(project, decisions, spec, entities))
    return contexts


# --------------------------------------------------------------------------------------- check


def check_model(entities: list[Any], stack_name: str | None = None) -> None:
    """Raise AnswersError (``file:line: ...``) when a name the model derives is already used where it
    lands in a stack's generated project (``None``: in any stack's), or when the model derives the same
    name twice in one scope."""
    model = relational({"entities": entities})
    originals = {e["name"]: e for e in entities}
    for name in stack_names(stack_name):
        _check(namespace(name), model, originals)


def _check(ns: Namespace, model: Mapping[str, Any], originals: Mapping[str, Any]) -> None:
    by_owner: dict[tuple[str, str], list[Landing]] = {}
    for landing in ns.landings:
        by_owner.setdefault(landing.owner, []).append(landing)
    seen: dict[tuple[str, str, str], _Owner] = {}
    for owner in _owners(model):
        forms = owner.forms()
        for landing in by_owner.get(owner.kind(), []):
            name = _fill(landing.pattern, forms)
            name = go_camel(name) if landing.go else name
            scope = _fill(landing.scope, forms)
            if name in landing.taken:
                raise _error(owner, originals, name, landing, scope)
            first = seen.setdefault((landing.where, scope, name), owner)
            if first is not owner and not _same_object(first, owner):
                raise _clash(owner, originals, name, landing.where, first)


def _fill(pattern: str, forms: Mapping[str, str]) -> str:
    for token, text in forms.items():
        pattern = pattern.replace(token, text)
    return pattern


def _same_object(a: _Owner, b: _Owner) -> bool:
    """Two owners derive their names from the same thing (an entity and itself, a field and itself)."""
    return a.entity["name"] == b.entity["name"] and a.field == b.field and a.relation == b.relation


def _where(owner: _Owner, originals: Mapping[str, Any]) -> str:
    entity = originals.get(owner.entity["name"])
    if entity is None:
        return owner.label()
    target: Any = entity
    if owner.field is not None:
        target = next((f for f in entity["fields"] if f["name"] == owner.field["name"]), entity)
    elif owner.relation is not None:
        target = next((r for r in entity.get("relations") or [] if r["name"] == owner.relation["name"]), entity)
    return getattr(target, "where", None) or getattr(entity, "where", None) or "<model>:1"


def _error(owner: _Owner, originals: Mapping[str, Any], name: str, landing: Landing, scope: str) -> AnswersError:
    own = _own_name(owner)
    place = landing.where + (f", {scope}" if scope else "")
    if name == own:
        what = f"{owner.label()}: {name!r} is a name the generated code already uses ({place})"
    else:
        what = f"{owner.label()} needs the name {name!r} in the generated code ({place}), where it is already used"
    return AnswersError(f"{_where(owner, originals)}: {what}; choose another name")


def _clash(owner: _Owner, originals: Mapping[str, Any], name: str, where: str, first: _Owner) -> AnswersError:
    return AnswersError(f"{_where(owner, originals)}: {owner.label()} and {first.label()} both need the name {name!r} "
                        f"in the generated code ({where}); rename one of them")


def _own_name(owner: _Owner) -> str:
    if owner.field is not None:
        return str(owner.field["name"])
    if owner.relation is not None:
        return str(owner.relation["name"])
    return str(owner.entity["name"])
