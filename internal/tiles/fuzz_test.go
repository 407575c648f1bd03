package tiles

// Fuzz targets for the tile path: parsing z/x/y and the format from a URL, the ETag and gzip of
// a tile, and the encoder and clipper on degenerate geometry (empty and repeated points,
// zero-area and self-touching rings, vertices on the tile edge, huge coordinates, the poles),
// whose output is decoded with the strict MVT decoder of mvtdecode_test.go and go-geom's
// GeoJSON reader.

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// canonicalUint parses s as the one decimal form of a number: digits, no sign, no leading zero.
func canonicalUint(s string) (uint64, bool) {
	v, err := strconv.ParseUint(s, 10, 64)
	return v, err == nil && strconv.FormatUint(v, 10) == s
}

// FuzzParseTile: a tile URL's z, x and "y.format" parts. ParseTile accepts exactly the
// canonical decimal numbers with z ≤ MaxZoom and x, y < 2^z; an accepted tile prints back as
// the same path, validates, and its centre lies in it; a rejected one is a *ParamError on a
// part that is wrong on its own (z), or at the zoom (x, y), carrying the value received.
// ParseFormat accepts exactly the extensions Format.Ext writes.
func FuzzParseTile(f *testing.F) {
	f.Fuzz(func(t *testing.T, z, x, file string) {
		y, ext, _ := strings.Cut(file, ".")
		tile, err := ParseTile(z, x, y)
		zv, zok := canonicalUint(z)
		xv, xok := canonicalUint(x)
		yv, yok := canonicalUint(y)
		zok = zok && zv <= MaxZoom
		inZoom := func(v uint64) bool { return zok && v < uint64(1)<<zv }
		if want := zok && xok && yok && inZoom(xv) && inZoom(yv); (err == nil) != want {
			t.Fatalf("ParseTile(%q, %q, %q) = %v, %v; want accepted %v", z, x, y, tile, err, want)
		}
		if err != nil {
			var pe *ParamError
			if !errors.As(err, &pe) || !errors.Is(err, ErrInvalidTile) || pe.Reason == "" {
				t.Fatalf("ParseTile error %v (%T) is not a *ParamError wrapping ErrInvalidTile", err, err)
			}
			bad := map[string]bool{"z": !zok, "x": !xok || !inZoom(xv), "y": !yok || !inZoom(yv)}
			value := map[string]string{"z": z, "x": x, "y": y}
			if !bad[pe.Param] || pe.Value != value[pe.Param] {
				t.Fatalf("ParseTile(%q, %q, %q) blames %s %q", z, x, y, pe.Param, pe.Value)
			}
		} else {
			if got := tile.String(); got != z+"/"+x+"/"+y {
				t.Fatalf("tile %s/%s/%s prints as %s", z, x, y, got)
			}
			if err := tile.Validate(); err != nil {
				t.Fatalf("parsed tile %s does not validate: %v", tile, err)
			}
			b := tile.Bound()
			if !(b.Min[0] < b.Max[0] && b.Min[1] < b.Max[1]) {
				t.Fatalf("tile %s has the bound %v", tile, b)
			}
			if c := At(b.Center(), tile.Z); c != tile {
				t.Fatalf("the centre of tile %s lies in tile %s", tile, c)
			}
		}

		format, err := ParseFormat(ext)
		if err != nil {
			var pe *ParamError
			if !errors.As(err, &pe) || !errors.Is(err, ErrUnknownFormat) || pe.Param != "format" || pe.Value != ext {
				t.Fatalf("ParseFormat(%q) error %v", ext, err)
			}
			if ext == MVT.Ext() || ext == GeoJSON.Ext() {
				t.Fatalf("ParseFormat refused %q", ext)
			}
		} else if format.Ext() != ext {
			t.Fatalf("ParseFormat(%q) = %s", ext, format)
		}
	})
}

var strongTag = regexp.MustCompile(`^"[0-9a-f]{32}"$`)

