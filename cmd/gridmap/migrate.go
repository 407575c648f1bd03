package main

import (
	"context"
	"log/slog"

	"github.com/gridmap/gridmap/internal/config"
	"github.com/gridmap/gridmap/internal/postgis"
)

func migrate(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	db, err := postgis.Open(ctx, cfg.DatabaseURL, log)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	cur, _, err := db.MigrationState(ctx)
	if err != nil {
		return err
	}
	log.Info("schema is current", "version", cur)
	return nil
}
