// Command loadgen measures a running gridmap server from the same machine: incident intake
// (single reports and batches) and tiles, bounded in time and in requests, and only against a
// loopback address so it can never load someone else's server by mistake.
//
//	go run ./cmd/loadgen -scenario intake-batch  -duration 10s -c 2 -batch 1000
//	go run ./cmd/loadgen -scenario intake-single -duration 10s -c 16
//	go run ./cmd/loadgen -scenario tiles -layer grids -z 14 -c 8 -duration 10s
//	go run ./cmd/loadgen -suite tiles -serve 'postgres://gridmap:gridmap@127.0.0.1:5432/gridmap_dev?sslmode=disable'
//	go run ./cmd/loadgen -scenario mixed -c 16 -duration 10m -serve 'postgres://…/gridmap_mixed?sslmode=disable'
//
// It prints requests, items per second and latency percentiles; -suite tiles runs the whole tile
// benchmark matrix and prints it as a markdown table (see suite.go); -scenario mixed is a soak
// run of every kind of request with /metrics scraped every second (see mixed.go).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type options struct {
	base        string
	scenario    string
	duration    time.Duration
	maxRequests int64
	concurrency int
	batch       int
	layer       string
	zoom        int
	format      string
	query       string
	cached      bool
	source      string
	gzip        bool
	seed        uint64
	bbox        [4]float64
	serve       bool   // the run serves a database itself (-serve)
	token       string // API token sent with every request (-token, or made with -serve)
}

// authorize adds the run's API token to a request.
func (o options) authorize(req *http.Request) *http.Request {
	if o.token != "" {
		req.Header.Set("Authorization", "Bearer "+o.token)
	}
	return req
}

func main() {
	var o options
	flag.StringVar(&o.base, "url", "http://127.0.0.1:8080", "gridmap base URL (loopback only)")
	flag.StringVar(&o.token, "token", os.Getenv("GRIDMAP_TOKEN"), "API token for reports and incident lists (default $GRIDMAP_TOKEN); -serve makes one")
	flag.StringVar(&o.scenario, "scenario", "intake-batch", "intake-batch, intake-single, tiles, locate or mixed")
	suite := flag.String("suite", "", "tiles: run the tile benchmark matrix and print a markdown table")
	suiteDur := flag.Duration("suite-duration", 3*time.Second, "suite: duration of each cell")
	serveDB := flag.String("serve", "", "build cmd/gridmap and serve this database on a free loopback port for the run, instead of -url (with GRIDMAP_BENCH=1 except for -scenario mixed)")
	scrapeEvery := flag.Duration("scrape", time.Second, "mixed: scrape /metrics this often")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "how long to run (at most 5m; 30m for -scenario mixed)")
	flag.Int64Var(&o.maxRequests, "n", 1_000_000, "stop after this many requests")
	flag.IntVar(&o.concurrency, "c", 4, "concurrent clients")
	flag.IntVar(&o.batch, "batch", 1000, "incidents per batch (intake-batch), points per request (locate)")
	flag.StringVar(&o.layer, "layer", "grids", "tile layer (tiles)")
	flag.IntVar(&o.zoom, "z", 14, "tile zoom (tiles)")
	flag.StringVar(&o.format, "format", "mvt", "tile format: mvt or geojson (tiles)")
	flag.StringVar(&o.query, "query", "", "extra query string for tile requests, e.g. since=2026-11-01")
	flag.BoolVar(&o.cached, "cached", true, "tiles: false sends X-Gridmap-Cache: bypass, so every tile is drawn as on a miss (server needs GRIDMAP_BENCH=1)")
	flag.StringVar(&o.source, "source", "go", "tiles: go (the tile service), store (X-Gridmap-Source: store: incidents read from PostGIS per tile) or sql (/tiles-sql: one ST_AsMVT query per tile); store and sql need GRIDMAP_BENCH=1")
	flag.BoolVar(&o.gzip, "gzip", false, "tiles: ask for gzip")
	flag.Uint64Var(&o.seed, "seed", 1, "random seed")
	bbox := flag.String("bbox", "119.27,25.62,119.48,25.83", "area to draw points and tiles from: minLon,minLat,maxLon,maxLat")
	flag.Parse()
	if _, err := fmt.Sscanf(*bbox, "%f,%f,%f,%f", &o.bbox[0], &o.bbox[1], &o.bbox[2], &o.bbox[3]); err != nil {
		fail("loadgen: -bbox: %v", err)
	}
	if err := checkLoopback(o.base); err != nil {
		fail("loadgen: %v", err)
	}
	maxDuration := 5 * time.Minute
	if o.scenario == "mixed" {
		maxDuration = 30 * time.Minute // a soak run
	}
	if o.duration > maxDuration || o.duration <= 0 {
		fail("loadgen: -duration must be between 0 and %s", maxDuration)
	}
	if *scrapeEvery <= 0 {
		fail("loadgen: -scrape must be positive")
	}
	switch o.source {
	case "go", "store", "sql":
	default:
		fail("loadgen: -source must be go, store or sql")
	}
	if *suite != "" {
		if *suite != "tiles" {
			fail("loadgen: -suite: only tiles exists")
		}
		if *suiteDur <= 0 || *suiteDur > time.Minute {
			fail("loadgen: -suite-duration must be between 0 and 1m")
		}
		if err := runTileSuite(context.Background(), o, *suiteDur, *serveDB, os.Stdout, os.Stderr); err != nil {
			fail("loadgen: %v", err)
		}
		return
	}
	if err := runScenario(context.Background(), o, *serveDB, *scrapeEvery, os.Stdout, os.Stderr); err != nil {
		fail("loadgen: %v", err)
	}
}

