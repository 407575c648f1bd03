package postgis

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gridmap/gridmap/internal/dataset"
	"github.com/gridmap/gridmap/internal/gridmap"
)

// querier is what a statement needs: a pool (one statement, its own transaction) or a pgx.Tx.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// insertIncidentsSQL stores a batch of prepared incidents and their first audit events in one
// statement: the values arrive as arrays (one round trip, binary), rows whose client key is
// already stored are skipped, and every input row comes back with the id it now has.
const insertIncidentsSQL = `
WITH input AS (
    SELECT * FROM unnest($1::int[], $2::text[], $3::bytea[], $4::float8[], $5::float8[], $6::float8[], $7::float8[],
                         $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],
                         $15::text[], $16::float8[], $17::text[], $18::timestamptz[], $19::timestamptz[], $20::timestamptz[],
                         $24::bool[], $25::bigint[], $26::text[], $27::text[], $28::timestamptz[], $29::timestamptz[],
                         $30::float8[], $33::timestamptz[])
        AS t(ord, client_key, request_hash, lon, lat, rlon, rlat, rcrs, category, channel, description, reporter,
             status, grid_code, method, distance, reason, reported_at, due_at, resolved_at, simulated,
             reported_by, actor, actor_role, due_soon_at, escalate_at, dup_radius, recorded)
), dup AS (
    -- The same request twice: for each report, the nearest open incident of its category
    -- within the category's radius, reported in the week before. One join for the whole batch:
    -- the GiST index finds candidates by box, geography decides. The time window is written
    -- as an expression so that no plan reads the time index, which a busy week fills.
    SELECT DISTINCT ON (input.ord) input.ord, o.id
    FROM input
    JOIN incidents o ON o.geom && ST_Expand(ST_SetSRID(ST_MakePoint(input.lon, input.lat), 4326), input.dup_radius / 90000.0)
    WHERE input.dup_radius > 0 AND input.status IN ('reported', 'assigned')
      AND o.category = input.category AND o.status = ANY($31) AND o.simulated = input.simulated
      AND o.reported_at + interval '0 s' >= input.reported_at - $32 * interval '1 second'
      AND o.reported_at + interval '0 s' <= input.reported_at
      AND ST_DWithin(o.geom::geography, ST_SetSRID(ST_MakePoint(input.lon, input.lat), 4326)::geography, input.dup_radius)
    ORDER BY input.ord, o.geom <-> ST_SetSRID(ST_MakePoint(input.lon, input.lat), 4326)
), ins AS (
    INSERT INTO incidents (client_key, request_hash, geom, reported_lon, reported_lat, reported_crs, category, channel,
                           description, reporter, status, grid_code, assign_method, assign_distance_m, assign_reason,
                           reported_at, due_at, resolved_at, created_at, updated_at, simulated, reported_by, due_soon_at, escalate_at,
                           possible_dup_of)
    SELECT client_key, request_hash, ST_SetSRID(ST_MakePoint(lon, lat), 4326), rlon, rlat, rcrs, category, channel,
           description, reporter, status, grid_code, method, distance, reason, reported_at, due_at, resolved_at,
           coalesce(recorded, $23), coalesce(recorded, $23), simulated,
           reported_by, due_soon_at, escalate_at, dup.id
    FROM input LEFT JOIN dup USING (ord) ORDER BY ord
    ON CONFLICT (client_key) DO NOTHING
    RETURNING id, client_key, created_at, possible_dup_of
), ev AS (
    INSERT INTO incident_events (incident_id, at, actor, actor_user_id, actor_role, kind, from_status, to_status, grid_code, note)
    SELECT ins.id, ins.created_at, coalesce(nullif(input.actor, ''), $21), input.reported_by, input.actor_role, 'report', NULL, input.status, input.grid_code,
           CASE WHEN input.method = 'unassigned' THEN $22 || ' (unassigned: ' || input.reason || ')' ELSE $22 END
    FROM ins JOIN input USING (client_key)
)
SELECT input.ord, coalesce(ins.id, old.id, 0), ins.id IS NOT NULL, coalesce(ins.created_at, old.created_at, $23),
       old.request_hash IS NOT NULL AND old.request_hash IS DISTINCT FROM input.request_hash, coalesce(ins.possible_dup_of, 0)
FROM input
LEFT JOIN ins USING (client_key)
LEFT JOIN incidents old ON ins.id IS NULL AND old.client_key = input.client_key
ORDER BY input.ord`

