package tiles

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
)

// minArea is the smallest ring kept, in square Extent units: anything smaller is not a visible
// shape at the tile's zoom but a sliver left by clipping or simplification.
const minArea = 1

// frame maps a layer's Web Mercator world coordinates into one tile's integer grid.
type frame struct {
	scale  float64   // size of the world in tile units: 2^z * Extent
	ox, oy float64   // the tile's north-west corner in those units
	box    orb.Bound // the tile grown by the buffer, in tile units
	tol    float64   // simplification tolerance in tile units, 0 for none
	// outerPositive says how exterior rings must wind: with positive area in tile coordinates
	// (y down), which is clockwise on screen, for MVT; with negative area, which becomes
	// counter-clockwise once y points north again, for GeoJSON.
	outerPositive bool
}

func newFrame(t Tile, opts Options, f Format) frame {
	n := float64(uint64(1) << t.Z)
	b := float64(opts.Buffer)
	return frame{
		scale:         n * Extent,
		ox:            float64(t.X) * Extent,
		oy:            float64(t.Y) * Extent,
		box:           orb.Bound{Min: orb.Point{-b, -b}, Max: orb.Point{Extent + b, Extent + b}},
		tol:           opts.Tolerance,
		outerPositive: f == MVT,
	}
}

// shape is one feature cut to a tile: integer tile coordinates, y down. Polygon rings are
// closed, wound for the output format, and each polygon starts with a part marked outer.
type shape struct {
	kind  geomKind
	pts   []orb.Point
	parts []part
}

func (s *shape) reset(kind geomKind) {
	s.kind = kind
	s.pts = s.pts[:0]
	s.parts = s.parts[:0]
}

// cutter cuts features to one tile, reusing its buffers from feature to feature and, through
// the layer's pool, from tile to tile.
type cutter struct {
	frame
	shape  shape
	buf    []orb.Point // one projected ring or line
	clipA  []orb.Point // the clipper's two work buffers
	clipB  []orb.Point
	keep   []bool // Douglas-Peucker marks
	stack  []int32
	hits   []int32
	cmds   []uint32 // MVT geometry commands and tags of one feature
	tags   []uint32
	out    []byte // the body being written
	member []member
}

// maxPooled bounds the buffers a cutter may keep in the pool, so that one giant tile does not
// pin its memory for the life of the layer.
const maxPooled = 4 << 20

func (l *Layer) getCutter(fr frame) *cutter {
	c, _ := l.pool.Get().(*cutter)
	if c == nil {
		c = new(cutter)
	}
	c.frame = fr
	return c
}

func (l *Layer) putCutter(c *cutter) {
	if cap(c.out) > maxPooled || cap(c.buf)*16 > maxPooled || cap(c.member)*32 > maxPooled {
		return
	}
	l.pool.Put(c)
}

// cut fills c.shape with feature f cut to the tile and reports whether anything is left.
func (c *cutter) cut(l *Layer, f *feature) bool {
	c.shape.reset(f.kind)
	parts := l.parts[f.part0:f.part1]
	switch f.kind {
	case kindPoint:
		for _, p := range parts {
			for _, q := range l.pts[p.start:p.end] {
				q = c.snap(q)
				if c.box.Contains(q) {
					c.shape.pts = append(c.shape.pts, q)
				}
			}
		}
		if n := len(c.shape.pts); n > 0 {
			c.shape.parts = append(c.shape.parts, part{start: 0, end: int32(n)})
		}
	case kindLine:
		for _, p := range parts {
			c.line(l.pts[p.start:p.end])
		}
	case kindPolygon:
		// A hole is kept only while the exterior ring before it survived. A polygon whose
		// holes cover what is left of its exterior (the tile lies inside a hole) is removed.
		keep := false
		polyPart, polyPt := 0, 0
		var area float64
		for _, p := range parts {
			if p.outer {
				c.dropIfEmpty(polyPart, polyPt, area)
				polyPart, polyPt = len(c.shape.parts), len(c.shape.pts)
				area = 0
				keep = c.ring(l.pts[p.start:p.end], true, &area)
			} else if keep {
				c.ring(l.pts[p.start:p.end], false, &area)
			}
		}
		c.dropIfEmpty(polyPart, polyPt, area)
	}
	return len(c.shape.parts) > 0
}

