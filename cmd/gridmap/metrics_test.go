package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/gridmap/gridmap/internal/tiles"
)

var mixedSeed = flag.Uint64("mixed.seed", 0, "seed of TestMixedRequestsWithMetricsScrapes's request order (0: from the clock)")

// mixedRequest is one request of the mixed load and the route template /metrics must count it
// under; route "" marks requests fiber or fasthttp refuse before any route runs, which are
// not counted.
type mixedRequest struct {
	method, path, body string
	header             []string // name, value pairs
	route              string
	raw                string // sent as these bytes over a connection of its own
	stream             bool   // the event stream: read its first bytes, then hang up
}

// mixedRequests covers every kind of route the server has, with good and bad requests.
func mixedRequests() []mixedRequest {
	p := orb.Point{119.3755, 25.7255}
	tile := func(layer string, z uint32, ext string) string {
		return fmt.Sprintf("/tiles/%s/%s.%s", layer, tiles.At(p, z), ext)
	}
	report := `{"lon":119.375,"lat":25.725,"category":"noise","channel":"grid_patrol"}`
	const (
		grid  = "/api/v1/grids/:code"
		tileR = "/tiles/:layer/:z/:x/:file"
		items = "/ogc/collections/:id/items"
	)
	return []mixedRequest{
		{method: "GET", path: "/healthz", route: "/healthz"},
		{method: "GET", path: "/readyz", route: "/readyz"},
		{method: "GET", path: "/api/v1/streets", route: "/api/v1/streets"},
		{method: "HEAD", path: "/api/v1/streets", route: "/api/v1/streets"},
		{method: "GET", path: "/api/v1/communities?street=350181003", route: "/api/v1/communities"},
		{method: "GET", path: "/api/v1/grids?bbox=119.37,25.72,119.39,25.74", route: "/api/v1/grids"},
		{method: "GET", path: "/api/v1/grids?bbox=1,2,3", route: "/api/v1/grids"},
		{method: "GET", path: "/api/v1/grids/350181003003001", route: grid},
		{method: "GET", path: "/api/v1/grids/350181003003999", route: grid},
		{method: "GET", path: "/api/v1/grids/%E2%98%83%20x", route: grid},
		{method: "PUT", path: "/api/v1/grids/350181003003001", body: `{"type":"Feature"`, route: grid},
		{method: "GET", path: "/api/v1/red-positions", route: "/api/v1/red-positions"},
		{method: "GET", path: "/api/v1/stations?kind=casino", route: "/api/v1/stations"},
		{method: "GET", path: "/api/v1/categories", route: "/api/v1/categories"},
		{method: "GET", path: "/api/v1/locate?lon=119.375&lat=25.725", route: "/api/v1/locate"},
		{method: "GET", path: "/api/v1/locate?lon=abc&lat=25", route: "/api/v1/locate"},
		{method: "POST", path: "/api/v1/locate", body: `{"points":[]}`, route: "/api/v1/locate"},
		{method: "POST", path: "/api/v1/locate", body: `{"crs":"gcj02","points":[[119.38,25.73],[119.5,26]]}`, route: "/api/v1/locate"},
		{method: "POST", path: "/api/v1/locate", body: `{"points":[[1,2,3]]`, route: "/api/v1/locate"},
		{method: "POST", path: "/api/v1/incidents", body: report, route: "/api/v1/incidents"},
		{method: "POST", path: "/api/v1/incidents", body: report, header: []string{"Idempotency-Key", "mixed-same-key"}, route: "/api/v1/incidents"},
		{method: "POST", path: "/api/v1/incidents", body: `{"lon":"east"}`, route: "/api/v1/incidents"},
		{method: "POST", path: "/api/v1/incidents/batch", body: `[{"client_id":"m1","lon":119.38,"lat":25.73,"category":"parking","channel":"walk_in"},{"client_id":"m2"}]`, route: "/api/v1/incidents/batch"},
		{method: "GET", path: "/api/v1/incidents?limit=2", route: "/api/v1/incidents"},
		{method: "GET", path: "/api/v1/incidents?status=open", route: "/api/v1/incidents"},
		{method: "GET", path: "/api/v1/incidents/1", route: "/api/v1/incidents/:id"},
		{method: "GET", path: "/api/v1/incidents/abc", route: "/api/v1/incidents/:id"},
		{method: "POST", path: "/api/v1/incidents/999999999/transitions", body: `{"to":"accepted"}`, route: "/api/v1/incidents/:id/transitions"},
		{method: "GET", path: "/api/v1/coverage?walk_m=300", route: "/api/v1/coverage"},
		{method: "GET", path: "/api/v1/tiling", route: "/api/v1/tiling"},
		{method: "GET", path: "/api/v1/hotspots?f=geojson", route: "/api/v1/hotspots"},
		{method: "GET", path: "/api/v1/stats", route: "/api/v1/stats"},
		{method: "GET", path: "/api/v1/events", route: "/api/v1/events", stream: true},
		{method: "GET", path: "/api/v1/nothing/" + strings.Repeat("x", 100), route: "unmatched"},
		{method: "DELETE", path: "/api/v1/streets", route: "unmatched"},
		{method: "GET", path: tile("grids", 14, "mvt"), route: tileR},
		{method: "GET", path: tile("grids", 14, "mvt"), header: []string{"Accept-Encoding", "gzip"}, route: tileR},
		{method: "GET", path: tile("incidents", 17, "geojson"), route: tileR},
		{method: "GET", path: tile("incidents", 12, "mvt") + "?category=noise", route: tileR},
		{method: "GET", path: "/tiles/roads/14/1/2.mvt", route: tileR},
		{method: "GET", path: "/tiles/grids/14/1/2.png", route: tileR},
		{method: "GET", path: "/tiles/grids.json", route: "/tiles/:file"},
		{method: "GET", path: "/tiles/nothing", route: "/tiles/:file"},
		{method: "GET", path: "/ogc", route: "/ogc"},
		{method: "GET", path: "/ogc/conformance", route: "/ogc/conformance"},
		{method: "GET", path: "/ogc/collections", route: "/ogc/collections"},
		{method: "GET", path: "/ogc/collections/grids", route: "/ogc/collections/:id"},
		{method: "GET", path: "/ogc/collections/grids/queryables", route: "/ogc/collections/:id/queryables"},
		{method: "GET", path: "/ogc/collections/grids/items?limit=1", route: items},
		{method: "GET", path: "/ogc/collections/nope/items", route: items},
		{method: "GET", path: "/ogc/collections/grids/items/350181003003001", route: "/ogc/collections/:id/items/:fid"},
		{method: "GET", path: "/", route: "/"},
		{method: "GET", path: "/wall.html", header: []string{"Accept-Encoding", "gzip"}, route: "/"},
		{method: "GET", path: "/no/such/file.js", route: "unmatched"},
		{method: "POST", path: "/", body: "x", route: "unmatched"},
		{raw: "FOO / HTTP/1.1\r\nHost: x\r\n\r\n"},
		{raw: "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("b", 8000) + "\r\n\r\n"},
		{raw: "\x16\x03\x01 not http at all\r\n\r\n"},
	}
}

// TestMixedRequestsWithMetricsScrapes drives the real server with concurrent requests of every
// route kind, good and bad, while scraping /metrics: every scrape parses, the server keeps
// answering, the route labels are exactly the templates of the routes that served the requests
// (no raw paths) and every request that reached a route was counted.
func TestMixedRequestsWithMetricsScrapes(t *testing.T) {
	a, _ := miniApp(t)
	base := "http://" + a.Addr()
	seed := *mixedSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun with -mixed.seed=%d)", seed, seed)
	reqs := mixedRequests()
	client := &http.Client{Timeout: 20 * time.Second}

	var counted, scrapes atomic.Int64
	// A request that gets no answer stops the load: a server that froze would otherwise hold
	// every worker for the client's timeout once per request.
	var gaveUp atomic.Bool
	var wg sync.WaitGroup
	const workers, rounds = 6, 3
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed, uint64(w)))
			for range rounds {
				for _, i := range r.Perm(len(reqs)) {
					if gaveUp.Load() {
						return
					}
					answered := mixedDo(t, client, a.Addr(), base, reqs[i])
					if !answered {
						gaveUp.Store(true)
					} else if reqs[i].route != "" {
						counted.Add(1)
					}
				}
			}
		}(w)
	}
	stop := make(chan struct{})
	scraped := make(chan struct{})
	allowed := map[string]bool{"/metrics": true}
	for _, r := range reqs {
		if r.route != "" {
			allowed[r.route] = true
		}
	}
	go func() {
		defer close(scraped)
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			for route := range scrapeRoutes(t, client, base) {
				if !allowed[route] {
					t.Errorf("a scrape during the load has route label %q", route)
				}
			}
			scrapes.Add(1)
		}
	}()
	wg.Wait()
	close(stop)
	<-scraped
	if gaveUp.Load() {
		t.Fatal("the server stopped answering")
	}

	if code, body := httpGet(t, base+"/healthz"); code != 200 {
		t.Fatalf("healthz after the load: %d %s", code, body)
	}
	counted.Add(1)
	mfs := scrape(t, client, base)
	want := map[string]float64{}
	for r := range allowed {
		want[r] = 0
	}
	var total float64
	for _, m := range mfs["gridmap_http_requests_total"].GetMetric() {
		l := labels(m)
		want[l["route"]] += m.GetCounter().GetValue()
		total += m.GetCounter().GetValue()
		if !slices.Contains([]string{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "other"}, l["method"]) {
			t.Errorf("method label %q", l["method"])
		}
	}
	for route, n := range want {
		if !allowed[route] {
			t.Errorf("route label %q is not the template of a route that served a request", route)
		} else if n == 0 {
			t.Errorf("no request counted under route %q", route)
		}
	}
	if wantTotal := float64(counted.Load() + scrapes.Load()); total != wantTotal {
		t.Errorf("%v requests counted, want %v (%d requests that reached a route, %d scrapes)", total, wantTotal, counted.Load(), scrapes.Load())
	}
	histRoutes := map[string]bool{}
	for _, m := range mfs["gridmap_http_request_duration_seconds"].GetMetric() {
		histRoutes[labels(m)["route"]] = true
	}
	if len(histRoutes) != len(allowed) {
		t.Errorf("the latency histogram has routes %v, want %v", histRoutes, allowed)
	}
	t.Logf("%d requests, %d scrapes, %d route labels", counted.Load(), scrapes.Load(), len(want))
}

