package main

import (
	"sort"

	"github.com/paulmach/orb"
)

// layCommunities divides each street among its committees: urban communities in the part of
// the street nearest its town centre, villages around them. It returns each cell's community.
func (h *hierarchy) layCommunities(streetLab []int32, seed uint64) ([]int32, error) {
	l := h.lat
	r := newRNG(seed, "communities")
	w := newWarp(newRNG(seed, "community-warp"), 160, 1600)
	lab := make([]int32, len(streetLab))
	for c := range lab {
		lab[c] = -1
	}
	for s, cells := range cellsByLabel(streetLab, len(h.streets)) {
		points := warped(l, cells, w)
		ids, seeds, targets := h.seedCommunities(r, s, points, w.apply(orb.Point{}))
		for k, v := range partition(points, seeds, targets, 80, 0.4) {
			lab[cells[k]] = int32(ids[v])
		}
	}
	parent := make([]int32, len(h.communities))
	for i, c := range h.communities {
		parent[i] = int32(c.street)
	}
	if err := tidy(l, lab, parent, len(h.communities)); err != nil {
		return nil, err
	}
	return lab, nil
}

// seedCommunities places a seed for each committee of street s, whose cells lie at points:
// urban communities spread over the cells nearest the street's town centre (its own town, or the
// point nearest the city centre at centre), as many cells as they plan to cover; villages spread
// over the rest. It scales the committees' targets to the street's cells and returns the
// committees in seed order, with their seeds and targets.
func (h *hierarchy) seedCommunities(r *rng, s int, points []orb.Point, centre orb.Point) ([]int, []orb.Point, []float64) {
	node := points[nearest(points, centre)]
	if streetLayouts[s].OwnTown {
		node = meanPoint(points)
	}
	order := make([]int, len(points))
	for k := range order {
		order[k] = k
	}
	sort.SliceStable(order, func(a, b int) bool { return dist(points[order[a]], node) < dist(points[order[b]], node) })
	var urban, outer []int
	total, urbanTotal := 0.0, 0.0
	for i, c := range h.communities {
		if c.street != s {
			continue
		}
		total += c.target
		if c.class == classUrban {
			urban = append(urban, i)
			urbanTotal += c.target
		} else {
			outer = append(outer, i)
		}
	}
	scale := float64(len(points)) / total
	split := int(urbanTotal * scale)
	zone := func(ks []int) []orb.Point {
		out := make([]orb.Point, len(ks))
		for i, k := range ks {
			out[i] = points[k]
		}
		return out
	}
	urbanSeeds := spreadSeeds(zone(order[:split]), nil, node, len(urban))
	outerSeeds := spreadSeeds(zone(order[split:]), urbanSeeds, node, len(outer))
	shuffle(r, urban)
	shuffle(r, outer)
	ids := append(urban, outer...)
	targets := make([]float64, len(ids))
	for k, m := range ids {
		h.communities[m].target *= scale
		targets[k] = h.communities[m].target
	}
	return ids, append(urbanSeeds, outerSeeds...), targets
}

func nearest(points []orb.Point, p orb.Point) int {
	best := 0
	for k, q := range points {
		if dist(q, p) < dist(points[best], p) {
			best = k
		}
	}
	return best
}

func shuffle[T any](r *rng, s []T) {
	for i := len(s) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		s[i], s[j] = s[j], s[i]
	}
}
