// Package service is the logic of every operation of the contract, whatever the framework: a framework
// layer (internal/server) turns each request into a Request, calls API.Serve with the operationId its
// route serves, and writes the Reply. Serve authenticates (and checks CSRF for cookie sessions), validates
// against openapi.yaml (internal/contract), then runs the operation; every error is a problem.Problem.
package service

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"

	spec "{{ cookiecutter.project_slug }}"
	"{{ cookiecutter.project_slug }}/internal/config"
	"{{ cookiecutter.project_slug }}/internal/contract"
	"{{ cookiecutter.project_slug }}/internal/model"
	"{{ cookiecutter.project_slug }}/internal/problem"
	"{{ cookiecutter.project_slug }}/internal/security"
	"{{ cookiecutter.project_slug }}/internal/store"
)

// Request is what an operation needs of an HTTP request.
type Request struct {
	HTTP *http.Request
	// PathParams are the values of the route's parameters ({book_id}), by the contract's names.
	PathParams map[string]string
	// Body is the request body, at most the body limit (internal/web).
	Body []byte
	// ClientIP is the client's address (X-Forwarded-For only from TRUSTED_PROXIES, internal/web).
	ClientIP string
}

// Reply is what an operation answers: a status, a JSON body (nil: none) and headers and cookies.
type Reply struct {
	Status  int
	Body    any
	Header  http.Header
	Cookies []*http.Cookie
}

// call is a validated request to one operation.
type call struct {
	*Request
	op      *contract.Operation
	body    map[string]any
	current *Current
}

type operation func(ctx context.Context, c *call) (*Reply, error)

// API is the whole application, framework-neutral.
type API struct {
	Contract *contract.Contract
	Model    *model.Model
	Store    *store.Store
	Settings *config.Settings
	accounts *Accounts
	handlers map[string]operation
	log      *slog.Logger
}

// New assembles the API over a store.
func New(settings *config.Settings, m *model.Model, st *store.Store, log *slog.Logger) (*API, error) {
	c, err := contract.Load(spec.OpenAPI)
	if err != nil {
		return nil, err
	}
	hasher, err := security.NewHasher(settings.HashConcurrency)
	if err != nil {
		return nil, err
	}
	api := &API{Contract: c, Model: m, Store: st, Settings: settings, log: log}
	api.accounts = newAccounts(api, hasher, log.With("logger", "audit"))
	api.handlers = map[string]operation{
		"health_live":  func(context.Context, *call) (*Reply, error) { return ok(map[string]any{"status": "ok"}), nil },
		"health_ready": api.ready,
	}
	api.accounts.register(api.handlers)
	for i := range m.Entities {
		registerCrud(api, &m.Entities[i])
	}
	for _, op := range c.Operations() {
		if _, found := api.handlers[op.ID]; !found {
			return nil, errors.New("openapi.yaml has an operation the server does not implement: " + op.ID)
		}
	}
	return api, nil
}

// Serve runs the operation operationID for the request; the Reply of an error is its problem details.
func (a *API) Serve(ctx context.Context, operationID string, r *Request) *Reply {
	reply, err := a.serve(ctx, operationID, r)
	if err == nil {
		return reply
	}
	var p *problem.Problem
	if !errors.As(err, &p) {
		if errors.Is(err, context.Canceled) {
			p = problem.New(http.StatusServiceUnavailable, "the request was cancelled")
		} else {
			a.log.ErrorContext(ctx, "request failed", "operation", operationID, "error", err.Error())
			p = problem.New(http.StatusInternalServerError, "internal error")
		}
	}
	return &Reply{Status: p.Status, Body: p, Header: p.Header}
}

func (a *API) serve(ctx context.Context, operationID string, r *Request) (*Reply, error) {
	op, found := a.Contract.Operation(operationID)
	handler := a.handlers[operationID]
	if !found || handler == nil {
		return nil, problem.New(http.StatusNotFound, "no such operation")
	}
	c := &call{Request: r, op: op}
	if op.Secured {
		current, err := a.accounts.authenticate(ctx, r)
		if err != nil {
			return nil, err
		}
		c.current = current
	}
	if limited := a.accounts.limited(operationID, r.ClientIP); limited != nil {
		return nil, limited
	}
	body, invalid := a.Contract.Check(ctx, op, r.HTTP, r.PathParams, r.Body)
	if invalid != nil {
		return nil, invalid
	}
	c.body = body
	return handler(ctx, c)
}

func (a *API) ready(ctx context.Context, _ *call) (*Reply, error) {
	if err := a.Store.Ping(ctx); err != nil {
		return &Reply{Status: http.StatusServiceUnavailable, Body: map[string]any{"status": "unavailable"}}, nil
	}
	return ok(map[string]any{"status": "ok"}), nil
}

func ok(body any) *Reply { return &Reply{Status: http.StatusOK, Body: body} }

// query is the request's query string.
func (c *call) query() url.Values { return c.HTTP.URL.Query() }
