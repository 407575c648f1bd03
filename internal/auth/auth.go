// Package auth signs people and machines in: passwords hashed with argon2id, sessions kept in
// the database behind an HTTP-only cookie with a CSRF token for writes, API tokens shown once
// and stored hashed, and sign-in attempts throttled per account and per address. Every sign-in,
// failure, lockout and token change is written to the security audit log. It speaks to storage
// only through gridmap.AccountStore.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gridmap/gridmap/internal/clock"
	"github.com/gridmap/gridmap/internal/gridmap"
)

// Defaults of the service's settings.
const (
	DefaultSessionTTL = 12 * time.Hour
	DefaultTokenTTL   = 90 * 24 * time.Hour
	// TokenPrefix starts every API token, so a leaked one is easy to recognise and scan for.
	TokenPrefix = "gm_"
)

// Limits on failed sign-ins: per account a person's typos, per address a guesser's patience.
var (
	AccountThrottle = gridmap.Throttle{Limit: 5, Window: 15 * time.Minute, LockFor: 15 * time.Minute}
	AddressThrottle = gridmap.Throttle{Limit: 20, Window: 15 * time.Minute, LockFor: 15 * time.Minute}
)

// Service signs callers in and tells who they are.
type Service struct {
	store      gridmap.AccountStore
	clock      clock.Clock
	sessionTTL time.Duration
	// dummy is a hash that no password matches, checked for unknown logins so that they take
	// as long as a wrong password.
	dummy string
}

// New returns the service over store; sessionTTL 0 takes DefaultSessionTTL.
func New(store gridmap.AccountStore, clk clock.Clock, sessionTTL time.Duration) *Service {
	if clk == nil {
		clk = clock.System()
	}
	if sessionTTL <= 0 {
		sessionTTL = DefaultSessionTTL
	}
	dummy, _ := HashPassword(GeneratePassword())
	return &Service{store: store, clock: clk, sessionTTL: sessionTTL, dummy: dummy}
}

// ErrSignIn is the one answer to a failed sign-in, whatever failed: an unknown login, a wrong
// password, a disabled account.
var ErrSignIn = &gridmap.Error{Code: gridmap.EUnauthorized, Field: "password", Message: "wrong login or password"}

// Locked is the answer while an account or an address is locked out.
type Locked struct{ Until time.Time }

func (l *Locked) Error() string {
	return "auth: too many failed sign-ins; try again after " + l.Until.Format(time.RFC3339)
}

// SignIn checks a login and password and starts a session. It returns the cookie secret (to
// set as the session cookie) and the session. A failed attempt counts against the login and
// the address; beyond the limits both are locked out for a while (*Locked), whether the login
// exists or not, so the answers tell nothing of which logins exist.
func (s *Service) SignIn(ctx context.Context, login, password, address, userAgent string) (string, gridmap.Session, gridmap.User, error) {
	now := s.clock.Now()
	login = strings.ToLower(strings.TrimSpace(login))
	keys := []string{"login:" + login, "addr:" + address}
	until, err := s.store.Locked(ctx, keys, now)
	if err != nil {
		return "", gridmap.Session{}, gridmap.User{}, err
	}
	if !until.IsZero() {
		return "", gridmap.Session{}, gridmap.User{}, &Locked{Until: until}
	}
	u, hash, err := s.store.UserByLogin(ctx, login)
	if err != nil && gridmap.ErrorCode(err) != gridmap.ENotFound {
		return "", gridmap.Session{}, gridmap.User{}, err
	}
	if err != nil || hash == "" {
		hash = s.dummy // the same work as for a real account
	}
	ok := VerifyPassword(hash, password) && err == nil && !u.Disabled
	if !ok {
		s.log(ctx, gridmap.SecurityEvent{Kind: gridmap.SecSignInFailed, Login: login, Address: address})
		locked, err := s.failed(ctx, keys, now)
		if err != nil {
			return "", gridmap.Session{}, gridmap.User{}, err
		}
		for _, k := range locked {
			s.log(ctx, gridmap.SecurityEvent{Kind: gridmap.SecLockout, Login: login, Subject: k, Address: address})
		}
		return "", gridmap.Session{}, gridmap.User{}, ErrSignIn
	}
	if err := s.store.Succeeded(ctx, keys[0]); err != nil {
		return "", gridmap.Session{}, gridmap.User{}, err
	}
	secret := randomString(32)
	sess := gridmap.Session{ID: digest(secret), UserID: u.ID, CSRF: randomString(24), CreatedAt: now, ExpiresAt: now.Add(s.sessionTTL),
		LastSeenAt: now, Address: address, UserAgent: truncate(userAgent, 300)}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return "", gridmap.Session{}, gridmap.User{}, err
	}
	s.log(ctx, gridmap.SecurityEvent{Kind: gridmap.SecSignIn, UserID: u.ID, Login: u.Login, Address: address})
	return secret, sess, u, nil
}

