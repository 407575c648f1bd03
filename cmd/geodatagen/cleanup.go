package main

import (
	"fmt"
)

// A region of cells can be drawn as a valid polygon only if it is 4-connected and has no
// "pinch": a lattice vertex where two of its cells meet diagonally and the other two belong
// elsewhere, which would make its ring touch itself. tidy removes both, one level of the
// hierarchy at a time, moving cells only between regions with the same parent so that the
// levels above stay as they were.

// components returns the 4-connected components of the given cells (all carrying label r), the
// largest first; ties go to the component found first.
func components(l *lattice, lab []int32, r int32, cells []int, seen []int32, stamp int32) [][]int {
	var comps [][]int
	for _, start := range cells {
		if seen[start] == stamp {
			continue
		}
		seen[start] = stamp
		comp := []int{start}
		for q := 0; q < len(comp); q++ {
			i, j := l.ij(comp[q])
			for _, d := range [4][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
				ni, nj := i+d[0], j+d[1]
				if !l.inside(ni, nj) || lab[l.cell(ni, nj)] != r {
					continue
				}
				if n := l.cell(ni, nj); seen[n] != stamp {
					seen[n] = stamp
					comp = append(comp, n)
				}
			}
		}
		comps = append(comps, comp)
	}
	for i := 1; i < len(comps); i++ { // stable: keep discovery order among equals
		for j := i; j > 0 && len(comps[j]) > len(comps[j-1]); j-- {
			comps[j], comps[j-1] = comps[j-1], comps[j]
		}
	}
	return comps
}

// cellsByLabel lists the cells of each of n regions in cell order.
func cellsByLabel(lab []int32, n int) [][]int {
	out := make([][]int, n)
	for c, r := range lab {
		if r >= 0 {
			out[r] = append(out[r], c)
		}
	}
	return out
}

// tidy makes every one of the n regions of lab 4-connected and pinch-free. parent gives each
// region's parent; cells only move between regions of the same parent.
func tidy(l *lattice, lab []int32, parent []int32, n int) error {
	seen := make([]int32, len(lab))
	for round := int32(1); round <= 200; round++ {
		moved, err := mergeFragments(l, lab, parent, n, seen, round)
		if err != nil {
			return err
		}
		moved += removePinches(l, lab, parent, n)
		if moved == 0 {
			return nil
		}
	}
	return fmt.Errorf("geodatagen: regions did not settle after 200 rounds")
}

// mergeFragments gives every component but the largest of each region to the neighbouring
// region (same parent) it shares the longest border with.
func mergeFragments(l *lattice, lab []int32, parent []int32, n int, seen []int32, stamp int32) (int, error) {
	moved := 0
	for r, cells := range cellsByLabel(lab, n) {
		comps := components(l, lab, int32(r), cells, seen, stamp)
		for _, comp := range comps[min(1, len(comps)):] {
			to, ok := longestBorder(l, lab, comp, int32(r), parent)
			if !ok {
				return 0, fmt.Errorf("geodatagen: a fragment of region %d at cell %d has no neighbour to join", r, comp[0])
			}
			for _, c := range comp {
				lab[c] = to
			}
			moved += len(comp)
		}
	}
	return moved, nil
}

// longestBorder returns the region, other than r but with the same parent, that shares the most
// cell sides with comp; ties go to the lower label.
func longestBorder(l *lattice, lab []int32, comp []int, r int32, parent []int32) (int32, bool) {
	var labels []int32
	var counts []int
	for _, c := range comp {
		i, j := l.ij(c)
		for _, d := range [4][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
			o := l.label(lab, i+d[0], j+d[1])
			if o < 0 || o == r || parent[o] != parent[r] {
				continue
			}
			k := 0
			for k < len(labels) && labels[k] != o {
				k++
			}
			if k == len(labels) {
				labels, counts = append(labels, o), append(counts, 0)
			}
			counts[k]++
		}
	}
	best := -1
	for k := range labels {
		if best < 0 || counts[k] > counts[best] || counts[k] == counts[best] && labels[k] < labels[best] {
			best = k
		}
	}
	if best < 0 {
		return 0, false
	}
	return labels[best], true
}

