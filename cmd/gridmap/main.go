// Command gridmap is the grid-governance map server and its tools:
//
//	gridmap serve              run the HTTP server (migrates first)
//	gridmap migrate            apply database migrations
//	gridmap import [-layer L] PATH   load a dataset folder or GeoJSON file into PostGIS
//	gridmap help               list commands and environment variables
//
// Settings come from environment variables (see `gridmap help`). This package only wires the
// pieces of internal/ together; only main exits.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/gridmap/gridmap/internal/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one subcommand and returns the process exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	case "serve", "migrate", "import":
	default:
		fmt.Fprintf(stderr, "gridmap: unknown command %q\n\n", cmd)
		usage(stderr)
		return 2
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "gridmap:", err)
		return 1
	}
	log := newLogger(cfg, stderr)
	switch cmd {
	case "serve":
		err = serve(ctx, cfg, log)
	case "migrate":
		err = migrate(ctx, cfg, log)
	case "import":
		return importCmd(ctx, cfg, log, rest, stdout, stderr)
	}
	if err != nil {
		log.Error(cmd+" failed", "err", err)
		fmt.Fprintln(stderr, "gridmap:", err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprint(w, `gridmap: grid-governance map server (网格化治理地图)

usage:
  gridmap serve                     run the HTTP server on GRIDMAP_ADDR (applies migrations first)
  gridmap migrate                   apply pending database migrations
  gridmap import [-layer L] [-keep-times] PATH
                                    load a dataset folder (streets, communities, grids, red_positions,
                                    stations, staff, incidents .geojson) or one GeoJSON file; a dataset
                                    declaring as_of is moved to end today unless -keep-times
  gridmap help                      this text

environment:
`+config.Help())
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	level := map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}[cfg.LogLevel]
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
