"""The domain model: normalised for templates; a bad model gets one error with file:line."""

from __future__ import annotations

import pytest

from expert.answers import AnswersError
from expert.model import parse_entities, pluralise, snake
from expert.yamlio import loads_yaml

GOOD = """\
entities:
  Customer:
    fields:
      email: {type: string, max_length: 255, required: true, unique: true}
      name: {type: string, max_length: 100, required: true}
  Order:
    fields:
      status: {type: enum, values: [pending, paid, shipped], default: pending}
      total: {type: decimal, precision: 10, scale: 2, min: 0}
      placed_at: {type: datetime, index: true}
    relations:
      customer: {kind: many-to-one, target: Customer, required: true, on_delete: cascade}
      products: {kind: many-to-many, target: Product}
  Product:
    fields:
      title: string
      category: {type: string, max_length: 40}
"""


def parse(text: str):
    doc = loads_yaml(text, "model.yml")
    return parse_entities(doc["entities"], "model.yml")


def test_a_good_model_is_normalised():
    entities = parse(GOOD)
    assert [e["table"] for e in entities] == ["customers", "orders", "products"]
    order = entities[1]
    assert order["fields"][0] == {"name": "status", "type": "enum", "required": False, "unique": False, "index": False,
                                  "description": "", "values": ["pending", "paid", "shipped"], "default": "pending"}
    assert order.where == "model.yml:6" and order["fields"][0].where == "model.yml:8"
    assert order["relations"][0].where == "model.yml:12"
    assert order["fields"][1]["precision"] == 10 and order["fields"][1]["min"] == 0
    assert order["relations"][0] == {"name": "customer", "kind": "many-to-one", "target": "Customer", "required": True,
                                     "on_delete": "cascade"}
    assert entities[2]["fields"][0]["max_length"] == 255
    assert entities[0]["fields"][1]["max_length"] == 100


@pytest.mark.parametrize(
    "old,new,line,fragment",
    [
        ("title: string", "title: strng", 16, "did you mean 'string'"),
        ("target: Customer", "target: Custmer", 12, "did you mean 'Customer'"),
        ("      name: {type: string, max_length: 100, required: true}",
         "      name: {type: string, max_length: 100, required: true}\n      Name: text", 6, "names are snake_case"),
        ("      title: string", "      order: string", 16, "reserved word in SQL"),
        ("      title: string", "      id: uuid", 16, "created for every entity"),
        ("  Product:\n", "  Category:\n    fields: {a: text}\n  Categorie:\n", 16, "after case conversion"),
        ("  Product:\n", "  Abc:\n    fields: {a: text}\n  ABC:\n", 16, "after case conversion"),
        ("status: {type: enum, values: [pending, paid, shipped], default: pending}",
         "status: {type: enum, values: [pending, paid, shipped], default: lost}", 8, "not one of the values pending, paid"),
        ("kind: many-to-many", "kind: many-to-few", 13, "kind must be one of"),
        ("  Order:\n", "  User:\n", 6, "reserved"),
        ("total: {type: decimal, precision: 10, scale: 2, min: 0}", "total: {type: decimal, precison: 10}", 9, "did you mean 'precision'"),
    ],
)
def test_bad_models(old, new, line, fragment):
    assert old in GOOD
    with pytest.raises(AnswersError) as info:
        parse(GOOD.replace(old, new, 1))
    message = str(info.value)
    assert message.startswith(f"model.yml:{line}:"), message
    assert fragment in message


def test_names():
    assert snake("OrderItem") == "order_item"
    assert [pluralise(w) for w in ("category", "box", "day", "order_item", "status")] == [
        "categories", "boxes", "days", "order_items", "statuses"]


def test_a_duplicate_field_in_an_answers_file_names_its_line(tmp_path, small_kb):
    from expert.answers import load_answers

    path = tmp_path / "answers.yml"
    path.write_text("version: 1\nentities:\n  Note:\n    fields:\n      body: text\n      body: string\n")
    with pytest.raises(AnswersError, match=r"answers.yml:6: .*duplicate key"):
        load_answers(path, small_kb)


def test_the_saved_form_reads_back_as_the_same_model():
    from expert.model import to_answers_form

    entities = parse(GOOD)
    again = parse_entities(to_answers_form(entities), "saved.yml")
    assert again == entities
    text = parse_entities({"Note": {"fields": {"body": "text"}}}, "m.yml")[0]["fields"][0]
    assert text["max_length"] == 65_535  # the default cap of a text field


