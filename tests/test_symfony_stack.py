"""Fast checks of the php-symfony starter (stack/php-symfony over data/php-doctrine): for each database, the rendered
project is valid PHP (`php -l` on every file) and PSR-12 clean (phpcs with its own phpcs.xml), its first migration
holds db/schema.sql's statements, and its composer.json requires current Symfony; the SQLite sample also passes its
own PHPUnit suite (marked e2e) on Debian's packaged Symfony 5.4 and Doctrine DBAL 3.6 through a vendor/autoload.php
shim made here, in the test harness only (no Packagist on the machines that run this; scripts/php.sh installs the
packages)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from expert.generators.stack import layer_spec
from tests.stack_commands import generate_sample

SAMPLES = Path(__file__).parent / "samples" / "php"
BASE_SAMPLE = SAMPLES / "symfony-mysql.yml"
DATABASES = layer_spec("stack/php-symfony")["supports"]["database"]
#: the Debian packages the shim loads (each ships an autoload.php that loads its own dependencies)
DEBIAN_PACKAGES = ["Symfony/Bundle/FrameworkBundle", "Symfony/Component/Validator", "Symfony/Component/Console",
                   "Symfony/Component/RateLimiter", "Symfony/Component/Cache", "Doctrine/DBAL", "Monolog", "Ramsey/Uuid"]
#: the test-harness shim: Debian's packaged Symfony instead of Composer's vendor/ (never part of a generated project)
SYMFONY_AUTOLOAD_SHIM = "<?php\nforeach (" + json.dumps(DEBIAN_PACKAGES) + """ as $package) {
    require_once "/usr/share/php/$package/autoload.php";
}
spl_autoload_register(static function (string $class): void {
    foreach (['App\\\\' => __DIR__ . '/../src/', 'Tests\\\\' => __DIR__ . '/../tests/'] as $prefix => $dir) {
        if (str_starts_with($class, $prefix)) {
            $file = $dir . str_replace('\\\\', '/', substr($class, strlen($prefix))) . '.php';
            if (is_file($file)) {
                require $file;
            }
        }
    }
});
"""


def _tool(name: str) -> str:
    """A PHP tool on PATH: missing fails in CI (scripts/php.sh installs it) and skips elsewhere."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (scripts/php.sh: ensure_php)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def _generate(sample: Path, project: Path, database: str | None = None) -> Path:
    """The sample's project, its database replaced (PostgreSQL with bigint ids: both id kinds are rendered)."""
    replace = {"database": database, **({"id_type": "bigint"} if database == "postgresql" else {})} if database else {}
    return generate_sample(sample, project, replace)


def _run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env={**os.environ, **(env or {})})
    assert done.returncode == 0, f"{' '.join(argv)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def _php_files(project: Path) -> list[Path]:
    return sorted([*project.glob("src/**/*.php"), *project.glob("migrations/*.php"), *project.glob("tests/**/*.php"),
                   project / "public/index.php", project / "bin/console"])


@pytest.mark.parametrize("database", DATABASES)
def test_rendered_project_is_valid_psr12_php(database: str, tmp_path: Path) -> None:
    php, phpcs = _tool("php"), _tool("phpcs")
    project = _generate(BASE_SAMPLE, tmp_path / "p", database)
    for path in _php_files(project):
        _run([php, "-l", str(path)], project)
    _run([phpcs, "--standard=phpcs.xml", "-n"], project)
    for name in ("resources/model.json", "tests/model.json", "composer.json"):
        json.loads((project / name).read_text())


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
    php, phpunit = _tool("php"), _tool("phpunit")
    missing = [p for p in DEBIAN_PACKAGES if not Path(f"/usr/share/php/{p}/autoload.php").is_file()]
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)} (scripts/php.sh: ensure_php)")
    project = _generate(SAMPLES / "more" / "symfony-sqlite.yml", tmp_path / "p")
    (project / "vendor").mkdir()
    (project / "vendor" / "autoload.php").write_text(SYMFONY_AUTOLOAD_SHIM)
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'test.db'}", "SECRET_KEY": os.urandom(32).hex()}
    _run([php, "bin/console", "db:migrate"], project, env)
    out = _run([phpunit], project, env)
    assert re.search(r"OK \(\d+ tests", out), out[-2000:]
