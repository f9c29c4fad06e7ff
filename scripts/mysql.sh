# ensure_mysql: a MariaDB (MySQL-compatible) server on 127.0.0.1:3306 with a user expert/expert that may
# create databases (the end-to-end tests and tests/test_schema.py create databases for database=mysql,
# then drop them). Sets nothing when E2E_MYSQL_URL is already given.
ensure_mysql() {
  if [ -n "${E2E_MYSQL_URL:-}" ]; then
    return 0  # the caller brings its own server
  fi
  if ! command -v mariadbd >/dev/null 2>&1 && ! command -v mysqld >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "installing MariaDB from apt..."
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server >/dev/null
    else
      echo "error: MariaDB/MySQL is needed for the database=mysql end-to-end tests: install it, or set E2E_MYSQL_URL" >&2
      return 1
    fi
  fi
  if ! mysqladmin --protocol=tcp -h 127.0.0.1 -P 3306 ping >/dev/null 2>&1; then
    # apt does not start services in containers: start it ourselves
    service mariadb start >/dev/null 2>&1 || (mysqld_safe >/dev/null 2>&1 &)
    for _ in $(seq 1 30); do
      mysqladmin --protocol=tcp -h 127.0.0.1 -P 3306 ping >/dev/null 2>&1 && break
      sleep 1
    done
  fi
  mysql -u root <<'SQL'
CREATE USER IF NOT EXISTS 'expert'@'127.0.0.1' IDENTIFIED BY 'expert';
CREATE USER IF NOT EXISTS 'expert'@'localhost' IDENTIFIED BY 'expert';
GRANT ALL PRIVILEGES ON *.* TO 'expert'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'expert'@'localhost';
FLUSH PRIVILEGES;
SQL
  export E2E_MYSQL_URL="mysql://expert:expert@127.0.0.1:3306"
}
