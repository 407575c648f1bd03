// Package config reads gridmap's settings from environment variables: one table of options,
// each with its default, parser and help, validated together at start. Secrets are never printed.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gridmap/gridmap/internal/clock"
)

// Config is every setting of the gridmap server and tools.
type Config struct {
	DatabaseURL        string
	Addr               string
	LogLevel           string
	LogFormat          string
	NearestToleranceM  float64
	MaxBodyBytes       int
	MaxBatchItems      int
	ShutdownTimeout    time.Duration
	RequestTimeout     time.Duration
	SessionTTL         time.Duration
	TileCacheBytes     int
	IndexRefreshPeriod time.Duration
	PublicURL          string
	Bench              bool
	// CORSOrigins are the browser origins, besides the server's own, whose pages may call the
	// API and read its answers (GRIDMAP_CORS_ORIGINS), in the form browsers send them; empty:
	// same origin only.
	CORSOrigins []string
	// FrameAncestors is the Content-Security-Policy frame-ancestors source list
	// (GRIDMAP_FRAME_ANCESTORS): who may show the pages in a frame, e.g. a command-centre portal
	// embedding the wall.
	FrameAncestors string
	// Clock is where the server and every command read the current time (GRIDMAP_CLOCK).
	Clock clock.Clock
	// SimulatePerHour runs a simulated city reporting this many incidents an hour on average
	// (GRIDMAP_SIMULATE; demos only); 0: none.
	SimulatePerHour float64
}

// option is one environment variable: its name, default, help and how it lands in Config.
type option struct {
	name, def, help string
	secret          bool
	set             func(c *Config, v string) error
}

var options = []option{
	{name: "DATABASE_URL", help: "PostgreSQL/PostGIS connection URL (postgres://user:pass@host:port/db)", secret: true,
		set: func(c *Config, v string) error {
			if v == "" {
				return errors.New("is required")
			}
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
				return errors.New("must be a postgres:// URL")
			}
			c.DatabaseURL = v
			return nil
		}},
	{name: "GRIDMAP_ADDR", def: "127.0.0.1:8080", help: "host:port the HTTP server listens on",
		set: func(c *Config, v string) error {
			if _, _, err := net.SplitHostPort(v); err != nil {
				return fmt.Errorf("must be host:port: %v", err)
			}
			c.Addr = v
			return nil
		}},
	{name: "GRIDMAP_PUBLIC_URL", help: "external base URL used in links (TileJSON, OGC API); default: from each request",
		set: func(c *Config, v string) error {
			if v != "" {
				if u, err := url.Parse(v); err != nil || u.Scheme == "" || u.Host == "" {
					return errors.New("must be an absolute URL such as https://gridmap.example.cn")
				}
			}
			c.PublicURL = strings.TrimRight(v, "/")
			return nil
		}},
	{name: "GRIDMAP_LOG_LEVEL", def: "info", help: "debug, info, warn or error",
		set: func(c *Config, v string) error {
			switch v {
			case "debug", "info", "warn", "error":
				c.LogLevel = v
				return nil
			}
			return errors.New("must be debug, info, warn or error")
		}},
	{name: "GRIDMAP_LOG_FORMAT", def: "json", help: "json or text",
		set: func(c *Config, v string) error {
			if v != "json" && v != "text" {
				return errors.New("must be json or text")
			}
			c.LogFormat = v
			return nil
		}},
	{name: "GRIDMAP_NEAREST_TOLERANCE_M", def: "200", help: "a point outside every grid goes to the nearest grid within this many metres",
		set: func(c *Config, v string) (err error) { c.NearestToleranceM, err = floatIn(v, 0, 10000); return }},
	{name: "GRIDMAP_MAX_BODY_BYTES", def: "16777216", help: "largest request body accepted, in bytes",
		set: func(c *Config, v string) (err error) { c.MaxBodyBytes, err = intIn(v, 1024, 1<<30); return }},
	{name: "GRIDMAP_MAX_BATCH", def: "10000", help: "most points or incidents in one batch request",
		set: func(c *Config, v string) (err error) { c.MaxBatchItems, err = intIn(v, 1, 1000000); return }},
	{name: "GRIDMAP_SHUTDOWN_TIMEOUT", def: "15s", help: "how long a graceful shutdown waits for requests in flight",
		set: func(c *Config, v string) (err error) { c.ShutdownTimeout, err = durationIn(v, 0, time.Hour); return }},
	{name: "GRIDMAP_REQUEST_TIMEOUT", def: "30s", help: "longest a request may take (read, handle, write)",
		set: func(c *Config, v string) (err error) {
			c.RequestTimeout, err = durationIn(v, time.Second, time.Hour)
			return
		}},
	{name: "GRIDMAP_SESSION_TTL", def: "12h", help: "how long a sign-in lasts before the browser must sign in again",
		set: func(c *Config, v string) (err error) {
			c.SessionTTL, err = durationIn(v, time.Minute, 30*24*time.Hour)
			return
		}},
	{name: "GRIDMAP_TILE_CACHE_BYTES", def: "268435456", help: "memory for cached tiles, in bytes",
		set: func(c *Config, v string) (err error) { c.TileCacheBytes, err = intIn(v, 0, 1<<40); return }},
	{name: "GRIDMAP_BENCH", def: "0", help: "1 turns on the benchmark switches (cache bypass headers, /tiles-sql); never in production",
		set: func(c *Config, v string) error {
			if v != "0" && v != "1" {
				return errors.New("must be 0 or 1")
			}
			c.Bench = v == "1"
			return nil
		}},
	{name: "GRIDMAP_CORS_ORIGINS", help: "comma-separated origins (https://host[:port], no path) whose pages may call the API from the browser; * is refused; empty: same origin only, no CORS headers",
		set: func(c *Config, v string) (err error) { c.CORSOrigins, err = corsOrigins(v); return }},
	{name: "GRIDMAP_FRAME_ANCESTORS", def: "'self'", help: "who may embed the pages in a frame (CSP frame-ancestors): 'self', 'none', or 'self' and origins such as https://portal.example.cn, separated by spaces or commas",
		set: func(c *Config, v string) (err error) { c.FrameAncestors, err = frameAncestors(v); return }},
	{name: "GRIDMAP_CLOCK", help: "the time the server and commands run at: empty for the machine's clock, +8760h for a year ahead, or an RFC 3339 instant to start from (tests, demos)",
		set: func(c *Config, v string) (err error) { c.Clock, err = clock.Parse(v); return }},
	{name: "GRIDMAP_SIMULATE", def: "0", help: "demos only: a simulated city reports this many incidents an hour on average and works them; 0 is off, as production must be",
		set: func(c *Config, v string) (err error) { c.SimulatePerHour, err = floatIn(v, 0, 100000); return }},
	{name: "GRIDMAP_INDEX_REFRESH", def: "60s", help: "safety-net period for rebuilding caches even without a change notice (0 disables)",
		set: func(c *Config, v string) (err error) {
			c.IndexRefreshPeriod, err = durationIn(v, 0, 24*time.Hour)
			return
		}},
}

