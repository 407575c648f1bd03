package postgis

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gridmap/gridmap/internal/gridmap"
)

var _ gridmap.AccountStore = (*DB)(nil)

// userColumns are an account's columns with its grants aggregated, which scanUser reads.
const userColumns = `SELECT u.id, u.login, u.name, coalesce(u.staff_id, ''), coalesce(u.department_code, ''), u.disabled, u.created_at, u.password_hash,
    coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM user_roles r WHERE r.user_id = u.id), '{}'),
    coalesce((SELECT array_agg(array_to_string(r.scope, ',') ORDER BY r.role) FROM user_roles r WHERE r.user_id = u.id), '{}')`

// userSQL reads accounts with their grants aggregated, one row each.
const userSQL = userColumns + `
FROM users u`

// sessionUserSQL reads a live session with its account in one round trip: every signed-in
// request makes it.
const sessionUserSQL = userColumns + `, s.id, s.csrf, s.created_at, s.expires_at, s.last_seen_at, s.address, s.user_agent
FROM users u JOIN sessions s ON s.user_id = u.id WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > $2`

// tokenUserSQL reads a live token with its account in one round trip: every request with a
// token makes it.
const tokenUserSQL = userColumns + `, t.id, t.name, t.created_at, coalesce(t.last_used_at, 'epoch')
FROM users u JOIN api_tokens t ON t.user_id = u.id WHERE t.hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)`

// scanUser reads a row of userSQL, and more columns after it into more.
func scanUser(r pgx.Row, more ...any) (gridmap.User, string, error) {
	var u gridmap.User
	var hash string
	var roles, scopes []string
	if err := r.Scan(append([]any{&u.ID, &u.Login, &u.Name, &u.StaffID, &u.Department, &u.Disabled, &u.CreatedAt, &hash, &roles, &scopes}, more...)...); err != nil {
		return u, "", err
	}
	for i, role := range roles {
		scope, err := gridmap.ParseScope(scopes[i])
		if err != nil {
			return u, "", err
		}
		if scopes[i] == "" {
			scope = gridmap.CityScope
		}
		u.Grants = append(u.Grants, gridmap.Grant{Role: role, Scope: scope})
	}
	return u, hash, nil
}

// scopeArray is a scope as stored: the city as the one prefix ”.
func scopeArray(s gridmap.Scope) []string {
	if s.IsCity() {
		return []string{""}
	}
	return []string(s)
}

// CreateUser stores a new account and its grants in one transaction.
func (db *DB) CreateUser(ctx context.Context, u gridmap.User, hash string) (gridmap.User, error) {
	now := db.now()
	err := pgx.BeginFunc(ctx, db.Pool, func(tx pgx.Tx) error {
		var staff *string
		if u.StaffID != "" {
			staff = &u.StaffID
		}
		if err := tx.QueryRow(ctx, `INSERT INTO users (login, name, password_hash, staff_id, department_code, disabled, created_at, updated_at)
VALUES ($1, $2, $3, $4, nullif($7, ''), $5, $6, $6) RETURNING id, created_at`, u.Login, u.Name, hash, staff, u.Disabled, now, u.Department).Scan(&u.ID, &u.CreatedAt); err != nil {
			return err
		}
		return setGrants(ctx, tx, u.ID, u.Grants)
	})
	if err != nil {
		return u, translate(err, "create user "+u.Login)
	}
	return u, nil
}

func setGrants(ctx context.Context, tx pgx.Tx, id int64, grants []gridmap.Grant) error {
	if _, err := tx.Exec(ctx, `DELETE FROM user_roles WHERE user_id = $1`, id); err != nil {
		return err
	}
	for _, g := range grants {
		if _, err := tx.Exec(ctx, `INSERT INTO user_roles (user_id, role, scope) VALUES ($1, $2, $3)`, id, g.Role, scopeArray(g.Scope)); err != nil {
			return err
		}
	}
	return nil
}

// UserByLogin returns the account with its password hash.
func (db *DB) UserByLogin(ctx context.Context, login string) (gridmap.User, string, error) {
	u, hash, err := scanUser(db.Pool.QueryRow(ctx, userSQL+` WHERE u.login = $1`, login))
	if errors.Is(err, pgx.ErrNoRows) {
		return u, "", gridmap.NotFound("no account %q", login)
	}
	return u, hash, translate(err, "read user")
}

