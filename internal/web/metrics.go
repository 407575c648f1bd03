package web

import (
	"fmt"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
)

// metrics counts requests per route and status and their latency, exposed in the Prometheus
// text format at /metrics. Hand-rolled: a few counters do not justify a client library.
type metrics struct {
	mu       sync.Mutex
	requests map[requestKey]*routeStats
	errors   atomic.Int64
	extra    []func() []Metric
}

type requestKey struct {
	method, route string
	status        int
}

var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

type routeStats struct {
	count   int64
	sum     float64
	buckets []int64
}

// Metric is one sample another part of the program contributes to /metrics.
type Metric struct {
	Name, Help, Type string // Type: counter or gauge
	Labels           string // e.g. `layer="grids"`, or ""
	Value            float64
}

func newMetrics() *metrics { return &metrics{requests: map[requestKey]*routeStats{}} }

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	k := requestKey{method, route, status}
	sec := d.Seconds()
	m.mu.Lock()
	st := m.requests[k]
	if st == nil {
		st = &routeStats{buckets: make([]int64, len(latencyBuckets))}
		m.requests[k] = st
	}
	st.count++
	st.sum += sec
	for i, b := range latencyBuckets {
		if sec <= b {
			st.buckets[i]++
		}
	}
	m.mu.Unlock()
}

// AddMetrics registers a function whose samples are added to every /metrics response.
func (s *Server) AddMetrics(f func() []Metric) {
	s.metrics.mu.Lock()
	s.metrics.extra = append(s.metrics.extra, f)
	s.metrics.mu.Unlock()
}

func (s *Server) metricsHandler(c *fiber.Ctx) error {
	m := s.metrics
	m.mu.Lock()
	keys := make([]requestKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.route != b.route {
			return a.route < b.route
		}
		if a.method != b.method {
			return a.method < b.method
		}
		return a.status < b.status
	})
	var out []byte
	out = append(out, "# HELP gridmap_http_requests_total HTTP requests served, by route and status.\n# TYPE gridmap_http_requests_total counter\n"...)
	for _, k := range keys {
		out = fmt.Appendf(out, "gridmap_http_requests_total{method=%q,route=%q,status=\"%d\"} %d\n", k.method, k.route, k.status, m.requests[k].count)
	}
	out = append(out, "# HELP gridmap_http_request_duration_seconds Time to serve HTTP requests.\n# TYPE gridmap_http_request_duration_seconds histogram\n"...)
	agg := map[string]*routeStats{}
	var routes []string
	for _, k := range keys {
		st := m.requests[k]
		a := agg[k.route]
		if a == nil {
			a = &routeStats{buckets: make([]int64, len(latencyBuckets))}
			agg[k.route] = a
			routes = append(routes, k.route)
		}
		a.count += st.count
		a.sum += st.sum
		for i := range st.buckets {
			a.buckets[i] += st.buckets[i]
		}
	}
	for _, r := range routes {
		a := agg[r]
		for i, b := range latencyBuckets {
			out = fmt.Appendf(out, "gridmap_http_request_duration_seconds_bucket{route=%q,le=\"%s\"} %d\n", r, strconv.FormatFloat(b, 'g', -1, 64), a.buckets[i])
		}
		out = fmt.Appendf(out, "gridmap_http_request_duration_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", r, a.count)
		out = fmt.Appendf(out, "gridmap_http_request_duration_seconds_sum{route=%q} %g\n", r, a.sum)
		out = fmt.Appendf(out, "gridmap_http_request_duration_seconds_count{route=%q} %d\n", r, a.count)
	}
	extra := append([]func() []Metric(nil), m.extra...)
	m.mu.Unlock()
	out = fmt.Appendf(out, "# HELP gridmap_http_server_errors_total Responses with a 5xx status.\n# TYPE gridmap_http_server_errors_total counter\ngridmap_http_server_errors_total %d\n", m.errors.Load())
	seen := map[string]bool{}
	for _, f := range extra {
		for _, x := range f() {
			if !seen[x.Name] {
				seen[x.Name] = true
				out = fmt.Appendf(out, "# HELP %s %s\n# TYPE %s %s\n", x.Name, x.Help, x.Name, x.Type)
			}
			if x.Labels != "" {
				out = fmt.Appendf(out, "%s{%s} %g\n", x.Name, x.Labels, x.Value)
			} else {
				out = fmt.Appendf(out, "%s %g\n", x.Name, x.Value)
			}
		}
	}
	c.Set(fiber.HeaderContentType, "text/plain; version=0.0.4; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(out)
}
