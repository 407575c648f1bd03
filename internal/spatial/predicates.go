package spatial

import "math"

// This file holds the two orientation predicates the index is built on.
//
// pgSide is PostGIS's own side test, written exactly as PostGIS 3.3 (determineSide) and 3.4+
// (itree_segment_side) write it, in IEEE double arithmetic, so that the index classifies points
// the way ST_Contains and ST_Intersects do, including the points PostGIS calls "on the boundary"
// only because the determinant rounded to zero.
//
// orient is the exact sign of the same determinant: a float fast path with Shewchuk's error
// bound, and an exact fallback on floating-point expansions (no allocation). It decides what
// PostGIS does not: which grid owns a boundary point.

// ccwErrBound is Shewchuk's ccwerrboundA, (3 + 16ε)ε with ε = 2⁻⁵³: if the float determinant
// exceeds ccwErrBound·(|detleft| + |detright|) in magnitude, its sign is the exact sign.
const ccwErrBound = (3.0 + 16.0*0x1p-53) * 0x1p-53

// pgSide returns PostGIS's side determinant of point (px, py) against the segment from
// (x1, y1) to (x2, y2): positive on the left, negative on the right, zero on the line. The
// explicit conversions keep the compiler from fusing a multiply and a subtract into one
// rounding, which would change the result bit for bit.
func pgSide(x1, y1, x2, y2, px, py float64) float64 {
	return float64((x2-x1)*(py-y1)) - float64((px-x1)*(y2-y1))
}

// orient returns the exact sign (+1 left, -1 right, 0 collinear) of point (px, py) against the
// directed line from (ax, ay) to (bx, by).
func orient(ax, ay, bx, by, px, py float64) int {
	l := float64((bx - ax) * (py - ay))
	r := float64((px - ax) * (by - ay))
	d := l - r
	bound := ccwErrBound * (math.Abs(l) + math.Abs(r))
	if d > bound {
		return 1
	}
	if -d > bound {
		return -1
	}
	return orientExact(ax, ay, bx, by, px, py)
}

// twoSum returns s = fl(a+b) and the rounding error e, so that a+b = s+e exactly (Knuth).
func twoSum(a, b float64) (s, e float64) {
	s = a + b
	bv := s - a
	av := s - bv
	e = (a - av) + (b - bv)
	return s, e
}

// twoDiff returns d = fl(a-b) and the rounding error e, so that a-b = d+e exactly.
func twoDiff(a, b float64) (d, e float64) {
	d = a - b
	bv := a - d
	av := d + bv
	e = (a - av) + (bv - b)
	return d, e
}

// twoProd returns p = fl(a·b) and the rounding error e, so that a·b = p+e exactly (barring
// underflow, which longitude/latitude differences never reach).
func twoProd(a, b float64) (p, e float64) {
	p = a * b
	e = math.FMA(a, b, -p)
	return p, e
}

// orientExact computes the sign of (bx-ax)(py-ay) - (px-ax)(by-ay) exactly: each difference is
// split into an exact two-term expansion, the products into sixteen exact terms, and the terms
// are summed into a nonoverlapping expansion (Shewchuk's grow-expansion with zero
// elimination), whose sign is the sign of its largest component.
func orientExact(ax, ay, bx, by, px, py float64) int {
	var terms [16]float64
	x1, x1e := twoDiff(bx, ax)
	y1, y1e := twoDiff(py, ay)
	x2, x2e := twoDiff(px, ax)
	y2, y2e := twoDiff(by, ay)
	n := 0
	add := func(a, b float64, neg bool) {
		p, e := twoProd(a, b)
		if neg {
			p, e = -p, -e
		}
		terms[n], terms[n+1] = p, e
		n += 2
	}
	add(x1, y1, false)
	add(x1, y1e, false)
	add(x1e, y1, false)
	add(x1e, y1e, false)
	add(x2, y2, true)
	add(x2, y2e, true)
	add(x2e, y2, true)
	add(x2e, y2e, true)

	var exp [17]float64
	m := 0
	for _, t := range terms {
		if t == 0 {
			continue
		}
		q := t
		k := 0
		for i := 0; i < m; i++ {
			var h float64
			q, h = twoSum(q, exp[i])
			if h != 0 {
				exp[k] = h
				k++
			}
		}
		if q != 0 {
			exp[k] = q
			k++
		}
		m = k
	}
	if m == 0 {
		return 0
	}
	switch top := exp[m-1]; {
	case top > 0:
		return 1
	case top < 0:
		return -1
	}
	return 0
}