// Load reads the configuration through getenv (os.Getenv in production), applying defaults, and
// returns every invalid setting at once, secrets hidden.
func Load(getenv func(string) string) (Config, error) {
	var c Config
	var errs []string
	for _, o := range options {
		v := strings.TrimSpace(getenv(o.name))
		if v == "" {
			v = o.def
		}
		if err := o.set(&c, v); err != nil {
			shown := v
			if o.secret {
				shown = "(hidden)"
			}
			errs = append(errs, fmt.Sprintf("%s=%s: %v", o.name, shown, err))
		}
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("config: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

// Help lists every variable with its default and meaning, for `gridmap help`.
func Help() string {
	var b strings.Builder
	opts := append([]option(nil), options...)
	sort.SliceStable(opts, func(i, j int) bool { return opts[i].name == "DATABASE_URL" && opts[j].name != "DATABASE_URL" })
	for _, o := range opts {
		def := o.def
		if def == "" {
			def = "(none)"
		}
		fmt.Fprintf(&b, "  %-30s %s [default %s]\n", o.name, o.help, def)
	}
	return b.String()
}

// Redacted returns the settings as key/value pairs for logging, secrets hidden.
func (c Config) Redacted() []any {
	db := "(unset)"
	if c.DatabaseURL != "" {
		db = RedactURL(c.DatabaseURL)
	}
	return []any{"database", db, "addr", c.Addr, "log_level", c.LogLevel, "nearest_tolerance_m", c.NearestToleranceM,
		"max_body_bytes", c.MaxBodyBytes, "max_batch", c.MaxBatchItems, "session_ttl", c.SessionTTL.String(), "tile_cache_bytes", c.TileCacheBytes,
		"cors_origins", strings.Join(c.CORSOrigins, ","), "frame_ancestors", c.FrameAncestors}
}

// secretParams are the connection parameters libpq and pgx accept in a URL's query that carry
// a secret.
var secretParams = []string{"password", "sslpassword", "sslkey"}

// RedactURL returns a database URL fit for logs: the password of the user part and of any
// secret query parameter replaced by xxxxx; a URL that does not parse is hidden whole.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable, hidden)"
	}
	q := u.Query()
	changed := false
	for k := range q {
		for _, s := range secretParams {
			if strings.EqualFold(k, s) {
				q.Set(k, "xxxxx")
				changed = true
			}
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

func floatIn(v string, lo, hi float64) (float64, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < lo || f > hi {
		return 0, fmt.Errorf("must be a number from %v to %v", lo, hi)
	}
	return f, nil
}

func intIn(v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("must be a whole number from %d to %d", lo, hi)
	}
	return n, nil
}

func durationIn(v string, lo, hi time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d < lo || d > hi {
		return 0, fmt.Errorf("must be a duration (like 15s) from %v to %v", lo, hi)
	}
	return d, nil
}
