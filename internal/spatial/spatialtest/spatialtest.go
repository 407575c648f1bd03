// Package spatialtest generates seeded, deterministic sets of unit grids and test points that
// look like real grid data at its messiest, for the tests and benchmarks of the point-in-grid
// index (and of anything else that needs many grids).
//
// Grids tile an area near Fuqing (lon 119.4, lat 25.7) on a jittered lattice of quads about
// 210 m across whose sides wiggle through shared intermediate vertices. A grid is one quad, two,
// four, an L of three (concave), a ring of eight around a ninth grid (a polygon with a hole
// that another grid fills), or two quads apart (a multipolygon). Neighbours share lattice
// vertices bit for bit, except where a side is deliberately spoiled for one of the two grids:
// an extra vertex at the float midpoint of a segment (almost, not exactly, on the other grid's
// edge), a vertex moved 1e-9° off the shared line (a sliver of overlap or a gap too small to
// see), or one moved 3e-6° (about 30 cm).
package spatialtest

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// Lattice spacing in degrees, about 210 m each way at latitude 25.7.
const (
	stepX = 0.0021
	stepY = 0.0019
)

// Kinds of spoiling of one grid's copy of a shared side.
const (
	spoilNone = iota
	spoilMidpoint
	spoilNano
	spoilSliver
	spoilMoveNano
)

type lattice struct {
	rng    *rand.Rand
	nx, ny int
	vx, vy []float64     // (nx+1)*(ny+1) vertices
	hmid   [][]orb.Point // nx*(ny+1) horizontal sides: intermediate vertices west to east
	vmid   [][]orb.Point // (nx+1)*ny vertical sides: south to north
	hspoil []uint8
	vspoil []uint8
	owner  []int32 // nx*ny quads
}

// Grids returns at least n grids generated from seed; the same seed and n give the same grids.
func Grids(seed int64, n int) []gridmap.Grid {
	side := int(math.Ceil(math.Sqrt(float64(n) * 2.6)))
	for {
		gs := generate(seed, side)
		if len(gs) >= n {
			return gs
		}
		side += 1 + side/50
	}
}

func generate(seed int64, side int) []gridmap.Grid {
	l := &lattice{rng: rand.New(rand.NewPCG(uint64(seed), 0x6772696473)), nx: side, ny: side}
	l.vertices()
	l.assign()
	return l.grids()
}

func (l *lattice) vid(i, j int) int { return j*(l.nx+1) + i }

func (l *lattice) vertex(i, j int) orb.Point {
	k := l.vid(i, j)
	return orb.Point{l.vx[k], l.vy[k]}
}

func (l *lattice) vertices() {
	x0 := 119.4 - float64(l.nx)*stepX/2
	y0 := 25.7 - float64(l.ny)*stepY/2
	l.vx = make([]float64, (l.nx+1)*(l.ny+1))
	l.vy = make([]float64, len(l.vx))
	for j := 0; j <= l.ny; j++ {
		for i := 0; i <= l.nx; i++ {
			k := l.vid(i, j)
			l.vx[k] = x0 + (float64(i)+0.4*(l.rng.Float64()-0.5))*stepX
			l.vy[k] = y0 + (float64(j)+0.4*(l.rng.Float64()-0.5))*stepY
		}
	}
	side := func(a, b orb.Point) []orb.Point {
		var pts []orb.Point
		switch m := l.rng.IntN(5); {
		case m == 0:
		case m <= 2:
			pts = []orb.Point{l.wiggle(a, b, 0.3+0.4*l.rng.Float64())}
		default:
			t1 := 0.25 + 0.2*l.rng.Float64()
			t2 := 0.55 + 0.2*l.rng.Float64()
			pts = []orb.Point{l.wiggle(a, b, t1), l.wiggle(a, b, t2)}
		}
		return pts
	}
	spoil := func() uint8 {
		switch r := l.rng.Float64(); {
		case r < 0.05:
			return spoilMidpoint
		case r < 0.09:
			return spoilNano
		case r < 0.12:
			return spoilSliver
		case r < 0.15:
			return spoilMoveNano
		}
		return spoilNone
	}
	l.hmid = make([][]orb.Point, l.nx*(l.ny+1))
	l.hspoil = make([]uint8, len(l.hmid))
	for j := 0; j <= l.ny; j++ {
		for i := 0; i < l.nx; i++ {
			l.hmid[j*l.nx+i] = side(l.vertex(i, j), l.vertex(i+1, j))
			l.hspoil[j*l.nx+i] = spoil()
		}
	}
	l.vmid = make([][]orb.Point, (l.nx+1)*l.ny)
	l.vspoil = make([]uint8, len(l.vmid))
	for j := 0; j < l.ny; j++ {
		for i := 0; i <= l.nx; i++ {
			l.vmid[j*(l.nx+1)+i] = side(l.vertex(i, j), l.vertex(i, j+1))
			l.vspoil[j*(l.nx+1)+i] = spoil()
		}
	}
}

