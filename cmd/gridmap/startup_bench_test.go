package main

import (
	"context"
	"encoding/binary"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	geom "github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/ewkb"

	"github.com/gridmap/gridmap/internal/config"
	"github.com/gridmap/gridmap/internal/spatial/spatialtest"
	"github.com/gridmap/gridmap/internal/testdb"
)

// BenchmarkStartup100kGrids times how long the server takes from start to serving (migrations
// checked, 100,000 grids read from PostGIS, index built, listening) over generated grids.
//
//	make bench-startup
func BenchmarkStartup100kGrids(b *testing.B) {
	url := testdb.New(b)
	grids := spatialtest.Grids(1, 100000)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	// Parents first: one street and one community per code, covering their grids' boxes.
	streets, comms := map[string]orb.Bound{}, map[string]orb.Bound{}
	for _, g := range grids {
		bd := g.Geometry.Bound()
		if s, ok := streets[g.StreetCode]; ok {
			bd = s.Union(bd)
		}
		streets[g.StreetCode] = bd
		cb := g.Geometry.Bound()
		if c, ok := comms[g.CommunityCode]; ok {
			cb = c.Union(cb)
		}
		comms[g.CommunityCode] = cb
	}
	box := func(bd orb.Bound) []byte {
		flat := []float64{bd.Min[0], bd.Min[1], bd.Max[0], bd.Min[1], bd.Max[0], bd.Max[1], bd.Min[0], bd.Max[1], bd.Min[0], bd.Min[1]}
		e, _ := ewkb.Marshal(geom.NewMultiPolygonFlat(geom.XY, flat, [][]int{{10}}).SetSRID(4326), binary.LittleEndian)
		return e
	}
	for code, bd := range streets {
		if _, err := conn.Exec(ctx, `INSERT INTO streets (code, name, geom) VALUES ($1, $1, ST_GeomFromEWKB($2))`, code, box(bd)); err != nil {
			b.Fatal(err)
		}
	}
	for code, bd := range comms {
		if _, err := conn.Exec(ctx, `INSERT INTO communities (code, name, kind, geom) VALUES ($1, $1, '社区', ST_GeomFromEWKB($2))`, code, box(bd)); err != nil {
			b.Fatal(err)
		}
	}
	rows := make([][]any, 0, len(grids))
	for _, g := range grids {
		flat, endss := []float64{}, [][]int{}
		for _, p := range g.Geometry {
			ends := []int{}
			for _, r := range p {
				for _, pt := range r {
					flat = append(flat, pt[0], pt[1])
				}
				ends = append(ends, len(flat))
			}
			endss = append(endss, ends)
		}
		e, err := ewkb.Marshal(geom.NewMultiPolygonFlat(geom.XY, flat, endss).SetSRID(4326), binary.LittleEndian)
		if err != nil {
			b.Fatal(err)
		}
		rows = append(rows, []any{g.Code, g.Code, e})
	}
	if _, err := conn.Exec(ctx, `CREATE TEMP TABLE g (code text, name text, wkb bytea)`); err != nil {
		b.Fatal(err)
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"g"}, []string{"code", "name", "wkb"}, pgx.CopyFromRows(rows)); err != nil {
		b.Fatal(err)
	}
	// The table's validity check is dropped for the load: a few generated grids carry the
	// deliberately spoiled (self-touching) sides the index must survive.
	if _, err := conn.Exec(ctx, `ALTER TABLE grids DROP CONSTRAINT grids_geom_check;
INSERT INTO grids (code, name, geom) SELECT code, name, ST_GeomFromEWKB(wkb) FROM g`); err != nil {
		b.Fatal(err)
	}
	conn.Close(ctx)
	b.Logf("loaded %d grids", len(grids))
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"DATABASE_URL": url, "GRIDMAP_ADDR": "127.0.0.1:0"}[k]
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		a, err := Start(ctx, cfg, slog.New(slog.DiscardHandler))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s-to-serving")
		b.StopTimer()
		if n := a.index.Get().Snap.Len(); n != len(grids) {
			b.Fatalf("index holds %d grids, want %d", n, len(grids))
		}
		a.Close(ctx)
		b.StartTimer()
	}
}
