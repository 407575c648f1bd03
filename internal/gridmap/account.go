package gridmap

import (
	"context"
	"time"
)

// Session is a signed-in browser: the cookie holds a secret whose SHA-256 is the ID, so the
// database never holds a usable session. CSRF is the token cookie-authenticated writes must
// echo in a header.
type Session struct {
	ID         []byte
	UserID     int64
	CSRF       string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
	RevokedAt  time.Time
	Address    string
	UserAgent  string
}

// Token is an API token of a machine or a script: it acts as its user. Only its SHA-256 is
// stored; the token itself is shown once, when made.
type Token struct {
	ID         int64
	UserID     int64
	Name       string
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: never
	RevokedAt  time.Time
	LastUsedAt time.Time
}

// Kinds of security event, the audit log an admin reads.
const (
	SecSignIn         = "sign_in"
	SecSignInFailed   = "sign_in_failed"
	SecLockout        = "lockout"
	SecSignOut        = "sign_out"
	SecSessionRevoked = "session_revoked"
	SecTokenCreated   = "token_created"
	SecTokenRevoked   = "token_revoked"
	SecUserCreated    = "user_created"
	SecUserDisabled   = "user_disabled"
	SecUserEnabled    = "user_enabled"
	SecPassword       = "password_changed"
	SecRolesChanged   = "roles_changed"
	SecContactRead    = "contact_read"
	SecStaffRead      = "staff_read"
)

// SecurityEvent is one entry of the append-only security audit log.
type SecurityEvent struct {
	ID      int64
	At      time.Time
	Kind    string
	UserID  int64  // who acted; 0 for nobody signed in
	Login   string // the login involved (also for failed sign-ins of unknown logins)
	Subject string // what it was about: "user 12", "token 3", "incident 4711"
	Address string
	Detail  string
}

// Throttle says how sign-in failures are limited: more than Limit failures under one key (an
// account, an address) within Window lock that key for LockFor.
type Throttle struct {
	Limit   int
	Window  time.Duration
	LockFor time.Duration
}

// AccountStore keeps accounts, their sessions and tokens, the sign-in throttle and the security
// audit log.
type AccountStore interface {
	// CreateUser stores a new account with its grants; a login in use is an EConflict error.
	CreateUser(ctx context.Context, u User, passwordHash string) (User, error)
	// UserByLogin returns an account with its password hash; an unknown login is ENotFound.
	UserByLogin(ctx context.Context, login string) (User, string, error)
	User(ctx context.Context, id int64) (User, error)
	Users(ctx context.Context) ([]User, error)
	SetPassword(ctx context.Context, id int64, hash string) error
	// SetDisabled disables or enables an account; disabling ends its sessions.
	SetDisabled(ctx context.Context, id int64, disabled bool) error
	SetGrants(ctx context.Context, id int64, grants []Grant) error

	CreateSession(ctx context.Context, s Session) error
	// SessionUser returns a live session (not revoked, not expired at now, of an enabled
	// account) with its user; any other is EUnauthorized.
	SessionUser(ctx context.Context, id []byte, now time.Time) (Session, User, error)
	RevokeSession(ctx context.Context, id []byte, at time.Time) error
	Sessions(ctx context.Context, userID int64) ([]Session, error)

	CreateToken(ctx context.Context, t Token, hash []byte) (Token, error)
	// TokenUser returns a live token (not revoked, not expired, of an enabled account) with
	// its user, and records its use; any other is EUnauthorized.
	TokenUser(ctx context.Context, hash []byte, now time.Time) (Token, User, error)
	RevokeToken(ctx context.Context, userID, id int64, at time.Time) error
	Tokens(ctx context.Context, userID int64) ([]Token, error)

	// Locked returns until when the first locked of keys stays locked (zero: none is).
	Locked(ctx context.Context, keys []string, now time.Time) (time.Time, error)
	// Failed counts a failed sign-in under each key and returns the keys it locked.
	Failed(ctx context.Context, keys []string, now time.Time, t Throttle) ([]string, error)
	// Succeeded clears the failures of a key.
	Succeeded(ctx context.Context, key string) error

	LogSecurity(ctx context.Context, e SecurityEvent) error
	SecurityEvents(ctx context.Context, before int64, limit int) ([]SecurityEvent, error)
}
