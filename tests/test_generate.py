"""Generation as a user runs it: values stay data, output is valid and reproducible, nothing is lost."""

from __future__ import annotations

import ast
import json
from decimal import Decimal
from pathlib import Path

import pytest
import tomllib
import yaml
from click.testing import CliRunner

from expert.cli import cli
from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "orders-api.yml"


def new(dest: Path, *extra: str):
    return CliRunner().invoke(cli, ["new", str(dest), "--answers", str(SAMPLE), "--no-input", *extra], catch_exceptions=False)


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def assert_all_files_parse(root: Path) -> None:
    for path in root.rglob("*"):
        if path.suffix == ".py":
            ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        elif path.suffix == ".toml":
            tomllib.loads(path.read_text(encoding="utf-8"))
        elif path.suffix in (".yml", ".yaml"):
            list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        elif path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))


def test_a_sample_generates_a_complete_starter(tmp_path):
    result = new(tmp_path / "orders")
    assert result.exit_code == 0, result.output
    root = tmp_path / "orders"
    for rel in ["pyproject.toml", "README.md", "openapi.yaml", "Dockerfile", "docker-compose.yml", ".dockerignore",
                ".github/workflows/ci.yml", ".env.example", ".backend-expert.yml", "alembic.ini", "app/main.py"]:
        assert (root / rel).is_file(), rel
    adrs = sorted((root / "docs" / "adr").glob("0*.md"))
    assert len(adrs) >= 8
    assert_all_files_parse(root)


def test_the_same_answers_give_byte_identical_trees_and_a_project_regenerates_itself(tmp_path):
    assert new(tmp_path / "one").exit_code == 0
    assert new(tmp_path / "two").exit_code == 0
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    saved = tmp_path / "one" / ".backend-expert.yml"
    again = CliRunner().invoke(cli, ["new", str(tmp_path / "again"), "--answers", str(saved), "--no-input"])
    assert again.exit_code == 0, again.output
    assert tree(tmp_path / "again") == tree(tmp_path / "one")


