package web

import (
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus collectors, in a registry the Server owns: two servers in
// one process (as in the tests) count apart, and nothing is registered globally.
//
// The vectors keep the label values they are first given for as long as the process runs, so
// every value passed to them is a string of the program's own — a method name constant, a route
// template, a formatted status — never a string fiber lent for one request.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	errors   prometheus.Counter
	handler  fiber.Handler
}

// The label values for what the routes cannot name.
const (
	// routeUnmatched labels requests no route answered (the 404 fallbacks).
	routeUnmatched = "unmatched"
	// methodOther labels every method outside the standard ones. Fiber answers methods it does
	// not know with 400 before any middleware runs, so these are not counted at all today; the
	// label keeps the set bounded if that ever changes.
	methodOther = "other"
	// statusOther labels a status outside 100..599, which only a bug could produce.
	statusOther = "other"
)

func newMetrics(log *slog.Logger) *metrics {
	reg := prometheus.NewRegistry()
	m := &metrics{
		registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gridmap_http_requests_total",
			Help: "HTTP requests served, by method, route template and status.",
		}, []string{"method", "route", "status"}),
		// The buckets span a cached tile (well under a millisecond) to a 10,000-point locate or
		// a batch of 1,000 reports (tens to hundreds of milliseconds).
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "gridmap_http_request_duration_seconds",
			Help:    "Time to serve HTTP requests, by method, route template and status.",
			Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5},
		}, []string{"method", "route", "status"}),
		errors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gridmap_http_server_errors_total",
			Help: "Responses with a 5xx status.",
		}),
	}
	// A fresh registry and collectors of fixed names: registering cannot fail unless this code
	// is wrong, which every test of the server would show.
	reg.MustRegister(m.requests, m.duration, m.errors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// promhttp negotiates the format and compression; the adaptor hands it a net/http request
	// that lives only while it runs, which is all promhttp needs (no Timeout, no coalescing:
	// both would keep the request in another goroutine).
	m.handler = adaptor.HTTPHandler(promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog:      promLog{log},
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      reg,
	}))
	return m
}

// observe counts one finished request. method, route and status must be label values of the
// program's own (see metrics).
func (m *metrics) observe(method, route, status string, d time.Duration) {
	m.requests.WithLabelValues(method, route, status).Inc()
	m.duration.WithLabelValues(method, route, status).Observe(d.Seconds())
}

// Register adds collectors to /metrics: the figures of parts of the program the HTTP layer does
// not know (the index, the tile cache), which cmd/gridmap wires in.
func (s *Server) Register(cs ...prometheus.Collector) error {
	for _, c := range cs {
		if err := s.metrics.registry.Register(c); err != nil {
			return fmt.Errorf("web: register metrics: %w", err)
		}
	}
	return nil
}

// metricsHandler: GET /metrics, the Prometheus exposition of the server's registry.
func (s *Server) metricsHandler(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.metrics.handler(c)
}

// methodLabel maps a request method to one of a fixed set of label values.
func methodLabel(method string) string {
	switch method {
	case fiber.MethodGet:
		return fiber.MethodGet
	case fiber.MethodHead:
		return fiber.MethodHead
	case fiber.MethodPost:
		return fiber.MethodPost
	case fiber.MethodPut:
		return fiber.MethodPut
	case fiber.MethodDelete:
		return fiber.MethodDelete
	case fiber.MethodPatch:
		return fiber.MethodPatch
	case fiber.MethodOptions:
		return fiber.MethodOptions
	}
	return methodOther
}

// statusLabel formats a status code as a label value of its own.
func statusLabel(status int) string {
	if status < 100 || status > 599 {
		return statusOther
	}
	return strconv.Itoa(status)
}

// routeLabel is the route template that answered c: the path a route was registered with
// (never the request's path), or routeUnmatched when a fallback answered or the route is not
// one this server registered.
func (s *Server) routeLabel(c *fiber.Ctx) string {
	if unmatched, _ := c.Locals(localUnmatched).(bool); unmatched {
		return routeUnmatched
	}
	if r, ok := s.routeTemplates[c.Route().Path]; ok {
		return r
	}
	return routeUnmatched
}

// promLog passes promhttp's errors (a collector failing, say) to the server's log.
type promLog struct{ log *slog.Logger }

func (l promLog) Println(v ...any) { l.log.Error("metrics: " + fmt.Sprint(v...)) }
