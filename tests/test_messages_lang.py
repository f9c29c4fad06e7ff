"""The last English-only lines a user reads, in the user's language (issue 10: ``--lang fr`` covers everything).

Driven through the CLI in French and in English: the interview's refusal of a project name (the prompter printed
the English line), and the commit's refusal of a destination whose folder stands where the project needs a file
(expert.transaction). A signal's line (expert.interrupts) keeps its English ``str()`` and renders in French.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from expert.cli import cli
from expert.interrupts import TEXTS as INTERRUPTS
from expert.interrupts import Interrupted
from expert.messages import TABLES, in_lang, text

SAMPLE = Path(__file__).parent / "samples" / "orders-api.yml"

REFUSED_NAME = {
    "en": "  Project name: project.name contains a control character (U+0001); remove it\n",
    "fr": "  Nom du projet: project.name contient un caractère de contrôle (U+0001) ; retirez-le\n",
}
FOLDER_NOT_FILE = {
    "en": "Error: {path} is a directory in the destination, the project needs a file there\n",
    "fr": "Erreur : {path} est un dossier de la destination, le projet a besoin d'un fichier à cet endroit\n",
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_interview_refuses_a_project_name_in_the_users_language(tmp_path: Path, lang: str) -> None:
    answers = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    answers.pop("project")  # so that the interview asks the name first
    (tmp_path / "answers.yml").write_text(yaml.safe_dump(answers), encoding="utf-8")
    result = CliRunner().invoke(cli, ["new", str(tmp_path / "p"), "--lang", lang, "--answers", str(tmp_path / "answers.yml")],
                                input="bad\x01name\n" + "\n" * 30)
    assert result.exit_code == 0, result.output
    assert REFUSED_NAME[lang] in result.output


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_commit_refuses_a_folder_where_a_file_goes_in_the_users_language(tmp_path: Path, lang: str) -> None:
    dest = tmp_path / "p"
    (dest / "README.md").mkdir(parents=True)
    result = CliRunner().invoke(cli, ["new", str(dest), "--force", "--no-input", "--lang", lang, "--answers", str(SAMPLE)])
    assert result.exit_code == 1
    assert result.output.endswith(FOLDER_NOT_FILE[lang].format(path=dest / "README.md"))
    assert sorted(p.name for p in dest.iterdir()) == ["README.md"], "nothing was written"


def test_a_signals_line_is_english_in_str_and_french_in_french() -> None:
    default = Interrupted(signal.SIGTERM)
    assert (str(default), in_lang(default, "fr")) == ("interrupted by SIGTERM", "interrompu par SIGTERM")
    late = Interrupted(signal.SIGINT, text(INTERRUPTS, "written_first", signal="SIGINT", dest="shop"))
    assert str(late).startswith("interrupted by SIGINT while the project was written into shop: ")
    assert in_lang(late, "fr") == ("interrompu par SIGINT pendant l'écriture du projet dans shop : l'écriture a "
                                   "d'abord été terminée, le projet est complet")
    assert in_lang(Interrupted(signal.SIGINT, "as it is"), "fr") == "as it is"


def test_the_new_tables_are_in_the_sweep() -> None:
    """tests/test_answers.py checks every registered table for both languages with the same fields."""
    assert {"transaction", "interrupts"} <= set(TABLES)


def test_a_model_change_refusal_is_english_in_str_and_french_in_french() -> None:
    """update prints migration_diff's refusals; a tool it cannot write for is one (``str()`` stays English)."""
    from expert.generators.migration_diff import ModelChangeRefused, migration_paths

    with pytest.raises(ModelChangeRefused) as caught:
        migration_paths({"migrations": "liquibase", "database": "postgresql"})
    assert str(caught.value).startswith("migrations=liquibase: backend-expert cannot write a migration for this tool (it can for ")
    assert in_lang(caught.value, "fr").startswith("migrations=liquibase : backend-expert ne sait pas écrire de migration "
                                                  "pour cet outil (il le sait pour ")
    assert "migration_diff" in TABLES
