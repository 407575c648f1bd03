package main

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// geometry is the traced shape of every level of the hierarchy.
type geometry struct {
	grids, communities, streets []orb.MultiPolygon // WGS-84, rounded, as written
	gridsLocal                  []orb.MultiPolygon // local metres, for distances
	outline                     orb.Ring           // the dataset's outer boundary, local metres
	vertices                    int                // distinct lattice vertices written
}

// traceAll traces grids, communities, streets and the outline, and checks that each has the
// shape it must: streets and communities one polygon without holes, grids one polygon without
// holes except the deliberate oddities.
func traceAll(h *hierarchy) (*geometry, error) {
	l := h.lat
	keep := keptVertices(l, h.lab)
	g := &geometry{}
	for _, k := range keep {
		if k {
			g.vertices++
		}
	}
	levels := []struct {
		name string
		lab  []int32
		n    int
		out  *[]orb.MultiPolygon
	}{
		{"grid", h.lab, len(h.grids), &g.grids},
		{"community", h.levelLabels(levelCommunity), len(h.communities), &g.communities},
		{"street", h.levelLabels(levelStreet), len(h.streets), &g.streets},
	}
	for _, lv := range levels {
		polys, err := trace(l, lv.lab, lv.n, keep)
		if err != nil {
			return nil, err
		}
		for r, p := range polys {
			if err := h.checkShape(lv.name, r, p); err != nil {
				return nil, err
			}
			*lv.out = append(*lv.out, toMultiPolygon(l, p))
			if lv.name == "grid" {
				g.gridsLocal = append(g.gridsLocal, toLocalMultiPolygon(l, p))
			}
		}
	}
	mask := make([]int32, len(h.lab))
	for c, v := range h.lab {
		mask[c] = min(v, 0)
	}
	polys, err := trace(l, mask, 1, keep)
	if err != nil {
		return nil, err
	}
	if err := h.checkShape("outline", 0, polys[0]); err != nil {
		return nil, err
	}
	g.outline = toLocalMultiPolygon(l, polys[0])[0][0]
	return g, nil
}

// checkShape confirms the number of parts and holes of region r at the named level.
func (h *hierarchy) checkShape(level string, r int, polys []latticePolygon) error {
	wantParts, wantHoles := 1, 0
	if level == "grid" {
		switch r {
		case h.exclave:
			wantParts = 2
		case h.enclaveHost, h.exclaveHost:
			wantHoles = 1
		}
	}
	holes := 0
	for _, p := range polys {
		holes += len(p) - 1
	}
	if len(polys) != wantParts || holes != wantHoles {
		return fmt.Errorf("geodatagen: %s %d has %d parts and %d holes, want %d and %d", level, r, len(polys), holes, wantParts, wantHoles)
	}
	return nil
}

// strictlyInside reports whether p lies in mp and not on its boundary.
func strictlyInside(mp orb.MultiPolygon, p orb.Point) bool {
	if !planar.MultiPolygonContains(mp, p) {
		return false
	}
	return boundaryDistance(mp, p) > 0
}

// boundaryDistance is the planar distance from p to the nearest ring of mp, in mp's units.
func boundaryDistance(mp orb.MultiPolygon, p orb.Point) float64 {
	d := math.Inf(1)
	for _, poly := range mp {
		for _, ring := range poly {
			d = math.Min(d, ringDistance(ring, p))
		}
	}
	return d
}

func ringDistance(ring orb.Ring, p orb.Point) float64 {
	d := math.Inf(1)
	for k := 0; k+1 < len(ring); k++ {
		d = math.Min(d, planar.DistanceFromSegment(ring[k], ring[k+1], p))
	}
	return d
}

// locate returns the grid whose polygon holds the WGS-84 point p strictly inside, or -1. Vertices
// move less than a quarter cell, so the grid is one of those of the 3×3 cells around p.
func (d *dataset) locate(p orb.Point) int {
	l := d.h.lat
	c := l.cellAt(toLocal(p))
	if c < 0 {
		return -1
	}
	i, j := l.ij(c)
	for dj := -1; dj <= 1; dj++ {
		for di := -1; di <= 1; di++ {
			g := l.label(d.h.lab, i+di, j+dj)
			if g >= 0 && strictlyInside(d.geom.grids[g], p) {
				return int(g)
			}
		}
	}
	return -1
}

// outsideDistance returns how far, in metres, the local point p lies outside the dataset's outline,
// or a negative number if it lies inside.
func (d *dataset) outsideDistance(p orb.Point) float64 {
	dd := ringDistance(d.geom.outline, p)
	if planar.RingContains(d.geom.outline, p) {
		return -dd
	}
	return dd
}
