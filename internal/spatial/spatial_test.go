package spatial

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// Coordinates of the hand-made cases: a unit of 1/1024° (about 100 m) from a base near Fuqing,
// all exactly representable so that "on the edge" means exactly on it.
const (
	baseX = 119.375
	baseY = 25.6875
	unit  = 1.0 / 1024
)

func pt(x, y float64) orb.Point { return orb.Point{baseX + x*unit, baseY + y*unit} }

// rect is the rectangle [x0,x1]×[y0,y1] in units, counter-clockwise.
func rect(x0, y0, x1, y1 float64) orb.Ring {
	return orb.Ring{pt(x0, y0), pt(x1, y0), pt(x1, y1), pt(x0, y1), pt(x0, y0)}
}

func grid(code string, polys ...orb.Polygon) gridmap.Grid {
	return gridmap.Grid{Code: code, Name: code, Geometry: orb.MultiPolygon(polys)}
}

// TestBoundaryRule pins down who owns points on edges and vertices.
func TestBoundaryRule(t *testing.T) {
	sq := func(code string, x0, y0, x1, y1 float64) gridmap.Grid {
		return grid(code, orb.Polygon{rect(x0, y0, x1, y1)})
	}
	hole := rect(1, 1, 2, 2)
	hole.Reverse()
	cases := []struct {
		name  string
		grids []gridmap.Grid
		p     orb.Point
		want  string // code, or "" for no grid
	}{
		{"shared vertical edge goes east", []gridmap.Grid{sq("A", 0, 0, 1, 1), sq("B", 1, 0, 2, 1)}, pt(1, 0.5), "B"},
		{"shared horizontal edge goes north", []gridmap.Grid{sq("A", 0, 0, 1, 1), sq("B", 0, 1, 1, 2)}, pt(0.5, 1), "B"},
		{"vertex of four grids goes north-east", []gridmap.Grid{sq("A", 0, 0, 1, 1), sq("B", 1, 0, 2, 1), sq("C", 0, 1, 1, 2), sq("D", 1, 1, 2, 2)}, pt(1, 1), "D"},
		{"vertex of four grids, north-east listed first", []gridmap.Grid{sq("D", 0, 0, 1, 1), sq("C", 1, 0, 2, 1), sq("B", 0, 1, 1, 2), sq("A", 1, 1, 2, 2)}, pt(1, 1), "A"},
		{"diagonal edge goes to its east side", []gridmap.Grid{
			grid("A", orb.Polygon{{pt(0, 0), pt(1, 0), pt(1, 1), pt(0, 0)}}),
			grid("B", orb.Polygon{{pt(0, 0), pt(1, 1), pt(0, 1), pt(0, 0)}})}, pt(0.5, 0.5), "A"},
		{"anti-diagonal edge goes to its east side", []gridmap.Grid{
			grid("A", orb.Polygon{{pt(0, 0), pt(1, 0), pt(0, 1), pt(0, 0)}}),
			grid("B", orb.Polygon{{pt(1, 0), pt(1, 1), pt(0, 1), pt(1, 0)}})}, pt(0.5, 0.5), "B"},
		{"hole's west edge goes to the grid in the hole", []gridmap.Grid{grid("A", orb.Polygon{rect(0, 0, 3, 3), hole}), sq("H", 1, 1, 2, 2)}, pt(1, 1.5), "H"},
		{"hole's east edge goes to the grid around it", []gridmap.Grid{grid("A", orb.Polygon{rect(0, 0, 3, 3), hole}), sq("H", 1, 1, 2, 2)}, pt(2, 1.5), "A"},
		{"hole's south edge goes to the grid in the hole", []gridmap.Grid{grid("A", orb.Polygon{rect(0, 0, 3, 3), hole}), sq("H", 1, 1, 2, 2)}, pt(1.5, 1), "H"},
		{"hole's north edge goes to the grid around it", []gridmap.Grid{grid("A", orb.Polygon{rect(0, 0, 3, 3), hole}), sq("H", 1, 1, 2, 2)}, pt(1.5, 2), "A"},
		{"inside the grid in the hole", []gridmap.Grid{grid("A", orb.Polygon{rect(0, 0, 3, 3), hole}), sq("H", 1, 1, 2, 2)}, pt(1.5, 1.5), "H"},
		{"multipolygon part's west edge", []gridmap.Grid{grid("M", orb.Polygon{rect(0, 0, 1, 1)}, orb.Polygon{rect(2, 0, 3, 1)}), sq("N", 1, 0, 2, 1)}, pt(2, 0.5), "M"},
		{"multipolygon part's east edge", []gridmap.Grid{grid("M", orb.Polygon{rect(0, 0, 1, 1)}, orb.Polygon{rect(2, 0, 3, 1)}), sq("N", 1, 0, 2, 1)}, pt(1, 0.5), "N"},
		{"inside the second part", []gridmap.Grid{grid("M", orb.Polygon{rect(0, 0, 1, 1)}, orb.Polygon{rect(2, 0, 3, 1)}), sq("N", 1, 0, 2, 1)}, pt(2.5, 0.5), "M"},
		{"outer west edge belongs to the grid", []gridmap.Grid{sq("A", 0, 0, 1, 1)}, pt(0, 0.5), "A"},
		{"outer east edge belongs to the grid too", []gridmap.Grid{sq("A", 0, 0, 1, 1)}, pt(1, 0.5), "A"},
		{"outer north-east corner", []gridmap.Grid{sq("A", 0, 0, 1, 1), sq("B", 1, 0, 2, 1)}, pt(2, 1), "B"},
		{"overlap goes to the lower code", []gridmap.Grid{sq("B", 0, 0, 2, 2), sq("A", 1, 0, 3, 2)}, pt(1.5, 1), "A"},
		{"clockwise rings work the same", []gridmap.Grid{
			grid("A", orb.Polygon{{pt(0, 0), pt(0, 1), pt(1, 1), pt(1, 0), pt(0, 0)}}),
			grid("B", orb.Polygon{{pt(1, 0), pt(1, 1), pt(2, 1), pt(2, 0), pt(1, 0)}})}, pt(1, 0.25), "B"},
		{"edge with an extra vertex on one side only", []gridmap.Grid{
			grid("A", orb.Polygon{{pt(0, 0), pt(1, 0), pt(1, 0.5), pt(1, 1), pt(0, 1), pt(0, 0)}}),
			sq("B", 1, 0, 2, 1)}, pt(1, 0.5), "B"},
		{"outside, beyond reach", []gridmap.Grid{sq("A", 0, 0, 1, 1)}, pt(40, 40), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, cpg := range []float64{1, 50, 5000} {
				s, err := Build(tc.grids, Options{CellsPerGrid: cpg})
				if err != nil {
					t.Fatal(err)
				}
				r := s.Locate(tc.p[0], tc.p[1])
				got := ""
				if r.Method == gridmap.MethodContains {
					got = s.Grid(r.Grid).Code
				}
				if got != tc.want {
					t.Errorf("cells/grid %v: %v located in %q (%+v), want %q", cpg, tc.p, got, r, tc.want)
				}
				if want := bruteOwner(s, bruteVerdict(s, tc.p), tc.p); (want < 0) != (got == "") || (want >= 0 && s.Grid(want).Code != got) {
					t.Errorf("cells/grid %v: reference disagrees: %d", cpg, want)
				}
			}
		})
	}
}