def field_error(spec: str) -> str:
    """The error of a model whose one field is ``spec`` (YAML flow mapping), on line 4."""
    with pytest.raises(AnswersError) as info:
        parse(f"entities:\n  Thing:\n    fields:\n      value: {spec}\n")
    message = str(info.value)
    assert message.startswith("model.yml:4: field Thing.value: "), message
    assert "\n" not in message and len(message) < 300, message
    return message


@pytest.mark.parametrize(
    "spec,fragment",
    [
        # numbers YAML reads as inf, nan or huge ints: refused, never an OverflowError or InvalidOperation
        ("{type: integer, min: .inf}", "whole number from -2,147,483,648 to 2,147,483,647"),
        ("{type: integer, max: -.inf}", "whole number"),
        ("{type: integer, min: .nan}", "whole number"),
        ("{type: integer, min: 1e400}", "whole number"),
        ("{type: integer, max: 10000000000000000000000000000000000000000000000000}", "to 2,147,483,647"),
        ("{type: integer, min: 1.5}", "whole number"),
        ("{type: integer, default: .nan}", "not a whole number"),
        ("{type: integer, min: 5, default: 4}", "not a whole number from 5 to 2,147,483,647"),
        ("{type: decimal, min: .nan}", "finite number"),
        ("{type: decimal, max: .inf}", "finite number"),
        ("{type: decimal, default: -.inf}", "finite number"),
        ("{type: decimal, precision: 5, scale: 2, max: 1e400}", "finite number"),
        ("{type: decimal, precision: 5, scale: 2, max: 1000}", "does not fit decimal(5, 2) (largest magnitude 999.99)"),
        ("{type: decimal, precision: 5, scale: 2, min: 0.001}", "more than the 2 decimals"),
        ("{type: decimal, precision: 5, scale: 2, min: '1e3'}", "decimal text"),
        ("{type: decimal, precision: 5, scale: 2, min: 1, default: 0.5}", "outside min 1"),
        ("{type: decimal, precision: .inf}", "'precision' must be a whole number from 1 to 38"),
        ("{type: decimal, precision: 10000000000000000000000}", "from 1 to 38"),
        ("{type: decimal, precision: 0, scale: 0}", "from 1 to 38"),
        ("{type: decimal, precision: 39}", "from 1 to 38"),
        ("{type: decimal, precision: 10, scale: .nan}", "'scale' must be a whole number from 0 to the precision 10"),
        ("{type: decimal, precision: 10, scale: 11}", "from 0 to the precision 10"),
        ("{type: string, max_length: .inf}", "'max_length' must be a whole number from 1 to 10,000"),
        ("{type: string, max_length: 1e400}", "from 1 to 10,000"),
        ("{type: string, max_length: 0}", "from 1 to 10,000"),
        ("{type: text, max_length: 1000001}", "from 1 to 1,000,000"),
        ("{type: string, min: .nan}", "whole number of characters"),
        ("{type: string, max_length: 10, max: 11}", "to max_length 10"),
        ("{type: string, min: 3, max: 2}", "'min' (3) is greater than 'max' (2)"),
        ("{type: boolean, max_length: 3}", "applies to string and text fields only"),
        ("{type: date, min: 1}", "applies to integer, decimal"),
        # defaults: of the field's type and within its own rules
        ("{type: string, max_length: 3, default: abcd}", "default is 4 characters long; the field takes 0 to 3"),
        ("{type: string, required: true, default: ''}", "the field takes 1 to 255"),
        ("{type: string, default: 12}", "is not a text"),
        ("{type: text, default: \"nul\\0byte\"}", "control character U+0000"),
        ("{type: boolean, default: 1}", "not true or false"),
        ("{type: enum, values: [a, b], default: c}", "not one of the values a, b"),
        ("{type: date, default: 2024-01-01}", "a date field cannot have a default"),
        # what the databases' indexes and the generated code cannot hold
        ("{type: text, unique: true}", "a text field cannot be unique"),
        ("{type: json, index: true}", "a json field cannot be indexed"),
        ("{type: string, max_length: 513, index: true}", "at most 512 characters"),
        ("{type: boolean, unique: true}", "a boolean field cannot be unique"),
        ("{type: enum, values: [a, b, a]}", "distinct"),
        ("{type: enum, values: ['" + "v" * 65 + "']}", "at most 64 characters"),
        ("{type: string, description: [a, b]}", "'description' must be a text"),
    ],
)
def test_numbers_defaults_and_limits_are_checked(spec, fragment):
    assert fragment in field_error(spec)


