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
from expert.messages import COMMON, LocalizedError, Text, both, located, table, text
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
TEXTS = table("answers", {
    "default_description": {"en": "{name}: a backend service.", "fr": "{name} : un service backend."},
    "not_mapping": {"en": "an answers file is a mapping with 'version', 'project' and 'answers'",
                    "fr": "un fichier de réponses est un dictionnaire avec « version », « project » et « answers »"},
    "unknown_section": {"en": "unknown section {key}{hint}", "fr": "section inconnue {key}{hint}"},
    "version": {"en": "unsupported format version {version} (this tool reads version {supported})",
                "fr": "version de format non prise en charge {version} (cet outil lit la version {supported})"},
    "project_mapping": {"en": "'project' must be a mapping (name, slug, description)",
                        "fr": "« project » doit être un dictionnaire (name, slug, description)"},
    "unknown_project_field": {"en": "unknown project field {key}{hint}", "fr": "champ de projet inconnu {key}{hint}"},
    "answers_mapping": {"en": "'answers' must be a mapping of question ids to values",
                        "fr": "« answers » doit être un dictionnaire des identifiants de question vers leurs valeurs"},
    "too_long": {"en": "{what} is {length:,} characters long; the limit is {limit:,}",
                 "fr": "{what} fait {length} caractères ; la limite est de {limit}"},
    "control": {"en": "{what} contains a control character (U+{code}); remove it",
                "fr": "{what} contient un caractère de contrôle (U+{code}) ; retirez-le"},
    "empty_project_field": {"en": "project.{key} must be a non-empty text", "fr": "project.{key} doit être un texte non vide"},
    "bad_slug": {"en": "project.slug {slug} is invalid: use lower-case letters, digits and '-', starting with a letter",
                 "fr": "project.slug {slug} n'est pas valide : utilisez des minuscules, des chiffres et « - », en "
                       "commençant par une lettre"},
    # the slug names things in YAML, shell and env files, unquoted in places: never a word YAML retypes
    "slug_typed": {"en": "{slug!r} reads as a boolean or null in YAML (Kubernetes, compose); set project.slug to another word",
                   "fr": "{slug!r} se lit comme un booléen ou null en YAML (Kubernetes, compose) ; donnez un autre mot "
                         "à project.slug"},
    "expects_bool": {"en": "{key} expects true or false, not {value}", "fr": "{key} attend true ou false, pas {value}"},
    "expects_text": {"en": "{key} expects a text, not {value}", "fr": "{key} attend un texte, pas {value}"},
    "bad_choice": {"en": "{key}: {value} is not a valid choice ({choices}){hint}",
                   "fr": "{key} : {value} n'est pas un choix valide ({choices}){hint}"},
    "needs_one": {"en": "{key} needs at least one of: {choices}", "fr": "{key} demande au moins l'une des valeurs : {choices}"},
    "contradiction": {"en": "{key}: {problem}", "fr": "{key} : {problem}"},
    "unknown_value": {"en": "{key}: {value} is not a known value ({values}){hint}",
                      "fr": "{key} : {value} n'est pas une valeur connue ({values}){hint}"},
    "unknown_key": {"en": "unknown answer key {key}{hint}", "fr": "clé de réponse inconnue {key}{hint}"},
    "set_too_long": {"en": "{length:,} characters long; the limit is {limit:,}",
                     "fr": "{length} caractères ; la limite est de {limit}"},
    "set_shape": {"en": "expected key=value", "fr": "forme attendue : clé=valeur"},
    "folder": {"en": "destination folder {name}", "fr": "dossier de destination {name}"},
    "no_slug": {"en": "cannot derive a project slug from the name {name}: set project.slug (lower-case letters, digits, '-')",
                "fr": "impossible de tirer un slug de projet du nom {name} : définissez project.slug (minuscules, "
                      "chiffres, « - »)"},
    "name_slug": {"en": "the name {name} gives the slug: {problem}", "fr": "le nom {name} donne le slug : {problem}"},
    "no_file": {"en": "{path}: no such answers file", "fr": "{path} : aucun fichier de réponses de ce nom"},
})
PROJECT_LIMITS = {"name": MAX_NAME_LENGTH, "slug": MAX_SLUG_LENGTH, "description": MAX_DESCRIPTION_LENGTH}


