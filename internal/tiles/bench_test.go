package tiles

import (
	"testing"

	"github.com/paulmach/orb"
)

// Benchmarks: go test -run '^$' -bench . -benchmem ./internal/tiles/
//
// The target for the heavy case is under 50 ms per tile; PostGIS ST_AsMVTGeom takes about 4 s
// for the same three polygons on the development machine. B/tile is the size of the encoded
// tile, before gzip.

type benchTile struct {
	name string
	tile Tile
}

func benchEncode(b *testing.B, l *Layer, tiles []benchTile) {
	for _, bt := range tiles {
		for _, f := range []Format{MVT, GeoJSON} {
			b.Run(bt.name+"/"+f.Ext(), func(b *testing.B) {
				b.ReportAllocs()
				var size int
				for b.Loop() {
					out, err := Encode(l, bt.tile, f)
					if err != nil {
						b.Fatal(err)
					}
					size = len(out)
				}
				if size == 0 {
					b.Fatalf("tile %s is empty", bt.tile)
				}
				b.ReportMetric(float64(size), "B/tile")
			})
		}
	}
}

// BenchmarkEncodeHeavy draws three 20,000-vertex polygons, about 20 km across each.
func BenchmarkEncodeHeavy(b *testing.B) {
	l := mustLayer(b, "communities", heavyPolygons(), Options{})
	centre := orb.Point{fixtureLon, fixtureLat}
	edge := orb.Point{fixtureLon + 10_000*degLon, fixtureLat} // on the middle polygon's outline
	benchEncode(b, l, []benchTile{
		{"z8", At(centre, 8)},
		{"z10", At(centre, 10)},
		{"z14-edge", At(edge, 14)},
		{"z14-inside", At(centre, 14)},
	})
}

// BenchmarkEncodeGrids draws a typical grid layer: 1,000 grids of 20 to 150 vertices over
// 25 km × 20 km.
func BenchmarkEncodeGrids(b *testing.B) {
	l := mustLayer(b, "grids", gridLayer(), Options{})
	centre := orb.Point{fixtureLon, fixtureLat}
	benchEncode(b, l, []benchTile{
		{"z10", At(centre, 10)},
		{"z14", At(centre, 14)},
		{"z17", At(centre, 17)},
	})
}

// BenchmarkEncodeClusters aggregates 100,000 incidents.
func BenchmarkEncodeClusters(b *testing.B) {
	l := mustLayer(b, "incidents", fixtureIncidents(100_000, 9), Options{})
	centre := orb.Point{fixtureLon, fixtureLat}
	for _, z := range []uint32{10, 13} {
		tile := At(centre, z)
		b.Run(tile.String(), func(b *testing.B) {
			b.ReportAllocs()
			var size int
			for b.Loop() {
				out, err := EncodeClusters(l, tile, MVT, Clustering{CategoryKey: "category"})
				if err != nil {
					b.Fatal(err)
				}
				size = len(out)
			}
			b.ReportMetric(float64(size), "B/tile")
		})
	}
}

func BenchmarkNewLayer(b *testing.B) {
	for _, c := range []struct {
		name string
		fs   []Feature
	}{
		{"grids-1000", gridLayer()},
		{"heavy-3x20000", heavyPolygons()},
		{"incidents-100000", fixtureIncidents(100_000, 9)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := NewLayer("l", c.fs, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPack measures what a cache does once per new tile: tag and compress a typical
// z14 grid tile.
func BenchmarkPack(b *testing.B) {
	l := mustLayer(b, "grids", gridLayer(), Options{})
	tile := At(orb.Point{fixtureLon, fixtureLat}, 14)
	var gz Compressor
	for _, f := range []Format{MVT, GeoJSON} {
		raw := mustEncode(b, l, tile, f)
		b.Run("etag/"+f.Ext(), func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				_ = ETag(raw)
			}
		})
		b.Run("gzip/"+f.Ext(), func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			var size int
			for b.Loop() {
				z, err := gz.Gzip(raw)
				if err != nil {
					b.Fatal(err)
				}
				size = len(z)
			}
			b.ReportMetric(float64(size), "B/tile")
		})
	}
}
