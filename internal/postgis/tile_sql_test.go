package postgis_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/encoding/wkt"

	"github.com/gridmap/gridmap/internal/dataset/datasettest"
	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/postgis"
	"github.com/gridmap/gridmap/internal/testdb"
	"github.com/gridmap/gridmap/internal/tiles"
)

func TestTileSQL(t *testing.T) {
	db := openTestDB(t)
	ctx := context.Background()
	if _, err := db.Import(ctx, load(t, datasettest.Dir()), simplePlanner, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		layer  string
		fields []string
		at     orb.Point
		z      uint32
		n      int
		want   map[string]any // properties of the first feature
		id     bool
	}{
		{"grids", []string{"code", "households", "households_covered", "open_incidents"}, orb.Point{119.375, 25.73}, 15, 1,
			map[string]any{"code": "350181003003001", "households": float64(320), "households_covered": float64(12), "open_incidents": float64(0)}, true},
		{"incidents", []string{"id", "category", "status", "reported_at", "overdue"}, orb.Point{119.375, 25.725}, 17, 1,
			map[string]any{"category": "sanitation", "status": "closed", "reported_at": "2026-11-20T01:15:00Z", "overdue": false}, true},
		{"red_positions", []string{"code", "kind"}, orb.Point{119.375, 25.73}, 17, 1,
			map[string]any{"code": "350181003003001-R1", "kind": "party_mass_centre"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.layer, func(t *testing.T) {
			tile := tiles.At(tt.at, tt.z)
			body, err := db.TileSQL(ctx, tt.layer, tt.fields, tile.Z, tile.X, tile.Y)
			if err != nil {
				t.Fatal(err)
			}
			layers, err := mvt.Unmarshal(body)
			if err != nil {
				t.Fatal(err)
			}
			if len(layers) != 1 || layers[0].Name != tt.layer || len(layers[0].Features) != tt.n {
				t.Fatalf("got %d layers, want one %s with %d features", len(layers), tt.layer, tt.n)
			}
			f := layers[0].Features[0]
			for k, v := range tt.want {
				if f.Properties[k] != v {
					t.Errorf("%s = %#v, want %#v", k, f.Properties[k], v)
				}
			}
			if len(f.Properties) != len(tt.fields) {
				t.Errorf("properties %v, want exactly %v", f.Properties, tt.fields)
			}
			if hasID := f.ID != nil; hasID != tt.id {
				t.Errorf("feature id %v, want one: %v", f.ID, tt.id)
			}
			if _, ok := f.Geometry.(orb.Point); ok == (tt.layer == "grids") {
				t.Errorf("geometry %T", f.Geometry)
			}
		})
	}
	for _, bad := range []struct {
		layer, field, code string
	}{{"roads", "code", gridmap.ENotFound}, {"grids", "phone", gridmap.EInvalid}} {
		_, err := db.TileSQL(ctx, bad.layer, []string{bad.field}, 14, 13624, 6979)
		var ge *gridmap.Error
		if !errors.As(err, &ge) || ge.Code != bad.code {
			t.Errorf("%s.%s: %v, want a %s error", bad.layer, bad.field, err, bad.code)
		}
	}
}

// BenchmarkTileSQLHeavy is the PostGIS side of internal/tiles' BenchmarkEncodeHeavy: the same
// three 20,000-vertex polygons, about 20 km across, drawn into the zoom 8 tile by one
// ST_AsMVT query with ST_AsMVTGeom, as pg_tileserv would.
//
//	go test -run '^$' -bench 'TileSQLHeavy' ./internal/postgis/
//	go test -run '^$' -bench 'EncodeHeavy/z8' ./internal/tiles/
func BenchmarkTileSQLHeavy(b *testing.B) {
	ctx := context.Background()
	db, err := postgis.Open(ctx, testdb.New(b), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Pool.Exec(ctx, `INSERT INTO streets (code, name, geom) VALUES ('350181001', 'heavy',
		ST_Multi(ST_Expand(ST_MakeEnvelope(118.9, 25.5, 119.9, 26.0, 4326), 0)))`); err != nil {
		b.Fatal(err)
	}
	for i, poly := range heavyPolygons() {
		if _, err := db.Pool.Exec(ctx, `INSERT INTO communities (code, name, kind, geom) VALUES ($1, 'heavy', '社区', ST_Multi(ST_GeomFromText($2, 4326)))`,
			"35018100100"+string(rune('1'+i)), wkt.MarshalString(poly)); err != nil {
			b.Fatal(err)
		}
	}
	tile := tiles.At(orb.Point{heavyLon, heavyLat}, 8)
	fields := []string{"code", "name"}
	var size int
	b.ReportAllocs()
	for b.Loop() {
		body, err := db.TileSQL(ctx, "communities", fields, tile.Z, tile.X, tile.Y)
		if err != nil {
			b.Fatal(err)
		}
		size = len(body)
	}
	b.ReportMetric(float64(size), "B/tile")
}

// The heavy fixture of internal/tiles (fixtures_test.go), rebuilt from the same seed: three
// star-shaped rings of 20,000 vertices and about 10 km radius, 0.2° apart.
const (
	heavyLon = 119.37
	heavyLat = 25.73
	degLat   = 1 / 111_320.0
)

func heavyPolygons() []orb.Polygon {
	degLon := 1 / (111_320.0 * math.Cos(heavyLat*math.Pi/180))
	rng := rand.New(rand.NewPCG(20, 20))
	out := make([]orb.Polygon, 3)
	for i := range out {
		c := orb.Point{heavyLon - 0.2 + 0.2*float64(i), heavyLat}
		const r, n, noise = 10_000.0, 20_000, 0.01
		lobes := 9 + i
		ring := make(orb.Ring, 0, n+1)
		for k := 0; k < n; k++ {
			a := 2 * math.Pi * float64(k) / float64(n)
			rr := r * (1 + 0.08*math.Sin(float64(lobes)*a) + noise*(rng.Float64()-0.5))
			ring = append(ring, orb.Point{c[0] + rr*math.Cos(a)*degLon, c[1] + rr*math.Sin(a)*degLat})
		}
		out[i] = orb.Polygon{append(ring, ring[0])}
	}
	return out
}