HOSTILE_NAMES = [
    "{{ 7*7 }}",
    "O'Brien \"Orders\" \\ API: - [x] # é 日本",
    "yes",
    "${{ secrets.TOKEN }} {% raw %} {# c #}",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_user_values_are_data_and_land_escaped(tmp_path, name):
    marker = tmp_path / "pwned"
    description = "{{ cycler.__init__.__globals__.os.popen('touch " + str(marker) + "').read() }}\nand {{ 7*7 }}"
    dest = tmp_path / "out"
    result = new(dest, "--set", f"project.name={name}", "--set", "project.slug=hostile-app", "--set", f"project.description={description}")
    assert result.exit_code == 0, result.output
    assert not marker.exists()
    assert not (tmp_path / "49").exists() and not (dest / "49").exists()
    saved = yaml.safe_load((dest / ".backend-expert.yml").read_text())
    assert saved["project"]["name"] == name
    assert saved["project"]["description"] == description
    assert tomllib.loads((dest / "pyproject.toml").read_text())["project"]["description"]
    assert yaml.safe_load((dest / "openapi.yaml").read_text())["info"]["title"] == name
    assert "{{ 7*7 }}" in (dest / "README.md").read_text()
    assert_all_files_parse(dest)


@pytest.mark.parametrize("field,value", [("name", "two\nlines"), ("description", "bell\x07"), ("name", "nel\x85")])
def test_control_characters_in_project_fields_are_refused(tmp_path, field, value):
    result = new(tmp_path / "out", "--set", f"project.{field}={value}")
    assert result.exit_code == 1 and "control character" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("slug", ["../../x", "/tmp/x", "Upper", "x/y", "-x"])
def test_bad_slugs_are_refused_and_nothing_is_written(tmp_path, slug):
    result = new(tmp_path / "out", "--set", f"project.slug={slug}")
    assert result.exit_code == 1
    assert "project.slug" in result.output
    assert not (tmp_path / "out").exists()
    assert list(tmp_path.iterdir()) == []


def test_a_non_empty_destination_is_refused_without_force(tmp_path):
    dest = tmp_path / "out"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine")
    result = new(dest)
    assert result.exit_code == 1 and "--force" in result.output
    assert [p.name for p in dest.iterdir()] == ["notes.txt"]


def test_force_overwrites_template_files_and_keeps_the_users_own(tmp_path):
    dest = tmp_path / "out"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine")
    (dest / "README.md").write_text("old readme")
    result = new(dest, "--force")
    assert result.exit_code == 0, result.output
    assert (dest / "notes.txt").read_text() == "mine"
    assert (dest / "README.md").read_text() != "old readme"
    assert "README.md" in result.output  # reported as overwritten


def test_a_failure_mid_generation_leaves_the_destination_as_it_was(tmp_path, monkeypatch):
    import expert.output

    dest = tmp_path / "out"
    dest.mkdir()
    (dest / "README.md").write_text("old readme")
    before = tree(dest)
    real_copy = expert.output.shutil.copy2
    calls = {"n": 0}

    def failing_copy(src, dst, **kwargs):
        if str(dst).startswith(str(dest)):
            calls["n"] += 1
            if calls["n"] == 5:
                raise OSError("disk full")
        return real_copy(src, dst, **kwargs)

    monkeypatch.setattr(expert.output.shutil, "copy2", failing_copy)
    result = CliRunner().invoke(cli, ["new", str(dest), "--answers", str(SAMPLE), "--no-input", "--force"])
    assert result.exit_code == 1 and "left as it was" in result.output
    assert tree(dest) == before
    assert sorted(p.name for p in dest.rglob("*")) == ["README.md"]


def test_a_failing_check_writes_nothing(tmp_path, monkeypatch):
    import expert.output

    def broken(root):
        raise expert.output.OutputError("the generated project fails its own check: openapi.yaml: broken")

    monkeypatch.setattr(expert.output, "check_tree", broken)
    result = new(tmp_path / "out")
    assert result.exit_code == 1
    assert not (tmp_path / "out").exists()
    assert [p for p in tmp_path.iterdir()] == []


def test_no_secret_in_the_saved_answers_or_committed_files(tmp_path):
    assert new(tmp_path / "out").exit_code == 0
    saved = (tmp_path / "out" / ".backend-expert.yml").read_text().lower()
    for word in ("password", "secret_key", "token"):
        assert word not in saved
    env_example = (tmp_path / "out" / ".env.example").read_text()
    assert "SECRET_KEY=" in env_example


def test_bytecode_next_to_installed_templates_is_not_copied(tmp_path):
    """pip byte-compiles the .py files of the installed templates; those caches must not reach a project."""
    from expert.render import TEMPLATES_DIR

    cache = next(TEMPLATES_DIR.glob("stack/*/*/app")) / "__pycache__"
    created = not cache.exists()
    cache.mkdir(exist_ok=True)
    (cache / "main.cpython-311.pyc").write_bytes(b"\x00bytecode")
    try:
        assert new(tmp_path / "out").exit_code == 0
        assert not list((tmp_path / "out").rglob("__pycache__"))
    finally:
        if created:
            import shutil

            shutil.rmtree(cache)


def test_every_agent_lands_in_the_generated_docs(tmp_path, kb):
    assert new(tmp_path / "out").exit_code == 0
    docs = "".join(p.read_text() for p in (tmp_path / "out" / "docs" / "checklists").glob("*.md"))
    for agent in kb.agents:
        assert f"(`{agent}`)" in docs, agent
    architecture = (tmp_path / "out" / "docs" / "architecture.md").read_text()
    for key in ("language", "framework", "database", "auth", "ci", "deploy"):
        assert f"(`{key}`)" in architecture


@pytest.mark.parametrize("database,script", [("postgresql", "docker/postgresql/10-app-role.sh"),
                                             ("mysql", "docker/mysql/10-app-user.sh"), ("sqlite", None)])
def test_compose_gets_the_least_privilege_init_script_of_its_database_only(tmp_path, database, script):
    dest = tmp_path / "out"
    assert new(dest, "--set", f"database={database}").exit_code == 0
    found = sorted(str(p.relative_to(dest)) for p in (dest / "docker").rglob("*") if p.is_file()) if (dest / "docker").exists() else []
    assert found == ([script] if script else [])
    if script:
        assert (dest / script).stat().st_mode & 0o111  # the image's entrypoint may execute it
        assert "APP_DB_USER" in (dest / "docker-compose.yml").read_text()


# --- generated code passes its own linters for any accepted model --------------------------------

LONG = "Ab" * 20  # 40 characters (the limit), the longest snake_case form: ab_ab_..._ab (59)
ODD_TEXT = "it's \"quoted\" \\ back {{ 7*7 }} {% raw %} ${{ x }} é 日本語 ｗｉｄｅ \u202e tab\tnew\nline 😀"
ADVERSARIAL = {
    "long-names": {
        LONG: {
            "fields": {
                "f" * 40: {"type": "string", "max_length": 512, "unique": True, "default": "x" * 300},
                "g_" * 19 + "gg": {"type": "decimal", "precision": 38, "scale": 10, "index": True, "default": "-0.0000000001"},
                "h" * 40: {"type": "enum", "values": ["v1.0", "beta-2", "x_y", "A.B-C"], "default": "A.B-C", "index": True},
            },
            "relations": {"p" * 40: {"kind": "many-to-one", "target": LONG}, "q": {"kind": "many-to-many", "target": "B" + "c" * 39}},
        },
        "B" + "c" * 39: {
            "fields": {"i" * 40: {"type": "json"}, "j" * 40: {"type": "datetime", "required": True, "index": True}},
            "relations": {"r" * 40: {"kind": "many-to-one", "target": LONG, "required": True, "on_delete": "cascade"},
                          "s": {"kind": "many-to-many", "target": "B" + "c" * 39}},
        },
    },
    "odd-values": {
        "Note": {
            "fields": {
                "body": {"type": "text", "max_length": 100000, "default": ODD_TEXT * 30},
                "title": {"type": "string", "required": True, "default": ODD_TEXT},
                "quote": {"type": "string", "default": '"' * 10 + "'"},
                "level": {"type": "enum", "values": [f"v{i}.{i}-rc_{i}" for i in range(100)], "default": "v99.99-rc_99"},
                "amount": {"type": "decimal", "precision": 38, "scale": 0, "min": -(10**37), "max": "9" * 38},
                "count": {"type": "integer", "min": -2147483648, "max": 2147483647, "default": -2147483648, "index": True},
                "ratio": {"type": "decimal", "precision": 3, "scale": 3, "min": 0, "default": 0.999},
            },
            "relations": {"parent": {"kind": "many-to-one", "target": "Note"}},
        },
    },
    "cycle": {
        "Department": {"fields": {"name": "string"}, "relations": {"head": {"kind": "many-to-one", "target": "Employee"}}},
        "Employee": {"fields": {"name": "string"},
                     "relations": {"department": {"kind": "many-to-one", "target": "Department", "required": True},
                                   "mentor": {"kind": "many-to-one", "target": "Employee"}}},
    },
}


def adversarial_answers(tmp_path: Path, name: str, model: dict, pins: dict[str, str]) -> Path:
    from expert.yamlio import dump_yaml

    answers = yaml.safe_load(SAMPLE.read_text())
    answers["answers"].update(pins)
    answers["entities"] = model
    path = tmp_path / f"{name}.yml"
    path.write_text(dump_yaml(answers), encoding="utf-8")
    return path


def ruff(*args: str, cwd: Path):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "ruff", *args, "--no-cache", "."], cwd=cwd, capture_output=True, text=True)


