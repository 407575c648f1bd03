package datasettest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/dataset"
	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/intake"
	"github.com/gridmap/gridmap/internal/postgis"
	"github.com/gridmap/gridmap/internal/spatial"
	"github.com/gridmap/gridmap/internal/testdb"
)

// BundledDir returns the folder of the repository's bundled Fuqing dataset.
func BundledDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "geodata")
}

// Bundled is a testdb seed that imports the bundled dataset with the same planner the server
// uses; its key follows the files' content, so a regenerated dataset builds a new template.
func Bundled(tb testing.TB) testdb.Seed {
	tb.Helper()
	dir := BundledDir()
	h := sha256.New()
	for _, l := range dataset.Layers {
		b, err := os.ReadFile(filepath.Join(dir, l+".geojson"))
		if err != nil {
			tb.Fatalf("datasettest: bundled dataset: %v", err)
		}
		h.Write([]byte(l))
		h.Write(b)
	}
	return testdb.Seed{Key: "bundled-" + hex.EncodeToString(h.Sum(nil))[:16], Fill: func(ctx context.Context, url string) error {
		db, err := postgis.Open(ctx, url, nil)
		if err != nil {
			return err
		}
		defer db.Close()
		d, err := dataset.Load(dir, dataset.Options{})
		if err != nil {
			return err
		}
		_, err = db.Import(ctx, d, func(grids []gridmap.Grid) (postgis.Planner, error) {
			loc, err := intake.NewGridLocator(grids, nil, nil, spatial.Options{})
			if err != nil {
				return nil, err
			}
			return &intake.Planner{Loc: loc, Now: time.Now()}, nil
		}, nil)
		return err
	}}
}

// MiniDivisions is a testdb seed holding the mini dataset's divisions and places (no
// incidents), for storage tests that need grids to assign to.
func MiniDivisions() testdb.Seed {
	return testdb.Seed{Key: "mini-divisions-v1", Fill: func(ctx context.Context, url string) error {
		db, err := postgis.Open(ctx, url, nil)
		if err != nil {
			return err
		}
		defer db.Close()
		d, err := dataset.Load(Dir(), dataset.Options{})
		if err != nil {
			return err
		}
		d.Incidents = nil
		_, err = db.Import(ctx, d, nil, nil)
		return err
	}}
}
