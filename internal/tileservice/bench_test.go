package tileservice_test

import (
	"context"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridmap/gridmap/internal/dataset/datasettest"
	"github.com/gridmap/gridmap/internal/postgis"
	"github.com/gridmap/gridmap/internal/testdb"
	"github.com/gridmap/gridmap/internal/tiles"
	"github.com/gridmap/gridmap/internal/tileservice"
)

// Benchmarks of one tile inside the process, without HTTP, on the bundled Fuqing dataset:
//
//	go test -run '^$' -bench Tile -benchmem ./internal/tileservice/
//
// hit is a cached tile; miss draws it as the cache does on a miss (encode, ETag, gzip);
// store reads the features from PostGIS per tile first; sql is one ST_AsMVT query.
// cmd/loadgen -suite tiles measures the same over HTTP.

func BenchmarkTile(b *testing.B) {
	ctx := context.Background()
	db, err := postgis.Open(ctx, testdb.NewSeeded(b, datasettest.Bundled(b)), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	svc := tileservice.New(db, tileservice.Options{CacheBytes: 64 << 20})
	if err := svc.Refresh(ctx); err != nil {
		b.Fatal(err)
	}
	centre := orb.Point{119.3757, 25.7330}
	for _, layer := range []string{"grids", "incidents"} {
		for _, z := range []uint32{10, 14, 17} {
			t := tiles.At(centre, z)
			req := tileservice.Request{Layer: layer, Tile: t, Format: tiles.MVT}
			for _, path := range []string{"hit", "miss", "store", "sql"} {
				b.Run(layer+"/z"+t.String()[:2]+"/"+path, func(b *testing.B) {
					b.ReportAllocs()
					r := req
					r.Bypass = path == "miss"
					r.FromStore = path == "store"
					if path == "hit" { // draw it once, outside the measurement
						if _, _, err := svc.Tile(ctx, r); err != nil {
							b.Fatal(err)
						}
					}
					var size int
					for b.Loop() {
						if path == "sql" {
							body, err := db.TileSQL(ctx, layer, tileservice.FieldNames(layer), t.Z, t.X, t.Y)
							if err != nil {
								b.Fatal(err)
							}
							size = len(body)
							continue
						}
						tile, _, err := svc.Tile(ctx, r)
						if err != nil {
							b.Fatal(err)
						}
						size = len(tile.Body)
					}
					b.ReportMetric(float64(size), "B/tile")
				})
			}
		}
	}
}
