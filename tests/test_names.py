"""Names a model may not use are computed from what the stack generates (generators/names.py).

The oracle here is independent of the module's scope analysis: a sample project is rendered, and the
names its modules import or define (read with a plain ``ast`` walk) must each be refused where a
model name would land on them, with the file:line of the entity or field.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from expert.answers import AnswersError
from expert.cli import cli
from expert.generators.names import NEUTRAL_MODEL, check_model, namespace
from expert.model import FIELD_RE, IMPLICIT_COLUMNS, SQL_RESERVED, parse_entities, pluralise, snake
from expert.yamlio import loads_yaml
from tests.conftest import SAMPLES
from tests.test_schema import stack_context

STACK = "stack/python-fastapi"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The stack's files and those of the layers rendered with it (its common and data layers)."""
    from expert.generators.blueprint import companion_layers
    from expert.generators.stack import layer_spec
    from expert.render import render_layers

    context = stack_context(SAMPLES / "shop-k8s.yml")
    layers = [STACK, *companion_layers(layer_spec(STACK), context["decisions"])]
    root = tmp_path_factory.mktemp("render") / "project"
    render_layers([(layer, context) for layer in layers], root)
    return root


def module_names(path: Path) -> set[str]:
    """Every name a module imports, defines or assigns at its top level."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def class_body_names(path: Path, class_name: str) -> set[str]:
    """Every name a class body reads or binds (its annotations included), outside its methods."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    node = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name)
    names: set[str] = set()
    for statement in node.body:
        if isinstance(statement, ast.FunctionDef):
            names.add(statement.name)
            continue
        names |= {n.id for n in ast.walk(statement) if isinstance(n, ast.Name)}
    return names


def refusal(model: dict[str, Any], stack: str = STACK) -> str | None:
    try:
        check_model(parse_entities(model, "model.yml"), stack)
    except AnswersError as exc:
        return str(exc)
    return None


def usable_table(name: str) -> bool:
    table = pluralise(snake(name))
    return table not in SQL_RESERVED and len(name) <= 40


def test_every_class_or_import_of_the_modules_an_entity_lands_in_is_refused_as_an_entity_name(rendered: Path):
    """Entity names are classes in app/models.py and imports of app/api/resources.py."""
    taken = module_names(rendered / "app" / "models.py") | module_names(rendered / "app" / "api" / "resources.py")
    pascal = sorted(n for n in taken if re.fullmatch(r"[A-Z][A-Za-z0-9]*", n) and usable_table(n) and n not in ("User", "Users"))
    assert {"Decimal", "Session", "Sequence", "Literal", "TypeVar", "Mapped", "Base", "Query", "Response"} <= set(pascal)
    for name in pascal:
        if name.startswith(("Customer", "Order", "Product", "Tag")):
            continue  # the sample's own entities and the names derived from them
        message = refusal({name: {"fields": {"label": "string"}}})
        assert message is not None, name
        assert message.startswith("model.yml:1: entity ") and "already uses" in message, message


def test_every_name_a_class_body_reads_is_refused_as_a_field_name(rendered: Path):
    """A field becomes a class attribute: it may not shadow a name the class body reads (``date`` in
    an annotation) or an attribute it defines or inherits (``owner_id``, ``metadata``, ``model_config``)."""
    taken = class_body_names(rendered / "app" / "models.py", "Customer") | class_body_names(rendered / "app" / "schemas.py", "CustomerRead")
    taken |= {"metadata", "registry", "model_config", "model_dump", "json", "schema_json"}
    sample_fields = {"email", "name", "notes", "birthday", "vip", "external_ref"}
    candidates = sorted(n for n in taken if FIELD_RE.fullmatch(n) and n not in SQL_RESERVED and n not in IMPLICIT_COLUMNS)
    assert {"date", "datetime", "func", "uuid", "owner_id", "metadata", "str", "int"} <= set(candidates)
    for name in candidates:
        if name in sample_fields or name.endswith("_id") and name != "owner_id":
            continue  # the sample's own fields and relation columns
        message = refusal({"Thing": {"fields": {name: "string"}}})
        assert message is not None, name
        assert message.startswith(f"model.yml:1: field Thing.{name}: "), message


