package tiles

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	geom "github.com/twpayne/go-geom"
	geomjson "github.com/twpayne/go-geom/encoding/geojson"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenCase is one tile of one fixture layer, checked against testdata/<name>.{mvt,geojson}.
type goldenCase struct {
	name    string
	layer   *Layer
	tile    Tile
	cluster *Clustering
}

func goldenCases(t *testing.T) []goldenCase {
	t.Helper()
	grids := mustLayer(t, "grids", fixtureGrids(), Options{})
	communities := mustLayer(t, "communities", fixtureCommunity(), Options{})
	stations := mustLayer(t, "stations", fixtureStations(), Options{})
	incidents := mustLayer(t, "incidents", fixtureIncidents(400, 42), Options{})
	centre := orb.Point{fixtureLon, fixtureLat}
	// The z17 grid tile sits on the edge between grids 1 and 2, so both are clipped.
	edge := orb.Point{fixtureLon - 0.002, fixtureLat - 0.001}
	cases := []goldenCase{
		{layer: grids, tile: At(centre, 9)},
		{layer: grids, tile: At(centre, 14)},
		{layer: grids, tile: At(edge, 17)},
		{layer: communities, tile: At(centre, 10)},
		{layer: communities, tile: At(centre, 13)},
		{layer: stations, tile: At(centre, 14)},
		{layer: incidents, tile: At(centre, 15)},
		{layer: incidents, tile: At(centre, 10), cluster: &Clustering{CategoryKey: "category"}},
		{layer: incidents, tile: At(centre, 13), cluster: &Clustering{CellPixels: 32, CategoryKey: "category"}},
	}
	for i := range cases {
		c := &cases[i]
		kind := ""
		if c.cluster != nil {
			kind = "-clusters"
		}
		c.name = fmt.Sprintf("%s%s-%d-%d-%d", c.layer.ID(), kind, c.tile.Z, c.tile.X, c.tile.Y)
	}
	return cases
}

func (c goldenCase) encode(t *testing.T, f Format) []byte {
	t.Helper()
	if c.cluster != nil {
		b, err := EncodeClusters(c.layer, c.tile, f, *c.cluster)
		if err != nil {
			t.Fatalf("EncodeClusters: %v", err)
		}
		return b
	}
	return mustEncode(t, c.layer, c.tile, f)
}

// checkGolden compares got with testdata/name, or rewrites the file with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/tiles -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Errorf("%s differs from the golden file at byte %d (got %d bytes, want %d); if the change is intended, run go test ./internal/tiles -update and review the diff",
			path, i, len(got), len(want))
	}
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			mvtBytes := c.encode(t, MVT)
			gj := c.encode(t, GeoJSON)
			checkGolden(t, c.name+".mvt", mvtBytes)
			checkGolden(t, c.name+".geojson", gj)

			layers, err := decodeMVT(mvtBytes)
			if err != nil {
				t.Fatalf("decode MVT: %v", err)
			}
			fc := parseGeoJSON(t, gj)
			if len(layers) != 1 {
				t.Fatalf("MVT has %d layers, want 1", len(layers))
			}
			l := layers[0]
			if len(l.features) == 0 {
				t.Fatalf("golden tile %s has no features; pick a tile with data", c.name)
			}
			checkLayer(t, l, c.layer.ID())
			if len(fc.Features) != len(l.features) {
				t.Fatalf("GeoJSON has %d features, MVT %d", len(fc.Features), len(l.features))
			}
			for i, f := range l.features {
				compareFeatures(t, c.tile, i, f, fc.Features[i])
			}
		})
	}
}

// checkLayer checks what MVT 2.1 requires of every layer gridmap writes.
func checkLayer(t *testing.T, l decodedLayer, name string) {
	t.Helper()
	if l.name != name || l.version != 2 || l.extent != Extent {
		t.Errorf("layer %q version %d extent %d, want %q 2 %d", l.name, l.version, l.extent, name, Extent)
	}
	for i, f := range l.features {
		switch f.typ {
		case 3:
			if _, err := checkPolygonWinding(f); err != nil {
				t.Errorf("feature %d: %v", i, err)
			}
		case 1, 2:
		default:
			t.Errorf("feature %d: geometry type %d", i, f.typ)
		}
	}
}

