package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/config"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := config.Load(env(map[string]string{"DATABASE_URL": "postgres://u:secret@localhost/db"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.NearestToleranceM != 200 || c.MaxBatchItems != 10000 {
		t.Errorf("defaults: %+v", c)
	}
	for _, v := range c.Redacted() {
		if s, ok := v.(string); ok && strings.Contains(s, "secret") {
			t.Errorf("Redacted leaks the password: %v", c.Redacted())
		}
	}
}

func TestInvalidNamesEverySetting(t *testing.T) {
	_, err := config.Load(env(map[string]string{
		"DATABASE_URL":                "mysql://u:topsecret@h/db",
		"GRIDMAP_ADDR":                "8080",
		"GRIDMAP_NEAREST_TOLERANCE_M": "-5",
		"GRIDMAP_LOG_LEVEL":           "loud",
	}))
	if err == nil {
		t.Fatal("invalid config accepted")
	}
	for _, want := range []string{"DATABASE_URL", "GRIDMAP_ADDR=8080", "GRIDMAP_NEAREST_TOLERANCE_M=-5", "GRIDMAP_LOG_LEVEL=loud"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s: %v", want, err)
		}
	}
	if strings.Contains(err.Error(), "topsecret") {
		t.Errorf("error shows the secret: %v", err)
	}
}

// TestRedactedHidesEveryPassword: a password in the query string (as libpq and pgx accept it)
// is as secret as one in the user part.
func TestRedactedHidesEveryPassword(t *testing.T) {
	for _, u := range []string{
		"postgres://u:hunter2@localhost/db",
		"postgres://u@localhost/db?password=hunter2",
		"postgres://u@localhost/db?sslmode=require&PASSWORD=hunter2",
		"postgresql://localhost/db?user=u&sslpassword=hunter2",
	} {
		c, err := config.Load(env(map[string]string{"DATABASE_URL": u}))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range c.Redacted() {
			if s, ok := v.(string); ok && strings.Contains(s, "hunter2") {
				t.Errorf("Redacted shows the password of %s: %s", u, s)
			}
		}
	}
}

func TestClock(t *testing.T) {
	c, err := config.Load(env(map[string]string{"DATABASE_URL": "postgres://localhost/db", "GRIDMAP_CLOCK": "+8760h"}))
	if err != nil {
		t.Fatal(err)
	}
	if ahead := time.Until(c.Clock.Now()); ahead < 8759*time.Hour || ahead > 8761*time.Hour {
		t.Errorf("GRIDMAP_CLOCK=+8760h runs %v ahead", ahead)
	}
	if _, err := config.Load(env(map[string]string{"DATABASE_URL": "postgres://localhost/db", "GRIDMAP_CLOCK": "soon"})); err == nil || !strings.Contains(err.Error(), "GRIDMAP_CLOCK=soon") {
		t.Errorf("a bad clock setting: %v", err)
	}
}

func TestDatabaseURLRequired(t *testing.T) {
	if _, err := config.Load(env(nil)); err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Fatalf("missing DATABASE_URL: %v", err)
	}
}
