package postgis

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/gridmap/gridmap/internal/dataset"
)

// importCheck is one PostGIS query over the staged dataset that returns a row (layer, code,
// reason) for every feature it finds wrong. $1 is the area tolerance where a check needs one.
type importCheck struct {
	name  string
	field string // the part of each feature it finds wrong: "geometry" or "properties.code"
	sql   string
	tol   float64
}

// The stored rows that a staged feature with the same code replaces are left out of the
// comparisons, so a re-import is checked against what the database will hold afterwards.
const (
	mergedStreets     = `(SELECT code, geom FROM stage_streets WHERE valid UNION ALL SELECT code, geom FROM streets WHERE code NOT IN (SELECT code FROM stage_streets))`
	mergedCommunities = `(SELECT code, geom FROM stage_communities WHERE valid UNION ALL SELECT code, geom FROM communities WHERE code NOT IN (SELECT code FROM stage_communities))`
	mergedGrids       = `(SELECT code, geom FROM stage_grids WHERE valid UNION ALL SELECT code, geom FROM grids WHERE code NOT IN (SELECT code FROM stage_grids))`
)

var importChecks = []importCheck{
	{name: "valid streets", field: "geometry", sql: `SELECT 'streets', code, 'invalid geometry: ' || ST_IsValidReason(geom) FROM stage_streets WHERE NOT valid`},
	{name: "valid communities", field: "geometry", sql: `SELECT 'communities', code, 'invalid geometry: ' || ST_IsValidReason(geom) FROM stage_communities WHERE NOT valid`},
	{name: "valid grids", field: "geometry", sql: `SELECT 'grids', code, 'invalid geometry: ' || ST_IsValidReason(geom) FROM stage_grids WHERE NOT valid`},

	{name: "community parents", field: "properties.code", sql: `
SELECT 'communities', c.code, 'unknown parent: street ' || left(c.code, 9) || ' is neither in the dataset nor stored'
FROM stage_communities c
WHERE left(c.code, 9) NOT IN (SELECT code FROM stage_streets UNION ALL SELECT code FROM streets)`},
	{name: "grid parents", field: "properties.code", sql: `
SELECT 'grids', g.code, 'unknown parent: community ' || left(g.code, 12) || ' is neither in the dataset nor stored'
FROM stage_grids g
WHERE left(g.code, 12) NOT IN (SELECT code FROM stage_communities UNION ALL SELECT code FROM communities)`},
	{name: "place parents", field: "properties.code", sql: `
SELECT p.layer, p.code, 'unknown parent: grid ' || p.grid_code || ' is neither in the dataset nor stored'
FROM stage_places p
WHERE p.grid_code NOT IN (SELECT code FROM stage_grids UNION ALL SELECT code FROM grids)`},
	{name: "staff parents", field: "properties.grid", sql: `
SELECT 'staff', s.id, 'unknown parent: grid ' || s.grid_code || ' is neither in the dataset nor stored'
FROM stage_staff s
WHERE s.grid_code NOT IN (SELECT code FROM stage_grids UNION ALL SELECT code FROM grids)`},

	{name: "communities inside streets", field: "geometry", tol: OutsideToleranceM2, sql: `
SELECT 'communities', c.code, format('lies outside its street %s: %s m² of it is beyond the street boundary', s.code, round(x.area::numeric, 1))
FROM stage_communities c
JOIN ` + mergedStreets + ` s ON s.code = left(c.code, 9)
CROSS JOIN LATERAL (SELECT ST_Area(ST_Difference(c.geom, s.geom)::geography) AS area) x
WHERE c.valid AND NOT ST_CoveredBy(c.geom, s.geom) AND x.area > $1`},
	{name: "grids inside communities", field: "geometry", tol: OutsideToleranceM2, sql: `
SELECT 'grids', g.code, format('lies outside its community %s: %s m² of it is beyond the community boundary', c.code, round(x.area::numeric, 1))
FROM stage_grids g
JOIN ` + mergedCommunities + ` c ON c.code = left(g.code, 12)
CROSS JOIN LATERAL (SELECT ST_Area(ST_Difference(g.geom, c.geom)::geography) AS area) x
WHERE g.valid AND NOT ST_CoveredBy(g.geom, c.geom) AND x.area > $1`},

	{name: "grid overlaps", field: "geometry", tol: OverlapToleranceM2, sql: overlapSQL("grids", "stage_grids")},
	{name: "community overlaps", field: "geometry", tol: OverlapToleranceM2, sql: overlapSQL("communities", "stage_communities")},

	{name: "places inside grids", field: "geometry", sql: `
SELECT p.layer, p.code, format('point lies outside its grid %s, %s m from it', g.code, round(ST_Distance(p.geom::geography, g.geom::geography)::numeric, 1))
FROM stage_places p
JOIN ` + mergedGrids + ` g ON g.code = p.grid_code
WHERE NOT ST_Intersects(p.geom, g.geom)`},
}

