package tiles

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/paulmach/orb"
	geom "github.com/twpayne/go-geom"
)

var seed = flag.Uint64("seed", 1, "seed for the randomized tile tests; 0 picks one from the clock")

// TestRandomTiles cuts seeded random polygons (star shapes with holes, multipolygons) and points
// into random tiles at every zoom and checks what must always hold: both outputs decode with
// parsers independent of the encoder, rings are closed and wound as each format wants, every
// vertex lies within the buffered tile, and MVT and GeoJSON describe the same features. A
// failure prints the seed; rerun with -seed to reproduce it.
func TestRandomTiles(t *testing.T) {
	s := *seed
	if s == 0 {
		s = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun with go test ./internal/tiles -run TestRandomTiles -seed %d)", s, s)
	rng := rand.New(rand.NewPCG(s, s))

	var fs []Feature
	for i := 0; i < 60; i++ {
		c := orb.Point{fixtureLon + (rng.Float64()-0.5)*0.1, fixtureLat + (rng.Float64()-0.5)*0.1}
		r := 50 + rng.Float64()*3000
		outer := blob(c, r, 8+rng.IntN(400), 3+rng.IntN(9), rng.Float64()*0.6, rng)
		if rng.IntN(2) == 0 {
			outer = reversed(outer) // either winding on input
		}
		p := orb.Polygon{outer}
		if rng.IntN(3) == 0 {
			p = append(p, reversed(blob(c, r*0.3, 6+rng.IntN(50), 4, 0.1, rng)))
		}
		var g orb.Geometry = p
		if rng.IntN(4) == 0 {
			c2 := orb.Point{c[0] + 3*r*degLon, c[1]}
			g = orb.MultiPolygon{p, {blob(c2, r/2, 12, 3, 0.2, rng)}}
		}
		fs = append(fs, Feature{ID: uint64(i + 1), Geometry: g, Properties: []Property{{"i", i}}})
	}
	for i := 0; i < 40; i++ {
		fs = append(fs, Feature{
			ID:       uint64(1000 + i),
			Geometry: orb.Point{fixtureLon + (rng.Float64()-0.5)*0.1, fixtureLat + (rng.Float64()-0.5)*0.1},
		})
	}
	l := mustLayer(t, "random", fs, Options{})

	for k := 0; k < 200; k++ {
		z := uint32(rng.IntN(MaxZoom + 1))
		p := orb.Point{fixtureLon + (rng.Float64()-0.5)*0.1, fixtureLat + (rng.Float64()-0.5)*0.1}
		if rng.IntN(2) == 0 {
			// on an outline, where the clipping happens
			g := fs[rng.IntN(len(fs))].Geometry
			if poly, ok := g.(orb.Polygon); ok {
				p = poly[0][rng.IntN(len(poly[0]))]
			}
		}
		checkTilePair(t, l, At(p, z))
	}
}

