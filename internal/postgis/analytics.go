package postgis

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gridmap/gridmap/internal/gridmap"
)

var _ gridmap.AnalyticsStore = (*DB)(nil)

const defaultWalkM = 500

// coverageSQL reports every selected grid with its staff, its service points and the distance
// from its interior point (ST_PointOnSurface) to the nearest red position and station, measured
// on the ellipsoid among the four nearest by the index's (planar) order.
const coverageSQL = `
WITH g AS (
    SELECT code, name, community_code, street_code, households, population, ST_PointOnSurface(geom) AS pos
    FROM grids WHERE ($1 = '' OR street_code = $1) AND ($2 = '' OR community_code = $2) AND ($7::text[] IS NULL OR code LIKE ANY($7))
)
SELECT g.code, g.name, g.community_code, c.name, g.street_code, s.name, g.households, g.population,
    st.workers, st.members, st.volunteers, st.covered,
    (SELECT count(*) FROM red_positions r WHERE r.grid_code = g.code),
    (SELECT count(*) FROM stations x WHERE x.grid_code = g.code),
    coalesce((SELECT min(ST_Distance(r.geom::geography, g.pos::geography)) FROM (SELECT geom FROM red_positions ORDER BY geom <-> g.pos LIMIT 4) r), -1),
    coalesce((SELECT min(ST_Distance(x.geom::geography, g.pos::geography)) FROM (SELECT geom FROM stations ORDER BY geom <-> g.pos LIMIT 4) x), -1),
    (SELECT count(*) FROM incidents i WHERE i.grid_code = g.code AND i.reported_at >= $3 AND i.reported_at < $4),
    (SELECT count(*) FROM incidents i WHERE i.grid_code = g.code AND i.status = ANY($5)),
    (SELECT count(*) FROM incidents i WHERE i.grid_code = g.code AND i.status = ANY($5) AND i.due_at < $6)
FROM g
JOIN communities c ON c.code = g.community_code
JOIN streets s ON s.code = g.street_code
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE role = 'grid_worker') AS workers,
           count(*) FILTER (WHERE role = 'party_member') AS members,
           count(*) FILTER (WHERE role = 'volunteer') AS volunteers,
           coalesce(sum(households_covered) FILTER (WHERE role = 'party_member'), 0)::int AS covered
    FROM staff WHERE staff.grid_code = g.code AND staff.retired_at IS NULL) st
ORDER BY g.code`

// Coverage reports the selected grids' coverage and flags what each lacks.
func (db *DB) Coverage(ctx context.Context, q gridmap.CoverageQuery) ([]gridmap.GridCoverage, error) {
	walk := q.WalkM
	if walk <= 0 {
		walk = defaultWalkM
	}
	now := db.now()
	until := q.Until
	if until.IsZero() {
		until = now
	}
	since := q.Since
	if since.IsZero() {
		since = until.AddDate(0, 0, -30)
	}
	rows, err := db.Pool.Query(ctx, coverageSQL, q.Street, q.Community, since, until, openStatuses, now, scopePatterns(q.Scope))
	if err != nil {
		return nil, translate(err, "coverage")
	}
	return collect(rows, "coverage", func(r pgx.CollectableRow) (gridmap.GridCoverage, error) {
		var c gridmap.GridCoverage
		g := &c.Grid
		err := r.Scan(&g.Code, &g.Name, &g.CommunityCode, &c.CommunityName, &g.StreetCode, &c.StreetName, &g.Households, &g.Population,
			&c.GridWorkers, &c.PartyMembers, &c.Volunteers, &c.HouseholdsCovered, &c.RedPositions, &c.Stations,
			&c.NearestRedPositionM, &c.NearestStationM, &c.Incidents, &c.OpenIncidents, &c.OverdueIncidents)
		c.Gaps = coverageGaps(c, walk)
		return c, err
	})
}

