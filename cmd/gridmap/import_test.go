package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/internal/dataset/datasettest"
	"github.com/gridmap/gridmap/internal/postgis"
	"github.com/gridmap/gridmap/internal/testdb"
)

// gridmapCmd runs the command line in-process against the database at url.
func gridmapCmd(t *testing.T, url string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return gridmapCmdEnv(t, url, nil, args...)
}

// stdinKey is the key of gridmapCmdEnv's map whose value is piped to the command's standard input.
const stdinKey = "<stdin>"

func stdinOf(extra map[string]string) string { return extra[stdinKey] }

// gridmapCmdEnv runs the command line with more environment variables set (and stdinKey's
// value on standard input).
func gridmapCmdEnv(t *testing.T, url string, extra map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := map[string]string{"DATABASE_URL": url, "GRIDMAP_LOG_LEVEL": "warn"}
	for k, v := range extra {
		env[k] = v
	}
	code = run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdinOf(extra)), &out, &errOut)
	return code, out.String(), errOut.String()
}

// scalar runs one query returning one text value in the database at url.
func scalar(t *testing.T, url, sql string) string {
	t.Helper()
	db, err := postgis.Open(context.Background(), url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var s string
	if err := db.Pool.QueryRow(context.Background(), sql).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func tableCounts(t *testing.T, url string) string {
	t.Helper()
	return scalar(t, url, `SELECT concat_ws(',', (SELECT count(*) FROM streets), (SELECT count(*) FROM communities),
		(SELECT count(*) FROM grids), (SELECT md5(string_agg(code || households || ST_AsEWKT(geom), ',' ORDER BY code)) FROM grids),
		(SELECT count(*) FROM red_positions), (SELECT count(*) FROM stations), (SELECT count(*) FROM staff))`)
}

// TestImportBadDatasets feeds the command each kind of bad dataset the issue names and checks
// that it fails, names the file, line, feature and reason, and leaves the database as it was.
func TestImportBadDatasets(t *testing.T) {
	url := testdb.New(t)
	good := datasettest.Mini(t, datasettest.Edit{File: "incidents.geojson", New: "<delete>"})
	if code, _, stderr := gridmapCmd(t, url, "import", "-q", good); code != 0 {
		t.Fatalf("good dataset: exit %d: %s", code, stderr)
	}
	before := tableCounts(t, url)
	const grid2 = `{"type":"Polygon","coordinates":[[[119.38,25.72],[119.39,25.72],[119.39,25.74],[119.38,25.74],[119.38,25.72]]]}`
	noIncidents := datasettest.Edit{File: "incidents.geojson", New: "<delete>"}
	tests := []struct {
		name string
		edit datasettest.Edit
		want []string
	}{
		{"self-intersecting polygon", datasettest.Edit{File: "grids.geojson", Old: grid2,
			New: `{"type":"Polygon","coordinates":[[[119.38,25.72],[119.39,25.74],[119.39,25.72],[119.38,25.74],[119.38,25.72]]]}`},
			[]string{"grids.geojson:3: feature 1 (grids 350181003003002)", "Self-intersection"}},
		{"overlapping grids", datasettest.Edit{File: "grids.geojson", Old: grid2,
			New: `{"type":"Polygon","coordinates":[[[119.378,25.72],[119.39,25.72],[119.39,25.74],[119.378,25.74],[119.378,25.72]]]}`},
			[]string{"grids.geojson:2: feature 0 (grids 350181003003001)", "overlaps grids 350181003003002"}},
		{"grid outside its community", datasettest.Edit{File: "grids.geojson", Old: grid2,
			New: `{"type":"Polygon","coordinates":[[[119.38,25.72],[119.41,25.72],[119.41,25.74],[119.38,25.74],[119.38,25.72]]]}`},
			[]string{"grids.geojson:3: feature 1 (grids 350181003003002)", "outside its community 350181003003"}},
		{"malformed code", datasettest.Edit{File: "grids.geojson", Old: `"code":"350181003003002"`, New: `"code":"3501810030030020"`},
			[]string{"grids.geojson:3: feature 1", "malformed grid code \"3501810030030020\""}},
		{"unknown parent", datasettest.Edit{File: "communities.geojson", Old: `"code":"350181003003","name":"融东社区","kind":"社区","street":"350181003"`,
			New: `"code":"350181009003","name":"融东社区","kind":"社区","street":"350181009"`},
			[]string{"communities.geojson:2: feature 0 (communities 350181009003)", "unknown parent: street 350181009"}},
		{"coordinates out of range", datasettest.Edit{File: "grids.geojson", Old: `[119.39,25.74],[119.38,25.74]`, New: `[119.39,95.74],[119.38,25.74]`},
			[]string{"grids.geojson:3: feature 1 (grids 350181003003002)", "out of range"}},
		{"truncated JSON", datasettest.Edit{File: "grids.geojson", Old: `"households":280,"population":800,"synthetic":true}}`, New: `"households":280,"popul`},
			[]string{"grids.geojson:3: feature 1", "truncated"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := datasettest.Mini(t, tt.edit, noIncidents)
			code, stdout, stderr := gridmapCmd(t, url, "import", "-q", dir)
			if code != 1 {
				t.Fatalf("exit %d, want 1; stdout %q stderr %q", code, stdout, stderr)
			}
			if !strings.Contains(stderr, "nothing was changed") {
				t.Errorf("stderr does not say nothing changed: %s", stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr does not mention %q:\n%s", w, stderr)
				}
			}
			if after := tableCounts(t, url); after != before {
				t.Errorf("database changed: %s -> %s", before, after)
			}
		})
	}
}

func TestUsageAndConfigErrors(t *testing.T) {
	if code, _, stderr := gridmapCmd(t, "", "frobnicate"); code != 2 || !strings.Contains(stderr, "unknown command") {
		t.Errorf("unknown command: %d %s", code, stderr)
	}
	if code, stdout, _ := gridmapCmd(t, "", "help"); code != 0 || !strings.Contains(stdout, "DATABASE_URL") {
		t.Errorf("help: %d %s", code, stdout)
	}
	if code, _, stderr := gridmapCmd(t, "", "migrate"); code != 1 || !strings.Contains(stderr, "DATABASE_URL") {
		t.Errorf("missing DATABASE_URL: %d %s", code, stderr)
	}
}

// TestImportHistory imports an incident with its loop's history: replayed through the loop's
// own steps, stored as its events with the state they leave; and refuses histories that do
// not fit, naming the feature and the step, with nothing stored.
func TestImportHistory(t *testing.T) {
	url := testdb.New(t)
	const mini1 = `"reported_at":"2026-11-20T09:15:00+08:00","status":"closed"`
	history := func(status, steps string) datasettest.Edit {
		return datasettest.Edit{File: "incidents.geojson", Old: mini1,
			New: `"reported_at":"2026-11-20T09:15:00+08:00","status":"` + status + `","history":[` + steps + `]`}
	}
	const lived = `{"kind":"dispatch","at":"2026-11-20T09:40:00+08:00","staff":"st-000001","by":"市12345指挥中心"},
		{"kind":"respond","at":"2026-11-20T10:05:00+08:00","by":"林测试"},
		{"kind":"progress","at":"2026-11-20T11:00:00+08:00","note":"已联系环卫","by":"林测试"},
		{"kind":"resolve","at":"2026-11-20T15:30:00+08:00","note":"已清运","by":"林测试"},
		{"kind":"callback","at":"2026-11-21T10:00:00+08:00","verdict":"dissatisfied","note":"仍有异味"},
		{"kind":"resolve","at":"2026-11-21T16:00:00+08:00","note":"已冲洗地面","by":"林测试"},
		{"kind":"callback","at":"2026-11-22T09:00:00+08:00","verdict":"satisfied"}`
	for _, tt := range []struct {
		name string
		edit datasettest.Edit
		want []string
	}{
		{"a step out of order", history("closed", `{"kind":"respond","at":"2026-11-20T09:40:00+08:00"}`),
			[]string{"incidents.geojson:2: feature 0 (incidents mini-1): history[0] (respond", "the incident is assigned: only a dispatched incident is responded to"}},
		{"staff of no grid of it", history("dispatched", `{"kind":"dispatch","at":"2026-11-20T09:40:00+08:00","staff":"st-999999"}`),
			[]string{"(incidents mini-1)", "history[0].staff", `no staff member "st-999999" serves grid 350181003003001`}},
		{"an unknown department", history("dispatched", `{"kind":"dispatch","at":"2026-11-20T09:40:00+08:00","department":"moon"}`),
			[]string{"history[0].department", `no department "moon"`}},
		{"a status the history does not reach", history("closed", `{"kind":"dispatch","at":"2026-11-20T09:40:00+08:00","staff":"st-000001"}`),
			[]string{"status: status is closed but the history ends in dispatched"}},
		{"a time before the report", history("dispatched", `{"kind":"dispatch","at":"2026-11-19T09:40:00+08:00","staff":"st-000001"}`),
			[]string{"history[0].at", "before the step or report before it"}},
		{"a callback without a verdict", history("closed", `{"kind":"dispatch","at":"2026-11-20T09:40:00+08:00","staff":"st-000001"},{"kind":"callback","at":"2026-11-20T10:40:00+08:00"}`),
			[]string{"history[1].verdict"}},
		{"an unknown field", history("dispatched", `{"kind":"dispatch","at":"2026-11-20T09:40:00+08:00","staff":"st-000001","who":"x"}`),
			[]string{`unknown property "who"`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := gridmapCmd(t, url, "import", "-q", "-keep-times", datasettest.Mini(t, tt.edit))
			if code != 1 || !strings.Contains(stderr, "nothing was changed") {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr does not mention %q:\n%s", w, stderr)
				}
			}
			if n := scalar(t, url, `SELECT count(*)::text FROM incidents`); n != "0" {
				t.Errorf("%s incidents stored after a refused import", n)
			}
		})
	}

	if code, _, stderr := gridmapCmd(t, url, "import", "-q", "-keep-times", datasettest.Mini(t, history("closed", lived))); code != 0 {
		t.Fatal(stderr)
	}
	got := scalar(t, url, `SELECT string_agg(e.kind || ':' || e.to_status || ':' || e.actor, ' ' ORDER BY e.id) FROM incident_events e
		JOIN incidents i ON i.id = e.incident_id WHERE i.client_key LIKE '%mini-1'`)
	want := "report:assigned:import dispatch:dispatched:市12345指挥中心 respond:accepted:林测试 progress:in_progress:林测试 " +
		"status:resolved:林测试 callback:in_progress:import status:resolved:林测试 callback:closed:import"
	if got != want {
		t.Errorf("events:\n%s\nwant\n%s", got, want)
	}
	state := scalar(t, url, `SELECT concat_ws(' ', status, assignee_staff_id, satisfaction, reopened, dissatisfied,
		to_char(first_responded_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD HH24:MI'), to_char(resolved_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD HH24:MI'),
		to_char(updated_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD HH24:MI')) FROM incidents WHERE client_key LIKE '%mini-1'`)
	if state != "closed st-000001 satisfied 1 1 11-20 10:05 11-21 16:00 11-22 09:00" {
		t.Errorf("the incident after its history: %s", state)
	}
	// A re-import skips it: its history is not stored twice.
	if code, _, stderr := gridmapCmd(t, url, "import", "-q", "-keep-times", datasettest.Mini(t, history("closed", lived))); code != 0 {
		t.Fatal(stderr)
	}
	if n := scalar(t, url, `SELECT count(*)::text FROM incident_events e JOIN incidents i ON i.id = e.incident_id WHERE i.client_key LIKE '%mini-1'`); n != "8" {
		t.Errorf("%s events after a re-import, want 8", n)
	}
}
