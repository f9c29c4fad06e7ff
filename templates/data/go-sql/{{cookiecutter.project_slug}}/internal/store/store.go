// Package store is the data access: database/sql with explicit SQL, no ORM. The schema is the one of
// db/schema.sql, applied by the embedded goose migrations (Migrate); users and their server-side sessions
// live in users.go, the rows of every entity of the model (owned by the user who created them) in rows.go.
// Values cross between their API form (the JSON of openapi.yaml) and the database's in values.go.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/pressly/goose/v3"

	"{{ cookiecutter.project_slug }}/internal/model"
)

// ErrNotFound: no such row of this owner (or a referenced row that is not theirs).
var ErrNotFound = errors.New("not found")

// ErrConflict: a unique value already taken, or a row another one still references.
var ErrConflict = errors.New("conflict")

//go:embed migrations/*.sql
var migrations embed.FS

// Dialect is what the SQL of the three databases differs in.
type Dialect struct {
	Name string
	// Placeholder of the n-th parameter (1-based)
	Placeholder func(n int) string
	// Returning: INSERT ... RETURNING id works (PostgreSQL, SQLite); MySQL reads LastInsertId
	Returning bool
	// HexUUID: UUIDs are CHAR(32) hex digits (MySQL, SQLite); PostgreSQL has a uuid type
	HexUUID bool
}

// Quote is an identifier of the model quoted for this database.
func (d Dialect) Quote(name string) string {
	if d.Name == "mysql" {
		return "`" + name + "`"
	}
	return `"` + name + `"`
}

// Store is the database and the model its tables hold.
type Store struct {
	db      *sql.DB
	dialect Dialect
	model   *model.Model
}

// Open connects to DATABASE_URL (in the form of .env.example) with a bounded connection pool.
func Open(databaseURL string, m *model.Model) (*Store, error) {
	db, err := open(databaseURL)
	if err != nil {
		return nil, err
	}
	if dialect.Name != "sqlite" {
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(10)
		db.SetConnMaxLifetime(30 * time.Minute)
	}
	return &Store{db: db, dialect: dialect, model: m}, nil
}

// Close closes the pool.
func (s *Store) Close() error { return s.db.Close() }

// Ping checks the database (the readiness probe).
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Migrate applies the migrations not applied yet (goose's version table: goose_db_version).
func (s *Store) Migrate(ctx context.Context) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	provider, err := goose.NewProvider(gooseDialect, s.db, fsys)
	if err != nil {
		return err
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// sqlText is a statement with its placeholders ($1 or ?) numbered as the parameters are added.
type sqlText struct {
	dialect Dialect
	b       strings.Builder
	args    []any
}

func (q *sqlText) raw(text string) *sqlText {
	q.b.WriteString(text)
	return q
}

func (q *sqlText) arg(value any) *sqlText {
	q.args = append(q.args, value)
	q.b.WriteString(q.dialect.Placeholder(len(q.args)))
	return q
}

func (q *sqlText) String() string { return q.b.String() }

func (s *Store) query(text string) *sqlText {
	q := &sqlText{dialect: s.dialect}
	return q.raw(text)
}

// now is the instant written in created_at/updated_at (microseconds: what every database keeps).
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