@pytest.mark.parametrize(
    "spec,expected",
    [
        ("{type: integer, min: -2147483648, max: 2147483647, default: 3.0}", {"min": -2147483648, "max": 2147483647, "default": 3}),
        ("{type: decimal, precision: 38, scale: 10, min: '-0.0000000001', max: 12.5, default: '1.50'}",
         {"precision": 38, "scale": 10, "min": "-0.0000000001", "max": 12.5, "default": "1.50"}),
        ("{type: decimal, precision: 3, scale: 3, max: 0.999}", {"max": 0.999}),
        ("{type: text, max_length: 1000000, min: 10}", {"max_length": 1000000, "min": 10}),
        ("{type: string, max_length: 512, unique: true, default: \"it's \\\"q\\\" {{ x }} é\"}",
         {"max_length": 512, "default": "it's \"q\" {{ x }} é"}),
    ],
)
def test_values_at_the_bounds_are_accepted(spec, expected):
    field = parse(f"entities:\n  Thing:\n    fields:\n      value: {spec}\n")[0]["fields"][0]
    assert {key: field[key] for key in expected} == expected


def test_names_longer_than_the_limit_are_refused():
    from expert.model import MAX_NAME_LENGTH

    longest = "A" + "b" * (MAX_NAME_LENGTH - 1)
    assert parse_entities({longest: {"fields": {"f" * MAX_NAME_LENGTH: "string"}}}, "m.yml")
    with pytest.raises(AnswersError, match=r"^m.yml:1: entity name 'Ab+c' is 41 characters long; the limit is 40$"):
        parse_entities({longest + "c": {"fields": {"a": "string"}}}, "m.yml")
    with pytest.raises(AnswersError, match=r"is 41 characters long; the limit is 40"):
        parse_entities({"Thing": {"fields": {"f" * (MAX_NAME_LENGTH + 1): "string"}}}, "m.yml")
    with pytest.raises(AnswersError, match=r"join table 'ab+_r+'.*longer than 63 characters"):
        parse_entities({longest: {"fields": {"a": "string"}, "relations": {"r" * 30: {"kind": "many-to-many", "target": longest}}}},
                       "m.yml")


CYCLE = """\
entities:
  Department:
    fields: {name: string}
    relations:
      head: {kind: many-to-one, target: Employee, required: HEAD}
  Employee:
    fields: {name: string}
    relations:
      department: {kind: many-to-one, target: Department, required: true}
      manager: {kind: many-to-one, target: Employee, required: MANAGER}
"""


def test_a_cycle_of_required_relations_is_refused_with_the_side_to_relax():
    with pytest.raises(AnswersError) as info:
        parse(CYCLE.replace("HEAD", "true").replace("MANAGER", "false"))
    assert str(info.value) == (
        "model.yml:5: the required relations Department.head -> Employee, Employee.department -> Department form a cycle: "
        "no first row could ever be inserted; make one of them optional (e.g. Department.head: required: false)")
    with pytest.raises(AnswersError, match=r"^model.yml:10: the required relations Employee.manager -> Employee form a cycle"):
        parse(CYCLE.replace("HEAD", "false").replace("MANAGER", "true"))
    three = {"A1": {"fields": {"x": "string"}, "relations": {"b": {"kind": "many-to-one", "target": "B1", "required": True}}},
             "B1": {"fields": {"x": "string"}, "relations": {"c": {"kind": "many-to-one", "target": "C1", "required": True}}},
             "C1": {"fields": {"x": "string"}, "relations": {"a": {"kind": "many-to-one", "target": "A1", "required": True}}}}
    with pytest.raises(AnswersError, match=r"A1.b -> B1, B1.c -> C1, C1.a -> A1 form a cycle"):
        parse_entities(three, "m.yml")


def test_a_cycle_with_an_optional_relation_is_accepted():
    entities = parse(CYCLE.replace("HEAD", "false").replace("MANAGER", "false"))
    assert [r["name"] for r in entities[1]["relations"]] == ["department", "manager"]
