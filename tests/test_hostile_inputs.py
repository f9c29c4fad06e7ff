"""Hostile inputs to the tool: YAML bombs, deep nesting, huge numbers, huge lines and huge text fields.

Each is refused by the real command with one line, ``file:line:`` for a file, exit 1, nothing written,
and without the CPU or memory the input asks for (a billion laughs expands to 10**9 values: it is
measured, never built)."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from expert.answers import (
    MAX_DESCRIPTION_LENGTH,
    MAX_NAME_LENGTH,
    MAX_SET_LENGTH,
    MAX_SLUG_LENGTH,
    MAX_TEXT_ANSWER_LENGTH,
    resolve_project,
)
from expert.cli import cli
from expert.yamlio import MAX_ALIASES, MAX_DEPTH, MAX_FILE_BYTES, MAX_INT_DIGITS, MAX_LINE_LENGTH, MAX_NODES, MAX_SCALAR_LENGTH

#: an error line quotes at most a short excerpt of the input, whatever its size
MAX_ERROR_OUTPUT = 400


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """A regression here means minutes of CPU: fail the test instead of hanging the suite."""

    def stop(*_: object) -> None:
        raise TimeoutError("the input was not refused in time: a limit is missing")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def laughs(levels: int = 9, width: int = 10, indent: str = "") -> str:
    """``a0`` is ``width`` strings; each ``a<n+1>`` lists ``a<n>`` ``width`` times: width**levels values."""
    lines = [f"{indent}a0: &a0 [{', '.join(['lol'] * width)}]"]
    lines += [f"{indent}a{i + 1}: &a{i + 1} [{', '.join([f'*a{i}'] * width)}]" for i in range(levels)]
    return "\n".join(lines) + "\n"


ENTITY = "entities:\n  Order:\n    fields:\n      total: {type: integer, min: 0}\n"

#: (id, answers-file text, line of the error, fragment of the message)
HOSTILE_ANSWERS: list[tuple[str, Callable[[], str], int, str]] = [
    ("billion-laughs-in-answers", lambda: "version: 1\nanswers:\n" + laughs(indent="  "), 7, "values once aliases are expanded"),
    ("billion-laughs-in-entities", lambda: "version: 1\nentities:\n  Order:\n    fields:\n" + laughs(indent="      "), 9,
     "values once aliases are expanded"),
    ("too-many-aliases", lambda: "version: 1\nx: &x a\ny: [" + ", ".join(["*x"] * (MAX_ALIASES + 1)) + "]\n", 3,
     f"more than {MAX_ALIASES} aliases"),
    ("recursive-alias", lambda: "version: 1\nanswers: &a {clients: [*a]}\n", 2, "recursive"),
    ("deep-flow-sequences", lambda: "version: 1\nanswers:\n  clients: " + "[" * 4000 + "]" * 4000 + "\n", 3,
     f"nesting deeper than {MAX_DEPTH} levels"),
    ("deep-flow-on-many-lines", lambda: "version: 1\nanswers:\n" + "{\n" * 3000 + "}\n" * 3000, 3 + MAX_DEPTH,
     f"nesting deeper than {MAX_DEPTH} levels"),
    ("deep-block-sequences", lambda: "version: 1\nanswers:\n  clients:\n" + "    " + "- " * 3000 + "x\n", 4,
     f"nesting deeper than {MAX_DEPTH} levels"),
    ("5000-digit-integer", lambda: "version: 1\n" + ENTITY + "      count: {type: integer, max: " + "9" * 5000 + "}\n", 6,
     f"more than {MAX_INT_DIGITS} digits"),
    ("multi-megabyte-comment", lambda: "version: 1\n# " + "x" * (3 * MAX_FILE_BYTES) + "\n", 1, f"larger than {MAX_FILE_BYTES:,} bytes"),
    ("long-comment-line", lambda: "version: 1\nanswers: {}\n# " + "x" * (MAX_LINE_LENGTH * 50) + "\n", 3,
     f"a line longer than {MAX_LINE_LENGTH:,} characters"),
    ("long-folded-scalar", lambda: "version: 1\nproject:\n  description: >\n" + ("    " + "word " * 100 + "\n") * 100, 3,
     f"at most {MAX_SCALAR_LENGTH:,}"),
    ("python-object-tag", lambda: "version: 1\nproject:\n  name: !!python/object/apply:os.system [id]\n", 3, "the tag !!python/object"),
    ("binary-tag", lambda: "version: 1\nproject:\n  name: !!binary aGVsbG8=\n", 3, "the tag !!binary"),
    ("lone-surrogate", lambda: 'version: 1\nproject:\n  name: "a\\ud800b"\n', 3, "lone surrogate"),
    ("impossible-date", lambda: "version: 1\nproject:\n  name: 2024-13-45\n", 3, "cannot read this value"),
    ("nul-character", lambda: "version: 1\nproject:\n  name: a\x00b\n", 3, "unacceptable character (U+0000)"),
    ("version-true", lambda: "version: true\n", 1, "unsupported format version"),
]


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


def assert_one_line_error(result, prefix: str, fragment: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output[:MAX_ERROR_OUTPUT]
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    output = result.output
    assert len(output) < MAX_ERROR_OUTPUT, output[:MAX_ERROR_OUTPUT]
    assert "Traceback" not in output
    assert output.count("\n") == 1 and output.startswith(f"Error: {prefix}"), output
    assert fragment in output, output


@pytest.mark.parametrize("build,line,fragment", [pytest.param(b, n, f, id=i) for i, b, n, f in HOSTILE_ANSWERS])
def test_hostile_answers_files_are_refused_at_their_line(tmp_path: Path, build: Callable[[], str], line: int, fragment: str):
    answers = tmp_path / "answers.yml"
    answers.write_text(build(), encoding="utf-8")
    result = run("new", str(tmp_path / "dest"), "--answers", str(answers), "--no-input")
    assert_one_line_error(result, f"{answers}:{line}:", fragment)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.yml"]


def test_a_file_that_is_not_utf8_names_its_line(tmp_path: Path):
    answers = tmp_path / "answers.yml"
    answers.write_bytes(b"version: 1\nproject:\n  name: caf\xe9\n")
    assert_one_line_error(run("decide", "--answers", str(answers)), f"{answers}:3:", "not UTF-8")


def test_aliases_within_the_limits_still_work(tmp_path: Path):
    """Anchors are legitimate YAML: a field spec shared by two entities expands as written."""
    answers = tmp_path / "answers.yml"
    answers.write_text(
        "version: 1\nentities:\n  Order:\n    fields:\n      total: &money {type: decimal, precision: 10, scale: 2}\n"
        "  Refund:\n    fields:\n      amount: *money\n", encoding="utf-8")
    result = run("new", str(tmp_path / "dest"), "--answers", str(answers), "--no-input")
    assert result.exit_code == 0, result.output
    schema = (tmp_path / "dest" / "db" / "schema.sql").read_text(encoding="utf-8")
    assert schema.count("NUMERIC(10, 2)") == 2


PACK_HEAD = "agent: acme/policy\nrules:\n"
RULE = "  - id: acme.r{n}\n    when: {{data_shape: relational}}\n    then: {{database: postgresql}}\n    because: {{en: a, fr: b}}\n"

HOSTILE_PACKS: list[tuple[str, Callable[[], str], int, str]] = [
    ("billion-laughs", lambda: PACK_HEAD + RULE.format(n=1) + "keywords:\n" + laughs(indent="  "), 12, "values once aliases are expanded"),
    ("deep-when", lambda: PACK_HEAD + "  - id: a\n    when: " + "[" * 4000 + "]" * 4000 + "\n", 4, "nesting deeper"),
    ("huge-priority", lambda: PACK_HEAD + RULE.format(n=1) + "    priority: " + "9" * 5000 + "\n", 7, "more than 64 digits"),
    ("long-because", lambda: PACK_HEAD + "  - id: a\n    because: '" + "x" * (MAX_LINE_LENGTH + 1) + "'\n", 4, "a line longer"),
    ("oversized-pack", lambda: PACK_HEAD + RULE.format(n=1) * 1 + "#" * (MAX_FILE_BYTES + 1) + "\n", 1, "larger than"),
]


@pytest.mark.parametrize("build,line,fragment", [pytest.param(b, n, f, id=i) for i, b, n, f in HOSTILE_PACKS])
def test_hostile_rule_packs_are_refused_at_their_line(tmp_path: Path, build: Callable[[], str], line: int, fragment: str):
    pack = tmp_path / "pack.yml"
    pack.write_text(build(), encoding="utf-8")
    assert_one_line_error(run("decide", "--rules", str(pack)), f"{pack}:{line}:", fragment)


def test_the_expanded_size_is_counted_not_built():
    """3**30 (2 * 10**14) values if expanded, from 90 aliases: refused from the composed node graph."""
    from expert.yamlio import YamlError, loads_yaml

    with pytest.raises(YamlError, match=f"more than {MAX_NODES:,} values"):
        loads_yaml(laughs(levels=30, width=3), "bomb.yml")


# ----------------------------------------------------------------------------- text fields

TEXT_LIMITS = [
    ("name", MAX_NAME_LENGTH, "x"),
    ("slug", MAX_SLUG_LENGTH, "a"),
    ("description", MAX_DESCRIPTION_LENGTH, "y"),
]


@pytest.mark.parametrize("field,limit,char", TEXT_LIMITS)
def test_project_fields_longer_than_their_limit_are_refused_in_files(tmp_path: Path, field: str, limit: int, char: str):
    answers = tmp_path / "answers.yml"
    answers.write_text(f"version: 1\nproject:\n  {field}: {char * (limit + 1)}\n", encoding="utf-8")
    result = run("new", str(tmp_path / "dest"), "--answers", str(answers), "--no-input")
    assert_one_line_error(result, f"{answers}:3:", f"project.{field} is {limit + 1:,} characters long; the limit is {limit:,}")
    assert not (tmp_path / "dest").exists()


@pytest.mark.parametrize("field,limit,char", TEXT_LIMITS)
def test_project_fields_at_their_limit_are_accepted(tmp_path: Path, field: str, limit: int, char: str):
    result = run("decide", "--set", f"project.{field}={char * limit}")
    assert result.exit_code == 0, result.output[:MAX_ERROR_OUTPUT]


@pytest.mark.parametrize("field,limit,char", TEXT_LIMITS)
def test_project_fields_longer_than_their_limit_are_refused_in_set(field: str, limit: int, char: str):
    result = run("decide", "--set", f"project.{field}={char * (limit + 1)}")
    assert_one_line_error(result, "--set project.", f"the limit is {limit:,}")


def test_a_ten_megabyte_set_value_is_refused_without_echoing_it():
    result = run("decide", "--set", "database=" + "p" * 10_000_000)
    assert_one_line_error(result, "--set database=ppp", f"the limit is {MAX_SET_LENGTH:,}")


def test_a_wrong_choice_is_quoted_short():
    result = run("decide", "--set", "database=" + "q" * 3000)
    assert_one_line_error(result, "--set database=qqq", "is not a known value")


def test_describe_longer_than_a_description_is_refused(tmp_path: Path):
    result = run("new", str(tmp_path / "dest"), "--no-input", "--describe", "REST API " * 10_000)
    assert_one_line_error(result, "", f"the limit is {MAX_DESCRIPTION_LENGTH:,}")
    assert not (tmp_path / "dest").exists()
    assert_one_line_error(run("ask", "jwt " * 10_000), "", f"the limit is {MAX_DESCRIPTION_LENGTH:,}")


def test_describe_with_a_control_character_is_refused(tmp_path: Path):
    """The --describe text becomes the project's description (README, docs): no terminal escapes in it."""
    result = run("new", str(tmp_path / "dest"), "--no-input", "--describe", "REST API \x1b[31m red")
    assert_one_line_error(result, "", "control character (U+001B)")
    assert not (tmp_path / "dest").exists()
    folded = run("new", str(tmp_path / "ok"), "--no-input", "--describe", "REST API\r\n\tfor mobile")
    assert folded.exit_code == 0, folded.output


