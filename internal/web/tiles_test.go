package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"

	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/intake"
	"github.com/gridmap/gridmap/internal/postgis"
	"github.com/gridmap/gridmap/internal/tiles"
	"github.com/gridmap/gridmap/internal/tileservice"
	"github.com/gridmap/gridmap/internal/web"
)

// newTileServer serves the mini dataset's divisions and places with tiles, intake wired to
// the tile service as cmd/gridmap wires it, and no change listener: whatever a test sees
// change in a tile was dropped by this instance's own hooks.
func newTileServer(t *testing.T, opts web.Options) *web.Server {
	t.Helper()
	deps := tileDeps(t)
	tok := withAccounts(t, &deps, deps.Health.(*postgis.DB))
	return serve(web.New(deps, opts), tok)
}

// tileDeps are newTileServer's dependencies.
func tileDeps(t testing.TB) web.Deps {
	t.Helper()
	ctx := context.Background()
	db := openMini(t)
	locator := miniLocator(t, db)
	ts := tileservice.New(db, tileservice.Options{CacheBytes: 1 << 20})
	if err := ts.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	return web.Deps{Divisions: db, Incidents: db, Features: db, Health: db, Locator: locator, Tiles: ts,
		Intake: &intake.Service{Store: db, Locator: locator, Stored: ts.IncidentsStored}}
}

func getWith(t *testing.T, s *web.Server, target string, header ...string) response {
	t.Helper()
	return send(t, s, httptest.NewRequest(http.MethodGet, target, nil), header...)
}

// tilePath is the URL of the tile at zoom z holding p.
func tilePath(layer string, p orb.Point, z uint32, ext string) string {
	return fmt.Sprintf("/tiles/%s/%s.%s", layer, tiles.At(p, z), ext)
}

var miniCentre = orb.Point{119.38, 25.73}

func TestTileRoutes(t *testing.T) {
	s := newTileServer(t, web.Options{})
	tests := []struct {
		layer string
		z     uint32
		n     int
		props []string // present on every feature
	}{
		{"streets", 13, 1, []string{"code", "name"}},
		{"communities", 13, 1, []string{"code", "name", "kind", "street", "grids"}},
		{"grids", 13, 2, []string{"code", "name", "community", "street", "households", "grid_workers", "party_members",
			"households_covered", "red_positions", "stations", "open_incidents"}},
		{"red_positions", 13, 1, []string{"code", "name", "kind", "grid"}},
		{"stations", 13, 1, []string{"code", "name", "kind", "grid"}},
		{"incidents", 13, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.layer, func(t *testing.T) {
			r := get(t, s, tilePath(tt.layer, miniCentre, tt.z, "geojson"))
			if r.status != 200 || r.header.Get("Content-Type") != "application/geo+json" {
				t.Fatalf("geojson: %d %q %s", r.status, r.header.Get("Content-Type"), r.body)
			}
			for _, h := range []string{"ETag", "Cache-Control", "Vary"} {
				if r.header.Get(h) == "" {
					t.Errorf("geojson tile without %s", h)
				}
			}
			var fc struct {
				Type     string `json:"type"`
				Features []struct {
					Properties map[string]any `json:"properties"`
				} `json:"features"`
			}
			if err := json.Unmarshal(r.body, &fc); err != nil || fc.Type != "FeatureCollection" {
				t.Fatalf("geojson: %v %s", err, r.body)
			}
			if len(fc.Features) != tt.n {
				t.Fatalf("geojson has %d features, want %d", len(fc.Features), tt.n)
			}
			for _, f := range fc.Features {
				for _, p := range tt.props {
					if _, ok := f.Properties[p]; !ok {
						t.Errorf("geojson feature lacks %s: %v", p, f.Properties)
					}
				}
			}

			r = get(t, s, tilePath(tt.layer, miniCentre, tt.z, "mvt"))
			if r.status != 200 || r.header.Get("Content-Type") != "application/vnd.mapbox-vector-tile" {
				t.Fatalf("mvt: %d %q", r.status, r.header.Get("Content-Type"))
			}
			layers, err := mvt.Unmarshal(r.body)
			if err != nil {
				t.Fatalf("mvt: %v", err)
			}
			n := 0
			for _, l := range layers {
				if l.Name != tt.layer {
					t.Errorf("mvt layer %q, want %q", l.Name, tt.layer)
				}
				n += len(l.Features)
				for _, f := range l.Features {
					for _, p := range tt.props {
						if _, ok := f.Properties[p]; !ok {
							t.Errorf("mvt feature lacks %s: %v", p, f.Properties)
						}
					}
				}
			}
			if n != tt.n {
				t.Errorf("mvt has %d features, want %d", n, tt.n)
			}
		})
	}
}

