package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/dataset/datasettest"
	"github.com/gridmap/gridmap/internal/testdb"
)

func TestAnalyticsEndpoints(t *testing.T) {
	url := testdb.New(t)
	if code, _, stderr := gridmapCmd(t, url, "import", "-q", datasettest.Dir()); code != 0 {
		t.Fatal(stderr)
	}
	tok := commandToken(t, url)
	base := "http://" + startApp(t, url, nil).Addr()
	get := func(path string) (int, string) { return httpDo(t, "GET", base+path, "", tok) }

	code, body := get("/api/v1/coverage?community=350181003003&walk_m=300")
	var cov struct {
		Grids []struct {
			Code            string   `json:"code"`
			PartyMembers    int      `json:"party_members"`
			NearestStationM *float64 `json:"nearest_station_m"`
			Gaps            []string `json:"gaps"`
		} `json:"grids"`
		Gaps map[string]int `json:"gaps"`
	}
	if err := json.Unmarshal([]byte(body), &cov); code != 200 || err != nil || len(cov.Grids) != 2 {
		t.Fatalf("coverage: %d %s", code, body)
	}
	// Grid 2 has no staff at all and its station inside; grid 1 has a party member and a red
	// position, and the station 1 km east is beyond 300 m.
	g1, g2 := cov.Grids[0], cov.Grids[1]
	if g1.PartyMembers != 1 || strings.Join(g1.Gaps, ",") != "no_station_nearby" {
		t.Errorf("grid 1: %+v", g1)
	}
	if strings.Join(g2.Gaps, ",") != "no_grid_worker,no_party_member,no_red_position_nearby" {
		t.Errorf("grid 2: %+v", g2)
	}
	if code, body := get("/api/v1/coverage?walk_m=5"); code != 400 || !strings.Contains(body, `"field":"walk_m"`) {
		t.Errorf("bad walk_m: %d %s", code, body)
	}
	if code, body := get("/api/v1/tiling?street=350181003"); code != 200 || !strings.Contains(body, `"features":[]`) {
		t.Errorf("tiling: %d %s", code, body)
	}
	if code, body := httpGet(t, base+"/api/v1/stats"); code != 200 || !strings.Contains(body, `"grids":2`) || !strings.Contains(body, `"hourly_24h":[`) {
		t.Errorf("stats: %d %s", code, body)
	}
	if code, body := get("/api/v1/hotspots?since=2026-01-01&f=geojson"); code != 200 || !strings.Contains(body, `"per_100_households"`) {
		t.Errorf("hotspots: %d %s", code, body)
	}
}

// readEvent reads the next event of a server-sent event stream: its id (the audit trail's),
// its name and the id of the incident it is about.
func readEvent(t *testing.T, r *bufio.Reader) (eventID int64, name string, incident int64) {
	t.Helper()
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("event stream ended: %v", err)
		}
		switch {
		case strings.HasPrefix(line, "id: "):
			fmt.Sscanf(line, "id: %d", &eventID)
		case strings.HasPrefix(line, "event: "):
			name = strings.TrimSpace(strings.TrimPrefix(line, "event: "))
		case strings.HasPrefix(line, "data: ") && name == "ready":
			name = "" // where the stream starts, not a change
		case strings.HasPrefix(line, "data: ") && name != "":
			data := strings.TrimPrefix(line, "data: ")
			if strings.Contains(data, "reporter") || strings.Contains(data, "description") {
				t.Errorf("public event data shows personal data: %s", data)
			}
			var v struct {
				ID       int64
				Incident struct{ ID int64 }
			}
			json.Unmarshal([]byte(data), &v)
			if name == "incident" {
				return eventID, name, v.ID
			}
			return eventID, name, v.Incident.ID
		}
	}
}

func TestLiveEvents(t *testing.T) {
	url := testdb.New(t)
	if code, _, stderr := gridmapCmd(t, url, "import", "-q", datasettest.Dir()); code != 0 {
		t.Fatal(stderr)
	}
	tok := commandToken(t, url)
	a := startApp(t, url, nil)
	b := startApp(t, url, nil)
	baseA, baseB := "http://"+a.Addr(), "http://"+b.Addr()
	client := &http.Client{Timeout: 20 * time.Second}
	// A display watches instance B; reports arrive through instance A.
	resp, err := client.Get(baseB + "/api/v1/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("content type %q", ct)
	}
	r := bufio.NewReader(resp.Body)
	var ids, events []int64
	for i := 0; i < 3; i++ {
		code, body := httpDo(t, "POST", baseA+"/api/v1/incidents", fmt.Sprintf(`{"lon":119.375,"lat":25.73,"category":"noise","channel":"wechat_group","reporter":"1390000%04d"}`, i), tok)
		if code != 201 {
			t.Fatalf("report: %d %s", code, body)
		}
		var in struct{ ID int64 }
		json.Unmarshal([]byte(body), &in)
		ev, name, got := readEvent(t, r)
		if name != "incident" || got != in.ID {
			t.Fatalf("event %s about %d, want an incident event about %d", name, got, in.ID)
		}
		ids, events = append(ids, in.ID), append(events, ev)
	}
	// A later step of the loop reaches the display too, as a change.
	if code, body := httpDo(t, "POST", fmt.Sprintf("%s/api/v1/incidents/%d/dispatch", baseA, ids[0]), `{"staff":"st-000001"}`, tok); code != 200 {
		t.Fatalf("dispatch: %d %s", code, body)
	}
	if _, name, got := readEvent(t, r); name != "change" || got != ids[0] {
		t.Errorf("after a dispatch the stream sent %s about %d, want a change about %d", name, got, ids[0])
	}
	// A display that reconnects with Last-Event-ID gets what it missed, first.
	req, _ := http.NewRequest("GET", baseA+"/api/v1/events", nil)
	req.Header.Set("Last-Event-ID", fmt.Sprint(events[0]))
	resp2, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp2.Body.Close()
	r2 := bufio.NewReader(resp2.Body)
	_, _, gotA := readEvent(t, r2)
	_, _, gotB := readEvent(t, r2)
	if gotA != ids[1] || gotB != ids[2] {
		t.Errorf("resumed with %d, %d; want %d, %d", gotA, gotB, ids[1], ids[2])
	}
}
