"""The generated README speaks the project's language (issue 10: ``--lang fr`` covers the README too).

Each stack's README.md template holds the English text and, with ``lang`` fr, includes its French sibling
(``templates/README.fr.md`` of the same layer). For every stack of ``backend-expert stacks`` one sample is
rendered once per language: the French README has the English one's sections (as many headings, of the same
levels, none of them left in English), the same commands in the same order (the fenced blocks, comments and
layout descriptions aside), and no English sentence of the README it mirrors; the English render is exactly the
English text of the template, byte for byte, as it was before the French sibling existed.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from expert.answers import AnswerSet, load_answers, resolve_project
from expert.consult import Consultant, Consultation
from expert.generators.blueprint import build_blueprint, decision_values
from expert.generators.stack import capability_matrix, select_stack
from expert.knowledge import KnowledgeBase
from expert.render import TEMPLATES_DIR, render_layer

SAMPLES = Path(__file__).parent / "samples"
STACKS = [row["stack"] for row in capability_matrix()]
README = "{{cookiecutter.project_slug}}/README.md"
#: the first lines of every README.md template: the switch to the French sibling (and the file's last line ends it)
HEAD = re.compile(r"\A\{#-.*?-#\}\n\{%- if cookiecutter.lang == \"fr\" %\}\{% include \"README.fr.md\" %\}\{% else %\}\n", re.S)
TAIL = "{% endif -%}\n"
#: a line of a fenced block without its trailing shell comment or layout description (two spaces, then words)
COMMAND = re.compile(r"^(\s*\S.*?)(?:\s+#\s.*|\s{2,}\S.*)?$")
#: words only English prose uses (never a command, a path or a French sentence)
ENGLISH = re.compile(r"\b(?:the|with|when|which|every|without|otherwise|must|never|should)\b")


def sample_for(stack: str, kb: KnowledgeBase, consultant: Consultant) -> tuple[AnswerSet, Consultation]:
    """The first sample (sorted) that generates this stack, with its consultation (a sample that names another
    language or framework is not consulted)."""
    row = next(r for r in capability_matrix() if r["stack"] == stack)
    for path in sorted(SAMPLES.rglob("*.yml")):
        named = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("answers") or {}
        if any(named.get(key, row[key]) != row[key] for key in ("language", "framework")):
            continue
        answers = load_answers(path, kb)
        result = consultant.run(dict(answers.answers))
        if select_stack(decision_values(result, kb)).name == f"stack/{stack}":
            return answers, result
    raise AssertionError(f"no sample of tests/samples generates the stack {stack}")


def readme_layer(layers: list[str]) -> str:
    """The layer (of a blueprint's) whose tree holds the README: the stack's own, else its common layer's."""
    found = [name for name in layers if (TEMPLATES_DIR / name / README).is_file()]
    assert found, f"none of the layers {layers} has a README.md"
    return found[0]


def render_readme(layer: str, context: dict[str, Any], tmp: Path, text: str | None = None) -> str:
    """The README of ``layer`` (or ``text`` in its place) rendered alone, as its layer renders it: a copy of
    the layer holding only that file, beside the layer's own templates/ folder (the French sibling's)."""
    copy = tmp / "layer"
    (copy / "{{cookiecutter.project_slug}}").mkdir(parents=True)
    source = TEMPLATES_DIR / layer / README
    (copy / README).write_text(source.read_text(encoding="utf-8") if text is None else text, encoding="utf-8")
    if (TEMPLATES_DIR / layer / "templates").is_dir():
        (copy / "templates").symlink_to(TEMPLATES_DIR / layer / "templates")
    return (render_layer(str(copy), context, tmp / "out") / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module", params=STACKS)
def readmes(request: pytest.FixtureRequest, kb: KnowledgeBase, consultant: Consultant) -> dict[str, Any]:
    """One stack's README rendered once per language, from its sample's blueprint in French: {"en", "fr": the
    texts, "layer": the layer that wrote it, "context": its context in English}."""
    answers, result = sample_for(request.param, kb, consultant)
    blueprint = build_blueprint(resolve_project(answers.project, "x"), result, kb, "fr", answers.entities)
    assert {context.get("lang") for name, context in blueprint.layers if name != "docs/adr"} == {"fr"}
    layers = dict(blueprint.layers)
    layer = readme_layer(list(layers))
    out: dict[str, Any] = {"layer": layer, "context": {**layers[layer], "lang": "en"}}
    with tempfile.TemporaryDirectory() as tmp:
        out["fr"] = render_readme(layer, layers[layer], Path(tmp) / "fr")
        out["en"] = render_readme(layer, out["context"], Path(tmp) / "en")
    return out


def headings(text: str) -> list[tuple[int, str]]:
    """(level, title) of each Markdown heading outside the fenced blocks."""
    return [(len(m.group(1)), m.group(2).strip()) for m in re.finditer(r"^(#{1,6}) (.+)$", prose(text), re.M)]


def fenced(text: str) -> list[list[str]]:
    """Each fenced block as its command lines (shell comments and layout descriptions removed)."""
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```$", text, re.S | re.M)
    return [[COMMAND.match(line).group(1) for line in block.splitlines() if line.strip()] for block in blocks]


def prose(text: str) -> str:
    """The text without its fenced blocks."""
    return re.sub(r"^```[a-z]*\n.*?^```$", "", text, flags=re.S | re.M)


def test_the_french_readme_has_the_english_sections_in_french(readmes: dict[str, Any]) -> None:
    en, fr = headings(readmes["en"]), headings(readmes["fr"])
    assert [level for level, _ in fr] == [level for level, _ in en], "the same sections, at the same levels"
    assert fr[0] == en[0], "the title is the project's name in both"
    left = {title for _, title in en[1:]} & {title for _, title in fr[1:]}
    assert not left, f"English headings left in the French README: {sorted(left)}"


def test_the_french_readme_gives_the_same_commands_in_the_same_order(readmes: dict[str, Any]) -> None:
    assert fenced(readmes["fr"]) == fenced(readmes["en"])
    assert fenced(readmes["en"]), "the README gives commands"


def test_the_french_readme_has_no_english_sentence(readmes: dict[str, Any]) -> None:
    description = readmes["context"]["project_description"]
    lines = [line for line in prose(readmes["fr"]).splitlines() if line.strip() and line.strip() != description]
    english = [line for line in lines if ENGLISH.search(re.sub(r"`[^`]*`", "", line))]
    assert not english, "English left in the French README:\n" + "\n".join(english)


def test_the_english_readme_is_the_english_text_of_the_template(readmes: dict[str, Any], tmp_path: Path) -> None:
    """The switch to French changes nothing in English: the English render is the template's English text
    (the switch's first lines and last line cut) rendered alone, byte for byte."""
    template = (TEMPLATES_DIR / readmes["layer"] / README).read_text(encoding="utf-8")
    head = HEAD.match(template)
    assert head and template.endswith(TAIL), f"{readmes['layer']}'s README.md starts and ends with the switch"
    english = template[head.end():-len(TAIL)]
    assert render_readme(readmes["layer"], readmes["context"], tmp_path, english) == readmes["en"]


def test_a_context_without_lang_renders_the_english_readme(readmes: dict[str, Any], tmp_path: Path) -> None:
    """The layers' own tests render with contexts of their own, without ``lang``: they get the English README."""
    context = {k: v for k, v in readmes["context"].items() if k != "lang"}
    assert render_readme(readmes["layer"], context, tmp_path) == readmes["en"]
