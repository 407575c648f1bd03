package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/testdb"
)

// TestDatePathsAYearAhead runs every date-sensitive path with the project's clock set a year
// ahead of the machine's (GRIDMAP_CLOCK=+8760h), far from the bundled dataset's own dates: the
// import moves the demo to end that day, the simulated city fills in the hours since midnight,
// and the key figures, the 24-hour chart, the heat tiles, hotspots, coverage, due times and
// overdue flags all read as on a working day of a living city.
func TestDatePathsAYearAhead(t *testing.T) {
	env := map[string]string{"GRIDMAP_CLOCK": "+8760h"}
	now := time.Now().Add(8760 * time.Hour)
	db := testdb.New(t)
	if code, _, stderr := gridmapCmdEnv(t, db, env, "import", "-q", geodataDir()); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	tok := bearer(newTokenEnv(t, db, env, "command-centre", "command", "city")) // made a year ahead too
	env["GRIDMAP_SIMULATE"] = "600"
	a := startApp(t, db, env)
	base := "http://" + a.Addr()
	get := func(path string, v any) {
		t.Helper()
		status, _, body := call(t, base, "GET", path, "", tok)
		if status != 200 {
			t.Fatalf("GET %s: %d %s", path, status, body)
		}
		if err := json.Unmarshal([]byte(body), v); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
	}
	var site struct {
		Now        time.Time
		Demo       bool
		Simulating bool
	}
	get("/api/v1/site", &site)
	if site.Now.Sub(now).Abs() > time.Minute || !site.Demo || !site.Simulating {
		t.Errorf("site: %+v, want now %v, a demo with a simulated city", site, now)
	}
	type stats struct {
		At        time.Time
		Incidents struct {
			Today, Week, Open, Overdue int
			ResolvedToday              int     `json:"resolved_today"`
			OnTime                     float64 `json:"on_time_rate_30d"`
		}
		Hourly []int `json:"hourly_24h"`
	}
	var st stats
	midnight := gridmap.Midnight(now)
	deadline := time.Now().Add(60 * time.Second)
	for {
		get("/api/v1/stats", &st)
		// Reports since midnight: filled in by the simulated city (none at all just after
		// midnight, when there were no hours to fill).
		if st.Incidents.Today > 0 || now.Sub(midnight) < 10*time.Minute {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a minute after start the wall still shows no incidents today: %+v", st.Incidents)
		}
		time.Sleep(time.Second)
	}
	if st.At.Sub(now).Abs() > time.Minute {
		t.Errorf("the figures are computed at %v, want the clock's %v", st.At, now)
	}
	if st.Incidents.Week < 100 || st.Incidents.Open == 0 || st.Incidents.OnTime == 0 {
		t.Errorf("figures a year ahead: %+v", st.Incidents)
	}
	if st.Incidents.Overdue*10 > st.Incidents.Open*6 {
		t.Errorf("%d of %d open incidents are overdue: the data has aged", st.Incidents.Overdue, st.Incidents.Open)
	}
	busy := 0
	for _, n := range st.Hourly {
		if n > 0 {
			busy++
		}
	}
	if busy < 12 {
		t.Errorf("the 24-hour chart has incidents in %d hours: %v", busy, st.Hourly)
	}

	// The wall's heat layer: incidents of the last 7 days by the server's clock, whole city.
	week := url.QueryEscape(midnight.AddDate(0, 0, -7).Format(time.RFC3339))
	var heat struct{ Features []json.RawMessage }
	get("/tiles/incidents/10/851/436.geojson?since="+week, &heat)
	if len(heat.Features) == 0 {
		t.Error("no incidents of the last 7 days in the heat tile")
	}
	var hot struct {
		Items []struct{ Incidents int }
	}
	get("/api/v1/hotspots", &hot)
	if len(hot.Items) == 0 || hot.Items[0].Incidents == 0 {
		t.Errorf("no hotspots over the default 30 days: %+v", hot.Items)
	}
	var cov struct {
		Grids []struct{ Incidents int }
	}
	get("/api/v1/coverage?street=350181003", &cov)
	sum := 0
	for _, g := range cov.Grids {
		sum += g.Incidents
	}
	if sum == 0 {
		t.Error("coverage counts no incidents in 龙山街道 over 30 days")
	}

	// A new report is due in working hours after it, and not overdue.
	status, _, body := call(t, base, "POST", "/api/v1/incidents", `{"lon":119.3779,"lat":25.7464,"category":"safety_hazard","channel":"grid_patrol"}`, tok)
	var in struct {
		ReportedAt time.Time `json:"reported_at"`
		DueAt      time.Time `json:"due_at"`
		Overdue    bool
	}
	if err := json.Unmarshal([]byte(body), &in); status != 201 || err != nil {
		t.Fatalf("report: %d %s", status, body)
	}
	if in.ReportedAt.Sub(now).Abs() > time.Minute || !in.DueAt.After(in.ReportedAt) || in.Overdue {
		t.Errorf("a report a year ahead: reported %v, due %v, overdue %v", in.ReportedAt, in.DueAt, in.Overdue)
	}

	// The simulated city keeps reporting on its own, once it has played the lives of the
	// reports it filled in (a busy machine takes longer: the bound is only for a city that stopped).
	var list struct {
		Items []struct {
			ID        int64
			Simulated bool
		}
	}
	get("/api/v1/incidents?limit=1", &list)
	first := list.Items[0].ID
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(time.Second) {
		get("/api/v1/incidents?limit=1", &list)
		if list.Items[0].ID > first && list.Items[0].Simulated {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal(fmt.Sprintf("no new simulated incident in 3 minutes after %d", first))
		}
	}
}
