package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/dataset/datasettest"
	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/postgis"
	"github.com/gridmap/gridmap/internal/testdb"
)

// geodataDir is the repository's bundled dataset.
func geodataDir() string { return datasettest.BundledDir() }

// TestImportBundledDataset imports geodata/ with the real command and lets PostGIS check what
// the issue promises: counts, validity, no overlaps, containment and the seed's facts. A second
// import changes nothing.
func TestImportBundledDataset(t *testing.T) {
	url := testdb.New(t)
	code, stdout, stderr := gridmapCmd(t, url, "import", "-q", geodataDir())
	if code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	t.Log(strings.TrimSpace(stdout))
	db, err := postgis.Open(context.Background(), url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checks := []struct {
		name string
		sql  string
		want func(n int) bool
		says string
	}{
		{"streets", `SELECT count(*) FROM streets`, func(n int) bool { return n >= 3 }, "at least the 3 central streets"},
		{"central streets", `SELECT count(*) FROM streets WHERE name IN ('龙山街道', '玉屏街道', '音西街道')`, eq(3), "3"},
		{"communities of the central streets", `SELECT count(*) FROM communities WHERE street_code IN ('350181002', '350181003', '350181007')`, eq(62), "62 (all of them)"},
		{"grids", `SELECT count(*) FROM grids`, func(n int) bool { return n >= 300 }, "at least 300"},
		{"invalid geometries", `SELECT (SELECT count(*) FROM streets WHERE NOT ST_IsValid(geom)) + (SELECT count(*) FROM communities WHERE NOT ST_IsValid(geom)) + (SELECT count(*) FROM grids WHERE NOT ST_IsValid(geom))`, eq(0), "0"},
		{"overlapping grid pairs", `SELECT count(*) FROM grids a JOIN grids b ON a.code < b.code AND a.geom && b.geom AND ST_Relate(a.geom, b.geom, '2********')`, eq(0), "0"},
		{"grids outside their community", `SELECT count(*) FROM grids g JOIN communities c ON c.code = g.community_code WHERE NOT ST_CoveredBy(g.geom, c.geom)`, eq(0), "0"},
		{"communities not tiled by their grids", `SELECT count(*) FROM communities c WHERE NOT ST_Equals(c.geom, (SELECT ST_Union(geom) FROM grids g WHERE g.community_code = c.code))`, eq(0), "0"},
		{"融东社区 grids", `SELECT count(*) FROM grids WHERE community_code = '350181003003'`, eq(7), "7"},
		{"融东社区 grids without a red position", `SELECT count(*) FROM grids g WHERE community_code = '350181003003' AND NOT EXISTS (SELECT 1 FROM red_positions r WHERE r.grid_code = g.code)`, eq(0), "0"},
		{"融东社区 veterans' station", `SELECT count(*) FROM stations WHERE kind = 'veterans_station' AND name = '老兵志愿服务驿站' AND left(grid_code, 12) = '350181003003'`, eq(1), "1"},
		{"福百社区 deliberation halls", `SELECT count(*) FROM stations WHERE kind = 'deliberation_hall' AND name LIKE '邻和议事厅%' AND left(grid_code, 12) = '350181007010'`, eq(5), "5"},
		{"向高社区 one-click elderly orders", `SELECT count(*) FROM incidents WHERE channel = 'one_click_order' AND category = 'elderly_service' AND left(grid_code, 12) = '350181002009'`, func(n int) bool { return n > 0 }, "some"},
		{"grids without a party member", `SELECT count(*) FROM grids g WHERE NOT EXISTS (SELECT 1 FROM staff s WHERE s.grid_code = g.code AND s.role = 'party_member')`, func(n int) bool { return n > 0 }, "some, so gaps show"},
		{"incidents", `SELECT count(*) FROM incidents`, func(n int) bool { return n >= 5000 }, "at least 5,000"},
		{"incidents outside every grid", `SELECT count(*) FROM incidents WHERE assign_method <> 'contains'`, func(n int) bool { return n > 0 }, "some"},
		{"incidents reported in GCJ-02", `SELECT count(*) FROM incidents WHERE reported_crs = 'gcj02'`, func(n int) bool { return n > 0 }, "some"},
		{"assignments that disagree with PostGIS", `SELECT count(*) FROM incidents i JOIN grids g ON g.code = i.grid_code WHERE i.assign_method = 'contains' AND NOT ST_Intersects(g.geom, i.geom)`, eq(0), "0"},
	}
	if !strings.Contains(stdout, "incident times moved") {
		t.Errorf("the import does not say it moved the incident times:\n%s", stdout)
	}
	for _, c := range checks {
		var n int
		if err := db.Pool.QueryRow(context.Background(), c.sql).Scan(&n); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !c.want(n) {
			t.Errorf("%s: %d, want %s", c.name, n, c.says)
		} else {
			t.Logf("%s: %d", c.name, n)
		}
	}

	code, stdout, stderr = gridmapCmd(t, url, "import", "-q", geodataDir())
	if code != 0 {
		t.Fatalf("re-import: %s", stderr)
	}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if strings.Contains(line, " read, ") && !strings.Contains(line, " 0 inserted,      0 updated") {
			t.Errorf("re-import changed something: %s", line)
		}
	}

	a := startApp(t, url, nil)
	status, body := httpGet(t, "http://"+a.Addr()+"/api/v1/grids")
	var fc struct{ Features []json.RawMessage }
	if err := json.Unmarshal([]byte(body), &fc); status != 200 || err != nil || len(fc.Features) < 300 {
		t.Errorf("GET /api/v1/grids: %d, %d features", status, len(fc.Features))
	}
}

