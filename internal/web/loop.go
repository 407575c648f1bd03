package web

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/gridmap/gridmap/internal/calendar"
	"github.com/gridmap/gridmap/internal/gridmap"
)

// The loop of a request (接、派、办、督、评): each step is one route that declares what it
// needs, and runs as a method of gridmap.Incident under the incident's row lock
// (LoopStore.Change), recorded as the signed-in caller.

// calendar is the working calendar in force.
func (s *Server) calendar() *gridmap.Calendar {
	if s.deps.Calendar != nil {
		return s.deps.Calendar()
	}
	return calendar.Default()
}

// stepBody is the body of a step: a note, and what the step needs besides.
type stepBody struct {
	Note       string `json:"note"`
	Staff      string `json:"staff"`      // dispatch: to this staff member of the incident's grid
	Department string `json:"department"` // dispatch: to this department
	Verdict    string `json:"verdict"`    // callback
	Of         int64  `json:"of"`         // duplicate: the earlier incident
}

// step reads a step's body and applies do to the incident under its lock, within the
// caller's scope for action.
func (s *Server) step(action string, do func(c *fiber.Ctx, p gridmap.Principal, b stepBody, in *gridmap.Incident) (gridmap.Event, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := checkParams(c); err != nil {
			return err
		}
		if err := requireJSON(c); err != nil {
			return err
		}
		id, err := parseID(c)
		if err != nil {
			return err
		}
		var b stepBody
		if len(c.Body()) > 0 {
			if err := decodeJSON(c.Body(), &b); err != nil {
				return err
			}
		}
		if err := textField("note", b.Note, gridmap.MaxNote, false); err != nil {
			return err
		}
		p := principal(c)
		in, err := s.deps.Loop.Change(c.UserContext(), id, stepScope(p, action), func(in *gridmap.Incident) (gridmap.Event, error) {
			if !mayRead(p, in) {
				return gridmap.Event{}, notFoundOutside("incident %d not found", id)
			}
			return do(c, p, b, in)
		})
		if err != nil {
			return err
		}
		if after, ok := c.Locals(localAfterStep).(func() error); ok {
			if err := after(); err != nil {
				return err
			}
		}
		return c.JSON(toIncidentJSON(in, s.now(), personalFor(p, &in)))
	}
}

// stepScope is where p may take a step of the loop that needs action.
func stepScope(p gridmap.Principal, action string) gridmap.Scope {
	if _, only := p.DepartmentOnly(); only {
		return nil // a department works what is dispatched to it, wherever it lies (mayRead)
	}
	return p.ScopeFor(action)
}

// dispatch: POST /api/v1/incidents/{id}/dispatch {"staff" | "department", "note"} — 派单, and 改派.
func (s *Server) dispatch(c *fiber.Ctx, p gridmap.Principal, b stepBody, in *gridmap.Incident) (gridmap.Event, error) {
	to := gridmap.Assignee{StaffID: b.Staff, Department: b.Department}
	ctx := c.UserContext()
	if b.Staff != "" {
		st, err := s.deps.Staff.StaffMember(ctx, b.Staff)
		if err != nil || !st.RetiredAt.IsZero() || st.GridCode != in.Assignment.GridCode {
			e := gridmap.NotFound("no staff member %q serves grid %s", b.Staff, in.Assignment.GridCode)
			e.Field = "staff"
			return gridmap.Event{}, e
		}
	}
	if b.Department != "" {
		if !s.departmentExists(c, b.Department) {
			e := gridmap.NotFound("no department %q", b.Department)
			e.Field = "department"
			return gridmap.Event{}, e
		}
	}
	return in.Dispatch(to, p.ActorFor(gridmap.ActDispatch), b.Note, s.now(), s.calendar())
}

func (s *Server) departmentExists(c *fiber.Ctx, code string) bool {
	ds, err := s.deps.Loop.Departments(c.UserContext())
	if err != nil {
		return false
	}
	for _, d := range ds {
		if d.Code == code && d.Active {
			return true
		}
	}
	return false
}

// assignee refuses a step that only the incident's assignee may take.
func assignee(p gridmap.Principal, in *gridmap.Incident, what string) error {
	if p.User != nil && in.IsAssignee(p.User.StaffID, p.User.Department) {
		return nil
	}
	return gridmap.Errorf(gridmap.EForbidden, "only the assignee of incident %d may %s it", in.ID, what)
}

// returnStep: POST /api/v1/incidents/{id}/return {"note"} — 退单, by the assignee, with the reason.
func (s *Server) returnStep(c *fiber.Ctx, p gridmap.Principal, b stepBody, in *gridmap.Incident) (gridmap.Event, error) {
	if err := assignee(p, in, "return"); err != nil {
		return gridmap.Event{}, err
	}
	return in.Return(p.ActorFor(gridmap.ActWork), b.Note, s.now())
}

