package crs_test

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/gridmap/gridmap/internal/crs"
)

type vector struct {
	WGS84         [2]float64 `json:"wgs84"`
	GCJ02         [2]float64 `json:"gcj02"`
	BD09          [2]float64 `json:"bd09"`
	GCJ02ToWGS84s [2]float64 `json:"gcj02_to_wgs84_of_input"`
}

// loadVectors reads the reference pairs computed with the npm package gcoord 1.0.7.
func loadVectors(t *testing.T) []vector {
	t.Helper()
	b, err := os.ReadFile("testdata/gcoord_test_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Vectors []vector }
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Vectors) == 0 {
		t.Fatal("no test vectors")
	}
	return f.Vectors
}

func metres(a, b [2]float64) float64 { return crs.DistanceMetres(a[0], a[1], b[0], b[1]) }

func TestAgainstGcoordVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		conv := func(name string, fn func(string, float64, float64) (float64, float64, error), system string, in, want [2]float64, tol float64) {
			t.Helper()
			lon, lat, err := fn(system, in[0], in[1])
			if err != nil {
				t.Fatal(err)
			}
			if d := metres([2]float64{lon, lat}, want); d > tol {
				t.Errorf("%s %v: got %.9f,%.9f want %v (%.3f m off, tolerance %.2f m)", name, in, lon, lat, want, d, tol)
			}
		}
		conv("wgs84→gcj02", crs.FromWGS84, "gcj02", v.WGS84, v.GCJ02, 0.01)
		conv("wgs84→bd09", crs.FromWGS84, "bd09", v.WGS84, v.BD09, 0.01)
		conv("gcj02→wgs84", crs.ToWGS84, "gcj02", v.GCJ02, v.WGS84, 0.5)
		conv("bd09→wgs84", crs.ToWGS84, "bd09", v.BD09, v.WGS84, 0.5)
		// gcoord's own inverse, applied to the WGS-84 input as if it were GCJ-02.
		conv("gcj02→wgs84 (input)", crs.ToWGS84, "gcj02", v.WGS84, v.GCJ02ToWGS84s, 0.5)
	}
}

func TestRoundTripsWithinHalfAMetre(t *testing.T) {
	seed := uint64(20261125)
	r := rand.New(rand.NewPCG(seed, seed))
	for i := 0; i < 20000; i++ {
		p := [2]float64{73 + r.Float64()*62, 4 + r.Float64()*50}
		for _, system := range []string{"gcj02", "bd09"} {
			lon, lat, _ := crs.FromWGS84(system, p[0], p[1])
			lon, lat, _ = crs.ToWGS84(system, lon, lat)
			if d := metres(p, [2]float64{lon, lat}); d > 0.5 {
				t.Fatalf("seed %d: %s round trip of %v is %.3f m off", seed, system, p, d)
			}
		}
	}
}

func TestOutsideChinaIsIdentity(t *testing.T) {
	for _, p := range [][2]float64{{2.35, 48.85}, {-74, 40.7}, {139.7, 35.7}} {
		lon, lat, _ := crs.ToWGS84("gcj02", p[0], p[1])
		if lon != p[0] || lat != p[1] {
			t.Errorf("gcj02 %v moved to %v,%v outside China", p, lon, lat)
		}
	}
}

func TestUnknownCRS(t *testing.T) {
	if _, _, err := crs.ToWGS84("epsg:3857", 119, 25); err == nil {
		t.Fatal("unknown CRS accepted")
	}
}