// TestNearest covers the fallback for points outside every grid.
func TestNearest(t *testing.T) {
	s, err := Build([]gridmap.Grid{grid("A", orb.Polygon{rect(0, 0, 1, 1)}), grid("B", orb.Polygon{rect(3, 0, 4, 1)})}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	kx, _ := metresPerDegree(pt(0, 0.5)[1])
	unitM := unit * kx // metres per unit eastwards, at the cases' latitude
	cases := []struct {
		name   string
		p      orb.Point
		method string
		code   string
		metres float64
	}{
		{"inside", pt(0.5, 0.5), gridmap.MethodContains, "A", 0},
		{"just east of A", pt(1.5, 0.5), gridmap.MethodNearest, "A", 0.5 * unitM},
		{"just west of B", pt(2.6, 0.5), gridmap.MethodNearest, "B", 0.4 * unitM},
		{"halfway: the lower index", pt(2, 0.5), gridmap.MethodNearest, "A", unitM},
		{"too far", pt(-4, 0.5), gridmap.MethodUnassigned, "", 4 * unitM},
		{"not a number", orb.Point{math.NaN(), 25}, gridmap.MethodUnassigned, "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := s.Locate(tc.p[0], tc.p[1])
			code := ""
			if r.Grid >= 0 {
				code = s.Grid(r.Grid).Code
			}
			if r.Method != tc.method || code != tc.code || math.Abs(r.DistanceM-tc.metres) > 1e-6*tc.metres+1e-9 {
				t.Errorf("got %+v (%q), want %s %q %.3f m", r, code, tc.method, tc.code, tc.metres)
			}
		})
	}
	if g, d, ok := s.Nearest(pt(1.5, 0.5)[0], pt(1.5, 0.5)[1], 10); ok {
		t.Errorf("Nearest within 10 m found grid %d at %.1f m", g, d)
	}
	off, err := Build(s.Grids(), Options{NearestMetres: -1})
	if err != nil {
		t.Fatal(err)
	}
	if r := off.Locate(pt(1.5, 0.5)[0], pt(1.5, 0.5)[1]); r.Method != gridmap.MethodUnassigned {
		t.Errorf("with the fallback off: %+v", r)
	}
}