def test_the_linter_the_suite_runs_is_the_one_the_starter_pins():
    pytest.importorskip("ruff")
    from importlib.metadata import version

    from expert.render import TEMPLATES_DIR

    pinned = (TEMPLATES_DIR / "stack" / "python-fastapi" / "{{cookiecutter.project_slug}}" / "pyproject.toml").read_text()
    assert f'"ruff=={version("ruff")}"' in pinned


@pytest.mark.parametrize(
    "name,pins",
    [
        ("long-names", {"auth": "session-cookie", "id_type": "uuid-v7", "database": "postgresql"}),
        ("odd-values", {"auth": "jwt", "id_type": "bigint", "database": "mysql"}),
        ("cycle", {"auth": "jwt", "database": "sqlite"}),
        ("many", {"auth": "session-cookie", "database": "postgresql"}),
    ],
)
def test_adversarial_models_generate_code_that_passes_its_own_linters(tmp_path, name, pins):
    """Names at the length limit, 32 entities, defaults with quotes, backslashes, braces, wide and
    control characters, 100 enum values with dots and dashes, decimals at 38 digits, a cycle: the
    generated project's own `ruff check` and `ruff format --check` pass (its pyproject's rules)."""
    pytest.importorskip("ruff")
    from tests.test_schema import big_model

    model = big_model(32, 10) if name == "many" else ADVERSARIAL[name]
    dest = tmp_path / "out"
    result = CliRunner().invoke(cli, ["new", str(dest), "--answers", str(adversarial_answers(tmp_path, name, model, pins)),
                                      "--no-input"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    check = ruff("check", cwd=dest)
    assert check.returncode == 0, check.stdout[-4000:]
    formatted = ruff("format", "--check", "--diff", cwd=dest)
    assert formatted.returncode == 0, formatted.stdout[-4000:]
    saved = yaml.safe_load((dest / ".backend-expert.yml").read_text())
    assert len(saved["entities"]) == len(model)
    expected = {
        (entity, field): Decimal(str(spec["default"])) if spec["type"] == "decimal" else spec["default"]
        for entity, e in saved["entities"].items() for field, spec in e["fields"].items() if "default" in spec
    }
    written = written_defaults(dest / "app" / "schemas.py")
    assert {key: Decimal(value) if isinstance(expected[key], Decimal) else value for key, value in written.items()} == expected


def written_defaults(schemas: Path) -> dict[tuple[str, str], object]:
    """(entity, field) -> the default value the generated create schema holds (its Python literal)."""
    out: dict[tuple[str, str], object] = {}
    for node in ast.parse(schemas.read_text(encoding="utf-8")).body:
        if not (isinstance(node, ast.ClassDef) and node.name.endswith("Create")):
            continue
        for item in node.body:
            if isinstance(item, ast.AnnAssign) and item.value is not None and not isinstance(item.value, ast.Name):
                value = item.value
                if isinstance(value, ast.Call) and getattr(value.func, "id", "") == "Field":
                    value = next((k.value for k in value.keywords if k.arg == "default"), None)
                if isinstance(value, ast.Constant) and value.value is not None or isinstance(value, ast.UnaryOp):
                    out[(node.name.removesuffix("Create"), item.target.id)] = ast.literal_eval(value)
    return out


def test_a_template_edited_between_two_renders_renders_its_new_text(tmp_path: Path) -> None:
    """Compiled templates are kept for the process (expert/render.py): a kept one must never stand in for
    a template whose text changed, nor one layer's file for another's of the same name."""
    from expert.render import render_layer

    def layer(name: str, text: str) -> Path:
        folder = tmp_path / name / "{{cookiecutter.project_slug}}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "note.txt").write_text(text, encoding="utf-8")
        return tmp_path / name

    context = {"project_slug": "shop"}
    first = layer("one", "first {{ cookiecutter.project_slug }}\n")
    assert (render_layer(str(first), context, tmp_path / "out1") / "note.txt").read_text() == "first shop\n"
    layer("one", "second {{ cookiecutter.project_slug | upper }}\n")
    assert (render_layer(str(first), context, tmp_path / "out2") / "note.txt").read_text() == "second SHOP\n"
    other = layer("two", "other {{ cookiecutter.project_slug }}\n")
    assert (render_layer(str(other), context, tmp_path / "out3") / "note.txt").read_text() == "other shop\n"