// dropIfEmpty removes the polygon that starts at part polyPart and point polyPt when its net
// area, exterior minus holes, is below minArea.
func (c *cutter) dropIfEmpty(polyPart, polyPt int, area float64) {
	if len(c.shape.parts) > polyPart && area < 2*minArea {
		c.shape.parts = c.shape.parts[:polyPart]
		c.shape.pts = c.shape.pts[:polyPt]
	}
}

func (c *cutter) snap(p orb.Point) orb.Point {
	return orb.Point{math.Round(p[0]*c.scale - c.ox), math.Round(p[1]*c.scale - c.oy)}
}

// load projects src into the tile grid, rounding each vertex and dropping repeats. This is the
// cheap first simplification: a vertex closer than half a unit to the previous one is gone
// before clipping and Douglas-Peucker see it.
func (c *cutter) load(src []orb.Point) ([]orb.Point, orb.Bound) {
	r := c.buf[:0]
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for _, p := range src {
		q := c.snap(p)
		if n := len(r); n > 0 && r[n-1] == q {
			continue
		}
		r = append(r, q)
		b.Min[0] = math.Min(b.Min[0], q[0])
		b.Min[1] = math.Min(b.Min[1], q[1])
		b.Max[0] = math.Max(b.Max[0], q[0])
		b.Max[1] = math.Max(b.Max[1], q[1])
	}
	c.buf = r
	return r, b
}

func within(inner, outer orb.Bound) bool {
	return inner.Min[0] >= outer.Min[0] && inner.Min[1] >= outer.Min[1] &&
		inner.Max[0] <= outer.Max[0] && inner.Max[1] <= outer.Max[1]
}

// roundDedup rounds clipped vertices (the clipper puts new ones at fractional positions along
// the box edge) and drops repeats, in place.
func roundDedup(r []orb.Point) []orb.Point {
	out := r[:0]
	for _, p := range r {
		p = orb.Point{math.Round(p[0]), math.Round(p[1])}
		if n := len(out); n > 0 && out[n-1] == p {
			continue
		}
		out = append(out, p)
	}
	return out
}

// dedup drops repeated consecutive vertices in place; simplification leaves some behind where
// it removed the tip of a spike.
func dedup(r []orb.Point) []orb.Point {
	out := r[:0]
	for _, p := range r {
		if n := len(out); n > 0 && out[n-1] == p {
			continue
		}
		out = append(out, p)
	}
	return out
}

// ring cuts one polygon ring to the tile and, if a valid ring is left, appends it to the shape
// wound for the output format. It reports whether it appended, and adds twice the ring's area
// to *net for an exterior ring and subtracts it for a hole.
func (c *cutter) ring(src []orb.Point, outer bool, net *float64) bool {
	r, b := c.load(src)
	if !b.Intersects(c.box) {
		return false
	}
	if !within(b, c.box) {
		r = roundDedup(c.clipRing(r))
	}
	if c.tol > 0 && len(r) > 4 {
		r = dedup(c.simplify(r))
	}
	if len(r) < 4 || r[0] != r[len(r)-1] {
		return false
	}
	a := area2(r)
	if math.Abs(a) < 2*minArea {
		return false
	}
	if outer {
		*net += math.Abs(a)
	} else {
		*net -= math.Abs(a)
	}
	wantPositive := outer == c.outerPositive
	start := len(c.shape.pts)
	if (a > 0) == wantPositive {
		c.shape.pts = append(c.shape.pts, r...)
	} else {
		for i := len(r) - 1; i >= 0; i-- {
			c.shape.pts = append(c.shape.pts, r[i])
		}
	}
	c.shape.parts = append(c.shape.parts, part{start: int32(start), end: int32(len(c.shape.pts)), outer: outer})
	return true
}

// line cuts one line string to the tile; clipping may split it into several.
func (c *cutter) line(src []orb.Point) {
	r, b := c.load(src)
	if len(r) < 2 || !b.Intersects(c.box) {
		return
	}
	if within(b, c.box) {
		c.addLine(r)
		return
	}
	for _, ls := range clip.LineString(c.box, orb.LineString(r)) {
		c.addLine(roundDedup(ls))
	}
}

func (c *cutter) addLine(ls []orb.Point) {
	if c.tol > 0 && len(ls) > 2 {
		ls = dedup(c.simplify(ls))
	}
	if len(ls) < 2 {
		return
	}
	start := len(c.shape.pts)
	c.shape.pts = append(c.shape.pts, ls...)
	c.shape.parts = append(c.shape.parts, part{start: int32(start), end: int32(len(c.shape.pts))})
}

