package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// The mixed scenario is a soak run of what a city's displays, street leaders and intake send
// at once — tiles of every layer, the list APIs, locate (one point and batches), the key
// figures and single reports — while /metrics is scraped every -scrape (1 s), as Prometheus
// would. It reports each kind's throughput, errors and latency, the scrapes' latency, and
// whether the server stayed up: every scrape answered, /healthz answers after the run and, with
// -serve, the server process is still running.
//
//	go run ./cmd/loadgen -scenario mixed -c 16 -duration 10m -serve 'postgres://…/gridmap_mixed'

// mixedKind is one kind of request of the mixed load, drawn with probability weight/Σweights.
type mixedKind struct {
	name   string
	weight int
	build  func(r *rand.Rand, n int64) *http.Request
}

// mixedStats are one kind's figures.
type mixedStats struct {
	requests, errors int64
	latencies        []time.Duration
	firstError       string
}

func (s *mixedStats) add(o *mixedStats) {
	s.requests += o.requests
	s.errors += o.errors
	s.latencies = append(s.latencies, o.latencies...)
	if s.firstError == "" {
		s.firstError = o.firstError
	}
}

// mixedResult is what a mixed run measured.
type mixedResult struct {
	elapsed  time.Duration
	kinds    []string
	byKind   map[string]*mixedStats
	scrapes  mixedStats
	series   int // series in the last good scrape
	routes   []string
	healthz  int   // status of /healthz after the run (0: no answer)
	exited   error // with -serve: how the server process ended, if it did
	serverUp bool
}

// mixedKinds are the request kinds, spread over o.bbox.
func mixedKinds(o options, runID string) []mixedKind {
	var tilePaths []string
	for _, t := range []struct {
		layer string
		z     int
	}{{"grids", 14}, {"grids", 16}, {"communities", 12}, {"streets", 11}, {"incidents", 12}, {"incidents", 15}, {"red_positions", 15}, {"stations", 14}} {
		oo := o
		oo.layer, oo.zoom, oo.format, oo.query = t.layer, t.z, "mvt", ""
		tilePaths = append(tilePaths, tileSet(oo)...)
	}
	point := func(r *rand.Rand) (float64, float64) {
		return o.bbox[0] + r.Float64()*(o.bbox[2]-o.bbox[0]), o.bbox[1] + r.Float64()*(o.bbox[3]-o.bbox[1])
	}
	get := func(path string) *http.Request {
		req, _ := http.NewRequest("GET", o.base+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		return o.authorize(req)
	}
	post := func(path string, body []byte) *http.Request {
		req, _ := http.NewRequest("POST", o.base+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		return o.authorize(req)
	}
	streets := []string{"350181002", "350181003", "350181007"}
	lists := []func(r *rand.Rand) string{
		func(*rand.Rand) string { return "/api/v1/streets" },
		func(r *rand.Rand) string { return "/api/v1/communities?street=" + streets[r.IntN(len(streets))] },
		func(r *rand.Rand) string {
			lon, lat := point(r)
			return fmt.Sprintf("/api/v1/grids?bbox=%.4f,%.4f,%.4f,%.4f", lon, lat, lon+0.01, lat+0.01)
		},
		func(r *rand.Rand) string { return "/api/v1/red-positions?street=" + streets[r.IntN(len(streets))] },
		func(*rand.Rand) string { return "/api/v1/stations" },
		func(*rand.Rand) string { return "/api/v1/incidents?limit=50" },
		func(r *rand.Rand) string {
			return fmt.Sprintf("/ogc/collections/grids/items?limit=10&offset=%d", r.IntN(800))
		},
	}
	return []mixedKind{
		{"tiles", 45, func(r *rand.Rand, _ int64) *http.Request { return get(tilePaths[r.IntN(len(tilePaths))]) }},
		{"lists", 20, func(r *rand.Rand, _ int64) *http.Request { return get(lists[r.IntN(len(lists))](r)) }},
		{"locate", 12, func(r *rand.Rand, _ int64) *http.Request {
			lon, lat := point(r)
			return get(fmt.Sprintf("/api/v1/locate?lon=%.6f&lat=%.6f", lon, lat))
		}},
		{"locate-100", 5, func(r *rand.Rand, _ int64) *http.Request {
			pts := make([][2]float64, 100)
			for i := range pts {
				pts[i][0], pts[i][1] = point(r)
			}
			b, _ := json.Marshal(map[string]any{"crs": "wgs84", "points": pts})
			return post("/api/v1/locate", b)
		}},
		{"stats", 8, func(*rand.Rand, int64) *http.Request { return get("/api/v1/stats") }},
		{"incident", 10, func(r *rand.Rand, n int64) *http.Request {
			b, _ := json.Marshal(report(o, r, ""))
			req := post("/api/v1/incidents", b)
			req.Header.Set("Idempotency-Key", fmt.Sprintf("mixed-%s-%d", runID, n))
			return req
		}},
	}
}

// runMixed drives the mixed load with o.concurrency workers for o.duration, scraping /metrics
// every scrapeEvery. alive, if not nil, tells whether the server process still runs.
func runMixed(ctx context.Context, o options, scrapeEvery time.Duration, alive func() error) (*mixedResult, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.concurrency * 2}, Timeout: 30 * time.Second}
	runID := fmt.Sprintf("%x", time.Now().UnixNano())
	kinds := mixedKinds(o, runID)
	total := 0
	for _, k := range kinds {
		total += k.weight
	}
	res := &mixedResult{byKind: map[string]*mixedStats{}}
	for _, k := range kinds {
		res.kinds = append(res.kinds, k.name)
		res.byKind[k.name] = &mixedStats{}
	}
	runCtx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	var next atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < o.concurrency; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(o.seed, uint64(w)))
			mine := map[string]*mixedStats{}
			for _, k := range kinds {
				mine[k.name] = &mixedStats{}
			}
			for runCtx.Err() == nil {
				n := next.Add(1)
				if n > o.maxRequests {
					break
				}
				pick, k := r.IntN(total), kinds[0]
				for _, kk := range kinds {
					if pick < kk.weight {
						k = kk
						break
					}
					pick -= kk.weight
				}
				st := mine[k.name]
				t0 := time.Now()
				// A request in flight when the time is up is let finish, so that the end of the
				// run is not counted as errors.
				status, body, err := do(client, k.build(r, n))
				if err != nil && runCtx.Err() != nil {
					break
				}
				st.requests++
				st.latencies = append(st.latencies, time.Since(t0))
				if err != nil || (status >= 300 && status != http.StatusNotModified) {
					st.errors++
					if st.firstError == "" {
						if err != nil {
							st.firstError = err.Error()
						} else {
							st.firstError = fmt.Sprintf("%d %s", status, truncate(string(body), 200))
						}
					}
				}
			}
			mu.Lock()
			for name, st := range mine {
				res.byKind[name].add(st)
			}
			mu.Unlock()
		}(w)
	}
	scraped := make(chan struct{})
	go func() {
		defer close(scraped)
		tick := time.NewTicker(scrapeEvery)
		defer tick.Stop()
		for {
			select {
			case <-runCtx.Done():
				return
			case <-tick.C:
			}
			t0 := time.Now()
			series, routes, err := scrapeMetrics(client, o.base)
			res.scrapes.requests++
			res.scrapes.latencies = append(res.scrapes.latencies, time.Since(t0))
			if err != nil {
				res.scrapes.errors++
				if res.scrapes.firstError == "" {
					res.scrapes.firstError = err.Error()
				}
				continue
			}
			res.series, res.routes = series, routes
		}
	}()
	wg.Wait()
	<-scraped
	res.elapsed = time.Since(start)
	hctx, hcancel := context.WithTimeout(ctx, 10*time.Second)
	defer hcancel()
	req, _ := http.NewRequestWithContext(hctx, "GET", o.base+"/healthz", nil)
	res.healthz, _, _ = do(client, req)
	if alive != nil {
		res.exited = alive()
	}
	res.serverUp = res.healthz == http.StatusOK && res.exited == nil && res.scrapes.errors == 0
	return res, nil
}

