package postgis

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/gridmap/gridmap/migrations"
)

// provider returns a goose provider over the embedded migrations. A Postgres session lock makes
// several instances starting at once apply each migration exactly once.
func (db *DB) provider(pool *pgxpool.Pool) (*goose.Provider, *sql.DB, error) {
	sqlDB := stdlib.OpenDBFromPool(pool)
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		sqlDB.Close()
		return nil, nil, fmt.Errorf("postgis: migration lock: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, migrations.FS, goose.WithSessionLocker(locker))
	if err != nil {
		sqlDB.Close()
		return nil, nil, fmt.Errorf("postgis: migrations: %w", err)
	}
	return p, sqlDB, nil
}

// Migrate applies every pending migration and reports each one it applied to the log.
func (db *DB) Migrate(ctx context.Context) error {
	p, sqlDB, err := db.provider(db.Pool)
	if err != nil {
		return err
	}
	defer sqlDB.Close()
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("postgis: migrate: %w", err)
	}
	for _, r := range results {
		db.log.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration.String())
	}
	return nil
}

// MigrationState reports the schema version in the database and the newest one this binary
// knows; they are equal when the schema is current. It reads on the health connection, so a
// busy server still answers.
func (db *DB) MigrationState(ctx context.Context) (current, latest int64, err error) {
	p, sqlDB, err := db.provider(db.health)
	if err != nil {
		return 0, 0, err
	}
	defer sqlDB.Close()
	current, latest, err = p.GetVersions(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("postgis: migration state: %w", err)
	}
	return current, latest, nil
}
