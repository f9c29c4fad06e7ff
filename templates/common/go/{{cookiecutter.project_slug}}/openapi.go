// Package spec holds the contract of the API, openapi.yaml (computed by backend-expert from the domain
// model, never edited by hand), embedded in the binary: the server validates every request against it
// (internal/contract) and serves it as is at /openapi.yaml. internal/api/api.gen.go is generated from it
// by oapi-codegen (the directive below: `go generate .` writes it again after openapi.yaml changes).
package spec

import _ "embed"

//go:generate go tool oapi-codegen -config internal/api/oapi-codegen.yaml openapi.yaml

// OpenAPI is the text of openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte
