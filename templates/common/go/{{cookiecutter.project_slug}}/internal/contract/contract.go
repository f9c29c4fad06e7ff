// Package contract is spec-first validation: every request is checked against openapi.yaml with
// kin-openapi before any logic sees it (the path and query parameters against their schemas, the JSON
// body against the operation's request schema), and each problem becomes a located entry of a 422
// (problem.FieldError). Framework-neutral: a framework layer hands over the request and its path
// parameters.
package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"{{ cookiecutter.project_slug }}/internal/problem"
)

// Operation is one operation of the contract.
type Operation struct {
	ID     string
	Method string
	// Path is the contract's path template (`/api/v1/books/{book_id}`).
	Path    string
	Secured bool
	route   *routers.Route
	body    *openapi3.Schema
}

// HasBody tells whether the operation takes a JSON body.
func (o *Operation) HasBody() bool { return o.body != nil }

// Contract is the parsed openapi.yaml.
type Contract struct {
	Document *openapi3.T
	byID     map[string]*Operation
	ordered  []*Operation
}

func init() {
	// formats kin-openapi leaves unchecked or checks loosely: calendar dates and instants are parsed
	openapi3.DefineStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC9562))
	openapi3.DefineStringFormatValidator("date", openapi3.NewCallbackValidator(parsedAs(time.DateOnly)))
	openapi3.DefineStringFormatValidator("date-time", openapi3.NewCallbackValidator(parsedAs(time.RFC3339Nano)))
}

func parsedAs(layout string) func(string) error {
	return func(value string) error {
		if _, err := time.Parse(layout, value); err != nil {
			return errors.New("is not a valid " + layout + " value")
		}
		return nil
	}
}

// Load parses and checks the contract.
func Load(text []byte) (*Contract, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(text)
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	c := &Contract{Document: doc, byID: map[string]*Operation{}}
	paths := doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, path := range paths {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			operation := &Operation{
				ID: op.OperationID, Method: method, Path: path,
				Secured: op.Security != nil && len(*op.Security) > 0,
				route:   &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op},
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				if media := op.RequestBody.Value.Content.Get("application/json"); media != nil && media.Schema != nil {
					operation.body = media.Schema.Value
				}
			}
			c.byID[op.OperationID] = operation
			c.ordered = append(c.ordered, operation)
		}
	}
	return c, nil
}