func TestBuildRejects(t *testing.T) {
	good := grid("A", orb.Polygon{rect(0, 0, 1, 1)})
	cases := []struct {
		name  string
		grids []gridmap.Grid
		want  string
	}{
		{"duplicate code", []gridmap.Grid{good, good}, "appears twice"},
		{"no code", []gridmap.Grid{grid("", orb.Polygon{rect(0, 0, 1, 1)})}, "no code"},
		{"empty geometry", []gridmap.Grid{grid("B")}, "empty"},
		{"not finite", []gridmap.Grid{grid("C", orb.Polygon{{pt(0, 0), {math.Inf(1), 25}, pt(0, 1), pt(0, 0)}})}, "not finite"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Build(tc.grids, Options{})
			if err == nil || !strings.HasPrefix(err.Error(), "spatial: ") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one about %q", err, tc.want)
			}
		})
	}
	s, err := Build(nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r := s.Locate(119, 25); r.Method != gridmap.MethodUnassigned {
		t.Errorf("empty snapshot: %+v", r)
	}
}

// TestIndexSwap stores snapshots while readers locate, for the race detector.
func TestIndexSwap(t *testing.T) {
	var ix Index
	if r := ix.Locate(0, 0); r.Method != gridmap.MethodUnassigned {
		t.Fatalf("empty index: %+v", r)
	}
	a, _ := Build([]gridmap.Grid{grid("A", orb.Polygon{rect(0, 0, 1, 1)})}, Options{})
	b, _ := Build([]gridmap.Grid{grid("B", orb.Polygon{rect(0, 0, 1, 1)})}, Options{})
	ix.Store(a)
	p := pt(0.5, 0.5)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				s := ix.Load()
				r := s.Locate(p[0], p[1])
				if c := s.Grid(r.Grid).Code; c != "A" && c != "B" {
					t.Errorf("located in %q", c)
				}
			}
		}()
	}
	for k := range 100 {
		if k%2 == 0 {
			ix.Store(b)
		} else {
			ix.Store(a)
		}
	}
	wg.Wait()
}

// TestOrientExact checks the orientation predicate against rational arithmetic on points that
// lie on, or within a few ulps of, random lines near Fuqing.
func TestOrientExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(uint64(testSeed(t)), 7))
	exact := func(ax, ay, bx, by, px, py float64) int {
		r := func(v float64) *big.Rat { return new(big.Rat).SetFloat64(v) }
		l := new(big.Rat).Mul(new(big.Rat).Sub(r(bx), r(ax)), new(big.Rat).Sub(r(py), r(ay)))
		rr := new(big.Rat).Mul(new(big.Rat).Sub(r(px), r(ax)), new(big.Rat).Sub(r(by), r(ay)))
		return l.Cmp(rr)
	}
	zeros, fallbacks := 0, 0
	for i := 0; i < 60000; i++ {
		ax, ay := 119+rng.Float64(), 25+rng.Float64()
		bx, by := ax+(rng.Float64()-0.5)*0.01, ay+(rng.Float64()-0.5)*0.01
		if i%7 == 0 {
			// far apart magnitudes, where differences are inexact
			bx, by = rng.Float64()*1e-3, -rng.Float64()*300
		}
		tt := rng.Float64()
		px, py := ax+tt*(bx-ax), ay+tt*(by-ay)
		for k := rng.IntN(3); k > 0; k-- {
			px = math.Nextafter(px, math.Inf(2*rng.IntN(2)-1))
		}
		for k := rng.IntN(3); k > 0; k-- {
			py = math.Nextafter(py, math.Inf(2*rng.IntN(2)-1))
		}
		if i%11 == 0 {
			px, py = bx, by
		}
		want := exact(ax, ay, bx, by, px, py)
		if got := orient(ax, ay, bx, by, px, py); got != want {
			t.Fatalf("orient(%v,%v,%v,%v,%v,%v) = %d, want %d", ax, ay, bx, by, px, py, got, want)
		}
		if got := orientExact(ax, ay, bx, by, px, py); got != want {
			t.Fatalf("orientExact(%v,%v,%v,%v,%v,%v) = %d, want %d", ax, ay, bx, by, px, py, got, want)
		}
		if want == 0 {
			zeros++
		}
		l := (bx - ax) * (py - ay)
		r := (px - ax) * (by - ay)
		if math.Abs(l-r) <= ccwErrBound*(math.Abs(l)+math.Abs(r)) {
			fallbacks++
		}
	}
	t.Logf("%d collinear cases, %d decided by the exact fallback", zeros, fallbacks)
}

// TestLocateAllocatesNothing guards the hot path (the benchmarks report the same).
func TestLocateAllocatesNothing(t *testing.T) {
	s, err := Build([]gridmap.Grid{grid("A", orb.Polygon{rect(0, 0, 1, 1)}), grid("B", orb.Polygon{rect(1, 0, 2, 1)})}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	pts := []orb.Point{pt(0.5, 0.5), pt(1, 0.5), pt(1, 1), pt(2.2, 0.5), pt(50, 50)}
	out := make([]Result, len(pts))
	for _, p := range pts {
		if n := testing.AllocsPerRun(100, func() { s.Locate(p[0], p[1]) }); n != 0 {
			t.Errorf("Locate(%v) allocates %.0f times", p, n)
		}
	}
	if n := testing.AllocsPerRun(100, func() { s.LocateBatch(pts, out) }); n != 0 {
		t.Errorf("LocateBatch allocates %.0f times", n)
	}
}