// runScenario runs one scenario and prints its figures, against a server it starts on serveDB
// (and stops before returning) if that is set.
func runScenario(ctx context.Context, o options, serveDB string, scrapeEvery time.Duration, out, logw io.Writer) error {
	var alive func() error
	if serveDB != "" {
		srv, err := startServer(ctx, serveDB, o.scenario != "mixed", logw)
		if err != nil {
			return err
		}
		defer srv.stop(logw)
		o.base, o.serve, o.token, alive = srv.url, true, srv.token, srv.exited
	}
	if o.scenario == "mixed" {
		res, err := runMixed(ctx, o, scrapeEvery, alive)
		if err != nil {
			return err
		}
		res.print(out, o, scrapeEvery)
		return nil
	}
	res, err := run(ctx, o)
	if err != nil {
		return err
	}
	res.print(out, o)
	return nil
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

// checkLoopback refuses any target that is not this machine.
func checkLoopback(base string) error {
	u, err := url.Parse(base)
	if err != nil {
		return err
	}
	ips, err := net.LookupIP(u.Hostname())
	if err != nil {
		return err
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return fmt.Errorf("%s is not a loopback address; loadgen only loads this machine", u.Host)
		}
	}
	return nil
}

type result struct {
	requests, items, errors int64
	bytes                   int64
	elapsed                 time.Duration
	latencies               []time.Duration
	firstError              string
}

// run drives the scenario with o.concurrency workers until the time or request budget ends.
func run(ctx context.Context, o options) (*result, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.concurrency * 2, DisableCompression: true}, Timeout: 30 * time.Second}
	var next atomic.Int64
	var mu sync.Mutex
	res := &result{}
	ctx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	var runID = fmt.Sprintf("%x", time.Now().UnixNano())
	tiles := tileSet(o)
	if o.scenario == "tiles" {
		if _, err := newRawClient(o.base); err != nil {
			return nil, err
		}
	}
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < o.concurrency; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(o.seed, uint64(w)))
			var lat []time.Duration
			var items, errs, bytes int64
			var firstErr string
			// Tile requests are plain GETs: each worker sends them over a connection of its
			// own with the raw client, which leaves the CPU to the server.
			var raw *rawClient
			if o.scenario == "tiles" {
				raw, _ = newRawClient(o.base) // checked before the workers start
				defer raw.close()
			}
			for ctx.Err() == nil {
				n := next.Add(1)
				if n > o.maxRequests {
					break
				}
				req, count := request(o, r, runID, n, tiles)
				o.authorize(req)
				t0 := time.Now()
				var status int
				var b []byte
				var err error
				if raw != nil {
					status, b, err = raw.get(ctx, req.URL.RequestURI(), req.Header)
				} else {
					var resp *http.Response
					if resp, err = client.Do(req.WithContext(ctx)); err == nil {
						status = resp.StatusCode
						b, _ = io.ReadAll(resp.Body)
						resp.Body.Close()
					}
				}
				if err != nil {
					if ctx.Err() != nil {
						break
					}
					errs++
					if firstErr == "" {
						firstErr = err.Error()
					}
					continue
				}
				lat = append(lat, time.Since(t0))
				bytes += int64(len(b))
				if status >= 300 && status != http.StatusNotModified {
					errs++
					if firstErr == "" {
						firstErr = fmt.Sprintf("%d %s", status, truncate(string(b), 300))
					}
					continue
				}
				items += int64(count)
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			res.items += items
			res.errors += errs
			res.bytes += bytes
			if res.firstError == "" {
				res.firstError = firstErr
			}
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.requests = int64(len(res.latencies))
	return res, nil
}

var categories = []string{"sanitation", "road_facility", "noise", "neighbour_dispute", "parking", "utilities", "elderly_service", "other"}
var channels = []string{"hotline_12345", "grid_patrol", "wechat_group", "one_click_order", "walk_in"}

