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

// TestCORSOrigins: GRIDMAP_CORS_ORIGINS takes exact origins and keeps them in the form browsers
// send in the Origin header; anything else stops the start with the variable named.
func TestCORSOrigins(t *testing.T) {
	tests := []struct {
		name, value string
		want        []string
		err         string
	}{
		{name: "unset", value: "", want: nil},
		{name: "one", value: "https://portal.example.cn", want: []string{"https://portal.example.cn"}},
		{name: "several with spaces and a port", value: " https://portal.example.cn , http://10.1.2.3:8080,",
			want: []string{"https://portal.example.cn", "http://10.1.2.3:8080"}},
		{name: "case and default port as browsers send them", value: "HTTPS://Portal.Example.CN:443,http://a.example:80",
			want: []string{"https://portal.example.cn", "http://a.example"}},
		{name: "duplicates once", value: "https://a.example,https://A.example", want: []string{"https://a.example"}},
		{name: "IPv6", value: "http://[::1]:8080", want: []string{"http://[::1]:8080"}},
		{name: "wildcard", value: "*", err: "* is refused"},
		{name: "wildcard among others", value: "https://a.example,*", err: "* is refused"},
		{name: "subdomain wildcard", value: "https://*.example.cn", err: "wildcards"},
		{name: "null", value: "null", err: "null is refused"},
		{name: "trailing slash", value: "https://portal.example.cn/", err: "no path"},
		{name: "path", value: "https://portal.example.cn/wall", err: "no path"},
		{name: "query", value: "https://portal.example.cn?x=1", err: "no path"},
		{name: "no scheme", value: "portal.example.cn", err: "not an origin"},
		{name: "other scheme", value: "ftp://portal.example.cn", err: "not an origin"},
		{name: "user info", value: "https://u:p@portal.example.cn", err: "user name"},
		{name: "bad port", value: "https://portal.example.cn:99999", err: "port"},
		{name: "empty port", value: "https://portal.example.cn:", err: "port"},
		{name: "semicolon in host", value: "https://a.example;script-src", err: "host"},
		{name: "non-ASCII host", value: "https://福清.cn", err: "punycode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := config.Load(env(map[string]string{"DATABASE_URL": "postgres://localhost/db", "GRIDMAP_CORS_ORIGINS": tt.value}))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), "GRIDMAP_CORS_ORIGINS") || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("GRIDMAP_CORS_ORIGINS=%s: error %v, want one naming the variable and saying %q", tt.value, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(c.CORSOrigins, " ") != strings.Join(tt.want, " ") || len(c.CORSOrigins) != len(tt.want) {
				t.Errorf("GRIDMAP_CORS_ORIGINS=%s: %q, want %q", tt.value, c.CORSOrigins, tt.want)
			}
		})
	}
}

// TestFrameAncestors: GRIDMAP_FRAME_ANCESTORS becomes a frame-ancestors source list that cannot
// carry anything else into the Content-Security-Policy header.
func TestFrameAncestors(t *testing.T) {
	tests := []struct {
		name, value, want, err string
	}{
		{name: "default", value: "", want: "'self'"},
		{name: "none", value: "'none'", want: "'none'"},
		{name: "unquoted", value: "self", want: "'self'"},
		{name: "a portal besides", value: "'self' https://Portal.example.cn", want: "'self' https://portal.example.cn"},
		{name: "commas", value: "self,https://a.example:8443", want: "'self' https://a.example:8443"},
		{name: "portal only", value: "https://portal.example.cn", want: "https://portal.example.cn"},
		{name: "none with others", value: "'none' https://a.example", err: "stands alone"},
		{name: "wildcard", value: "*", err: "refused"},
		{name: "another directive", value: "'self'; script-src *", err: "not an origin"},
		{name: "path", value: "https://portal.example.cn/x", err: "no path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := config.Load(env(map[string]string{"DATABASE_URL": "postgres://localhost/db", "GRIDMAP_FRAME_ANCESTORS": tt.value}))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), "GRIDMAP_FRAME_ANCESTORS") || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("GRIDMAP_FRAME_ANCESTORS=%s: error %v, want one naming the variable and saying %q", tt.value, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.FrameAncestors != tt.want {
				t.Errorf("GRIDMAP_FRAME_ANCESTORS=%s: %q, want %q", tt.value, c.FrameAncestors, tt.want)
			}
		})
	}
}
