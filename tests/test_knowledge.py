"""The knowledge base: malformed files get file:line errors; the real base passes the lint."""

from __future__ import annotations

import shutil

import pytest

from expert.knowledge import KnowledgeError, lint, load_knowledge
from tests.conftest import FIXTURE_KB


def kb_copy(tmp_path):
    target = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, target)
    return target


def test_the_fixture_base_loads(small_kb):
    assert set(small_kb.agents) == {"api/rest-design", "database/modeling"}
    assert lint(small_kb) == []


@pytest.mark.parametrize(
    "old,new,fragment",
    [
        ("then: {auth: jwt}", "then: {auth: jwtt}", "'jwtt' is not a known value of 'auth'"),
        ("when: {data_shape: document}", "when: {data_shap: document}", "tests 'data_shap'"),
        ("when: {data_shape: document}", "when: {data_shape: documents}", "not one of its values"),
        ("    default: low", "    default: medium", "default 'medium' is not one of its choices"),
        ("  - id: db.mongo", "  - id: db.pg", "used twice"),
        ("    type: choice\n    prompt: {en: Load?", "    type: select\n    prompt: {en: Load?", "type must be one of"),
    ],
)
def test_lint_errors_name_the_file(tmp_path, old, new, fragment):
    root = kb_copy(tmp_path)
    for path in root.rglob("*.yml"):
        text = path.read_text()
        if old in text:
            path.write_text(text.replace(old, new, 1))
            break
    else:
        pytest.fail(f"{old!r} not found in the fixture")
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(rules_dir=root)
    assert fragment in str(info.value)


def test_a_dependency_cycle_is_refused(tmp_path):
    root = kb_copy(tmp_path)
    path = root / "database" / "modeling.yml"
    path.write_text(path.read_text().replace("when: {data_shape: relational}", "when: {data_shape: relational, cache: none}")
                    + "  - id: x.cycle\n    when: {database: postgresql}\n    then: {cache: redis}\n    because: {en: a, fr: b}\n")
    with pytest.raises(KnowledgeError, match="dependency cycle"):
        load_knowledge(rules_dir=root)


def test_bad_yaml_in_a_rule_pack_names_the_line(tmp_path):
    pack = tmp_path / "policy.yml"
    pack.write_text("agent: acme/policy\nrules:\n  - id: a\n    when: {load: [low}\n")
    with pytest.raises(KnowledgeError, match=r"policy.yml:4: invalid YAML"):
        load_knowledge([pack], rules_dir=FIXTURE_KB)


def test_a_rule_pack_adds_rules(tmp_path, small_kb):
    pack = tmp_path / "policy.yml"
    pack.write_text(
        "agent: acme/policy\nrules:\n  - id: acme.always-pg\n    when: {data_shape: document}\n"
        "    then: {database: postgresql}\n    priority: 90\n    because: {en: company policy, fr: politique}\n"
    )
    kb = load_knowledge([pack], rules_dir=FIXTURE_KB)
    assert kb.agents["acme/policy"].pack
    assert [r.id for r in kb.rules_concluding("database")][-1] == "acme.always-pg"


def test_the_real_knowledge_base_passes_the_lint(kb):
    assert lint(kb) == []


def test_the_fast_parser_reads_what_the_line_keeping_parser_reads():
    import dataclasses

    fast, slow = load_knowledge(fast=True), load_knowledge(fast=False)

    def strip(items):
        return [dataclasses.replace(x, where="") for x in items]

    assert strip(fast.questions.values()) == strip(slow.questions.values())
    assert strip(fast.rules) == strip(slow.rules)
    assert strip(fast.agents.values()) == strip(slow.agents.values())
    assert fast.decisions == slow.decisions


def test_every_layer_file_reads_the_same_with_both_parsers():
    """layer.yml files are read with libyaml (generators/stack.py): a value YAML 1.1 types differently
    from YAML 1.2 (``on``, ``0755``, ``12:30``) would change what a layer declares without a word."""
    from expert.paths import TEMPLATES_DIR
    from expert.yamlio import load_yaml, load_yaml_fast, plain

    files = sorted(TEMPLATES_DIR.glob("*/*/layer.yml"))
    assert len(files) > 30
    for path in files:
        assert load_yaml_fast(path) == plain(load_yaml(path)), path


def test_lint_errors_in_the_built_in_files_still_name_their_line(tmp_path):
    from expert.knowledge import RULES_DIR

    root = tmp_path / "rules"
    shutil.copytree(RULES_DIR, root)
    path = root / "api" / "rest-design.yml"
    lines = path.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("then:"))
    lines[index] = lines[index].split("then:")[0] + "then: {api_style: soap}"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(rules_dir=root)
    assert "'soap' is not a known value" in str(info.value)
    assert ":1:" not in str(info.value).split(" rule ")[0]


def test_too_many_join_rules_in_one_agent_are_refused(tmp_path):
    """durable-rules hangs past ~256 two-fact join rules in one ruleset: the lint refuses them first."""
    root = kb_copy(tmp_path)
    path = root / "database" / "modeling.yml"
    extra = "".join(
        f"  - id: x.join{i}\n    when: {{data_shape: relational, load: high}}\n    then: {{database: postgresql}}\n"
        f"    because: {{en: a, fr: b}}\n"
        for i in range(210)
    )
    path.write_text(path.read_text() + extra)
    with pytest.raises(KnowledgeError, match="join rules, over the durable-rules limit"):
        load_knowledge(rules_dir=root)


def test_too_many_constants_in_one_agent_are_refused(tmp_path):
    root = kb_copy(tmp_path)
    path = root / "database" / "modeling.yml"
    text = path.read_text().replace("      - {value: document, label: {en: Document, fr: Document}}",
                                    "      - {value: document, label: {en: Document, fr: Document}}\n"
                                    + "".join(f"      - {{value: v{i}, label: {{en: x, fr: x}}}}\n" for i in range(420)))
    text += "  - id: x.many\n    when: {data_shape: [" + ", ".join(f"v{i}" for i in range(420)) + "]}\n"
    text += "    then: {database: postgresql}\n    because: {en: a, fr: b}\n"
    path.write_text(text)
    with pytest.raises(KnowledgeError, match="distinct constants"):
        load_knowledge(rules_dir=root)


NOTHING_TO_GENERATE = {"none", "not-needed", "not-required"}


def implemented_values():
    """(key, value) pairs some template layer generates: its layer.yml ``implements`` or ``supports``."""
    from expert.generators.stack import layer_spec
    from expert.render import TEMPLATES_DIR

    pairs = set()
    for path in TEMPLATES_DIR.glob("*/*/layer.yml"):
        spec = layer_spec(str(path.parent.relative_to(TEMPLATES_DIR)))
        for section in ("implements", "supports"):
            for key, values in (spec.get(section) or {}).items():
                pairs |= {(key, str(v)) for v in values}
    return pairs


def test_every_decision_value_is_generated_or_marked_advice_only(kb):
    generated = implemented_values()
    for key, dk in kb.decisions.items():
        for value in dk.values:
            if value in NOTHING_TO_GENERATE:
                continue
            is_generated = (key, value) in generated
            assert is_generated or value in dk.advice_only, f"{key}={value}: no layer generates it and it is not advice_only"
            assert not (is_generated and value in dk.advice_only), f"{key}={value}: generated, yet marked advice_only"
