// Package postgis is gridmap's storage: a pgx pool on PostgreSQL with PostGIS, the migrations
// runner, and the SQL that reads and writes the domain. It is the only package that speaks SQL.
// Driver errors are translated into *gridmap.Error here and never leak further.
package postgis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
	return &DB{Pool: pool, URL: url, Clock: clock.System(), log: log}, nil
}

// Close closes every connection of the pool.
func (db *DB) Close() { db.Pool.Close() }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.Pool.Ping(ctx); err != nil {
		return &gridmap.Error{Code: gridmap.EUnavailable, Message: "database unreachable", Err: err}
	}
	return nil
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
// conflict errors, connection failures unavailable, anything else internal.
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
		switch pe.Code {
		case "23505": // unique_violation
			return &gridmap.Error{Code: gridmap.EConflict, Message: what + ": already exists", Err: err}
		case "23503", "23514", "23502", "22P02", "22023", "XX000": // fk, check, not null, bad text, bad param, geometry
			return &gridmap.Error{Code: gridmap.EInvalid, Message: what + ": " + pe.Message, Err: err}
		case "57P01", "57P02", "57P03", "53300": // shutdown, too many connections
			return &gridmap.Error{Code: gridmap.EUnavailable, Message: what + ": database unavailable", Err: err}
		}
		return gridmap.Internal(err, what)
	}
	if pgconn.SafeToRetry(err) || errors.Is(err, context.DeadlineExceeded) {
		return &gridmap.Error{Code: gridmap.EUnavailable, Message: what + ": database unavailable", Err: err}
	}
	return gridmap.Internal(err, what)
}
