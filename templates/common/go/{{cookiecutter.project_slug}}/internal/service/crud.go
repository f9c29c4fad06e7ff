package service

import (
	"context"
	"errors"
	"math/big"
	"net/http"
	"strconv"

	"{{ cookiecutter.project_slug }}/internal/model"
	"{{ cookiecutter.project_slug }}/internal/problem"
	"{{ cookiecutter.project_slug }}/internal/store"
)

// The CRUD of every entity of the model. Lists are paginated (limit/offset), sorted (`sort=field|-field`,
// then by id) and filtered by equality on the model's filters. A referenced row must be one of the user's,
// else 404; a unique value taken, or deleting a row a `restrict` relation still references, is a 409.

func registerCrud(a *API, e *model.Entity) {
	a.handlers[e.Operations.List] = func(ctx context.Context, c *call) (*Reply, error) { return a.list(ctx, e, c) }
	a.handlers[e.Operations.Create] = func(ctx context.Context, c *call) (*Reply, error) { return a.create(ctx, e, c) }
	a.handlers[e.Operations.Get] = func(ctx context.Context, c *call) (*Reply, error) {
		row, err := a.Store.Get(ctx, e, c.current.User.ID, c.PathParams[e.IDParam])
		return rowReply(http.StatusOK, row, err)
	}
	a.handlers[e.Operations.Update] = func(ctx context.Context, c *call) (*Reply, error) {
		if invalid := decimalErrors(e, c.body); invalid != nil {
			return nil, invalid
		}
		row, err := a.Store.Update(ctx, e, c.current.User.ID, c.PathParams[e.IDParam], c.body)
		return rowReply(http.StatusOK, row, err)
	}
	a.handlers[e.Operations.Delete] = func(ctx context.Context, c *call) (*Reply, error) {
		if err := a.Store.Delete(ctx, e, c.current.User.ID, c.PathParams[e.IDParam]); err != nil {
			return nil, storeProblem(err)
		}
		return &Reply{Status: http.StatusNoContent}, nil
	}
}

func (a *API) list(ctx context.Context, e *model.Entity, c *call) (*Reply, error) {
	query := c.query()
	q := store.Query{Limit: 20, Offset: 0, Sort: "id", Filters: map[string]string{}}
	if text := query.Get("limit"); text != "" {
		q.Limit, _ = strconv.Atoi(text)
	}
	if text := query.Get("offset"); text != "" {
		q.Offset, _ = strconv.Atoi(text)
	}
	if text := query.Get("sort"); text != "" {
		q.Sort = text
	}
	for _, name := range e.Filters {
		if query.Has(name) {
			q.Filters[name] = query.Get(name)
		}
	}
	items, total, err := a.Store.List(ctx, e, c.current.User.ID, q)
	if err != nil {
		return nil, err
	}
	return ok(map[string]any{"items": items, "total": total, "limit": q.Limit, "offset": q.Offset}), nil
}

func (a *API) create(ctx context.Context, e *model.Entity, c *call) (*Reply, error) {
	if invalid := decimalErrors(e, c.body); invalid != nil {
		return nil, invalid
	}
	row, err := a.Store.Create(ctx, e, c.current.User.ID, c.body)
	reply, err := rowReply(http.StatusCreated, row, err)
	if err == nil {
		reply.Header = http.Header{"Location": {e.URL + "/" + formatID(row["id"])}}
	}
	return reply, err
}

func formatID(id any) string {
	if n, isInt := id.(int64); isInt {
		return strconv.FormatInt(n, 10)
	}
	text, _ := id.(string)
	return text
}

func rowReply(status int, row map[string]any, err error) (*Reply, error) {
	if err != nil {
		return nil, storeProblem(err)
	}
	return &Reply{Status: status, Body: row}, nil
}

// storeProblem is the problem of a store error: 404, 409, or the error itself (a 500).
func storeProblem(err error) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		detail := "not found"
		if err.Error() != store.ErrNotFound.Error() {
			detail = err.Error()
		}
		return problem.New(http.StatusNotFound, detail)
	case errors.Is(err, store.ErrConflict):
		return problem.New(http.StatusConflict, "the row conflicts with another one (a unique value is taken, or a row still references it)")
	}
	return err
}

// decimalErrors checks the bounds of decimals, which JSON Schema cannot express on decimal text (the
// contract's pattern checks the digits).
func decimalErrors(e *model.Entity, body map[string]any) *problem.Problem {
	var errs []problem.FieldError
	for _, f := range e.Fields {
		text, isText := body[f.Name].(string)
		if f.Type != "decimal" || !isText {
			continue
		}
		value, parsed := new(big.Rat).SetString(text)
		if !parsed {
			errs = append(errs, problem.FieldError{Pointer: "#/" + f.Name, Detail: "is not a decimal"})
			continue
		}
		if f.Min != nil {
			if low, _ := new(big.Rat).SetString(*f.Min); low != nil && value.Cmp(low) < 0 {
				errs = append(errs, problem.FieldError{Pointer: "#/" + f.Name, Detail: "must be at least " + *f.Min})
			}
		}
		if f.Max != nil {
			if high, _ := new(big.Rat).SetString(*f.Max); high != nil && value.Cmp(high) > 0 {
				errs = append(errs, problem.FieldError{Pointer: "#/" + f.Name, Detail: "must be at most " + *f.Max})
			}
		}
	}
	if len(errs) > 0 {
		return problem.Invalid(errs)
	}
	return nil
}
