// Package testdb gives tests their own real PostGIS database. It never mocks: each test gets a
// fresh database cloned from a migrated (and optionally seeded) template on the server named by
// GRIDMAP_TEST_DATABASE_URL, and drops it when the test ends. `make test` starts a local PostGIS
// and sets the variable; without it the tests fail and say how to run them.
package testdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gridmap/gridmap/internal/postgis"
	"github.com/gridmap/gridmap/migrations"
)

// EnvVar names the variable holding the URL of a PostgreSQL server (with PostGIS installed) on
// which tests may create and drop databases.
const EnvVar = "GRIDMAP_TEST_DATABASE_URL"

// lockKey serialises template creation across the test binaries `go test ./...` runs at once.
const lockKey = 0x67726964 // "grid"

// AdminURL returns the server URL from the environment or fails the test.
func AdminURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvVar)
	if u == "" {
		t.Fatalf("testdb: %s is not set; run `make test`, which starts a local PostGIS, or set it to a server where tests may create databases", EnvVar)
	}
	return u
}

// Seed fills a freshly migrated template database. Key must change whenever what the seed
// writes changes (include a hash of its input files), because templates are reused across runs.
type Seed struct {
	Key  string
	Fill func(ctx context.Context, dbURL string) error
}

// New returns the URL of a new, migrated, empty database, dropped when the test ends.
func New(t testing.TB) string {
	t.Helper()
	return NewSeeded(t, Seed{})
}

// NewSeeded returns the URL of a new database cloned from a template that was migrated and then
// filled by seed; the template is built once per server and seed key.
func NewSeeded(t testing.TB, seed Seed) string {
	t.Helper()
	admin := AdminURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("testdb: connect to %s: %v", EnvVar, err)
	}
	defer conn.Close(ctx)

	tmpl := "gridmap_tmpl_" + templateHash(seed.Key)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", lockKey); err != nil {
		t.Fatalf("testdb: lock: %v", err)
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", lockKey)

	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", tmpl).Scan(&exists); err != nil {
		t.Fatalf("testdb: %v", err)
	}
	if !exists {
		if err := buildTemplate(ctx, conn, admin, tmpl, seed); err != nil {
			t.Fatalf("testdb: build template %s: %v", tmpl, err)
		}
	}
	name := "gridmap_test_" + randomSuffix()
	if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, tmpl)); err != nil {
		t.Fatalf("testdb: create %s: %v", name, err)
	}
	t.Cleanup(func() { Drop(t, admin, name) })
	return withDatabase(t, admin, name)
}

// Drop removes a test database, closing any connection still open to it.
func Drop(t testing.TB, admin, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Errorf("testdb: drop %s: %v", name, err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)); err != nil {
		t.Errorf("testdb: drop %s: %v", name, err)
	}
}

func buildTemplate(ctx context.Context, conn *pgx.Conn, admin, tmpl string, seed Seed) error {
	building := tmpl + "_building"
	if _, err := conn.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", building)); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s", building)); err != nil {
		return err
	}
	u, err := setDatabase(admin, building)
	if err != nil {
		return err
	}
	db, err := postgis.Open(ctx, u, nil)
	if err != nil {
		return err
	}
	err = db.Migrate(ctx)
	db.Close()
	if err != nil {
		return err
	}
	if seed.Fill != nil {
		if err := seed.Fill(ctx, u); err != nil {
			return fmt.Errorf("seed %q: %w", seed.Key, err)
		}
	}
	// Rename only once complete, so a crashed build never leaves a half-filled template.
	_, err = conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s RENAME TO %s", building, tmpl))
	return err
}

// templateHash names a template after the migrations and the seed key, so that any change to
// either builds a new one.
func templateHash(seedKey string) string {
	h := sha256.New()
	entries, _ := fs.ReadDir(migrations.FS, ".")
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	for _, n := range names {
		b, _ := fs.ReadFile(migrations.FS, n)
		h.Write([]byte(n))
		h.Write(b)
	}
	h.Write([]byte(seedKey))
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func randomSuffix() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func withDatabase(t testing.TB, admin, name string) string {
	t.Helper()
	u, err := setDatabase(admin, name)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	return u
}

func setDatabase(admin, name string) (string, error) {
	u, err := url.Parse(admin)
	if err != nil {
		return "", fmt.Errorf("testdb: %s is not a URL: %w", EnvVar, err)
	}
	u.Path = "/" + name
	return u.String(), nil
}