// wiggle returns the point at t along a→b moved sideways by up to 8% of the side's length.
func (l *lattice) wiggle(a, b orb.Point, t float64) orb.Point {
	dx, dy := b[0]-a[0], b[1]-a[1]
	off := 0.16 * (l.rng.Float64() - 0.5)
	return orb.Point{a[0] + t*dx - off*dy, a[1] + t*dy + off*dx}
}

// assign groups quads into grids by pattern, then pairs some single quads into multipolygons.
func (l *lattice) assign() {
	l.owner = make([]int32, l.nx*l.ny)
	for k := range l.owner {
		l.owner[k] = -1
	}
	free := func(i, j int) bool { return i < l.nx && j < l.ny && l.owner[j*l.nx+i] < 0 }
	next := int32(0)
	set := func(g int32, q ...[2]int) {
		for _, c := range q {
			l.owner[c[1]*l.nx+c[0]] = g
		}
	}
	single := map[int32][2]int{}
	for j := 0; j < l.ny; j++ {
		for i := 0; i < l.nx; i++ {
			if !free(i, j) {
				continue
			}
			r := l.rng.Float64()
			block := func(w, h int) bool {
				for b := 0; b < h; b++ {
					for a := 0; a < w; a++ {
						if !free(i+a, j+b) {
							return false
						}
					}
				}
				return true
			}
			switch {
			case r < 0.05 && block(3, 3):
				set(next, [2]int{i, j}, [2]int{i + 1, j}, [2]int{i + 2, j}, [2]int{i, j + 1}, [2]int{i + 2, j + 1},
					[2]int{i, j + 2}, [2]int{i + 1, j + 2}, [2]int{i + 2, j + 2})
				set(next+1, [2]int{i + 1, j + 1})
				next += 2
			case r < 0.25 && block(2, 2):
				set(next, [2]int{i, j}, [2]int{i + 1, j}, [2]int{i, j + 1}, [2]int{i + 1, j + 1})
				next++
			case r < 0.45 && block(2, 2):
				q := [][2]int{{i, j}, {i + 1, j}, {i, j + 1}, {i + 1, j + 1}}
				skip := 1 + l.rng.IntN(3) // never the first quad, which is (i, j)
				q = append(q[:skip], q[skip+1:]...)
				set(next, q...)
				next++
			case r < 0.62 && free(i+1, j):
				set(next, [2]int{i, j}, [2]int{i + 1, j})
				next++
			case r < 0.78 && free(i, j+1):
				set(next, [2]int{i, j}, [2]int{i, j + 1})
				next++
			default:
				set(next, [2]int{i, j})
				single[next] = [2]int{i, j}
				next++
			}
		}
	}
	// Multipolygons: a single quad takes over another single quad two columns to its east.
	for j := 0; j < l.ny; j++ {
		for i := 0; i+2 < l.nx; i++ {
			a, b := l.owner[j*l.nx+i], l.owner[j*l.nx+i+2]
			_, sa := single[a]
			_, sb := single[b]
			if sa && sb && a != b && l.rng.Float64() < 0.6 {
				l.owner[j*l.nx+i+2] = a
				delete(single, a)
				delete(single, b)
			}
		}
	}
}

// dirEdge is one lattice side walked forward (west→east or south→north) or backward.
type dirEdge struct {
	vert     bool
	i, j     int
	forward  bool
	from, to int // vertex ids
}

// grids traces each grid's boundary and builds its geometry and codes.
func (l *lattice) grids() []gridmap.Grid {
	quads := map[int32][][2]int{}
	var order []int32
	for j := 0; j < l.ny; j++ {
		for i := 0; i < l.nx; i++ {
			g := l.owner[j*l.nx+i]
			if _, ok := quads[g]; !ok {
				order = append(order, g)
			}
			quads[g] = append(quads[g], [2]int{i, j})
		}
	}
	out := make([]gridmap.Grid, 0, len(order))
	for k, g := range order {
		mp := l.geometry(g, quads[g])
		community := k / 100
		street := community/50 + 1
		code := fmt.Sprintf("350181%03d%03d%03d", street, community%50+1, k%100+1)
		out = append(out, gridmap.Grid{
			Code:          code,
			Name:          fmt.Sprintf("测试网格%d", k+1),
			CommunityCode: code[:12],
			StreetCode:    code[:9],
			Geometry:      mp,
			Households:    100 + k%400,
			Population:    300 + k%1000,
		})
	}
	return out
}