// insertIncidents stores prepared incidents (each with a unique ClientKey) in q's transaction.
// hashes holds each request's digest (or nil). Within one call, client keys must be distinct.
func insertIncidents(ctx context.Context, q querier, ins []gridmap.Incident, hashes [][]byte, actor, note string, now time.Time) ([]gridmap.StoreResult, error) {
	n := len(ins)
	if n == 0 {
		return nil, nil
	}
	var (
		ord        = make([]int32, n)
		keys       = make([]string, n)
		lons, lats = make([]float64, n), make([]float64, n)
		rlons      = make([]float64, n)
		rlats      = make([]float64, n)
		rcrs       = make([]string, n)
		cats       = make([]string, n)
		chans      = make([]string, n)
		descs      = make([]string, n)
		reps       = make([]string, n)
		stats      = make([]string, n)
		grids      = make([]*string, n)
		methods    = make([]string, n)
		dists      = make([]float64, n)
		reasons    = make([]string, n)
		reported   = make([]time.Time, n)
		due        = make([]time.Time, n)
		resolved   = make([]*time.Time, n)
		simulated  = make([]bool, n)
		by         = make([]*int64, n)
		actors     = make([]string, n)
		roles      = make([]string, n)
		dueSoon    = make([]*time.Time, n)
		escalate   = make([]*time.Time, n)
		radius     = make([]float64, n)
		recorded   = make([]*time.Time, n)
	)
	for i := range ins {
		in := &ins[i]
		if in.ClientKey == "" {
			return nil, fmt.Errorf("postgis: incident %d has no client key", i)
		}
		ord[i] = int32(i)
		keys[i] = in.ClientKey
		lons[i], lats[i] = in.Point[0], in.Point[1]
		rlons[i], rlats[i], rcrs[i] = in.Reported[0], in.Reported[1], in.CRS
		cats[i], chans[i], descs[i], reps[i], stats[i] = in.Category, in.Channel, in.Description, in.Reporter, in.Status
		if in.Assignment.GridCode != "" {
			g := in.Assignment.GridCode
			grids[i] = &g
		}
		methods[i], dists[i], reasons[i] = in.Assignment.Method, in.Assignment.DistanceM, in.Assignment.Reason
		reported[i], due[i], resolved[i], simulated[i] = in.ReportedAt, in.DueAt, nullTime(in.ResolvedAt), in.Simulated
		by[i], actors[i], roles[i] = nullID(in.ReportedBy.UserID), in.ReportedBy.Name, in.ReportedBy.Role
		dueSoon[i], escalate[i] = nullTime(in.Loop.DueSoonAt), nullTime(in.Loop.EscalateAt)
		radius[i] = gridmap.DuplicateRadius(in.Category)
		recorded[i] = nullTime(in.CreatedAt)
	}
	if hashes == nil {
		hashes = make([][]byte, n)
	}
	rows, err := q.Query(ctx, insertIncidentsSQL, ord, keys, hashes, lons, lats, rlons, rlats, rcrs, cats, chans, descs, reps,
		stats, grids, methods, dists, reasons, reported, due, resolved, actor, note, now, simulated, by, actors, roles, dueSoon, escalate,
		radius, openStatuses, gridmap.DuplicateWindow.Seconds(), recorded)
	if err != nil {
		return nil, translate(err, "store incidents")
	}
	out := make([]gridmap.StoreResult, n)
	var i int32
	var s gridmap.StoreResult
	_, err = pgx.ForEachRow(rows, []any{&i, &s.ID, &s.Created, &s.CreatedAt, &s.Mismatch, &s.PossibleDupOf}, func() error {
		out[i] = s
		return nil
	})
	if err != nil {
		return nil, translate(err, "store incidents")
	}
	// A key committed by a concurrent transaction after this statement's snapshot was taken is
	// skipped by ON CONFLICT but invisible to the join; look those up again.
	for i := range out {
		if out[i].ID == 0 {
			var h []byte
			err := q.QueryRow(ctx, `SELECT id, created_at, request_hash FROM incidents WHERE client_key = $1`, keys[i]).Scan(&out[i].ID, &out[i].CreatedAt, &h)
			if err != nil {
				return nil, translate(err, "store incidents: find concurrent duplicate")
			}
			out[i].Mismatch = h != nil && hashes[i] != nil && string(h) != string(hashes[i])
		}
	}
	return out, nil
}

