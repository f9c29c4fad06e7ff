# ensure_postgres: a PostgreSQL server on 127.0.0.1:5432 with a login role expert/expert that may
# create databases (the end-to-end tests create one database per generated project, then drop it).
ensure_postgres() {
  if [ -n "${E2E_DATABASE_URL:-}" ]; then
    return 0  # the caller brings its own server
  fi
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "installing PostgreSQL from apt..."
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    else
      echo "error: PostgreSQL is needed for the end-to-end tests: install it, or set E2E_DATABASE_URL" >&2
      return 1
    fi
  fi
  local version
  version=$(pg_lsclusters -h | awk 'NR==1 {print $1}')
  if [ -z "$version" ]; then
    version=$(ls /usr/lib/postgresql | sort -n | tail -1)
    pg_createcluster "$version" main >/dev/null
  fi
  pg_ctlcluster "$version" main start 2>/dev/null || true
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && break
    sleep 1
  done
  pg_isready -h 127.0.0.1 -p 5432
  su postgres -c "psql -v ON_ERROR_STOP=1 -q" <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'expert') THEN
    CREATE ROLE expert LOGIN CREATEDB CREATEROLE PASSWORD 'expert';
  END IF;
END $$;
-- DROP DATABASE ... WITH (FORCE) terminates every session in the database, an autovacuum worker's too; that one
-- belongs to no role, so only a member of pg_signal_backend may end it (CI failed on this race once).
SET client_min_messages = warning;  -- a second run's GRANT is a NOTICE, not news
GRANT pg_signal_backend TO expert;
SELECT 'CREATE DATABASE expert OWNER expert' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'expert')\gexec
SQL
}
