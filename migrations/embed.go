// Package migrations holds gridmap's schema as numbered SQL files, embedded into the binary and
// applied by goose (internal/postgis.Migrate). Files are append-only: a change to the schema is a
// new file, never an edit to one that may already be applied somewhere.
package migrations

import "embed"

// FS holds the migration files.
//
//go:embed *.sql
var FS embed.FS