// area2 is twice the signed area of a closed ring by the surveyor's formula, positive when the
// ring turns clockwise on a y-down screen. Tile coordinates are small integers, so the sum is
// exact.
func area2(r []orb.Point) float64 {
	a := 0.0
	for i := 0; i < len(r)-1; i++ {
		a += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return a
}

// clipRing clips a closed ring to the buffered tile with Sutherland-Hodgman, one box edge at a
// time, alternating between two buffers the cutter keeps. orb/clip does the same but
// allocates on every call, which was two thirds of the bytes allocated per tile for large
// polygons. Where the ring runs outside along a box edge, the result has zero-width
// spurs on that edge; they lie in the buffer, outside the visible tile.
func (c *cutter) clipRing(r []orb.Point) []orb.Point {
	in := r[:len(r)-1] // the closing vertex is restored at the end
	bufs := [2]*[]orb.Point{&c.clipA, &c.clipB}
	for edge := 0; edge < 4; edge++ {
		if len(in) == 0 {
			return nil
		}
		out := (*bufs[edge%2])[:0]
		prev := in[len(in)-1]
		prevIn := c.inside(edge, prev)
		for _, p := range in {
			pIn := c.inside(edge, p)
			if pIn != prevIn {
				out = append(out, c.intersect(edge, prev, p))
			}
			if pIn {
				out = append(out, p)
			}
			prev, prevIn = p, pIn
		}
		*bufs[edge%2] = out
		in = out
	}
	if len(in) == 0 {
		return nil
	}
	out := append(in, in[0])
	c.clipB = out
	return out
}

// Edges of the clip box: west, east, north (min y), south (max y).
func (c *cutter) inside(edge int, p orb.Point) bool {
	switch edge {
	case 0:
		return p[0] >= c.box.Min[0]
	case 1:
		return p[0] <= c.box.Max[0]
	case 2:
		return p[1] >= c.box.Min[1]
	}
	return p[1] <= c.box.Max[1]
}

// intersect returns where segment a-b crosses the given box edge; a and b lie on opposite
// sides of it, so the divisor is never zero.
func (c *cutter) intersect(edge int, a, b orb.Point) orb.Point {
	switch edge {
	case 0, 1:
		x := c.box.Min[0]
		if edge == 1 {
			x = c.box.Max[0]
		}
		return orb.Point{x, a[1] + (b[1]-a[1])*(x-a[0])/(b[0]-a[0])}
	}
	y := c.box.Min[1]
	if edge == 3 {
		y = c.box.Max[1]
	}
	return orb.Point{a[0] + (b[0]-a[0])*(y-a[1])/(b[1]-a[1]), y}
}

// simplify applies Douglas-Peucker with the frame's tolerance to pts in place, keeping both
// ends, and returns the kept vertices. It follows orb/simplify (a vertex stays when it lies
// farther than the tolerance from the segment between the vertices kept around it) but
// reuses the cutter's mark and stack buffers and divides once per segment rather than once
// per vertex; DP was the larger half of the CPU time of a low-zoom tile.
func (c *cutter) simplify(pts []orb.Point) []orb.Point {
	n := len(pts)
	if n <= 2 {
		return pts
	}
	keep := c.keep[:0]
	keep = append(keep, make([]bool, n)...)
	keep[0], keep[n-1] = true, true
	stack := append(c.stack[:0], 0, int32(n-1))
	tol2 := c.tol * c.tol
	for len(stack) > 0 {
		s, e := stack[len(stack)-2], stack[len(stack)-1]
		stack = stack[:len(stack)-2]
		a, b := pts[s], pts[e]
		dx, dy := b[0]-a[0], b[1]-a[1]
		l2 := dx*dx + dy*dy
		inv := 0.0
		if l2 != 0 {
			inv = 1 / l2
		}
		worst, at := tol2, int32(-1)
		for i := s + 1; i < e; i++ {
			px, py := pts[i][0]-a[0], pts[i][1]-a[1]
			t := (px*dx + py*dy) * inv
			t = max(0, min(1, t))
			qx, qy := px-t*dx, py-t*dy
			if d := qx*qx + qy*qy; d > worst {
				worst, at = d, i
			}
		}
		if at >= 0 {
			keep[at] = true
			stack = append(stack, s, at, at, e)
		}
	}
	c.keep, c.stack = keep, stack
	out := pts[:0]
	for i, k := range keep {
		if k {
			out = append(out, pts[i])
		}
	}
	return out
}