// TestNewIncidentInTheNextTile posts incidents through the API and wants the very next tile
// request of this instance to show them, with a new ETag: the intake hook dropped the cached
// tile synchronously (this server follows no change notices at all).
func TestNewIncidentInTheNextTile(t *testing.T) {
	s := newTileServer(t, web.Options{})
	p := orb.Point{119.3755, 25.7255}
	single, cluster := tilePath("incidents", p, 17, "geojson"), tilePath("incidents", p, 12, "mvt")
	before, beforeCluster := get(t, s, single), get(t, s, cluster)
	if get(t, s, single).header.Get("X-Gridmap-Cache") != "hit" {
		t.Fatal("the second request of a tile was not a cache hit")
	}
	r := do(t, s, "POST", "/api/v1/incidents", fmt.Sprintf(`{"lon":%v,"lat":%v,"category":"noise","channel":"grid_patrol","reporter":"13900000000"}`, p[0], p[1]))
	if r.status != 201 {
		t.Fatalf("report: %d %s", r.status, r.body)
	}
	id := decode[incidentOut](t, r).ID
	after := get(t, s, single)
	if after.header.Get("ETag") == before.header.Get("ETag") || !strings.Contains(string(after.body), fmt.Sprintf(`"id":%d`, id)) {
		t.Fatalf("the next tile does not show incident %d: %s", id, after.body)
	}
	if strings.Contains(string(after.body), "13900000000") {
		t.Error("the tile carries the reporter's phone number")
	}
	if get(t, s, cluster).header.Get("ETag") == beforeCluster.header.Get("ETag") {
		t.Error("the cluster tile did not change")
	}

	// A status change through the workflow, likewise.
	if r := do(t, s, "POST", fmt.Sprintf("/api/v1/incidents/%d/transitions", id), `{"to":"accepted"}`); r.status != 200 {
		t.Fatalf("transition: %d %s", r.status, r.body)
	}
	if body := string(get(t, s, single).body); !strings.Contains(body, `"status":"accepted"`) {
		t.Fatalf("the next tile does not show the new status: %s", body)
	}

	// A batch, likewise.
	r = do(t, s, "POST", "/api/v1/incidents/batch", fmt.Sprintf(`[{"client_id":"b1","lon":%v,"lat":%v,"category":"parking","channel":"walk_in"}]`, p[0]+0.0001, p[1]))
	if r.status != 200 || !strings.Contains(string(r.body), `"created":1`) {
		t.Fatalf("batch: %d %s", r.status, r.body)
	}
	if body := string(get(t, s, single).body); !strings.Contains(body, `"category":"parking"`) {
		t.Fatalf("the next tile does not show the batch's incident: %s", body)
	}
}

