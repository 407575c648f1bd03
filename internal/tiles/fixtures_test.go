package tiles

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// Fixtures: small deterministic datasets near 融东社区, Fuqing (lon 119.37, lat 25.73), and the
// large ones the benchmarks use. Every random choice comes from a fixed seed.

const (
	fixtureLon = 119.37
	fixtureLat = 25.73
	// degrees per metre near the fixture, for shapes sized in metres
	degLat = 1 / 111_320.0
)

var degLon = 1 / (111_320.0 * math.Cos(fixtureLat*math.Pi/180))

// rect returns a closed rectangle ring, counter-clockwise in lon/lat.
func rect(w, s, e, n float64) orb.Ring {
	return orb.Ring{{w, s}, {e, s}, {e, n}, {w, n}, {w, s}}
}

func reversed(r orb.Ring) orb.Ring {
	out := make(orb.Ring, len(r))
	for i, p := range r {
		out[len(r)-1-i] = p
	}
	return out
}

// blob returns a closed ring of n vertices around c, radius r metres, wobbling by a few
// star-like lobes and seeded noise, counter-clockwise in lon/lat.
func blob(c orb.Point, r float64, n int, lobes int, noise float64, rng *rand.Rand) orb.Ring {
	ring := make(orb.Ring, 0, n+1)
	for i := 0; i < n; i++ {
		a := 2 * math.Pi * float64(i) / float64(n)
		rr := r * (1 + 0.08*math.Sin(float64(lobes)*a) + noise*(rng.Float64()-0.5))
		ring = append(ring, orb.Point{c[0] + rr*math.Cos(a)*degLon, c[1] + rr*math.Sin(a)*degLat})
	}
	return append(ring, ring[0])
}

// fixtureGrids is the golden grid layer: a plain grid, a grid with a hole given clockwise (so
// that the encoder must rewind it), a multipolygon grid, a tiny grid that collapses at low
// zoom, and property values of every supported kind.
func fixtureGrids() []Feature {
	const (
		w = fixtureLon - 0.006
		s = fixtureLat - 0.003
	)
	return []Feature{
		{
			ID:       350181003003001,
			Geometry: orb.Polygon{rect(w, s, w+0.004, s+0.004)},
			Properties: []Property{
				{"code", "350181003003001"}, {"name", "融东社区第一网格"}, {"households", 412},
				{"population", 1290}, {"has_member", true}, {"area_km2", 0.1602}, {"note", nil},
			},
		},
		{
			ID: 350181003003002,
			Geometry: orb.Polygon{
				reversed(rect(w+0.004, s, w+0.010, s+0.005)),
				rect(w+0.006, s+0.0015, w+0.008, s+0.0035),
			},
			Properties: []Property{
				{"code", "350181003003002"}, {"name", "融东社区第二网格"}, {"households", 388},
				{"population", 1104}, {"has_member", false}, {"area_km2", 0.2015}, {"note", "含学校"},
			},
		},
		{
			ID: 350181003003003,
			Geometry: orb.MultiPolygon{
				{rect(w+0.010, s+0.001, w+0.013, s+0.003)},
				{rect(w+0.014, s+0.0025, w+0.016, s+0.0045)},
			},
			Properties: []Property{
				{"code", "350181003003003"}, {"name", "融东社区第三网格"}, {"households", 97},
				{"population", -1}, {"has_member", true}, {"area_km2", float32(0.1)}, {"note", nil},
			},
		},
		{
			ID:       350181003003004,
			Geometry: orb.Polygon{rect(w+0.0005, s+0.0045, w+0.0007, s+0.0047)},
			Properties: []Property{
				{"code", "350181003003004"}, {"name", "小网格"}, {"households", uint8(3)},
			},
		},
	}
}

// fixtureCommunity is one irregular community polygon, large enough to cover whole tiles at
// high zoom.
func fixtureCommunity() []Feature {
	rng := rand.New(rand.NewPCG(7, 7))
	return []Feature{{
		ID:         350181003003,
		Geometry:   orb.Polygon{blob(orb.Point{fixtureLon, fixtureLat}, 1500, 120, 5, 0.02, rng)},
		Properties: []Property{{"code", "350181003003"}, {"name", "融东社区"}, {"kind", "社区"}},
	}}
}

