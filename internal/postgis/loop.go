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
	if err := db.change(ctx, id, scope, change, nil); err != nil {
		return gridmap.Incident{}, err
	}
	return db.Incident(ctx, id)
}

// change applies one step under the incident's row lock, then also (if not nil) in the same
// transaction, given the step's event id.
func (db *DB) change(ctx context.Context, id int64, scope gridmap.Scope, change func(in *gridmap.Incident) (gridmap.Event, error),
	also func(tx pgx.Tx, in *gridmap.Incident, event int64) error) error {
	err := pgx.BeginFunc(ctx, db.Pool, func(tx pgx.Tx) error {
		in, err := scanIncident(tx.QueryRow(ctx, `SELECT `+incidentColumns+incidentFrom+` WHERE i.id = $1 FOR UPDATE OF i`, id))
		if errors.Is(err, pgx.ErrNoRows) || err == nil && scope != nil && !scope.Contains(in.Assignment.GridCode) {
			return gridmap.NotFound("incident %d not found", id)
		}
		if err != nil {
			return err
		}
		if also != nil { // the steps that look at the photos see them
			if in.Photos, err = photosOf(ctx, tx, id); err != nil {
				return err
			}
		}
		ev, err := change(&in)
		if err != nil {
			return err
		}
		event, err := saveChange(ctx, tx, &in, ev, db.now())
		if err != nil || also == nil {
			return err
		}
		return also(tx, &in, event)
	})
	if err != nil {
		return translate(err, "change incident "+strconv.FormatInt(id, 10))
	}
	return nil
}