func parseGeoJSON(t *testing.T, b []byte) *geomjson.FeatureCollection {
	t.Helper()
	var fc geomjson.FeatureCollection
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatalf("GeoJSON does not parse with go-geom: %v\n%s", err, b)
	}
	for i, f := range fc.Features {
		if err := checkRightHand(f.Geometry); err != nil {
			t.Errorf("GeoJSON feature %d: %v", i, err)
		}
	}
	return &fc
}

// checkRightHand checks RFC 7946 section 3.1.6: rings closed, exteriors counter-clockwise,
// holes clockwise.
func checkRightHand(g geom.T) error {
	var polys [][][]geom.Coord
	switch g := g.(type) {
	case *geom.Polygon:
		polys = [][][]geom.Coord{g.Coords()}
	case *geom.MultiPolygon:
		polys = g.Coords()
	default:
		return nil
	}
	for _, p := range polys {
		for j, r := range p {
			if len(r) < 4 || r[0][0] != r[len(r)-1][0] || r[0][1] != r[len(r)-1][1] {
				return fmt.Errorf("ring %d is not closed with 4 or more positions", j)
			}
			// Relative to the first vertex, or float cancellation decides small rings.
			a := 0.0
			for k := 1; k+1 < len(r); k++ {
				a += (r[k][0]-r[0][0])*(r[k+1][1]-r[0][1]) - (r[k+1][0]-r[0][0])*(r[k][1]-r[0][1])
			}
			if j == 0 && a <= 0 {
				return fmt.Errorf("exterior ring is not counter-clockwise (area %g)", a)
			}
			if j > 0 && a >= 0 {
				return fmt.Errorf("hole %d is not clockwise (area %g)", j, a)
			}
		}
	}
	return nil
}

// compareFeatures checks that the MVT and GeoJSON versions of one feature agree: id,
// properties (bar nulls, which MVT cannot carry), geometry type and every vertex to within the
// GeoJSON rounding.
func compareFeatures(t *testing.T, tile Tile, i int, m decodedFeature, g *geomjson.Feature) {
	t.Helper()
	if m.hasID && g.ID != fmt.Sprint(m.id) || !m.hasID && g.ID != "" {
		t.Errorf("feature %d: MVT id %d (%v), GeoJSON id %q", i, m.id, m.hasID, g.ID)
	}
	props := map[string]any{}
	for k, v := range g.Properties {
		if v != nil {
			props[k] = v
		}
	}
	if !reflect.DeepEqual(approxProps(m.props), approxProps(props)) {
		t.Errorf("feature %d: MVT properties %v, GeoJSON %v", i, m.props, props)
	}
	// GeoJSON parts, in the order MVT lists them: polygons' rings with holes, lines, points.
	var parts [][]geom.Coord
	switch gg := g.Geometry.(type) {
	case *geom.Point:
		parts = [][]geom.Coord{{gg.Coords()}}
	case *geom.MultiPoint:
		parts = [][]geom.Coord{gg.Coords()}
	case *geom.LineString:
		parts = [][]geom.Coord{gg.Coords()}
	case *geom.MultiLineString:
		parts = gg.Coords()
	case *geom.Polygon:
		parts = gg.Coords()
	case *geom.MultiPolygon:
		for _, p := range gg.Coords() {
			parts = append(parts, p...)
		}
	}
	if len(parts) != len(m.parts) {
		t.Fatalf("feature %d: MVT has %d parts, GeoJSON %d", i, len(m.parts), len(parts))
	}
	d := decimals(tile)
	pow := math.Pow(10, float64(d))
	for j, mp := range m.parts {
		// The MVT part as the GeoJSON should have it: in degrees, rounded, without repeats.
		var want []geom.Coord
		for _, q := range mp {
			lon, lat := tileToLonLat(tile, q)
			c := geom.Coord{math.Round(lon*pow) / pow, math.Round(lat*pow) / pow}
			if n := len(want); m.typ != 1 && n > 0 && want[n-1][0] == c[0] && want[n-1][1] == c[1] {
				continue
			}
			want = append(want, c)
		}
		got := parts[j]
		// Polygon rings run the other way round in GeoJSON, except where rounding turned a
		// tiny ring over.
		if m.typ == 3 && !sameCoords(got, want) {
			slices.Reverse(want)
		}
		if !sameCoords(got, want) {
			t.Fatalf("feature %d part %d: GeoJSON %v, want %v from MVT %v", i, j, got, want, mp)
		}
	}
}

func sameCoords(a, b []geom.Coord) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i][0]-b[i][0]) > 1e-9 || math.Abs(a[i][1]-b[i][1]) > 1e-9 {
			return false
		}
	}
	return true
}

