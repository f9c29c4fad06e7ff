"""Fast checks of the php-symfony starter (stack/php-symfony over data/php-doctrine): for each database, the rendered
project is valid PHP (`php -l` on every file) and PSR-12 clean (phpcs with its own phpcs.xml), its first migration
holds db/schema.sql's statements, and its composer.json requires current Symfony; the SQLite sample also passes its
own PHPUnit suite (marked e2e) on Debian's packaged Symfony 5.4 and Doctrine DBAL 3.6 through a vendor/autoload.php
shim made here, in the test harness only (no Packagist on the machines that run this; scripts/php.sh installs the
packages)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from expert.generators.stack import layer_spec
from tests.php_harness import assert_phpunit_passes_on_sqlite, assert_valid_psr12
from tests.stack_commands import generate_sample

SAMPLES = Path(__file__).parent / "samples" / "php"
BASE_SAMPLE = SAMPLES / "symfony-mysql.yml"
DATABASES = layer_spec("stack/php-symfony")["supports"]["database"]


def _generate(sample: Path, project: Path, database: str | None = None) -> Path:
    """The sample's project, its database replaced (PostgreSQL with bigint ids: both id kinds are rendered)."""
    replace = {"database": database, **({"id_type": "bigint"} if database == "postgresql" else {})} if database else {}
    return generate_sample(sample, project, replace)


def _php_files(project: Path) -> list[Path]:
    return sorted([*project.glob("src/**/*.php"), *project.glob("migrations/*.php"), *project.glob("tests/**/*.php"),
                   project / "public/index.php", project / "bin/console"])


@pytest.mark.parametrize("database", DATABASES)
def test_rendered_project_is_valid_psr12_php(database: str, tmp_path: Path) -> None:
    project = _generate(BASE_SAMPLE, tmp_path / "p", database)
    assert_valid_psr12(project, _php_files(project))


def test_first_migration_holds_the_schema_statements(tmp_path: Path) -> None:
    from expert.generators.blueprint import schema_statements

    project = _generate(BASE_SAMPLE, tmp_path / "p")
    migration = (project / "migrations" / "0001_initial_schema.php").read_text()
    executed = [m.group(1).strip() for m in re.finditer(r"<<<'SQL'\n(.*?)\n\s*SQL,", migration, re.S)]
    expected = schema_statements((project / "db/schema.sql").read_text())
    assert [" ".join(s.split()) for s in executed] == [" ".join(s.split()) for s in expected]


def test_composer_json_requires_current_symfony(tmp_path: Path) -> None:
    project = _generate(BASE_SAMPLE, tmp_path / "p")
    composer = json.loads((project / "composer.json").read_text())
    assert composer["require"]["symfony/framework-bundle"] == "^7.3"
    assert composer["require"]["doctrine/dbal"] == "^4.2"
    assert not (project / "vendor").exists(), "the generated project ships no vendor/ (composer install makes it)"


@pytest.mark.e2e  # about a minute: run with -m e2e
def test_sqlite_sample_passes_its_own_phpunit_on_debian_symfony(tmp_path: Path) -> None:
    project = _generate(SAMPLES / "more" / "symfony-sqlite.yml", tmp_path / "p")
    assert_phpunit_passes_on_sqlite(project, "symfony", ["bin/console", "db:migrate"], tmp_path / "test.db")
