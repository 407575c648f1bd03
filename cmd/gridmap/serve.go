package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/gridmap/gridmap/internal/config"
	"github.com/gridmap/gridmap/internal/postgis"
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
	ln     net.Listener
	done   chan error
	cancel context.CancelFunc
}

// Start connects to the database, applies migrations, loads what the server keeps in memory and
// starts serving on cfg.Addr. It returns once the server accepts connections.
func Start(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	a := &App{cfg: cfg, log: log, done: make(chan error, 1)}
	db, err := postgis.Open(ctx, cfg.DatabaseURL, log)
	if err != nil {
		return nil, err
	}
	a.db = db
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	a.server = web.New(web.Deps{
		Divisions: db,
		Features:  db,
		Health:    db,
		Static:    static.FS,
	}, web.Options{
		Logger:         log,
		MaxBodyBytes:   cfg.MaxBodyBytes,
		RequestTimeout: cfg.RequestTimeout,
		APIToken:       cfg.APIToken,
		PublicURL:      cfg.PublicURL,
		MaxBatch:       cfg.MaxBatchItems,
	})
	_ = runCtx
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

// Addr is the address the server listens on (useful with port 0).
func (a *App) Addr() string { return a.ln.Addr().String() }

// Close shuts the server down gracefully: no new connections, requests in flight finish until
// ctx ends, then background work stops and the database pool closes.
func (a *App) Close(ctx context.Context) error {
	var err error
	if a.server != nil && a.ln != nil {
		err = a.server.Shutdown(ctx)
		<-a.done
	}
	if a.cancel != nil {
		a.cancel()
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
		log.Info("shutting down", "grace", cfg.ShutdownTimeout)
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
	log.Info("stopped", "took", time.Since(start))
	return err
}