func (s *Service) failed(ctx context.Context, keys []string, now time.Time) ([]string, error) {
	locked, err := s.store.Failed(ctx, keys[:1], now, AccountThrottle)
	if err != nil {
		return nil, err
	}
	more, err := s.store.Failed(ctx, keys[1:], now, AddressThrottle)
	return append(locked, more...), err
}

// SessionTTL is how long a session lasts from sign-in.
func (s *Service) SessionTTL() time.Duration { return s.sessionTTL }

// Session returns the principal of a session cookie's secret; a secret that names no live
// session is EUnauthorized.
func (s *Service) Session(ctx context.Context, secret string) (gridmap.Principal, gridmap.Session, error) {
	sess, u, err := s.store.SessionUser(ctx, digest(secret), s.clock.Now())
	if err != nil {
		return gridmap.Public, sess, err
	}
	return gridmap.Principal{User: &u, Via: "session", Session: base64.RawURLEncoding.EncodeToString(sess.ID)}, sess, nil
}

// Token returns the principal of an API token; a token that is unknown, revoked or expired is
// EUnauthorized.
func (s *Service) Token(ctx context.Context, token string) (gridmap.Principal, error) {
	if !strings.HasPrefix(token, TokenPrefix) {
		return gridmap.Public, &gridmap.Error{Code: gridmap.EUnauthorized, Message: "not a gridmap API token"}
	}
	_, u, err := s.store.TokenUser(ctx, digest(token), s.clock.Now())
	if err != nil {
		return gridmap.Public, err
	}
	return gridmap.Principal{User: &u, Via: "token"}, nil
}

// SignOut ends the session of a signed-in principal.
func (s *Service) SignOut(ctx context.Context, p gridmap.Principal, address string) error {
	if p.Via != "session" || p.User == nil {
		return nil
	}
	id, err := base64.RawURLEncoding.DecodeString(p.Session)
	if err != nil {
		return err
	}
	if err := s.store.RevokeSession(ctx, id, s.clock.Now()); err != nil {
		return err
	}
	s.log(ctx, gridmap.SecurityEvent{Kind: gridmap.SecSignOut, UserID: p.User.ID, Login: p.User.Login, Address: address})
	return nil
}

// CreateToken makes an API token for a user that lasts ttl (0: DefaultTokenTTL; negative:
// never expires) and returns it: the only time it is shown.
func (s *Service) CreateToken(ctx context.Context, by gridmap.Actor, userID int64, name string, ttl time.Duration) (string, gridmap.Token, error) {
	now := s.clock.Now()
	t := gridmap.Token{UserID: userID, Name: name, CreatedAt: now}
	switch {
	case ttl == 0:
		t.ExpiresAt = now.Add(DefaultTokenTTL)
	case ttl > 0:
		t.ExpiresAt = now.Add(ttl)
	}
	secret := TokenPrefix + randomString(32)
	t, err := s.store.CreateToken(ctx, t, digest(secret))
	if err != nil {
		return "", t, err
	}
	s.log(ctx, gridmap.SecurityEvent{Kind: gridmap.SecTokenCreated, UserID: by.UserID, Subject: "token " + strconv.FormatInt(t.ID, 10) + " of user " + strconv.FormatInt(userID, 10), Detail: name})
	return secret, t, nil
}

// RevokeToken ends a token of a user.
func (s *Service) RevokeToken(ctx context.Context, by gridmap.Actor, userID, id int64) error {
	if err := s.store.RevokeToken(ctx, userID, id, s.clock.Now()); err != nil {
		return err
	}
	s.log(ctx, gridmap.SecurityEvent{Kind: gridmap.SecTokenRevoked, UserID: by.UserID, Subject: "token " + strconv.FormatInt(id, 10) + " of user " + strconv.FormatInt(userID, 10)})
	return nil
}

// Log writes a security event, with the clock's time.
func (s *Service) Log(ctx context.Context, e gridmap.SecurityEvent) error {
	if e.At.IsZero() {
		e.At = s.clock.Now()
	}
	return s.store.LogSecurity(ctx, e)
}

// log writes a security event of a step that has already happened (a sign-in, a failure): a
// log that cannot be written must not undo it, and a database that refuses the event will
// refuse the next request too, which is answered with the error.
func (s *Service) log(ctx context.Context, e gridmap.SecurityEvent) { _ = s.Log(ctx, e) }

// digest is the SHA-256 of a secret, which is what the database keeps.
func digest(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(errors.New("auth: the system's random source failed: " + err.Error()))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
