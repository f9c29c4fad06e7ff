#!/usr/bin/env bash
# Quick start 2: install backend-expert with its test and validator extras, make sure PostgreSQL and
# MariaDB servers are running and PHP and NGINX are installed (from apt when run as root on Debian), then
# run the whole suite, end-to-end tests included (they generate starters and run THEIR lint, tests and validators).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
make_venv "test,validate"
. scripts/postgres.sh
ensure_postgres
. scripts/mysql.sh
ensure_mysql      # exports E2E_MYSQL_URL (the database=mysql samples run against MariaDB)
. scripts/php.sh
ensure_php        # PHP 8.2, Debian's Laravel 8.83, PHPUnit, PHP_CodeSniffer (the php-laravel checks)
. scripts/nginx.sh
ensure_nginx      # nginx -t on the generated edge configuration
export E2E_DATABASE_URL="${E2E_DATABASE_URL:-postgresql://expert:expert@127.0.0.1:5432/expert}"
status=0
# two workers (TEST_WORKERS=0 for one process): an end-to-end test mostly waits on its project's installs,
# builds and servers, so two of them overlap well on two cores; worksteal balances the long e2e tests
workers=(-n "${TEST_WORKERS:-2}" --dist worksteal)
[ "${TEST_WORKERS:-2}" = 0 ] && workers=(-p no:xdist)
.venv/bin/python -m pytest "${workers[@]}" "$@" || status=$?
exit "$status"