func eq(want int) func(int) bool { return func(n int) bool { return n == want } }

// TestImportMovesTheDemoToToday: the bundled dataset declares as_of, and an import moves its
// incident times forward by whole days to end on the importing day — here a day of the clock
// the test sets, far from the dataset's own — keeping each report's time of day; -keep-times
// keeps them as they are.
func TestImportMovesTheDemoToToday(t *testing.T) {
	at := time.Date(2027, 12, 1, 15, 30, 0, 0, gridmap.ChinaTime)
	newest := func(url string) time.Time {
		var s string = scalar(t, url, `SELECT to_char(max(reported_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') FROM incidents`)
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	kept, moved := testdb.New(t), testdb.New(t)
	if code, _, stderr := gridmapCmd(t, kept, "import", "-q", "-keep-times", geodataDir()); code != 0 {
		t.Fatalf("import -keep-times: %s", stderr)
	}
	env := map[string]string{"GRIDMAP_CLOCK": at.Format(time.RFC3339)}
	code, stdout, stderr := gridmapCmdEnv(t, moved, env, "import", "-q", geodataDir())
	if code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	original, shifted := newest(kept), newest(moved)
	if original.After(time.Date(2026, 11, 24, 0, 0, 0, 0, gridmap.ChinaTime)) {
		t.Errorf("with -keep-times the newest incident is at %v, after the dataset's as_of", original)
	}
	shift := shifted.Sub(original)
	if shift%(24*time.Hour) != 0 || shifted.After(at) || at.Sub(shifted) > 24*time.Hour {
		t.Errorf("the newest incident moved from %v to %v (by %v); want whole days, ending before %v and within a day of it", original, shifted, shift, at)
	}
	if want := fmt.Sprintf("moved %d days forward", int(shift.Hours()/24)); !strings.Contains(stdout, want) {
		t.Errorf("the import does not say %q:\n%s", want, stdout)
	}
	if n := scalar(t, moved, `SELECT count(*)::text FROM incidents WHERE reported_at > due_at OR resolved_at < reported_at`); n != "0" {
		t.Errorf("%s moved incidents are due or resolved before they were reported", n)
	}
	// The loop's histories move with them: no step after the clock, and the figures a city is
	// ranked by stay what the dataset draws (most responded to in time, most residents content)
	// on the calendar it lands on.
	if n := scalar(t, moved, fmt.Sprintf(`SELECT count(*)::text FROM incident_events WHERE kind <> 'report' AND at > '%s'`, at.Format(time.RFC3339))); n != "0" {
		t.Errorf("%s steps of the moved histories lie after the clock", n)
	}
	figures := scalar(t, moved, `SELECT concat_ws(' ', count(*) FILTER (WHERE first_dispatched_at IS NOT NULL),
		round(count(*) FILTER (WHERE first_responded_at <= first_response_due) / count(*) FILTER (WHERE first_dispatched_at IS NOT NULL)::numeric, 2),
		(SELECT round(count(*) FILTER (WHERE verdict IN ('satisfied', 'basically_satisfied')) / count(*) FILTER (WHERE verdict <> 'unreachable')::numeric, 2)
		 FROM incident_events WHERE kind = 'callback'),
		sum(reopened)) FROM incidents`)
	var dispatched, reopened int
	var response, satisfaction float64
	if _, err := fmt.Sscan(figures, &dispatched, &response, &satisfaction, &reopened); err != nil || dispatched < 5000 || response < 0.85 || satisfaction < 0.85 || satisfaction > 0.98 || reopened == 0 {
		t.Errorf("the moved demo's loop: %s dispatched, response rate, satisfaction rate, reopened (%v)", figures, err)
	}
}
