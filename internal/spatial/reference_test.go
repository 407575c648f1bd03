package spatial

import (
	"flag"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

var seedFlag = flag.Int64("spatial.seed", 0, "seed of the generated grids and points (0: from SPATIAL_SEED or the clock)")

// testSeed returns the seed of this run's random inputs and logs it, so a failure can be
// replayed with -spatial.seed or SPATIAL_SEED.
func testSeed(t testing.TB) int64 {
	t.Helper()
	seed := *seedFlag
	if seed == 0 {
		if v := os.Getenv("SPATIAL_SEED"); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatalf("SPATIAL_SEED=%q: %v", v, err)
			}
			seed = n
		}
	}
	if seed == 0 {
		seed = time.Now().UnixNano() % 1_000_000_007
	}
	t.Logf("seed %d (replay with -spatial.seed=%d or SPATIAL_SEED=%d)", seed, seed, seed)
	return seed
}

// verdict is what PostGIS, or the brute-force reference, says of one point: the grids whose
// interior holds it (ST_Contains) and those whose closure holds it (ST_Intersects).
type verdict struct {
	contains, intersects []int
}

// bruteVerdict classifies p against every grid whose box holds it, PostGIS's way.
func bruteVerdict(s *Snapshot, p orb.Point) verdict {
	var v verdict
	for g := range s.grids {
		b := s.boxes[g]
		if p[0] < b.Min[0] || p[0] > b.Max[0] || p[1] < b.Min[1] || p[1] > b.Max[1] {
			continue
		}
		switch classifyPG(s.grids[g].Geometry, p[0], p[1]) {
		case statusInterior:
			v.contains = append(v.contains, g)
			v.intersects = append(v.intersects, g)
		case statusBoundary:
			v.intersects = append(v.intersects, g)
		}
	}
	return v
}

// bruteOwner applies the documented rules to a verdict by brute force: -1 when no grid holds p.
func bruteOwner(s *Snapshot, v verdict, p orb.Point) int {
	if len(v.contains) > 0 {
		return v.contains[0]
	}
	for _, g := range v.intersects {
		if containsNudged(s.grids[g].Geometry, p[0], p[1]) {
			return g
		}
	}
	if len(v.intersects) > 0 {
		return v.intersects[0]
	}
	return -1
}

// checkAgainst checks the index's answer for one point against a verdict (from PostGIS or the
// reference) and returns a description of the disagreement, or "".
func checkAgainst(s *Snapshot, r Result, v verdict) string {
	switch {
	case len(v.contains) == 1:
		if r.Method != "contains" || r.Grid != v.contains[0] {
			return "contained in exactly one grid, located elsewhere"
		}
	case len(v.intersects) > 0:
		if r.Method != "contains" || !has(v.intersects, r.Grid) {
			return "on/in several grids, located in none of them"
		}
	default:
		if r.Method == "contains" {
			return "in no grid, located as contained"
		}
	}
	return ""
}

func has(list []int, g int) bool {
	for _, x := range list {
		if x == g {
			return true
		}
	}
	return false
}