// overlapSQL finds staged features whose interiors overlap another staged or stored feature of
// the same layer by more than the tolerance. Both joins run on a GiST index.
func overlapSQL(layer, staged string) string {
	pair := `CROSS JOIN LATERAL (SELECT ST_Area(ST_Intersection(a.geom, b.geom)::geography) AS area) x
WHERE a.valid AND ST_Relate(a.geom, b.geom, '2********') AND x.area > $1`
	return `
SELECT '` + layer + `', a.code, format('overlaps %s %s by %s m²', '` + layer + `', b.code, round(x.area::numeric, 1))
FROM ` + staged + ` a JOIN ` + staged + ` b ON a.code < b.code AND b.valid AND a.geom && b.geom
` + pair + `
UNION ALL
SELECT '` + layer + `', a.code, format('overlaps stored %s %s by %s m²', '` + layer + `', b.code, round(x.area::numeric, 1))
FROM ` + staged + ` a JOIN ` + layer + ` b ON a.geom && b.geom AND b.code NOT IN (SELECT code FROM ` + staged + `)
` + pair
}

func runCheck(ctx context.Context, tx pgx.Tx, d *dataset.Dataset, c importCheck) (dataset.Problems, error) {
	var args []any
	if c.tol > 0 {
		args = append(args, c.tol)
	}
	rows, err := tx.Query(ctx, c.sql, args...)
	if err != nil {
		return nil, translate(err, "import: check "+c.name)
	}
	var ps dataset.Problems
	var layer, code, reason string
	_, err = pgx.ForEachRow(rows, []any{&layer, &code, &reason}, func() error {
		ps = append(ps, d.ProblemAt(layer, code, c.field, reason))
		return nil
	})
	return ps, translate(err, "import: check "+c.name)
}

// layerMerge upserts one staged layer into its table, counting inserted and updated rows. Rows
// whose content is unchanged are not touched, so a re-import of the same data changes nothing.
type layerMerge struct {
	layer string
	sql   string
}

var merges = []layerMerge{
	{dataset.Streets, `
INSERT INTO streets (code, name, geom, synthetic)
SELECT code, name, ST_Multi(geom), synthetic FROM stage_streets
ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, geom = EXCLUDED.geom, synthetic = EXCLUDED.synthetic, updated_at = now()
WHERE (streets.name, streets.synthetic) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.synthetic) OR NOT ST_OrderingEquals(streets.geom, EXCLUDED.geom)
RETURNING (xmax = 0)`},
	{dataset.Communities, `
INSERT INTO communities (code, name, kind, geom, synthetic)
SELECT code, name, kind, ST_Multi(geom), synthetic FROM stage_communities
ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, geom = EXCLUDED.geom, synthetic = EXCLUDED.synthetic, updated_at = now()
WHERE (communities.name, communities.kind, communities.synthetic) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.kind, EXCLUDED.synthetic) OR NOT ST_OrderingEquals(communities.geom, EXCLUDED.geom)
RETURNING (xmax = 0)`},
	{dataset.Grids, `
INSERT INTO grids (code, name, households, population, geom, synthetic)
SELECT code, name, households, population, ST_Multi(geom), synthetic FROM stage_grids
ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, households = EXCLUDED.households, population = EXCLUDED.population,
    geom = EXCLUDED.geom, synthetic = EXCLUDED.synthetic, updated_at = now()
WHERE (grids.name, grids.households, grids.population, grids.synthetic) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.households, EXCLUDED.population, EXCLUDED.synthetic)
   OR NOT ST_OrderingEquals(grids.geom, EXCLUDED.geom)
RETURNING (xmax = 0)`},
	{dataset.RedPositions, placeMerge("red_positions")},
	{dataset.Stations, placeMerge("stations")},
	{dataset.Staff, `
INSERT INTO staff (id, role, grid_code, households_covered, name, phone)
SELECT id, role, grid_code, households_covered, name, phone FROM stage_staff
ON CONFLICT (id) DO UPDATE SET role = EXCLUDED.role, grid_code = EXCLUDED.grid_code, households_covered = EXCLUDED.households_covered,
    name = EXCLUDED.name, phone = EXCLUDED.phone, updated_at = now()
WHERE (staff.role, staff.grid_code, staff.households_covered, staff.name, staff.phone)
   IS DISTINCT FROM (EXCLUDED.role, EXCLUDED.grid_code, EXCLUDED.households_covered, EXCLUDED.name, EXCLUDED.phone)
RETURNING (xmax = 0)`},
}

func placeMerge(table string) string {
	return `
INSERT INTO ` + table + ` (code, name, kind, grid_code, geom, opening_hours, synthetic)
SELECT code, name, kind, grid_code, geom, opening_hours, synthetic FROM stage_places WHERE layer = '` + table + `'
ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, grid_code = EXCLUDED.grid_code, geom = EXCLUDED.geom,
    opening_hours = EXCLUDED.opening_hours, synthetic = EXCLUDED.synthetic, updated_at = now()
WHERE (` + table + `.name, ` + table + `.kind, ` + table + `.grid_code, ` + table + `.opening_hours, ` + table + `.synthetic)
   IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.kind, EXCLUDED.grid_code, EXCLUDED.opening_hours, EXCLUDED.synthetic)
   OR NOT ST_OrderingEquals(` + table + `.geom, EXCLUDED.geom)
RETURNING (xmax = 0)`
}

func merge(ctx context.Context, tx pgx.Tx, m layerMerge) (inserted, updated int, err error) {
	rows, err := tx.Query(ctx, m.sql)
	if err != nil {
		return 0, 0, translate(err, "import: save "+m.layer)
	}
	var isNew bool
	_, err = pgx.ForEachRow(rows, []any{&isNew}, func() error {
		if isNew {
			inserted++
		} else {
			updated++
		}
		return nil
	})
	return inserted, updated, translate(err, "import: save "+m.layer)
}