// fixtureStations are points with string codes and no numeric id.
func fixtureStations() []Feature {
	kinds := []string{"volunteer_station", "deliberation_hall", "veterans_station", "party_mass_centre", "volunteer_station"}
	out := make([]Feature, len(kinds))
	for i, k := range kinds {
		out[i] = Feature{
			Geometry: orb.Point{fixtureLon - 0.004 + 0.002*float64(i), fixtureLat - 0.001 + 0.0007*float64(i%3)},
			Properties: []Property{
				{"code", "350181003003001-S" + string(rune('1'+i))}, {"name", "驿站 " + string(rune('A'+i))}, {"kind", k},
			},
		}
	}
	return out
}

var incidentCategories = []string{"sanitation", "noise", "parking", "safety_hazard", "elderly_service"}

// fixtureIncidents returns n incidents scattered over about 6 km × 5 km around the fixture,
// denser towards the centre, with numeric ids and a category.
func fixtureIncidents(n int, seed uint64) []Feature {
	rng := rand.New(rand.NewPCG(seed, seed))
	out := make([]Feature, n)
	for i := range out {
		dx := (rng.Float64() + rng.Float64() - 1) * 3000
		dy := (rng.Float64() + rng.Float64() - 1) * 2500
		out[i] = Feature{
			ID:       uint64(i + 1),
			Geometry: orb.Point{fixtureLon + dx*degLon, fixtureLat + dy*degLat},
			Properties: []Property{
				{"category", incidentCategories[rng.IntN(len(incidentCategories))]},
				{"status", "reported"},
			},
		}
	}
	return out
}

// heavyPolygons are three noisy star-shaped polygons of 20,000 vertices, each about 20 km
// across, side by side near Fuqing: the case that takes PostGIS ST_AsMVTGeom seconds.
func heavyPolygons() []Feature {
	rng := rand.New(rand.NewPCG(20, 20))
	out := make([]Feature, 3)
	for i := range out {
		c := orb.Point{fixtureLon - 0.2 + 0.2*float64(i), fixtureLat}
		out[i] = Feature{
			ID:         uint64(i + 1),
			Geometry:   orb.Polygon{blob(c, 10_000, 20_000, 9+i, 0.01, rng)},
			Properties: []Property{{"code", "35018100" + string(rune('1'+i))}, {"name", "heavy"}},
		}
	}
	return out
}

// gridLayer is a typical grid layer: 40 × 25 grids over 25 km × 20 km, each a jittered
// rectangle whose edges carry 20 to 150 vertices in all.
func gridLayer() []Feature {
	rng := rand.New(rand.NewPCG(1000, 1000))
	const cols, rows = 40, 25
	cw, ch := 25_000.0/cols, 20_000.0/rows
	west := fixtureLon - 12_500*degLon
	south := fixtureLat - 10_000*degLat
	out := make([]Feature, 0, cols*rows)
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			n := 20 + rng.IntN(131)
			perSide := max(n/4, 1)
			x0, y0 := float64(c)*cw, float64(r)*ch
			corners := [5][2]float64{{x0, y0}, {x0 + cw, y0}, {x0 + cw, y0 + ch}, {x0, y0 + ch}, {x0, y0}}
			ring := make(orb.Ring, 0, 4*perSide+1)
			for side := 0; side < 4; side++ {
				a, b := corners[side], corners[side+1]
				for k := 0; k < perSide; k++ {
					t := float64(k) / float64(perSide)
					jx, jy := 0.0, 0.0
					if k > 0 {
						jx, jy = (rng.Float64()-0.5)*20, (rng.Float64()-0.5)*20
					}
					x := a[0] + (b[0]-a[0])*t + jx
					y := a[1] + (b[1]-a[1])*t + jy
					ring = append(ring, orb.Point{west + x*degLon, south + y*degLat})
				}
			}
			ring = append(ring, ring[0])
			code := 350181003000000 + uint64(r*cols+c+1)
			out = append(out, Feature{
				ID:       code,
				Geometry: orb.Polygon{ring},
				Properties: []Property{
					{"code", code}, {"name", "网格"}, {"households", 100 + rng.IntN(400)}, {"has_member", rng.IntN(4) > 0},
				},
			})
		}
	}
	return out
}

func mustLayer(tb testing.TB, id string, fs []Feature, opts Options) *Layer {
	tb.Helper()
	l, err := NewLayer(id, fs, opts)
	if err != nil {
		tb.Fatalf("NewLayer(%s): %v", id, err)
	}
	return l
}

func mustEncode(tb testing.TB, l *Layer, t Tile, f Format) []byte {
	tb.Helper()
	b, err := Encode(l, t, f)
	if err != nil {
		tb.Fatalf("Encode(%s, %s, %s): %v", l.ID(), t, f, err)
	}
	return b
}
