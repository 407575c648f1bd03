package main

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// layStreets draws the outline and divides it among the streets; it returns each cell's street.
// The central street takes the cells nearest the centre; the others share the rest as sectors,
// in order of bearing, each with as many cells as planned, the sectors turned so that their
// middles lie as near their bearings as they can. Both are measured in a warped plane, so the
// boundaries wander.
func (h *hierarchy) layStreets(seed uint64) ([]int32, error) {
	l := h.lat
	total := 0.0
	target := make([]float64, len(h.streets))
	for _, c := range h.communities {
		total += c.target
		target[c.street] += c.target
	}
	lab := outline(l, int(total))
	if err := tidyMask(l, lab); err != nil {
		return nil, err
	}
	var cells []int
	for c, v := range lab {
		if v == 0 {
			cells = append(cells, c)
		}
	}
	for s := range target {
		target[s] *= float64(len(cells)) / total
	}
	points := warped(l, cells, newWarp(newRNG(seed, "street-warp"), 520, 2800))
	for k, s := range streetSectors(points, target) {
		lab[cells[k]] = s
	}
	if err := tidy(l, lab, make([]int32, len(h.streets)), len(h.streets)); err != nil {
		return nil, err
	}
	return lab, nil
}

// streetSectors gives each point a street: the central street the target[s] points nearest the
// origin, the others sectors of the rest in order of bearing, target[s] points each.
func streetSectors(points []orb.Point, target []float64) []int32 {
	out := make([]int32, len(points))
	order := make([]int, len(points))
	for k := range order {
		order[k] = k
	}
	radius := func(k int) float64 { return math.Hypot(points[k][0], points[k][1]) }
	sort.SliceStable(order, func(a, b int) bool { return radius(order[a]) < radius(order[b]) })
	taken := 0
	var around []int // the streets around the centre
	for s, sl := range streetLayouts {
		if !sl.Centre {
			around = append(around, s)
			continue
		}
		n := int(target[s])
		for _, k := range order[taken : taken+n] {
			out[k] = int32(s)
		}
		taken += n
	}
	sort.SliceStable(around, func(a, b int) bool { return streetLayouts[around[a]].Bearing < streetLayouts[around[b]].Bearing })
	rest := order[taken:]
	bearing := func(k int) float64 { return math.Mod(math.Atan2(points[k][0], points[k][1])*180/math.Pi+360, 360) }
	sort.SliceStable(rest, func(a, b int) bool { return bearing(rest[a]) < bearing(rest[b]) })
	counts := make([]int, len(around))
	for i, s := range around {
		counts[i] = int(math.Round(target[s]))
	}
	counts[len(counts)-1] = len(rest) - sum(counts[:len(counts)-1])
	k := bestRotation(rest, counts, around, bearing)
	for i, s := range around {
		for n := 0; n < counts[i]; n++ {
			out[rest[k%len(rest)]] = int32(s)
			k++
		}
	}
	return out
}

// bestRotation returns where in rest (sorted by bearing) the first sector should start so that
// each sector's middle cell lies nearest, in the least-squares sense, to its street's bearing.
func bestRotation(rest, counts, streets []int, bearing func(int) float64) int {
	best, bestErr := 0, math.Inf(1)
	for first := 0; first < len(rest); first += max(1, len(rest)/720) {
		e, k := 0.0, first
		for i, s := range streets {
			mid := bearing(rest[(k+counts[i]/2)%len(rest)])
			d := math.Mod(mid-streetLayouts[s].Bearing+540, 360) - 180
			e += d * d
			k += counts[i]
		}
		if e < bestErr {
			best, bestErr = first, e
		}
	}
	return best
}

func sum(v []int) int {
	t := 0
	for _, x := range v {
		t += x
	}
	return t
}

// outline returns a mask of about n cells: the lobed disc, less the sea, scaled to fit.
func outline(l *lattice, n int) []int32 {
	lab := make([]int32, l.cells())
	var measures []float64
	for c := range lab {
		lab[c] = -1
		if p := l.centre(c); !inSea(p) {
			measures = append(measures, outlineMeasure(p))
		}
	}
	sort.Float64s(measures)
	limit := measures[min(n, len(measures)-1)]
	for c := range lab {
		if p := l.centre(c); !inSea(p) && outlineMeasure(p) < limit {
			lab[c] = 0
		}
	}
	return lab
}

func warped(l *lattice, cells []int, w warp) []orb.Point {
	out := make([]orb.Point, len(cells))
	for k, c := range cells {
		out[k] = w.apply(l.centre(c))
	}
	return out
}
