package tiles

import (
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// geojsonWriter writes one tile as an RFC 7946 FeatureCollection. It appends text directly;
// encoding/json would reflect over a tree built per feature for output that is this regular.
//
// Coordinates are rounded to fixed point (integer multiples of 10^-decimals degree) before
// anything is decided about them, and rings are checked and wound on those rounded values:
// rounding can flatten or turn over a ring of a few square units, and what a GIS reads is the
// rounded text, so that is what must be valid.
type geojsonWriter struct {
	fr       frame
	tab      *table
	c        *cutter // owns the text buffer
	n        int
	decimals int
	pow      float64 // 10^decimals
	fixed    [][2]int64
	rings    []fixedRing
}

// fixedRing is one part of a shape after rounding: a range of geojsonWriter.fixed.
type fixedRing struct {
	start, end int
	outer      bool
	ok         bool // closed, 4 or more positions, non-zero area; for lines: 2 or more
	reverse    bool // written back to front to get the winding RFC 7946 asks for
}

const geojsonHead = `{"type":"FeatureCollection","features":[`

func newGeoJSONWriter(t Tile, fr frame, tab *table, c *cutter) *geojsonWriter {
	d := decimals(t)
	w := &geojsonWriter{fr: fr, tab: tab, c: c, decimals: d, pow: math.Pow10(d)}
	c.out = append(c.out[:0], geojsonHead...)
	return w
}

// decimals is how many decimal places of a degree the tile resolves: the fewest for which one
// step (10^-d degree) is no larger than the tile's smallest Extent unit, a unit of latitude at
// its poleward edge, where Web Mercator shrinks latitude most (there a unit is cos(latitude)
// times a unit of longitude). Rounding then moves a vertex by at most half a unit anywhere in
// the tile. The tile's average unit of latitude, used before, was 5.5 times too coarse at the
// top of the z1 tiles and flattened shapes there that the MVT kept.
func decimals(t Tile) int {
	b := t.Bound()
	edge := math.Max(math.Abs(b.Min[1]), math.Abs(b.Max[1]))
	unit := 360 * math.Cos(edge*math.Pi/180) / (float64(uint64(1)<<t.Z) * Extent)
	d := int(math.Ceil(-math.Log10(unit)))
	return max(0, min(d, 12))
}

// round converts a tile-grid point to longitude and latitude in units of 10^-decimals degree.
func (w *geojsonWriter) round(p orb.Point) [2]int64 {
	lon, lat := unproject((w.fr.ox+p[0])/w.fr.scale, (w.fr.oy+p[1])/w.fr.scale)
	return [2]int64{int64(math.Round(lon * w.pow)), int64(math.Round(lat * w.pow))}
}

// prepare rounds every part of s and decides which survive; it returns how many polygons (for
// polygon shapes) or parts are left.
func (w *geojsonWriter) prepare(s *shape) int {
	w.fixed = w.fixed[:0]
	w.rings = w.rings[:0]
	for _, p := range s.parts {
		start := len(w.fixed)
		for _, q := range s.pts[p.start:p.end] {
			f := w.round(q)
			if n := len(w.fixed); s.kind != kindPoint && n > start && w.fixed[n-1] == f {
				continue
			}
			w.fixed = append(w.fixed, f)
		}
		r := fixedRing{start: start, end: len(w.fixed), outer: p.outer}
		switch s.kind {
		case kindPoint:
			r.ok = r.end > r.start
		case kindLine:
			r.ok = r.end-r.start >= 2
		case kindPolygon:
			a := fixedArea2(w.fixed[r.start:r.end])
			r.ok = r.end-r.start >= 4 && w.fixed[r.start] == w.fixed[r.end-1] && a != 0
			// Longitude/latitude are y up: positive area is counter-clockwise, which RFC 7946
			// wants for exteriors and not for holes.
			r.reverse = (a > 0) != p.outer
		}
		w.rings = append(w.rings, r)
	}
	n := 0
	alive := false // whether the current polygon's exterior survived
	for i := range w.rings {
		r := &w.rings[i]
		if s.kind == kindPolygon {
			if r.outer {
				alive = r.ok
			} else if !alive {
				r.ok = false
			}
			if r.ok && r.outer {
				n++
			}
		} else if r.ok {
			n++
		}
	}
	return n
}

// fixedArea2 is twice the signed area of a closed ring, exact: coordinates are integers and
// taken relative to the first vertex, so products stay far below 2^53.
func fixedArea2(r [][2]int64) int64 {
	if len(r) < 3 {
		return 0
	}
	var a int64
	x0, y0 := r[0][0], r[0][1]
	for i := 1; i+1 < len(r); i++ {
		a += (r[i][0]-x0)*(r[i+1][1]-y0) - (r[i+1][0]-x0)*(r[i][1]-y0)
	}
	return a
}

func (w *geojsonWriter) feature(id uint64, s *shape, props []uint32) {
	count := w.prepare(s)
	if count == 0 {
		return // everything collapsed in rounding
	}
	b := w.c.out
	if w.n > 0 {
		b = append(b, ',')
	}
	b = append(b, "\n{\"type\":\"Feature\","...)
	if id != 0 {
		b = append(b, `"id":`...)
		b = strconv.AppendUint(b, id, 10)
		b = append(b, ',')
	}
	b = append(b, `"geometry":{"type":"`...)
	switch s.kind {
	case kindPoint:
		pts := w.fixed[w.rings[0].start:w.rings[0].end]
		if len(pts) == 1 {
			b = append(b, `Point","coordinates":`...)
			b = w.position(b, pts[0])
		} else {
			b = append(b, `MultiPoint","coordinates":`...)
			b = w.positions(b, pts, false)
		}
	case kindLine:
		if count == 1 {
			b = append(b, `LineString","coordinates":`...)
		} else {
			b = append(b, `MultiLineString","coordinates":[`...)
		}
		first := true
		for _, r := range w.rings {
			if !r.ok {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = w.positions(b, w.fixed[r.start:r.end], false)
		}
		if count > 1 {
			b = append(b, ']')
		}
	case kindPolygon:
		if count == 1 {
			b = append(b, `Polygon","coordinates":`...)
		} else {
			b = append(b, `MultiPolygon","coordinates":[`...)
		}
		first := true
		for _, r := range w.rings {
			switch {
			case !r.ok:
				continue
			case r.outer && !first:
				b = append(b, "],["...)
			case r.outer:
				b = append(b, '[')
			default:
				b = append(b, ',')
			}
			first = false
			b = w.positions(b, w.fixed[r.start:r.end], r.reverse)
		}
		b = append(b, ']')
		if count > 1 {
			b = append(b, ']')
		}
	}
	b = append(b, `},"properties":{`...)
	for i := 0; i+1 < len(props); i += 2 {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, w.tab.keyJSON[props[i]]...)
		b = append(b, w.tab.values[props[i+1]].json...)
	}
	b = append(b, "}}"...)
	w.c.out = b
	w.n++
}

func (w *geojsonWriter) positions(b []byte, pts [][2]int64, reverse bool) []byte {
	b = append(b, '[')
	for i := range pts {
		if i > 0 {
			b = append(b, ',')
		}
		p := pts[i]
		if reverse {
			p = pts[len(pts)-1-i]
		}
		b = w.position(b, p)
	}
	return append(b, ']')
}

func (w *geojsonWriter) position(b []byte, p [2]int64) []byte {
	b = append(b, '[')
	b = appendFixedPoint(b, p[0], w.decimals)
	b = append(b, ',')
	b = appendFixedPoint(b, p[1], w.decimals)
	return append(b, ']')
}

// appendFixedPoint writes v·10^-d in decimal without trailing zeros: 119.37 rather than
// 119.370000, which saves a fifth of a typical GeoJSON tile. Writing the integer exactly
// means the text says precisely what the ring checks were made on.
func appendFixedPoint(b []byte, v int64, d int) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	var pow int64 = 1
	for range d {
		pow *= 10
	}
	b = strconv.AppendInt(b, v/pow, 10)
	frac := v % pow
	if frac == 0 {
		return b
	}
	var digits [20]byte
	for i := d - 1; i >= 0; i-- {
		digits[i] = byte('0' + frac%10)
		frac /= 10
	}
	n := d
	for digits[n-1] == '0' {
		n--
	}
	b = append(b, '.')
	return append(b, digits[:n]...)
}

// bytes returns the finished collection in a slice of its own; the buffer stays with the
// cutter.
func (w *geojsonWriter) bytes() []byte {
	b := w.c.out
	if w.n > 0 {
		b = append(b, '\n')
	}
	b = append(b, "]}"...)
	w.c.out = b
	return append(make([]byte, 0, len(b)), b...)
}
