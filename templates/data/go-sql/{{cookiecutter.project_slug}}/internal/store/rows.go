package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"{{ cookiecutter.project_slug }}/internal/model"
)

// Every row belongs to the user who created it (owner_id): every statement here is scoped to the owner,
// so another user's row is a not-found, never a forbidden.

// column is one column an entity's rows are read with, and its kind of value.
type column struct {
	name  string
	kind  string
	scale int
}

func (s *Store) idKind() string { return "id-" + s.model.IDKind }

func idColumn(kind string) column { return column{name: "id", kind: kind} }

func (s *Store) columns(e *model.Entity) []column {
	cols := []column{idColumn(s.idKind())}
	for _, f := range e.Fields {
		cols = append(cols, column{name: f.Name, kind: f.Type, scale: f.Scale})
	}
	for _, p := range e.Parents {
		cols = append(cols, column{name: p.Column, kind: s.idKind()})
	}
	return append(cols, column{name: "created_at", kind: "instant"}, column{name: "updated_at", kind: "instant"})
}

func (s *Store) columnList(cols []column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = s.dialect.Quote(c.name)
	}
	return strings.Join(names, ", ")
}

// Query of a list: a page, its order, and equality filters (query text, checked by the contract).
type Query struct {
	Limit   int
	Offset  int
	Sort    string
	Filters map[string]string
}