// removePinches fills every pinch by handing one of the two other cells at the vertex to the
// pinched region: the one whose region (with the same parent) is larger and can spare it.
func removePinches(l *lattice, lab []int32, parent []int32, n int) int {
	size := make([]int, n)
	for _, r := range lab {
		if r >= 0 {
			size[r]++
		}
	}
	moved := 0
	for j := 1; j < l.h; j++ {
		for i := 1; i < l.w; i++ {
			nw, ne := l.cell(i-1, j), l.cell(i, j)
			sw, se := l.cell(i-1, j-1), l.cell(i, j-1)
			for _, q := range [2][4]int{{nw, se, ne, sw}, {ne, sw, nw, se}} {
				a, b, c := lab[q[0]], lab[q[2]], lab[q[3]]
				if a < 0 || lab[q[1]] != a || b == a || c == a {
					continue
				}
				target := -1
				for _, cand := range q[2:] {
					o := lab[cand]
					if o < 0 || parent[o] != parent[a] {
						continue
					}
					if target < 0 || size[o] > size[lab[target]] {
						target = cand
					}
				}
				if target < 0 {
					continue // a pinch of the parent level too, which that level removed
				}
				size[lab[target]]--
				size[a]++
				lab[target] = a
				moved++
			}
		}
	}
	return moved
}

// pinches counts the vertices at which a region of lab touches itself diagonally.
func pinches(l *lattice, lab []int32) int {
	count := 0
	for j := 1; j < l.h; j++ {
		for i := 1; i < l.w; i++ {
			nw, ne := lab[l.cell(i-1, j)], lab[l.cell(i, j)]
			sw, se := lab[l.cell(i-1, j-1)], lab[l.cell(i, j-1)]
			if nw == se && ne != nw && sw != nw || ne == sw && nw != ne && se != ne {
				count++
			}
		}
	}
	return count
}

// tidyMask makes the area of the dataset (label 0; -1 outside) one 4-connected region without
// holes or pinches, against the outside as well, so that the union of all streets is a single
// simple polygon.
func tidyMask(l *lattice, lab []int32) error {
	seen := make([]int32, len(lab))
	for round := int32(1); round <= 100; round++ {
		moved := 0
		var inside, outside []int
		for c, r := range lab {
			if r == 0 {
				inside = append(inside, c)
			} else {
				outside = append(outside, c)
			}
		}
		for _, comp := range components(l, lab, 0, inside, seen, 2*round)[1:] {
			for _, c := range comp {
				lab[c] = -1
			}
			moved += len(comp)
		}
		for _, comp := range components(l, lab, -1, outside, seen, 2*round+1) {
			if !touchesEdge(l, comp) {
				for _, c := range comp {
					lab[c] = 0
				}
				moved += len(comp)
			}
		}
		for j := 1; j < l.h; j++ {
			for i := 1; i < l.w; i++ {
				nw, ne := l.cell(i-1, j), l.cell(i, j)
				sw, se := l.cell(i-1, j-1), l.cell(i, j-1)
				if lab[nw] == lab[se] && lab[ne] == lab[sw] && lab[nw] != lab[ne] {
					lab[nw], lab[se], lab[ne], lab[sw] = 0, 0, 0, 0
					moved++
				}
			}
		}
		if moved == 0 {
			return nil
		}
	}
	return fmt.Errorf("geodatagen: the dataset outline did not settle")
}

func touchesEdge(l *lattice, comp []int) bool {
	for _, c := range comp {
		if i, j := l.ij(c); i == 0 || j == 0 || i == l.w-1 || j == l.h-1 {
			return true
		}
	}
	return false
}
