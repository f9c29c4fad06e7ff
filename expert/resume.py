"""Never lose the user's work: what a run of ``new`` was told so far, saved when the run ends without a project.

A refusal (a conflict, a decision no starter generates, an invalid model), a write failure or Ctrl-C after
questions were answered saves the answers, in the answers-file format that ``--answers`` loads, BESIDE the
destination (``<parent>/<name>.answers.yml``, never inside a half-written destination, never over an existing
file), and the error message ends with the exact command that resumes. cookiecutter's replay file is written
only after a successful generation and its path is not shown; this one is written precisely when generation
did not happen, and says how to go on.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from expert import __version__
from expert.answers import FORMAT_VERSION
from expert.yamlio import dump_yaml

#: how many numbered names (``NAME.answers-2.yml`` ...) are tried before giving up on a folder
MAX_NAME_ATTEMPTS = 100


@dataclass
class Progress:
    """What the user has said in this run: project fields, answers and pins in the order given, the model.
    ``told`` is False while everything came from an existing answers file (nothing new to save)."""

    project: dict[str, str] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)
    entities: list[dict[str, Any]] | None = None
    told: bool = False

    def record(self, key: str, value: Any) -> None:
        self.answers[key] = value
        self.told = True

    def document(self) -> str:
        from expert.model import to_answers_form  # the model module imports expert.answers, as this one does

        doc: dict[str, Any] = {"version": FORMAT_VERSION, "tool_version": __version__}
        if self.project:
            doc["project"] = dict(self.project)
        doc["answers"] = dict(self.answers)
        if self.entities is not None:
            doc["entities"] = to_answers_form(self.entities)
        header = "# Answers saved by backend-expert when `new` ended without a project; resume with --answers.\n"
        return header + dump_yaml(doc)


def candidates(dest: Path) -> list[Path]:
    """Folders to save in, best first: the destination's parent, then the working folder, then home."""
    parent = Path(os.path.abspath(dest)).parent
    out = [parent]
    for other in (Path.cwd(), Path.home()):
        if other not in out:
            out.append(other)
    return out


def save(progress: Progress, dest: Path) -> Path | None:
    """Write the answers file beside ``dest`` under a name no file has; None if no folder takes it."""
    name = Path(os.path.abspath(dest)).name or "project"
    text = progress.document().encode("utf-8")
    for folder in candidates(dest):
        for n in range(1, MAX_NAME_ATTEMPTS + 1):
            path = folder / (f"{name}.answers.yml" if n == 1 else f"{name}.answers-{n}.yml")
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
            except FileExistsError:
                continue
            except OSError:
                break  # this folder refuses: try the next one
            with os.fdopen(fd, "wb") as out:
                out.write(text)
            return path
    return None


def resume_command(dest: Path, saved: Path, *, force: bool, lang: str | None, packs: tuple[Path, ...]) -> str:
    """The command line that resumes: the same destination and options, the saved answers."""
    words = ["backend-expert", "new", os.fspath(dest), "--answers", os.fspath(saved)]
    for pack in packs:
        words += ["--rules", os.fspath(pack)]
    if lang:
        words += ["--lang", lang]
    if force:
        words.append("--force")
    return shlex.join(words)


def saved_line(saved: Path | None, command: str | None, lang: str) -> str:
    """The line that ends the error message of a run whose answers were (or could not be) saved."""
    if saved is None:
        return ("vos réponses n'ont pu être enregistrées nulle part (dossier parent, dossier courant, dossier personnel)"
                if lang == "fr" else
                "your answers could not be saved anywhere (the parent folder, the working folder, home)")
    if lang == "fr":
        return f"vos réponses sont enregistrées dans {saved} ; pour reprendre : {command}"
    return f"your answers are saved in {saved}; to resume: {command}"


@dataclass
class Offer:
    """The saved answers of a ``--revise``: offered as defaults, not taken as given."""

    project: dict[str, str] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)
    entities: list[dict[str, Any]] | None = None


REVISE_TEXTS = {
    "en": "--revise needs saved answers: give --answers FILE, or a destination that holds {name}",
    "fr": "--revise a besoin de réponses enregistrées : donnez --answers FICHIER, ou une destination qui contient {name}",
}


def revised_file(answers_file: Path | None, dest: Path, lang: str) -> Path:
    """The answers a ``--revise`` offers: ``--answers FILE``, else the destination's ``.backend-expert.yml``."""
    from expert.answers import AnswersError
    from expert.generators.blueprint import ANSWERS_FILE

    if answers_file is not None:
        return answers_file
    saved = Path(dest) / ANSWERS_FILE
    if not saved.is_file():
        raise AnswersError(REVISE_TEXTS.get(lang, REVISE_TEXTS["en"]).format(name=saved))
    return saved


def offer(answer_set: Any, kb: Any, sets: tuple[str, ...]) -> tuple[Any, Offer]:
    """Split a loaded answer set for ``--revise``: the questions' answers, the project fields and the model are
    offered as defaults (asked again); decision pins and what ``--set`` gives stay as given."""
    from expert.answers import AnswerSet

    forced = {item.split("=", 1)[0].strip() for item in sets}
    offered = Offer(
        project={k: v for k, v in answer_set.project.items()
                 if k in ("name", "description") and f"project.{k}" not in forced},
        answers={k: v for k, v in answer_set.answers.items() if k in kb.questions and k not in forced},
        entities=answer_set.entities,
    )
    kept = AnswerSet(
        project={k: v for k, v in answer_set.project.items() if k not in offered.project},
        answers={k: v for k, v in answer_set.answers.items() if k not in offered.answers},
        entities=None,
    )
    return kept, offered
