package tileservice_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridmap/gridmap/internal/dataset/datasettest"
	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/postgis"
	"github.com/gridmap/gridmap/internal/testdb"
	"github.com/gridmap/gridmap/internal/tiles"
	"github.com/gridmap/gridmap/internal/tileservice"
)

// TestSnapshotAndStoreDrawTheSameTiles draws tiles of every layer of the bundled dataset from
// the in-memory snapshots and straight from PostGIS, and wants the same bytes: then the ETag of
// a tile does not depend on which path an instance took.
func TestSnapshotAndStoreDrawTheSameTiles(t *testing.T) {
	ctx := context.Background()
	db, err := postgis.Open(ctx, testdb.NewSeeded(t, datasettest.Bundled(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := tileservice.New(db, tileservice.Options{CacheBytes: 1 << 20})
	if err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	centre := orb.Point{119.3757, 25.7330}
	edge := orb.Point{119.3001, 25.7100} // west edge of the data
	filters := []tileservice.Filter{{}, {Statuses: []string{"reported", "assigned", "accepted", "in_progress"}}, {Categories: []string{"elderly_service"}}}
	compared, nonEmpty := 0, 0
	for _, info := range gridmap.Layers {
		for _, p := range []orb.Point{centre, edge} {
			for _, z := range []uint32{8, 12, 14, 16} {
				for _, f := range []tiles.Format{tiles.MVT, tiles.GeoJSON} {
					for i, filter := range filters {
						if i > 0 && info.ID != gridmap.LayerIncidents {
							break
						}
						req := tileservice.Request{Layer: info.ID, Tile: tiles.At(p, z), Format: f, Filter: filter, Bypass: true}
						mem, _, err := s.Tile(ctx, req)
						if err != nil {
							t.Fatal(err)
						}
						req.FromStore = true
						store, _, err := s.Tile(ctx, req)
						if err != nil {
							t.Fatal(err)
						}
						compared++
						if len(mem.Body) > 100 {
							nonEmpty++
						}
						if !bytes.Equal(mem.Body, store.Body) {
							t.Errorf("%s %s.%s %s: snapshot and store differ (%d and %d bytes)", info.ID, req.Tile, f, filter.Query(), len(mem.Body), len(store.Body))
						}
					}
				}
			}
		}
	}
	if nonEmpty < compared/2 {
		t.Errorf("only %d of %d tiles have features; the comparison proves little", nonEmpty, compared)
	}
}