// plannerInTx builds a planner over the grids as they stand in the transaction.
func plannerInTx(ctx context.Context, tx pgx.Tx, plan IncidentPlanner) (Planner, error) {
	rows, err := tx.Query(ctx, `SELECT `+gridColumns+` FROM grids ORDER BY code`)
	if err != nil {
		return nil, translate(err, "import: read grids")
	}
	grids, err := collect(rows, "import: read grids", func(r pgx.CollectableRow) (gridmap.Grid, error) { return scanGrid(r) })
	if err != nil {
		return nil, err
	}
	p, err := plan(grids)
	if err != nil {
		return nil, fmt.Errorf("postgis: import: %w", err)
	}
	return p, nil
}

// importIncidents stores the dataset's reports whose client id is not yet stored.
func importIncidents(ctx context.Context, tx pgx.Tx, d *dataset.Dataset, planner Planner, stats *ImportStats, progress Progress, now time.Time) error {
	const chunk = 2000
	total := len(d.Incidents)
	var known *loopRefs
	for start := 0; start < total; start += chunk {
		end := min(start+chunk, total)
		batch := make([]gridmap.Incident, 0, end-start)
		lived := make([]gridmap.Incident, end-start) // after its history; zero ID when it has none
		var problems dataset.Problems
		for k, rep := range d.Incidents[start:end] {
			history := rep.History
			if len(history) > 0 {
				rep.Status, rep.ResolvedAt, rep.History = "", time.Time{}, nil // as it was reported
			}
			in, err := planner.Prepare(rep)
			if err != nil {
				return dataset.Problems{d.ProblemAt(dataset.Incidents, rep.ClientID, "", err.Error())}
			}
			batch = append(batch, in)
			if len(history) == 0 {
				continue
			}
			if known == nil {
				if known, err = readLoopRefs(ctx, tx); err != nil {
					return err
				}
			}
			after, field, msg := replayHistory(in, history, d.Incidents[start+k], known, planner.Calendar())
			if msg != "" {
				problems = append(problems, d.ProblemAt(dataset.Incidents, rep.ClientID, field, msg))
				continue
			}
			lived[k] = after
		}
		if len(problems) > 0 {
			return problems
		}
		res, err := insertIncidents(ctx, tx, batch, nil, "import", "imported", now)
		if err != nil {
			return err
		}
		var steps []*gridmap.Incident
		for k, r := range res {
			if !r.Created {
				stats.Skipped[dataset.Incidents]++
				continue
			}
			stats.Inserted[dataset.Incidents]++
			if len(lived[k].History) > 0 {
				lived[k].ID = r.ID
				steps = append(steps, &lived[k])
			}
		}
		if _, err := saveSteps(ctx, tx, steps); err != nil {
			return translate(err, "store incidents' histories")
		}
		progress("incidents", end, total)
	}
	return nil
}

// loopRefs are the staff (id → grid) and departments a history may dispatch to.
type loopRefs struct {
	staff       map[string]string
	departments map[string]bool
}

func readLoopRefs(ctx context.Context, tx pgx.Tx) (*loopRefs, error) {
	refs := &loopRefs{staff: map[string]string{}, departments: map[string]bool{}}
	rows, err := tx.Query(ctx, `SELECT id, grid_code FROM staff WHERE retired_at IS NULL`)
	if err != nil {
		return nil, translate(err, "read staff")
	}
	var id, grid string
	if _, err := pgx.ForEachRow(rows, []any{&id, &grid}, func() error { refs.staff[id] = grid; return nil }); err != nil {
		return nil, translate(err, "read staff")
	}
	rows, err = tx.Query(ctx, `SELECT code FROM departments WHERE active`)
	if err != nil {
		return nil, translate(err, "read departments")
	}
	if _, err := pgx.ForEachRow(rows, []any{&id}, func() error { refs.departments[id] = true; return nil }); err != nil {
		return nil, translate(err, "read departments")
	}
	return refs, nil
}

// importActor is who a dataset's steps are recorded as when they name no one.
var importActor = gridmap.Actor{Name: "import", Role: "import"}

