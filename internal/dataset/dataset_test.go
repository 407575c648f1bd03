package dataset_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/internal/dataset"
	"github.com/gridmap/gridmap/internal/dataset/datasettest"
)

func miniCopy(t *testing.T, edits ...[3]string) string {
	t.Helper()
	var es []datasettest.Edit
	for _, e := range edits {
		es = append(es, datasettest.Edit{File: e[0], Old: e[1], New: e[2]})
	}
	return datasettest.Mini(t, es...)
}

func TestLoadMini(t *testing.T) {
	d, err := dataset.Load("testdata/mini", dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"streets": 1, "communities": 1, "grids": 2, "red_positions": 1, "stations": 1, "staff": 2, "incidents": 3}
	for layer, n := range want {
		if got := d.Count()[layer]; got != n {
			t.Errorf("%s: %d features, want %d", layer, got, n)
		}
	}
	if len(d.Grids[1].Geometry) != 1 {
		t.Errorf("a Polygon grid should load as a one-part MultiPolygon")
	}
	loc, ok := d.Where(dataset.Grids, "350181003003002")
	if !ok || loc.Line != 3 || loc.Index != 1 {
		t.Errorf("grid 2 located at %+v, want line 3 index 1", loc)
	}
	gcj := d.Incidents[1]
	if gcj.CRS != "gcj02" || gcj.Lon != 119.3899137 {
		t.Errorf("gcj02 incident should keep its reported coordinates, got %+v", gcj)
	}
	if !d.Synthetic[dataset.Grids] || d.Synthetic[dataset.Staff] {
		t.Errorf("synthetic flags: %v", d.Synthetic)
	}
}

func TestLoadRejects(t *testing.T) {
	tests := []struct {
		name string
		edit [3]string
		want []string // substrings of the one problem's text
	}{
		{"malformed grid code", [3]string{"grids.geojson", `"code":"350181003003002"`, `"code":"35018100300300X"`},
			[]string{"grids.geojson:3: feature 1", "malformed grid code"}},
		{"grid code disagrees with community", [3]string{"grids.geojson", `"community":"350181003003","street":"350181003","households":280`, `"community":"350181003004","street":"350181003","households":280`},
			[]string{"feature 1 (grids 350181003003002)", "does not match the code"}},
		{"unknown parent community", [3]string{"grids.geojson", `"code":"350181003003002","name":"融东社区第2网格","community":"350181003003"`, `"code":"350181003009002","name":"融东社区第2网格","community":"350181003009"`},
			[]string{"grids.geojson:3: feature 1 (grids 350181003009002)", "unknown parent: community 350181003009"}},
		{"longitude out of range", [3]string{"grids.geojson", `[119.39,25.72],[119.39,25.74]`, `[219.39,25.72],[119.39,25.74]`},
			[]string{"feature 1", "out of range"}},
		{"truncated JSON", [3]string{"grids.geojson", `"synthetic":true}}
]}`, `"synthetic":true}}
`},
			[]string{"grids.geojson:3", "truncated"}},
		{"ring not closed", [3]string{"grids.geojson", `[119.38,25.74],[119.38,25.72]]]}`, `[119.38,25.74],[119.381,25.72]]]}`},
			[]string{"feature 1", "not closed"}},
		{"point as grid", [3]string{"grids.geojson", `{"type":"Polygon","coordinates":[[[119.38,25.72],[119.39,25.72],[119.39,25.74],[119.38,25.74],[119.38,25.72]]]}`, `{"type":"Point","coordinates":[119.38,25.72]}`},
			[]string{"feature 1", "want Polygon or MultiPolygon"}},
		{"households as text", [3]string{"grids.geojson", `"households":280`, `"households":"many"`},
			[]string{"feature 1", `property "households"`}},
		{"unknown station kind", [3]string{"stations.geojson", `"kind":"veterans_station"`, `"kind":"casino"`},
			[]string{"stations.geojson:2: feature 0", `unknown kind "casino"`}},
		{"unknown incident category", [3]string{"incidents.geojson", `"category":"sanitation"`, `"category":"ufo"`},
			[]string{"incidents.geojson:2: feature 0 (incidents mini-1)", "unknown category"}},
		{"duplicate grid", [3]string{"grids.geojson", `"code":"350181003003002"`, `"code":"350181003003001"`},
			[]string{"feature 1", "duplicate grids"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := dataset.Load(miniCopy(t, tt.edit), dataset.Options{})
			ps, ok := err.(dataset.Problems)
			if !ok {
				t.Fatalf("want dataset.Problems, got %v", err)
			}
			text := ps.Error()
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("problems do not mention %q:\n%s", w, text)
				}
			}
		})
	}
}

func TestLoadSingleFileByName(t *testing.T) {
	d, err := dataset.Load("testdata/mini/stations.geojson", dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Stations) != 1 || len(d.Grids) != 0 {
		t.Fatalf("loaded %v", d.Count())
	}
	if _, err := dataset.Load(filepath.Join(t.TempDir()), dataset.Options{}); err == nil {
		t.Fatal("an empty folder should be an error")
	}
}