// FuzzETag: a tile's ETag is a strong tag of 32 hex digits that depends only on the bytes, and
// its gzip is deterministic (a recycled writer gives what a fresh gzip writer of the same
// level gives, with no name or time in the header) and gunzips to the tile.
func FuzzETag(f *testing.F) {
	var shared Compressor
	// A gzip.Writer after Reset is equivalent to a new one, and setting one up costs 800 KB.
	ref, err := gzip.NewWriterLevel(nil, gzipLevel)
	if err != nil {
		f.Fatal(err)
	}
	var want bytes.Buffer
	f.Fuzz(func(t *testing.T, body []byte) {
		tag := ETag(body)
		if !strongTag.MatchString(tag) || ETag(bytes.Clone(body)) != tag {
			t.Fatalf("ETag = %s", tag)
		}
		want.Reset()
		ref.Reset(&want)
		if _, err := ref.Write(body); err != nil || ref.Close() != nil {
			t.Fatal(err)
		}
		z1, err1 := shared.Gzip(body)
		z2, err2 := shared.Gzip(body)
		if err1 != nil || err2 != nil {
			t.Fatalf("Gzip: %v %v", err1, err2)
		}
		if !bytes.Equal(z1, want.Bytes()) || !bytes.Equal(z2, z1) {
			t.Fatal("Gzip is not deterministic")
		}
		r, err := gzip.NewReader(bytes.NewReader(z1))
		if err != nil {
			t.Fatal(err)
		}
		back, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(back, body) {
			t.Fatalf("gunzip gave %d bytes of %d: %v", len(back), len(body), err)
		}
	})
}

// shapes turns fuzz bytes into features placed around one tile, in that tile's units, so that
// the fuzzer reaches the cases that matter to a clipper: vertices on the tile's edges and
// corners and on the buffer's, repeated vertices, rings returning to their start early,
// spikes, coordinates millions of tiles away, and the poles and the antimeridian, where Web
// Mercator flattens everything.
type shapes struct {
	b      []byte
	tile   Tile
	buffer float64
	step   float64 // tile units per unit of a coded coordinate
}

func (s *shapes) next() byte {
	if len(s.b) == 0 {
		return 0
	}
	c := s.b[0]
	s.b = s.b[1:]
	return c
}

func (s *shapes) int16() float64 {
	var w [2]byte
	w[0], w[1] = s.next(), s.next()
	return float64(int16(binary.LittleEndian.Uint16(w[:])))
}

// vertex reads one vertex: coded, a repeat of the previous or the first one, or a landmark.
func (s *shapes) vertex(first, prev orb.Point, n int) orb.Point {
	tag := s.next()
	switch {
	case tag%4 == 1 && n > 0:
		return prev
	case tag%4 == 2 && n > 0:
		return first
	case tag%4 == 3:
		e := float64(Extent)
		marks := []float64{0, e, -s.buffer, e + s.buffer, e / 2, -1, e + 1, -1e12, 1e12}
		c := int(s.next())
		return s.lonLat(marks[c%len(marks)], marks[(c/len(marks))%len(marks)])
	}
	return s.lonLat(s.int16()*s.step, s.int16()*s.step)
}

// lonLat converts tile units to WGS-84, clamped to the world's longitudes; latitudes beyond
// Web Mercator's square come out near the poles.
func (s *shapes) lonLat(u, v float64) orb.Point {
	n := float64(uint64(1)<<s.tile.Z) * Extent
	x := math.Max(0, math.Min(1, (float64(s.tile.X)*Extent+u)/n))
	y := (float64(s.tile.Y)*Extent + v) / n
	lon, lat := unproject(x, y)
	return orb.Point{math.Max(-180, math.Min(180, lon)), math.Max(-90, math.Min(90, lat))}
}

func (s *shapes) run(n int) []orb.Point {
	pts := make([]orb.Point, 0, n+1)
	for i := 0; i < n; i++ {
		var first, prev orb.Point
		if i > 0 {
			first, prev = pts[0], pts[i-1]
		}
		pts = append(pts, s.vertex(first, prev, i))
	}
	return pts
}

func (s *shapes) ring() orb.Ring {
	r := orb.Ring(s.run(int(s.next()%10) + 1))
	if s.next()%2 == 0 {
		r = append(r, r[0]) // closed; otherwise NewLayer closes it
	}
	return r
}

func (s *shapes) polygon() orb.Polygon {
	p := orb.Polygon{s.ring()}
	for range s.next() % 3 {
		p = append(p, s.ring())
	}
	return p
}

