package web

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/strictjson"
)

// decodeJSON parses a JSON body into v the one strict way (strictjson: no duplicate keys, no
// trailing value, valid UTF-8, no unknown fields), or returns a 400 naming the member at fault.
func decodeJSON(body []byte, v any) error {
	if err := strictjson.Decode(body, v); err != nil {
		return fieldsError([]gridmap.FieldError{jsonError(err)})
	}
	return nil
}

// jsonError names what is wrong in a JSON input as a field problem; the field is the member's
// dotted path, or "body" for the whole value.
func jsonError(err error) gridmap.FieldError {
	var e *strictjson.Error
	if errors.As(err, &e) {
		field := e.Path
		switch {
		case strings.HasPrefix(e.Msg, "malformed JSON") || strings.HasPrefix(e.Msg, "invalid UTF-8"):
			if field == "" {
				return gridmap.FieldError{Field: "body", Message: e.Msg}
			}
			return gridmap.FieldError{Field: field, Message: e.Msg + " (in " + field + ")"}
		case field == "":
			return gridmap.FieldError{Field: "body", Message: "the body " + e.Msg}
		}
		return gridmap.FieldError{Field: field, Message: field + " " + e.Msg}
	}
	return gridmap.FieldError{Field: "body", Message: "malformed JSON"}
}

// fieldsError is a 400 carrying every problem, the first as its message.
func fieldsError(errs []gridmap.FieldError) error {
	e := gridmap.Invalid(errs[0].Field, "%s", errs[0].Message)
	if len(errs) > 1 {
		e.Message = fmt.Sprintf("%s (and %d more problems)", errs[0].Message, len(errs)-1)
	}
	e.Details = errs
	return e
}

// mediaType is the request's Content-Type without its parameters, in lower case; "" when none.
func mediaType(c *fiber.Ctx) string {
	mt, _, _ := strings.Cut(c.Get(fiber.HeaderContentType), ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// requireJSON rejects bodies that are not JSON (by Content-Type) before parsing.
func requireJSON(c *fiber.Ctx, also ...string) error {
	ct := mediaType(c)
	if ct == "" || ct == "application/json" {
		return nil
	}
	for _, a := range also {
		if ct == a {
			return nil
		}
	}
	return &gridmap.Error{Code: gridmap.EInvalid, Field: "Content-Type", Message: fmt.Sprintf("Content-Type %q is not accepted; send application/json", ct)}
}

// textField checks a free-text value of a request, naming its field.
func textField(field, v string, max int, oneLine bool) error {
	if msg := gridmap.CheckText(v, max, oneLine); msg != "" {
		return gridmap.Invalid(field, "%s %s", field, msg)
	}
	return nil
}