func tileToLonLat(t Tile, p orb.Point) (lon, lat float64) {
	n := math.Exp2(float64(t.Z)) * Extent
	x := (float64(t.X)*Extent + p[0]) / n
	y := (float64(t.Y)*Extent + p[1]) / n
	return x*360 - 180, math.Atan(math.Sinh(math.Pi*(1-2*y))) * 180 / math.Pi
}

// approxProps rounds numbers to float32 precision, since MVT may carry float32 values that
// JSON writes in their shortest float32 form.
func approxProps(p map[string]any) map[string]any {
	out := make(map[string]any, len(p))
	for k, v := range p {
		if f, ok := v.(float64); ok {
			v = float64(float32(f))
		}
		out[k] = v
	}
	return out
}

// TestClipping covers the edge cases of cutting polygons to a tile.
func TestClipping(t *testing.T) {
	z := uint32(15)
	tile := At(orb.Point{fixtureLon, fixtureLat}, z)
	b := tile.Bound()
	w, s, e, n := b.Min[0], b.Min[1], b.Max[0], b.Max[1]
	dx, dy := e-w, n-s
	tests := []struct {
		name     string
		geometry orb.Geometry
		want     int    // features in the tile
		wantRing []int  // vertices (closed) of each ring of the one feature, if checked
		check    string // extra check
	}{
		{name: "outside", geometry: orb.Polygon{rect(e+dx, s, e+2*dx, n)}, want: 0},
		{name: "outside but box overlaps buffer", geometry: orb.Polygon{{
			// an L around the north-east corner: its box covers the corner, its area does not
			{e + dx/50, n + dy}, {e + dx/50, s - dy}, {e + dx, s - dy}, {e + dx, n + dy}, {e + dx/50, n + dy},
		}}, want: 0},
		{name: "covers tile", geometry: orb.Polygon{rect(w-dx, s-dy, e+dx, n+dy)}, want: 1, wantRing: []int{5}, check: "full"},
		{name: "tile inside hole", geometry: orb.Polygon{rect(w-2*dx, s-2*dy, e+2*dx, n+2*dy), rect(w-dx, s-dy, e+dx, n+dy)}, want: 0},
		{name: "hole inside tile", geometry: orb.Polygon{rect(w-dx, s-dy, e+dx, n+dy), rect(w+dx/4, s+dy/4, w+dx/2, s+dy/2)}, want: 1, wantRing: []int{5, 5}},
		{name: "hole outside tile dropped", geometry: orb.Polygon{rect(w-dx, s-dy, e+dx, n+dy), rect(e+dx/4, s, e+dx/2, n)}, want: 1, wantRing: []int{5}},
		{name: "sliver collapses", geometry: orb.Polygon{rect(w+dx/4, s+dy/4, w+dx/4+dx/40000, s+dy/2)}, want: 0},
		{name: "tiny polygon collapses", geometry: orb.Polygon{rect(w+dx/4, s+dy/4, w+dx/4+dx/10000, s+dy/4+dy/10000)}, want: 0},
		{name: "crosses west edge", geometry: orb.Polygon{rect(w-dx/2, s+dy/4, w+dx/2, s+dy/2)}, want: 1, wantRing: []int{5}, check: "west"},
		{name: "multipolygon one part inside", geometry: orb.MultiPolygon{{rect(w+dx/4, s+dy/4, w+dx/2, s+dy/2)}, {rect(e+dx, s, e+2*dx, n)}}, want: 1, wantRing: []int{5}},
		{name: "point in buffer kept", geometry: orb.Point{e + dx*10/Extent, s + dy/2}, want: 1},
		{name: "point beyond buffer dropped", geometry: orb.Point{e + dx*100/Extent, s + dy/2}, want: 0},
		{name: "line crossing tile", geometry: orb.LineString{{w - dx, s + dy/2}, {e + dx, s + dy/2}}, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := mustLayer(t, "case", []Feature{{ID: 1, Geometry: tt.geometry}}, Options{})
			layers, err := decodeMVT(mustEncode(t, l, tile, MVT))
			if err != nil {
				t.Fatal(err)
			}
			got := 0
			if len(layers) == 1 {
				checkLayer(t, layers[0], "case")
				got = len(layers[0].features)
			}
			if got != tt.want {
				t.Fatalf("%d features, want %d", got, tt.want)
			}
			parseGeoJSON(t, mustEncode(t, l, tile, GeoJSON))
			if tt.want == 0 || tt.wantRing == nil {
				return
			}
			f := layers[0].features[0]
			var rings []int
			for _, r := range f.parts {
				rings = append(rings, len(r))
			}
			if !reflect.DeepEqual(rings, tt.wantRing) {
				t.Errorf("ring sizes %v, want %v: %v", rings, tt.wantRing, f.parts)
			}
			lo, hi := -float64(DefaultBuffer), float64(Extent+DefaultBuffer)
			for _, p := range f.parts[0] {
				if p[0] < lo || p[0] > hi || p[1] < lo || p[1] > hi {
					t.Errorf("vertex %v beyond the buffer", p)
				}
				switch tt.check {
				case "full":
					if (p[0] != lo && p[0] != hi) || (p[1] != lo && p[1] != hi) {
						t.Errorf("full-tile vertex %v is not a corner of the buffered tile", p)
					}
				case "west":
					if p[0] < lo {
						t.Errorf("vertex %v west of the buffer", p)
					}
				}
			}
		})
	}
}

