#!/bin/sh
# Runs once, when the database volume is initialised (mysql image: /docker-entrypoint-initdb.d).
# Creates the application's least-privilege user: it may read and write rows, never change the schema;
# migrations run as $MYSQL_USER, which owns the database.
set -eu
for value in "$APP_DB_USER" "$APP_DB_PASSWORD" "$MYSQL_DATABASE"; do
  case "$value" in
    *\'*|*\\*|*\`*) echo "APP_DB_USER, APP_DB_PASSWORD and MYSQL_DATABASE must not contain quotes or backslashes" >&2; exit 1 ;;
  esac
done
mysql --user=root --password="$MYSQL_ROOT_PASSWORD" <<SQL
CREATE USER '${APP_DB_USER}'@'%' IDENTIFIED BY '${APP_DB_PASSWORD}';
GRANT SELECT, INSERT, UPDATE, DELETE ON \`${MYSQL_DATABASE}\`.* TO '${APP_DB_USER}'@'%';
SQL