def test_text_answers_have_a_limit(tmp_path: Path):
    pack = tmp_path / "pack.yml"
    pack.write_text(
        "agent: acme/naming\nquestions:\n  - id: team_name\n    type: text\n    prompt: Team?\n    help: Any text.\n"
        "    default: platform\n", encoding="utf-8")
    answers = tmp_path / "answers.yml"
    answers.write_text(f"version: 1\nanswers:\n  team_name: {'t' * (MAX_TEXT_ANSWER_LENGTH + 1)}\n", encoding="utf-8")
    result = run("decide", "--rules", str(pack), "--answers", str(answers))
    assert_one_line_error(result, f"{answers}:3:", f"team_name is {MAX_TEXT_ANSWER_LENGTH + 1:,} characters long")
    control = run("decide", "--rules", str(pack), "--set", "team_name=a\x1b[31mb")
    assert_one_line_error(control, "--set team_name=", "control character (U+001B)")


def test_undecodable_command_line_bytes_are_refused():
    """click hands undecodable argv bytes over as lone surrogates: they are not text."""
    result = run("decide", "--set", "project.name=caf\udce9")
    assert_one_line_error(result, "--set project.name=", "control character (U+DCE9)")


def test_a_long_name_gives_a_slug_of_at_most_63_characters():
    project = resolve_project({"name": "Orders and invoices " * 10}, "x")
    assert len(project["slug"]) <= MAX_SLUG_LENGTH and project["slug"].startswith("orders-and-invoices-orders")
    assert not project["slug"].endswith("-")


