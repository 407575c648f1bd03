package main

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/gridmap/gridmap/internal/intake"
	"github.com/gridmap/gridmap/internal/live"
	"github.com/gridmap/gridmap/internal/tileservice"
)

// indexCollector exposes the point-in-grid index's figures on /metrics. It reads the index's
// counters once per scrape, so the figures of one scrape belong together.
type indexCollector struct {
	index                                       *live.Value[*intake.GridLocator]
	grids, version, builds, failures, buildSecs *prometheus.Desc
}

func newIndexCollector(index *live.Value[*intake.GridLocator]) *indexCollector {
	return &indexCollector{
		index:     index,
		grids:     prometheus.NewDesc("gridmap_index_grids", "Grids in the point-in-grid index.", nil, nil),
		version:   prometheus.NewDesc("gridmap_index_version", "Snapshots of the index published so far.", nil, nil),
		builds:    prometheus.NewDesc("gridmap_index_builds_total", "Index rebuilds.", nil, nil),
		failures:  prometheus.NewDesc("gridmap_index_build_failures_total", "Failed index rebuilds.", nil, nil),
		buildSecs: prometheus.NewDesc("gridmap_index_build_seconds", "Duration of the last index rebuild.", nil, nil),
	}
}

// Describe sends the descriptions of every figure the collector exposes.
func (c *indexCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.grids, c.version, c.builds, c.failures, c.buildSecs} {
		ch <- d
	}
}

// Collect sends the index's figures as they are now.
func (c *indexCollector) Collect(ch chan<- prometheus.Metric) {
	builds, failed, last, version := c.index.Stats()
	grids := 0
	if loc := c.index.Get(); loc != nil {
		grids = loc.Snap.Len()
	}
	ch <- prometheus.MustNewConstMetric(c.grids, prometheus.GaugeValue, float64(grids))
	ch <- prometheus.MustNewConstMetric(c.version, prometheus.GaugeValue, float64(version))
	ch <- prometheus.MustNewConstMetric(c.builds, prometheus.CounterValue, float64(builds))
	ch <- prometheus.MustNewConstMetric(c.failures, prometheus.CounterValue, float64(failed))
	ch <- prometheus.MustNewConstMetric(c.buildSecs, prometheus.GaugeValue, last.Seconds())
}

// tileCollector exposes the tile service's cache and layer figures on /metrics, read once per
// scrape. The layer label takes the service's layer ids, a fixed set.
type tileCollector struct {
	tiles                                          *tileservice.Service
	entries, bytes, evictions, requests, fromStore *prometheus.Desc
	features, inMemory, builds, buildSecs          *prometheus.Desc
}

func newTileCollector(tiles *tileservice.Service) *tileCollector {
	layer := []string{"layer"}
	return &tileCollector{
		tiles:     tiles,
		entries:   prometheus.NewDesc("gridmap_tile_cache_entries", "Tiles in the cache.", nil, nil),
		bytes:     prometheus.NewDesc("gridmap_tile_cache_bytes", "Bytes of cached tiles.", nil, nil),
		evictions: prometheus.NewDesc("gridmap_tile_cache_evictions_total", "Tiles evicted to stay within GRIDMAP_TILE_CACHE_BYTES.", nil, nil),
		requests:  prometheus.NewDesc("gridmap_tiles_total", "Tile requests by how the tile was found.", []string{"cache"}, nil),
		fromStore: prometheus.NewDesc("gridmap_tiles_from_store_total", "Tiles drawn from PostGIS because the layer's snapshot was not current.", nil, nil),
		features:  prometheus.NewDesc("gridmap_tile_layer_features", "Features in the layer's snapshot.", layer, nil),
		inMemory:  prometheus.NewDesc("gridmap_tile_layer_in_memory", "1 when the layer's tiles come from its snapshot, 0 while they come from PostGIS.", layer, nil),
		builds:    prometheus.NewDesc("gridmap_tile_layer_builds_total", "Snapshot builds of the layer.", layer, nil),
		buildSecs: prometheus.NewDesc("gridmap_tile_layer_build_seconds", "Duration of the layer's last snapshot build.", layer, nil),
	}
}

// Describe sends the descriptions of every figure the collector exposes.
func (c *tileCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.entries, c.bytes, c.evictions, c.requests, c.fromStore, c.features, c.inMemory, c.builds, c.buildSecs} {
		ch <- d
	}
}

// Collect sends the tile service's figures as they are now.
func (c *tileCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.tiles.Stats()
	ch <- prometheus.MustNewConstMetric(c.entries, prometheus.GaugeValue, float64(st.CacheEntries))
	ch <- prometheus.MustNewConstMetric(c.bytes, prometheus.GaugeValue, float64(st.CacheBytes))
	ch <- prometheus.MustNewConstMetric(c.evictions, prometheus.CounterValue, float64(st.Evictions))
	ch <- prometheus.MustNewConstMetric(c.requests, prometheus.CounterValue, float64(st.Hits), "hit")
	ch <- prometheus.MustNewConstMetric(c.requests, prometheus.CounterValue, float64(st.Misses), "miss")
	ch <- prometheus.MustNewConstMetric(c.requests, prometheus.CounterValue, float64(st.Shared), "shared")
	ch <- prometheus.MustNewConstMetric(c.requests, prometheus.CounterValue, float64(st.Bypassed), "bypass")
	ch <- prometheus.MustNewConstMetric(c.fromStore, prometheus.CounterValue, float64(st.StoreTiles))
	for _, l := range st.Layers {
		mem := 0.0
		if l.InMemory {
			mem = 1
		}
		ch <- prometheus.MustNewConstMetric(c.features, prometheus.GaugeValue, float64(l.Features), l.Layer)
		ch <- prometheus.MustNewConstMetric(c.inMemory, prometheus.GaugeValue, mem, l.Layer)
		ch <- prometheus.MustNewConstMetric(c.builds, prometheus.CounterValue, float64(l.Builds), l.Layer)
		ch <- prometheus.MustNewConstMetric(c.buildSecs, prometheus.GaugeValue, l.LastBuild.Seconds(), l.Layer)
	}
}