// coverageGaps names what a grid lacks.
func coverageGaps(c gridmap.GridCoverage, walk float64) []string {
	gaps := []string{}
	if c.GridWorkers == 0 {
		gaps = append(gaps, gridmap.GapNoGridWorker)
	}
	if c.PartyMembers == 0 {
		gaps = append(gaps, gridmap.GapNoPartyMember)
	}
	if c.RedPositions == 0 && (c.NearestRedPositionM < 0 || c.NearestRedPositionM > walk) {
		gaps = append(gaps, gridmap.GapNoRedPositionNear)
	}
	if c.Stations == 0 && (c.NearestStationM < 0 || c.NearestStationM > walk) {
		gaps = append(gaps, gridmap.GapNoStationNear)
	}
	return gaps
}

// tilingSQL finds the parts of each community that no grid covers and the overlaps between
// grids, each bigger than the import tolerance.
const tilingSQL = `
SELECT 'gap', c.code, ARRAY[]::text[], ST_Area(d.geom::geography), ST_AsEWKB(d.geom)
FROM communities c
CROSS JOIN LATERAL (SELECT ST_CollectionExtract(ST_Difference(c.geom,
    coalesce((SELECT ST_Union(geom) FROM grids g WHERE g.community_code = c.code), 'GEOMETRYCOLLECTION EMPTY'::geometry)), 3) AS diff) x
CROSS JOIN LATERAL ST_Dump(x.diff) d
WHERE ($1 = '' OR c.street_code = $1) AND ($2 = '' OR c.code = $2) AND ST_Area(d.geom::geography) > $3
  AND ($4::text[] IS NULL OR EXISTS (SELECT 1 FROM unnest($4::text[]) p WHERE c.code LIKE p OR p LIKE c.code || '%'))
UNION ALL
SELECT 'overlap', a.community_code, ARRAY[a.code, b.code], ST_Area(y.geom::geography), ST_AsEWKB(y.geom)
FROM grids a
JOIN grids b ON a.code < b.code AND a.geom && b.geom AND ST_Relate(a.geom, b.geom, '2********')
CROSS JOIN LATERAL (SELECT ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 3) AS geom) y
WHERE ($1 = '' OR a.street_code = $1 OR b.street_code = $1) AND ($2 = '' OR a.community_code = $2 OR b.community_code = $2)
  AND ST_Area(y.geom::geography) > $3 AND ($4::text[] IS NULL OR a.code LIKE ANY($4) OR b.code LIKE ANY($4))
ORDER BY 1, 2, 3`

// Tiling returns the gaps and overlaps in the grid tiling of the selected communities.
func (db *DB) Tiling(ctx context.Context, street, community string, scope gridmap.Scope) ([]gridmap.TilingProblem, error) {
	rows, err := db.Pool.Query(ctx, tilingSQL, street, community, OverlapToleranceM2, scopePatterns(scope))
	if err != nil {
		return nil, translate(err, "tiling")
	}
	return collect(rows, "tiling", func(r pgx.CollectableRow) (gridmap.TilingProblem, error) {
		var p gridmap.TilingProblem
		var b []byte
		if err := r.Scan(&p.Kind, &p.Community, &p.Grids, &p.AreaM2, &b); err != nil {
			return p, err
		}
		var err error
		p.Geometry, err = decodeEWKB(b)
		return p, err
	})
}