def test_a_destination_folder_name_is_checked_like_a_project_name(tmp_path: Path):
    result = run("new", str(tmp_path / ("d" * (MAX_NAME_LENGTH + 1))), "--no-input")
    assert_one_line_error(result, "destination folder 'ddd", f"the limit is {MAX_NAME_LENGTH}")


def test_rule_pack_errors_quote_long_values_short(tmp_path: Path):
    pack = tmp_path / "pack.yml"
    pack.write_text(PACK_HEAD + "  - id: acme.big\n    when: {data_shape: relational}\n    then: {database: " + "p" * 9000 + "}\n"
                    "    because: {en: a, fr: b}\n", encoding="utf-8")
    assert_one_line_error(run("decide", "--rules", str(pack)), f"{pack}:3:", "is not a known value of 'database'")
    pack.write_text(PACK_HEAD + "  - id: " + "r" * 5000 + "\n", encoding="utf-8")
    assert_one_line_error(run("decide", "--rules", str(pack)), f"{pack}:3:", "a rule needs an id matching")


@pytest.mark.parametrize("project", [{"slug": "yes"}, {"slug": "null"}, {"name": "On"}, {"name": "N"}])
def test_a_slug_that_yaml_would_retype_is_refused(tmp_path: Path, project: dict[str, str]):
    """`namespace: yes` is the boolean true for a YAML 1.1 reader (kustomize), `name: null` is no name."""
    sets = [f"project.{key}={value}" for key, value in project.items()]
    result = run("new", str(tmp_path / "dest"), "--no-input", *[arg for item in sets for arg in ("--set", item)])
    assert_one_line_error(result, "", "reads as a boolean or null in YAML")
    assert not (tmp_path / "dest").exists()
