"""The next Django migration of a changed domain model (python-django; see expert.generators.migration_diff).

Django's migrations are its operations on model state (``CreateModel``, ``AddField``, ``AlterField``...), not SQL:
``manage.py makemigrations --check`` compares their end state with app/models.py. So the operations are computed
from the two relational models (expert.generators.relational), with the field declarations of the python-django
templates (app/models.py, app/migrations/0001_initial.py), and chained after the project's latest migration.

A new required field with a ``default:`` is added with ``preserve_default=False`` (existing rows get the value,
the model keeps no default, as app/models.py declares it); an optional field that becomes required gets it the
same way (Django fills the NULLs before it sets NOT NULL). Refused (ModelChangeRefused): a type change (other than
a longer string), a new required field or relation without a default, a relation whose target changes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from expert.generators.migration_diff import LINE, NAME, ModelChangeRefused, _cc
from expert.generators.migration_diff import TEXTS as DIFF_TEXTS
from expert.generators.relational import relational
from expert.messages import Text, table, text

#: the refusals of a change Django would apply unsafely, in the user's language (``what`` names entity and field)
TEXTS = table("migration_django", {
    "type_change": {"en": "{what}: its type changes ({old} to {new}), which may not convert existing values: add a new "
                          "field, copy the values in your own migration, then remove the old one",
                    "fr": "{what} : son type change ({old} en {new}), ce qui peut ne pas convertir les valeurs "
                          "existantes : ajoutez un nouveau champ, copiez les valeurs dans votre propre migration, puis "
                          "retirez l'ancien"},
    "shorter": {"en": "{what}: a shorter max_length may truncate existing values: keep the length, or shorten the "
                      "values in your own migration first",
                "fr": "{what} : un max_length plus court peut tronquer les valeurs existantes : gardez la longueur, ou "
                      "raccourcissez d'abord les valeurs dans votre propre migration"},
    "becomes_required": {"en": "{what}: becomes required, but existing rows may hold NULL: give the field a `default:` "
                               "(the migration fills those rows with it), or fill them yourself first",
                         "fr": "{what} : devient obligatoire, mais des lignes existantes peuvent contenir NULL : donnez "
                               "au champ un `default:` (la migration en remplit ces lignes), ou remplissez-les "
                               "vous-même d'abord"},
    "required_field": {"en": "{what}: a new required field on a table that may hold rows needs a value for them: give "
                             "it a `default:` (existing rows get it), or add it with `required: false`, fill it, then "
                             "make it required",
                       "fr": "{what} : un nouveau champ obligatoire sur une table qui peut contenir des lignes demande "
                             "une valeur pour elles : donnez-lui un `default:` (les lignes existantes le reçoivent), ou "
                             "ajoutez-le avec `required: false`, remplissez-le, puis rendez-le obligatoire"},
    "target_change": {"en": "{what}: the relation's target changes ({old} to {new}): remove the relation in one "
                            "update and add the new one in another",
                      "fr": "{what} : la cible de la relation change ({old} en {new}) : retirez la relation dans une "
                            "mise à jour et ajoutez la nouvelle dans une autre"},
    "required_relation": {"en": "{what}: a required relation on a table that may hold rows: add it with "
                                "`required: false`, set it on every row, then make it required",
                          "fr": "{what} : une relation obligatoire sur une table qui peut contenir des lignes : "
                                "ajoutez-la avec `required: false`, renseignez-la sur chaque ligne, puis rendez-la "
                                "obligatoire"},
    "no_migration": {"en": "{folder}/ holds no migration to follow: restore 0001_initial.py from the generated project",
                     "fr": "{folder}/ ne contient aucune migration à suivre : restaurez 0001_initial.py depuis le projet "
                           "généré"},
})


def _refused(key: str, /, **fields: Any) -> ModelChangeRefused:
    return ModelChangeRefused(text(TEXTS, key, **fields))


__all__ = ["django_migration"]

MIGRATIONS_DIR = "app/migrations"
ON_DELETE = {
    "cascade": "django.db.models.deletion.CASCADE",
    "restrict": "django.db.models.deletion.RESTRICT",
    "set-null": "django.db.models.deletion.SET_NULL",
}
SIMPLE = {
    "text": "models.TextField",
    "integer": "models.IntegerField",
    "boolean": "models.BooleanField",
    "date": "models.DateField",
    "datetime": "models.DateTimeField",
    "uuid": "models.UUIDField",
    "json": "models.JSONField",
}


def _call(indent: int, head: str, args: list[str], tail: str = "") -> str:
    """head(args) on one line when it fits, else one argument a line with a trailing comma (ruff format's layout)."""
    flat = " " * indent + head + "(" + ", ".join(args) + ")" + tail
    if len(flat) <= LINE:
        return flat
    return "\n".join([" " * indent + head + "(", *(" " * (indent + 4) + a + "," for a in args), " " * indent + ")" + tail])


def _field_head(f: Mapping[str, Any]) -> tuple[str, list[str]]:
    """The field's class and its type arguments, as app/models.py declares it."""
    if f["type"] == "string":
        return "models.CharField", [f"max_length={f['max_length']}"]
    if f["type"] == "enum":
        return "models.CharField", [f"max_length={f['length']}"]
    if f["type"] == "decimal":
        return "models.DecimalField", [f"max_digits={f['precision']}", f"decimal_places={f['scale']}"]
    return SIMPLE[f["type"]], []


def _field_args(f: Mapping[str, Any], default: bool = False) -> tuple[str, list[str]]:
    head, args = _field_head(f)
    if default:
        args = [f"default={f['default_literal']}", *args]
    args += [] if f["required"] else ["null=True"]
    args += ["db_index=True"] if f["indexed"] else []
    return head, args


def _fk_args(r: Mapping[str, Any]) -> list[str]:
    args = [f'to="app.{r["target"].lower()}"', f"on_delete={ON_DELETE[r['on_delete']]}"]
    return args + ([] if r["required"] else ["null=True"]) + ['related_name="+"']


def _m2m_args(r: Mapping[str, Any], entity: str) -> list[str]:
    args = [f'to="app.{r["target"].lower()}"', f'db_table="{r["table"]}"', 'related_name="+"']
    return args + (["symmetrical=False"] if r["target"] == entity else [])


class _Ops:
    """The operations list, as source text (absolute indentation), and what it needs imported."""

    def __init__(self, uuid_ids: bool) -> None:
        self.lines: list[str] = []
        self.uuid_ids = uuid_ids
        self.needs_settings = False
        self.needs_deletion = False

    def op(self, name: str, items: list[str]) -> None:
        """migrations.<name>(...) with its keyword items (plain ``k=v`` text, or blocks indented already)."""
        self.lines.append(f"        migrations.{name}(")
        self.lines += [(item if item.startswith(" ") else " " * 12 + item) + "," for item in items]
        self.lines.append("        ),")

    def field(self, head: str, args: list[str]) -> str:
        if "deletion." in "".join(args):
            self.needs_deletion = True
        return _call(12, f"field={head}", args)

    def create_model(self, e: Mapping[str, Any]) -> None:
        self.needs_settings = True
        self.needs_deletion = True
        if self.uuid_ids:
            columns = [
                _column("id", "models.UUIDField", ["default=app.models.uuid7", "editable=False", "primary_key=True", "serialize=False"])
            ]
        else:
            columns = [_column("id", "models.BigAutoField", ["primary_key=True", "serialize=False"])]
        columns += [_column(f["name"], *_field_args(f)) for f in e["fields"]]
        columns += [
            " " * 16 + '("created_at", models.DateTimeField(auto_now_add=True)),',
            " " * 16 + '("updated_at", models.DateTimeField(auto_now=True)),',
            " " * 16 + '("owner", models.ForeignKey(to=settings.AUTH_USER_MODEL, **OWNER)),',
        ]
        fields = "\n".join([" " * 12 + "fields=[", *columns, " " * 12 + "]"])
        self.op("CreateModel", [f'name="{e["name"]}"', fields, f'options={{"db_table": "{e["table"]}"}}'])

    def unique(self, entity: str, f: Mapping[str, Any]) -> None:
        constraint = _call(12, "constraint=models.UniqueConstraint", [f'fields=("owner", "{f["name"]}")', f'name="{f["unique_name"]}"'])
        self.op("AddConstraint", [f'model_name="{entity.lower()}"', constraint])


def _column(name: str, head: str, args: list[str]) -> str:
    """("name", models.X(args)), in a CreateModel's fields: one line when it fits, else the tuple split."""
    flat = " " * 16 + f'("{name}", {head}({", ".join(args)})),'
    if len(flat) <= LINE:
        return flat
    return "\n".join([" " * 16 + "(", " " * 20 + f'"{name}",', _call(20, head, args, ","), " " * 16 + "),"])


def _what(entity: str, name: str) -> Text:
    return text(DIFF_TEXTS, "entity_field", entity=entity, column=name)


def _compare_field(entity: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Whether the column changes (raises for a change Django would apply unsafely); uniqueness aside."""
    old_head, old_args = _field_head(old)
    new_head, new_args = _field_head(new)
    if old_head != new_head or (old_args != new_args and old["type"] not in ("string", "enum")):
        raise _refused("type_change", what=_what(entity, new["name"]), old=old["type"], new=new["type"])
    if old_args != new_args and int(new_args[0].split("=")[1]) < int(old_args[0].split("=")[1]):
        raise _refused("shorter", what=_what(entity, new["name"]))
    if old["required"] != new["required"] and new["required"] and not new["has_default"]:
        raise _refused("becomes_required", what=_what(entity, new["name"]))
    return old_args != new_args or old["required"] != new["required"] or old["indexed"] != new["indexed"]


def _operations(old: Mapping[str, Any], new: Mapping[str, Any], ops: _Ops) -> None:
    old_by = {e["name"]: e for e in old["entities"]}
    new_by = {e["name"]: e for e in new["entities"]}
    removed = [e for e in old["entities"] if e["name"] not in new_by]
    created = [e for e in new["ordered"] if e["name"] not in old_by]
    kept = [(old_by[e["name"]], e) for e in new["entities"] if e["name"] in old_by]
    # first what goes away: constraints, relations and fields of the kept entities, then the removed entities
    for o, n in kept:
        model = f'model_name="{n["name"].lower()}"'
        new_fields = {f["name"]: f for f in n["fields"]}
        for f in o["fields"]:
            if f["unique"] and not (new_fields.get(f["name"]) or {}).get("unique"):
                ops.op("RemoveConstraint", [model, f'name="{f["unique_name"]}"'])
        new_rels = {r["name"] for r in [*n["many_to_one"], *n["many_to_many"]]}
        for r in [*o["many_to_one"], *o["many_to_many"]]:
            if r["name"] not in new_rels:
                ops.op("RemoveField", [model, f'name="{r["name"]}"'])
        for f in o["fields"]:
            if f["name"] not in new_fields:
                ops.op("RemoveField", [model, f'name="{f["name"]}"'])
    for e in removed:
        for r in [*e["many_to_one"], *e["many_to_many"]]:
            ops.op("RemoveField", [f'model_name="{e["name"].lower()}"', f'name="{r["name"]}"'])
    for e in removed:
        ops.op("DeleteModel", [f'name="{e["name"]}"'])
    for e in created:
        ops.create_model(e)
    for o, n in kept:
        _kept_entity(o, n, ops)
    for e in created:  # references last: every model they point at exists by then
        model = f'model_name="{e["name"].lower()}"'
        for r in e["many_to_one"]:
            ops.op("AddField", [model, f'name="{r["name"]}"', ops.field("models.ForeignKey", _fk_args(r))])
        for r in e["many_to_many"]:
            ops.op("AddField", [model, f'name="{r["name"]}"', ops.field("models.ManyToManyField", _m2m_args(r, e["name"]))])
        for f in e["fields"]:
            if f["unique"]:
                ops.unique(e["name"], f)


def _kept_entity(o: Mapping[str, Any], n: Mapping[str, Any], ops: _Ops) -> None:
    """Fields and relations added to or changed in an entity both models have."""
    model = f'model_name="{n["name"].lower()}"'
    old_fields = {f["name"]: f for f in o["fields"]}
    for f in n["fields"]:
        before = old_fields.get(f["name"])
        if before is None:
            if f["required"] and not f["has_default"]:
                raise _refused("required_field", what=_what(n["name"], f["name"]))
            with_default = f["required"]
            items = [model, f'name="{f["name"]}"', ops.field(*_field_args(f, default=with_default))]
            ops.op("AddField", items + (["preserve_default=False"] if with_default else []))
        elif _compare_field(n["name"], before, f):
            backfill = f["required"] and not before["required"]
            items = [model, f'name="{f["name"]}"', ops.field(*_field_args(f, default=backfill))]
            ops.op("AlterField", items + (["preserve_default=False"] if backfill else []))
    old_m2o = {r["name"]: r for r in o["many_to_one"]}
    for r in n["many_to_one"]:
        before = old_m2o.get(r["name"])
        if before is not None and before["target"] != r["target"]:
            raise _refused("target_change", what=_what(n["name"], r["name"]), old=before["target"], new=r["target"])
        if r["required"] and (before is None or not before["required"]):
            raise _refused("required_relation", what=_what(n["name"], r["name"]))
        if before is None:
            ops.op("AddField", [model, f'name="{r["name"]}"', ops.field("models.ForeignKey", _fk_args(r))])
        elif _fk_args(before) != _fk_args(r):
            ops.op("AlterField", [model, f'name="{r["name"]}"', ops.field("models.ForeignKey", _fk_args(r))])
    old_m2m = {r["name"]: r for r in o["many_to_many"]}
    for r in n["many_to_many"]:
        before = old_m2m.get(r["name"])
        if before is not None and before["target"] != r["target"]:
            raise _refused("target_change", what=_what(n["name"], r["name"]), old=before["target"], new=r["target"])
        if before is None:
            ops.op("AddField", [model, f'name="{r["name"]}"', ops.field("models.ManyToManyField", _m2m_args(r, n["name"]))])
    for f in n["fields"]:
        if f["unique"] and not (old_fields.get(f["name"]) or {}).get("unique"):
            ops.unique(n["name"], f)


def _latest(existing: Mapping[str, str]) -> tuple[int, str]:
    """The number and name of the project's latest migration (app/migrations/NNNN_name.py)."""
    found = [(int(m.group(1)), m.group(0)) for p in existing if (m := re.match(r"(\d{4})_\w+", p.rsplit("/", 1)[-1]))]
    if not found:
        raise _refused("no_migration", folder=MIGRATIONS_DIR)
    return max(found)


def django_migration(old_context: Mapping[str, Any], new_context: Mapping[str, Any], existing: Mapping[str, str]) -> dict[str, str]:
    """The next migration of app/migrations ({} when the model's tables did not change)."""
    from expert.generators.migration_diff import _check_same_base

    _check_same_base(_cc(old_context), _cc(new_context))
    old, new = relational(old_context), relational(new_context)
    if old["id_kind"] != new["id_kind"]:
        raise ModelChangeRefused(Text(DIFF_TEXTS, "id_type", {"old": old["id_kind"], "new": new["id_kind"]}))
    ops = _Ops(new["id_kind"] == "uuid")
    _operations(old, new, ops)
    if not ops.lines:
        return {}
    number, previous = _latest(existing)
    imports = []
    if ops.needs_deletion:
        imports.append("import django.db.models.deletion")
    if ops.needs_settings:
        imports.append("from django.conf import settings")
    imports.append("from django.db import migrations, models")
    if ops.needs_settings and ops.uuid_ids:
        imports += ["", "import app.models"]
    owner = ["", 'OWNER = {"on_delete": django.db.models.deletion.CASCADE, "related_name": "+"}'] if ops.needs_settings else []
    text = "\n".join(
        [
            "# Model update: the schema change of the domain model, written by `backend-expert update`.",
            "# tests/test_migrations.py runs `makemigrations --check`: app/models.py and the migrations agree.",
            "",
            *imports,
            *owner,
            "",
            "",
            "class Migration(migrations.Migration):",
            "    dependencies = [",
            f"        ({json.dumps('app')}, {json.dumps(previous)}),",
            "    ]",
            "",
            "    operations = [",
            *ops.lines,
            "    ]",
            "",
        ]
    )
    return {f"{MIGRATIONS_DIR}/{number + 1:04d}_{NAME}.py": text}
