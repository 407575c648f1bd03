package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/internal/dataset/datasettest"
	"github.com/gridmap/gridmap/internal/testdb"
)

// TestBareDateMeansOneThing: a bare date names a day in China Standard Time in every endpoint
// that filters incidents. Two incidents an hour either side of midnight China time on
// 2026-11-20 (15:00 and 17:00 UTC on the 19th) are split the same way by the incident list,
// the hotspots, the tiles and the OGC feature service.
func TestBareDateMeansOneThing(t *testing.T) {
	url := testdb.New(t)
	d := datasettest.Mini(t,
		datasettest.Edit{File: "incidents.geojson", Old: "2026-11-20T09:15:00+08:00", New: "2026-11-19T23:00:00+08:00"},
		datasettest.Edit{File: "incidents.geojson", Old: "2026-11-21T10:00:00+08:00", New: "2026-11-20T01:00:00+08:00"},
		datasettest.Edit{File: "incidents.geojson", Old: "2026-11-22T11:00:00+08:00", New: "2026-11-21T01:00:00+08:00"},
	)
	if code, _, stderr := gridmapCmd(t, url, "import", "-q", d); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	tok := bearer(commandToken(t, url))
	base := "http://" + startApp(t, url, nil).Addr()
	count := func(path, field string) int {
		t.Helper()
		status, _, body := call(t, base, "GET", path, "", tok)
		if status != 200 {
			t.Fatalf("GET %s: %d %s", path, status, body)
		}
		var v map[string]json.RawMessage
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatal(err)
		}
		var items []json.RawMessage
		json.Unmarshal(v[field], &items)
		if field == "items" && strings.Contains(path, "hotspots") {
			n := 0
			for _, it := range items {
				var h struct{ Incidents int }
				json.Unmarshal(it, &h)
				n += h.Incidents
			}
			return n
		}
		return len(items)
	}
	// The tiles at z15 holding mini-1 (grid 1) and mini-2 (grid 2).
	const tile1, tile2 = "/tiles/incidents/15/27249/13959.geojson", "/tiles/incidents/15/27250/13958.geojson"
	tests := []struct {
		name, path, field string
		want              int
	}{
		{"list since the day", "/api/v1/incidents?since=2026-11-20", "items", 2},
		{"list until the day, which it includes", "/api/v1/incidents?until=2026-11-20", "items", 2},
		{"list on the day", "/api/v1/incidents?since=2026-11-20&until=2026-11-20", "items", 1},
		{"hotspots since the day", "/api/v1/hotspots?since=2026-11-20&until=2026-11-22", "items", 1},
		{"tiles since the day: not the incident before it", tile1 + "?since=2026-11-20", "features", 0},
		{"tiles since the day: the incident after it", tile2 + "?since=2026-11-20", "features", 1},
		{"tiles on the day before: the incident before midnight", tile1 + "?since=2026-11-19&until=2026-11-19", "features", 1},
		{"tiles on the day before: not the incident after it", tile2 + "?since=2026-11-19&until=2026-11-19", "features", 0},
		{"OGC on the day", "/ogc/collections/incidents/items?datetime=2026-11-20", "features", 1},
		{"OGC from the day on", "/ogc/collections/incidents/items?datetime=2026-11-20/..", "features", 2},
		{"OGC up to the day, which it includes", "/ogc/collections/incidents/items?datetime=../2026-11-20", "features", 2},
	}
	for _, tt := range tests {
		if got := count(tt.path, tt.field); got != tt.want {
			t.Errorf("%s: GET %s holds %d incidents, want %d", tt.name, tt.path, got, tt.want)
		}
	}
}
