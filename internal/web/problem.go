package web

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// Problem is an RFC 9457 problem-details body: every error gridmap returns over HTTP has this
// shape, with the code of the domain error, the parameter or field at fault, and the request id
// to quote when reporting it.
type Problem struct {
	Type      string               `json:"type"`
	Title     string               `json:"title"`
	Status    int                  `json:"status"`
	Detail    string               `json:"detail,omitempty"`
	Instance  string               `json:"instance,omitempty"`
	Code      string               `json:"code"`
	Field     string               `json:"field,omitempty"`
	Errors    []gridmap.FieldError `json:"errors,omitempty"`
	RequestID string               `json:"request_id,omitempty"`
}

// statusOf maps each domain error code to its one HTTP status.
var statusOf = map[string]int{
	gridmap.EInvalid:      http.StatusBadRequest,
	gridmap.ENotFound:     http.StatusNotFound,
	gridmap.EConflict:     http.StatusConflict,
	gridmap.EUnauthorized: http.StatusUnauthorized,
	gridmap.EForbidden:    http.StatusForbidden,
	gridmap.EUnavailable:  http.StatusServiceUnavailable,
	gridmap.ETooLarge:     http.StatusRequestEntityTooLarge,
	gridmap.ETooMany:      http.StatusTooManyRequests,
	gridmap.EInternal:     http.StatusInternalServerError,
}

// codeOfStatus names the HTTP errors fiber raises itself (unknown route, body too large, ...).
func codeOfStatus(status int) string {
	switch {
	case status == http.StatusNotFound:
		return gridmap.ENotFound
	case status == http.StatusRequestEntityTooLarge:
		return gridmap.ETooLarge
	case status == http.StatusUnauthorized:
		return gridmap.EUnauthorized
	case status == http.StatusForbidden:
		return gridmap.EForbidden
	case status == http.StatusServiceUnavailable:
		return gridmap.EUnavailable
	case status >= 500:
		return gridmap.EInternal
	}
	return gridmap.EInvalid
}

// errorHandler is the one place errors become responses. Domain errors keep their message;
// internal errors are logged with the request id and shown only as a generic message.
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	p := Problem{Type: "about:blank", Instance: c.OriginalURL(), RequestID: requestID(c)}
	var ge *gridmap.Error
	var fe *fiber.Error
	switch {
	case errors.As(err, &ge):
		p.Code = ge.Code
		p.Status = statusOf[ge.Code]
		if p.Status == 0 {
			p.Status = http.StatusInternalServerError
		}
		p.Detail, p.Field, p.Errors = ge.Message, ge.Field, ge.Details
		if ge.Code == gridmap.EInternal || ge.Code == gridmap.EUnavailable {
			s.log.Error("request failed", "request_id", p.RequestID, "path", c.Path(), "code", ge.Code, "err", err)
			if ge.Code == gridmap.EInternal {
				p.Detail = "internal error; quote the request id when reporting it"
			}
		}
	case errors.As(err, &fe):
		p.Status, p.Code, p.Detail = fe.Code, codeOfStatus(fe.Code), fe.Message
		if fe.Code == http.StatusRequestEntityTooLarge {
			p.Detail = "request body is larger than the server accepts"
		}
	default:
		p.Status, p.Code = http.StatusInternalServerError, gridmap.EInternal
		p.Detail = "internal error; quote the request id when reporting it"
		s.log.Error("request failed", "request_id", p.RequestID, "path", c.Path(), "err", err)
	}
	p.Title = http.StatusText(p.Status)
	if p.Status >= 500 {
		s.metrics.errors.Inc()
	}
	if p.Status == http.StatusServiceUnavailable {
		// The database or a limit is in the way for now: a client should come back, not give up.
		c.Set(fiber.HeaderRetryAfter, retryAfterSeconds)
	}
	s.security.set(c) // errors fiber answers before routing never passed the middleware
	c.Set(fiber.HeaderContentType, "application/problem+json; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "no-store")
	body, _ := jsonMarshal(p)
	return c.Status(p.Status).Send(body)
}

// retryAfterSeconds is the Retry-After of every 503: long enough for a restarted database or a
// failover to come back, short enough that a wall display's data is not stale for long.
const retryAfterSeconds = "5"

// logLevelFor chooses how loudly to log a finished request.
func logLevelFor(status int) slog.Level {
	switch {
	case status >= 500:
		return slog.LevelError
	case status >= 400:
		return slog.LevelWarn
	}
	return slog.LevelInfo
}
