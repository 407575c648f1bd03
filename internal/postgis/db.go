// Package postgis is gridmap's storage: a pgx pool on PostgreSQL with PostGIS, the migrations
// runner, and the SQL that reads and writes the domain. It is the only package that speaks SQL.
// Driver errors are translated into *gridmap.Error here and never leak further.
package postgis

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridmap/gridmap/internal/clock"
	"github.com/gridmap/gridmap/internal/gridmap"
)

// DB is a connection pool to gridmap's PostGIS database.
type DB struct {
	Pool *pgxpool.Pool
	URL  string
	// health is a one-connection pool of its own for health checks, so that a server whose
	// main pool is busy is still seen to have its database (readyz: busy is not down).
	health *pgxpool.Pool
	// Clock gives every query its "now" (overdue flags, windows, the times a write records):
	// SQL here never calls now(), so the whole program runs on one clock. Open sets the
	// machine's clock; the wiring may replace it before use.
	Clock clock.Clock
	log   *slog.Logger
}

func (db *DB) now() time.Time { return db.Clock.Now() }

// Open connects to the database at url and checks that it answers. The pool size can be set in
// the URL (pool_max_conns) as pgx documents.
func Open(ctx context.Context, url string, log *slog.Logger) (*DB, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgis: parse database url: %w", redactURLError(err))
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "gridmap"
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgis: connect: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgis: connect to %s:%d/%s: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database, err)
	}
	hcfg := cfg.Copy()
	hcfg.MaxConns, hcfg.MinConns = 1, 0
	hcfg.ConnConfig.RuntimeParams["application_name"] = "gridmap health"
	health, err := pgxpool.NewWithConfig(ctx, hcfg)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgis: connect: %w", err)
	}
	return &DB{Pool: pool, URL: url, health: health, Clock: clock.System(), log: log}, nil
}

// Close closes every connection of the pools.
func (db *DB) Close() {
	db.Pool.Close()
	db.health.Close()
}

// Ping checks that the database answers, on a connection of its own.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.health.Ping(ctx); err != nil {
		return &gridmap.Error{Code: gridmap.EUnavailable, Message: "database unreachable", Err: err}
	}
	return nil
}

// PoolStats tells how loaded the main pool is: connections in use and the most it opens; all
// in use means requests wait for one.
func (db *DB) PoolStats() (acquired, max int) {
	st := db.Pool.Stat()
	return int(st.AcquiredConns()), int(st.MaxConns())
}

// redactURLError drops the URL (which may carry a password) from pgx's parse errors.
func redactURLError(err error) error {
	var pe *pgconn.ParseConfigError
	if errors.As(err, &pe) {
		return errors.New(pe.Error())
	}
	return err
}

// translate turns a driver error into a domain error: constraint violations become invalid or
// conflict errors; a database that cannot be reached, is shutting down or is overloaded becomes
// unavailable (503 with Retry-After); anything else is internal (500), its text logged and never
// shown.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	var ge *gridmap.Error
	if errors.As(err, &ge) {
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505": // unique_violation
			return &gridmap.Error{Code: gridmap.EConflict, Message: what + ": already exists", Err: err}
		case pe.Code == "23503", pe.Code == "23514", pe.Code == "23502": // fk, check, not null
			return &gridmap.Error{Code: gridmap.EInvalid, Message: what + ": " + pe.Message, Err: err}
		case strings.HasPrefix(pe.Code, "22"): // data exceptions: a value the input checks let through
			return &gridmap.Error{Code: gridmap.EInvalid, Message: what + ": a value is not accepted by the database", Err: err}
		case strings.HasPrefix(pe.Code, "08"), strings.HasPrefix(pe.Code, "53"), // connection, insufficient resources
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03", pe.Code == "57014", // shutdown, cannot connect now, cancelled
			pe.Code == "40001", pe.Code == "40P01": // serialization failure, deadlock: worth a retry
			return &gridmap.Error{Code: gridmap.EUnavailable, Message: what + ": database unavailable", Err: err}
		}
		return gridmap.Internal(err, what)
	}
	if unreachable(err) {
		return &gridmap.Error{Code: gridmap.EUnavailable, Message: what + ": database unavailable", Err: err}
	}
	return gridmap.Internal(err, what)
}

// unreachable reports whether err says the database could not be reached or the connection to
// it broke, rather than that a statement failed.
func unreachable(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne), pgconn.Timeout(err), pgconn.SafeToRetry(err),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "closed pool") || strings.Contains(msg, "conn closed") || strings.Contains(msg, "connection reset")
}
