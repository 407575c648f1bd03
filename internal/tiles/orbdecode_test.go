// These tests check the tiles with decoders not written here, orb's mvt.Unmarshal and
// orb/geojson, and benchmark orb's own MVT pipeline against this package's.

package tiles

import (
	"fmt"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/simplify"
)

// TestOrbDecodes decodes every golden tile with orb and checks layer, ids, properties and
// polygon structure: orb starts a new polygon at each ring with positive area in tile
// coordinates, so a wrongly wound exterior would show up as a hole of the previous polygon.
func TestOrbDecodes(t *testing.T) {
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			data := c.encode(t, MVT)
			layers, err := mvt.Unmarshal(data)
			if err != nil {
				t.Fatalf("mvt.Unmarshal: %v", err)
			}
			if len(layers) != 1 {
				t.Fatalf("%d layers", len(layers))
			}
			l := layers[0]
			if l.Name != c.layer.ID() || l.Extent != Extent || l.Version != 2 {
				t.Errorf("layer %q extent %d version %d", l.Name, l.Extent, l.Version)
			}
			mine, err := decodeMVT(data)
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Features) != len(mine[0].features) {
				t.Fatalf("orb decodes %d features, the test decoder %d", len(l.Features), len(mine[0].features))
			}
			fc, err := geojson.UnmarshalFeatureCollection(c.encode(t, GeoJSON))
			if err != nil {
				t.Fatalf("orb/geojson: %v", err)
			}
			if len(fc.Features) != len(l.Features) {
				t.Fatalf("GeoJSON %d features, MVT %d", len(fc.Features), len(l.Features))
			}
			for i, f := range l.Features {
				g := fc.Features[i]
				if fmt.Sprint(f.ID) != fmt.Sprint(g.ID) {
					t.Errorf("feature %d: MVT id %v, GeoJSON id %v", i, f.ID, g.ID)
				}
				for k, v := range g.Properties {
					if v == nil {
						continue
					}
					if fmt.Sprint(float32AsFloat(f.Properties[k])) != fmt.Sprint(float32AsFloat(v)) {
						t.Errorf("feature %d %s: MVT %v, GeoJSON %v", i, k, f.Properties[k], v)
					}
				}
				if f.Geometry.GeoJSONType() != g.Geometry.GeoJSONType() {
					t.Errorf("feature %d: orb sees %s in the MVT, %s in the GeoJSON", i, f.Geometry.GeoJSONType(), g.Geometry.GeoJSONType())
				}
				checkOrbWinding(t, i, f.Geometry, orb.CCW) // MVT: exteriors positive in y-down tile space
				checkOrbWinding(t, i, g.Geometry, orb.CCW) // GeoJSON: exteriors counter-clockwise in lon/lat
			}
		})
	}
}

func float32AsFloat(v any) any {
	if f, ok := v.(float64); ok {
		return float32(f)
	}
	return v
}

// checkOrbWinding checks rings by orb's Orientation, which is positive-area based: CCW means
// positive area with the coordinates taken as they are.
func checkOrbWinding(t *testing.T, i int, g orb.Geometry, outer orb.Orientation) {
	t.Helper()
	var polys []orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{g}
	case orb.MultiPolygon:
		polys = g
	}
	for _, p := range polys {
		for j, r := range p {
			want := outer
			if j > 0 {
				want = -outer
			}
			if !r.Closed() || r.Orientation() != want {
				t.Errorf("feature %d ring %d: closed %v orientation %v, want %v", i, j, r.Closed(), r.Orientation(), want)
			}
		}
	}
}

// TestOrbPipelineWinding records what orb/encoding/mvt does with RFC 7946 input: it writes
// rings as given, so a counter-clockwise GeoJSON exterior arrives in the tile with negative
// area, which MVT 2.1 readers take for a hole. This package rewinds; orb's path does not.
func TestOrbPipelineWinding(t *testing.T) {
	f := geojson.NewFeature(orb.Polygon{rect(fixtureLon-0.01, fixtureLat-0.01, fixtureLon+0.01, fixtureLat+0.01)})
	fc := geojson.NewFeatureCollection().Append(f)
	tile := At(orb.Point{fixtureLon, fixtureLat}, 12)
	layer := mvt.NewLayer("l", fc)
	layer.ProjectToTile(maptile.New(tile.X, tile.Y, maptile.Zoom(tile.Z)))
	if r := layer.Features[0].Geometry.(orb.Polygon)[0]; r.Orientation() != orb.CW {
		t.Errorf("orb's projected exterior has orientation %v; expected it to keep the lon/lat winding, negative area in tile space", r.Orientation())
	}
	if layer.Version != 1 {
		t.Errorf("orb's layer version %d; expected it to claim only version 1", layer.Version)
	}
}

