package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridmap/gridmap/internal/tiles"
)

// tileGet fetches a tile and returns its status, ETag and body.
func tileGet(t *testing.T, url string) (int, string, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("ETag"), string(b)
}

// pollTile requests url until ok accepts the body, and returns how long that took.
func pollTile(t *testing.T, url string, ok func(body string) bool) time.Duration {
	t.Helper()
	start := time.Now()
	for time.Since(start) < 15*time.Second {
		if code, _, body := tileGet(t, url); code == 200 && ok(body) {
			return time.Since(start)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s never showed the change", url)
	return 0
}

// TestTilesFollowNewIncidents runs two servers on one database and posts an incident to A:
// A's very next tile request shows it (its intake hook dropped the tile before answering 201),
// and B's tiles follow through the database's change notice.
func TestTilesFollowNewIncidents(t *testing.T) {
	a, url := miniApp(t)
	tok := commandToken(t, url)
	b := startApp(t, a.cfg.DatabaseURL, map[string]string{"GRIDMAP_INDEX_REFRESH": "0"})
	baseA, baseB := "http://"+a.Addr(), "http://"+b.Addr()
	p := orb.Point{119.3755, 25.7255}
	single := fmt.Sprintf("/tiles/incidents/%s.geojson", tiles.At(p, 17))
	clusters := fmt.Sprintf("/tiles/incidents/%s.mvt", tiles.At(p, 12))
	grid := fmt.Sprintf("/tiles/grids/%s.geojson", tiles.At(p, 13))

	// Both instances have drawn (and cached) the tiles before the incident arrives.
	etags := map[string]string{}
	for _, base := range []string{baseA, baseB} {
		for _, path := range []string{single, clusters} {
			code, tag, body := tileGet(t, base+path)
			if code != 200 {
				t.Fatalf("%s%s: %d %s", base, path, code, body)
			}
			etags[base+path] = tag
		}
	}

	code, body := httpDo(t, "POST", baseA+"/api/v1/incidents", fmt.Sprintf(`{"lon":%v,"lat":%v,"category":"safety_hazard","channel":"hotline_12345","reporter":"13800000000"}`, p[0], p[1]), tok)
	if code != 201 {
		t.Fatalf("report: %d %s", code, body)
	}
	var created struct{ ID int64 }
	json.Unmarshal([]byte(body), &created)
	mark := fmt.Sprintf(`"id":%d`, created.ID)

	// A: the very next request, no waiting.
	if _, tag, body := tileGet(t, baseA+single); tag == etags[baseA+single] || !strings.Contains(body, mark) {
		t.Fatalf("A's next tile does not show incident %d (ETag changed: %v): %s", created.ID, tag != etags[baseA+single], body)
	}
	if _, tag, _ := tileGet(t, baseA+clusters); tag == etags[baseA+clusters] {
		t.Error("A's next cluster tile did not change")
	}

	// B: within a moment, through NOTIFY.
	took := pollTile(t, baseB+single, func(body string) bool { return strings.Contains(body, mark) })
	t.Logf("B's tile showed the incident after %v", took)
	if _, tag, _ := tileGet(t, baseB+clusters); tag == etags[baseB+clusters] {
		t.Error("B's cluster tile did not change")
	}
	// Both draw the same bytes for the same data, whichever path each took.
	_, tagA, _ := tileGet(t, baseA+single)
	_, tagB, _ := tileGet(t, baseB+single)
	if tagA != tagB {
		t.Errorf("A and B tag the same tile differently: %s and %s", tagA, tagB)
	}

	// The grid's open-incident count follows on both, after the grid layer's next rebuild.
	for _, base := range []string{baseA, baseB} {
		took := pollTile(t, base+grid, func(body string) bool {
			var fc struct {
				Features []struct{ Properties map[string]any } `json:"features"`
			}
			json.Unmarshal([]byte(body), &fc)
			for _, f := range fc.Features {
				if f.Properties["code"] == "350181003003001" {
					return f.Properties["open_incidents"] == float64(1)
				}
			}
			return false
		})
		t.Logf("%s: the grid's open incidents followed after %v", base, took)
	}
}
