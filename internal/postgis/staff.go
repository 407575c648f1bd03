package postgis

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gridmap/gridmap/internal/gridmap"
)

var _ gridmap.StaffStore = (*DB)(nil)

const staffColumns = `id, role, grid_code, households_covered, name, phone, coalesce(retired_at, 'epoch')`

func scanStaff(r pgx.Row) (gridmap.Staff, error) {
	var s gridmap.Staff
	err := r.Scan(&s.ID, &s.Role, &s.GridCode, &s.HouseholdsCovered, &s.Name, &s.Phone, &s.RetiredAt)
	fromEpoch(&s.RetiredAt)
	return s, err
}

// Staff lists the staff of f's scope, by grid and id.
func (db *DB) Staff(ctx context.Context, f gridmap.StaffFilter) ([]gridmap.Staff, error) {
	w := &where{}
	w.addScope("grid_code", f.Scope)
	if f.Within != "" {
		w.add("grid_code LIKE ?", f.Within+"%")
	}
	if !f.Retired {
		w.add("retired_at IS NULL")
	}
	rows, err := db.Pool.Query(ctx, `SELECT `+staffColumns+` FROM staff`+w.String()+` ORDER BY grid_code, id`, w.args...)
	if err != nil {
		return nil, translate(err, "list staff")
	}
	return collect(rows, "list staff", func(r pgx.CollectableRow) (gridmap.Staff, error) { return scanStaff(r) })
}

// StaffMember returns one staff record, retired or not.
func (db *DB) StaffMember(ctx context.Context, id string) (gridmap.Staff, error) {
	s, err := scanStaff(db.Pool.QueryRow(ctx, `SELECT `+staffColumns+` FROM staff WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return s, gridmap.NotFound("no staff member %q", id)
	}
	return s, translate(err, "read staff")
}

// SaveStaff creates or replaces a staff record and records the change, in one transaction.
func (db *DB) SaveStaff(ctx context.Context, s gridmap.Staff, by gridmap.Actor) (bool, error) {
	now := db.now()
	var created bool
	err := pgx.BeginFunc(ctx, db.Pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO staff (id, role, grid_code, households_covered, name, phone, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (id) DO UPDATE SET role = EXCLUDED.role, grid_code = EXCLUDED.grid_code, households_covered = EXCLUDED.households_covered,
    name = EXCLUDED.name, phone = EXCLUDED.phone, updated_at = EXCLUDED.updated_at, retired_at = NULL
RETURNING (xmax = 0)`, s.ID, s.Role, s.GridCode, s.HouseholdsCovered, s.Name, s.Phone, now).Scan(&created); err != nil {
			return err
		}
		action := "updated"
		if created {
			action = "created"
		}
		return recordChange(ctx, tx, now, "staff", s.ID, action, by, fmt.Sprintf("role %s, grid %s, covers %d households", s.Role, s.GridCode, s.HouseholdsCovered))
	})
	return created, translate(err, "save staff "+s.ID)
}

// RetireStaff marks a staff member as retired and records the change.
func (db *DB) RetireStaff(ctx context.Context, id string, by gridmap.Actor) error {
	now := db.now()
	err := pgx.BeginFunc(ctx, db.Pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE staff SET retired_at = $2, updated_at = $2 WHERE id = $1 AND retired_at IS NULL`, id, now)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return gridmap.NotFound("no serving staff member %q", id)
		}
		return recordChange(ctx, tx, now, "staff", id, "retired", by, "")
	})
	return translate(err, "retire staff "+id)
}

// recordChange writes who changed a grid or a staff record, in the change's transaction.
func recordChange(ctx context.Context, tx pgx.Tx, at time.Time, entity, key, action string, by gridmap.Actor, detail string) error {
	_, err := tx.Exec(ctx, `INSERT INTO changes (at, entity, key, action, actor_user_id, actor, actor_role, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		at, entity, key, action, nullID(by.UserID), by.Name, by.Role, detail)
	return err
}

// nullID is an account id as a column takes it: NULL for none.
func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// nullTime is a time as a column takes it: NULL for none.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// fromEpoch undoes coalesce(column, 'epoch'), which the queries use to scan a NULL time: the
// epoch becomes the zero time again.
func fromEpoch(ts ...*time.Time) {
	for _, t := range ts {
		if t.Equal(time.Unix(0, 0)) {
			*t = time.Time{}
		}
	}
}
