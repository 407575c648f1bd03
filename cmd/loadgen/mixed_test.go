package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMixedScenario runs the mixed load against a stand-in server: every kind is sent and
// counted, /metrics is scraped on time and parsed, and a scrape that does not parse or a
// server that stops answering is reported as the server not staying up.
func TestMixedScenario(t *testing.T) {
	tests := []struct {
		name    string
		metrics string
		wantUp  bool
	}{
		{"good exposition", "# TYPE gridmap_http_requests_total counter\n" +
			`gridmap_http_requests_total{method="GET",route="/tiles/:layer/:z/:x/:file",status="200"} 3` + "\n" +
			`gridmap_http_requests_total{method="POST",route="/api/v1/incidents",status="201"} 1` + "\n", true},
		{"garbage", "gridmap_http_requests_total{route=/x} one\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			paths := map[string]int{}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				paths[r.Method+" "+r.URL.Path]++
				mu.Unlock()
				switch {
				case r.URL.Path == "/metrics":
					w.Header().Set("Content-Type", "text/plain; version=0.0.4")
					fmt.Fprint(w, tt.metrics)
				case r.Method == "POST" && r.URL.Path == "/api/v1/incidents":
					w.WriteHeader(http.StatusCreated)
				}
			}))
			defer srv.Close()
			o := options{base: srv.URL, concurrency: 2, duration: 1500 * time.Millisecond, maxRequests: 1 << 40, seed: 1,
				bbox: [4]float64{119.30, 25.66, 119.45, 25.80}}
			res, err := runMixed(context.Background(), o, 200*time.Millisecond, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range res.kinds {
				if s := res.byKind[k]; s.requests == 0 || s.errors != 0 {
					t.Errorf("%s: %d requests, %d errors (%s)", k, s.requests, s.errors, s.firstError)
				}
			}
			if n := res.scrapes.requests; n < 4 || n > 8 {
				t.Errorf("%d scrapes in 1.5 s at 200 ms", n)
			}
			if res.serverUp != tt.wantUp || res.healthz != 200 {
				t.Errorf("server up %v (healthz %d, scrape errors %d), want %v", res.serverUp, res.healthz, res.scrapes.errors, tt.wantUp)
			}
			if tt.wantUp && strings.Join(res.routes, " ") != "/api/v1/incidents /tiles/:layer/:z/:x/:file" {
				t.Errorf("routes %v", res.routes)
			}
			for _, p := range []string{"GET /api/v1/locate", "POST /api/v1/locate", "GET /api/v1/stats", "POST /api/v1/incidents"} {
				if paths[p] == 0 {
					t.Errorf("no %s sent", p)
				}
			}
			var out strings.Builder
			res.print(&out, o, 200*time.Millisecond)
			if !strings.Contains(out.String(), "| /metrics scrapes |") || !strings.Contains(out.String(), "server stayed up:") {
				t.Errorf("report:\n%s", out.String())
			}
		})
	}
}
