package testdb_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/gridmap/gridmap/internal/testdb"
)

func TestNewIsMigratedAndIsolated(t *testing.T) {
	ctx := context.Background()
	a, b := testdb.New(t), testdb.New(t)
	if a == b {
		t.Fatalf("two test databases share the URL %s", a)
	}
	conn, err := pgx.Connect(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM grids").Scan(&n); err != nil {
		t.Fatalf("migrated database has no grids table: %v", err)
	}
	if n != 0 {
		t.Fatalf("fresh database has %d grids, want 0", n)
	}
}
