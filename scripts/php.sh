# ensure_php: PHP 8.2 with the extensions the PHP starters load, and the Debian packages their checks run on
# where Packagist is out of reach: Laravel 8.83 (php-laravel-framework), Symfony 5.4 (FrameworkBundle, Validator,
# RateLimiter, Console, Cache) with Doctrine DBAL 3.6, Monolog and ramsey/uuid, PHPUnit 9.6 and PHP_CodeSniffer
# (PSR-12). tests/test_php_stack.py and tests/test_symfony_stack.py point a generated project's vendor/autoload.php
# at them (a test-harness shim: the generated composer.json requires current Laravel or Symfony, installed by
# `composer install` elsewhere).
PHP_APT_PACKAGES="php-cli php-intl php-mbstring php-xml php-pgsql php-mysql php-sqlite3 php-laravel-framework phpunit php-codesniffer php-symfony-framework-bundle php-symfony-validator php-symfony-rate-limiter php-symfony-console php-symfony-cache php-doctrine-dbal php-monolog php-ramsey-uuid"

ensure_php() {
  local missing=""
  command -v php >/dev/null 2>&1 || missing="php"
  command -v phpunit >/dev/null 2>&1 || missing="$missing phpunit"
  command -v phpcs >/dev/null 2>&1 || missing="$missing phpcs"
  [ -f /usr/share/php/Illuminate/autoload.php ] || missing="$missing laravel"
  local package
  for package in Symfony/Bundle/FrameworkBundle Symfony/Component/Validator Symfony/Component/RateLimiter Doctrine/DBAL; do
    [ -f "/usr/share/php/$package/autoload.php" ] || missing="$missing $package"
  done
  if [ -z "$missing" ] && php -r 'exit(extension_loaded("intl") && extension_loaded("pdo_pgsql") && extension_loaded("pdo_mysql") && extension_loaded("pdo_sqlite") ? 0 : 1);'; then
    return 0
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing PHP and the PHP starters' checks from apt..."
    apt-get update -qq
    # shellcheck disable=SC2086  # one word a package
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $PHP_APT_PACKAGES >/dev/null
  else
    echo "error: the php-laravel and php-symfony checks need PHP 8.2 and the Debian packages: $PHP_APT_PACKAGES" >&2
    return 1
  fi
}