def test_a_list_filter_may_not_take_a_parameter_or_a_local_of_the_list_endpoint():
    for name in ("db", "items", "filters", "total"):
        message = refusal({"Thing": {"fields": {name: {"type": "string", "index": True}}}})
        assert message == (f"model.yml:1: field Thing.{name}: {name!r} is a name the generated code already uses "
                           "(app/api/resources.py, def list_things); choose another name"), message
    assert refusal({"Thing": {"fields": {"items": "string", "total": "integer"}}}) is None  # not filters: no clash
    assert "'ThingSort'" in (refusal({"Thing": {"fields": {"sort": {"type": "string", "index": True}}}}) or "")


def test_two_names_the_model_derives_in_one_scope_must_differ():
    message = refusal({"Order": {"fields": {"page": "string"}}})
    assert message == ("model.yml:1: field Order.page and entity Order both need the name 'OrderPage' in the generated code "
                       "(app/schemas.py); rename one of them")
    indexed = {"Order": {"fields": {"item": {"type": "string", "index": True}}}, "OrderItem": {"fields": {"x": "string"}}}
    assert "'OrderItem'" in (refusal(indexed) or "")
    plain = {"Order": {"fields": {"item": "string"}}, "OrderItem": {"fields": {"x": "string"}}}
    assert refusal(plain) is None  # the type alias OrderItem stays in app/schemas.py, where no class OrderItem is


@pytest.mark.parametrize("stack", ["stack/go-gin", "stack/go-echo"])
def test_names_equal_in_the_go_code_oapi_codegen_writes_are_refused_there_only(stack: str):
    """oapi-codegen turns properties and query parameters into Go struct fields (ToCamelCase): two that meet
    there, or one that meets a fixed member, would not build."""
    pair = {"Thing": {"fields": {"a_b": "string", "a__b": "string"}}}
    assert refusal(pair, stack) == ("model.yml:1: field Thing.a__b and field Thing.a_b both need the name 'AB' in the "
                                    "generated code (internal/api/api.gen.go); rename one of them")
    assert refusal({"Thing": {"fields": {"id_": "string"}}}) is None  # FastAPI keeps it beside id
    assert refusal({"Thing": {"fields": {"id_": "string"}}}, stack) == (
        "model.yml:1: field Thing.id_ needs the name 'Id' in the generated code (internal/api/api.gen.go, type "
        "ThingRead), where it is already used; choose another name")
    sort = {"Thing": {"fields": {"sort_": {"type": "string", "index": True}}}}
    assert "(internal/api/api.gen.go, the parameters of list_things)" in (refusal(sort, stack) or "")
    assert refusal({"Thing": {"fields": {"sort_": "string"}}}, stack) is None  # not a filter: no parameter


def test_the_tables_of_the_starter_are_taken():
    join = {"Auth": {"fields": {"x": "string"}, "relations": {"sessions": {"kind": "many-to-many", "target": "Auth"}}}}
    assert refusal(join) == ("model.yml:1: relation Auth.sessions needs the name 'auth_sessions' in the generated code "
                             "(db/schema.sql), where it is already used; choose another name")


def test_the_neutral_model_is_a_valid_model_whose_names_are_free():
    entities = parse_entities(NEUTRAL_MODEL, "<neutral>")
    check_model(entities, STACK)
    ns = namespace(STACK)
    assert ns is namespace(STACK)  # computed once per stack
    places = {(landing.where, landing.pattern) for landing in ns.landings}
    for expected in [("app/models.py", "{entity.name}"), ("app/schemas.py", "{entity.name}Create"),
                     ("app/schemas.py", "{field.alias}"), ("app/api/resources.py", "list_{entity.table}"),
                     ("openapi.yaml", "{entity.plural}"), ("db/schema.sql", "{entity.table}")]:
        assert expected in places, expected


