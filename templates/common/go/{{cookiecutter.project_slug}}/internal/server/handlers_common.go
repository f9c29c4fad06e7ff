package server

import "{{ cookiecutter.project_slug }}/internal/service"

// handlers implements api.ServerInterface, generated from openapi.yaml: one method per operation
// (handlers.go, in the framework's signatures), so an operation added to the contract does not build until
// it has its method. Each method hands the request to service.API, which authenticates first, then checks
// every parameter and the body against the contract (internal/contract). The values the generated wrapper
// parsed are not used: the service reads the raw ones, so a 422 locates every problem at once and never
// comes before a 401.
type handlers struct {
	svc *service.API
	// the operationId of each route ("GET /api/v1/books/:book_id"), for the wrapper's binding errors
	routes map[string]string
}
