package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// Signing in and out, who am I, my tokens, and for admins the accounts and the security log.

// sessionPath is where a browser signs in (POST) and out (DELETE).
const sessionPath = "/api/v1/session"

// secureCookies reports whether the session cookie must only go over HTTPS: when the server is
// reached over HTTPS, by its public URL or a TLS-terminating proxy's X-Forwarded-Proto.
func (s *Server) secureCookies(c *fiber.Ctx) bool {
	return strings.HasPrefix(s.opts.PublicURL, "https://") || c.Protocol() == "https" ||
		strings.EqualFold(c.Get(fiber.HeaderXForwardedProto), "https")
}

// setSessionCookie gives the browser the session's secret for as long as the session lasts.
// The lifetime goes as Max-Age, seconds from now, never as an Expires date: the browser reads
// a date by its own clock, and the server's (GRIDMAP_CLOCK) may be set back or ahead, which
// would make the cookie long past, dropped at once, or a year away.
func (s *Server) setSessionCookie(c *fiber.Ctx, secret string, expires time.Time) {
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: secret, Path: "/", MaxAge: max(1, int(expires.Sub(s.now()).Seconds())), HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: s.secureCookies(c)})
}

func (s *Server) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1, HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: s.secureCookies(c)})
}

// signIn: POST /api/v1/session {"login", "password"} starts a session: an HTTP-only cookie,
// and in the body the CSRF token the page sends with its writes. A wrong login or password
// gets one answer, whichever it was; too many get 429 until the lockout ends.
func (s *Server) signIn(c *fiber.Ctx) error {
	if err := checkParams(c); err != nil {
		return err
	}
	if err := requireJSON(c); err != nil {
		return err
	}
	var body struct {
		Login    string `json:"login"`
		Password string `json:"password"`
	}
	if err := decodeJSON(c.Body(), &body); err != nil {
		return err
	}
	if err := textField("login", body.Login, 64, true); err != nil {
		return err
	}
	if err := textField("password", body.Password, 200, false); err != nil {
		return err
	}
	secret, sess, u, err := s.deps.Auth.SignIn(c.UserContext(), body.Login, body.Password, c.IP(), c.Get(fiber.HeaderUserAgent))
	if l, ok := isLocked(err); ok {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(max(1, int(time.Until(l.Until).Seconds()))))
		return &gridmap.Error{Code: gridmap.ETooMany, Field: "login", Message: "too many failed sign-ins; try again after " + l.Until.Format(time.RFC3339)}
	}
	if err != nil {
		return err
	}
	s.setSessionCookie(c, secret, sess.ExpiresAt)
	p := gridmap.Principal{User: &u, Via: "session"}
	return c.JSON(s.meJSON(c, p, sess.CSRF, sess.ExpiresAt))
}

// signOut: DELETE /api/v1/session ends the session and clears its cookie.
func (s *Server) signOut(c *fiber.Ctx) error {
	if err := s.deps.Auth.SignOut(c.UserContext(), principal(c), c.IP()); err != nil {
		return err
	}
	s.clearSessionCookie(c)
	return c.SendStatus(fiber.StatusNoContent)
}

type grantJSON struct {
	Role      string   `json:"role"`
	RoleZH    string   `json:"role_zh"`
	RoleEN    string   `json:"role_en"`
	Scope     string   `json:"scope"`
	ScopeCode []string `json:"scope_codes"`
}

type userJSON struct {
	ID       int64       `json:"id"`
	Login    string      `json:"login"`
	Name     string      `json:"name"`
	StaffID  string      `json:"staff_id,omitempty"`
	Disabled bool        `json:"disabled,omitempty"`
	Roles    []grantJSON `json:"roles"`
}

func toUserJSON(u gridmap.User) userJSON {
	out := userJSON{ID: u.ID, Login: u.Login, Name: u.Name, StaffID: u.StaffID, Disabled: u.Disabled, Roles: []grantJSON{}}
	for _, g := range u.Grants {
		n, _ := gridmap.Lookup(gridmap.AccountRoles, g.Role)
		codes := []string(g.Scope)
		if g.Scope.IsCity() {
			codes = []string{}
		}
		out.Roles = append(out.Roles, grantJSON{Role: g.Role, RoleZH: n.ZH, RoleEN: n.EN, Scope: g.Scope.String(), ScopeCode: codes})
	}
	return out
}

// meJSON says who the caller is and what they may do where, for the pages to show and to
// offer only what is allowed.
// The actions are a map of action to scope for everyone, the public's only read in the city.
func (s *Server) meJSON(c *fiber.Ctx, p gridmap.Principal, csrf string, expires time.Time) fiber.Map {
	actions := fiber.Map{}
	for _, a := range gridmap.Actions {
		if sc := p.ScopeFor(a); len(sc) > 0 {
			actions[a] = sc.String()
		}
	}
	if p.Anonymous() {
		return fiber.Map{"signed_in": false, "actions": actions}
	}
	out := fiber.Map{"signed_in": true, "via": p.Via, "user": toUserJSON(*p.User), "actions": actions}
	if csrf != "" {
		out["csrf_token"] = csrf
		out["expires_at"] = expires
	}
	return out
}

// me: GET /api/v1/me — the caller's account, roles, scopes and allowed actions; with a
// session, its CSRF token.
func (s *Server) me(c *fiber.Ctx) error {
	if err := checkParams(c); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	sess, _ := c.Locals(localSession).(gridmap.Session)
	return c.JSON(s.meJSON(c, principal(c), sess.CSRF, sess.ExpiresAt))
}