class AnswersError(LocalizedError):
    """Bad answers: the message is one line, starting with ``file:line:`` when it comes from a file."""


def _bad(where: str | Text, key: str, /, **fields: Any) -> AnswersError:
    """The error ``where: <message key>`` (``where`` is ``file:line`` or ``--set ...``)."""
    return AnswersError(located(where, text(TEXTS, key, **fields)))


@dataclass
class AnswerSet:
    """What the user said: project fields and answers (question ids and decision pins)."""

    project: dict[str, str] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)
    entities: list[dict[str, Any]] | None = None  # the normalised domain model (expert.model)


def suggest(word: Any, options: list[str]) -> Text:
    """" (did you mean 'x'?)" in either language, or an empty text when no option is close."""
    if len(str(word)) > 100:  # no option is that long; skip the comparison of a huge input
        return text(COMMON, "empty")
    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    return text(COMMON, "did_you_mean", word=close[0]) if close else text(COMMON, "empty")


def did_you_mean(word: Any, options: list[str]) -> str:
    return str(suggest(word, options))


def load_answers(path: Path, kb: KnowledgeBase) -> AnswerSet:
    """Read and validate an answers file (also a generated project's ``.backend-expert.yml``)."""
    try:
        doc = load_yaml(path)
    except YamlError as exc:
        raise AnswersError(str(exc)) from None
    if doc is None:
        return AnswerSet()
    if not isinstance(doc, dict):
        raise _bad(f"{path}:1", "not_mapping")
    for key in doc:
        if key not in TOP_KEYS:
            raise _bad(f"{path}:{line_of(doc, key)}", "unknown_section", key=quote(key), hint=suggest(key, list(TOP_KEYS)))
    version = doc.get("version", FORMAT_VERSION)
    if type(version) is not int or version != FORMAT_VERSION:  # not True, which equals 1
        where = f"{path}:{line_of(doc, 'version')}"
        raise _bad(where, "version", version=quote(version), supported=FORMAT_VERSION)
    result = AnswerSet()
    project = doc.get("project") or {}
    if not isinstance(project, dict):
        raise _bad(f"{path}:{line_of(doc, 'project')}", "project_mapping")
    for key, value in project.items():
        where = f"{path}:{line_of(project, key)}"
        if key not in PROJECT_KEYS:
            raise _bad(where, "unknown_project_field", key=quote(key), hint=suggest(key, list(PROJECT_KEYS)))
        result.project[key] = check_project_field(key, value, where)
    answers = doc.get("answers") or {}
    if not isinstance(answers, dict):
        raise _bad(f"{path}:{line_of(doc, 'answers')}", "answers_mapping")
    for key, value in answers.items():
        where = f"{path}:{line_of(answers, key)}"
        result.answers[str(key)] = check_answer(kb, str(key), plain(value), where)
    if doc.get("entities") is not None:
        from expert.model import parse_entities  # the model module uses this module's errors

        result.entities = parse_entities(doc["entities"], str(path))
    return result


#: control characters, and lone surrogates (undecodable bytes of a command-line argument)
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def check_text(value: str, what: str | Text, limit: int, where: str, multiline: bool = False) -> str:
    """A user's free text: at most ``limit`` characters, no control character (newlines and tabs only
    when ``multiline``)."""
    if len(value) > limit:
        raise _bad(where, "too_long", what=what, length=len(value), limit=limit)
    bad = CONTROL_RE.search(value) or (not multiline and re.search("[\n\r\t]", value))
    if bad:
        raise _bad(where, "control", what=what, code=f"{ord(bad.group()):04X}")
    return value


