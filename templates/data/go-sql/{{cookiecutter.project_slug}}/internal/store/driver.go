package store

// The driver of {{ cookiecutter.database }} (the database decision): the only file that names it.

import (
	"database/sql"
	"errors"
	"fmt"
{%- if cookiecutter.database != "postgresql" %}
	"net/url"
{%- else %}
	"strconv"
{%- endif %}
	"strings"
{% if cookiecutter.database == "postgresql" %}
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3/database"
{%- elif cookiecutter.database == "mysql" %}
	"github.com/go-sql-driver/mysql"
	"github.com/pressly/goose/v3/database"
{%- else %}
	"github.com/pressly/goose/v3/database"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
{%- endif %}
)

{%- if cookiecutter.database == "postgresql" %}

const gooseDialect = database.DialectPostgres

var dialect = Dialect{Name: "postgresql", Placeholder: numbered, Returning: true, HexUUID: false}

// numbered is PostgreSQL's placeholder of the n-th parameter: $n.
func numbered(n int) string { return "$" + strconv.Itoa(n) }

// open connects to a postgres:// or postgresql:// URL (libpq's form, read by pgx).
func open(raw string) (*sql.DB, error) {
	if !strings.HasPrefix(raw, "postgres://") && !strings.HasPrefix(raw, "postgresql://") {
		return nil, errors.New("DATABASE_URL must be a postgresql:// URL")
	}
	return sql.Open("pgx", raw)
}

// classify turns a constraint violation into ErrConflict (unique, a restricting foreign key).
func classify(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code == "23505" || pgErr.Code == "23503") {
		return fmt.Errorf("%w: %s", ErrConflict, pgErr.ConstraintName)
	}
	return err
}
{%- elif cookiecutter.database == "mysql" %}

const gooseDialect = database.DialectMySQL

var dialect = Dialect{Name: "mysql", Placeholder: question, Returning: false, HexUUID: true}

// question is the placeholder of every parameter.
func question(int) string { return "?" }

// open connects to a mysql://user:password@host:port/database URL (turned into the driver's DSN, in UTC,
// utf8mb4, DATETIME and DATE read as time.Time).
func open(raw string) (*sql.DB, error) {
	parsed, err := url.Parse(raw)
	if err != nil || parsed.Scheme != "mysql" || parsed.Host == "" {
		return nil, errors.New("DATABASE_URL must be a mysql://user:password@host:port/database URL")
	}
	cfg := mysql.NewConfig()
	cfg.User = parsed.User.Username()
	cfg.Passwd, _ = parsed.User.Password()
	cfg.Net = "tcp"
	cfg.Addr = parsed.Host
	cfg.DBName = strings.TrimPrefix(parsed.Path, "/")
	cfg.ParseTime = true
	// an UPDATE that changes nothing still finds its row (else an idempotent PATCH would look like a 404)
	cfg.ClientFoundRows = true
	cfg.Params = map[string]string{"charset": "utf8mb4", "time_zone": "'+00:00'"}
	for key, values := range parsed.Query() {
		cfg.Params[key] = values[0]
	}
	return sql.Open("mysql", cfg.FormatDSN())
}

// classify turns a constraint violation into ErrConflict (1062 duplicate key, 1451 a restricting foreign key).
func classify(err error) error {
	var myErr *mysql.MySQLError
	if errors.As(err, &myErr) && (myErr.Number == 1062 || myErr.Number == 1451) {
		return fmt.Errorf("%w: %d", ErrConflict, myErr.Number)
	}
	return err
}
{%- else %}

const gooseDialect = database.DialectSQLite3

var dialect = Dialect{Name: "sqlite", Placeholder: question, Returning: true, HexUUID: true}

// question is the placeholder of every parameter.
func question(int) string { return "?" }

// open opens a sqlite:///relative/path or sqlite:////absolute/path URL, foreign keys on, with a busy
// timeout (one writer at a time).
func open(raw string) (*sql.DB, error) {
	path, ok := strings.CutPrefix(raw, "sqlite:///")
	if !ok || path == "" {
		return nil, errors.New("DATABASE_URL must be a sqlite:///path URL")
	}
	query := url.Values{"_pragma": {"foreign_keys(1)", "busy_timeout(10000)", "journal_mode(WAL)"}, "_txlock": {"immediate"}}
	db, err := sql.Open("sqlite", "file:"+path+"?"+query.Encode())
	if err == nil {
		db.SetMaxOpenConns(1)
	}
	return db, err
}

// classify turns a constraint violation into ErrConflict (unique, a restricting foreign key).
func classify(err error) error {
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		switch liteErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY, sqlite3.SQLITE_CONSTRAINT_TRIGGER:
			return fmt.Errorf("%w: %d", ErrConflict, liteErr.Code())
		}
	}
	return err
}
{%- endif %}
