"""Decisions -> a Blueprint: the template layers to render with their contexts, and computed documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from expert import __version__
from expert.answers import FORMAT_VERSION
from expert.consult import Consultation
from expert.generators import adr, openapi, schema
from expert.generators.docs import build_docs
from expert.generators.names import check_model
from expert.generators.stack import layer_exists, layer_spec, select_stack
from expert.knowledge import KnowledgeBase
from expert.model import default_entities, to_answers_form
from expert.yamlio import dump_yaml

ANSWERS_FILE = ".backend-expert.yml"

@dataclass
class Blueprint:
    """Everything needed to write a project: layers (name, context), documents (path -> text), notes."""

    project: dict[str, str]
    layers: list[tuple[str, dict[str, Any]]]
    documents: dict[str, str]
    skipped: list[str] = field(default_factory=list)  # decided but not generated (no template yet)
    lang: str = "en"  # the language of the documents (recorded with the pristine tree, for `update`)
    stack: dict[str, Any] = field(default_factory=dict)  # the stack's layer.yml, merged (its ``codegen``, if any)


def decision_values(result: Consultation, kb: KnowledgeBase) -> dict[str, Any]:
    return {k: f.value for k, f in result.decisions(kb).items()}


def base_context(project: dict[str, str], decisions: dict[str, Any]) -> dict[str, Any]:
    """What every layer's templates read: the project and the decisions."""
    return {
        "project_name": project["name"],
        "project_slug": project["slug"],
        "project_description": project["description"],
        "tool_version": __version__,
        "decisions": decisions,
    }


def stack_context(project: dict[str, str], decisions: dict[str, Any], spec: dict[str, Any], entities: list[Any]) -> dict[str, Any]:
    """The context of a stack layer (``spec``: its layer.yml) for these decisions and domain model.
    ``stack`` is the layer's own description (a package.json template reads its npm pins from it);
    ``operations``: the contract's operations (:func:`expert.generators.openapi.operations`)."""
    context = {
        **base_context(project, decisions),
        "package": "app",
        "python_version": str((spec.get("toolchain") or {}).get("version", "")),
        "entities": entities,
        "stack": spec,
        **{k: decisions.get(k, "none") for k in ("database", "auth", "orm", "migrations", "cache", "broker")},
    }
    context["operations"] = openapi.operations(openapi.build_openapi(context))
    return context


def companion_layers(spec: dict[str, Any], decisions: dict[str, Any]) -> list[str]:
    """The layers a stack composes with, from its layer.yml: ``common`` (what its language's stacks share:
    config, security, the contract check, the tests), then ``data``: the ORM-neutral data layer and the
    one of the orm decision, last. A stack without them carries all of it itself."""
    data = spec.get("data") or {}
    names = [spec["common"]] if spec.get("common") else []
    names += [data["shared"]] if data.get("shared") else []
    orm = (data.get("orm") or {}).get(decisions.get("orm"))
    return names + ([orm] if orm else [])


