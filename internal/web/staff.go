package web

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// The grid staff: who answers for each grid. Names and phones are personal data: shown only to
// callers who may read personal data where the staff member serves, and every such read is
// written to the security log.

type staffJSON struct {
	ID                string     `json:"id"`
	Role              string     `json:"role"`
	RoleZH            string     `json:"role_zh"`
	Grid              string     `json:"grid"`
	HouseholdsCovered int        `json:"households_covered"`
	Name              string     `json:"name,omitempty"`
	Phone             string     `json:"phone,omitempty"`
	RetiredAt         *time.Time `json:"retired_at,omitempty"`
}

func toStaffJSON(st gridmap.Staff, personal bool) staffJSON {
	r, _ := gridmap.Lookup(gridmap.StaffRoles, st.Role)
	out := staffJSON{ID: st.ID, Role: st.Role, RoleZH: r.ZH, Grid: st.GridCode, HouseholdsCovered: st.HouseholdsCovered, RetiredAt: timePtr(st.RetiredAt)}
	if personal {
		out.Name, out.Phone = st.Name, st.Phone
	}
	return out
}

// listStaff: GET /api/v1/staff?street=&community=&grid=&retired= — the staff of the caller's
// scope.
func (s *Server) listStaff(c *fiber.Ctx) error {
	if err := checkParams(c, "street", "community", "grid", "retired"); err != nil {
		return err
	}
	p := principal(c)
	df, err := divisionFilter(c)
	if err != nil {
		return err
	}
	f := gridmap.StaffFilter{Scope: p.ScopeFor(gridmap.ActReadStaff), Retired: c.Query("retired") == "true"}
	for _, pc := range [][2]string{{"street", df.Street}, {"community", df.Community}, {"grid", df.Grid}} {
		if err := inScope(p, gridmap.ActReadStaff, pc[0], pc[1]); err != nil {
			return err
		}
		if pc[1] != "" {
			f.Within = pc[1]
		}
	}
	list, err := s.deps.Staff.Staff(c.UserContext(), f)
	if err != nil {
		return err
	}
	out := make([]staffJSON, len(list))
	shown := 0
	for i, st := range list {
		personal := p.CanAt(gridmap.ActReadPersonal, st.GridCode)
		out[i] = toStaffJSON(st, personal)
		if personal {
			shown++
		}
	}
	if shown > 0 {
		s.logRead(c, gridmap.SecStaffRead, "staff of "+scopeName(f), strconv.Itoa(shown)+" names and phones")
	}
	return c.JSON(fiber.Map{"staff": out, "count": len(out)})
}

func scopeName(f gridmap.StaffFilter) string {
	if f.Within != "" {
		return f.Within
	}
	return f.Scope.String()
}

// logRead records that personal data was shown to the caller.
func (s *Server) logRead(c *fiber.Ctx, kind, subject, detail string) {
	if s.deps.Auth == nil {
		return
	}
	p := principal(c)
	e := gridmap.SecurityEvent{Kind: kind, Subject: subject, Address: c.IP(), Detail: detail}
	if p.User != nil {
		e.UserID, e.Login = p.User.ID, p.User.Login
	}
	if err := s.deps.Auth.Log(c.UserContext(), e); err != nil {
		s.log.Error("security log", "request_id", requestID(c), "err", err)
	}
}

// staffIn is the body of a staff record.
type staffIn struct {
	Role              string `json:"role"`
	Grid              string `json:"grid"`
	HouseholdsCovered int    `json:"households_covered"`
	Name              string `json:"name"`
	Phone             string `json:"phone"`
}

// putStaff: PUT /api/v1/staff/{id} creates or replaces a staff record in the caller's scope
// (the grid it serves, and the one it served); a retired member serves again.
func (s *Server) putStaff(c *fiber.Ctx) error {
	if err := checkParams(c); err != nil {
		return err
	}
	if err := requireJSON(c); err != nil {
		return err
	}
	var in staffIn
	if err := decodeJSON(c.Body(), &in); err != nil {
		return err
	}
	st := gridmap.Staff{ID: c.Params("id"), Role: in.Role, GridCode: in.Grid, HouseholdsCovered: in.HouseholdsCovered, Name: in.Name, Phone: in.Phone}
	if errs := st.Validate(); len(errs) > 0 {
		return fieldsError(errs)
	}
	p := principal(c)
	if err := inScope(p, gridmap.ActManageStaff, "grid", st.GridCode); err != nil {
		return err
	}
	ctx := c.UserContext()
	old, err := s.deps.Staff.StaffMember(ctx, st.ID)
	switch {
	case err == nil && !p.CanAt(gridmap.ActManageStaff, old.GridCode):
		return notFoundOutside("no staff member %q", st.ID) // serves outside the caller's scope
	case err != nil && gridmap.ErrorCode(err) != gridmap.ENotFound:
		return err
	}
	created, err := s.deps.Staff.SaveStaff(ctx, st, p.ActorFor(gridmap.ActManageStaff))
	if err != nil {
		return err
	}
	saved, err := s.deps.Staff.StaffMember(ctx, st.ID)
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if created {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(toStaffJSON(saved, p.CanAt(gridmap.ActReadPersonal, saved.GridCode)))
}

// retireStaff: DELETE /api/v1/staff/{id} retires a staff member of the caller's scope; the
// record stays, for the history of who answered for the grid.
func (s *Server) retireStaff(c *fiber.Ctx) error {
	if err := checkParams(c); err != nil {
		return err
	}
	p := principal(c)
	ctx := c.UserContext()
	old, err := s.deps.Staff.StaffMember(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	if !p.CanAt(gridmap.ActManageStaff, old.GridCode) {
		return notFoundOutside("no staff member %q", old.ID)
	}
	if err := s.deps.Staff.RetireStaff(ctx, old.ID, p.ActorFor(gridmap.ActManageStaff)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
