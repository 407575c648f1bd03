package postgis

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/gridmap/gridmap/internal/dataset"
	"github.com/gridmap/gridmap/internal/gridmap"
)

// Tolerances for the import's geometric checks, in square metres of area on the WGS-84
// ellipsoid: shared edges that differ in the last decimals must not count as overlaps or as a
// grid leaking out of its community, while any real overlap is caught.
const (
	OverlapToleranceM2 = 1.0
	OutsideToleranceM2 = 1.0
)

// Progress reports how far a long job has got: stage names the step, done of total items.
type Progress func(stage string, done, total int)

// ImportStats counts what an import changed, per layer.
type ImportStats struct {
	Inserted map[string]int
	Updated  map[string]int
	Skipped  map[string]int // incidents already stored (same client id)
	Duration time.Duration
}

// Planner locates and prepares incidents against one set of grids: the same code the HTTP
// intake uses, supplied by the caller because storage does not know the index.
type Planner interface {
	// Prepare turns a report into an incident ready to store.
	Prepare(rep gridmap.Report) (gridmap.Incident, error)
	// Assign finds the grid of a WGS-84 point.
	Assign(lon, lat float64) gridmap.Assignment
	// Calendar is the working calendar due times are reckoned by (a history's replay too).
	Calendar() *gridmap.Calendar
}

// IncidentPlanner builds a Planner over the grids as they stand inside an import's transaction.
type IncidentPlanner func(grids []gridmap.Grid) (Planner, error)