def with_data_layer(spec: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The stack's spec as the cross-language layers must see it with this data layer: the files the data
    layer needs at run time (its ``docker.runtime_copy``, e.g. Prisma's migrations) join the image's."""
    extra = [p for p in (data.get("docker") or {}).get("runtime_copy") or [] if p not in spec["docker"].get("runtime_copy", [])]
    if not extra:
        return spec
    docker = {**spec["docker"], "runtime_copy": [*spec["docker"].get("runtime_copy", []), *extra]}
    return {**spec, "docker": docker}


def schema_statements(sql: str) -> list[str]:
    """db/schema.sql as its statements, without comments, the final semicolons or SQLite's PRAGMA (the
    driver turns foreign keys on): what a migration written in the stack's language executes."""
    statements = []
    for paragraph in sql.split(";\n\n"):
        text = "\n".join(line for line in paragraph.splitlines() if not line.startswith("--")).strip().removesuffix(";")
        if text and not text.startswith("PRAGMA"):
            statements.append(text)
    return statements


def build_blueprint(
    project: dict[str, str], result: Consultation, kb: KnowledgeBase, lang: str, entities: list[dict[str, Any]] | None = None
) -> Blueprint:
    """Raises AnswersError (``file:line``) when a name of the model is already taken in the stack's code,
    or when the chosen database cannot hold one of its tables."""
    decisions = decision_values(result, kb)
    stack = select_stack(decisions)
    base = base_context(project, decisions)
    entities = entities or default_entities()
    check_model(entities, stack.name)
    context = {**stack_context(project, decisions, stack.spec, entities), "lang": lang}
    schema.check_database(context, entities)
    companions = companion_layers(stack.spec, decisions)
    if (stack.spec.get("data") or {}).get("orm"):
        context["data"] = layer_spec(companions[-1])
        context["stack"] = with_data_layer(stack.spec, context["data"])
        context["schema_statements"] = schema_statements(schema.build_schema_sql(context))
        context["schema_tables"] = list(schema.schema_metadata(context).tables)
    layers: list[tuple[str, dict[str, Any]]] = [(stack.name, context), *((name, context) for name in companions)]
    cloud = str(result.facts["cloud"].value) if "cloud" in result.facts else "none"
    shared = {**context, "cloud": cloud}
    skipped: list[str] = []
    for key, name in deliverable_layers(decisions, cloud):
        if layer_exists(name):
            layers.append((name, shared))
        else:
            skipped.append(f"{key}={decisions[key]}" + (f" ({cloud})" if key == "iac" else ""))
    adrs = adr.build_adrs(result, kb, lang, [layer_spec(name) for name, _ in layers])
    layers.append(("docs/adr", {**base, "adrs": adrs}))
    documents = {
        "openapi.yaml": dump_yaml(openapi.build_openapi(context)),
        "db/schema.sql": schema.build_schema_sql(context),
        "docs/er.md": schema.build_er_diagram(context),
        ANSWERS_FILE: saved_answers(project, result, kb, entities),
        **adr.adr_documents(adrs),
        **build_docs(project, result, kb, lang, [layer_spec(name) for name, _ in layers]),
    }
    return Blueprint(project, layers, documents, skipped, lang, context["stack"])


def deliverable_layers(decisions: dict[str, Any], cloud: str) -> list[tuple[str, str]]:
    """(decision key, layer name) for every cross-language layer the decisions call for.
    compose and paas deployments need no layer of their own: the container layer's compose file and
    image are what they run."""
    wanted: list[tuple[str, str]] = []
    for key, kind in (("container", "container"), ("ci", "ci")):
        value = decisions.get(key)
        if value and value != "none":
            wanted.append((key, f"{kind}/{value}"))
    deploy = decisions.get("deploy")
    if deploy and deploy not in ("none", "compose", "paas"):
        wanted.append(("deploy", f"deploy/{deploy}"))
    iac = decisions.get("iac")
    if iac and iac != "none":
        wanted.append(("iac", f"iac/{iac}-{cloud}"))
    wanted.append(("deploy", "docs/deployment"))
    return wanted


def saved_answers(project: dict[str, str], result: Consultation, kb: KnowledgeBase, entities: list[dict[str, Any]]) -> str:
    """The project's ``.backend-expert.yml``: enough to regenerate the same tree. Never a secret:
    answers are choices about the architecture, and no question asks for a credential."""
    answers = {k: f.value for k, f in result.facts.items() if f.source in ("answer", "default", "pin")}
    ordered = {k: answers[k] for k in kb.keys() if k in answers}
    doc = {
        "version": FORMAT_VERSION,
        "tool_version": __version__,
        "project": dict(project),
        "answers": ordered,
        "decisions": {k: result.facts[k].value for k in kb.decisions if k in result.facts},
        "entities": to_answers_form(entities),
    }
    header = "# Written by backend-expert. Regenerate with: backend-expert new DIR --answers .backend-expert.yml --no-input\n"
    return header + dump_yaml(doc)