// TestSimplification checks that detail below half a pixel goes at low zoom and stays at high
// zoom, and that a simplified ring stays within the tolerance of the original.
func TestSimplification(t *testing.T) {
	l := mustLayer(t, "heavy", heavyPolygons()[:1], Options{})
	centre := orb.Point{fixtureLon - 0.2, fixtureLat}
	tests := []struct {
		name     string
		tile     Tile
		min, max int // vertices in the tile
	}{
		{"z8 thinned", At(centre, 8), 20, 500},
		{"z10 thinned", At(centre, 10), 60, 2000},
		{"z14 edge keeps detail", At(orb.Point{centre[0] + 10_000*degLon, centre[1]}, 14), 50, 20000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			layers, err := decodeMVT(mustEncode(t, l, tt.tile, MVT))
			if err != nil {
				t.Fatal(err)
			}
			if len(layers) != 1 || len(layers[0].features) != 1 {
				t.Fatalf("want one feature")
			}
			n := 0
			for _, r := range layers[0].features[0].parts {
				n += len(r)
			}
			if n < tt.min || n > tt.max {
				t.Errorf("%d vertices, want %d..%d", n, tt.min, tt.max)
			}
			// Every original vertex inside the tile lies within the tolerance (plus the
			// rounding of both ends of a segment) of the simplified outline.
			ring := layers[0].features[0].parts[0]
			scale := math.Exp2(float64(tt.tile.Z)) * Extent
			worst := 0.0
			for _, p := range heavyPolygons()[0].Geometry.(orb.Polygon)[0] {
				x, y := project(p[0], p[1])
				q := orb.Point{x*scale - float64(tt.tile.X)*Extent, y*scale - float64(tt.tile.Y)*Extent}
				if q[0] < 0 || q[0] > Extent || q[1] < 0 || q[1] > Extent {
					continue
				}
				best := math.Inf(1)
				for k := 0; k+1 < len(ring); k++ {
					best = math.Min(best, planar.DistanceFromSegment(ring[k], ring[k+1], q))
				}
				worst = math.Max(worst, best)
			}
			if worst > DefaultTolerance+1.5 {
				t.Errorf("an original vertex lies %.2f units from the simplified ring, more than %v", worst, DefaultTolerance+1.5)
			}
		})
	}
}

func TestEncodeEmptyAndErrors(t *testing.T) {
	l := mustLayer(t, "grids", fixtureGrids(), Options{})
	far := Tile{Z: 10, X: 0, Y: 0}
	if b := mustEncode(t, l, far, MVT); len(b) != 0 {
		t.Errorf("empty MVT tile has %d bytes, want 0", len(b))
	}
	if b := mustEncode(t, l, far, GeoJSON); string(b) != `{"type":"FeatureCollection","features":[]}` {
		t.Errorf("empty GeoJSON tile = %s", b)
	}
	tests := []struct {
		name  string
		layer *Layer
		tile  Tile
		f     Format
		want  string
	}{
		{"nil layer", nil, far, MVT, "tiles: no layer"},
		{"bad zoom", l, Tile{Z: 23}, MVT, `tiles: z "23"`},
		{"bad x", l, Tile{Z: 1, X: 2}, MVT, `tiles: x "2"`},
		{"bad format", l, far, Format(9), `tiles: format`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Encode(tt.layer, tt.tile, tt.f)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("err = %v, want prefix %q", err, tt.want)
			}
		})
	}
}

