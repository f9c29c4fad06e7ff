"""Fast checks of the php-laravel starter (stack/php-laravel over data/php-eloquent): for each database, the rendered
project is valid PHP (`php -l` on every file) and PSR-12 clean (phpcs with its own phpcs.xml), its migration executes
db/schema.sql's statements, and its composer.json requires current Laravel; the SQLite sample also passes its own
PHPUnit suite (marked e2e: it takes about 90 s) on Debian's packaged Laravel 8.83 through a vendor/autoload.php shim
made here, in the test harness only (no Packagist on the machines that run this; scripts/php.sh installs the packages)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from expert.generators.stack import layer_spec
from tests.php_harness import assert_phpunit_passes_on_sqlite, assert_valid_psr12
from tests.stack_commands import generate_sample

SAMPLES = Path(__file__).parent / "samples" / "php"
BASE_SAMPLE = SAMPLES / "laravel-postgresql.yml"
DATABASES = layer_spec("stack/php-laravel")["supports"]["database"]


def _generate(sample: Path, project: Path, database: str | None = None) -> Path:
    """The sample's project, its database replaced (MySQL with UUIDv7 ids: the sample's bigint ids are PostgreSQL's)."""
    replace = {"database": database, **({"id_type": "uuid-v7"} if database == "mysql" else {})} if database else {}
    return generate_sample(sample, project, replace)


def _php_files(project: Path) -> list[Path]:
    return sorted([*project.glob("app/**/*.php"), *project.glob("config/*.php"), *project.glob("database/**/*.php"),
                   *project.glob("routes/*.php"), *project.glob("tests/**/*.php"), project / "bootstrap/app.php",
                   project / "public/index.php", project / "artisan"])


@pytest.mark.parametrize("database", DATABASES)
def test_rendered_project_is_valid_psr12_php(database: str, tmp_path: Path) -> None:
    project = _generate(BASE_SAMPLE, tmp_path / "p", database)
    assert_valid_psr12(project, _php_files(project))


def test_migration_executes_the_schema_statements(tmp_path: Path) -> None:
    from expert.generators.blueprint import schema_statements

    project = _generate(BASE_SAMPLE, tmp_path / "p")
    migration = next((project / "database/migrations").glob("*.php")).read_text()
    executed = [m.group(1).strip() for m in re.finditer(r"<<<'SQL'\n(.*?)\n\s*SQL,", migration, re.S)]
    expected = schema_statements((project / "db/schema.sql").read_text())
    assert [" ".join(s.split()) for s in executed] == [" ".join(s.split()) for s in expected]


def test_composer_json_requires_current_laravel(tmp_path: Path) -> None:
    project = _generate(BASE_SAMPLE, tmp_path / "p")
    composer = json.loads((project / "composer.json").read_text())
    assert composer["require"]["laravel/framework"] == "^12.0"
    assert not (project / "vendor").exists(), "the generated project ships no vendor/ (composer install makes it)"


@pytest.mark.e2e  # about 90 s: run with -m e2e
def test_sqlite_sample_passes_its_own_phpunit_on_debian_laravel(tmp_path: Path) -> None:
    project = _generate(SAMPLES / "more" / "laravel-sqlite.yml", tmp_path / "p")
    assert_phpunit_passes_on_sqlite(project, "laravel", ["artisan", "migrate", "--force"], tmp_path / "test.db")
