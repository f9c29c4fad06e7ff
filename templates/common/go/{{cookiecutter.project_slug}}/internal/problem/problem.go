// Package problem is the error format of every error response: RFC 9457 problem details, served as
// application/problem+json. A 422 lists its problems in `errors`, each located by a JSON Pointer into the
// body (`pointer`) or by the name of a query or path parameter (`parameter`). No problem echoes the value
// it refuses.
package problem

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// ContentType of every error body.
const ContentType = "application/problem+json"

// FieldError locates one validation problem.
type FieldError struct {
	Pointer   string `json:"pointer,omitempty"`
	Parameter string `json:"parameter,omitempty"`
	Detail    string `json:"detail"`
}

// Problem is an error response; it is also a Go error, so that the logic can return it as one.
type Problem struct {
	Type   string       `json:"type"`
	Title  string       `json:"title"`
	Status int          `json:"status"`
	Detail string       `json:"detail"`
	Errors []FieldError `json:"errors,omitempty"`
	// Header holds the headers that go with the status (WWW-Authenticate, Retry-After, Allow).
	Header http.Header `json:"-"`
}

func (p *Problem) Error() string { return strconv.Itoa(p.Status) + " " + p.Detail }

// titles are the RFC 9110 names of the statuses whose Go name is the older one.
var titles = map[int]string{
	http.StatusUnprocessableEntity:   "Unprocessable Content",
	http.StatusRequestEntityTooLarge: "Content Too Large",
}

// New is a problem of status with a short human-readable detail.
func New(status int, detail string) *Problem {
	title, renamed := titles[status]
	if !renamed {
		title = http.StatusText(status)
	}
	return &Problem{Type: "about:blank", Title: title, Status: status, Detail: detail, Header: http.Header{}}
}

// Invalid is a 422 listing the problems.
func Invalid(errors []FieldError) *Problem {
	p := New(http.StatusUnprocessableEntity, "the request is not valid")
	p.Errors = errors
	return p
}

// With adds a header to the problem's response.
func (p *Problem) With(name, value string) *Problem {
	p.Header.Set(name, value)
	return p
}

// Write sends the problem as the response.
func (p *Problem) Write(w http.ResponseWriter) {
	for name, values := range p.Header {
		for _, v := range values {
			w.Header().Add(name, v)
		}
	}
	w.Header().Set("Content-Type", ContentType)
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}