// Import loads a dataset in one transaction. It first stages every feature and lets PostGIS
// check them all — valid geometry, known parents, communities inside their street, grids inside
// their community, no overlapping grids or communities beyond the tolerance, places inside their
// grid — and, if anything is wrong, rolls back and returns dataset.Problems naming every bad
// feature, so nothing stored changes. Otherwise it inserts new features and updates existing
// ones in place (by code); incidents already stored (by client id) are skipped.
func (db *DB) Import(ctx context.Context, d *dataset.Dataset, plan IncidentPlanner, progress Progress) (ImportStats, error) {
	if progress == nil {
		progress = func(string, int, int) {}
	}
	start := time.Now()
	stats := ImportStats{Inserted: map[string]int{}, Updated: map[string]int{}, Skipped: map[string]int{}}
	tx, err := db.Pool.Begin(ctx)
	if err != nil {
		return stats, translate(err, "import: begin")
	}
	defer tx.Rollback(context.Background())

	if err := stage(ctx, tx, d, progress); err != nil {
		return stats, err
	}
	progress("checking with PostGIS", 0, len(importChecks))
	var problems dataset.Problems
	for i, c := range importChecks {
		ps, err := runCheck(ctx, tx, d, c)
		if err != nil {
			return stats, err
		}
		problems = append(problems, ps...)
		progress("checking with PostGIS", i+1, len(importChecks))
	}
	if len(problems) > 0 {
		problems.Sort()
		return stats, problems
	}
	for i, m := range merges {
		progress("saving", i, len(merges))
		ins, upd, err := merge(ctx, tx, m)
		if err != nil {
			return stats, err
		}
		stats.Inserted[m.layer] += ins
		stats.Updated[m.layer] += upd
	}
	progress("saving", len(merges), len(merges))
	if d.By.Name != "" {
		if _, err := tx.Exec(ctx, `INSERT INTO changes (at, entity, key, action, actor_user_id, actor, actor_role, detail)
SELECT $1, 'grid', code, 'saved', $2, $3, $4, $5 FROM stage_grids`, db.now(), nullID(d.By.UserID), d.By.Name, d.By.Role, d.Origin); err != nil {
			return stats, translate(err, "import: record the change")
		}
	}
	gridsChanged := stats.Inserted[dataset.Grids]+stats.Updated[dataset.Grids] > 0
	if len(d.Incidents) > 0 || (gridsChanged && plan != nil) {
		if plan == nil {
			return stats, fmt.Errorf("postgis: import: the dataset has incidents but no incident planner was given")
		}
		planner, err := plannerInTx(ctx, tx, plan)
		if err != nil {
			return stats, err
		}
		if gridsChanged {
			n, err := reassignOpen(ctx, tx, planner, "grid boundaries changed by "+d.Origin, d.By, db.now())
			if err != nil {
				return stats, err
			}
			stats.Updated["incidents"] += n
		}
		if err := importIncidents(ctx, tx, d, planner, &stats, progress, db.now()); err != nil {
			return stats, err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return stats, translate(err, "import: commit")
	}
	stats.Duration = time.Since(start)
	return stats, nil
}

const stageDDL = `
CREATE TEMP TABLE stage_streets (code text, name text, wkb bytea, synthetic bool) ON COMMIT DROP;
CREATE TEMP TABLE stage_communities (code text, name text, kind text, wkb bytea, synthetic bool) ON COMMIT DROP;
CREATE TEMP TABLE stage_grids (code text, name text, households int, population int, wkb bytea, synthetic bool) ON COMMIT DROP;
CREATE TEMP TABLE stage_places (layer text, code text, name text, kind text, grid_code text, wkb bytea, opening_hours text, synthetic bool) ON COMMIT DROP;
CREATE TEMP TABLE stage_staff (id text, role text, grid_code text, households_covered int, name text, phone text) ON COMMIT DROP;
`

// stage copies the dataset into temporary tables, geometry as EWKB, then decodes it in PostGIS.
func stage(ctx context.Context, tx pgx.Tx, d *dataset.Dataset, progress Progress) error {
	if _, err := tx.Exec(ctx, stageDDL); err != nil {
		return translate(err, "import: stage")
	}
	var rowsErr error
	ewkb := func(g orb.Geometry) []byte {
		b, err := encodeEWKB(g)
		if err != nil && rowsErr == nil {
			rowsErr = err
		}
		return b
	}
	type table struct {
		name string
		cols []string
		rows [][]any
	}
	var tables []table
	t := table{name: "stage_streets", cols: []string{"code", "name", "wkb", "synthetic"}}
	for _, s := range d.Streets {
		t.rows = append(t.rows, []any{s.Code, s.Name, ewkb(s.Geometry), d.Synthetic[dataset.Streets]})
	}
	tables = append(tables, t)
	t = table{name: "stage_communities", cols: []string{"code", "name", "kind", "wkb", "synthetic"}}
	for _, c := range d.Communities {
		t.rows = append(t.rows, []any{c.Code, c.Name, c.Kind, ewkb(c.Geometry), d.Synthetic[dataset.Communities]})
	}
	tables = append(tables, t)
	t = table{name: "stage_grids", cols: []string{"code", "name", "households", "population", "wkb", "synthetic"}}
	for _, g := range d.Grids {
		t.rows = append(t.rows, []any{g.Code, g.Name, g.Households, g.Population, ewkb(g.Geometry), d.Synthetic[dataset.Grids]})
	}
	tables = append(tables, t)
	t = table{name: "stage_places", cols: []string{"layer", "code", "name", "kind", "grid_code", "wkb", "opening_hours", "synthetic"}}
	for _, p := range d.RedPositions {
		t.rows = append(t.rows, []any{dataset.RedPositions, p.Code, p.Name, p.Kind, p.GridCode, ewkb(p.Point), p.OpeningHours, d.Synthetic[dataset.RedPositions]})
	}
	for _, p := range d.Stations {
		t.rows = append(t.rows, []any{dataset.Stations, p.Code, p.Name, p.Kind, p.GridCode, ewkb(p.Point), p.OpeningHours, d.Synthetic[dataset.Stations]})
	}
	tables = append(tables, t)
	t = table{name: "stage_staff", cols: []string{"id", "role", "grid_code", "households_covered", "name", "phone"}}
	for _, s := range d.Staff {
		t.rows = append(t.rows, []any{s.ID, s.Role, s.GridCode, s.HouseholdsCovered, s.Name, s.Phone})
	}
	tables = append(tables, t)
	if rowsErr != nil {
		return rowsErr
	}
	total := 0
	for _, t := range tables {
		total += len(t.rows)
	}
	done := 0
	for _, t := range tables {
		if len(t.rows) == 0 {
			continue
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromRows(t.rows)); err != nil {
			return translate(err, "import: copy "+t.name)
		}
		done += len(t.rows)
		progress("staging", done, total)
	}
	// Decode once; ST_GeomFromEWKB keeps the SRID the EWKB carries (4326).
	_, err := tx.Exec(ctx, `
ALTER TABLE stage_streets ADD COLUMN geom geometry; UPDATE stage_streets SET geom = ST_GeomFromEWKB(wkb);
ALTER TABLE stage_communities ADD COLUMN geom geometry; UPDATE stage_communities SET geom = ST_GeomFromEWKB(wkb);
ALTER TABLE stage_grids ADD COLUMN geom geometry; UPDATE stage_grids SET geom = ST_GeomFromEWKB(wkb);
ALTER TABLE stage_places ADD COLUMN geom geometry; UPDATE stage_places SET geom = ST_GeomFromEWKB(wkb);
ALTER TABLE stage_streets ADD COLUMN valid bool; UPDATE stage_streets SET valid = ST_IsValid(geom);
ALTER TABLE stage_communities ADD COLUMN valid bool; UPDATE stage_communities SET valid = ST_IsValid(geom);
ALTER TABLE stage_grids ADD COLUMN valid bool; UPDATE stage_grids SET valid = ST_IsValid(geom);
CREATE INDEX ON stage_grids USING gist (geom);
CREATE INDEX ON stage_communities USING gist (geom);
ANALYZE stage_streets; ANALYZE stage_communities; ANALYZE stage_grids; ANALYZE stage_places;
`)
	return translate(err, "import: decode staged geometry")
}
