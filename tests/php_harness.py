"""What the PHP starters' tests share on machines without Packagist: Debian's packaged Laravel or Symfony
(scripts/php.sh installs them) stands in for `composer install` through a vendor/autoload.php shim written by
the tests (never part of a generated project), and PHP's tools run from PATH."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

#: the Debian packages each framework's shim loads (each ships an autoload.php that loads its own dependencies)
DEBIAN_PACKAGES = {
    "laravel": ["Illuminate"],
    "symfony": ["Symfony/Bundle/FrameworkBundle", "Symfony/Component/Validator", "Symfony/Component/Console",
                "Symfony/Component/RateLimiter", "Symfony/Component/Cache", "Doctrine/DBAL", "Monolog", "Ramsey/Uuid"],
}
#: where each framework's App\ namespace lives in a generated project
APP_DIRS = {"laravel": "app", "symfony": "src"}


def autoload_shim(framework: str) -> str:
    """vendor/autoload.php for this machine: the framework's Debian packages, then App\\ and Tests\\ (PSR-4)."""
    requires = "".join(f"require_once '/usr/share/php/{package}/autoload.php';\n" for package in DEBIAN_PACKAGES[framework])
    app = APP_DIRS[framework]
    return "<?php\n" + requires + """spl_autoload_register(static function (string $class): void {
    foreach (['App\\\\' => __DIR__ . '/../APP/', 'Tests\\\\' => __DIR__ . '/../tests/'] as $prefix => $dir) {
        if (str_starts_with($class, $prefix)) {
            $file = $dir . str_replace('\\\\', '/', substr($class, strlen($prefix))) . '.php';
            if (is_file($file)) {
                require $file;
            }
        }
    }
});
""".replace("/../APP/", f"/../{app}/")


def tool(name: str) -> str:
    """A PHP tool on PATH: missing fails in CI (scripts/php.sh installs it) and skips elsewhere."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (scripts/php.sh: ensure_php)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env={**os.environ, **(env or {})})
    assert done.returncode == 0, f"{' '.join(argv)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def assert_valid_psr12(project: Path, files: list[Path]) -> None:
    """Every file passes `php -l`, the project passes phpcs with its own phpcs.xml, its JSON files parse."""
    php, phpcs = tool("php"), tool("phpcs")
    for path in files:
        run([php, "-l", str(path)], project)
    run([phpcs, "--standard=phpcs.xml", "-n"], project)
    for name in ("resources/model.json", "tests/model.json", "composer.json"):
        json.loads((project / name).read_text())


def assert_phpunit_passes_on_sqlite(project: Path, framework: str, migrate: list[str], database: Path) -> None:
    """With the shim as vendor/, the project migrates a SQLite database and its PHPUnit suite passes."""
    php, phpunit = tool("php"), tool("phpunit")
    missing = [p for p in DEBIAN_PACKAGES[framework] if not Path(f"/usr/share/php/{p}/autoload.php").is_file()]
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)} (scripts/php.sh: ensure_php)")
    (project / "vendor").mkdir()
    (project / "vendor" / "autoload.php").write_text(autoload_shim(framework))
    env = {"DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": os.urandom(32).hex()}
    run([php, *migrate], project, env)
    out = run([phpunit], project, env)
    assert re.search(r"OK \(\d+ tests", out), out[-2000:]