// Hotspots ranks grids by incidents per 100 households over the incidents matching f (the
// street and community filters select grids), highest first.
func (db *DB) Hotspots(ctx context.Context, f gridmap.IncidentFilter, limit int) ([]gridmap.GridIncidents, error) {
	street, community, grid, scope := f.Street, f.Community, f.Grid, f.Scope
	f.Street, f.Community, f.Grid, f.Scope = "", "", "", nil
	w := incidentWhere(f, db.now())
	on := "i.grid_code = g.code"
	if len(w.conds) > 0 {
		on += " AND " + strings.Join(w.conds, " AND ")
	}
	var gw []string
	if street != "" {
		gw = append(gw, "g.street_code = "+w.nextArg(street))
	}
	if community != "" {
		gw = append(gw, "g.community_code = "+w.nextArg(community))
	}
	if grid != "" {
		gw = append(gw, "g.code = "+w.nextArg(grid))
	}
	if p := scopePatterns(scope); p != nil {
		gw = append(gw, "g.code LIKE ANY("+w.nextArg(p)+")")
	}
	whereG := ""
	if len(gw) > 0 {
		whereG = " WHERE " + strings.Join(gw, " AND ")
	}
	open := w.nextArg(openStatuses)
	now := w.nextArg(db.now())
	sql := `SELECT g.code, g.name, g.community_code, g.street_code, g.households,
    count(i.id), count(i.id) FILTER (WHERE i.status = ANY(` + open + `)),
    count(i.id) FILTER (WHERE i.status = ANY(` + open + `) AND i.due_at < ` + now + `),
    CASE WHEN g.households > 0 THEN 100.0 * count(i.id) / g.households ELSE 0 END AS per100,
    ST_X(ST_PointOnSurface(g.geom)), ST_Y(ST_PointOnSurface(g.geom))
FROM grids g LEFT JOIN incidents i ON ` + on + whereG + `
GROUP BY g.code ORDER BY per100 DESC, g.code LIMIT ` + w.nextArg(limit)
	rows, err := db.Pool.Query(ctx, sql, w.args...)
	if err != nil {
		return nil, translate(err, "hotspots")
	}
	return collect(rows, "hotspots", func(r pgx.CollectableRow) (gridmap.GridIncidents, error) {
		var h gridmap.GridIncidents
		err := r.Scan(&h.GridCode, &h.GridName, &h.CommunityCode, &h.StreetCode, &h.Households,
			&h.Incidents, &h.Open, &h.Overdue, &h.Per100Households, &h.Point[0], &h.Point[1])
		return h, err
	})
}

// Stats gathers the wall display's key figures in one round trip of several statements.
func (db *DB) Stats(ctx context.Context, now time.Time) (gridmap.Stats, error) {
	s := gridmap.Stats{At: now, ByCategory: map[string]int{}, ByChannel: map[string]int{}, ByStatus: map[string]int{}}
	cst := time.FixedZone("CST", 8*3600)
	local := now.In(cst)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, cst)
	month := now.AddDate(0, 0, -30)
	b := &pgx.Batch{}
	b.Queue(`SELECT (SELECT count(*) FROM streets), (SELECT count(*) FROM communities), (SELECT count(*) FROM grids),
    (SELECT coalesce(sum(households), 0) FROM grids), (SELECT coalesce(sum(population), 0) FROM grids),
    (SELECT count(*) FROM staff WHERE role = 'grid_worker' AND retired_at IS NULL),
    (SELECT count(*) FROM staff WHERE role = 'party_member' AND retired_at IS NULL),
    (SELECT count(*) FROM staff WHERE role = 'volunteer' AND retired_at IS NULL),
    (SELECT count(*) FROM red_positions), (SELECT count(*) FROM stations),
    (SELECT count(*) FROM incidents WHERE reported_at >= $1),
    (SELECT count(*) FROM incidents WHERE reported_at >= $2),
    (SELECT count(*) FROM incidents WHERE status = ANY($3)),
    (SELECT count(*) FROM incidents WHERE status = ANY($3) AND due_at < $4),
    (SELECT count(*) FROM incidents WHERE resolved_at >= $1),
    (SELECT count(*) FROM incidents WHERE assign_method = 'unassigned' AND status = ANY($3)),
    (SELECT coalesce(avg((resolved_at <= due_at)::int), 0) FROM incidents WHERE resolved_at >= $5)`,
		today, today.AddDate(0, 0, -6), openStatuses, now, month).QueryRow(func(row pgx.Row) error {
		return row.Scan(&s.Streets, &s.Communities, &s.Grids, &s.Households, &s.Population, &s.GridWorkers, &s.PartyMembers,
			&s.Volunteers, &s.RedPositions, &s.Stations, &s.IncidentsToday, &s.IncidentsWeek, &s.Open, &s.Overdue,
			&s.ResolvedToday, &s.Unassigned, &s.OnTimeRate)
	})
	b.Queue(`SELECT 'category', category, count(*) FROM incidents WHERE reported_at >= $1 GROUP BY category
UNION ALL SELECT 'channel', channel, count(*) FROM incidents WHERE reported_at >= $1 GROUP BY channel
UNION ALL SELECT 'status', status, count(*) FROM incidents WHERE reported_at >= $1 GROUP BY status`, month).Query(func(rows pgx.Rows) error {
		var kind, key string
		var n int
		_, err := pgx.ForEachRow(rows, []any{&kind, &key, &n}, func() error {
			map[string]map[string]int{"category": s.ByCategory, "channel": s.ByChannel, "status": s.ByStatus}[kind][key] = n
			return nil
		})
		return err
	})
	b.Queue(`SELECT s.code, s.name,
    (SELECT count(*) FROM grids g WHERE g.street_code = s.code),
    (SELECT coalesce(sum(households), 0) FROM grids g WHERE g.street_code = s.code),
    count(i.id) FILTER (WHERE i.status = ANY($1)),
    count(i.id) FILTER (WHERE i.status = ANY($1) AND i.due_at < $2),
    count(i.id) FILTER (WHERE i.reported_at >= $3)
FROM streets s LEFT JOIN incidents i ON i.grid_code >= s.code || '000000' AND i.grid_code <= s.code || '999999'
GROUP BY s.code, s.name ORDER BY s.code`, openStatuses, now, today).Query(func(rows pgx.Rows) error {
		var f gridmap.StreetFigures
		_, err := pgx.ForEachRow(rows, []any{&f.Code, &f.Name, &f.Grids, &f.Households, &f.Open, &f.Overdue, &f.Today}, func() error {
			s.ByStreet = append(s.ByStreet, f)
			return nil
		})
		return err
	})
	start := now.Truncate(time.Hour).Add(-23 * time.Hour)
	s.Hourly = make([]int, 24)
	b.Queue(`SELECT floor(extract(epoch FROM reported_at - $1) / 3600)::int AS h, count(*)
FROM incidents WHERE reported_at >= $1 AND reported_at < $2 GROUP BY h`, start, start.Add(24*time.Hour)).Query(func(rows pgx.Rows) error {
		var h, n int
		_, err := pgx.ForEachRow(rows, []any{&h, &n}, func() error {
			if h >= 0 && h < 24 {
				s.Hourly[h] = n
			}
			return nil
		})
		return err
	})
	if err := db.Pool.SendBatch(ctx, b).Close(); err != nil {
		return s, translate(err, "stats")
	}
	return s, nil
}

