// Package web is gridmap's HTTP interface: a fiber app with the read APIs, intake, tiles,
// feature services, health checks, metrics and the embedded front end. It depends on the
// domain's interfaces, never on storage: cmd/gridmap wires the concrete pieces in.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/etag"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"github.com/gridmap/gridmap/internal/auth"
	"github.com/gridmap/gridmap/internal/clock"
	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/intake"
	"github.com/gridmap/gridmap/internal/tileservice"
)

// Health tells whether the server can do its work: the database answers and its schema is
// the one this binary expects.
type Health interface {
	Ping(ctx context.Context) error
	MigrationState(ctx context.Context) (current, latest int64, err error)
	// PoolStats tells how many database connections are in use of the most there may be.
	PoolStats() (acquired, max int)
}

// Deps are the services the HTTP layer calls.
type Deps struct {
	Divisions gridmap.DivisionStore
	Incidents gridmap.IncidentStore
	Features  gridmap.FeatureStore
	Grids     gridmap.GridEditor
	Intake    *intake.Service
	Locator   func() intake.Locator // the current index snapshot
	Health    Health
	Static    fs.FS                // the front end; nil serves none
	Tiles     *tileservice.Service // vector tiles and TileJSON under /tiles; nil serves none
	Analytics gridmap.AnalyticsStore
	Feed      *Feed // new incidents for /api/v1/events; nil serves none
	// Auth signs callers in and tells who they are; with Accounts it serves sign-in, /me and
	// the admin routes. Nil: everyone is the public, who may only read.
	Auth     *auth.Service
	Accounts gridmap.AccountStore
	Staff    gridmap.StaffStore // the staff API; nil serves none
	// Loop serves the steps of the loop (dispatch, respond, callback, …), the supervision
	// list, departments and the calendar; nil serves none.
	Loop gridmap.LoopStore
	// Calendar is the working calendar in force (nil: the national schedule alone).
	Calendar func() *gridmap.Calendar
	Figures  gridmap.FiguresStore // the figures and monthly reports; nil serves none
	Photos   gridmap.PhotoStore   // incidents' photos; nil serves none
	// TileSQL draws a tile in the database in one ST_AsMVT query, for benchmarks against the
	// Go tile path (GET /tiles-sql/...); nil, as in production, serves none.
	TileSQL func(ctx context.Context, layer string, fields []string, z, x, y uint32) ([]byte, error)
}

// Options tune the server; zero values take the defaults of internal/config.
type Options struct {
	Logger *slog.Logger
	// Clock is the time the figures, windows and overdue flags are computed at; nil: the
	// machine's clock.
	Clock          clock.Clock
	MaxBodyBytes   int
	RequestTimeout time.Duration
	PublicURL      string
	MaxBatch       int
	// Simulating says that this server runs a simulated city (GRIDMAP_SIMULATE): its pages show
	// the demo badge.
	Simulating bool
	// Bench honours the benchmark headers X-Gridmap-Cache: bypass and X-Gridmap-Source: store
	// on tile requests (GRIDMAP_BENCH=1); without it they are ignored.
	Bench bool
	// CORSOrigins are the other origins whose pages may call the server (GRIDMAP_CORS_ORIGINS,
	// as config validated them); none: no CORS headers at all, same origin only.
	CORSOrigins []string
	// FrameAncestors is the CSP frame-ancestors source list (GRIDMAP_FRAME_ANCESTORS); "":
	// 'self'.
	FrameAncestors string
}

// Server is the fiber app with its dependencies.
type Server struct {
	app     *fiber.App
	deps    Deps
	opts    Options
	log     *slog.Logger
	metrics *metrics
	// security are the headers every response carries.
	security securityHeaders
	// routeTemplates holds the path of every route registered, mapped to itself: the only
	// route label values the metrics may carry besides routeUnmatched. Written once by New.
	routeTemplates map[string]string
	// statsCache shares the key figures (their JSON) among the displays polling them, and
	// demoCache whether the data is a demo among the pages.
	statsCache ttlCache[[]byte]
	demoCache  ttlCache[bool]
	started    time.Time
}

// localKey names the request-scoped values the server keeps in fiber's Locals: a type of its
// own, so that no other code's key can collide with them.
type localKey int

const (
	// localUnmatched is set (to true) by the fallbacks that answer requests no route matched.
	localUnmatched localKey = iota
	// localRequestID is the request's id (requestLog).
	localRequestID
	// localPrincipal is who is making the request (authenticate; principal reads it).
	localPrincipal
	// localSession is the session of a request made with the session cookie.
	localSession
	// localAfterStep holds what a step of the loop does once it is committed.
	localAfterStep
)

// New builds the server and its routes.
func New(deps Deps, opts Options) *Server { return newServer(deps, opts, immutableStrings) }

// immutableStrings is the Immutable setting of fiber.Config New uses; why, and its measured
// price, at the setting in newServer.
const immutableStrings = true