// saveChange writes an incident's changeable columns and the event of the change, and returns
// the event's id.
func saveChange(ctx context.Context, tx pgx.Tx, in *gridmap.Incident, ev gridmap.Event, now time.Time) (int64, error) {
	if ev.At.IsZero() {
		ev.At = now
	}
	ev.To = in.Status
	in.History = []gridmap.Event{ev}
	ids, err := saveSteps(ctx, tx, []*gridmap.Incident{in})
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

// saveSteps writes incidents' changeable columns as they stand, each updated at the time of
// its last new event, and the new events (each incident's History), in two statements
// whatever their number; it returns the events' ids in order.
func saveSteps(ctx context.Context, tx pgx.Tx, ins []*gridmap.Incident) ([]int64, error) {
	if len(ins) == 0 {
		return nil, nil
	}
	n := len(ins)
	var (
		ids                                                        = make([]int64, n)
		status, staff, dept, satisfaction                          = make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		updated                                                    = make([]time.Time, n)
		resolved, dispatched, responseDue, responded, lastProgress = make([]*time.Time, n), make([]*time.Time, n), make([]*time.Time, n), make([]*time.Time, n), make([]*time.Time, n)
		progressDue, dueSoon, escalate, lastUrged, callback        = make([]*time.Time, n), make([]*time.Time, n), make([]*time.Time, n), make([]*time.Time, n), make([]*time.Time, n)
		firstDispatched, firstDue, firstResponded                  = make([]*time.Time, n), make([]*time.Time, n), make([]*time.Time, n)
		urged, dissatisfied, reopened                              = make([]int32, n), make([]int32, n), make([]int32, n)
		dupOf, possibleDup                                         = make([]int64, n), make([]int64, n)
		repeat                                                     = make([]bool, n)
		evIncident, evActorID                                      []int64
		evAt                                                       []time.Time
		evActor, evRole, evKind, evFrom, evTo, evNote, evVerdict   []string
		evGrid                                                     []*string
	)
	for i, in := range ins {
		l := &in.Loop
		ids[i], status[i], updated[i], resolved[i] = in.ID, in.Status, in.History[len(in.History)-1].At, nullTime(in.ResolvedAt)
		staff[i], dept[i], satisfaction[i] = l.Assignee.StaffID, l.Assignee.Department, l.Satisfaction
		dispatched[i], responseDue[i], responded[i], lastProgress[i] = nullTime(l.DispatchedAt), nullTime(l.ResponseDueAt), nullTime(l.RespondedAt), nullTime(l.LastProgressAt)
		progressDue[i], dueSoon[i], escalate[i], lastUrged[i], callback[i] = nullTime(l.ProgressDueAt), nullTime(l.DueSoonAt), nullTime(l.EscalateAt), nullTime(l.LastUrgedAt), nullTime(l.CallbackAt)
		firstDispatched[i], firstDue[i], firstResponded[i] = nullTime(l.FirstDispatchedAt), nullTime(l.FirstResponseDue), nullTime(l.FirstRespondedAt)
		urged[i], dissatisfied[i], reopened[i] = int32(l.Urged), int32(l.Dissatisfied), int32(l.Reopened)
		dupOf[i], possibleDup[i], repeat[i] = l.DuplicateOf, l.PossibleDupOf, l.RepeatComplaint
		var grid *string
		if in.Assignment.GridCode != "" {
			g := in.Assignment.GridCode
			grid = &g
		}
		for _, ev := range in.History {
			evIncident, evAt, evActor, evActorID = append(evIncident, in.ID), append(evAt, ev.At), append(evActor, ev.Actor), append(evActorID, ev.ActorID)
			evRole, evKind, evFrom, evTo = append(evRole, ev.Role), append(evKind, ev.Kind), append(evFrom, ev.From), append(evTo, ev.To)
			evGrid, evNote, evVerdict = append(evGrid, grid), append(evNote, ev.Note), append(evVerdict, ev.Verdict)
		}
	}
	_, err := tx.Exec(ctx, `UPDATE incidents i SET status = u.status, updated_at = u.updated, resolved_at = u.resolved,
    assignee_staff_id = nullif(u.staff, ''), department_code = nullif(u.dept, ''), dispatched_at = u.dispatched,
    response_due_at = u.response_due, responded_at = u.responded, last_progress_at = u.last_progress,
    progress_due_at = u.progress_due, due_soon_at = u.due_soon, escalate_at = u.escalate, urged = u.urged,
    last_urged_at = u.last_urged, satisfaction = nullif(u.satisfaction, ''), callback_at = u.callback,
    dissatisfied = u.dissatisfied, reopened = u.reopened, duplicate_of = nullif(u.dup_of, 0),
    possible_dup_of = nullif(u.possible_dup, 0), repeat_complaint = u.repeat, first_dispatched_at = u.first_dispatched,
    first_response_due = u.first_due, first_responded_at = u.first_responded
FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::text[], $7::timestamptz[],
            $8::timestamptz[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[], $13::timestamptz[],
            $14::int[], $15::timestamptz[], $16::text[], $17::timestamptz[], $18::int[], $19::int[], $20::bigint[], $21::bigint[],
            $22::bool[], $23::timestamptz[], $24::timestamptz[], $25::timestamptz[])
    AS u(id, status, updated, resolved, staff, dept, dispatched, response_due, responded, last_progress, progress_due,
         due_soon, escalate, urged, last_urged, satisfaction, callback, dissatisfied, reopened, dup_of, possible_dup,
         repeat, first_dispatched, first_due, first_responded)
WHERE i.id = u.id`, ids, status, updated, resolved, staff, dept, dispatched, responseDue, responded, lastProgress, progressDue,
		dueSoon, escalate, urged, lastUrged, satisfaction, callback, dissatisfied, reopened, dupOf, possibleDup, repeat,
		firstDispatched, firstDue, firstResponded)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `INSERT INTO incident_events (incident_id, at, actor, actor_user_id, actor_role, kind, from_status, to_status, grid_code, note, verdict)
SELECT incident_id, at, actor, nullif(actor_user_id, 0), actor_role, kind, nullif(from_status, ''), to_status, grid_code, note, nullif(verdict, '')
FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
    WITH ORDINALITY AS e(incident_id, at, actor, actor_user_id, actor_role, kind, from_status, to_status, grid_code, note, verdict, ord)
ORDER BY ord RETURNING id`, evIncident, evAt, evActor, evActorID, evRole, evKind, evFrom, evTo, evGrid, evNote, evVerdict)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
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
SELECT count(*), CASE WHEN count(*) > 0 THEN pg_notify('` + ChangeChannel + `', 'incidents')::text END FROM ev`

// FireWarnings records the supervision warnings that hold at now and have not fired before,
// and returns how many fired.
func (db *DB) FireWarnings(ctx context.Context, now time.Time) (int, error) {
	var n int
	var notified *string
	err := db.Pool.QueryRow(ctx, fireWarningsSQL, now, openStatuses).Scan(&n, &notified)
	return n, translate(err, "fire warnings")
}