// ChangesAfter returns the audit events with ids above id, oldest first, with their incidents.
func (db *DB) ChangesAfter(ctx context.Context, id int64, limit int) ([]gridmap.Change, error) {
	rows, err := db.Pool.Query(ctx, `SELECT e.id, e.at, e.actor, coalesce(e.actor_user_id, 0), e.actor_role, e.kind, coalesce(e.verdict, ''),
    coalesce(e.from_status, ''), e.to_status, e.note, `+incidentColumns+`
FROM incident_events e JOIN incidents i ON i.id = e.incident_id
LEFT JOIN grids g ON g.code = i.grid_code
LEFT JOIN communities c ON c.code = g.community_code
LEFT JOIN streets s ON s.code = g.street_code
WHERE e.id > $1 ORDER BY e.id LIMIT $2`, id, limit)
	if err != nil {
		return nil, translate(err, "changes after")
	}
	return collect(rows, "changes after", func(r pgx.CollectableRow) (gridmap.Change, error) {
		var ch gridmap.Change
		e := &ch.Event
		in, err := scanIncidentAfter(r, &e.ID, &e.At, &e.Actor, &e.ActorID, &e.Role, &e.Kind, &e.Verdict, &e.From, &e.To, &e.Note)
		ch.Incident = in
		return ch, err
	})
}

// LastChangeID returns the newest audit event's id, 0 with none.
func (db *DB) LastChangeID(ctx context.Context) (int64, error) {
	var id int64
	err := db.Pool.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM incident_events`).Scan(&id)
	return id, translate(err, "last change id")
}

// Demo reports whether the database serves demo data: divisions marked synthetic (the bundled
// sample) or incidents a simulated city made up.
func (db *DB) Demo(ctx context.Context) (bool, error) {
	var demo bool
	err := db.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM grids WHERE synthetic) OR EXISTS (SELECT 1 FROM streets WHERE synthetic)
    OR EXISTS (SELECT 1 FROM incidents WHERE simulated)`).Scan(&demo)
	return demo, translate(err, "demo data")
}
