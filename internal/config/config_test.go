package config_test

import (
	"strings"
	"testing"

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

func TestDatabaseURLRequired(t *testing.T) {
	if _, err := config.Load(env(nil)); err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Fatalf("missing DATABASE_URL: %v", err)
	}
}
