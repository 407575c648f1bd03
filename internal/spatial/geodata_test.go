package spatial

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/spatial/spatialtest"
)

// geodataGrids is the bundled dataset, relative to this package.
const geodataGrids = "../../geodata/grids.geojson"

// loadGeodata reads the bundled grids; a missing or unreadable file fails the test, because
// the dataset is part of the product.
func loadGeodata(t *testing.T) []gridmap.Grid {
	t.Helper()
	return loadGeoJSON(t, geodataGrids)
}

// loadGeoJSON reads grids from a GeoJSON FeatureCollection in the bundled dataset's format.
func loadGeoJSON(t *testing.T, name string) []gridmap.Grid {
	t.Helper()
	path, _ := filepath.Abs(name)
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("the bundled grids %s cannot be read (%v): the dataset geodata/grids.geojson must exist, a GeoJSON FeatureCollection of MultiPolygon grids with properties code, name, community, street, households, population", path, err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	grids := make([]gridmap.Grid, 0, len(fc.Features))
	for k, f := range fc.Features {
		var mp orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.MultiPolygon:
			mp = g
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		default:
			t.Fatalf("%s: feature %d is a %T, want a MultiPolygon", path, k, f.Geometry)
		}
		code := f.Properties.MustString("code", "")
		grids = append(grids, gridmap.Grid{
			Code:          code,
			Name:          f.Properties.MustString("name", ""),
			CommunityCode: f.Properties.MustString("community", gridmap.CommunityOf(code)),
			StreetCode:    f.Properties.MustString("street", gridmap.StreetOf(code)),
			Geometry:      mp,
			Households:    f.Properties.MustInt("households", 0),
			Population:    f.Properties.MustInt("population", 0),
		})
	}
	if len(grids) == 0 {
		t.Fatalf("%s holds no grids", path)
	}
	return grids
}

// TestGeodataAgreesWithPostGIS runs the property test over the bundled dataset.
func TestGeodataAgreesWithPostGIS(t *testing.T) {
	grids := loadGeodata(t)
	s, err := Build(grids, Options{})
	if err != nil {
		t.Fatalf("index the bundled grids: %v", err)
	}
	seed := testSeed(t)
	propertyCheck(t, s, spatialtest.Points(seed, s.Grids(), 100000))
}

// TestLoadGeoJSON checks the dataset loader on generated grids written in the same format.
func TestLoadGeoJSON(t *testing.T) {
	grids := spatialtest.Grids(1, 300)
	fc := geojson.NewFeatureCollection()
	for _, g := range grids {
		f := geojson.NewFeature(g.Geometry)
		f.Properties = geojson.Properties{"code": g.Code, "name": g.Name, "community": g.CommunityCode,
			"street": g.StreetCode, "households": g.Households, "population": g.Population}
		fc.Append(f)
	}
	data, err := fc.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "grids.geojson")
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
	got := loadGeoJSON(t, name)
	if len(got) != len(grids) || got[7].Code != grids[7].Code || got[7].Households != grids[7].Households ||
		got[7].StreetCode != grids[7].StreetCode || !orb.Equal(got[7].Geometry, grids[7].Geometry) {
		t.Fatalf("round trip lost data: %d grids, first %+v", len(got), got[0])
	}
	if _, err := Build(got, Options{}); err != nil {
		t.Fatal(err)
	}
}