// orbEncode is the pipeline orb/encoding/mvt offers: clone (projection works in place), project,
// clip, simplify, drop empties, marshal. It gets the same candidate features as Encode.
func orbEncode(tb testing.TB, l *Layer, src []Feature, tile Tile, f Format) []byte {
	hits := l.search(tile, DefaultBuffer, nil, true)
	fc := geojson.NewFeatureCollection()
	for _, i := range hits {
		in := src[i]
		gf := geojson.NewFeature(orb.Clone(in.Geometry))
		if in.ID != 0 {
			gf.ID = in.ID
		}
		for _, p := range in.Properties {
			gf.Properties[p.Key] = p.Value
		}
		fc.Append(gf)
	}
	mt := maptile.New(tile.X, tile.Y, maptile.Zoom(tile.Z))
	layer := mvt.NewLayer(l.ID(), fc)
	layer.ProjectToTile(mt)
	layer.Clip(orb.Bound{Min: orb.Point{-DefaultBuffer, -DefaultBuffer}, Max: orb.Point{Extent + DefaultBuffer, Extent + DefaultBuffer}})
	layer.Simplify(simplify.DouglasPeucker(DefaultTolerance))
	layer.RemoveEmpty(1, minArea)
	if f == GeoJSON {
		layer.ProjectToWGS84(mt)
		out := geojson.NewFeatureCollection()
		out.Features = layer.Features
		b, err := out.MarshalJSON()
		if err != nil {
			tb.Fatal(err)
		}
		return b
	}
	b, err := mvt.Marshal(mvt.Layers{layer})
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// BenchmarkOrbPipeline runs orb's pipeline on the benchmark tiles of bench_test.go, for
// comparison with BenchmarkEncodeHeavy and BenchmarkEncodeGrids.
func BenchmarkOrbPipeline(b *testing.B) {
	heavy := heavyPolygons()
	grids := gridLayer()
	hl := mustLayer(b, "communities", heavy, Options{})
	gl := mustLayer(b, "grids", grids, Options{})
	centre := orb.Point{fixtureLon, fixtureLat}
	edge := orb.Point{fixtureLon + 10_000*degLon, fixtureLat}
	cases := []struct {
		name string
		l    *Layer
		src  []Feature
		tile Tile
	}{
		{"heavy/z8", hl, heavy, At(centre, 8)},
		{"heavy/z10", hl, heavy, At(centre, 10)},
		{"heavy/z14-edge", hl, heavy, At(edge, 14)},
		{"grids/z10", gl, grids, At(centre, 10)},
		{"grids/z14", gl, grids, At(centre, 14)},
		{"grids/z17", gl, grids, At(centre, 17)},
	}
	for _, c := range cases {
		for _, f := range []Format{MVT, GeoJSON} {
			b.Run(c.name+"/"+f.Ext(), func(b *testing.B) {
				b.ReportAllocs()
				var size int
				for b.Loop() {
					size = len(orbEncode(b, c.l, c.src, c.tile, f))
				}
				b.ReportMetric(float64(size), "B/tile")
			})
		}
	}
}

// BenchmarkOrbMarshal isolates the protobuf writing: the same cut features, already in tile
// coordinates, written by orb's mvt.Marshal and by this package's writer.
func BenchmarkOrbMarshal(b *testing.B) {
	l := mustLayer(b, "grids", gridLayer(), Options{})
	tile := At(orb.Point{fixtureLon, fixtureLat}, 10)

	// Cut once, keep the shapes.
	c := l.getCutter(newFrame(tile, l.opts, MVT))
	type cutFeature struct {
		id    uint64
		s     shape
		props []uint32
	}
	var cut []cutFeature
	for _, i := range l.search(tile, l.opts.Buffer, nil, true) {
		ft := &l.feats[i]
		if c.cut(l, ft) {
			s := shape{kind: c.shape.kind, pts: append([]orb.Point(nil), c.shape.pts...), parts: append([]part(nil), c.shape.parts...)}
			cut = append(cut, cutFeature{ft.id, s, l.props[ft.props0:ft.props1]})
		}
	}
	layers, err := mvt.Unmarshal(mustEncode(b, l, tile, MVT))
	if err != nil {
		b.Fatal(err)
	}

	b.Run("orb", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := mvt.Marshal(layers); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("tiles", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			w := newMVTWriter(l.id, l.table, c, len(cut))
			for i := range cut {
				w.feature(cut[i].id, &cut[i].s, cut[i].props)
			}
			_ = w.bytes()
		}
	})
}