// Operations in a stable order (by path, then method).
func (c *Contract) Operations() []*Operation {
	out := append([]*Operation(nil), c.ordered...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}

// Operation is the operation of that operationId.
func (c *Contract) Operation(id string) (*Operation, bool) {
	op, ok := c.byID[id]
	return op, ok
}

// Check validates the request's parameters and body (already read, at most the body limit) and returns
// the body's members (numbers as json.Number), or the problem: 400 for a body that is not JSON, 422 with
// every located problem otherwise.
func (c *Contract) Check(ctx context.Context, op *Operation, r *http.Request, pathParams map[string]string, body []byte) (map[string]any, *problem.Problem) {
	errs := parameterErrors(ctx, op, r, pathParams)
	var members map[string]any
	if op.body != nil {
		decoded, bad := decodeBody(r, body)
		if bad != nil {
			return nil, bad
		}
		errs = append(errs, bodyErrors(op.body, decoded)...)
		members, _ = decoded.(map[string]any)
	}
	if len(errs) > 0 {
		return nil, problem.Invalid(errs)
	}
	if members == nil {
		members = map[string]any{}
	}
	return members, nil
}

func parameterErrors(ctx context.Context, op *Operation, r *http.Request, pathParams map[string]string) []problem.FieldError {
	input := &openapi3filter.RequestValidationInput{
		Request: r, PathParams: pathParams, Route: op.route,
		Options: &openapi3filter.Options{
			MultiError: true, ExcludeRequestBody: true, SkipSettingDefaults: true,
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		},
	}
	err := openapi3filter.ValidateRequest(ctx, input)
	if err == nil {
		return nil
	}
	var out []problem.FieldError
	var multi openapi3.MultiError
	if !errors.As(err, &multi) {
		multi = openapi3.MultiError{err}
	}
	for _, item := range multi {
		var requestErr *openapi3filter.RequestError
		if errors.As(item, &requestErr) && requestErr.Parameter != nil {
			out = append(out, problem.FieldError{Parameter: requestErr.Parameter.Name, Detail: describe(requestErr.Err)})
		}
	}
	return out
}

// decodeBody parses the body twice: with json.Number (the values the logic stores, exact) and as the
// float64 values kin-openapi's schema checks expect.
func decodeBody(r *http.Request, body []byte) (any, *problem.Problem) {
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mediaType != "application/json" || len(bytes.TrimSpace(body)) == 0 {
		return nil, problem.New(http.StatusBadRequest, "the request body must be JSON (Content-Type: application/json)")
	}
	decoder := json.NewDecoder(bytes.NewReader(body))
	decoder.UseNumber()
	var value any
	if err := decoder.Decode(&value); err != nil {
		return nil, problem.New(http.StatusBadRequest, "the request body is not valid JSON")
	}
	if _, err := decoder.Token(); !errors.Is(err, io.EOF) {
		return nil, problem.New(http.StatusBadRequest, "the request body has data after its JSON value")
	}
	return value, nil
}

var objectExpected = problem.FieldError{Pointer: "#", Detail: "must be a JSON object"}

// bodyErrors checks the members first (missing and unknown ones, located by name), then every value.
func bodyErrors(schema *openapi3.Schema, value any) []problem.FieldError {
	members, ok := value.(map[string]any)
	if !ok {
		return []problem.FieldError{objectExpected}
	}
	var out []problem.FieldError
	for _, name := range schema.Required {
		if _, ok := members[name]; !ok {
			out = append(out, problem.FieldError{Pointer: "#/" + name, Detail: "is required"})
		}
	}
	names := make([]string, 0, len(members))
	for name := range members {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		property, known := schema.Properties[name]
		if !known {
			out = append(out, problem.FieldError{Pointer: "#/" + name, Detail: "is not allowed"})
			continue
		}
		if members[name] == nil && acceptsAnything(property.Value) {
			continue // a json field: null is one of the JSON values it keeps (kin-openapi wants `nullable`)
		}
		plain, err := asPlainJSON(members[name])
		if err != nil {
			out = append(out, problem.FieldError{Pointer: "#/" + name, Detail: "is out of range"})
			continue
		}
		if err := property.Value.VisitJSON(plain, openapi3.VisitAsRequest()); err != nil {
			out = append(out, problem.FieldError{Pointer: "#/" + name, Detail: describe(err)})
		}
	}
	return out
}

// acceptsAnything: a schema without any constraint (the contract's json fields).
func acceptsAnything(s *openapi3.Schema) bool {
	return s.Type == nil && len(s.AnyOf) == 0 && len(s.OneOf) == 0 && len(s.AllOf) == 0 && s.Not == nil && len(s.Enum) == 0
}

// asPlainJSON turns json.Number values into float64, as kin-openapi's checks expect (1e400 is out of range).
func asPlainJSON(value any) (any, error) {
	switch v := value.(type) {
	case json.Number:
		return v.Float64()
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			plain, err := asPlainJSON(item)
			if err != nil {
				return nil, err
			}
			out[i] = plain
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(v))
		for key, item := range v {
			plain, err := asPlainJSON(item)
			if err != nil {
				return nil, err
			}
			out[key] = plain
		}
		return out, nil
	}
	return value, nil
}

// describe says what is wrong in a few words, never with the refused value.
func describe(err error) string {
	var schemaErr *openapi3.SchemaError
	if !errors.As(err, &schemaErr) {
		return "is not valid"
	}
	switch schemaErr.SchemaField {
	case "type", "anyOf", "oneOf":
		return "has the wrong type or form"
	case "maxLength":
		return "is too long"
	case "minLength":
		return "is too short"
	case "pattern":
		return "has the wrong form"
	case "enum":
		return "is not one of the allowed values"
	case "minimum", "exclusiveMinimum":
		return "is too small"
	case "maximum", "exclusiveMaximum":
		return "is too large"
	case "format":
		return "is not a valid " + strings.ReplaceAll(schemaErr.Schema.Format, "-", " ")
	case "maxItems", "minItems", "uniqueItems":
		return "has the wrong number of items"
	}
	return "is not valid"
}

// Allowed is the methods the contract has for a request path (none: no such path), for a 405's Allow.
func (c *Contract) Allowed(requestPath string) []string {
	var methods []string
	for _, op := range c.ordered {
		if matches(op.Path, requestPath) {
			methods = append(methods, op.Method)
		}
	}
	sort.Strings(methods)
	return methods
}

// matches tells whether a request path fits a path template (`/books/{book_id}`), segment by segment.
func matches(template, path string) bool {
	want, got := strings.Split(template, "/"), strings.Split(path, "/")
	if len(want) != len(got) {
		return false
	}
	for i, segment := range want {
		if !strings.HasPrefix(segment, "{") && segment != got[i] {
			return false
		}
	}
	return true
}