// newServer builds the server with fiber's Immutable setting given, so that the benchmark
// behind that setting can build both kinds.
func newServer(deps Deps, opts Options, immutable bool) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = clock.System()
	}
	if opts.MaxBodyBytes == 0 {
		opts.MaxBodyBytes = 16 << 20
	}
	if opts.RequestTimeout == 0 {
		opts.RequestTimeout = 30 * time.Second
	}
	if opts.MaxBatch == 0 {
		opts.MaxBatch = 10000
	}
	s := &Server{deps: deps, opts: opts, log: opts.Logger, metrics: newMetrics(opts.Logger), started: time.Now(),
		security: newSecurityHeaders(opts.FrameAncestors)}
	s.app = fiber.New(fiber.Config{
		// Immutable (New: on) makes every string fiber hands a handler — Method, Path, Params,
		// Query, Get, Cookies, OriginalURL, Body — a copy instead of a view of a buffer fasthttp
		// reuses for the next request. A view kept past its handler (a metrics label, a map or
		// cache key, a log record, a goroutine, an event stream) changes underneath: c.Method()
		// kept as a map key froze /metrics (issue 7). Copying at each place a string outlives
		// its handler would cost nothing, but one place forgotten, now or in a later change,
		// brings the bug back; the setting closes the whole class at once.
		// Its price, on a cached grid tile (z14, gzip; BenchmarkCachedTile on 2 cores shared
		// with other work, medians of 10 interleaved runs, CPU time): through the handler
		// 4.2 µs, 8 allocs and 371 B a request without, 4.8 µs, 21 allocs and 560 B with; over
		// an in-memory connection 12.9 and 12.4 µs, a difference inside the runs' spread
		// (±2 µs). Over TCP a tile costs the machine about 30 µs (60,000 tiles/s on two cores),
		// so the setting costs at most 2-3% of cached-tile throughput. README, Speed, has the
		// wall-clock figures.
		// fasthttp's own accessors (c.Context(), c.Request(), c.Response()) still lend their
		// bytes: copy what is kept from them (string(b) does).
		Immutable:             immutable,
		AppName:               "gridmap",
		BodyLimit:             opts.MaxBodyBytes,
		ReadTimeout:           opts.RequestTimeout,
		WriteTimeout:          opts.RequestTimeout,
		IdleTimeout:           2 * time.Minute,
		DisableStartupMessage: true,
		ErrorHandler:          s.errorHandler,
		JSONEncoder:           jsonMarshal,
		StrictRouting:         false,
		CaseSensitive:         true,
	})
	s.routes()
	s.routeTemplates = map[string]string{}
	for _, r := range s.app.GetRoutes() {
		s.routeTemplates[r.Path] = r.Path
	}
	return s
}

func (s *Server) routes() {
	app := s.app
	// First: every answer carries the security headers, whatever comes after.
	app.Use(s.secure)
	// Then the request log, so that a request whose handler panicked is logged and counted
	// too, as the 500 the recoverer turns the panic into.
	app.Use(s.requestLog)
	app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: func(c *fiber.Ctx, e any) {
		s.log.Error("panic", "request_id", requestID(c), "panic", e)
	}}))
	if len(s.opts.CORSOrigins) > 0 {
		// Before every route, so that preflights are answered for all of them; after the
		// request log, so that they are logged and counted.
		app.Use(corsHandler(s.opts.CORSOrigins, s.Routes()))
	}

	app.Use(s.authenticate)

	// JSON answers are compressed when the client accepts it; the event stream is not, so that
	// each event leaves at once.
	app.Use("/api/v1", compress.New(compress.Config{Level: compress.LevelBestSpeed,
		Next: func(c *fiber.Ctx) bool { return c.Path() == "/api/v1/events" }}))
	for _, e := range s.endpoints() {
		handlers := append([]fiber.Handler{s.authorize(e.Action)}, e.handlers...)
		app.Add(e.Method, e.Path, handlers...)
		if e.Method == fiber.MethodGet { // as fiber's Get does: clients such as GDAL ask HEAD first
			app.Add(fiber.MethodHead, e.Path, handlers...)
		}
	}
	app.Use("/api/v1", noRoute(func(c *fiber.Ctx) error {
		return gridmap.NotFound("no API endpoint %s %s", c.Method(), c.Path())
	}))

	if s.deps.Static != nil {
		// The front end: compressed on the way out (MapLibre alone is 1.1 MB), ES modules
		// served as JavaScript whatever the platform's MIME table says.
		// Pages, scripts and styles are revalidated on every load (ETag, 304), so a deploy never
		// mixes old and new scripts; the vendored library changes only with its version.
		app.Use("/", compress.New(compress.Config{Level: compress.LevelBestSpeed}), etag.New(etag.Config{Weak: true}), func(c *fiber.Ctx) error {
			err := c.Next()
			if err != nil {
				return err
			}
			if strings.HasSuffix(c.Path(), ".mjs") {
				c.Set(fiber.HeaderContentType, "text/javascript; charset=utf-8")
			}
			if strings.HasPrefix(c.Path(), "/lib/") {
				c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
			} else {
				c.Set(fiber.HeaderCacheControl, "no-cache")
			}
			return nil
		}, filesystem.New(filesystem.Config{Root: http.FS(s.deps.Static), Index: "index.html"}))
	}
	app.Use(noRoute(func(c *fiber.Ctx) error { return gridmap.NotFound("nothing at %s", c.Path()) }))
}

