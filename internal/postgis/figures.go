package postgis

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/gridmap/gridmap/internal/gridmap"
)

var _ gridmap.FiguresStore = (*DB)(nil)

// figureKeys says, for each way of grouping, the key of an incident and the name of a key:
// identifiers only from this table, never from input.
var figureKeys = map[string]struct{ key, name string }{
	gridmap.ByStreet:     {"left(i.grid_code, 9)", "(SELECT name FROM streets WHERE code = k.key)"},
	gridmap.ByCommunity:  {"left(i.grid_code, 12)", "(SELECT name FROM communities WHERE code = k.key)"},
	gridmap.ByGrid:       {"i.grid_code", "(SELECT name FROM grids WHERE code = k.key)"},
	gridmap.ByPerson:     {"i.assignee_staff_id", "(SELECT role FROM staff WHERE id = k.key)"}, // a person's name is personal data
	gridmap.ByDepartment: {"i.department_code", "(SELECT name FROM departments WHERE code = k.key)"},
	gridmap.ByAll:        {"'all'::text", "''"},
}

// figuresSQL counts a cohort of incidents (gridmap.Figures says what each count is). %KEY% is
// the grouping key; $1, $2 the period; the filter follows.
const figuresSQL = `
WITH c AS (
    SELECT %KEY% AS key, i.*,
        i.status NOT IN ('rejected', 'duplicate') AS valid
    FROM incidents i
    WHERE i.reported_at >= $1 AND i.reported_at < $2 %WHERE%
), v AS (
    SELECT c.key,
        count(*) FILTER (WHERE e.verdict IN ('satisfied', 'basically_satisfied', 'dissatisfied')) AS callbacks,
        count(*) FILTER (WHERE e.verdict = 'satisfied') AS satisfied,
        count(*) FILTER (WHERE e.verdict = 'basically_satisfied') AS basically,
        count(*) FILTER (WHERE e.verdict = 'dissatisfied') AS dissatisfied,
        count(*) FILTER (WHERE e.verdict = 'unreachable') AS unreachable
    FROM c JOIN incident_events e ON e.incident_id = c.id AND e.kind = 'callback'
    GROUP BY c.key
), k AS (
    SELECT key,
        count(*) AS received,
        count(*) FILTER (WHERE valid) AS valid,
        count(*) FILTER (WHERE valid AND first_dispatched_at IS NOT NULL) AS dispatched,
        count(*) FILTER (WHERE valid AND first_responded_at IS NOT NULL) AS responded,
        count(*) FILTER (WHERE valid AND first_responded_at <= first_response_due) AS responded_on_time,
        count(*) FILTER (WHERE valid AND resolved_at IS NOT NULL) AS resolved,
        count(*) FILTER (WHERE valid AND resolved_at <= due_at) AS resolved_on_time,
        count(*) FILTER (WHERE repeat_complaint) AS repeats,
        coalesce(sum(reopened), 0) AS reopened,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_responded_at - first_dispatched_at) / 60)
            FILTER (WHERE valid AND first_responded_at IS NOT NULL) AS median_response_min,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - reported_at) / 3600)
            FILTER (WHERE valid AND resolved_at IS NOT NULL) AS median_resolve_h
    FROM c WHERE key IS NOT NULL GROUP BY key
)
SELECT k.key, coalesce(%NAME%, ''), k.received, k.valid, k.dispatched, k.responded, k.responded_on_time, k.resolved, k.resolved_on_time,
    coalesce(v.callbacks, 0), coalesce(v.satisfied, 0), coalesce(v.basically, 0), coalesce(v.dissatisfied, 0), coalesce(v.unreachable, 0),
    k.repeats, k.reopened, k.median_response_min, k.median_resolve_h
FROM k LEFT JOIN v ON v.key = k.key
ORDER BY k.key`

// Figures computes the figures of q's period, one row per key that received incidents.
func (db *DB) Figures(ctx context.Context, q gridmap.FiguresQuery) ([]gridmap.Figures, error) {
	keys, ok := figureKeys[q.By]
	if !ok {
		return nil, gridmap.Invalid("by", "figures by %q: street, community, grid, person or department", q.By)
	}
	w := &where{args: []any{q.Since, q.Until}}
	if q.Street != "" {
		w.add("i.grid_code LIKE ?", q.Street+"%")
	}
	if q.Community != "" {
		w.add("i.grid_code LIKE ?", q.Community+"%")
	}
	w.addScope("i.grid_code", q.Scope)
	cond := ""
	for _, c := range w.conds {
		cond += " AND " + c
	}
	sql := strings.NewReplacer("%KEY%", keys.key, "%NAME%", keys.name, "%WHERE%", cond).Replace(figuresSQL)
	rows, err := db.Pool.Query(ctx, sql, w.args...)
	if err != nil {
		return nil, translate(err, "figures")
	}
	return collect(rows, "figures", func(r pgx.CollectableRow) (gridmap.Figures, error) {
		var f gridmap.Figures
		err := r.Scan(&f.Key, &f.Name, &f.Received, &f.Valid, &f.Dispatched, &f.Responded, &f.RespondedOnTime, &f.Resolved, &f.ResolvedOnTime,
			&f.Callbacks, &f.Satisfied, &f.Basically, &f.Dissatisfied, &f.Unreachable, &f.RepeatComplaints, &f.Reopened,
			&f.MedianResponseMin, &f.MedianResolveHours)
		return f, err
	})
}