def check_project_field(key: str, value: Any, where: str | Text) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _bad(where, "empty_project_field", key=key)
    check_text(value, f"project.{key}", PROJECT_LIMITS[key], where, multiline=key == "description")
    if key == "slug" and not SLUG_RE.match(value):
        raise _bad(where, "bad_slug", slug=quote(value))
    if key == "slug" and value in TYPED_WORDS:
        raise _bad(where, "slug_typed", slug=value)
    return str(value)


def check_answer(kb: KnowledgeBase, key: str, value: Any, where: str) -> Any:
    """Validate one answer (question id or decision key); return it normalised."""
    if key in kb.questions:
        q = kb.questions[key]
        if q.type == "bool":
            if isinstance(value, bool):
                return value
            raise _bad(where, "expects_bool", key=key, value=quote(value))
        if q.type == "text":
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                return check_text(str(value), key, MAX_TEXT_ANSWER_LENGTH, where)
            raise _bad(where, "expects_text", key=key, value=quote(value))
        choices = q.choice_values()
        if q.type == "multi":
            items = value if isinstance(value, list) else [value]
            out = []
            for item in items:
                if not isinstance(item, str) or item not in choices:
                    raise _bad(where, "bad_choice", key=key, value=quote(item), choices=", ".join(choices),
                               hint=suggest(item, choices))
                if item not in out:
                    out.append(item)
            if not out:
                raise _bad(where, "needs_one", key=key, choices=", ".join(choices))
            contradiction = selection_problem(key, out, "en")
            if contradiction:
                problem = both(contradiction, selection_problem(key, out, "fr") or contradiction)
                raise _bad(where, "contradiction", key=key, problem=problem)
            return sorted(out, key=choices.index)
        if not isinstance(value, str) or value not in choices:
            raise _bad(where, "bad_choice", key=key, value=quote(value), choices=", ".join(choices),
                       hint=suggest(value, choices))
        return value
    if key in kb.decisions:
        values = list(kb.decisions[key].values)
        if not isinstance(value, str) or value not in values:
            raise _bad(where, "unknown_value", key=key, value=quote(value), values=", ".join(values),
                       hint=suggest(value, values))
        return value
    known = list(kb.questions) + list(kb.decisions)
    raise _bad(where, "unknown_key", key=quote(key), hint=suggest(key, known))


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
            raise _bad(where, "set_too_long", length=len(item), limit=MAX_SET_LENGTH)
        if "=" not in item:
            raise _bad(where, "set_shape")
        key, raw = item.split("=", 1)
        key = key.strip()
        if key.startswith("project."):
            field_name = key.split(".", 1)[1]
            if field_name not in PROJECT_KEYS:
                raise _bad(where, "unknown_project_field", key=quote(field_name), hint=suggest(field_name, list(PROJECT_KEYS)))
            result.project[field_name] = check_project_field(field_name, raw, where)
        else:
            result.answers[key] = check_answer(kb, key, parse_cli_value(kb, key, raw), where)


def slugify(name: str) -> str:
    """A slug from a free-text name: ASCII-folded, lower-case, words joined by '-'."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    slug = re.sub(r"^[^a-z]+", "", slug)
    return slug[:MAX_SLUG_LENGTH].rstrip("-")


def resolve_project(project: dict[str, str], fallback_name: str, lang: str = "en") -> dict[str, str]:
    """Fill name (from the destination folder), slug (from the name) and description (in ``lang``)."""
    name = project.get("name") or check_project_field(
        "name", fallback_name, text(TEXTS, "folder", name=quote(fallback_name)))
    slug = project.get("slug") or slugify(name)
    if not slug or not SLUG_RE.match(slug):
        raise AnswersError(text(TEXTS, "no_slug", name=quote(name)))
    if slug in TYPED_WORDS:
        raise AnswersError(text(TEXTS, "name_slug", name=quote(name), problem=text(TEXTS, "slug_typed", slug=slug)))
    description = project.get("description") or text(TEXTS, "default_description", name=name).render(lang)
    return {"name": name, "slug": slug, "description": description}
