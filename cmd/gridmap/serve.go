package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/gridmap/gridmap/internal/auth"
	"github.com/gridmap/gridmap/internal/config"
	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/intake"
	"github.com/gridmap/gridmap/internal/live"
	"github.com/gridmap/gridmap/internal/postgis"
	"github.com/gridmap/gridmap/internal/simulate"
	"github.com/gridmap/gridmap/internal/spatial"
	"github.com/gridmap/gridmap/internal/tileservice"
	"github.com/gridmap/gridmap/internal/web"
	"github.com/gridmap/gridmap/static"
)

// App is a running gridmap server: database, caches and HTTP listener. Tests start it on port 0
// and talk to it over real HTTP.
type App struct {
	cfg    config.Config
	log    *slog.Logger
	db     *postgis.DB
	server *web.Server
	index  *live.Value[*intake.GridLocator]
	// calendar is the working calendar in force, rebuilt when the city changes its days.
	calendar *live.Value[*gridmap.Calendar]
	tiles    *tileservice.Service
	feed     *web.Feed
	ln       net.Listener
	done     chan error
	cancel   context.CancelFunc
	bg       chan struct{}
	// sim is the simulated city's goroutine, waited for on Close.
	sim sync.WaitGroup
}

// Start connects to the database, applies migrations, builds the point-in-grid index, follows
// database changes and starts serving on cfg.Addr. It returns once the server accepts
// connections.
func Start(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	a := &App{cfg: cfg, log: log, done: make(chan error, 1), bg: make(chan struct{})}
	db, err := postgis.Open(ctx, cfg.DatabaseURL, log)
	if err != nil {
		return nil, err
	}
	db.Clock = cfg.Clock
	a.db = db
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}

	a.index = live.New("grid index", []string{"grids", "communities", "streets"}, func(ctx context.Context) (*intake.GridLocator, error) {
		return intake.LoadLocator(ctx, db, spatial.Options{NearestMetres: nearest(cfg)})
	}, log)
	a.calendar = live.New("calendar", []string{"calendar_days"}, func(ctx context.Context) (*gridmap.Calendar, error) {
		return loadCalendar(ctx, db)
	}, log)
	// Tile layers are built in the background; until each is ready its tiles come straight
	// from PostGIS, so start-up does not wait for them.
	a.tiles = tileservice.New(db, tileservice.Options{CacheBytes: cfg.TileCacheBytes, Logger: log, Now: cfg.Clock.Now})
	feed := web.NewFeed(db, log)
	a.feed = feed
	hub := &live.Hub{}
	hub.Add(a.index)
	hub.Add(a.calendar)
	hub.Add(a.tiles)
	hub.OnChange(feed.Changed)

	// Listen first, then load: a change committed in between is then followed, not lost.
	runCtx, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	listening := make(chan struct{})
	go func() {
		defer close(a.bg)
		db.Listen(runCtx, hub.Changed, hub.Resync, func() { close(listening) })
	}()
	select {
	case <-listening:
	case <-time.After(30 * time.Second):
		a.Close(context.Background())
		return nil, errors.New("could not LISTEN for database changes within 30s")
	}
	start := time.Now()
	if err := a.calendar.Refresh(ctx); err != nil {
		a.Close(context.Background())
		return nil, fmt.Errorf("read the working calendar: %w", err)
	}
	if err := a.index.Refresh(ctx); err != nil {
		a.Close(context.Background())
		return nil, fmt.Errorf("build grid index: %w", err)
	}
	log.Info("grid index ready", "grids", a.index.Get().Snap.Len(), "took_ms", time.Since(start).Milliseconds())
	go a.index.Run(runCtx)
	go a.calendar.Run(runCtx)
	go a.tiles.Run(runCtx)
	go feed.Run(runCtx)
	go periodic(runCtx, cfg.IndexRefreshPeriod, hub.Resync)
	// Supervision: warnings that have come due are recorded (once, whichever instance comes
	// first) and announced on the live feeds.
	go periodic(runCtx, 30*time.Second, func() {
		if n, err := db.FireWarnings(runCtx, cfg.Clock.Now()); err != nil && runCtx.Err() == nil {
			log.Warn("supervision: recording warnings failed", "err", err)
		} else if n > 0 {
			log.Info("supervision warnings fired", "count", n)
		}
	})

	locator := func() intake.Locator { return a.index.Get() }
	// Stored: a 201 for an incident means this instance's next incident tile recomputes.
	// The live feed hears of them at once too, before the NOTIFY comes round.
	cal := a.calendar.Get
	intakeSvc := &intake.Service{Store: db, Locator: locator, Calendar: cal, Now: cfg.Clock.Now, Stored: func() {
		a.tiles.IncidentsStored()
		feed.Changed("incidents")
	}}
	intakeSvc.Start(runCtx, 4)
	if cfg.SimulatePerHour > 0 {
		log.Warn("GRIDMAP_SIMULATE is set: a simulated city reports and works incidents, marked simulated; demos only", "per_hour", cfg.SimulatePerHour)
		city := simulate.New(db, intakeSvc, simulate.Options{PerHour: cfg.SimulatePerHour, Now: cfg.Clock.Now, Log: log})
		a.sim.Go(func() { city.Run(runCtx) })
	}
	bench := cfg.Bench
	var tileSQL func(ctx context.Context, layer string, fields []string, z, x, y uint32) ([]byte, error)
	if bench {
		tileSQL = db.TileSQL
		log.Warn("GRIDMAP_BENCH=1: benchmark headers and /tiles-sql are on; never use this in production")
	}
	a.server = web.New(web.Deps{
		Divisions: db,
		Features:  db,
		Incidents: db,
		Grids:     postgis.GridEditor{DB: db, Plan: incidentPlanner(cfg, cal)},
		Intake:    intakeSvc,
		Locator:   locator,
		Health:    db,
		Static:    static.FS,
		Tiles:     a.tiles,
		Analytics: db,
		Feed:      feed,
		Auth:      auth.New(db, cfg.Clock, cfg.SessionTTL),
		Accounts:  db,
		Staff:     db,
		Loop:      db,
		Figures:   db,
		Photos:    db,
		Calendar:  cal,
		TileSQL:   tileSQL,
	}, web.Options{
		Logger:         log,
		Clock:          cfg.Clock,
		Simulating:     cfg.SimulatePerHour > 0,
		MaxBodyBytes:   cfg.MaxBodyBytes,
		RequestTimeout: cfg.RequestTimeout,
		PublicURL:      cfg.PublicURL,
		MaxBatch:       cfg.MaxBatchItems,
		Bench:          bench,
		CORSOrigins:    cfg.CORSOrigins,
		FrameAncestors: cfg.FrameAncestors,
	})
	if err := a.server.Register(newIndexCollector(a.index), newTileCollector(a.tiles)); err != nil {
		a.Close(context.Background())
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		a.Close(context.Background())
		return nil, fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	a.ln = ln
	go func() { a.done <- a.server.Serve(ln) }()
	log.Info("gridmap serving", append([]any{"url", "http://" + ln.Addr().String()}, cfg.Redacted()...)...)
	return a, nil
}

