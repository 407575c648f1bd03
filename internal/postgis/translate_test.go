package postgis_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/postgis"
	"github.com/gridmap/gridmap/internal/testdb"
)

// TestTranslate runs statements that fail in PostgreSQL in each way the program meets and
// checks the domain error each becomes: internal errors (XX000, which PostGIS raises for
// geometry it cannot handle) are 500s whose raw text is never shown.
func TestTranslate(t *testing.T) {
	ctx := context.Background()
	db, err := postgis.Open(ctx, testdb.New(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tests := []struct {
		name, sql string
		code      string
	}{
		{"PostGIS internal error (XX000)", `SELECT ST_GeomFromText('POINT(1')`, gridmap.EInternal},
		{"check violation", `INSERT INTO streets (code, name, geom) VALUES ('1', 'x', 'SRID=4326;MULTIPOLYGON(((0 0,1 0,1 1,0 0)))')`, gridmap.EInvalid},
		{"text the database cannot store", `SELECT convert_from('\x00'::bytea, 'UTF8')`, gridmap.EInvalid},
		{"unique violation", `INSERT INTO schema_probe VALUES (1), (1)`, gridmap.EConflict},
		{"cancelled by a statement timeout", `SET LOCAL statement_timeout = 1; SELECT pg_sleep(1)`, gridmap.EUnavailable},
	}
	if _, err := db.Pool.Exec(ctx, `CREATE TABLE schema_probe (id int PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.Pool.Exec(ctx, "BEGIN; "+tt.sql+"; COMMIT")
			if err == nil {
				t.Fatalf("%s succeeded", tt.sql)
			}
			db.Pool.Exec(ctx, "ROLLBACK")
			got := postgis.Translate(err, "probe")
			var ge *gridmap.Error
			if !errors.As(got, &ge) || ge.Code != tt.code {
				t.Fatalf("translate(%v) = %v, want code %s", err, got, tt.code)
			}
			if ge.Code == gridmap.EInternal && strings.Contains(ge.Message, "parse error") {
				t.Errorf("an internal error's message shows the server's text: %q", ge.Message)
			}
		})
	}
}