// replayHistory plays a dataset incident's history on it as reported, through the loop's own
// methods: the result must end where the dataset says (its status and resolved_at), and every
// dispatch go to a staff member of the incident's grid or a known department. On a problem it
// returns the field and what is wrong.
func replayHistory(in gridmap.Incident, history []gridmap.Step, rep gridmap.Report, known *loopRefs, cal *gridmap.Calendar) (gridmap.Incident, string, string) {
	for i, s := range history {
		field := fmt.Sprintf("properties.history[%d]", i)
		if s.Staff != "" && known.staff[s.Staff] != in.Assignment.GridCode {
			return in, field + ".staff", fmt.Sprintf("history[%d].staff: no staff member %q serves grid %s, where the incident lies", i, s.Staff, cmp.Or(in.Assignment.GridCode, "(none)"))
		}
		if s.Department != "" && !known.departments[s.Department] {
			return in, field + ".department", fmt.Sprintf("history[%d].department: no department %q", i, s.Department)
		}
	}
	events, err := in.Replay(history, importActor, cal)
	if e, ok := err.(*gridmap.Error); ok {
		return in, "properties." + e.Field, e.Message
	} else if err != nil {
		return in, "properties.history", err.Error()
	}
	if rep.Status != "" && in.Status != rep.Status {
		return in, "properties.status", fmt.Sprintf("status: status is %s but the history ends in %s", rep.Status, in.Status)
	}
	if !rep.ResolvedAt.IsZero() && !in.ResolvedAt.Equal(rep.ResolvedAt) {
		return in, "properties.resolved_at", fmt.Sprintf("resolved_at: resolved_at is %s but the history resolves it at %s",
			rep.ResolvedAt.Format(time.RFC3339), in.ResolvedAt.Format(time.RFC3339))
	}
	in.History = events
	return in, "", ""
}

// reassignOpen moves every open, automatically assigned incident whose point now falls in
// another grid (or in none) to where the planner's grids put it, with an audit event each. It
// runs in the transaction that changed the grids, so exactly one writer does it, once.
func reassignOpen(ctx context.Context, tx pgx.Tx, planner Planner, why string, by gridmap.Actor, now time.Time) (int, error) {
	if by.Name == "" {
		by = gridmap.Actor{Name: "system", Role: "import"}
	}
	rows, err := tx.Query(ctx, `SELECT id, ST_X(geom), ST_Y(geom), coalesce(grid_code, '') FROM incidents
WHERE status = ANY($1) AND assign_method <> 'manual' FOR UPDATE`, openStatuses)
	if err != nil {
		return 0, translate(err, "reassign: read open incidents")
	}
	var (
		ids                    []int64
		grids                  []*string
		methods, reasons, from []string
		dists                  []float64
		id                     int64
		lon, lat               float64
		cur                    string
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &lon, &lat, &cur}, func() error {
		a := planner.Assign(lon, lat)
		if a.GridCode == cur {
			return nil
		}
		ids = append(ids, id)
		from = append(from, cur)
		if a.GridCode == "" {
			grids = append(grids, nil)
		} else {
			g := a.GridCode
			grids = append(grids, &g)
		}
		methods, dists, reasons = append(methods, a.Method), append(dists, a.DistanceM), append(reasons, a.Reason)
		return nil
	})
	if err != nil || len(ids) == 0 {
		return 0, translate(err, "reassign: read open incidents")
	}
	_, err = tx.Exec(ctx, `
WITH m AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::float8[], $5::text[], $6::text[]) AS t(id, grid_code, method, distance, reason, from_grid)),
upd AS (
    UPDATE incidents i SET grid_code = m.grid_code, assign_method = m.method, assign_distance_m = m.distance,
        assign_reason = m.reason, updated_at = $8,
        status = CASE WHEN m.grid_code IS NULL AND i.status = 'assigned' THEN 'reported'
                      WHEN m.grid_code IS NOT NULL AND i.status = 'reported' THEN 'assigned' ELSE i.status END
    FROM m WHERE i.id = m.id
    RETURNING i.id, i.status, i.grid_code)
INSERT INTO incident_events (incident_id, at, actor, actor_user_id, actor_role, kind, from_status, to_status, grid_code, note)
SELECT upd.id, $8, $9, $10, $11, 'reassign', upd.status, upd.status, upd.grid_code,
       format('reassigned: %s; grid %s -> %s (%s)', $7::text, coalesce(nullif(m.from_grid, ''), 'none'), coalesce(upd.grid_code, 'none'), m.method)
FROM upd JOIN m ON m.id = upd.id`, ids, grids, methods, dists, reasons, from, why, now, by.Name, nullID(by.UserID), by.Role)
	if err != nil {
		return 0, translate(err, "reassign open incidents")
	}
	return len(ids), nil
}
