package main

import (
	"strings"
	"testing"
)

// latticeFrom builds a lattice and labels from a picture, north row first: '.' is outside, 'a'
// region 0, 'b' region 1 and so on.
func latticeFrom(picture string) (*lattice, []int32, int) {
	rows := strings.Fields(picture)
	l := newLattice(0, 0, float64(len(rows[0]))*cellSize, float64(len(rows))*cellSize, 1)
	lab := make([]int32, l.cells())
	n := 0
	for r, row := range rows {
		for i, ch := range row {
			c := l.cell(i, len(rows)-1-r)
			lab[c] = -1
			if ch != '.' {
				lab[c] = int32(ch - 'a')
				n = max(n, int(ch-'a')+1)
			}
		}
	}
	return l, lab, n
}

func TestTrace(t *testing.T) {
	type shape struct{ parts, holes, vertices int } // vertices: distinct, summed over rings
	tests := []struct {
		name    string
		picture string
		want    []shape // per region
		wantErr bool
	}{
		{"single cell", "a", []shape{{1, 0, 4}}, false},
		{"straight run keeps only corners", "aaaa", []shape{{1, 0, 4}}, false},
		{"L shape", "a. aa", []shape{{1, 0, 6}}, false},
		{"hole filled by another region", "aaa aba aaa", []shape{{1, 1, 8}, {1, 0, 4}}, false},
		{"two parts", "a.a", []shape{{2, 0, 8}}, false},
		{"junction kept on a straight edge", "ab cc", []shape{{1, 0, 4}, {1, 0, 4}, {1, 0, 5}}, false},
		{"pinch is refused", "a. .a", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, lab, n := latticeFrom(tt.picture)
			polys, err := trace(l, lab, n, keptVertices(l, lab))
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			for r, want := range tt.want {
				got := shape{parts: len(polys[r])}
				for _, p := range polys[r] {
					got.holes += len(p) - 1
					for k, ring := range p {
						got.vertices += len(ring) - 1
						if ring[0] != ring[len(ring)-1] {
							t.Errorf("region %d: ring not closed", r)
						}
						if area := latticeArea(l, ring); k == 0 && area <= 0 || k > 0 && area >= 0 {
							t.Errorf("region %d ring %d: signed area %d: exteriors must run counter-clockwise, holes clockwise", r, k, area)
						}
					}
				}
				if got != want {
					t.Errorf("region %d: %+v, want %+v", r, got, want)
				}
			}
		})
	}
}

func TestTidy(t *testing.T) {
	tests := []struct {
		name    string
		picture string
		parent  []int32
	}{
		{"checkerboard pinch", "ab ba", []int32{0, 0}},
		{"fragment", "aab bab bbb", []int32{0, 0}},
		{"cells stay with their parent", "cab cba ccc", []int32{0, 0, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, lab, n := latticeFrom(tt.picture)
			before := append([]int32(nil), lab...)
			if err := tidy(l, lab, tt.parent, n); err != nil {
				t.Fatal(err)
			}
			seen := make([]int32, len(lab))
			for r, cells := range cellsByLabel(lab, n) {
				if comps := components(l, lab, int32(r), cells, seen, int32(r+1)); len(comps) > 1 {
					t.Errorf("region %d has %d components", r, len(comps))
				}
			}
			for c := range lab {
				if tt.parent[lab[c]] != tt.parent[before[c]] {
					t.Errorf("cell %d moved from parent %d to %d", c, tt.parent[before[c]], tt.parent[lab[c]])
				}
			}
			same := func(a, b int32) bool { return tt.parent[a] == tt.parent[b] }
			for j := 1; j < l.h; j++ {
				for i := 1; i < l.w; i++ {
					nw, ne, sw, se := lab[l.cell(i-1, j)], lab[l.cell(i, j)], lab[l.cell(i-1, j-1)], lab[l.cell(i, j-1)]
					if nw == se && ne != nw && sw != nw && (same(nw, ne) || same(nw, sw)) {
						t.Errorf("pinch of region %d left at vertex (%d, %d)", nw, i, j)
					}
				}
			}
		})
	}
}

func TestTidyMask(t *testing.T) {
	l, lab, _ := latticeFrom(`
		.......
		.aaaa..
		.a..a.a
		.aaaa..
		...a...
		....a..
		.......`)
	if err := tidyMask(l, lab); err != nil {
		t.Fatal(err)
	}
	polys, err := trace(l, lab, 1, keptVertices(l, lab))
	if err != nil {
		t.Fatal(err)
	}
	if len(polys[0]) != 1 || len(polys[0][0]) != 1 {
		t.Errorf("outline has %d parts and %d rings, want one polygon without holes", len(polys[0]), len(polys[0][0]))
	}
}
