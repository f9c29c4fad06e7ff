// Package spec holds the contract of the API, openapi.yaml (computed by backend-expert from the domain
// model, never edited by hand), embedded in the binary: the server validates every request against it
// (internal/contract) and serves it as is at /openapi.yaml.
package spec

import _ "embed"

// OpenAPI is the text of openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte
