package postgis

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gridmap/gridmap/internal/gridmap"
)

var _ gridmap.LoopStore = (*DB)(nil)

// Change applies one step of the loop to an incident under its row lock: it loads the incident
// as stored, lets change decide and make the step (a method of gridmap.Incident), and saves the
// incident with the event change returns, in one transaction. An incident whose grid lies
// outside scope (nil: anywhere) is not found.
func (db *DB) Change(ctx context.Context, id int64, scope gridmap.Scope, change func(in *gridmap.Incident) (gridmap.Event, error)) (gridmap.Incident, error) {
	err := pgx.BeginFunc(ctx, db.Pool, func(tx pgx.Tx) error {
		in, err := scanIncident(tx.QueryRow(ctx, `SELECT `+incidentColumns+incidentFrom+` WHERE i.id = $1 FOR UPDATE OF i`, id))
		if errors.Is(err, pgx.ErrNoRows) || err == nil && scope != nil && !scope.Contains(in.Assignment.GridCode) {
			return gridmap.NotFound("incident %d not found", id)
		}
		if err != nil {
			return err
		}
		ev, err := change(&in)
		if err != nil {
			return err
		}
		return saveChange(ctx, tx, &in, ev, db.now())
	})
	if err != nil {
		return gridmap.Incident{}, translate(err, "change incident "+strconv.FormatInt(id, 10))
	}
	return db.Incident(ctx, id)
}

// saveChange writes an incident's changeable columns and the event of the change.
func saveChange(ctx context.Context, tx pgx.Tx, in *gridmap.Incident, ev gridmap.Event, now time.Time) error {
	l := &in.Loop
	if ev.At.IsZero() {
		ev.At = now
	}
	_, err := tx.Exec(ctx, `UPDATE incidents SET status = $2, updated_at = $3, resolved_at = $4,
    assignee_staff_id = nullif($5, ''), department_code = nullif($6, ''), dispatched_at = $7, response_due_at = $8, responded_at = $9,
    last_progress_at = $10, progress_due_at = $11, due_soon_at = $12, escalate_at = $13, urged = $14, last_urged_at = $15,
    satisfaction = nullif($16, ''), callback_at = $17, dissatisfied = $18, reopened = $19, duplicate_of = nullif($20, 0),
    possible_dup_of = nullif($21, 0), repeat_complaint = $22, first_dispatched_at = $23, first_response_due = $24, first_responded_at = $25
WHERE id = $1`, in.ID, in.Status, ev.At, nullTime(in.ResolvedAt),
		l.Assignee.StaffID, l.Assignee.Department, nullTime(l.DispatchedAt), nullTime(l.ResponseDueAt), nullTime(l.RespondedAt),
		nullTime(l.LastProgressAt), nullTime(l.ProgressDueAt), nullTime(l.DueSoonAt), nullTime(l.EscalateAt), l.Urged, nullTime(l.LastUrgedAt),
		l.Satisfaction, nullTime(l.CallbackAt), l.Dissatisfied, l.Reopened, l.DuplicateOf, l.PossibleDupOf, l.RepeatComplaint,
		nullTime(l.FirstDispatchedAt), nullTime(l.FirstResponseDue), nullTime(l.FirstRespondedAt))
	if err != nil {
		return err
	}
	var grid *string
	if in.Assignment.GridCode != "" {
		grid = &in.Assignment.GridCode
	}
	_, err = tx.Exec(ctx, `INSERT INTO incident_events (incident_id, at, actor, actor_user_id, actor_role, kind, from_status, to_status, grid_code, note, verdict)
VALUES ($1, $2, $3, $4, $5, $6, nullif($7, ''), $8, $9, $10, nullif($11, ''))`, in.ID, ev.At, ev.Actor, nullID(ev.ActorID), ev.Role, ev.Kind, ev.From, in.Status, grid, ev.Note, ev.Verdict)
	return err
}

// Departments lists the departments incidents can be dispatched to, by code.
func (db *DB) Departments(ctx context.Context) ([]gridmap.Department, error) {
	rows, err := db.Pool.Query(ctx, `SELECT code, name, active FROM departments ORDER BY code`)
	if err != nil {
		return nil, translate(err, "list departments")
	}
	return collect(rows, "list departments", func(r pgx.CollectableRow) (gridmap.Department, error) {
		var d gridmap.Department
		err := r.Scan(&d.Code, &d.Name, &d.Active)
		return d, err
	})
}

// SaveDepartment creates or replaces a department.
func (db *DB) SaveDepartment(ctx context.Context, d gridmap.Department) error {
	_, err := db.Pool.Exec(ctx, `INSERT INTO departments (code, name, active) VALUES ($1, $2, $3)
ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, active = EXCLUDED.active`, d.Code, d.Name, d.Active)
	return translate(err, "save department "+d.Code)
}

// CalendarDays lists the city's additions to the national schedule.
func (db *DB) CalendarDays(ctx context.Context) ([]gridmap.CalendarDay, error) {
	rows, err := db.Pool.Query(ctx, `SELECT to_char(date, 'YYYY-MM-DD'), kind, name, source FROM calendar_days ORDER BY date`)
	if err != nil {
		return nil, translate(err, "calendar")
	}
	return collect(rows, "calendar", func(r pgx.CollectableRow) (gridmap.CalendarDay, error) {
		var d gridmap.CalendarDay
		err := r.Scan(&d.Date, &d.Kind, &d.Name, &d.Source)
		return d, err
	})
}

// SaveCalendarDay adds or replaces a day of the city's calendar.
func (db *DB) SaveCalendarDay(ctx context.Context, d gridmap.CalendarDay) error {
	_, err := db.Pool.Exec(ctx, `INSERT INTO calendar_days (date, kind, name, source, updated_at) VALUES ($1::date, $2, $3, $4, $5)
ON CONFLICT (date) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, source = EXCLUDED.source, updated_at = EXCLUDED.updated_at`,
		d.Date, d.Kind, d.Name, d.Source, db.now())
	return translate(err, "save calendar day "+d.Date)
}

// DeleteCalendarDay removes a day the city added.
func (db *DB) DeleteCalendarDay(ctx context.Context, date string) error {
	tag, err := db.Pool.Exec(ctx, `DELETE FROM calendar_days WHERE date = $1::date`, date)
	if err != nil {
		return translate(err, "delete calendar day "+date)
	}
	if tag.RowsAffected() == 0 {
		return gridmap.NotFound("the city's calendar has no day %s", date)
	}
	return nil
}

// fireWarningsSQL records, once per incident, warning and reopening, each supervision warning
// that now holds (gridmap.Incident.Warnings' red and yellow rules, in SQL), with an audit event
// the live feeds announce; every instance runs it, and the primary key makes each fire once.
const fireWarningsSQL = `
WITH w AS (
    SELECT i.id, k.kind, i.reopened
    FROM incidents i
    CROSS JOIN LATERAL (VALUES
        ('no_response', i.status = 'dispatched' AND i.response_due_at < $1),
        ('overdue', i.due_at < $1),
        ('escalated', i.escalate_at < $1),
        ('due_soon', i.due_soon_at < $1 AND NOT i.due_at < $1),
        ('no_progress', i.status = 'in_progress' AND i.progress_due_at < $1)) AS k(kind, fires)
    WHERE i.status = ANY($2) AND i.status <> 'reported' AND k.fires
), fired AS (
    INSERT INTO incident_warnings (incident_id, kind, cycle, at)
    SELECT id, kind, reopened, $1 FROM w
    ON CONFLICT DO NOTHING
    RETURNING incident_id, kind
), ev AS (
    INSERT INTO incident_events (incident_id, at, actor, actor_role, kind, from_status, to_status, grid_code, note)
    SELECT f.incident_id, $1, '督办 (supervision)', 'system', 'warning', i.status, i.status, i.grid_code, f.kind
    FROM fired f JOIN incidents i ON i.id = f.incident_id
    RETURNING 1
)
SELECT count(*), CASE WHEN count(*) > 0 THEN pg_notify('gridmap_changes', 'incidents')::text END FROM ev`

// FireWarnings records the supervision warnings that hold at now and have not fired before,
// and returns how many fired.
func (db *DB) FireWarnings(ctx context.Context, now time.Time) (int, error) {
	var n int
	var notified *string
	err := db.Pool.QueryRow(ctx, fireWarningsSQL, now, openStatuses).Scan(&n, &notified)
	return n, translate(err, "fire warnings")
}
