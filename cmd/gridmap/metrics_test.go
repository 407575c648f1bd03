package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

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