// User returns one account.
func (db *DB) User(ctx context.Context, id int64) (gridmap.User, error) {
	u, _, err := scanUser(db.Pool.QueryRow(ctx, userSQL+` WHERE u.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return u, gridmap.NotFound("no account %d", id)
	}
	return u, translate(err, "read user")
}

// Users lists every account by login.
func (db *DB) Users(ctx context.Context) ([]gridmap.User, error) {
	rows, err := db.Pool.Query(ctx, userSQL+` ORDER BY u.login`)
	if err != nil {
		return nil, translate(err, "list users")
	}
	return collect(rows, "list users", func(r pgx.CollectableRow) (gridmap.User, error) {
		u, _, err := scanUser(r)
		return u, err
	})
}

func (db *DB) updateUser(ctx context.Context, id int64, what, sql string, args ...any) error {
	tag, err := db.Pool.Exec(ctx, sql, append([]any{id, db.now()}, args...)...)
	if err != nil {
		return translate(err, what)
	}
	if tag.RowsAffected() == 0 {
		return gridmap.NotFound("no account %d", id)
	}
	return nil
}

// SetPassword replaces an account's password hash.
func (db *DB) SetPassword(ctx context.Context, id int64, hash string) error {
	return db.updateUser(ctx, id, "set password", `UPDATE users SET password_hash = $3, updated_at = $2 WHERE id = $1`, hash)
}

// SetDisabled disables or enables an account; a disabled account's sessions end with it.
func (db *DB) SetDisabled(ctx context.Context, id int64, disabled bool) error {
	// The users row is the outer statement, so that its count says whether the account exists
	// (an account without a live session is disabled all the same).
	return db.updateUser(ctx, id, "disable user", `WITH s AS (UPDATE sessions SET revoked_at = $2 WHERE $3 AND user_id = $1 AND revoked_at IS NULL)
UPDATE users SET disabled = $3, updated_at = $2 WHERE id = $1`, disabled)
}

// SetGrants replaces an account's roles.
func (db *DB) SetGrants(ctx context.Context, id int64, grants []gridmap.Grant) error {
	err := pgx.BeginFunc(ctx, db.Pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET updated_at = $2 WHERE id = $1`, id, db.now())
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return gridmap.NotFound("no account %d", id)
		}
		return setGrants(ctx, tx, id, grants)
	})
	return translate(err, "set roles")
}

// CreateSession stores a new session.
func (db *DB) CreateSession(ctx context.Context, s gridmap.Session) error {
	_, err := db.Pool.Exec(ctx, `INSERT INTO sessions (id, user_id, csrf, created_at, expires_at, last_seen_at, address, user_agent)
VALUES ($1, $2, $3, $4, $5, $4, $6, $7)`, s.ID, s.UserID, s.CSRF, s.CreatedAt, s.ExpiresAt, s.Address, s.UserAgent)
	return translate(err, "create session")
}

// SessionUser returns a live session with its account, and notes that it was seen (at most
// once a minute, so that reading pages does not write on every request).
func (db *DB) SessionUser(ctx context.Context, id []byte, now time.Time) (gridmap.Session, gridmap.User, error) {
	var s gridmap.Session
	u, _, err := scanUser(db.Pool.QueryRow(ctx, sessionUserSQL, id, now),
		&s.ID, &s.CSRF, &s.CreatedAt, &s.ExpiresAt, &s.LastSeenAt, &s.Address, &s.UserAgent)
	if errors.Is(err, pgx.ErrNoRows) {
		return s, gridmap.User{}, &gridmap.Error{Code: gridmap.EUnauthorized, Message: "the session has ended; sign in again"}
	}
	if err != nil {
		return s, gridmap.User{}, translate(err, "read session")
	}
	if err := db.touch(ctx, &s.LastSeenAt, now, "read session",
		`UPDATE sessions SET last_seen_at = $2 WHERE id = $1 AND last_seen_at < $2::timestamptz - $3 * interval '1 second'`, id); err != nil {
		return s, gridmap.User{}, err
	}
	s.UserID = u.ID
	if u.Disabled {
		return s, gridmap.User{}, &gridmap.Error{Code: gridmap.EUnauthorized, Message: "the account is disabled"}
	}
	return s, u, nil
}

