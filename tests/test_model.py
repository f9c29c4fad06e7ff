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
    assert order["fields"][1]["precision"] == 10 and order["fields"][1]["min"] == 0
    assert order["relations"][0] == {"name": "customer", "kind": "many-to-one", "target": "Customer", "required": True,
                                     "on_delete": "cascade"}
    assert entities[2]["fields"][0]["max_length"] == 255


@pytest.mark.parametrize(
    "old,new,line,fragment",
    [
        ("title: string", "title: strng", 16, "did you mean 'string'"),
        ("target: Customer", "target: Custmer", 12, "did you mean 'Customer'"),
        ("      name: {type: string, max_length: 100, required: true}",
         "      name: {type: string, max_length: 100, required: true}\n      Name: text", 6, "names are snake_case"),
        ("      title: string", "      order: string", 16, "reserved word in SQL"),
        ("      title: string", "      class: string", 16, "reserved word in the generated code"),
        ("      title: string", "      id: uuid", 16, "created for every entity"),
        ("  Product:\n", "  Category:\n    fields: {a: text}\n  Categorie:\n", 16, "after case conversion"),
        ("  Product:\n", "  Abc:\n    fields: {a: text}\n  ABC:\n", 16, "after case conversion"),
        ("status: {type: enum, values: [pending, paid, shipped], default: pending}",
         "status: {type: enum, values: [pending, paid, shipped], default: lost}", 8, "does not fit type enum"),
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