// TestConcurrentEncode draws one tile from many goroutines; run with -race it shows that a
// Layer is only read.
func TestConcurrentEncode(t *testing.T) {
	l := mustLayer(t, "grids", gridLayer(), Options{})
	tile := At(orb.Point{fixtureLon, fixtureLat}, 13)
	want := mustEncode(t, l, tile, MVT)
	done := make(chan []byte)
	for range 8 {
		go func() {
			b, _ := Encode(l, tile, MVT)
			done <- b
		}()
	}
	for range 8 {
		if got := <-done; !bytes.Equal(got, want) {
			t.Fatal("concurrent Encode gave different bytes")
		}
	}
}

func TestNewLayerErrors(t *testing.T) {
	tests := []struct {
		name string
		id   string
		f    Feature
		opts Options
		want string
	}{
		{name: "empty id", f: Feature{Geometry: orb.Point{1, 1}}, want: "tiles: layer id"},
		{name: "buffer too wide", id: "l", f: Feature{Geometry: orb.Point{1, 1}}, opts: Options{Buffer: 5000}, want: "buffer 5000"},
		{name: "tolerance NaN", id: "l", f: Feature{Geometry: orb.Point{1, 1}}, opts: Options{Tolerance: math.NaN()}, want: "tolerance"},
		{name: "no geometry", id: "l", f: Feature{}, want: "tiles: layer l: feature 0: no geometry"},
		{name: "collection", id: "l", f: Feature{Geometry: orb.Collection{orb.Point{1, 1}}}, want: "not supported"},
		{name: "nan", id: "l", f: Feature{Geometry: orb.Point{math.NaN(), 1}}, want: "not a number"},
		{name: "projected", id: "l", f: Feature{Geometry: orb.Point{13_290_000, 2_960_000}}, want: "not WGS-84"},
		{name: "short ring", id: "l", f: Feature{Geometry: orb.Polygon{{{0, 0}, {1, 0}, {0, 0}}}}, want: "ring 0 has 3 points"},
		{name: "short line", id: "l", f: Feature{Geometry: orb.LineString{{0, 0}}}, want: "need 2"},
		{name: "empty multipolygon", id: "l", f: Feature{Geometry: orb.MultiPolygon{}}, want: "empty MultiPolygon"},
		{name: "bad value", id: "l", f: Feature{Geometry: orb.Point{1, 1}, Properties: []Property{{"when", []int{1}}}}, want: `property "when": value of type []int`},
		{name: "nan value", id: "l", f: Feature{Geometry: orb.Point{1, 1}, Properties: []Property{{"v", math.Inf(1)}}}, want: "cannot be written to JSON"},
		{name: "empty key", id: "l", f: Feature{Geometry: orb.Point{1, 1}, Properties: []Property{{"", 1}}}, want: "property key"},
		{name: "bad utf8", id: "l", f: Feature{Geometry: orb.Point{1, 1}, Properties: []Property{{"k", "\xff"}}}, want: "UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewLayer(tt.id, []Feature{tt.f}, tt.opts)
			if err == nil || !strings.HasPrefix(err.Error(), "tiles: ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestLayerAccessors(t *testing.T) {
	l := mustLayer(t, "grids", fixtureGrids(), Options{})
	if l.ID() != "grids" || l.Len() != 4 {
		t.Errorf("ID %q Len %d", l.ID(), l.Len())
	}
	b := l.Bound()
	if !b.Contains(orb.Point{fixtureLon - 0.005, fixtureLat - 0.002}) || b.Max[0] > fixtureLon+0.011 {
		t.Errorf("Bound %v", b)
	}
	want := []Field{
		{Name: "code", Type: "String"}, {Name: "name", Type: "String"}, {Name: "households", Type: "Number"},
		{Name: "population", Type: "Number"}, {Name: "has_member", Type: "Boolean"},
		{Name: "area_km2", Type: "Number"}, {Name: "note", Type: "String"},
	}
	if got := l.Fields(); !reflect.DeepEqual(got, want) {
		t.Errorf("Fields = %v, want %v", got, want)
	}
	tile := At(orb.Point{fixtureLon, fixtureLat}, 14)
	if n := l.Count(tile); n != 4 {
		t.Errorf("Count(%s) = %d, want 4", tile, n)
	}
}
