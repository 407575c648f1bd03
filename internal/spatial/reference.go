package spatial

import (
	"math"

	"github.com/paulmach/orb"
)

// status is PostGIS's verdict on a point against one grid.
type status uint8

const (
	statusExterior status = iota
	statusInterior        // ST_Contains is true
	statusBoundary        // ST_Intersects is true, ST_Contains false
)

// classifyPG decides a point against a whole (multi)polygon the way PostGIS's point-in-polygon
// short circuit does (point_in_multipolygon in 3.3, itree_point_in_multipolygon in 3.4+):
// Sunday's winding number per ring with pgSide, a zero side within the segment's bounding box
// meaning boundary, polygons in order, each exterior ring then its holes. The index uses it for
// the rare cells crossed by more than 64 grids, and the tests use it as the reference.
func classifyPG(mp orb.MultiPolygon, x, y float64) status {
	for _, poly := range mp {
		if len(poly) == 0 || len(poly[0]) == 0 {
			continue
		}
		switch ringPG(poly[0], x, y) {
		case statusBoundary:
			return statusBoundary
		case statusExterior:
			continue
		}
		inHole := false
		for _, hole := range poly[1:] {
			switch ringPG(hole, x, y) {
			case statusBoundary:
				return statusBoundary
			case statusInterior:
				inHole = true
			}
			if inHole {
				break
			}
		}
		if !inHole {
			return statusInterior
		}
	}
	return statusExterior
}

// ringPG is PostGIS's point-in-ring test on one ring (closed implicitly if it is not).
func ringPG(r orb.Ring, x, y float64) status {
	wn := 0
	n := len(r)
	for i := 0; i < n; i++ {
		s1 := r[i]
		var s2 orb.Point
		if i+1 < n {
			s2 = r[i+1]
		} else {
			if r[0] == r[n-1] {
				break
			}
			s2 = r[0]
		}
		if s1 == s2 {
			continue // zero-length segments are ignored
		}
		side := pgSide(s1[0], s1[1], s2[0], s2[1], x, y)
		if side == 0 && x >= math.Min(s1[0], s2[0]) && x <= math.Max(s1[0], s2[0]) &&
			y >= math.Min(s1[1], s2[1]) && y <= math.Max(s1[1], s2[1]) {
			return statusBoundary
		}
		if s1[1] <= y && y < s2[1] && side > 0 {
			wn++
		} else if s2[1] <= y && y < s1[1] && side < 0 {
			wn--
		}
	}
	if wn == 0 {
		return statusExterior
	}
	return statusInterior
}

// containsNudged reports, exactly, whether the (multi)polygon contains the point moved an
// infinitesimal step ε east and ε² north. The moved point lies on no edge, so the answer is
// always definite: this is the half-open crossing rule, an upward ray count in which each edge
// covers its lower end but not its upper end and a point on an edge counts as right of it.
func containsNudged(mp orb.MultiPolygon, x, y float64) bool {
	in := false
	forEachEdge(mp, func(ax, ay, bx, by float64) {
		if ay > by || (ay == by && ax > bx) {
			ax, ay, bx, by = bx, by, ax, ay
		}
		if ay <= y && y < by && orient(ax, ay, bx, by, x, y) > 0 {
			in = !in
		}
	})
	return in
}

// forEachEdge calls fn for every non-degenerate edge of every ring, closing open rings.
func forEachEdge(mp orb.MultiPolygon, fn func(ax, ay, bx, by float64)) {
	for _, poly := range mp {
		for _, r := range poly {
			n := len(r)
			for i := 0; i < n; i++ {
				a := r[i]
				var b orb.Point
				if i+1 < n {
					b = r[i+1]
				} else {
					if n == 0 || r[0] == r[n-1] {
						break
					}
					b = r[0]
				}
				if a == b {
					continue
				}
				fn(a[0], a[1], b[0], b[1])
			}
		}
	}
}
