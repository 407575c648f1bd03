package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/dataset/datasettest"
	"github.com/gridmap/gridmap/internal/postgis"
	"github.com/gridmap/gridmap/internal/testdb"
)

func locateGrid(t *testing.T, base string, lon, lat float64) string {
	t.Helper()
	code, body := httpGet(t, fmt.Sprintf("%s/api/v1/locate?lon=%v&lat=%v", base, lon, lat))
	if code != 200 {
		t.Fatalf("locate: %d %s", code, body)
	}
	var r struct {
		Result struct {
			Grid *struct{ Code string } `json:"grid"`
		} `json:"result"`
	}
	json.Unmarshal([]byte(body), &r)
	if r.Result.Grid == nil {
		return ""
	}
	return r.Result.Grid.Code
}

// httpDo sends a request with an API token ("" for none).
func httpDo(t *testing.T, method, url, body, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, b := roundTrip(t, http.DefaultClient, req)
	return resp.StatusCode, string(b)
}

func square(minLon, maxLon float64) string {
	return fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%[1]v,25.72],[%[2]v,25.72],[%[2]v,25.74],[%[1]v,25.74],[%[1]v,25.72]]]}`, minLon, maxLon)
}

// waitFor polls until the instance at base places the point in want, and returns how long that took.
func waitFor(t *testing.T, base string, lon, lat float64, want string) time.Duration {
	t.Helper()
	start := time.Now()
	for time.Since(start) < 10*time.Second {
		if locateGrid(t, base, lon, lat) == want {
			return time.Since(start)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s never placed (%v, %v) in %q", base, lon, lat, want)
	return 0
}

// TestTwoInstancesFollowGridChanges runs two servers on one database, changes grid boundaries
// through one, and checks that the other's lookups follow — also after its LISTEN connection
// was cut — and that open incidents moved with an audit event.
func TestTwoInstancesFollowGridChanges(t *testing.T) {
	url := testdb.New(t)
	if code, _, stderr := gridmapCmd(t, url, "import", "-q", datasettest.Dir()); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	tok := commandToken(t, url)
	a := startApp(t, url, map[string]string{"GRIDMAP_INDEX_REFRESH": "0"})
	b := startApp(t, url, map[string]string{"GRIDMAP_INDEX_REFRESH": "0"})
	baseA, baseB := "http://"+a.Addr(), "http://"+b.Addr()
	const lon, lat = 119.3795, 25.73
	if g := locateGrid(t, baseB, lon, lat); g != "350181003003001" {
		t.Fatalf("before the change B says %q", g)
	}
	code, body := httpDo(t, "POST", baseA+"/api/v1/incidents", fmt.Sprintf(`{"lon":%v,"lat":%v,"category":"noise","channel":"grid_patrol"}`, lon, lat), tok)
	if code != 201 {
		t.Fatalf("report: %d %s", code, body)
	}
	var created struct{ ID int64 }
	json.Unmarshal([]byte(body), &created)

	// Move the shared edge west: shrink grid 1, then grow grid 2 into the freed strip.
	for _, step := range []struct{ code, name, geom string }{
		{"350181003003001", "融东社区第1网格", square(119.37, 119.378)},
		{"350181003003002", "融东社区第2网格", square(119.378, 119.39)},
	} {
		code, body := httpDo(t, "PUT", baseA+"/api/v1/grids/"+step.code,
			`{"type":"Feature","geometry":`+step.geom+`,"properties":{"name":"`+step.name+`","households":300,"population":900}}`, tok)
		if code != 200 {
			t.Fatalf("PUT %s: %d %s", step.code, code, body)
		}
	}
	took := waitFor(t, baseB, lon, lat, "350181003003002")
	t.Logf("instance B followed the change in %v", took)

	// The open incident moved with the boundary, with an audit event that says why.
	_, body = httpDo(t, "GET", fmt.Sprintf("%s/api/v1/incidents/%d", baseB, created.ID), "", tok)
	if !strings.Contains(body, `"code":"350181003003002"`) || strings.Count(body, `"to":"assigned"`) != 2 {
		t.Errorf("incident not reassigned: %s", body)
	}
	check, err := postgis.Open(context.Background(), url, nil)
	if err != nil {
		t.Fatal(err)
	}
	var note string
	err = check.Pool.QueryRow(context.Background(), `SELECT note FROM incident_events WHERE incident_id = $1 ORDER BY id DESC LIMIT 1`, created.ID).Scan(&note)
	check.Close()
	if err != nil || !strings.Contains(note, "reassigned: grid boundaries changed by an edit of grid 350181003003001 through the API") {
		t.Errorf("the reassignment's audit note reads %q (%v)", note, err)
	}

	// Cut B's LISTEN connection; B must reconnect, resync and follow the next change.
	db, err := postgis.Open(context.Background(), url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var cut int
	err = db.Pool.QueryRow(context.Background(), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
WHERE datname = current_database() AND query = 'LISTEN gridmap_changes'`).Scan(&cut)
	if err != nil || cut != 2 {
		t.Fatalf("terminated %d listeners (%v), want 2", cut, err)
	}
	for _, step := range []struct{ code, name, geom string }{
		{"350181003003002", "融东社区第2网格", square(119.38, 119.39)},
		{"350181003003001", "融东社区第1网格", square(119.37, 119.38)},
	} {
		code, body := httpDo(t, "PUT", baseA+"/api/v1/grids/"+step.code,
			`{"type":"Feature","geometry":`+step.geom+`,"properties":{"name":"`+step.name+`","households":300,"population":900}}`, tok)
		if code != 200 {
			t.Fatalf("PUT %s: %d %s", step.code, code, body)
		}
	}
	t.Logf("after its listener was cut, B followed in %v", waitFor(t, baseB, lon, lat, "350181003003001"))
}