// do sends req and reads the whole answer.
func do(client *http.Client, req *http.Request) (int, []byte, error) {
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// scrapeMetrics reads /metrics as Prometheus does and returns how many series it holds and the
// route labels of the request counter; a scrape that does not parse is an error.
func scrapeMetrics(client *http.Client, base string) (int, []string, error) {
	resp, err := client.Get(base + "/metrics")
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return 0, nil, fmt.Errorf("/metrics: %s %s", resp.Status, truncate(string(b), 200))
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	mfs, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		return 0, nil, fmt.Errorf("/metrics does not parse: %w", err)
	}
	series := 0
	for _, mf := range mfs {
		series += len(mf.GetMetric())
	}
	seen := map[string]bool{}
	for _, m := range mfs["gridmap_http_requests_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "route" {
				seen[l.GetValue()] = true
			}
		}
	}
	routes := make([]string, 0, len(seen))
	for r := range seen {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	return series, routes, nil
}

func (s *mixedStats) percentile(p float64) time.Duration { return percentile(s.latencies, p) }

func (res *mixedResult) print(w io.Writer, o options, scrapeEvery time.Duration) {
	secs := res.elapsed.Seconds()
	fmt.Fprintf(w, "scenario mixed, %d clients, %.1fs, /metrics scraped every %s\n\n", o.concurrency, secs, scrapeEvery)
	fmt.Fprintln(w, "| kind | requests | per second | errors | p50 ms | p99 ms | max ms |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|")
	var all mixedStats
	row := func(name string, s *mixedStats) {
		sort.Slice(s.latencies, func(i, j int) bool { return s.latencies[i] < s.latencies[j] })
		fmt.Fprintf(w, "| %s | %d | %.0f | %d | %.2f | %.2f | %.1f |\n", name, s.requests, float64(s.requests)/secs, s.errors,
			msf(s.percentile(0.5)), msf(s.percentile(0.99)), msf(s.percentile(1)))
	}
	for _, k := range res.kinds {
		s := res.byKind[k]
		all.add(s)
		row(k, s)
	}
	row("all", &all)
	row("/metrics scrapes", &res.scrapes)
	fmt.Fprintf(w, "\nlast good scrape: %d series (a histogram counts once), %d route labels: %s\n", res.series, len(res.routes), strings.Join(res.routes, " "))
	up := "yes"
	if !res.serverUp {
		up = "NO"
	}
	fmt.Fprintf(w, "server stayed up: %s (/healthz after the run: %d; failed scrapes: %d", up, res.healthz, res.scrapes.errors)
	if o.serve {
		if res.exited != nil {
			fmt.Fprintf(w, "; the server process ended: %v", res.exited)
		} else {
			fmt.Fprint(w, "; the server process still runs")
		}
	}
	fmt.Fprintln(w, ")")
	firstError := func(name string, s *mixedStats) {
		if s.firstError != "" {
			fmt.Fprintf(w, "first %s error: %s\n", name, strings.TrimSpace(s.firstError))
		}
	}
	for _, k := range res.kinds {
		firstError(k, res.byKind[k])
	}
	firstError("/metrics scrapes", &res.scrapes)
}

func msf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
