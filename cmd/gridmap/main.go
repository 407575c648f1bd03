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
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one subcommand and returns the process exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	case "serve", "migrate", "import", "user", "token":
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
	case "user", "token":
		return accountCmd(ctx, cfg, cmd, rest, stdin, stdout, stderr)
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
  gridmap user add LOGIN --role ROLE [--scope CODE] [--name NAME] [--staff ID]
                                    make an account (password from standard input, or made up
                                    and printed once); roles: admin, command, street, community,
                                    grid_worker, party_member, volunteer, department, integration;
                                    scope: city, or street, community or grid codes
  gridmap user list | disable LOGIN | enable LOGIN | passwd LOGIN
  gridmap user roles LOGIN ROLE=SCOPE [ROLE=SCOPE ...]
                                    replace an account's roles
  gridmap user demo                 make the demo's accounts (demos only: one password for all)
  gridmap token create LOGIN [--name NAME] [--expires DURATION]
                                    make an API token acting as LOGIN (printed once)
  gridmap token list LOGIN | revoke LOGIN ID
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