// mixedDo sends one request of the mixed load and checks that the server answered it without
// a server error; it reports whether an answer came.
func mixedDo(t *testing.T, client *http.Client, addr, base string, r mixedRequest) bool {
	if r.raw != "" {
		conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Errorf("dial: %v", err)
			return false
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		conn.Write([]byte(r.raw))
		line, err := bufio.NewReader(conn).ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "HTTP/1.1 4") {
			t.Errorf("raw %.20q: answered %q, %v; want a 4xx", r.raw, line, err)
			return false
		}
		return true
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, r.method, base+r.path, strings.NewReader(r.body))
	if r.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(r.header); i += 2 {
		req.Header.Set(r.header[i], r.header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", r.method, r.path, err)
		return false
	}
	defer resp.Body.Close()
	if r.stream {
		// The stream's first lines are there at once; hanging up ends it.
		if _, err := bufio.NewReader(resp.Body).ReadString('\n'); err != nil {
			t.Errorf("%s: %v", r.path, err)
		}
		cancel()
	} else {
		io.Copy(io.Discard, resp.Body)
	}
	if resp.StatusCode >= 500 {
		t.Errorf("%s %s: %d", r.method, r.path, resp.StatusCode)
	}
	return true
}

// scrape reads /metrics and parses it as the Prometheus text format, failing on anything else.
func scrape(t *testing.T, client *http.Client, base string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := client.Get(base + "/metrics")
	if err != nil {
		t.Errorf("scrape: %v", err)
		return nil
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		b, _ := io.ReadAll(resp.Body)
		t.Errorf("scrape: %d %s: %.300s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
		return nil
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	mfs, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Errorf("scrape does not parse: %v", err)
	}
	return mfs
}

// scrapeRoutes scrapes /metrics and returns the route labels of its request counter.
func scrapeRoutes(t *testing.T, client *http.Client, base string) map[string]bool {
	routes := map[string]bool{}
	for _, m := range scrape(t, client, base)["gridmap_http_requests_total"].GetMetric() {
		routes[labels(m)["route"]] = true
	}
	return routes
}

func labels(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, lp := range m.GetLabel() {
		out[lp.GetName()] = lp.GetValue()
	}
	return out
}

// TestMetricsExposition scrapes the real server: the HTTP figures, the Go runtime and process
// collectors, and the index and tile figures cmd/gridmap registers, under their names.
func TestMetricsExposition(t *testing.T) {
	a, _ := miniApp(t)
	base := "http://" + a.Addr()
	client := &http.Client{Timeout: 10 * time.Second}
	httpGet(t, base+"/api/v1/streets")
	var mfs map[string]*dto.MetricFamily
	deadline := time.Now().Add(30 * time.Second)
	for {
		mfs = scrape(t, client, base)
		if inMemory(mfs, "grids") || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !inMemory(mfs, "grids") {
		t.Error("gridmap_tile_layer_in_memory{layer=\"grids\"} never became 1")
	}
	for _, name := range []string{
		"gridmap_http_requests_total", "gridmap_http_request_duration_seconds", "gridmap_http_server_errors_total",
		"gridmap_index_grids", "gridmap_index_version", "gridmap_index_builds_total", "gridmap_index_build_failures_total", "gridmap_index_build_seconds",
		"gridmap_tile_cache_entries", "gridmap_tile_cache_bytes", "gridmap_tile_cache_evictions_total", "gridmap_tiles_total", "gridmap_tiles_from_store_total",
		"gridmap_tile_layer_features", "gridmap_tile_layer_in_memory", "gridmap_tile_layer_builds_total", "gridmap_tile_layer_build_seconds",
		"go_goroutines", "go_memstats_heap_alloc_bytes", "process_cpu_seconds_total", "process_resident_memory_bytes",
	} {
		if mfs[name] == nil {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	if g := mfs["gridmap_index_grids"].GetMetric(); len(g) != 1 || g[0].GetGauge().GetValue() != 2 {
		t.Errorf("gridmap_index_grids %v, want 2 (the mini dataset's)", g)
	}
	found := false
	for _, m := range mfs["gridmap_http_requests_total"].GetMetric() {
		l := labels(m)
		if l["method"] == "GET" && l["route"] == "/api/v1/streets" && l["status"] == "200" && m.GetCounter().GetValue() == 1 {
			found = true
		}
	}
	if !found {
		t.Errorf("GET /api/v1/streets 200 not counted once: %v", mfs["gridmap_http_requests_total"])
	}
}

func inMemory(mfs map[string]*dto.MetricFamily, layer string) bool {
	for _, m := range mfs["gridmap_tile_layer_in_memory"].GetMetric() {
		if labels(m)["layer"] == layer && m.GetGauge().GetValue() == 1 {
			return true
		}
	}
	return false
}
