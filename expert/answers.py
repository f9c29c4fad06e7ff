"""Answers files and ``--set`` values: load, validate against the knowledge base, normalise.

Every error is one line, ``file:line: problem``, with a "did you mean" for a misspelled key or value.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from expert.knowledge import KnowledgeBase
from expert.selections import problem as selection_problem
from expert.yamlio import TYPED_WORDS, YamlError, line_of, load_yaml, plain, quote

FORMAT_VERSION = 1
SLUG_RE = re.compile(r"^[a-z][a-z0-9-]*$")
TOP_KEYS = ("version", "tool_version", "project", "answers", "decisions", "entities")
PROJECT_KEYS = ("name", "slug", "description")
TRUE_WORDS = {"true", "yes", "y", "on", "1", "oui", "o"}
FALSE_WORDS = {"false", "no", "n", "off", "0", "non"}
#: longest project name, in characters (it titles the README, the OpenAPI document, the ADRs)
MAX_NAME_LENGTH = 200
#: longest slug: a DNS label (the slug names Kubernetes objects, images and the database)
MAX_SLUG_LENGTH = 63
#: longest description, whether from the file, ``--set`` or ``--describe`` (it is copied into several files)
MAX_DESCRIPTION_LENGTH = 4000
#: longest answer to a ``text`` question
MAX_TEXT_ANSWER_LENGTH = 1000
#: longest ``--set key=value`` item: anything longer cannot be valid (the description is the longest value)
MAX_SET_LENGTH = MAX_DESCRIPTION_LENGTH + 100
#: the slug names things in YAML, shell and env files, unquoted in places: never a word YAML retypes
SLUG_TYPED = "{slug!r} reads as a boolean or null in YAML (Kubernetes, compose); set project.slug to another word"
PROJECT_LIMITS = {"name": MAX_NAME_LENGTH, "slug": MAX_SLUG_LENGTH, "description": MAX_DESCRIPTION_LENGTH}


class AnswersError(Exception):
    """Bad answers: the message is one line, starting with ``file:line:`` when it comes from a file."""


@dataclass
class AnswerSet:
    """What the user said: project fields and answers (question ids and decision pins)."""

    project: dict[str, str] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)
    entities: list[dict[str, Any]] | None = None  # the normalised domain model (expert.model)


def did_you_mean(word: Any, options: list[str]) -> str:
    if len(str(word)) > 100:  # no option is that long; skip the comparison of a huge input
        return ""
    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def load_answers(path: Path, kb: KnowledgeBase) -> AnswerSet:
    """Read and validate an answers file (also a generated project's ``.backend-expert.yml``)."""
    try:
        doc = load_yaml(path)
    except YamlError as exc:
        raise AnswersError(str(exc)) from None
    if doc is None:
        return AnswerSet()
    if not isinstance(doc, dict):
        raise AnswersError(f"{path}:1: an answers file is a mapping with 'version', 'project' and 'answers'")
    for key in doc:
        if key not in TOP_KEYS:
            raise AnswersError(f"{path}:{line_of(doc, key)}: unknown section {quote(key)}{did_you_mean(key, list(TOP_KEYS))}")
    version = doc.get("version", FORMAT_VERSION)
    if type(version) is not int or version != FORMAT_VERSION:  # not True, which equals 1
        where = f"{path}:{line_of(doc, 'version')}"
        raise AnswersError(f"{where}: unsupported format version {quote(version)} (this tool reads version {FORMAT_VERSION})")
    result = AnswerSet()
    project = doc.get("project") or {}
    if not isinstance(project, dict):
        raise AnswersError(f"{path}:{line_of(doc, 'project')}: 'project' must be a mapping (name, slug, description)")
    for key, value in project.items():
        where = f"{path}:{line_of(project, key)}"
        if key not in PROJECT_KEYS:
            raise AnswersError(f"{where}: unknown project field {quote(key)}{did_you_mean(key, list(PROJECT_KEYS))}")
        result.project[key] = check_project_field(key, value, where)
    answers = doc.get("answers") or {}
    if not isinstance(answers, dict):
        raise AnswersError(f"{path}:{line_of(doc, 'answers')}: 'answers' must be a mapping of question ids to values")
    for key, value in answers.items():
        where = f"{path}:{line_of(answers, key)}"
        result.answers[str(key)] = check_answer(kb, str(key), plain(value), where)
    if doc.get("entities") is not None:
        from expert.model import parse_entities  # the model module uses this module's errors

        result.entities = parse_entities(doc["entities"], str(path))
    return result


#: control characters, and lone surrogates (undecodable bytes of a command-line argument)
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def check_text(value: str, what: str, limit: int, where: str, multiline: bool = False) -> str:
    """A user's free text: at most ``limit`` characters, no control character (newlines and tabs only
    when ``multiline``)."""
    if len(value) > limit:
        raise AnswersError(f"{where}: {what} is {len(value):,} characters long; the limit is {limit:,}")
    bad = CONTROL_RE.search(value) or (not multiline and re.search("[\n\r\t]", value))
    if bad:
        raise AnswersError(f"{where}: {what} contains a control character (U+{ord(bad.group()):04X}); remove it")
    return value


def check_project_field(key: str, value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AnswersError(f"{where}: project.{key} must be a non-empty text")
    check_text(value, f"project.{key}", PROJECT_LIMITS[key], where, multiline=key == "description")
    if key == "slug" and not SLUG_RE.match(value):
        raise AnswersError(
            f"{where}: project.slug {quote(value)} is invalid: use lower-case letters, digits and '-', starting with a letter"
        )
    if key == "slug" and value in TYPED_WORDS:
        raise AnswersError(f"{where}: {SLUG_TYPED.format(slug=value)}")
    return str(value)


def check_answer(kb: KnowledgeBase, key: str, value: Any, where: str) -> Any:
    """Validate one answer (question id or decision key); return it normalised."""
    if key in kb.questions:
        q = kb.questions[key]
        if q.type == "bool":
            if isinstance(value, bool):
                return value
            raise AnswersError(f"{where}: {key} expects true or false, not {quote(value)}")
        if q.type == "text":
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                return check_text(str(value), key, MAX_TEXT_ANSWER_LENGTH, where)
            raise AnswersError(f"{where}: {key} expects a text, not {quote(value)}")
        choices = q.choice_values()
        if q.type == "multi":
            items = value if isinstance(value, list) else [value]
            out = []
            for item in items:
                if not isinstance(item, str) or item not in choices:
                    hint = did_you_mean(item, choices)
                    raise AnswersError(f"{where}: {key}: {quote(item)} is not a valid choice ({', '.join(choices)}){hint}")
                if item not in out:
                    out.append(item)
            if not out:
                raise AnswersError(f"{where}: {key} needs at least one of: {', '.join(choices)}")
            contradiction = selection_problem(key, out, "en")
            if contradiction:
                raise AnswersError(f"{where}: {key}: {contradiction}")
            return sorted(out, key=choices.index)
        if not isinstance(value, str) or value not in choices:
            hint = did_you_mean(value, choices)
            raise AnswersError(f"{where}: {key}: {quote(value)} is not a valid choice ({', '.join(choices)}){hint}")
        return value
    if key in kb.decisions:
        values = list(kb.decisions[key].values)
        if not isinstance(value, str) or value not in values:
            hint = did_you_mean(value, values)
            raise AnswersError(f"{where}: {key}: {quote(value)} is not a known value ({', '.join(values)}){hint}")
        return value
    known = list(kb.questions) + list(kb.decisions)
    raise AnswersError(f"{where}: unknown answer key {quote(key)}{did_you_mean(key, known)}")


def parse_cli_value(kb: KnowledgeBase, key: str, raw: str) -> Any:
    """``--set`` gives text: turn it into the type the question expects (lists by commas, booleans)."""
    q = kb.questions.get(key)
    if q is not None and q.type == "bool":
        word = raw.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        return raw
    if q is not None and q.type == "multi":
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw.strip()


def apply_sets(result: AnswerSet, sets: list[str], kb: KnowledgeBase) -> None:
    """Apply ``--set key=value`` (and ``--set project.name=...``) over the file's answers."""
    for item in sets:
        where = f"--set {quote(item, 40)[1:-1]}"
        if len(item) > MAX_SET_LENGTH:
            raise AnswersError(f"{where}: {len(item):,} characters long; the limit is {MAX_SET_LENGTH:,}")
        if "=" not in item:
            raise AnswersError(f"{where}: expected key=value")
        key, raw = item.split("=", 1)
        key = key.strip()
        if key.startswith("project."):
            field_name = key.split(".", 1)[1]
            if field_name not in PROJECT_KEYS:
                hint = did_you_mean(field_name, list(PROJECT_KEYS))
                raise AnswersError(f"{where}: unknown project field {quote(field_name)}{hint}")
            result.project[field_name] = check_project_field(field_name, raw, where)
        else:
            result.answers[key] = check_answer(kb, key, parse_cli_value(kb, key, raw), where)


def slugify(name: str) -> str:
    """A slug from a free-text name: ASCII-folded, lower-case, words joined by '-'."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    slug = re.sub(r"^[^a-z]+", "", slug)
    return slug[:MAX_SLUG_LENGTH].rstrip("-")


def resolve_project(project: dict[str, str], fallback_name: str) -> dict[str, str]:
    """Fill name (from the destination folder), slug (from the name) and description."""
    name = project.get("name") or check_project_field("name", fallback_name, f"destination folder {quote(fallback_name)}")
    slug = project.get("slug") or slugify(name)
    if not slug or not SLUG_RE.match(slug):
        raise AnswersError(
            f"cannot derive a project slug from the name {quote(name)}: set project.slug (lower-case letters, digits, '-')"
        )
    if slug in TYPED_WORDS:
        raise AnswersError(f"the name {quote(name)} gives the slug: {SLUG_TYPED.format(slug=slug)}")
    description = project.get("description") or f"{name}: a backend service."
    return {"name": name, "slug": slug, "description": description}