func TestTileETagsAnd304(t *testing.T) {
	s := newTileServer(t, web.Options{})
	path := tilePath("grids", miniCentre, 13, "geojson")
	plain := get(t, s, path)
	tag := plain.header.Get("ETag")
	if !strings.HasPrefix(tag, `"`) || plain.header.Get("Content-Encoding") != "" {
		t.Fatalf("identity response: ETag %q, encoding %q", tag, plain.header.Get("Content-Encoding"))
	}
	zipped := getWith(t, s, path, "Accept-Encoding", "gzip, deflate, br")
	ztag := zipped.header.Get("ETag")
	if zipped.header.Get("Content-Encoding") != "gzip" || ztag == tag || ztag == "" {
		t.Fatalf("gzip response: encoding %q, ETag %q (identity %q)", zipped.header.Get("Content-Encoding"), ztag, tag)
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped.body))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, _ := io.ReadAll(zr)
	if !bytes.Equal(unzipped, plain.body) {
		t.Fatal("the gzip body does not inflate to the identity body")
	}

	tests := []struct {
		name        string
		header      []string
		status      int
		wantTag     string
		wantEncoded bool
	}{
		{"identity, matching", []string{"If-None-Match", tag}, 304, tag, false},
		{"identity, weak and listed", []string{"If-None-Match", `"x", W/` + tag}, 304, tag, false},
		{"identity, star", []string{"If-None-Match", "*"}, 304, tag, false},
		{"identity, other tag", []string{"If-None-Match", `"0123"`}, 200, tag, false},
		{"gzip, matching", []string{"Accept-Encoding", "gzip", "If-None-Match", ztag}, 304, ztag, false},
		{"gzip, identity's tag", []string{"Accept-Encoding", "gzip", "If-None-Match", tag}, 200, ztag, true},
		{"gzip refused", []string{"Accept-Encoding", "gzip;q=0, identity"}, 200, tag, false},
		{"gzip by star", []string{"Accept-Encoding", "*"}, 200, ztag, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := getWith(t, s, path, tt.header...)
			if r.status != tt.status || r.header.Get("ETag") != tt.wantTag {
				t.Fatalf("status %d, ETag %q; want %d and %q", r.status, r.header.Get("ETag"), tt.status, tt.wantTag)
			}
			if (r.header.Get("Content-Encoding") == "gzip") != tt.wantEncoded {
				t.Errorf("Content-Encoding %q", r.header.Get("Content-Encoding"))
			}
			if tt.status == 304 && (len(r.body) != 0 || r.header.Get("Cache-Control") == "") {
				t.Errorf("304 with %d bytes, Cache-Control %q", len(r.body), r.header.Get("Cache-Control"))
			}
		})
	}
}

func TestTileBadRequests(t *testing.T) {
	s := newTileServer(t, web.Options{})
	tests := []struct {
		target string
		status int
		field  string
		detail string
	}{
		{"/tiles/roads/14/13624/6979.mvt", 404, "layer", "no tile layer"},
		{"/tiles/grids/23/0/0.mvt", 400, "z", "zoom"},
		{"/tiles/grids/19/0/0.mvt", 400, "z", "outside 0..18"},
		{"/tiles/grids/14/16384/6979.mvt", 400, "x", "0..16383"},
		{"/tiles/grids/14/13624/-1.mvt", 400, "y", "non-negative"},
		{"/tiles/grids/14/013624/6979.mvt", 400, "x", "leading zeros"},
		{"/tiles/grids/14/13624/6979.png", 400, "format", "mvt or geojson"},
		{"/tiles/grids/14/13624/6979", 400, "format", "no format"},
		{"/tiles/grids/14/13624/6979.mvt?since=2026-11-01", 400, "since", "take no parameters"},
		{"/tiles/incidents/14/13624/6979.mvt?since=yesterday", 400, "since", "RFC 3339"},
		{"/tiles/incidents/14/13624/6979.mvt?until=2026-13-01", 400, "until", "RFC 3339"},
		{"/tiles/incidents/14/13624/6979.mvt?since=2026-11-02&until=2026-11-01", 400, "until", "after since"},
		{"/tiles/incidents/14/13624/6979.mvt?since=2026-11-01&since=2026-11-02", 400, "since", "twice"},
		{"/tiles/incidents/14/13624/6979.mvt?category=noise,fire", 400, "category", `unknown category "fire"`},
		{"/tiles/incidents/14/13624/6979.mvt?category=noise,,parking", 400, "category", "empty item"},
		{"/tiles/incidents/14/13624/6979.mvt?status=open", 400, "status", `unknown status "open"`},
		{"/tiles/incidents/14/13624/6979.mvt?bbox=1,2,3,4", 400, "bbox", "unknown query parameter"},
		{"/tiles/roads.json", 404, "layer", "no tile layer"},
		{"/tiles/grids.json?f=json", 400, "f", "take no parameters"},
		{"/tiles/incidents.json?status=done", 400, "status", "unknown status"},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			r := get(t, s, tt.target)
			if r.status != tt.status || !strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") {
				t.Fatalf("status %d (%s), want %d: %s", r.status, r.header.Get("Content-Type"), tt.status, r.body)
			}
			var p web.Problem
			if err := json.Unmarshal(r.body, &p); err != nil {
				t.Fatal(err)
			}
			if p.Field != tt.field || !strings.Contains(p.Detail, tt.detail) {
				t.Errorf("problem field %q detail %q; want field %q and %q", p.Field, p.Detail, tt.field, tt.detail)
			}
		})
	}
}