// RevokeSession ends a session.
func (db *DB) RevokeSession(ctx context.Context, id []byte, at time.Time) error {
	_, err := db.Pool.Exec(ctx, `UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, id, at)
	return translate(err, "end session")
}

// Sessions lists an account's sessions, newest first.
func (db *DB) Sessions(ctx context.Context, userID int64) ([]gridmap.Session, error) {
	rows, err := db.Pool.Query(ctx, `SELECT id, user_id, csrf, created_at, expires_at, last_seen_at, coalesce(revoked_at, 'epoch'), address, user_agent
FROM sessions WHERE user_id = $1 ORDER BY created_at DESC`, userID)
	if err != nil {
		return nil, translate(err, "list sessions")
	}
	return collect(rows, "list sessions", func(r pgx.CollectableRow) (gridmap.Session, error) {
		var s gridmap.Session
		err := r.Scan(&s.ID, &s.UserID, &s.CSRF, &s.CreatedAt, &s.ExpiresAt, &s.LastSeenAt, &s.RevokedAt, &s.Address, &s.UserAgent)
		fromEpoch(&s.RevokedAt)
		return s, err
	})
}

// CreateToken stores a token's hash.
func (db *DB) CreateToken(ctx context.Context, t gridmap.Token, hash []byte) (gridmap.Token, error) {
	err := db.Pool.QueryRow(ctx, `INSERT INTO api_tokens (hash, user_id, name, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		hash, t.UserID, t.Name, t.CreatedAt, nullTime(t.ExpiresAt)).Scan(&t.ID)
	return t, translate(err, "create token")
}

// usedEvery is how stale a session's last_seen_at or a token's last_used_at may be: each is
// written at most once in this time, so that a busy client's requests only read (a write per
// request would put a WAL flush, and a lock on one row, in front of every request).
const usedEvery = time.Minute

// touch records that a session was seen or a token used: when *at, as read, is more than
// usedEvery before now, it becomes now, and update writes it for key ($1), with now as $2 and
// usedEvery in seconds as $3 (its own condition on them lets only the first of concurrent
// requests write).
func (db *DB) touch(ctx context.Context, at *time.Time, now time.Time, what, update string, key any) error {
	if !at.Before(now.Add(-usedEvery)) {
		return nil
	}
	*at = now
	_, err := db.Pool.Exec(ctx, update, key, now, usedEvery.Seconds())
	return translate(err, what)
}

// TokenUser returns a live token's account and records when it was used (to the minute).
func (db *DB) TokenUser(ctx context.Context, hash []byte, now time.Time) (gridmap.Token, gridmap.User, error) {
	var t gridmap.Token
	u, _, err := scanUser(db.Pool.QueryRow(ctx, tokenUserSQL, hash, now),
		&t.ID, &t.Name, &t.CreatedAt, &t.LastUsedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, gridmap.User{}, &gridmap.Error{Code: gridmap.EUnauthorized, Message: "the API token is unknown, expired or revoked"}
	}
	if err != nil {
		return t, gridmap.User{}, translate(err, "read token")
	}
	if err := db.touch(ctx, &t.LastUsedAt, now, "read token",
		`UPDATE api_tokens SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - $3 * interval '1 second')`, t.ID); err != nil {
		return t, gridmap.User{}, err
	}
	t.UserID = u.ID
	if u.Disabled {
		return t, gridmap.User{}, &gridmap.Error{Code: gridmap.EUnauthorized, Message: "the token's account is disabled"}
	}
	return t, u, nil
}

// RevokeToken ends a token of a user.
func (db *DB) RevokeToken(ctx context.Context, userID, id int64, at time.Time) error {
	tag, err := db.Pool.Exec(ctx, `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, $3) WHERE id = $1 AND user_id = $2`, id, userID, at)
	if err != nil {
		return translate(err, "revoke token")
	}
	if tag.RowsAffected() == 0 {
		return gridmap.NotFound("user %d has no token %d", userID, id)
	}
	return nil
}

// Tokens lists a user's tokens, newest first.
func (db *DB) Tokens(ctx context.Context, userID int64) ([]gridmap.Token, error) {
	rows, err := db.Pool.Query(ctx, `SELECT id, user_id, name, created_at, coalesce(expires_at, 'epoch'), coalesce(revoked_at, 'epoch'), coalesce(last_used_at, 'epoch')
FROM api_tokens WHERE user_id = $1 ORDER BY id DESC`, userID)
	if err != nil {
		return nil, translate(err, "list tokens")
	}
	return collect(rows, "list tokens", func(r pgx.CollectableRow) (gridmap.Token, error) {
		var t gridmap.Token
		err := r.Scan(&t.ID, &t.UserID, &t.Name, &t.CreatedAt, &t.ExpiresAt, &t.RevokedAt, &t.LastUsedAt)
		fromEpoch(&t.ExpiresAt, &t.RevokedAt, &t.LastUsedAt)
		return t, err
	})
}

// Locked returns the latest lockout among keys still in force at now.
func (db *DB) Locked(ctx context.Context, keys []string, now time.Time) (time.Time, error) {
	var until *time.Time
	err := db.Pool.QueryRow(ctx, `SELECT max(locked_until) FROM signin_throttle WHERE key = ANY($1) AND locked_until > $2`, keys, now).Scan(&until)
	if err != nil || until == nil {
		return time.Time{}, translate(err, "sign-in throttle")
	}
	return *until, nil
}

// Failed counts a failure under each key within the throttle's window, locking the keys that
// pass its limit.
func (db *DB) Failed(ctx context.Context, keys []string, now time.Time, t gridmap.Throttle) ([]string, error) {
	rows, err := db.Pool.Query(ctx, `INSERT INTO signin_throttle AS s (key, failures, window_start)
SELECT k, 1, $2 FROM unnest($1::text[]) k
ON CONFLICT (key) DO UPDATE SET
    failures = CASE WHEN s.window_start < $2 - $3 * interval '1 second' THEN 1 ELSE s.failures + 1 END,
    window_start = CASE WHEN s.window_start < $2 - $3 * interval '1 second' THEN $2 ELSE s.window_start END
RETURNING key, failures`, keys, now, t.Window.Seconds())
	if err != nil {
		return nil, translate(err, "sign-in throttle")
	}
	var locked []string
	var key string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&key, &n}, func() error {
		if n > t.Limit {
			locked = append(locked, key)
		}
		return nil
	})
	if err != nil || len(locked) == 0 {
		return nil, translate(err, "sign-in throttle")
	}
	_, err = db.Pool.Exec(ctx, `UPDATE signin_throttle SET locked_until = $2, failures = 0, window_start = $3 WHERE key = ANY($1)`,
		locked, now.Add(t.LockFor), now)
	return locked, translate(err, "sign-in throttle")
}