// List is a page of the owner's rows and the number of rows the filters match.
func (s *Store) List(ctx context.Context, e *model.Entity, owner int64, q Query) ([]map[string]any, int64, error) {
	cols := s.columns(e)
	where, err := s.filters(e, cols, owner, q.Filters)
	if err != nil {
		return nil, 0, err
	}
	count := s.query("SELECT COUNT(*) FROM " + s.dialect.Quote(e.Table) + " WHERE ")
	where(count)
	var total int64
	if err := s.db.QueryRowContext(ctx, count.String(), count.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	order, err := s.order(cols, q.Sort)
	if err != nil {
		return nil, 0, err
	}
	page := s.query("SELECT " + s.columnList(cols) + " FROM " + s.dialect.Quote(e.Table) + " WHERE ")
	where(page)
	page.raw(" ORDER BY " + order + " LIMIT ").arg(q.Limit).raw(" OFFSET ").arg(q.Offset)
	items, err := s.read(ctx, s.db, e, cols, page)
	return items, total, err
}

// filters is the WHERE clause of a list: the owner, then each filter of the model that the query sets.
func (s *Store) filters(e *model.Entity, cols []column, owner int64, given map[string]string) (func(*sqlText), error) {
	type condition struct {
		column string
		value  any
	}
	var conditions []condition
	for _, name := range e.Filters {
		text, ok := given[name]
		if !ok {
			continue
		}
		kind := ""
		for _, c := range cols {
			if c.name == name {
				kind = c.kind
			}
		}
		value, err := s.toDB(kind, queryValue(kind, text))
		if err != nil {
			return nil, fmt.Errorf("filter %s: %w", name, err)
		}
		conditions = append(conditions, condition{name, value})
	}
	return func(q *sqlText) {
		q.raw("owner_id = ").arg(owner)
		for _, c := range conditions {
			q.raw(" AND " + s.dialect.Quote(c.column) + " = ").arg(c.value)
		}
	}, nil
}

// queryValue is the API value a query parameter's text stands for.
func queryValue(kind, text string) any {
	switch kind {
	case "integer", "id-int":
		return json.Number(text)
	case "boolean":
		b, _ := strconv.ParseBool(text)
		return b
	}
	return text
}

// order is the ORDER BY of `sort` (`field` or `-field`), then the id (a stable order for pages).
func (s *Store) order(cols []column, sortBy string) (string, error) {
	name, descending := strings.CutPrefix(sortBy, "-")
	if name == "" {
		name = "id"
	}
	for _, c := range cols {
		if c.name == name && c.kind != "json" {
			direction := " ASC"
			if descending {
				direction = " DESC"
			}
			return s.dialect.Quote(name) + direction + ", " + s.dialect.Quote("id") + direction, nil
		}
	}
	return "", fmt.Errorf("cannot sort by %q", sortBy)
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// read runs a SELECT of cols and returns the rows in their API form, with their many-to-many ids.
func (s *Store) read(ctx context.Context, db querier, e *model.Entity, cols []column, q *sqlText) ([]map[string]any, error) {
	rows, err := db.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	items := []map[string]any{}
	for rows.Next() {
		values := make([]any, len(cols))
		targets := make([]any, len(cols))
		for i := range values {
			targets[i] = &values[i]
		}
		if err := rows.Scan(targets...); err != nil {
			return nil, err
		}
		item := make(map[string]any, len(cols)+len(e.Links))
		for i, c := range cols {
			if item[c.name], err = fromDB(c.kind, c.scale, values[i]); err != nil {
				return nil, fmt.Errorf("%s.%s: %w", e.Table, c.name, err)
			}
		}
		items = append(items, item)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return items, s.readLinks(ctx, db, e, items)
}

// readLinks adds each many-to-many relation's ids (sorted) to the rows.
func (s *Store) readLinks(ctx context.Context, db querier, e *model.Entity, items []map[string]any) error {
	if len(items) == 0 {
		return nil
	}
	for _, link := range e.Links {
		q := s.query("SELECT " + s.dialect.Quote(link.Left) + ", " + s.dialect.Quote(link.Right) + " FROM " + s.dialect.Quote(link.Table) + " WHERE " + s.dialect.Quote(link.Left) + " IN (")
		byID := map[string][]any{}
		for i, item := range items {
			if i > 0 {
				q.raw(", ")
			}
			value, err := s.toDB(s.idKind(), item["id"])
			if err != nil {
				return err
			}
			q.arg(value)
			byID[fmt.Sprint(item["id"])] = []any{}
		}
		q.raw(") ORDER BY " + s.dialect.Quote(link.Right))
		rows, err := db.QueryContext(ctx, q.String(), q.args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var left, right any
			if err := rows.Scan(&left, &right); err != nil {
				rows.Close()
				return err
			}
			l, errLeft := fromDB(s.idKind(), 0, left)
			r, errRight := fromDB(s.idKind(), 0, right)
			if err := errors.Join(errLeft, errRight); err != nil {
				rows.Close()
				return err
			}
			key := fmt.Sprint(l)
			byID[key] = append(byID[key], r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, item := range items {
			item[link.Field] = byID[fmt.Sprint(item["id"])]
		}
	}
	return nil
}

// Get is one row of the owner.
func (s *Store) Get(ctx context.Context, e *model.Entity, owner int64, id string) (map[string]any, error) {
	return s.get(ctx, s.db, e, owner, id)
}

func (s *Store) get(ctx context.Context, db querier, e *model.Entity, owner int64, id string) (map[string]any, error) {
	key, err := s.idToDB(id)
	if err != nil {
		return nil, ErrNotFound
	}
	cols := s.columns(e)
	q := s.query("SELECT " + s.columnList(cols) + " FROM " + s.dialect.Quote(e.Table) + " WHERE id = ").arg(key).raw(" AND owner_id = ").arg(owner)
	items, err := s.read(ctx, db, e, cols, q)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, ErrNotFound
	}
	return items[0], nil
}

// idToDB is the column value of an id of the API (path parameters, references).
func (s *Store) idToDB(id string) (any, error) {
	if s.model.IDKind == "uuid" {
		if _, err := uuid.Parse(id); err != nil {
			return nil, err
		}
	}
	return s.toDB(s.idKind(), id)
}

// Create adds a row of the owner: the fields given, else their default, else NULL. Every referenced row
// must be one of the owner's.
func (s *Store) Create(ctx context.Context, e *model.Entity, owner int64, body map[string]any) (map[string]any, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback() }()
	if err := s.checkReferences(ctx, tx, e, owner, body); err != nil {
		return nil, err
	}
	stamp := now()
	names := []string{"owner_id", "created_at", "updated_at"}
	values := []any{owner, stamp, stamp}
	var id string
	if s.model.IDKind == "uuid" {
		generated, err := uuid.NewV7()
		if err != nil {
			return nil, err
		}
		id = generated.String()
		names, values = append(names, "id"), append(values, s.uuidToDB(id))
	}
	for _, f := range e.Fields {
		value, given := body[f.Name]
		if !given && f.HasDefault() {
			value = f.Default
		}
		converted, err := s.toDB(f.Type, value)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		names, values = append(names, f.Name), append(values, converted)
	}
	for _, p := range e.Parents {
		converted, err := s.toDB(s.idKind(), body[p.Column])
		if err != nil {
			return nil, err
		}
		names, values = append(names, p.Column), append(values, converted)
	}
	if id, err = s.insert(ctx, tx, e.Table, names, values, id); err != nil {
		return nil, err
	}
	if err := s.writeLinks(ctx, tx, e, id, body, false); err != nil {
		return nil, err
	}
	row, err := s.get(ctx, tx, e, owner, id)
	if err != nil {
		return nil, err
	}
	return row, tx.Commit()
}

// insert runs the INSERT and returns the row's id (the one given, or the sequence's).
func (s *Store) insert(ctx context.Context, tx *sql.Tx, table string, names []string, values []any, id string) (string, error) {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = s.dialect.Quote(n)
	}
	q := s.query("INSERT INTO " + s.dialect.Quote(table) + " (" + strings.Join(quoted, ", ") + ") VALUES (")
	for i, v := range values {
		if i > 0 {
			q.raw(", ")
		}
		q.arg(v)
	}
	q.raw(")")
	if id != "" {
		_, err := tx.ExecContext(ctx, q.String(), q.args...)
		return id, classify(err)
	}
	if s.dialect.Returning {
		var n int64
		err := tx.QueryRowContext(ctx, q.String()+" RETURNING id", q.args...).Scan(&n)
		return strconv.FormatInt(n, 10), classify(err)
	}
	result, err := tx.ExecContext(ctx, q.String(), q.args...)
	if err != nil {
		return "", classify(err)
	}
	n, err := result.LastInsertId()
	return strconv.FormatInt(n, 10), err
}

// Update changes the fields the body gives (a PATCH) of one row of the owner.
func (s *Store) Update(ctx context.Context, e *model.Entity, owner int64, id string, body map[string]any) (map[string]any, error) {
	key, err := s.idToDB(id)
	if err != nil {
		return nil, ErrNotFound
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback() }()
	if err := s.checkReferences(ctx, tx, e, owner, body); err != nil {
		return nil, err
	}
	q := s.query("UPDATE " + s.dialect.Quote(e.Table) + " SET updated_at = ").arg(now())
	set := func(name, kind string) error {
		value, given := body[name]
		if !given {
			return nil
		}
		converted, err := s.toDB(kind, value)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		q.raw(", " + s.dialect.Quote(name) + " = ").arg(converted)
		return nil
	}
	for _, f := range e.Fields {
		if err := set(f.Name, f.Type); err != nil {
			return nil, err
		}
	}
	for _, p := range e.Parents {
		if err := set(p.Column, s.idKind()); err != nil {
			return nil, err
		}
	}
	q.raw(" WHERE id = ").arg(key).raw(" AND owner_id = ").arg(owner)
	result, err := tx.ExecContext(ctx, q.String(), q.args...)
	if err != nil {
		return nil, classify(err)
	}
	if n, err := result.RowsAffected(); err != nil || n == 0 {
		return nil, errors.Join(ErrNotFound, err)
	}
	if err := s.writeLinks(ctx, tx, e, id, body, true); err != nil {
		return nil, err
	}
	row, err := s.get(ctx, tx, e, owner, id)
	if err != nil {
		return nil, err
	}
	return row, tx.Commit()
}

// writeLinks stores the many-to-many ids the body gives (replacing the row's previous ones on an update).
func (s *Store) writeLinks(ctx context.Context, tx *sql.Tx, e *model.Entity, id string, body map[string]any, replace bool) error {
	key, err := s.idToDB(id)
	if err != nil {
		return err
	}
	for _, link := range e.Links {
		ids, given := body[link.Field].([]any)
		if !given {
			continue
		}
		if replace {
			q := s.query("DELETE FROM " + s.dialect.Quote(link.Table) + " WHERE " + s.dialect.Quote(link.Left) + " = ").arg(key)
			if _, err := tx.ExecContext(ctx, q.String(), q.args...); err != nil {
				return err
			}
		}
		for _, other := range distinct(ids) {
			right, err := s.idToDB(other)
			if err != nil {
				return ErrNotFound
			}
			q := s.query("INSERT INTO " + s.dialect.Quote(link.Table) + " (" + s.dialect.Quote(link.Left) + ", " + s.dialect.Quote(link.Right) + ") VALUES (").
				arg(key).raw(", ").arg(right).raw(")")
			if _, err := tx.ExecContext(ctx, q.String(), q.args...); err != nil {
				return classify(err)
			}
		}
	}
	return nil
}

func distinct(ids []any) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, id := range ids {
		text := fmt.Sprint(id)
		if !seen[text] {
			seen[text] = true
			out = append(out, text)
		}
	}
	sort.Strings(out)
	return out
}

// checkReferences: every row the body references (`<relation>_id`, `<relation>_ids`) is one of the owner's.
func (s *Store) checkReferences(ctx context.Context, tx *sql.Tx, e *model.Entity, owner int64, body map[string]any) error {
	check := func(target string, ids []string) error {
		entity, ok := s.model.Entity(target)
		if !ok {
			return fmt.Errorf("no entity %s", target)
		}
		for _, id := range ids {
			key, err := s.idToDB(id)
			if err != nil {
				return fmt.Errorf("%w: %s %s", ErrNotFound, target, "reference")
			}
			q := s.query("SELECT COUNT(*) FROM " + s.dialect.Quote(entity.Table) + " WHERE id = ").arg(key).raw(" AND owner_id = ").arg(owner)
			var n int
			if err := tx.QueryRowContext(ctx, q.String(), q.args...).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("%w: the referenced %s does not exist", ErrNotFound, target)
			}
		}
		return nil
	}
	for _, p := range e.Parents {
		if value, given := body[p.Column]; given && value != nil {
			if err := check(p.Target, []string{fmt.Sprint(value)}); err != nil {
				return err
			}
		}
	}
	for _, link := range e.Links {
		if ids, given := body[link.Field].([]any); given {
			if err := check(link.Target, distinct(ids)); err != nil {
				return err
			}
		}
	}
	return nil
}

// Delete removes one row of the owner (a row a `restrict` relation still references is a conflict).
func (s *Store) Delete(ctx context.Context, e *model.Entity, owner int64, id string) error {
	key, err := s.idToDB(id)
	if err != nil {
		return ErrNotFound
	}
	q := s.query("DELETE FROM " + s.dialect.Quote(e.Table) + " WHERE id = ").arg(key).raw(" AND owner_id = ").arg(owner)
	result, err := s.db.ExecContext(ctx, q.String(), q.args...)
	if err != nil {
		return classify(err)
	}
	if n, err := result.RowsAffected(); err != nil || n == 0 {
		return errors.Join(ErrNotFound, err)
	}
	return nil
}