def test_the_inherited_attributes_match_the_libraries():
    """names.yml lists what pydantic's BaseModel and SQLAlchemy's declarative classes reserve."""
    pydantic = pytest.importorskip("pydantic")
    import sqlalchemy as sa
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

    from expert.render import TEMPLATES_DIR
    from expert.yamlio import load_yaml, plain

    data = plain(load_yaml(TEMPLATES_DIR / STACK / "names.yml"))
    assert set(data["inherited"]["BaseModel"]) == {n for n in dir(pydantic.BaseModel) if not n.startswith("_")}

    class Base(DeclarativeBase):
        pass

    for name in data["inherited"]["DeclarativeBase"]:
        with pytest.warns(sa.exc.SAWarning, match="reserved"):
            type(f"Thing_{name}", (Base,), {"__tablename__": f"t_{name}", "__annotations__": {"id": Mapped[int], name: Mapped[int]},
                                    "id": mapped_column(primary_key=True), name: mapped_column()})


def test_a_taken_name_in_an_answers_file_is_one_line_with_its_line_and_nothing_is_written(tmp_path: Path):
    answers = tmp_path / "answers.yml"
    answers.write_text((SAMPLES / "orders-api.yml").read_text() + (
        "entities:\n"
        "  Invoice:\n"
        "    fields:\n"
        "      number: {type: string, required: true}\n"
        "      date: date\n"))
    line = next(i for i, text in enumerate(answers.read_text().splitlines(), 1) if "date: date" in text)
    result = CliRunner().invoke(cli, ["new", str(tmp_path / "out"), "--answers", str(answers), "--no-input"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {answers}:{line}: field Invoice.date: 'date' is a name the generated code already uses "
        "(app/models.py, class Invoice); choose another name"]
    assert not (tmp_path / "out").exists()


def test_the_questionnaire_asks_again_for_a_taken_name(tmp_path: Path):
    from expert.model_prompt import ask_model

    answers = iter(["decimals, orders", "orders", "total:decimal, date:date", "total:decimal, day:date", ""])  # no relations
    said: list[str] = []
    entities = ask_model(lambda _prompt: next(answers), said.append, "en")
    assert entities is not None and [e["name"] for e in entities] == ["Order"]
    assert [f["name"] for f in entities[0]["fields"]] == ["total", "day"]
    assert said[0] == "  entity Decimal: 'Decimal' is a name the generated code already uses (app/models.py); choose another name"
    assert said[1].startswith("  field Order.date: 'date' is a name the generated code already uses")


@pytest.mark.parametrize(
    "answers,first_error",
    [
        (["123 items", "items"], "entity name '123Item' must be PascalCase"),
        (["a" * 50, "items"], "is 50 characters long; the limit is 40"),
        (["tables", "items"], "entity Table: 'Table' is a name the generated code already uses (app/models.py)"),
        (["rows", "items"], "gives table 'rows', a reserved word in SQL"),
        (["items", ":string"], "names are snake_case"),
        (["items", "price:money"], "unknown type 'money'"),
        (["items", "sku:string:uniq"], "unknown modifier 'uniq'"),
        (["items", "notes:text:unique"], "a text field cannot be unique"),
        (["items", "sku:string, sku:text"], "'sku' is given twice"),
        (["items", "type:json:index"], "a json field cannot be indexed"),
        (["items", "owner_id:integer"], "'owner_id' is a name the generated code already uses"),
    ],
)
def test_every_error_of_the_questionnaire_asks_again(answers: list[str], first_error: str):
    from expert.model_prompt import ask_model

    replies = iter([*answers, "name:string:required", ""])  # then valid fields, and no relations
    said: list[str] = []
    entities = ask_model(lambda _prompt: next(replies), said.append, "en")
    assert entities is not None and [e["name"] for e in entities] == ["Item"]
    assert len(said) == 1 and first_error in said[0], said


def test_saved_samples_pass_the_check():
    for sample in sorted([*SAMPLES.glob("*.yml"), *SAMPLES.glob("more/*.yml")]):
        doc = loads_yaml(sample.read_text(encoding="utf-8"), str(sample))
        if doc.get("entities"):
            check_model(parse_entities(doc["entities"], str(sample)), STACK)