// mySessions: GET /api/v1/me/sessions — the caller's sessions, live and ended.
func (s *Server) mySessions(c *fiber.Ctx) error {
	if err := checkParams(c); err != nil {
		return err
	}
	list, err := s.deps.Accounts.Sessions(c.UserContext(), principal(c).User.ID)
	if err != nil {
		return err
	}
	type sessionJSON struct {
		CreatedAt  time.Time  `json:"created_at"`
		ExpiresAt  time.Time  `json:"expires_at"`
		LastSeenAt time.Time  `json:"last_seen_at"`
		RevokedAt  *time.Time `json:"revoked_at"`
		Address    string     `json:"address"`
		UserAgent  string     `json:"user_agent"`
		Live       bool       `json:"live"`
	}
	now := s.now()
	out := make([]sessionJSON, len(list))
	for i, x := range list {
		out[i] = sessionJSON{CreatedAt: x.CreatedAt, ExpiresAt: x.ExpiresAt, LastSeenAt: x.LastSeenAt, RevokedAt: timePtr(x.RevokedAt),
			Address: x.Address, UserAgent: x.UserAgent, Live: x.RevokedAt.IsZero() && x.ExpiresAt.After(now)}
	}
	return c.JSON(fiber.Map{"sessions": out})
}

type tokenJSON struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	Token      string     `json:"token,omitempty"` // only in the answer that made it
}

// timePtr is a time as the JSON answers give it: null for none.
func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func toTokenJSON(t gridmap.Token) tokenJSON {
	return tokenJSON{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt, ExpiresAt: timePtr(t.ExpiresAt), RevokedAt: timePtr(t.RevokedAt), LastUsedAt: timePtr(t.LastUsedAt)}
}

// myTokens: GET /api/v1/me/tokens — the caller's API tokens (never the tokens themselves).
func (s *Server) myTokens(c *fiber.Ctx) error {
	if err := checkParams(c); err != nil {
		return err
	}
	list, err := s.deps.Accounts.Tokens(c.UserContext(), principal(c).User.ID)
	if err != nil {
		return err
	}
	out := make([]tokenJSON, len(list))
	for i, t := range list {
		out[i] = toTokenJSON(t)
	}
	return c.JSON(fiber.Map{"tokens": out})
}

// createMyToken: POST /api/v1/me/tokens {"name", "expires_in_days"} makes an API token acting
// as the caller, and shows it this once.
func (s *Server) createMyToken(c *fiber.Ctx) error {
	if err := checkParams(c); err != nil {
		return err
	}
	if err := requireJSON(c); err != nil {
		return err
	}
	var body struct {
		Name string `json:"name"`
		Days *int   `json:"expires_in_days"`
	}
	if err := decodeJSON(c.Body(), &body); err != nil {
		return err
	}
	if err := textField("name", body.Name, gridmap.MaxName, true); err != nil {
		return err
	}
	ttl := time.Duration(0)
	if body.Days != nil {
		if *body.Days < 1 || *body.Days > 3650 {
			return gridmap.Invalid("expires_in_days", "expires_in_days must be a whole number of days from 1 to 3650")
		}
		ttl = time.Duration(*body.Days) * 24 * time.Hour
	}
	p := principal(c)
	secret, t, err := s.deps.Auth.CreateToken(c.UserContext(), p.ActorFor(gridmap.ActSelf), p.User.ID, body.Name, ttl)
	if err != nil {
		return err
	}
	out := toTokenJSON(t)
	out.Token = secret
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(out)
}

// revokeMyToken: DELETE /api/v1/me/tokens/{id}.
func (s *Server) revokeMyToken(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "token")
	if err != nil {
		return err
	}
	p := principal(c)
	if err := s.deps.Auth.RevokeToken(c.UserContext(), p.ActorFor(gridmap.ActSelf), p.User.ID, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// users: GET /api/v1/users — every account with its roles (admins).
func (s *Server) users(c *fiber.Ctx) error {
	if err := checkParams(c); err != nil {
		return err
	}
	list, err := s.deps.Accounts.Users(c.UserContext())
	if err != nil {
		return err
	}
	out := make([]userJSON, len(list))
	for i, u := range list {
		out[i] = toUserJSON(u)
	}
	return c.JSON(fiber.Map{"users": out})
}

// audit: GET /api/v1/audit?before=&limit= — the security log, newest first (admins).
func (s *Server) audit(c *fiber.Ctx) error {
	if err := checkParams(c, "before", "limit"); err != nil {
		return err
	}
	limit, err := intParam(c, "limit", 100, 1, 1000)
	if err != nil {
		return err
	}
	before, err := intParam(c, "before", 0, 0, 1<<62)
	if err != nil {
		return err
	}
	events, err := s.deps.Accounts.SecurityEvents(c.UserContext(), int64(before), limit)
	if err != nil {
		return err
	}
	type eventJSON struct {
		ID      int64     `json:"id"`
		At      time.Time `json:"at"`
		Kind    string    `json:"kind"`
		UserID  int64     `json:"user_id,omitempty"`
		Login   string    `json:"login,omitempty"`
		Subject string    `json:"subject,omitempty"`
		Address string    `json:"address,omitempty"`
		Detail  string    `json:"detail,omitempty"`
	}
	out := make([]eventJSON, len(events))
	for i, e := range events {
		out[i] = eventJSON{e.ID, e.At, e.Kind, e.UserID, e.Login, e.Subject, e.Address, e.Detail}
	}
	return c.JSON(fiber.Map{"events": out})
}