func TestTileJSONRoute(t *testing.T) {
	tests := []struct {
		name, target, publicURL, wantTiles string
	}{
		{"from the request", "/tiles/grids.json", "", "http://example.com/tiles/grids/{z}/{x}/{y}.mvt"},
		{"public URL", "/tiles/grids.json", "https://gridmap.example.cn/map", "https://gridmap.example.cn/map/tiles/grids/{z}/{x}/{y}.mvt"},
		// A bare date is that day in China time: since=2026-11-01 starts at its midnight, 16:00 UTC the day before.
		{"filters carried", "/tiles/incidents.json?status=reported,assigned&since=2026-11-01", "",
			"http://example.com/tiles/incidents/{z}/{x}/{y}.mvt?since=2026-10-31T16%3A00%3A00Z&status=assigned%2Creported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTileServer(t, web.Options{PublicURL: tt.publicURL})
			r := get(t, s, tt.target)
			if r.status != 200 {
				t.Fatalf("%d %s", r.status, r.body)
			}
			var tj tiles.TileJSON
			if err := json.Unmarshal(r.body, &tj); err != nil {
				t.Fatal(err)
			}
			if tj.TileJSON != "3.0.0" || len(tj.Tiles) != 1 || tj.Tiles[0] != tt.wantTiles {
				t.Fatalf("tilejson %q, tiles %v; want %q", tj.TileJSON, tj.Tiles, tt.wantTiles)
			}
			if tj.MinZoom != 0 || tj.MaxZoom != 18 || len(tj.VectorLayers) != 1 {
				t.Errorf("zooms %d..%d, %d vector layers", tj.MinZoom, tj.MaxZoom, len(tj.VectorLayers))
			}
			if strings.Contains(tt.target, "grids") {
				if tj.Bounds != [4]float64{119.37, 25.72, 119.39, 25.74} {
					t.Errorf("bounds %v, want the mini grids' box", tj.Bounds)
				}
				if tj.VectorLayers[0].Fields["open_incidents"] == "" {
					t.Errorf("fields %v lack open_incidents", tj.VectorLayers[0].Fields)
				}
			}
		})
	}
}

func TestNoPersonalDataInTiles(t *testing.T) {
	s := newTileServer(t, web.Options{})
	r := do(t, s, "POST", "/api/v1/incidents", `{"lon":119.375,"lat":25.725,"category":"noise","channel":"grid_patrol","description":"楼上装修噪声","reporter":"13900000000"}`)
	if r.status != 201 {
		t.Fatalf("report: %d %s", r.status, r.body)
	}
	for _, l := range gridmap.Layers {
		for _, z := range []uint32{10, 13, 17} {
			for _, ext := range []string{"geojson", "mvt"} {
				body := string(get(t, s, tilePath(l.ID, orb.Point{119.375, 25.725}, z, ext)).body)
				for _, secret := range []string{"林测试", "陈测试", "19900000001", "13900000000", "楼上装修噪声", "reporter", "phone", "description"} {
					if strings.Contains(body, secret) {
						t.Errorf("%s z%d %s carries %q", l.ID, z, ext, secret)
					}
				}
			}
		}
	}
}

func TestBenchHeadersNeedBenchMode(t *testing.T) {
	path := tilePath("grids", miniCentre, 13, "mvt")
	for _, bench := range []bool{false, true} {
		s := newTileServer(t, web.Options{Bench: bench})
		get(t, s, path)
		got := getWith(t, s, path, "X-Gridmap-Cache", "bypass").header.Get("X-Gridmap-Cache")
		want := map[bool]string{false: "hit", true: "bypass"}[bench]
		if got != want {
			t.Errorf("bench mode %v: X-Gridmap-Cache %q, want %q", bench, got, want)
		}
		if r := get(t, s, "/tiles-sql/grids/13/6813/3488.mvt"); r.status != 404 {
			t.Errorf("bench mode %v without TileSQL: /tiles-sql answers %d", bench, r.status)
		}
	}
}
