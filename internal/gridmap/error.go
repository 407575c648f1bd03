package gridmap

import (
	"errors"
	"fmt"
)

// Error codes are the few kinds of failure the rest of the program needs to tell apart; the web
// layer maps each to one HTTP status in one place.
const (
	EInvalid      = "invalid"      // the input is wrong; the caller can fix it
	ENotFound     = "not_found"    // the thing asked for does not exist
	EConflict     = "conflict"     // the request clashes with the current state
	EUnauthorized = "unauthorized" // the caller must sign in (or sign in again) to do this
	EForbidden    = "forbidden"    // the caller is signed in but no role of theirs allows this
	EUnavailable  = "unavailable"  // a dependency (the database) cannot be reached right now
	ETooLarge     = "too_large"    // the request is larger than allowed
	ETooMany      = "too_many"     // too many attempts for now: wait (a sign-in lockout)
	EInternal     = "internal"     // a bug or an unexpected failure; details are logged, not shown
)

// Error is the one error type the domain speaks. Message is safe to show to a caller; Field names
// the input (a JSON pointer, query parameter or file location) that is wrong, when there is one.
// Errors from drivers are wrapped by the adapters into an Error with Code EInternal or
// EUnavailable and never shown to callers.
type Error struct {
	Code    string
	Message string
	Field   string
	Details []FieldError
	Err     error
}

// FieldError is one problem with one part of an input, so that a caller sending a batch or a
// dataset learns every problem at once rather than one per attempt.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	msg := e.Message
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Err != nil {
		return fmt.Sprintf("gridmap: %s: %v", msg, e.Err)
	}
	return "gridmap: " + msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error with a formatted, caller-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid reports a caller mistake in one named field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound reports that the named thing does not exist.
func NotFound(format string, args ...any) *Error {
	return &Error{Code: ENotFound, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps an unexpected failure; its cause is logged, never shown to callers.
func Internal(err error, context string) *Error {
	return &Error{Code: EInternal, Message: context, Err: err}
}

// ErrorCode returns the code of the first Error in err's chain, EInternal for any other error and
// "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}
