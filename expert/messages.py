"""Messages the user reads, as data: a key in a table of en/fr templates with named fields.

An error built from a :class:`Text` keeps its key and fields, not a finished sentence: ``str(error)`` is the
English line (logs, tests, callers that only need a string), and the error printer renders it in the user's
language with :func:`in_lang`. A field may itself be a ``Text`` (a fragment such as "field Order.total" or a
"did you mean" hint): it is rendered in the same language. Every table registers itself in :data:`TABLES`,
so one test can check that each template has both languages with the same named fields.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from typing import Any

Table = dict[str, dict[str, str]]
LANGS = ("en", "fr")
#: every message table of the tool, by name (filled by :func:`table` as the modules are imported)
TABLES: dict[str, Table] = {}


def table(name: str, templates: Table) -> Table:
    """Register ``templates`` under ``name`` and return it (module-level: ``TEXTS = table("model", {...})``)."""
    TABLES[name] = templates
    return templates


@dataclass(frozen=True)
class Text:
    """One message: its template pair and the values of its named fields."""

    templates: Table
    key: str
    fields: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str) -> str:
        pair = self.templates[self.key]
        template = pair.get(lang) or pair["en"]
        return template.format(**{name: _field(value, lang) for name, value in self.fields.items()})

    def __str__(self) -> str:
        return self.render("en")


def text(templates: Table, key: str, /, **fields: Any) -> Text:
    return Text(templates, key, fields)


def _field(value: Any, lang: str) -> Any:
    if isinstance(value, Text):
        return value.render(lang)
    if isinstance(value, LocalizedError):
        return value.in_lang(lang)
    return value


class LocalizedError(Exception):
    """An error whose line can be rendered in the user's language; ``str()`` is the English line."""

    def __init__(self, message: str | Text) -> None:
        super().__init__(str(message))
        self.text = message

    def in_lang(self, lang: str) -> str:
        return self.text.render(lang) if isinstance(self.text, Text) else str(self.text)


def in_lang(exc: BaseException, lang: str) -> str:
    """The line of ``exc`` in ``lang``: translated when it was built from a Text (a LocalizedError, or another
    exception with the same ``in_lang``, such as a signal's Interrupted), else as it is."""
    translate = getattr(exc, "in_lang", None)
    return translate(lang) if callable(translate) else str(exc)


COMMON = table("common", {
    "located": {"en": "{where}: {message}", "fr": "{where}: {message}"},
    "joined": {"en": "{first}; {second}", "fr": "{first} ; {second}"},
    "did_you_mean": {"en": " (did you mean {word!r}?)", "fr": " (vouliez-vous dire {word!r} ?)"},
    "empty": {"en": "", "fr": ""},
})

#: the system's reasons users meet when writing a project, in French (others keep the system's English text)
OS_REASONS = table("os", {
    "ENOSPC": {"en": "No space left on device", "fr": "plus d'espace disponible sur le périphérique"},
    "EDQUOT": {"en": "Disk quota exceeded", "fr": "quota de disque dépassé"},
    "EACCES": {"en": "Permission denied", "fr": "permission refusée"},
    "EPERM": {"en": "Operation not permitted", "fr": "opération non permise"},
    "EROFS": {"en": "Read-only file system", "fr": "système de fichiers en lecture seule"},
    "ENOENT": {"en": "No such file or directory", "fr": "fichier ou dossier inexistant"},
    "ENOTDIR": {"en": "Not a directory", "fr": "n'est pas un dossier"},
    "EISDIR": {"en": "Is a directory", "fr": "est un dossier"},
    "EEXIST": {"en": "File exists", "fr": "le fichier existe"},
    "ENAMETOOLONG": {"en": "File name too long", "fr": "nom de fichier trop long"},
    "EIO": {"en": "Input/output error", "fr": "erreur d'entrée-sortie"},
    "ELOOP": {"en": "Too many levels of symbolic links", "fr": "trop de niveaux de liens symboliques"},
    "ENOTEMPTY": {"en": "Directory not empty", "fr": "dossier non vide"},
    "EBUSY": {"en": "Device or resource busy", "fr": "périphérique ou ressource occupé"},
})


def reason(exc: OSError) -> Text | str:
    """The system's reason for ``exc``: a Text for the common ones (English as the C library says it)."""
    if not exc.errno:
        return str(exc)
    name = errno.errorcode.get(exc.errno, "")
    if name in OS_REASONS:
        return Text({name: {"en": os.strerror(exc.errno), "fr": OS_REASONS[name]["fr"]}}, name)
    return os.strerror(exc.errno)


@dataclass(frozen=True)
class Both(Text):
    """A message already written in both languages by another module (no fields: it is not formatted)."""

    def render(self, lang: str) -> str:
        pair = self.templates[self.key]
        return pair.get(lang) or pair["en"]


def both(en: str, fr: str) -> Both:
    return Both({"text": {"en": en, "fr": fr}}, "text")


def located(where: str | Text, message: Text | str) -> Text:
    """``where: message``, the one-line shape of every error that points into a file (``file:line``)."""
    return text(COMMON, "located", where=where, message=message)
