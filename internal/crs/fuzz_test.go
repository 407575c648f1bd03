package crs_test

import (
	"math"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/internal/crs"
	"github.com/gridmap/gridmap/internal/gridmap"
)

// China's box, where the GCJ-02 offset applies, and a margin inside it beyond the largest
// offset of GCJ-02 and BD-09 together (under 0.02°): a point farther than that from the edge
// and its image lie on the same side, so the inverses are exact there. Nearer the edge the
// offset can carry a point across it, where GCJ-02 becomes the identity, and no inverse exists.
const (
	chinaW, chinaE = 72.004, 137.8347
	chinaS, chinaN = 0.8293, 55.8271
	margin         = 0.05
	// tolerance is what the package documents of its inverses: below 1e-9 degrees.
	tolerance = 1e-9
)

func inner(lon, lat float64) bool {
	return lon >= chinaW+margin && lon <= chinaE-margin && lat >= chinaS+margin && lat <= chinaN-margin
}

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// FuzzCRS: an unknown CRS is an error both ways, a known one never is for a point of the
// world; a finite point in gives a finite point out, or an error; GCJ-02 is the identity
// outside China's box; and inside it, away from its edge, ToWGS84 and FromWGS84 undo each
// other to within the documented 1e-9 degrees, in both orders. Each input is also moved into
// China (its fractional degrees spread over the box), so that the round trips get tried.
func FuzzCRS(f *testing.F) {
	f.Fuzz(func(t *testing.T, lon, lat float64, system string) {
		known := system == "" || gridmap.ValidCRS(system)
		_, _, errTo := crs.ToWGS84(system, lon, lat)
		_, _, errFrom := crs.FromWGS84(system, lon, lat)
		if !known {
			for _, err := range []error{errTo, errFrom} {
				if err == nil || !strings.HasPrefix(err.Error(), "crs: ") {
					t.Fatalf("unknown CRS %q: error %v, want a crs: error", system, err)
				}
			}
			return
		}
		world := finite(lon, lat) && lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90
		if world && (errTo != nil || errFrom != nil) {
			t.Fatalf("%s %v, %v: errors %v, %v", system, lon, lat, errTo, errFrom)
		}
		points := [][2]float64{{lon, lat}}
		if finite(lon, lat) {
			points = append(points, [2]float64{
				chinaW + math.Mod(math.Abs(lon), chinaE-chinaW),
				chinaS + math.Mod(math.Abs(lat), chinaN-chinaS),
			})
		}
		for _, p := range points {
			checkPoint(t, system, p[0], p[1])
		}
	})
}

func checkPoint(t *testing.T, system string, lon, lat float64) {
	t.Helper()
	toLon, toLat, errTo := crs.ToWGS84(system, lon, lat)
	fromLon, fromLat, errFrom := crs.FromWGS84(system, lon, lat)
	if finite(lon, lat) {
		if errTo == nil && !finite(toLon, toLat) || errFrom == nil && !finite(fromLon, fromLat) {
			t.Fatalf("%s %v, %v: ToWGS84 %v, %v; FromWGS84 %v, %v", system, lon, lat, toLon, toLat, fromLon, fromLat)
		}
	}
	if errTo != nil || errFrom != nil {
		return
	}
	if system == gridmap.CRSGCJ02 && !crs.InChina(lon, lat) && (toLon != lon || toLat != lat || fromLon != lon || fromLat != lat) {
		t.Fatalf("gcj02 %v, %v outside China moved to %v, %v and %v, %v", lon, lat, toLon, toLat, fromLon, fromLat)
	}
	if !inner(lon, lat) {
		return
	}
	backLon, backLat, err := crs.ToWGS84(system, fromLon, fromLat)
	if err != nil || math.Abs(backLon-lon) > tolerance || math.Abs(backLat-lat) > tolerance {
		t.Fatalf("%s: WGS-84 %v, %v → %v, %v → %v, %v (%v): off by more than %g°", system, lon, lat, fromLon, fromLat, backLon, backLat, err, tolerance)
	}
	backLon, backLat, err = crs.FromWGS84(system, toLon, toLat)
	if err != nil || math.Abs(backLon-lon) > tolerance || math.Abs(backLat-lat) > tolerance {
		t.Fatalf("%s: %v, %v → WGS-84 %v, %v → %v, %v (%v): off by more than %g°", system, lon, lat, toLon, toLat, backLon, backLat, err, tolerance)
	}
}
