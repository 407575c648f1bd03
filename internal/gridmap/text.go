package gridmap

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Limits on free text, in characters.
const (
	MaxName  = 100  // names of grids, places, people
	MaxActor = 100  // who made a workflow move
	MaxNote  = 2000 // a workflow note
)

// CheckText returns what is wrong with a free-text value, or "": it must be valid UTF-8 (text
// that is not cannot be shown or searched), hold no NUL (PostgreSQL text cannot store it), be
// at most max characters long and, when oneLine is set (names, keys), hold no control
// characters at all.
func CheckText(s string, max int, oneLine bool) string {
	if !utf8.ValidString(s) {
		return "is not valid UTF-8 text"
	}
	n := 0
	for _, r := range s {
		n++
		switch {
		case r == 0:
			return "holds a NUL character (\\u0000), which text may not contain"
		case oneLine && unicode.IsControl(r):
			return fmt.Sprintf("holds the control character %U; it must be one line of plain text", r)
		}
	}
	if n > max {
		return fmt.Sprintf("has %d characters, at most %d allowed", n, max)
	}
	return ""
}

// textError is a FieldError for a value CheckText rejects, or nil.
func textError(field, s string, max int, oneLine bool) *FieldError {
	if msg := CheckText(s, max, oneLine); msg != "" {
		return &FieldError{Field: field, Message: field + " " + msg}
	}
	return nil
}

// appendProblems appends to errs those of es that are problems (not nil), in order.
func appendProblems(errs []FieldError, es ...*FieldError) []FieldError {
	for _, e := range es {
		if e != nil {
			errs = append(errs, *e)
		}
	}
	return errs
}
