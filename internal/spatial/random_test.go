package spatial

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/spatial/spatialtest"
)

// TestRandomAgainstBruteForce checks the cell index against the brute-force reference (every
// grid classified PostGIS's way, the boundary rule by exact arithmetic) on generated grids and
// points, with several cell resolutions so that edges fall on cell borders in many ways.
func TestRandomAgainstBruteForce(t *testing.T) {
	seed := testSeed(t)
	grids := spatialtest.Grids(seed, 1500)
	pts := spatialtest.Points(seed+1, grids, 30000)
	for _, cpg := range []float64{3, 24, 200} {
		s, err := Build(grids, Options{CellsPerGrid: cpg})
		if err != nil {
			t.Fatal(err)
		}
		out := make([]Result, len(pts))
		s.LocateBatch(pts, out)
		bad := 0
		for k, p := range pts {
			v := bruteVerdict(s, p)
			want := bruteOwner(s, v, p)
			got := s.Locate(p[0], p[1])
			if out[k] != got {
				t.Errorf("cells/grid %v: point %d %v: LocateBatch %+v, Locate %+v", cpg, k, p, out[k], got)
			}
			gotGrid := -1
			if got.Method == "contains" {
				gotGrid = got.Grid
			}
			if gotGrid != want {
				bad++
				if bad <= 10 {
					t.Errorf("cells/grid %v: point %d %v: index says %+v, reference %d (contains %v, intersects %v)",
						cpg, k, orb.Point(p), got, want, v.contains, v.intersects)
				}
			}
		}
		if bad > 0 {
			t.Errorf("cells/grid %v: %d of %d points disagree", cpg, bad, len(pts))
		}
	}
}

// TestGeneratedSetIsMessy makes sure the generated grids and points exercise what they are
// meant to: boundaries, overlaps, gaps, holes and multipolygons.
func TestGeneratedSetIsMessy(t *testing.T) {
	seed := testSeed(t)
	grids := spatialtest.Grids(seed, 2000)
	s, err := Build(grids, Options{})
	if err != nil {
		t.Fatal(err)
	}
	holes, multi := 0, 0
	for _, g := range grids {
		if len(g.Geometry) > 1 {
			multi++
		}
		for _, p := range g.Geometry {
			holes += len(p) - 1
		}
	}
	var one, several, boundary, none int
	for _, p := range spatialtest.Points(seed, grids, 20000) {
		v := bruteVerdict(s, p)
		switch {
		case len(v.contains) == 1:
			one++
		case len(v.contains) > 1:
			several++
		case len(v.intersects) > 0:
			boundary++
		default:
			none++
		}
	}
	t.Logf("%d grids: %d with holes, %d multipolygons; points: %d in one grid, %d in overlaps, %d on boundaries only, %d outside",
		len(grids), holes, multi, one, several, boundary, none)
	if holes == 0 || multi == 0 || several == 0 || boundary == 0 || none == 0 || one == 0 {
		t.Errorf("generated set lacks a kind of case")
	}
}

// TestCrowdedCell checks the path for cells crossed by more than 64 grids: 80 strips, each a
// 1/80 of a unit wide, in one cell of a lattice made coarse by a large grid far away.
func TestCrowdedCell(t *testing.T) {
	var grids []gridmap.Grid
	for k := 0; k < 80; k++ {
		x0, x1 := float64(k)/80, float64(k+1)/80
		grids = append(grids, grid(fmt.Sprintf("S%03d", k), orb.Polygon{rect(x0, 0, x1, 1)}))
	}
	grids = append(grids, grid("Z", orb.Polygon{rect(90, 90, 100, 100)}))
	s, err := Build(grids, Options{CellsPerGrid: 1})
	if err != nil {
		t.Fatal(err)
	}
	if w, a := s.cellWord(pt(0.5, 0.5)[0], pt(0.5, 0.5)[1]); w&cellBlock == 0 || a[w&^cellBlock]&blockOverflow == 0 {
		t.Fatalf("the strips' cell is no overflow block (word %#x)", w)
	}
	rng := rand.New(rand.NewPCG(uint64(testSeed(t)), 5))
	for i := 0; i < 5000; i++ {
		p := pt(rng.Float64()*1.2-0.1, rng.Float64()*1.2-0.1)
		if i%2 == 0 {
			p = pt(float64(rng.IntN(81))/80, float64(rng.IntN(5))/4) // on strip edges and corners
		}
		r := s.Locate(p[0], p[1])
		want := bruteOwner(s, bruteVerdict(s, p), p)
		got := -1
		if r.Method == gridmap.MethodContains {
			got = r.Grid
		}
		if got != want {
			t.Fatalf("%v: located %+v, reference %d", p, r, want)
		}
	}
}