func report(o options, r *rand.Rand, clientID string) map[string]any {
	m := map[string]any{
		"lon":         o.bbox[0] + r.Float64()*(o.bbox[2]-o.bbox[0]),
		"lat":         o.bbox[1] + r.Float64()*(o.bbox[3]-o.bbox[1]),
		"category":    categories[r.IntN(len(categories))],
		"channel":     channels[r.IntN(len(channels))],
		"description": "负载测试 load test",
	}
	if clientID != "" {
		m["client_id"] = clientID
	}
	return m
}

// request builds the n-th request and says how many items it carries.
func request(o options, r *rand.Rand, runID string, n int64, tiles []string) (*http.Request, int) {
	switch o.scenario {
	case "intake-single":
		b, _ := json.Marshal(report(o, r, ""))
		req, _ := http.NewRequest("POST", o.base+"/api/v1/incidents", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", fmt.Sprintf("load-%s-%d", runID, n))
		return req, 1
	case "intake-batch":
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		for i := 0; i < o.batch; i++ {
			enc.Encode(report(o, r, fmt.Sprintf("load-%s-%d-%d", runID, n, i)))
		}
		req, _ := http.NewRequest("POST", o.base+"/api/v1/incidents/batch", &buf)
		req.Header.Set("Content-Type", "application/x-ndjson")
		return req, o.batch
	case "locate":
		pts := make([][2]float64, o.batch)
		for i := range pts {
			pts[i] = [2]float64{o.bbox[0] + r.Float64()*(o.bbox[2]-o.bbox[0]), o.bbox[1] + r.Float64()*(o.bbox[3]-o.bbox[1])}
		}
		b, _ := json.Marshal(map[string]any{"crs": "wgs84", "points": pts})
		req, _ := http.NewRequest("POST", o.base+"/api/v1/locate", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		return req, o.batch
	default: // tiles
		path := tiles[int(n)%len(tiles)]
		if o.source == "sql" {
			path = "/tiles-sql" + strings.TrimPrefix(path, "/tiles")
		}
		req, _ := http.NewRequest("GET", o.base+path, nil)
		if o.gzip {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		// The tile routes reject unknown query parameters, so the uncached path is asked
		// for by header, which a server honours only with GRIDMAP_BENCH=1.
		if !o.cached {
			req.Header.Set("X-Gridmap-Cache", "bypass")
		}
		if o.source == "store" {
			req.Header.Set("X-Gridmap-Source", "store")
		}
		return req, 1
	}
}

// tileSet lists the tiles at zoom z that cover the bbox (at most 289, spread evenly over it).
func tileSet(o options) []string {
	n := math.Exp2(float64(o.zoom))
	x0, x1 := int(lonToX(o.bbox[0])*n), int(lonToX(o.bbox[2])*n)
	y0, y1 := int(latToY(o.bbox[3])*n), int(latToY(o.bbox[1])*n)
	var out []string
	stepX, stepY := max(1, (x1-x0+1)/16), max(1, (y1-y0+1)/16)
	for x := x0; x <= x1; x += stepX {
		for y := y0; y <= y1; y += stepY {
			p := fmt.Sprintf("/tiles/%s/%d/%d/%d.%s", o.layer, o.zoom, x, y, o.format)
			if o.query != "" {
				p += "?" + o.query
			}
			out = append(out, p)
		}
	}
	return out
}

func lonToX(lon float64) float64 { return (lon + 180) / 360 }
func latToY(lat float64) float64 {
	s := math.Sin(lat * math.Pi / 180)
	return 0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func (r *result) percentile(p float64) time.Duration { return percentile(r.latencies, p) }

// percentile is the p-th percentile (p from 0 to 1) of latencies sorted in ascending order; 0
// of none.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(math.Ceil(p*float64(len(sorted))))-1)]
}

func (r *result) print(w io.Writer, o options) {
	sort.Slice(r.latencies, func(i, j int) bool { return r.latencies[i] < r.latencies[j] })
	secs := r.elapsed.Seconds()
	fmt.Fprintf(w, "scenario %s, %d clients, %.1fs\n", o.scenario, o.concurrency, secs)
	fmt.Fprintf(w, "requests %d (%.0f/s), items %d (%.0f/s), errors %d, %.1f MB received\n",
		r.requests, float64(r.requests)/secs, r.items, float64(r.items)/secs, r.errors, float64(r.bytes)/1e6)
	fmt.Fprintf(w, "latency p50 %s  p90 %s  p99 %s  max %s\n", ms(r.percentile(0.5)), ms(r.percentile(0.9)), ms(r.percentile(0.99)), ms(r.percentile(1)))
	if r.firstError != "" {
		fmt.Fprintf(w, "first error: %s\n", strings.TrimSpace(r.firstError))
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }
