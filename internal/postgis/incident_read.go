package postgis

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gridmap/gridmap/internal/gridmap"
)

var _ gridmap.IncidentStore = (*DB)(nil)

// CreateIncidents stores prepared incidents with their first audit events in one transaction
// and returns only after it committed: a client is never told an incident exists that a crash
// could still lose.
//
// The incidents and their events go in with one statement, which PostgreSQL runs as one
// transaction of its own: no BEGIN and COMMIT round trips.
func (db *DB) CreateIncidents(ctx context.Context, ins []gridmap.Incident, hashes [][]byte) ([]gridmap.StoreResult, error) {
	return insertIncidents(ctx, db.Pool, ins, hashes, "intake", "reported", db.now())
}

const incidentColumns = `i.id, i.client_key, ST_X(i.geom), ST_Y(i.geom), i.reported_lon, i.reported_lat, i.reported_crs,
    i.category, i.channel, i.description, i.reporter, i.status,
    coalesce(i.grid_code, ''), coalesce(g.name, ''), coalesce(g.community_code, ''), coalesce(c.name, ''),
    coalesce(g.street_code, ''), coalesce(s.name, ''), i.assign_method, i.assign_distance_m, i.assign_reason,
    i.reported_at, i.created_at, i.updated_at, i.due_at, i.resolved_at, i.simulated, coalesce(i.reported_by, 0),
    coalesce(i.assignee_staff_id, ''), coalesce(i.department_code, ''), i.dispatched_at, i.response_due_at, i.responded_at,
    i.last_progress_at, i.progress_due_at, i.due_soon_at, i.escalate_at, i.urged, i.last_urged_at, coalesce(i.satisfaction, ''),
    i.callback_at, i.dissatisfied, i.reopened, coalesce(i.duplicate_of, 0), coalesce(i.possible_dup_of, 0), i.repeat_complaint,
    i.first_dispatched_at, i.first_response_due, i.first_responded_at`

const incidentFrom = ` FROM incidents i
LEFT JOIN grids g ON g.code = i.grid_code
LEFT JOIN communities c ON c.code = g.community_code
LEFT JOIN streets s ON s.code = g.street_code`

func scanIncident(r pgx.Row) (gridmap.Incident, error) { return scanIncidentAfter(r) }

// scanIncidentAfter scans the columns in before (other columns of the row, first) and then an
// incident's columns.
func scanIncidentAfter(r pgx.Row, before ...any) (gridmap.Incident, error) {
	var in gridmap.Incident
	var key *string
	var resolved *time.Time
	a := &in.Assignment
	l := &in.Loop
	var times [12]*time.Time // the nullable times, in the order of the loop below
	err := r.Scan(append(before, &in.ID, &key, &in.Point[0], &in.Point[1], &in.Reported[0], &in.Reported[1], &in.CRS,
		&in.Category, &in.Channel, &in.Description, &in.Reporter, &in.Status,
		&a.GridCode, &a.GridName, &a.CommunityCode, &a.CommunityName, &a.StreetCode, &a.StreetName,
		&a.Method, &a.DistanceM, &a.Reason, &in.ReportedAt, &in.CreatedAt, &in.UpdatedAt, &in.DueAt, &resolved, &in.Simulated, &in.ReportedBy.UserID,
		&l.Assignee.StaffID, &l.Assignee.Department, &times[0], &times[1], &times[2], &times[3], &times[4], &times[5], &times[6],
		&l.Urged, &times[7], &l.Satisfaction, &times[8], &l.Dissatisfied, &l.Reopened, &l.DuplicateOf, &l.PossibleDupOf, &l.RepeatComplaint,
		&times[9], &times[10], &times[11])...)
	for i, dst := range []*time.Time{&l.DispatchedAt, &l.ResponseDueAt, &l.RespondedAt, &l.LastProgressAt, &l.ProgressDueAt,
		&l.DueSoonAt, &l.EscalateAt, &l.LastUrgedAt, &l.CallbackAt, &l.FirstDispatchedAt, &l.FirstResponseDue, &l.FirstRespondedAt} {
		if times[i] != nil {
			*dst = *times[i]
		}
	}
	if key != nil {
		in.ClientKey = *key
	}
	if resolved != nil {
		in.ResolvedAt = *resolved
	}
	return in, err
}

// Incident returns one incident with its history, oldest event first.
func (db *DB) Incident(ctx context.Context, id int64) (gridmap.Incident, error) {
	in, err := scanIncident(db.Pool.QueryRow(ctx, `SELECT `+incidentColumns+incidentFrom+` WHERE i.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return in, gridmap.NotFound("incident %d not found", id)
	}
	if err != nil {
		return in, translate(err, "get incident")
	}
	rows, err := db.Pool.Query(ctx, `SELECT id, at, actor, coalesce(actor_user_id, 0), actor_role, kind, coalesce(verdict, ''), coalesce(from_status, ''), to_status, note
FROM incident_events WHERE incident_id = $1 ORDER BY id`, id)
	if err != nil {
		return in, translate(err, "get incident history")
	}
	in.History, err = collect(rows, "get incident history", func(r pgx.CollectableRow) (gridmap.Event, error) {
		var e gridmap.Event
		err := r.Scan(&e.ID, &e.At, &e.Actor, &e.ActorID, &e.Role, &e.Kind, &e.Verdict, &e.From, &e.To, &e.Note)
		return e, err
	})
	if err != nil {
		return in, err
	}
	if in.Photos, err = photosOf(ctx, db.Pool, id); err != nil {
		return in, translate(err, "get incident photos")
	}
	return in, nil
}

// openStatuses are the statuses of incidents that still need work (gridmap.OpenStatuses, worked
// out once), for the overdue and supervision filters and every count of open incidents.
var openStatuses = gridmap.OpenStatuses()

// incidentWhere builds the WHERE clause of an incident filter. Community and street filters are
// ranges over grid codes, so the grid_code index serves them.
func incidentWhere(f gridmap.IncidentFilter, now time.Time) *where {
	w := &where{}
	if f.Grid != "" {
		w.add("i.grid_code = ?", f.Grid)
	}
	if f.Community != "" {
		w.add("i.grid_code >= ?", f.Community+"000")
		w.add("i.grid_code <= ?", f.Community+"999")
	}
	if f.Street != "" {
		w.add("i.grid_code >= ?", f.Street+"000000")
		w.add("i.grid_code <= ?", f.Street+"999999")
	}
	if f.Unassigned {
		w.add("i.assign_method = ?", gridmap.MethodUnassigned)
	}
	w.addScope("i.grid_code", f.Scope)
	if f.ReportedBy != 0 {
		w.add("i.reported_by = ?", f.ReportedBy)
	}
	if f.Department != "" {
		w.add("i.department_code = ?", f.Department)
	}
	if f.Warned {
		w.addNumbered(warnedSQL, now, openStatuses, gridmap.DissatisfiedFlag)
	}
	if len(f.Status) > 0 {
		w.add("i.status = ANY(?)", f.Status)
	}
	if len(f.Category) > 0 {
		w.add("i.category = ANY(?)", f.Category)
	}
	if f.Channel != "" {
		w.add("i.channel = ?", f.Channel)
	}
	if !f.Since.IsZero() {
		w.add("i.reported_at >= ?", f.Since)
	}
	if !f.Until.IsZero() {
		w.add("i.reported_at < ?", f.Until)
	}
	w.addBBox("i.geom", gridmap.DivisionFilter{BBox: f.BBox})
	if f.Overdue != nil {
		cond := "((i.due_at < ? AND i.status = ANY(?)) OR i.resolved_at > i.due_at)"
		if !*f.Overdue {
			cond = "NOT " + cond
		}
		w.add(cond, now, openStatuses)
	}
	return w
}

// Incidents returns up to limit incidents matching f, newest first, with ids below before.
func (db *DB) Incidents(ctx context.Context, f gridmap.IncidentFilter, limit int, before int64) ([]gridmap.Incident, error) {
	w := incidentWhere(f, db.now())
	if before > 0 {
		w.add("i.id < ?", before)
	}
	sql := `SELECT ` + incidentColumns + incidentFrom + w.String() + ` ORDER BY i.id DESC LIMIT ` + w.nextArg(limit)
	rows, err := db.Pool.Query(ctx, sql, w.args...)
	if err != nil {
		return nil, translate(err, "list incidents")
	}
	return collect(rows, "list incidents", func(r pgx.CollectableRow) (gridmap.Incident, error) { return scanIncident(r) })
}

// Transition moves an incident through the workflow under a row lock, so two people taking the
// same order at once cannot both succeed, and records the move in the audit trail.
func (db *DB) Transition(ctx context.Context, id int64, t gridmap.Transition) (gridmap.Incident, error) {
	now := db.now()
	err := pgx.BeginFunc(ctx, db.Pool, func(tx pgx.Tx) error {
		var status string
		var grid *string
		err := tx.QueryRow(ctx, `SELECT status, grid_code FROM incidents WHERE id = $1 FOR UPDATE`, id).Scan(&status, &grid)
		if errors.Is(err, pgx.ErrNoRows) || t.Scope != nil && !t.Scope.Contains(deref(grid)) {
			return gridmap.NotFound("incident %d not found", id)
		}
		if err != nil {
			return err
		}
		if !gridmap.CanTransition(status, t.To) {
			e := gridmap.Errorf(gridmap.EConflict, "incident %d is %s and cannot move to %s; allowed next: %v", id, status, t.To, gridmap.NextStatuses(status))
			e.Field = "to"
			return e
		}
		newGrid := grid
		method := ""
		if t.Grid != "" {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM grids WHERE code = $1)`, t.Grid).Scan(&exists); err != nil {
				return err
			}
			if !exists || t.Scope != nil && !t.Scope.Contains(t.Grid) {
				e := gridmap.NotFound("grid %s not found", t.Grid)
				e.Field = "grid"
				return e
			}
			newGrid, method = &t.Grid, gridmap.MethodManual
		}
		if t.To == gridmap.StatusAssigned && newGrid == nil {
			return gridmap.Invalid("grid", "incident %d has no grid; name the grid to assign it to", id)
		}
		_, err = tx.Exec(ctx, `
UPDATE incidents SET status = $2, updated_at = $5, grid_code = $3,
    assign_method = CASE WHEN $4 = '' THEN assign_method ELSE $4 END,
    assign_distance_m = CASE WHEN $4 = '' THEN assign_distance_m ELSE 0 END,
    assign_reason = CASE WHEN $4 = '' THEN assign_reason ELSE '' END,
    resolved_at = CASE WHEN $2 = 'resolved' THEN $5 WHEN $2 IN ('in_progress', 'assigned', 'accepted') THEN NULL ELSE resolved_at END
WHERE id = $1`, id, t.To, newGrid, method, now)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO incident_events (incident_id, at, actor, actor_user_id, actor_role, from_status, to_status, grid_code, note)
VALUES ($1, $7, $2, $8, $9, $3, $4, $5, $6)`, id, t.Actor.Name, status, t.To, newGrid, t.Note, now, nullID(t.Actor.UserID), t.Actor.Role)
		return err
	})
	if err != nil {
		return gridmap.Incident{}, translate(err, "transition incident "+strconv.FormatInt(id, 10))
	}
	return db.Incident(ctx, id)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// warnedSQL is a supervision rule holding at the time bound first (gridmap.Incident.Warnings,
// the same rules in SQL): dispatched and not responded in time, open past its due time or
// near it, in progress without a report, dissatisfied repeatedly, urged.
const warnedSQL = `(i.status = ANY(?2) AND i.status <> 'reported' AND (
    i.status = 'dispatched' AND i.response_due_at < ?1 OR i.due_at < ?1 OR i.due_soon_at < ?1
    OR i.status = 'in_progress' AND i.progress_due_at < ?1 OR i.urged > 0) OR i.dissatisfied >= ?3)`
