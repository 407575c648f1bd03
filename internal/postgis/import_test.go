package postgis_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridmap/gridmap/internal/calendar"
	"github.com/gridmap/gridmap/internal/dataset"
	"github.com/gridmap/gridmap/internal/dataset/datasettest"
	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/postgis"
	"github.com/gridmap/gridmap/internal/testdb"
)

// openTestDB returns a fresh migrated database.
func openTestDB(t *testing.T) *postgis.DB {
	t.Helper()
	db, err := postgis.Open(context.Background(), testdb.New(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

// simplePlanner assigns by plain containment; the real planner (internal/intake) is tested
// with the index. Storage only needs some prepared incidents here.
func simplePlanner(grids []gridmap.Grid) (postgis.Planner, error) { return containsPlanner(grids), nil }

type containsPlanner []gridmap.Grid

func (p containsPlanner) Assign(lon, lat float64) gridmap.Assignment {
	for _, g := range p {
		if planar.MultiPolygonContains(g.Geometry, orb.Point{lon, lat}) {
			return gridmap.Assignment{GridCode: g.Code, Method: gridmap.MethodContains}
		}
	}
	return gridmap.Assignment{Method: gridmap.MethodUnassigned, Reason: "outside every grid"}
}

func (p containsPlanner) Calendar() *gridmap.Calendar { return calendar.Default() }

func (p containsPlanner) Prepare(r gridmap.Report) (gridmap.Incident, error) {
	return gridmap.Incident{
		ClientKey: r.StoredKey(), Point: orb.Point{r.Lon, r.Lat}, Reported: orb.Point{r.Lon, r.Lat}, CRS: r.CRS,
		Category: r.Category, Channel: r.Channel, Description: r.Description, Reporter: r.Reporter,
		Status: r.Status, ReportedAt: r.ReportedAt, DueAt: r.ReportedAt, Assignment: p.Assign(r.Lon, r.Lat),
	}, nil
}

func load(t *testing.T, dir string) *dataset.Dataset {
	t.Helper()
	d, err := dataset.Load(dir, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// digest summarises every table's content, to prove a failed import changed nothing.
func digest(t *testing.T, db *postgis.DB) string {
	t.Helper()
	var s string
	err := db.Pool.QueryRow(context.Background(), `SELECT concat_ws('|',
		(SELECT md5(coalesce(string_agg(code || name || ST_AsEWKT(geom), ',' ORDER BY code), '')) FROM streets),
		(SELECT md5(coalesce(string_agg(code || name || ST_AsEWKT(geom), ',' ORDER BY code), '')) FROM communities),
		(SELECT md5(coalesce(string_agg(code || name || households || ST_AsEWKT(geom), ',' ORDER BY code), '')) FROM grids),
		(SELECT md5(coalesce(string_agg(code || ST_AsEWKT(geom), ',' ORDER BY code), '')) FROM red_positions),
		(SELECT md5(coalesce(string_agg(code || ST_AsEWKT(geom), ',' ORDER BY code), '')) FROM stations),
		(SELECT md5(coalesce(string_agg(id || grid_code, ',' ORDER BY id), '')) FROM staff),
		(SELECT count(*) FROM incidents), (SELECT count(*) FROM incident_events))`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestImportMiniAndReimport(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	d := load(t, datasettest.Dir())
	stats, err := db.Import(ctx, d, simplePlanner, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"streets": 1, "communities": 1, "grids": 2, "red_positions": 1, "stations": 1, "staff": 2, "incidents": 3}
	for layer, n := range want {
		if stats.Inserted[layer] != n {
			t.Errorf("first import inserted %d %s, want %d", stats.Inserted[layer], layer, n)
		}
	}
	before := digest(t, db)

	stats, err = db.Import(ctx, load(t, datasettest.Dir()), simplePlanner, nil)
	if err != nil {
		t.Fatal(err)
	}
	for layer := range want {
		if stats.Inserted[layer] != 0 || stats.Updated[layer] != 0 {
			t.Errorf("re-import of unchanged %s inserted %d, updated %d; want 0, 0", layer, stats.Inserted[layer], stats.Updated[layer])
		}
	}
	if stats.Skipped["incidents"] != 3 {
		t.Errorf("re-import skipped %d incidents, want 3", stats.Skipped["incidents"])
	}
	if after := digest(t, db); after != before {
		t.Errorf("re-import changed the database:\n%s\n%s", before, after)
	}

	// A changed grid is updated in place, not duplicated.
	dir := datasettest.Mini(t, datasettest.Edit{File: "grids.geojson", Old: `"households":280`, New: `"households":281`})
	stats, err = db.Import(ctx, load(t, dir), simplePlanner, nil)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Updated["grids"] != 1 || stats.Inserted["grids"] != 0 {
		t.Errorf("changed grid: inserted %d updated %d, want 0 and 1", stats.Inserted["grids"], stats.Updated["grids"])
	}
	g, err := db.Grid(ctx, "350181003003002")
	if err != nil || g.Households != 281 {
		t.Errorf("grid after update: %+v, %v", g, err)
	}
	var n int
	db.Pool.QueryRow(ctx, "SELECT count(*) FROM grids").Scan(&n)
	if n != 2 {
		t.Errorf("%d grids stored, want 2", n)
	}
}

func TestImportRejectsWithoutChanging(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	if _, err := db.Import(ctx, load(t, datasettest.Dir()), simplePlanner, nil); err != nil {
		t.Fatal(err)
	}
	before := digest(t, db)
	const (
		grid2      = `{"type":"Polygon","coordinates":[[[119.38,25.72],[119.39,25.72],[119.39,25.74],[119.38,25.74],[119.38,25.72]]]}`
		households = `"households":280`
	)
	tests := []struct {
		name  string
		edits []datasettest.Edit
		want  []string
	}{
		{"self-intersecting polygon", []datasettest.Edit{{File: "grids.geojson", Old: grid2,
			New: `{"type":"Polygon","coordinates":[[[119.38,25.72],[119.39,25.74],[119.39,25.72],[119.38,25.74],[119.38,25.72]]]}`}},
			[]string{"grids.geojson:3: feature 1 (grids 350181003003002)", "invalid geometry: Self-intersection"}},
		{"overlapping grids", []datasettest.Edit{{File: "grids.geojson", Old: grid2,
			New: `{"type":"Polygon","coordinates":[[[119.378,25.72],[119.39,25.72],[119.39,25.74],[119.378,25.74],[119.378,25.72]]]}`}},
			[]string{"feature 0 (grids 350181003003001)", "overlaps grids 350181003003002"}},
		{"grid outside its community", []datasettest.Edit{{File: "grids.geojson", Old: grid2,
			New: `{"type":"Polygon","coordinates":[[[119.38,25.72],[119.40,25.72],[119.40,25.74],[119.38,25.74],[119.38,25.72]]]}`}},
			[]string{"feature 1 (grids 350181003003002)", "lies outside its community 350181003003"}},
		{"stored grid overlapped by a new one", []datasettest.Edit{
			{File: "grids.geojson", Old: `"code":"350181003003002","name":"融东社区第2网格"`, New: `"code":"350181003003003","name":"融东社区第3网格"`},
			{File: "grids.geojson", Old: grid2, New: `{"type":"Polygon","coordinates":[[[119.379,25.72],[119.39,25.72],[119.39,25.74],[119.379,25.74],[119.379,25.72]]]}`},
			{File: "red_positions.geojson", New: "<delete>"}, {File: "stations.geojson", New: "<delete>"},
			{File: "staff.geojson", New: "<delete>"}, {File: "incidents.geojson", New: "<delete>"}},
			[]string{"(grids 350181003003003)", "overlaps stored grids 350181003003002"}},
		{"station outside its grid", []datasettest.Edit{{File: "stations.geojson", Old: `[119.385,25.73]`, New: `[119.375,25.73]`}},
			[]string{"stations.geojson:2: feature 0 (stations 350181003003002-S1)", "outside its grid 350181003003002"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := load(t, datasettest.Mini(t, tt.edits...))
			_, err := db.Import(ctx, d, simplePlanner, nil)
			var ps dataset.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("want dataset.Problems, got %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(ps.Error(), w) {
					t.Errorf("problems do not mention %q:\n%s", w, ps.Error())
				}
			}
			if after := digest(t, db); after != before {
				t.Errorf("a rejected import changed the database")
			}
		})
	}
}

func TestImportUnknownStoredParent(t *testing.T) {
	db := openTestDB(t)
	_, err := db.Import(context.Background(), load(t, datasettest.Dir()+"/grids.geojson"), nil, nil)
	var ps dataset.Problems
	if !errors.As(err, &ps) || !strings.Contains(ps.Error(), "unknown parent: community 350181003003 is neither in the dataset nor stored") {
		t.Fatalf("want unknown parent problems, got %v", err)
	}
	if len(ps) != 2 {
		t.Errorf("want both grids named, got %d problems", len(ps))
	}
}