// periodic calls fn every period until ctx ends: a safety net beside LISTEN/NOTIFY.
func periodic(ctx context.Context, period time.Duration, fn func()) {
	if period <= 0 {
		return
	}
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}

// Addr is the address the server listens on (useful with port 0).
func (a *App) Addr() string { return a.ln.Addr().String() }

// Close shuts the server down gracefully: no new connections, requests in flight finish until
// ctx ends, then background work stops and the database pool closes.
func (a *App) Close(ctx context.Context) error {
	var err error
	if a.server != nil && a.ln != nil {
		if a.feed != nil {
			a.feed.CloseStreams()
		}
		err = a.server.Shutdown(ctx)
		// A Shutdown that comes before Serve has registered the listener would not stop it;
		// closing the listener always does.
		a.ln.Close()
		<-a.done
	}
	if a.cancel != nil {
		a.cancel()
		<-a.bg
		a.sim.Wait()
	}
	if a.db != nil {
		a.db.Close()
	}
	return err
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	a, err := Start(ctx, cfg, log)
	if err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		log.Info("shutting down", "grace", cfg.ShutdownTimeout.String())
	case err := <-a.done:
		a.done <- err
		if err != nil {
			return errors.Join(err, a.Close(context.Background()))
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	start := time.Now()
	err = a.Close(sctx)
	log.Info("stopped", "took", time.Since(start).String())
	return err
}