func (l *lattice) owns(g int32, i, j int) bool {
	return i >= 0 && j >= 0 && i < l.nx && j < l.ny && l.owner[j*l.nx+i] == g
}

func (l *lattice) geometry(g int32, qs [][2]int) orb.MultiPolygon {
	var edges []dirEdge
	for _, q := range qs {
		i, j := q[0], q[1]
		if !l.owns(g, i, j-1) {
			edges = append(edges, dirEdge{false, i, j, true, l.vid(i, j), l.vid(i+1, j)})
		}
		if !l.owns(g, i+1, j) {
			edges = append(edges, dirEdge{true, i + 1, j, true, l.vid(i+1, j), l.vid(i+1, j+1)})
		}
		if !l.owns(g, i, j+1) {
			edges = append(edges, dirEdge{false, i, j + 1, false, l.vid(i+1, j+1), l.vid(i, j+1)})
		}
		if !l.owns(g, i-1, j) {
			edges = append(edges, dirEdge{true, i, j, false, l.vid(i, j+1), l.vid(i, j)})
		}
	}
	from := make(map[int]int, len(edges))
	for k, e := range edges {
		from[e.from] = k
	}
	used := make([]bool, len(edges))
	var shells, holes []orb.Ring
	for k := range edges {
		if used[k] {
			continue
		}
		var r orb.Ring
		for e := k; !used[e]; e = from[edges[e].to] {
			used[e] = true
			r = append(r, l.walk(edges[e], g)...)
		}
		r = append(r, r[0])
		if planar.Area(r) > 0 {
			shells = append(shells, r)
		} else {
			holes = append(holes, r)
		}
	}
	mp := make(orb.MultiPolygon, len(shells))
	for k, s := range shells {
		mp[k] = orb.Polygon{s}
	}
	for _, h := range holes {
		for k, s := range shells {
			if planar.RingContains(s, h[0]) {
				mp[k] = append(mp[k], h)
				break
			}
		}
	}
	return mp
}

// walk returns the points of a side from its start vertex up to (not including) its end,
// spoiled if this grid is the one the side's spoiling is meant for.
func (l *lattice) walk(e dirEdge, g int32) []orb.Point {
	var mid []orb.Point
	var spoil uint8
	var other int32 = -1
	if e.vert {
		k := e.j*(l.nx+1) + e.i
		mid, spoil = l.vmid[k], l.vspoil[k]
		if e.forward {
			if e.i < l.nx {
				other = l.owner[e.j*l.nx+e.i]
			}
		} else if e.i > 0 {
			other = l.owner[e.j*l.nx+e.i-1]
		}
	} else {
		k := e.j*l.nx + e.i
		mid, spoil = l.hmid[k], l.hspoil[k]
		if e.forward {
			if e.j > 0 {
				other = l.owner[(e.j-1)*l.nx+e.i]
			}
		} else if e.j < l.ny {
			other = l.owner[e.j*l.nx+e.i]
		}
	}
	a := orb.Point{l.vx[e.from], l.vy[e.from]}
	b := orb.Point{l.vx[e.to], l.vy[e.to]}
	pts := []orb.Point{a}
	if e.forward {
		pts = append(pts, mid...)
	} else {
		for k := len(mid) - 1; k >= 0; k-- {
			pts = append(pts, mid[k])
		}
	}
	pts = append(pts, b)
	// Only the forward walker of a side shared with another grid gets the spoiling.
	if e.forward && other >= 0 && other != g && spoil != spoilNone {
		pts = spoilSide(pts, spoil, e.i+e.j)
	}
	return pts[:len(pts)-1]
}

// spoilSide applies one kind of spoiling to the points of a side (ends included).
func spoilSide(pts []orb.Point, kind uint8, salt int) []orb.Point {
	sign := 1.0
	if salt%2 == 1 {
		sign = -1
	}
	seg := salt % (len(pts) - 1)
	a, b := pts[seg], pts[seg+1]
	mid := orb.Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}
	dx, dy := b[0]-a[0], b[1]-a[1]
	l := math.Hypot(dx, dy)
	nx, ny := -dy/l, dx/l
	insert := func(p orb.Point) []orb.Point {
		out := make([]orb.Point, 0, len(pts)+1)
		out = append(out, pts[:seg+1]...)
		out = append(out, p)
		return append(out, pts[seg+1:]...)
	}
	switch kind {
	case spoilMidpoint:
		return insert(mid)
	case spoilNano:
		return insert(orb.Point{mid[0] + sign*1e-9*nx, mid[1] + sign*1e-9*ny})
	case spoilSliver:
		return insert(orb.Point{mid[0] + sign*3e-6*nx, mid[1] + sign*3e-6*ny})
	case spoilMoveNano:
		if len(pts) > 2 {
			k := 1 + salt%(len(pts)-2)
			out := append([]orb.Point(nil), pts...)
			out[k] = orb.Point{out[k][0] + sign*1e-9, out[k][1] - sign*1e-9}
			return out
		}
		return insert(orb.Point{mid[0] - sign*1e-9*nx, mid[1] - sign*1e-9*ny})
	}
	return pts
}

