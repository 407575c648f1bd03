package main

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// layGrids divides each community into grids of about its class's grid size.
func (h *hierarchy) layGrids(communityLab []int32, seed uint64) error {
	l := h.lat
	r := newRNG(seed, "grids")
	w := newWarp(newRNG(seed, "grid-warp"), 45, 700)
	h.lab = make([]int32, len(communityLab))
	for c := range h.lab {
		h.lab[c] = -1
	}
	var parent []int32
	for ci, cells := range cellsByLabel(communityLab, len(h.communities)) {
		if len(cells) == 0 {
			return fmt.Errorf("geodatagen: community %s has no cells", h.communities[ci].Code)
		}
		cp := &h.communities[ci]
		cp.grids = gridCount(cp, len(cells))
		points := warped(l, cells, w)
		seeds := spreadSeeds(points, nil, points[r.intn(len(points))], cp.grids)
		targets := make([]float64, cp.grids)
		total := 0.0
		for k := range targets {
			targets[k] = r.between(0.75, 1.25) // grids differ in size by up to a quarter
			total += targets[k]
		}
		for k := range targets {
			targets[k] *= float64(len(cells)) / total
		}
		first := len(h.grids)
		for range cp.grids {
			h.grids = append(h.grids, gridPlan{community: ci})
			parent = append(parent, int32(ci))
		}
		for k, v := range partition(points, seeds, targets, 50, 0.6) {
			h.lab[cells[k]] = int32(first) + v
		}
	}
	return tidy(l, h.lab, parent, len(h.grids))
}

// gridCount is how many grids a community of the given cells gets: as many as its class's grid
// size allows, at least two (four in town), exactly seven for 融东社区 and enough for 福百社区's
// five deliberation halls to sit in different grids with some to spare.
func gridCount(cp *communityPlan, cells int) int {
	n := max(2, int(math.Round(float64(cells)/classSizes[cp.class].grid)))
	if cp.class == classUrban {
		n = max(n, 4)
	}
	switch cp.Code {
	case rongdongCode:
		n = rongdongGrids
	case fubaiCode:
		n = max(n, fubaiMinGrids)
	}
	return n
}

// makeOddities carves the enclave and the two-part grid out of the largest village grids of
// their streets, each from a square block well inside the host grid so that the host keeps a
// ring of cells around it and nothing gets pinched.
func (h *hierarchy) makeOddities() error {
	host, block, err := h.blockIn(enclaveStreet, 6)
	if err != nil {
		return err
	}
	h.enclaveHost, h.enclave = host, len(h.grids)
	h.grids = append(h.grids, gridPlan{community: h.grids[host].community})
	h.communities[h.grids[host].community].grids++
	h.fillBlock(block, 4, int32(h.enclave))

	host, block, err = h.blockIn(exclaveStreet, 5)
	if err != nil {
		return err
	}
	var hostCells []int
	for c, g := range h.lab {
		if g == int32(host) {
			hostCells = append(hostCells, c)
		}
	}
	owner, ok := longestBorder(h.lat, h.lab, hostCells, int32(host), h.gridParents())
	if !ok {
		return fmt.Errorf("geodatagen: grid %d has no neighbour in its community", host)
	}
	h.exclaveHost, h.exclave = host, int(owner)
	h.fillBlock(block, 3, owner)
	return nil
}

// blockIn finds, in the largest village grid of the street, the size×size block of its cells
// nearest its centre; it returns the grid and the block's south-west cell.
func (h *hierarchy) blockIn(street string, size int) (int, int, error) {
	l := h.lat
	cellsOf := cellsByLabel(h.lab, len(h.grids))
	host := -1
	for g, gp := range h.grids {
		cp := h.communities[gp.community]
		if h.streets[cp.street].Code != street || cp.class != classVillage {
			continue
		}
		if host < 0 || len(cellsOf[g]) > len(cellsOf[host]) {
			host = g
		}
	}
	if host < 0 {
		return 0, 0, fmt.Errorf("geodatagen: street %s has no village grid", street)
	}
	centre := meanCentre(l, cellsOf[host])
	best, bestD := -1, math.Inf(1)
	for _, c := range cellsOf[host] {
		i, j := l.ij(c)
		if !h.uniform(i, j, size, int32(host)) {
			continue
		}
		mid := orb.Point{l.x0 + (float64(i)+float64(size)/2)*cellSize, l.y0 + (float64(j)+float64(size)/2)*cellSize}
		if d := dist(mid, centre); d < bestD {
			best, bestD = c, d
		}
	}
	if best < 0 {
		return 0, 0, fmt.Errorf("geodatagen: grid %d has no %d×%d block", host, size, size)
	}
	return host, best, nil
}

func (h *hierarchy) uniform(i, j, size int, g int32) bool {
	for dj := 0; dj < size; dj++ {
		for di := 0; di < size; di++ {
			if h.lat.label(h.lab, i+di, j+dj) != g {
				return false
			}
		}
	}
	return true
}

// fillBlock gives the inner inner×inner cells of the block at sw to grid g.
func (h *hierarchy) fillBlock(sw, inner int, g int32) {
	i0, j0 := h.lat.ij(sw)
	for dj := 1; dj <= inner; dj++ {
		for di := 1; di <= inner; di++ {
			h.lab[h.lat.cell(i0+di, j0+dj)] = g
		}
	}
}