// respond: POST /api/v1/incidents/{id}/respond {"note"} — 签收, by the assignee.
func (s *Server) respond(c *fiber.Ctx, p gridmap.Principal, b stepBody, in *gridmap.Incident) (gridmap.Event, error) {
	if err := assignee(p, in, "respond to"); err != nil {
		return gridmap.Event{}, err
	}
	return in.Respond(p.ActorFor(gridmap.ActWork), b.Note, s.now())
}

// progress: POST /api/v1/incidents/{id}/progress {"note"} — what has been done.
func (s *Server) progress(c *fiber.Ctx, p gridmap.Principal, b stepBody, in *gridmap.Incident) (gridmap.Event, error) {
	return in.Progress(p.ActorFor(gridmap.ActWork), b.Note, s.now(), s.calendar())
}

// urge: POST /api/v1/incidents/{id}/urge {"note"} — 催办.
func (s *Server) urge(c *fiber.Ctx, p gridmap.Principal, b stepBody, in *gridmap.Incident) (gridmap.Event, error) {
	return in.Urge(p.ActorFor(gridmap.ActDispatch), b.Note, s.now())
}

// callback: POST /api/v1/incidents/{id}/callback {"verdict", "note"} — 回访.
func (s *Server) callback(c *fiber.Ctx, p gridmap.Principal, b stepBody, in *gridmap.Incident) (gridmap.Event, error) {
	return in.Callback(b.Verdict, p.ActorFor(gridmap.ActDispatch), b.Note, s.now(), s.calendar())
}

// duplicate: POST /api/v1/incidents/{id}/duplicate {"of", "note"} — merged into an earlier
// report of the same matter, which must lie in the caller's scope too.
func (s *Server) duplicate(c *fiber.Ctx, p gridmap.Principal, b stepBody, in *gridmap.Incident) (gridmap.Event, error) {
	if b.Of <= 0 {
		return gridmap.Event{}, gridmap.Invalid("of", "of must name the earlier incident")
	}
	of, err := s.deps.Incidents.Incident(c.UserContext(), b.Of)
	if err != nil || !p.CanAt(gridmap.ActDispatch, of.Assignment.GridCode) {
		e := gridmap.NotFound("incident %d not found", b.Of)
		e.Field = "of"
		return gridmap.Event{}, e
	}
	ev, err := in.MarkDuplicate(&of, p.ActorFor(gridmap.ActDispatch), b.Note, s.now())
	if err == nil {
		// Once the merge is committed the original's history says so: its reporter is told
		// there, when it is answered.
		dup, by := in.ID, p.ActorFor(gridmap.ActDispatch)
		c.Locals(localAfterStep, func() error {
			_, err := s.deps.Loop.Change(c.UserContext(), of.ID, nil, func(o *gridmap.Incident) (gridmap.Event, error) {
				return o.Absorbed(dup, by, s.now()), nil
			})
			return err
		})
	}
	return ev, err
}

// notDuplicate: POST /api/v1/incidents/{id}/not-duplicate — the match flagged at intake is another matter.
func (s *Server) notDuplicate(c *fiber.Ctx, p gridmap.Principal, b stepBody, in *gridmap.Incident) (gridmap.Event, error) {
	return in.NotDuplicate(p.ActorFor(gridmap.ActDispatch), s.now())
}

// supervision: GET /api/v1/supervision?street=&community=&grid=&level=&limit= — the open
// incidents of the caller's scope that a supervision rule warns of, red first.
func (s *Server) supervision(c *fiber.Ctx) error {
	if err := checkParams(c, "street", "community", "grid", "level", "limit"); err != nil {
		return err
	}
	df, err := divisionFilter(c)
	if err != nil {
		return err
	}
	level := c.Query("level")
	if level != "" && level != "red" && level != "yellow" && level != "flag" {
		return gridmap.Invalid("level", "level must be red, yellow or flag")
	}
	limit, err := intParam(c, "limit", 500, 1, 5000)
	if err != nil {
		return err
	}
	p := principal(c)
	f := gridmap.IncidentFilter{Grid: df.Grid, Community: df.Community, Street: df.Street, Warned: true}
	readableBy(p, &f)
	list, err := s.deps.Incidents.Incidents(c.UserContext(), f, limit, 0)
	if err != nil {
		return err
	}
	now := s.now()
	type item struct {
		incidentJSON
		Level string `json:"level"`
	}
	var red, yellow, flag []item
	counts := map[string]int{}
	for _, in := range list {
		ws := in.Warnings(now)
		if len(ws) == 0 {
			continue
		}
		lv := gridmap.WarningLevel(ws[0])
		for _, w := range ws {
			counts[w]++
			if gridmap.WarningLevel(w) == "red" {
				lv = "red"
			} else if gridmap.WarningLevel(w) == "yellow" && lv != "red" {
				lv = "yellow"
			}
		}
		if level != "" && lv != level {
			continue
		}
		it := item{toIncidentJSON(in, now, personalFor(p, &in)), lv}
		switch lv {
		case "red":
			red = append(red, it)
		case "yellow":
			yellow = append(yellow, it)
		default:
			flag = append(flag, it)
		}
	}
	items := append(append(append([]item{}, red...), yellow...), flag...)
	return c.JSON(fiber.Map{"items": items, "count": len(items), "warnings": counts, "warning_kinds": gridmap.WarningKinds})
}