// Points returns n test points for grids, from seed: uniform ones over the extent and a
// margin around it, points up to some 350 m outside the extent's edges, exact vertices, points interpolated along edges (on them up to rounding),
// points 1e-9° and 1e-13° either side of edge midpoints, points one ulp from vertices, and
// points inside holes.
func Points(seed int64, grids []gridmap.Grid, n int) []orb.Point {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x706f696e7473))
	var ext orb.Bound
	var holes []orb.Ring
	for k, g := range grids {
		b := g.Geometry.Bound()
		if k == 0 {
			ext = b
		} else {
			ext = ext.Union(b)
		}
		for _, p := range g.Geometry {
			holes = append(holes, p[1:]...)
		}
	}
	if len(grids) == 0 {
		return nil
	}
	mx, my := (ext.Max[0]-ext.Min[0])*0.03+0.003, (ext.Max[1]-ext.Min[1])*0.03+0.003
	segment := func() (orb.Point, orb.Point) {
		mp := grids[rng.IntN(len(grids))].Geometry
		poly := mp[rng.IntN(len(mp))]
		r := poly[rng.IntN(len(poly))]
		k := rng.IntN(len(r) - 1)
		return r[k], r[k+1]
	}
	pts := make([]orb.Point, 0, n)
	for len(pts) < n {
		switch c := rng.IntN(21); {
		case c == 20: // just outside the tiling, up to some 350 m away
			t, d := rng.Float64(), rng.Float64()*0.0035
			switch rng.IntN(4) {
			case 0:
				pts = append(pts, orb.Point{ext.Min[0] - d, ext.Min[1] + t*(ext.Max[1]-ext.Min[1])})
			case 1:
				pts = append(pts, orb.Point{ext.Max[0] + d, ext.Min[1] + t*(ext.Max[1]-ext.Min[1])})
			case 2:
				pts = append(pts, orb.Point{ext.Min[0] + t*(ext.Max[0]-ext.Min[0]), ext.Min[1] - d})
			default:
				pts = append(pts, orb.Point{ext.Min[0] + t*(ext.Max[0]-ext.Min[0]), ext.Max[1] + d})
			}
		case c < 4: // uniform, some outside every grid
			pts = append(pts, orb.Point{
				ext.Min[0] - mx + rng.Float64()*(ext.Max[0]-ext.Min[0]+2*mx),
				ext.Min[1] - my + rng.Float64()*(ext.Max[1]-ext.Min[1]+2*my)})
		case c < 7: // vertices
			a, _ := segment()
			pts = append(pts, a)
		case c < 12: // on edges, up to rounding
			a, b := segment()
			t := rng.Float64()
			if rng.IntN(4) == 0 {
				t = 0.5
			}
			pts = append(pts, orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])})
		case c < 16: // just inside and just outside
			a, b := segment()
			d := 1e-9
			if rng.IntN(2) == 0 {
				d = 1e-13
			}
			if rng.IntN(2) == 0 {
				d = -d
			}
			dx, dy := b[0]-a[0], b[1]-a[1]
			l := math.Hypot(dx, dy)
			t := 0.05 + 0.9*rng.Float64()
			pts = append(pts, orb.Point{a[0] + t*dx - d*dy/l, a[1] + t*dy + d*dx/l})
		case c < 18: // one ulp from a vertex
			a, _ := segment()
			dirs := [3]float64{math.Inf(-1), 0, math.Inf(1)}
			x, y := a[0], a[1]
			if d := dirs[rng.IntN(3)]; d != 0 {
				x = math.Nextafter(x, d)
			}
			if d := dirs[rng.IntN(3)]; d != 0 {
				y = math.Nextafter(y, d)
			}
			pts = append(pts, orb.Point{x, y})
		default: // in holes
			if len(holes) == 0 {
				continue
			}
			h := holes[rng.IntN(len(holes))]
			b := h.Bound()
			for try := 0; try < 20; try++ {
				p := orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
				if planar.RingContains(h, p) {
					pts = append(pts, p)
					break
				}
			}
		}
	}
	return pts
}