// Succeeded forgets a key's failures.
func (db *DB) Succeeded(ctx context.Context, key string) error {
	_, err := db.Pool.Exec(ctx, `DELETE FROM signin_throttle WHERE key = $1`, key)
	return translate(err, "sign-in throttle")
}

// LogSecurity appends to the security audit log.
func (db *DB) LogSecurity(ctx context.Context, e gridmap.SecurityEvent) error {
	_, err := db.Pool.Exec(ctx, `INSERT INTO security_events (at, kind, user_id, login, subject, address, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		e.At, e.Kind, nullID(e.UserID), e.Login, e.Subject, e.Address, e.Detail)
	return translate(err, "security log")
}

// SecurityEvents returns up to limit events with ids below before (0: the newest), newest first.
func (db *DB) SecurityEvents(ctx context.Context, before int64, limit int) ([]gridmap.SecurityEvent, error) {
	w := &where{}
	if before > 0 {
		w.add("id < ?", before)
	}
	rows, err := db.Pool.Query(ctx, `SELECT id, at, kind, coalesce(user_id, 0), login, subject, address, detail FROM security_events`+w.String()+
		` ORDER BY id DESC LIMIT `+w.nextArg(limit), w.args...)
	if err != nil {
		return nil, translate(err, "security log")
	}
	return collect(rows, "security log", func(r pgx.CollectableRow) (gridmap.SecurityEvent, error) {
		var e gridmap.SecurityEvent
		err := r.Scan(&e.ID, &e.At, &e.Kind, &e.UserID, &e.Login, &e.Subject, &e.Address, &e.Detail)
		return e, err
	})
}