// departments: GET /api/v1/departments — where incidents can be dispatched.
func (s *Server) departments(c *fiber.Ctx) error {
	if err := checkParams(c); err != nil {
		return err
	}
	ds, err := s.deps.Loop.Departments(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"departments": ds})
}

// putDepartment: PUT /api/v1/departments/{code} {"name", "active"} (admins).
func (s *Server) putDepartment(c *fiber.Ctx) error {
	if err := checkParams(c); err != nil {
		return err
	}
	var b struct {
		Name   string `json:"name"`
		Active *bool  `json:"active"`
	}
	if err := decodeJSON(c.Body(), &b); err != nil {
		return err
	}
	d := gridmap.Department{Code: c.Params("code"), Name: b.Name, Active: b.Active == nil || *b.Active}
	if !validDeptCode(d.Code) {
		return gridmap.Invalid("code", "department code %q: 2-40 lower-case letters, digits or _, starting with a letter", d.Code)
	}
	if d.Name == "" {
		return gridmap.Invalid("name", "name is required")
	}
	if err := textField("name", d.Name, gridmap.MaxName, true); err != nil {
		return err
	}
	if err := s.deps.Loop.SaveDepartment(c.UserContext(), d); err != nil {
		return err
	}
	return c.JSON(d)
}

func validDeptCode(s string) bool {
	if len(s) < 2 || len(s) > 40 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= 'a' && s[i] <= 'z' || s[i] >= '0' && s[i] <= '9' || s[i] == '_') {
			return false
		}
	}
	return true
}

// calendarDays: GET /api/v1/calendar?year= — the working calendar in force: the national
// schedule and the city's additions, each day with its source.
func (s *Server) calendarDays(c *fiber.Ctx) error {
	if err := checkParams(c, "year"); err != nil {
		return err
	}
	year, err := intParam(c, "year", 0, 2000, 2100)
	if err != nil {
		return err
	}
	days := []gridmap.CalendarDay{}
	for _, d := range s.calendar().Days() {
		if year == 0 || d.Date[:4] == strconv.Itoa(year) {
			days = append(days, d)
		}
	}
	return c.JSON(fiber.Map{"days": days, "working_hours": "08:30-12:00, 14:00-17:30 China Standard Time on working days"})
}

// putCalendarDay: PUT /api/v1/calendar/{date} {"kind", "name", "source"} adds a year's days or a
// local rest day (admins).
func (s *Server) putCalendarDay(c *fiber.Ctx) error {
	if err := checkParams(c); err != nil {
		return err
	}
	var b struct {
		Kind   string `json:"kind"`
		Name   string `json:"name"`
		Source string `json:"source"`
	}
	if err := decodeJSON(c.Body(), &b); err != nil {
		return err
	}
	d := gridmap.CalendarDay{Date: c.Params("date"), Kind: b.Kind, Name: b.Name, Source: b.Source}
	errs := d.Validate()
	if d.Name == "" {
		errs = append(errs, gridmap.FieldError{Field: "name", Message: "name is required"})
	}
	if d.Source == "" {
		errs = append(errs, gridmap.FieldError{Field: "source", Message: "source is required: the notice or decision the day comes from"})
	}
	if len(errs) > 0 {
		return fieldsError(errs)
	}
	if err := s.deps.Loop.SaveCalendarDay(c.UserContext(), d); err != nil {
		return err
	}
	return c.JSON(d)
}

// deleteCalendarDay: DELETE /api/v1/calendar/{date} removes a day the city added (admins).
func (s *Server) deleteCalendarDay(c *fiber.Ctx) error {
	if _, err := time.Parse(gridmap.DateLayout, c.Params("date")); err != nil {
		return gridmap.Invalid("date", "date %q is not a date YYYY-MM-DD", c.Params("date"))
	}
	if err := s.deps.Loop.DeleteCalendarDay(c.UserContext(), c.Params("date")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