// geometry reads one geometry; points only keeps it to Point and MultiPoint.
func (s *shapes) geometry(pointsOnly bool) orb.Geometry {
	op := s.next()
	n := int(op>>3)%8 + 1
	kind := op % 8
	if pointsOnly {
		kind %= 2
	}
	switch kind {
	case 0:
		return s.vertex(orb.Point{}, orb.Point{}, 0)
	case 1:
		return orb.MultiPoint(s.run(n))
	case 2:
		return orb.LineString(s.run(n + 1))
	case 3:
		var ml orb.MultiLineString
		for range n%3 + 1 {
			ml = append(ml, s.run(int(s.next()%6)+1))
		}
		return ml
	case 4:
		return s.polygon()
	case 5:
		var mp orb.MultiPolygon
		for range n%3 + 1 {
			mp = append(mp, s.polygon())
		}
		return mp
	case 6:
		return s.ring()
	}
	a, b := s.vertex(orb.Point{}, orb.Point{}, 0), s.vertex(orb.Point{}, orb.Point{}, 0)
	return orb.Bound{Min: a, Max: a}.Extend(b)
}

// fuzzTile picks the tile of a fuzz case: near the fixture at zoom z, or a corner of the world.
func fuzzTile(z, where uint8) Tile {
	zoom := uint32(z) % (MaxZoom + 1)
	last := uint32(uint64(1)<<zoom - 1)
	t := At(orb.Point{fixtureLon, fixtureLat}, zoom)
	switch where % 8 {
	case 1:
		t.X, t.Y = 0, 0
	case 2:
		t.X, t.Y = last, last
	case 3:
		t.X, t.Y = last, 0
	case 4:
		t.X, t.Y = 0, last
	case 5, 6, 7:
		t.X = uint32((uint64(t.X) + uint64(where)) % (uint64(last) + 1))
	}
	return t
}

var fuzzCategories = []string{"noise", "parking", "sanitation"}

// fuzzLayer builds a layer from the features coded in data, keeping those NewLayer takes on
// their own; the rest must be refused with an error naming the feature, not a panic.
func fuzzLayer(t *testing.T, data []byte, tile Tile, opts Options, pointsOnly bool) (*Layer, []Feature) {
	t.Helper()
	resolved, err := opts.resolve()
	if err != nil {
		t.Fatal(err)
	}
	s := &shapes{b: data, tile: tile, buffer: float64(resolved.Buffer)}
	if len(s.b) > 0 {
		s.step = math.Exp2(float64(s.next()%24) - 8)
	}
	var fs []Feature
	for len(s.b) > 0 && len(fs) < 24 {
		i := len(fs)
		f := Feature{ID: uint64(i + 1), Geometry: s.geometry(pointsOnly),
			Properties: []Property{{"i", i}, {"category", fuzzCategories[i%len(fuzzCategories)]}}}
		if _, err := NewLayer("fuzz", []Feature{f}, opts); err != nil {
			if !strings.HasPrefix(err.Error(), "tiles: layer fuzz: feature 0: ") {
				t.Fatalf("NewLayer refused %v with %v", f.Geometry, err)
			}
			continue
		}
		fs = append(fs, f)
	}
	for i := range fs {
		fs[i].ID = uint64(i + 1)
	}
	l, err := NewLayer("fuzz", fs, opts)
	if err != nil {
		t.Fatalf("NewLayer refused features it took one by one: %v", err)
	}
	return l, fs
}

// worldPoint is p in the tile's units, unrounded.
func worldPoint(tile Tile, p orb.Point) (u, v float64) {
	x, y := project(p[0], p[1])
	n := float64(uint64(1)<<tile.Z) * Extent
	return x*n - float64(tile.X)*Extent, y*n - float64(tile.Y)*Extent
}