// checkTilePair draws tile of l in both formats and checks what must always hold: both
// outputs decode with parsers independent of the encoder, rings are closed and wound as each
// format wants, every vertex lies within the buffered tile, and MVT and GeoJSON describe the
// same features. It returns the MVT features.
func checkTilePair(t *testing.T, l *Layer, tile Tile) []decodedFeature {
	t.Helper()
	mvtBytes := mustEncode(t, l, tile, MVT)
	gj := mustEncode(t, l, tile, GeoJSON)
	layers, err := decodeMVT(mvtBytes)
	if err != nil {
		t.Fatalf("tile %s: %v", tile, err)
	}
	fc := parseGeoJSON(t, gj)
	if len(layers) == 0 {
		if len(mvtBytes) != 0 || len(fc.Features) != 0 {
			t.Fatalf("tile %s: empty MVT of %d bytes, %d GeoJSON features", tile, len(mvtBytes), len(fc.Features))
		}
		return nil
	}
	if len(layers) != 1 || len(layers[0].features) == 0 {
		t.Fatalf("tile %s: %d layers, the first with %d features; want one layer with features", tile, len(layers), len(layers[0].features))
	}
	checkLayer(t, layers[0], l.ID())
	lo, hi := -float64(l.opts.Buffer), float64(Extent+l.opts.Buffer)
	byID := map[string]decodedFeature{}
	for i, f := range layers[0].features {
		for _, part := range f.parts {
			for _, q := range part {
				if q[0] < lo || q[0] > hi || q[1] < lo || q[1] > hi {
					t.Fatalf("tile %s feature %d: vertex %v beyond the buffer", tile, i, q)
				}
			}
		}
		byID[fmt.Sprint(f.id)] = f
	}
	// GeoJSON may lose rings of a few square units that rounding to degrees flattens or
	// turns over; everything it has must be in the MVT, and every ring of the MVT larger
	// than that must be in the GeoJSON.
	if len(fc.Features) > len(layers[0].features) {
		t.Fatalf("tile %s: GeoJSON %d features, MVT %d", tile, len(fc.Features), len(layers[0].features))
	}
	seen := map[string]bool{}
	for i, g := range fc.Features {
		m, ok := byID[g.ID]
		if !ok {
			t.Fatalf("tile %s: GeoJSON feature %d (id %s) is not in the MVT", tile, i, g.ID)
		}
		seen[g.ID] = true
		if nParts(g.Geometry) == len(m.parts) {
			compareFeatures(t, tile, i, m, g)
		} else if big := bigRings(m, 16); nParts(g.Geometry) < big {
			t.Fatalf("tile %s feature %s: GeoJSON %d parts, MVT %d of more than 8 square units", tile, g.ID, nParts(g.Geometry), big)
		}
	}
	for id, m := range byID {
		if !seen[id] && bigRings(m, 16) > 0 {
			t.Fatalf("tile %s: feature %s missing from GeoJSON", tile, id)
		}
	}
	return layers[0].features
}

func TestOptions(t *testing.T) {
	heavy := heavyPolygons()[:1]
	tile := At(orb.Point{fixtureLon - 0.2, fixtureLat}, 8)
	vertices := func(opts Options) (n int, lo float64) {
		t.Helper()
		l := mustLayer(t, "heavy", heavy, opts)
		layers, err := decodeMVT(mustEncode(t, l, tile, MVT))
		if err != nil || len(layers) != 1 {
			t.Fatalf("decode: %v", err)
		}
		lo = 1e9
		for _, r := range layers[0].features[0].parts {
			n += len(r)
			for _, q := range r {
				lo = min(lo, q[0], q[1])
			}
		}
		return n, lo
	}
	simplified, _ := vertices(Options{})
	raw, _ := vertices(Options{Tolerance: -1})
	if raw <= 10*simplified {
		t.Errorf("without simplification %d vertices, with it %d; want far more without", raw, simplified)
	}

	full := mustLayer(t, "full", []Feature{{Geometry: orb.Polygon{rect(100, 10, 140, 40)}}}, Options{Buffer: -1})
	layers, err := decodeMVT(mustEncode(t, full, At(orb.Point{119.37, 25.73}, 12), MVT))
	if err != nil || len(layers) != 1 {
		t.Fatalf("decode: %v", err)
	}
	for _, q := range layers[0].features[0].parts[0] {
		if (q[0] != 0 && q[0] != Extent) || (q[1] != 0 && q[1] != Extent) {
			t.Errorf("with no buffer a full tile has vertex %v, want corners at 0 and %d", q, Extent)
		}
	}
}

func nParts(g geom.T) int {
	switch g := g.(type) {
	case *geom.Polygon:
		return g.NumLinearRings()
	case *geom.MultiPolygon:
		n := 0
		for i := 0; i < g.NumPolygons(); i++ {
			n += g.Polygon(i).NumLinearRings()
		}
		return n
	case *geom.MultiLineString:
		return g.NumLineStrings()
	}
	return 1
}

// bigRings counts the parts of an MVT feature, rings with doubled area above twiceArea.
func bigRings(f decodedFeature, twiceArea float64) int {
	n := 0
	for _, r := range f.parts {
		if f.typ != 3 || math.Abs(2*surveyorArea(r)) > twiceArea {
			n++
		}
	}
	return n
}