// noRoute is a fallback for requests no route matched: it answers with h's error and has them
// counted as routeUnmatched, since its own template ("/", "/api/v1") would pass for a route.
func noRoute(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Locals(localUnmatched, true)
		return h(c)
	}
}

// App exposes the fiber app, for tests (app.Test) and for wiring more routes.
func (s *Server) App() *fiber.App { return s.app }

// Serve accepts connections on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error { return s.app.Listener(ln) }

// Shutdown stops accepting connections and waits for requests in flight until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error { return s.app.ShutdownWithContext(ctx) }

// requestLog gives each request an id (kept from X-Request-ID when the caller sent a sane one),
// and logs it with its status and duration when it is done.
func (s *Server) requestLog(c *fiber.Ctx) error {
	start := time.Now()
	id := c.Get(fiber.HeaderXRequestID)
	if !saneRequestID(id) {
		b := make([]byte, 8)
		rand.Read(b)
		id = hex.EncodeToString(b)
	}
	c.Locals(localRequestID, id)
	// Every database call a handler makes ends with the request: fasthttp gives handlers no
	// context of their own, so a stuck database would otherwise hold requests for ever.
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.RequestTimeout)
	defer cancel()
	c.SetUserContext(ctx)
	c.Set(fiber.HeaderXRequestID, id)
	err := c.Next()
	if err != nil {
		if herr := s.app.ErrorHandler(c, err); herr != nil {
			c.Status(http.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	d := time.Since(start)
	route := s.routeLabel(c)
	s.metrics.observe(methodLabel(c.Method()), route, statusLabel(status), d)
	// Asked first, because building the attributes costs a dozen allocations a request even
	// when the level is off (GRIDMAP_LOG_LEVEL=warn, as under load).
	if level := logLevelFor(status); s.log.Enabled(c.UserContext(), level) {
		s.log.Log(c.UserContext(), level, "request", "request_id", id, "method", c.Method(),
			"path", c.Path(), "route", route, "status", status, "duration_ms", float64(d.Microseconds())/1000,
			"bytes", responseSize(c), "remote", c.IP())
	}
	return nil
}

func saneRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(localRequestID).(string)
	return id
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// healthz answers as long as the process runs and serves HTTP.
func (s *Server) healthz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"status": "ok", "uptime_s": int(time.Since(s.started).Seconds())})
}

// readyz answers 200 only when the database answers and its schema is current, so a load
// balancer sends no traffic to an instance that cannot serve it.
func (s *Server) readyz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	ctx, cancel := context.WithTimeout(c.UserContext(), 3*time.Second)
	defer cancel()
	if s.deps.Health == nil {
		return &gridmap.Error{Code: gridmap.EUnavailable, Message: "no database configured"}
	}
	if err := s.deps.Health.Ping(ctx); err != nil {
		return &gridmap.Error{Code: gridmap.EUnavailable, Message: "database unreachable", Err: err}
	}
	cur, latest, err := s.deps.Health.MigrationState(ctx)
	if err != nil {
		return &gridmap.Error{Code: gridmap.EUnavailable, Message: "cannot read the schema version", Err: err}
	}
	if cur != latest {
		return gridmap.Errorf(gridmap.EUnavailable, "database schema is at version %d, this server needs %d: run gridmap migrate", cur, latest)
	}
	// Every connection in use is load, not an outage: the health check has its own connection,
	// and the instance stays in the balancer while it works through its queue.
	acquired, most := s.deps.Health.PoolStats()
	return c.JSON(fiber.Map{"status": "ready", "schema_version": cur, "busy": acquired >= most,
		"database_connections": fiber.Map{"in_use": acquired, "max": most}})
}

// baseURL is the external URL of this server, for links in documents.
func (s *Server) baseURL(c *fiber.Ctx) string {
	if s.opts.PublicURL != "" {
		return s.opts.PublicURL
	}
	return strings.TrimRight(c.BaseURL(), "/")
}

// responseSize is the body's length, without reading a streamed body (which would wait for the
// stream to end); streams report -1.
func responseSize(c *fiber.Ctx) int {
	if c.Response().IsBodyStream() {
		return -1
	}
	return len(c.Response().Body())
}