// FuzzEncode: whatever features a tile holds, Encode draws it without error as an MVT that the
// strict decoder reads (one layer, version 2, extent 4096, exterior rings first and clockwise,
// no zero-area ring, no zero-length move, every vertex inside the buffered tile) and as GeoJSON
// that go-geom reads and that agrees with it (checkTilePair). Each input feature appears at
// most once, in input order, with its own geometry type; a point inside the tile always
// appears, and so does a box covering the whole buffered tile, as exactly that square; drawing
// the tile again, after another, gives the same bytes.
func FuzzEncode(f *testing.F) {
	buffers := []int{0, -1, 1, 256}
	tolerances := []float64{0, -1, 0.5, 100}
	f.Fuzz(func(t *testing.T, data []byte, z, where, opt uint8) {
		tile := fuzzTile(z, where)
		opts := Options{Buffer: buffers[opt%4], Tolerance: tolerances[(opt/4)%4]}
		l, fs := fuzzLayer(t, data, tile, opts, false)
		feats := checkTilePair(t, l, tile)

		var ids []uint64
		for i, m := range feats {
			if !m.hasID || m.id == 0 || m.id > uint64(len(fs)) {
				t.Fatalf("feature %d has id %d (%v); the layer has ids 1..%d", i, m.id, m.hasID, len(fs))
			}
			ids = append(ids, m.id)
			want := map[geomKind]uint64{kindPoint: 1, kindLine: 2, kindPolygon: 3}[l.feats[m.id-1].kind]
			if m.typ != want {
				t.Fatalf("feature %d (%T) has MVT type %d, want %d", m.id, fs[m.id-1].Geometry, m.typ, want)
			}
		}
		if !slices.IsSorted(ids) || len(slices.Compact(slices.Clone(ids))) != len(ids) {
			t.Fatalf("feature ids %v: want each once, in input order", ids)
		}
		buf := float64(l.opts.Buffer)
		for i, ft := range fs {
			id := uint64(i + 1)
			switch g := ft.Geometry.(type) {
			case orb.Point:
				if u, v := worldPoint(tile, g); u >= 0 && u <= Extent && v >= 0 && v <= Extent && !slices.Contains(ids, id) {
					t.Fatalf("point %v at %v, %v in tile %s is missing", g, u, v, tile)
				}
			case orb.Bound:
				u0, v1 := worldPoint(tile, g.Min)
				u1, v0 := worldPoint(tile, g.Max)
				if u0 < -buf-1 && v0 < -buf-1 && u1 > Extent+buf+1 && v1 > Extent+buf+1 {
					k := slices.Index(ids, id)
					if k < 0 || len(feats[k].parts) != 1 || len(feats[k].parts[0]) != 5 {
						t.Fatalf("box %v covering tile %s is drawn as %v", g, tile, feats)
					}
					for _, q := range feats[k].parts[0] {
						if math.Abs(q[0]-Extent/2) != Extent/2+buf || math.Abs(q[1]-Extent/2) != Extent/2+buf {
							t.Fatalf("box covering tile %s has the vertex %v, not a corner of the buffered tile", tile, q)
						}
					}
				}
			}
		}

		first := mustEncode(t, l, tile, MVT)
		other := fuzzTile(z+1, where+1)
		mustEncode(t, l, other, MVT)
		mustEncode(t, l, other, GeoJSON)
		if again := mustEncode(t, l, tile, MVT); !bytes.Equal(again, first) {
			t.Fatalf("tile %s drawn again after %s differs", tile, other)
		}
	})
}

// FuzzEncodeClusters: clustering a point layer counts every point of the tile exactly once —
// the counts add up to the points whose pixel lies in the tile (west and north edges in, east
// and south edges out), and the four children of the tile count what it counts — with at most
// MaxFeatures clusters, each a point inside the tile whose category counts add up to its
// count, and GeoJSON carrying the same clusters as MVT.
func FuzzEncodeClusters(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, z, where, cell, bound uint8) {
		tile := fuzzTile(z, where)
		l, fs := fuzzLayer(t, data, tile, Options{}, true)
		c := Clustering{CellPixels: 1 << (cell % 9), CategoryKey: "category", MaxFeatures: int(bound % 8)}
		feats, total := clusterCounts(t, l, tile, c)
		want := 0
		for _, ft := range fs {
			pts := []orb.Point{}
			switch g := ft.Geometry.(type) {
			case orb.Point:
				pts = append(pts, g)
			case orb.MultiPoint:
				pts = g
			}
			for _, p := range pts {
				if u, v := worldPoint(tile, p); u >= 0 && u < Extent && v >= 0 && v < Extent {
					want++
				}
			}
		}
		if total != want {
			t.Fatalf("clusters of tile %s count %d points, the tile holds %d", tile, total, want)
		}
		limit := c.MaxFeatures
		if limit == 0 {
			limit = DefaultMaxClusters
		}
		if len(feats) > limit {
			t.Fatalf("%d clusters, the bound is %d", len(feats), limit)
		}
		gj, err := EncodeClusters(l, tile, GeoJSON, c)
		if err != nil {
			t.Fatal(err)
		}
		if fc := parseGeoJSON(t, gj); len(fc.Features) != len(feats) {
			t.Fatalf("GeoJSON has %d clusters, MVT %d", len(fc.Features), len(feats))
		}
		if tile.Z < MaxZoom {
			sum := 0
			for k := uint32(0); k < 4; k++ {
				_, n := clusterCounts(t, l, Tile{Z: tile.Z + 1, X: 2*tile.X + k%2, Y: 2*tile.Y + k/2}, c)
				sum += n
			}
			if sum != total {
				t.Fatalf("the children of tile %s count %d points, the tile %d", tile, sum, total)
			}
		}
	})
}
