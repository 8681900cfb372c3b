package awssim

import (
	"fmt"
	"net/http"
)

// APIError is an AWS error answer: the code, message and HTTP status a
// client sees. Each protocol renders it in its own shape.
type APIError struct {
	Code    string
	Message string
	Status  int
	// Server marks a fault of the service (Type Receiver) rather than of the
	// caller (Type Sender).
	Server bool
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

func apiErr(status int, code, format string, args ...any) *APIError {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &APIError{Code: code, Message: msg, Status: status, Server: status >= 500}
}

// badRequest is the common 400 Sender error.
func badRequest(code, format string, args ...any) *APIError {
	return apiErr(http.StatusBadRequest, code, format, args...)
}

// invalidParam is the query and JSON protocols' validation error.
func invalidParam(format string, args ...any) *APIError {
	return badRequest("InvalidParameterValue", format, args...)
}

// missingParam names a required parameter the request lacks.
func missingParam(name string) *APIError {
	return badRequest("MissingParameter", "The request must contain the parameter %s", name)
}

// notFound is a 404 with the given service-specific code.
func notFound(code, format string, args ...any) *APIError {
	return apiErr(http.StatusNotFound, code, format, args...)
}
