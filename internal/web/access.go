package web

import (
	"crypto/subtle"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/gridmap/gridmap/internal/auth"
	"github.com/gridmap/gridmap/internal/gridmap"
)

// Who is calling, and what they may do. Every request passes authenticate, which finds its
// principal from an API token (Authorization: Bearer …) or a session cookie; every route
// passes authorize with the action it declared (routes.go). What lies outside a caller's
// scope is not found (404), so that a request learns nothing of what it may not see.

// SessionCookie is the name of the session cookie.
const SessionCookie = "gridmap_session"

// CSRFHeader carries, on writes made with the session cookie, the session's CSRF token: a
// page of another site can make the browser send the cookie, but cannot read the token.
const CSRFHeader = "X-CSRF-Token"

// principal is who is making the request.
func principal(c *fiber.Ctx) gridmap.Principal {
	p, _ := c.Locals(localPrincipal).(gridmap.Principal)
	return p
}

// authenticate finds the request's principal. A bearer token that is not valid is refused at
// once (401), whatever the route; a session cookie that is not valid leaves the caller public
// and is cleared. A write made with the cookie must carry the session's CSRF token.
func (s *Server) authenticate(c *fiber.Ctx) error {
	c.Locals(localPrincipal, gridmap.Public)
	if s.deps.Auth == nil {
		return c.Next()
	}
	ctx := c.UserContext()
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		scheme, token, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") {
			return unauthorized(c, "the Authorization header must be Bearer <API token>")
		}
		p, err := s.deps.Auth.Token(ctx, strings.TrimSpace(token))
		if err != nil {
			if gridmap.ErrorCode(err) == gridmap.EUnauthorized {
				return unauthorized(c, "the API token is unknown, expired or revoked")
			}
			return err
		}
		c.Locals(localPrincipal, p)
		return c.Next()
	}
	if secret := c.Cookies(SessionCookie); secret != "" {
		p, sess, err := s.deps.Auth.Session(ctx, secret)
		switch {
		case gridmap.ErrorCode(err) == gridmap.EUnauthorized:
			s.clearSessionCookie(c)
		case err != nil:
			return err
		default:
			if unsafeMethod(c.Method()) && c.Path() != sessionPath &&
				subtle.ConstantTimeCompare([]byte(c.Get(CSRFHeader)), []byte(sess.CSRF)) != 1 {
				return &gridmap.Error{Code: gridmap.EForbidden, Field: CSRFHeader,
					Message: "a change made with the session cookie needs the header " + CSRFHeader + " (GET /api/v1/me gives it)"}
			}
			c.Locals(localPrincipal, p)
			c.Locals(localSession, sess)
		}
	}
	return c.Next()
}

func unsafeMethod(m string) bool {
	switch m {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return false
	}
	return true
}

func unauthorized(c *fiber.Ctx, msg string) error {
	c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="gridmap"`)
	return gridmap.Errorf(gridmap.EUnauthorized, "%s", msg)
}

// authorize lets a request through to its route when its principal may do action somewhere:
// the public may only read; a caller not signed in is asked to (401); one whose roles do not
// allow the action is refused (403). Where in the city is each handler's to check.
func (s *Server) authorize(action string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p := principal(c)
		switch {
		case p.Can(action):
			return c.Next()
		case p.Anonymous():
			return unauthorized(c, "sign in (POST /api/v1/session) or send Authorization: Bearer <API token>")
		}
		return gridmap.Errorf(gridmap.EForbidden, "no role of %s allows %s", p.User.Login, action)
	}
}

// notFoundOutside is the answer for a thing outside the caller's scope: the same as for a
// thing that does not exist.
func notFoundOutside(format string, args ...any) *gridmap.Error {
	return gridmap.NotFound(format, args...)
}

// mayRead reports whether p may see an incident: it lies in p's scope for reading incidents,
// and p reads only its own reports when that is all its roles allow.
func mayRead(p gridmap.Principal, in *gridmap.Incident) bool {
	if d, only := p.DepartmentOnly(); only {
		return d != "" && in.Loop.Assignee.Department == d
	}
	if !p.CanAt(gridmap.ActReadIncidents, in.Assignment.GridCode) {
		return false
	}
	return !p.OwnReportsOnly() || in.ReportedBy.UserID == p.User.ID
}

// readableBy narrows an incident filter to what p may read — the one rule mayRead applies to
// single incidents, for lists: p's scope, its own reports for an integration, what is
// dispatched to it for a department (nothing for a department account without a department).
func readableBy(p gridmap.Principal, f *gridmap.IncidentFilter) {
	f.Scope = p.ScopeFor(gridmap.ActReadIncidents)
	if p.OwnReportsOnly() {
		f.ReportedBy = p.User.ID
	}
	if d, only := p.DepartmentOnly(); only {
		f.Department, f.Scope = d, nil
		if d == "" {
			f.Scope = gridmap.Scope{}
		}
	}
}

// overlaps reports whether any division in scope s lies inside the division code, or the code
// inside s: a street leader's street overlaps its communities, a community leader's community
// its street.
func overlaps(s gridmap.Scope, code string) bool {
	if s.Contains(code) {
		return true
	}
	for _, p := range s {
		if strings.HasPrefix(p, code) {
			return true
		}
	}
	return false
}

// personalFor reports whether p may see an incident's personal data (its reporter, description
// and who did what): it lies in p's scope for reading personal data.
func personalFor(p gridmap.Principal, in *gridmap.Incident) bool {
	if d, only := p.DepartmentOnly(); only {
		return d != "" && in.Loop.Assignee.Department == d && p.Can(gridmap.ActReadPersonal)
	}
	return p.CanAt(gridmap.ActReadPersonal, in.Assignment.GridCode)
}

// inScope checks that a division code given as a parameter (street, community, grid) lies in
// the caller's scope for action; outside it the division is not found.
func inScope(p gridmap.Principal, action, param, code string) error {
	if code == "" || p.CanAt(action, code) {
		return nil
	}
	e := notFoundOutside("no %s %s", param, code)
	e.Field = param
	return e
}

// isLocked tells a lockout from other sign-in failures.
func isLocked(err error) (*auth.Locked, bool) {
	var l *auth.Locked
	ok := errors.As(err, &l)
	return l, ok
}
