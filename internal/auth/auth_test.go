package auth_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/auth"
	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/postgis"
	"github.com/gridmap/gridmap/internal/testdb"
)

// manual is a clock the test moves.
type manual struct{ t time.Time }

func (m *manual) Now() time.Time { return m.t }

func setup(t *testing.T) (*auth.Service, *postgis.DB, *manual, gridmap.User) {
	t.Helper()
	db, err := postgis.Open(context.Background(), testdb.New(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	clk := &manual{time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	db.Clock = clk
	hash, err := auth.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.CreateUser(context.Background(), gridmap.User{Login: "longshan", Name: "龙山街道值班", Grants: []gridmap.Grant{{Role: gridmap.RoleStreet, Scope: gridmap.Scope{"350181003"}}}}, hash)
	if err != nil {
		t.Fatal(err)
	}
	return auth.New(db, clk, time.Hour), db, clk, u
}

func TestPasswordHash(t *testing.T) {
	h, err := auth.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := auth.HashPassword("correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	if !auth.VerifyPassword(h, "correct horse battery") || auth.VerifyPassword(h, "correct horse batterz") || auth.VerifyPassword("plain", "plain") {
		t.Error("VerifyPassword accepts or refuses the wrong password")
	}
	if _, err := auth.HashPassword("short"); err == nil {
		t.Error("a 5-character password was accepted")
	}
}

func TestSignInSessionsAndExpiry(t *testing.T) {
	ctx := context.Background()
	a, db, clk, u := setup(t)
	secret, sess, got, err := a.SignIn(ctx, "LongShan ", "correct horse battery", "10.0.0.1", "test")
	if err != nil || got.ID != u.ID || sess.CSRF == "" {
		t.Fatalf("sign-in: %v %+v", err, got)
	}
	p, _, err := a.Session(ctx, secret)
	if err != nil || p.User.ID != u.ID || !p.CanAt(gridmap.ActReadIncidents, "350181003003001") || p.CanAt(gridmap.ActReadIncidents, "350181002001001") {
		t.Fatalf("the session's principal: %v %+v", err, p)
	}
	clk.t = clk.t.Add(59 * time.Minute)
	if _, _, err := a.Session(ctx, secret); err != nil {
		t.Errorf("a session of one hour ended after 59 minutes: %v", err)
	}
	clk.t = clk.t.Add(2 * time.Minute)
	if _, _, err := a.Session(ctx, secret); gridmap.ErrorCode(err) != gridmap.EUnauthorized {
		t.Errorf("a session of one hour after 61 minutes: %v", err)
	}
	// Signing out and disabling the account end sessions.
	secret, _, _, _ = a.SignIn(ctx, "longshan", "correct horse battery", "10.0.0.1", "test")
	p, _, _ = a.Session(ctx, secret)
	if err := a.SignOut(ctx, p, "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.Session(ctx, secret); gridmap.ErrorCode(err) != gridmap.EUnauthorized {
		t.Errorf("a signed-out session still works: %v", err)
	}
	secret, _, _, _ = a.SignIn(ctx, "longshan", "correct horse battery", "10.0.0.1", "test")
	if err := db.SetDisabled(ctx, u.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.Session(ctx, secret); gridmap.ErrorCode(err) != gridmap.EUnauthorized {
		t.Errorf("a disabled account's session still works: %v", err)
	}
	if _, _, _, err := a.SignIn(ctx, "longshan", "correct horse battery", "10.0.0.1", "test"); !errors.Is(err, auth.ErrSignIn) {
		t.Errorf("a disabled account signs in: %v", err)
	}
	// Enabling and disabling again, now with no live session; an unknown account is not found.
	if err := db.SetDisabled(ctx, u.ID, false); err != nil {
		t.Errorf("enabling an account without a live session: %v", err)
	}
	if err := db.SetDisabled(ctx, u.ID, true); err != nil {
		t.Errorf("disabling an account without a live session: %v", err)
	}
	if err := db.SetDisabled(ctx, u.ID+1000, true); gridmap.ErrorCode(err) != gridmap.ENotFound {
		t.Errorf("disabling an unknown account: %v", err)
	}
}

func TestLockout(t *testing.T) {
	ctx := context.Background()
	a, db, clk, _ := setup(t)
	for i := range auth.AccountThrottle.Limit {
		if _, _, _, err := a.SignIn(ctx, "longshan", "wrong password!", "10.0.0.2", ""); !errors.Is(err, auth.ErrSignIn) {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	// One more failure locks the account, and then even the right password is refused.
	a.SignIn(ctx, "longshan", "wrong password!", "10.0.0.2", "")
	var locked *auth.Locked
	if _, _, _, err := a.SignIn(ctx, "longshan", "correct horse battery", "10.0.0.3", ""); !errors.As(err, &locked) {
		t.Fatalf("after %d failures the right password: %v, want locked out", auth.AccountThrottle.Limit+1, err)
	}
	// An unknown login locks out the same way: the answers do not tell which logins exist.
	for range auth.AccountThrottle.Limit + 1 {
		a.SignIn(ctx, "nobody", "wrong password!", "10.0.0.4", "")
	}
	if _, _, _, err := a.SignIn(ctx, "nobody", "wrong password!", "10.0.0.5", ""); !errors.As(err, &locked) {
		t.Errorf("an unknown login after %d failures: %v, want locked out too", auth.AccountThrottle.Limit+1, err)
	}
	clk.t = clk.t.Add(auth.AccountThrottle.LockFor + time.Second)
	if _, _, _, err := a.SignIn(ctx, "longshan", "correct horse battery", "10.0.0.3", ""); err != nil {
		t.Errorf("after the lockout the right password: %v", err)
	}
	// One address trying many logins is locked out by itself.
	for i := range auth.AddressThrottle.Limit + 1 {
		a.SignIn(ctx, "guess"+string(rune('a'+i)), "wrong password!", "10.9.9.9", "")
	}
	if _, _, _, err := a.SignIn(ctx, "longshan", "correct horse battery", "10.9.9.9", ""); !errors.As(err, &locked) {
		t.Errorf("an address that failed %d times: %v, want locked out", auth.AddressThrottle.Limit+1, err)
	}
	// Every step is in the security log, which cannot be changed.
	events, err := db.SecurityEvents(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, e := range events {
		kinds[e.Kind]++
	}
	if kinds[gridmap.SecSignIn] != 1 || kinds[gridmap.SecLockout] < 3 || kinds[gridmap.SecSignInFailed] < 30 {
		t.Errorf("the security log holds %v", kinds)
	}
	if _, err := db.Pool.Exec(ctx, `DELETE FROM security_events`); err == nil {
		t.Error("the security log could be deleted")
	}
	if _, err := db.Pool.Exec(ctx, `UPDATE security_events SET kind = 'sign_in'`); err == nil {
		t.Error("the security log could be changed")
	}
}

// TestSameTimingForUnknownLogin: a wrong password and an unknown login take the same time
// (both hash a password), so timing tells nothing of which logins exist. The two are timed in
// turns and the fastest of each compared — the least disturbed by whatever else the machine
// runs — with bounds wide enough for a loaded machine and narrow enough to catch a path that
// skips the hash (about thirty times faster).
func TestSameTimingForUnknownLogin(t *testing.T) {
	ctx := context.Background()
	a, _, clk, _ := setup(t)
	fastest := map[string]time.Duration{}
	for i := range 24 {
		login := "longshan"
		if i%2 == 1 {
			login = "nobody-at-all"
		}
		clk.t = clk.t.Add(time.Hour) // no lockout in the way
		start := time.Now()
		a.SignIn(ctx, login, "wrong password!", fmt.Sprintf("10.1.0.%d", i), "")
		if d := time.Since(start); fastest[login] == 0 || d < fastest[login] {
			fastest[login] = d
		}
	}
	known, unknown := fastest["longshan"], fastest["nobody-at-all"]
	ratio := float64(unknown) / float64(known)
	t.Logf("fastest failed sign-in: known login %v, unknown login %v (ratio %.2f)", known, unknown, ratio)
	if ratio < 1.0/3 || ratio > 3 {
		t.Errorf("an unknown login takes %.2f times as long as a wrong password", ratio)
	}
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	a, _, clk, u := setup(t)
	tok, info, err := a.CreateToken(ctx, gridmap.Actor{UserID: u.ID}, u.ID, "12345 bridge", 24*time.Hour)
	if err != nil || len(tok) < 40 {
		t.Fatalf("token: %v %q", err, tok)
	}
	if p, err := a.Token(ctx, tok); err != nil || p.User.ID != u.ID || p.Via != "token" {
		t.Fatalf("the token's principal: %v %+v", err, p)
	}
	if _, err := a.Token(ctx, tok+"x"); gridmap.ErrorCode(err) != gridmap.EUnauthorized {
		t.Errorf("a wrong token: %v", err)
	}
	clk.t = clk.t.Add(25 * time.Hour)
	if _, err := a.Token(ctx, tok); gridmap.ErrorCode(err) != gridmap.EUnauthorized {
		t.Errorf("a token of one day after 25 hours: %v", err)
	}
	tok2, info2, _ := a.CreateToken(ctx, gridmap.Actor{UserID: u.ID}, u.ID, "script", -1)
	if err := a.RevokeToken(ctx, gridmap.Actor{UserID: u.ID}, u.ID, info2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Token(ctx, tok2); gridmap.ErrorCode(err) != gridmap.EUnauthorized {
		t.Errorf("a revoked token: %v", err)
	}
	_ = info
}
