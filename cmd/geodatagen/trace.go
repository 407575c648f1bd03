package main

import (
	"fmt"
	"sort"

	"github.com/paulmach/orb"
)

// latticePolygon is a polygon as closed rings of lattice vertex ids: the exterior first, counter-
// clockwise, then its holes, clockwise (RFC 7946).
type latticePolygon [][]int

// keptVertices marks the lattice vertices that rings keep: corners and junctions of the finest
// partition (grids, with -1 outside). A vertex where a boundary runs straight through is dropped,
// and because every coarser boundary runs along grid boundaries, the same vertices are kept at
// every level: a street's ring has every vertex its grids have along it, so shared edges and
// unions are exact.
func keptVertices(l *lattice, lab []int32) []bool {
	keep := make([]bool, (l.w+1)*(l.h+1))
	for j := 0; j <= l.h; j++ {
		for i := 0; i <= l.w; i++ {
			nw, ne := l.label(lab, i-1, j), l.label(lab, i, j)
			sw, se := l.label(lab, i-1, j-1), l.label(lab, i, j-1)
			n, s, w, e := nw != ne, sw != se, nw != sw, ne != se
			straight := n && s && !w && !e || w && e && !n && !s
			keep[l.vertexID(i, j)] = (n || s || w || e) && !straight
		}
	}
	return keep
}

// trace returns the polygons of each of the n regions of lab. Boundary edges are collected with
// their region on the left, which makes exteriors counter-clockwise and holes clockwise; since no
// region is pinched, each vertex has exactly one outgoing edge per region and rings follow
// without choices.
func trace(l *lattice, lab []int32, n int, keep []bool) ([][]latticePolygon, error) {
	edges := make([][][2]int, n)
	for c, r := range lab {
		if r < 0 {
			continue
		}
		i, j := l.ij(c)
		v := func(di, dj int) int { return l.vertexID(i+di, j+dj) }
		if l.label(lab, i, j-1) != r {
			edges[r] = append(edges[r], [2]int{v(0, 0), v(1, 0)})
		}
		if l.label(lab, i+1, j) != r {
			edges[r] = append(edges[r], [2]int{v(1, 0), v(1, 1)})
		}
		if l.label(lab, i, j+1) != r {
			edges[r] = append(edges[r], [2]int{v(1, 1), v(0, 1)})
		}
		if l.label(lab, i-1, j) != r {
			edges[r] = append(edges[r], [2]int{v(0, 1), v(0, 0)})
		}
	}
	out := make([][]latticePolygon, n)
	for r := range edges {
		rings, err := linkRings(edges[r], keep)
		if err != nil {
			return nil, fmt.Errorf("geodatagen: region %d: %w", r, err)
		}
		if out[r], err = assemble(l, rings); err != nil {
			return nil, fmt.Errorf("geodatagen: region %d: %w", r, err)
		}
	}
	return out, nil
}

// linkRings joins directed edges into closed rings, each starting at its lowest vertex id (a
// corner, so always kept) and holding only kept vertices.
func linkRings(edges [][2]int, keep []bool) ([][]int, error) {
	next := make(map[int]int, len(edges))
	for _, e := range edges {
		if _, dup := next[e[0]]; dup {
			return nil, fmt.Errorf("pinched at vertex %d", e[0])
		}
		next[e[0]] = e[1]
	}
	used := make(map[int]bool, len(edges))
	var rings [][]int
	for _, e := range edges {
		if used[e[0]] {
			continue
		}
		var ring []int
		for v := e[0]; !used[v]; v = next[v] {
			used[v] = true
			ring = append(ring, v)
		}
		low := 0
		for k, v := range ring {
			if v < ring[low] {
				low = k
			}
		}
		ring = append(ring[low:], ring[:low]...)
		kept := ring[:0:0]
		for _, v := range ring {
			if keep[v] {
				kept = append(kept, v)
			}
		}
		if len(kept) < 4 {
			return nil, fmt.Errorf("ring at vertex %d has %d corners", ring[0], len(kept))
		}
		rings = append(rings, append(kept, kept[0]))
	}
	return rings, nil
}

// assemble sorts rings into polygons: each hole goes to the exterior that contains it.
func assemble(l *lattice, rings [][]int) ([]latticePolygon, error) {
	var polys []latticePolygon
	var holes [][]int
	for _, r := range rings {
		if latticeArea(l, r) > 0 {
			polys = append(polys, latticePolygon{r})
		} else {
			holes = append(holes, r)
		}
	}
	sort.Slice(polys, func(a, b int) bool { return polys[a][0][0] < polys[b][0][0] })
	sort.Slice(holes, func(a, b int) bool { return holes[a][0] < holes[b][0] })
	for _, h := range holes {
		found := false
		for p := range polys {
			if len(polys) == 1 || latticeRingContains(l, polys[p][0], h[0]) {
				polys[p] = append(polys[p], h)
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("hole at vertex %d lies in no exterior", h[0])
		}
	}
	return polys, nil
}

// latticeArea is twice the signed area of a closed ring in lattice units: positive when
// counter-clockwise.
func latticeArea(l *lattice, ring []int) int {
	a := 0
	for k := 0; k+1 < len(ring); k++ {
		x1, y1 := l.vertexIJ(ring[k])
		x2, y2 := l.vertexIJ(ring[k+1])
		a += x1*y2 - x2*y1
	}
	return a
}

// latticeRingContains reports whether vertex v lies inside the closed ring (v is never on it:
// rings of one region share no vertex). The ray is cast from v nudged by a quarter cell, which
// avoids passing through ring vertices.
func latticeRingContains(l *lattice, ring []int, v int) bool {
	vi, vj := l.vertexIJ(v)
	px, py := float64(vi)+0.25, float64(vj)+0.25
	in := false
	for k := 0; k+1 < len(ring); k++ {
		ai, aj := l.vertexIJ(ring[k])
		bi, bj := l.vertexIJ(ring[k+1])
		ax, ay, bx, by := float64(ai), float64(aj), float64(bi), float64(bj)
		if (ay > py) != (by > py) && px < ax+(py-ay)*(bx-ax)/(by-ay) {
			in = !in
		}
	}
	return in
}

// toMultiPolygon converts lattice polygons to WGS-84, rounded: each vertex id always gives the
// same coordinates, so shared edges are identical to the last digit.
func toMultiPolygon(l *lattice, polys []latticePolygon) orb.MultiPolygon {
	mp := make(orb.MultiPolygon, 0, len(polys))
	for _, p := range polys {
		poly := make(orb.Polygon, 0, len(p))
		for _, r := range p {
			ring := make(orb.Ring, len(r))
			for k, v := range r {
				ring[k] = toLonLat(l.vertex(v))
			}
			poly = append(poly, ring)
		}
		mp = append(mp, poly)
	}
	return mp
}

// toLocalMultiPolygon converts lattice polygons to local metres (jittered, not rounded), for
// distances.
func toLocalMultiPolygon(l *lattice, polys []latticePolygon) orb.MultiPolygon {
	mp := make(orb.MultiPolygon, 0, len(polys))
	for _, p := range polys {
		poly := make(orb.Polygon, 0, len(p))
		for _, r := range p {
			ring := make(orb.Ring, len(r))
			for k, v := range r {
				ring[k] = l.vertex(v)
			}
			poly = append(poly, ring)
		}
		mp = append(mp, poly)
	}
	return mp
}
