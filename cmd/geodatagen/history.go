package main

import (
	"time"

	"github.com/gridmap/gridmap/internal/calendar"
	"github.com/gridmap/gridmap/internal/gridmap"
)

// Who the synthetic history's desk steps are recorded as: the hotline's command centre
// dispatches and rejects, its callback desk calls residents back.
const (
	dispatcherName = "福清市12345指挥中心"
	callbackName   = "12345回访专席"
)

// history draws the loop an incident went through to reach its status (派单, 签收, 办理,
// 催办, 办结, 回访), at times that fit its report, its resolution and the dataset's end: most
// dispatched within the hour to a staff member of its grid (a volunteer for a one-click order)
// or, for some categories, a department; one in fifteen returned and dispatched again; most
// responded to within the category's response limit; late resolutions often urged first; one
// closed incident in fourteen called back dissatisfied and resolved again. Incidents outside
// every grid, and those that ended as duplicates or are still waiting, have none. It draws
// from a stream of its own per incident, so it changes no other choice.
func (d *dataset) history(in incident, grid int) []gridmap.Step {
	switch in.Status {
	case gridmap.StatusAccepted, gridmap.StatusInProgress, gridmap.StatusResolved, gridmap.StatusClosed, gridmap.StatusRejected:
	default:
		return nil
	}
	if grid < 0 {
		return nil
	}
	r := newRNG(d.opt.Seed, "history/"+in.ClientID)
	cal := calendar.Default()
	t0 := in.ReportedAt
	// Every step lies before the dataset's last minute, and before the resolution.
	last := d.opt.Until.Add(-time.Minute).In(t0.Location())
	end := last
	if !in.ResolvedAt.IsZero() {
		end = in.ResolvedAt // the steps before the resolution
	}
	minutes := func(lo, hi int) time.Duration { return time.Duration(r.rangeInt(lo, hi)) * time.Minute }
	var steps []gridmap.Step
	if in.Status == gridmap.StatusRejected {
		return []gridmap.Step{{Kind: gridmap.StepReject, At: fit(t0.Add(minutes(30, 480)), t0, end), By: dispatcherName, Note: "不属本市职责范围，已告知来电人"}}
	}
	order := in.Channel == gridmap.ChannelOneClick
	code := d.Grids[grid].Code
	// Dispatch, and now and then a return and a second dispatch.
	at := t0.Add(minutes(5, 60))
	if order {
		at = t0.Add(minutes(2, 20))
	}
	to := d.assigneeFor(r, code, in.Category, order)
	steps = append(steps, dispatchTo(to, at))
	if !order && r.intn(15) == 0 {
		at = at.Add(minutes(20, 90))
		steps = append(steps, gridmap.Step{Kind: gridmap.StepReturn, At: at, By: to.name, Note: "不属本单位职责，请改派"})
		at = at.Add(minutes(10, 40))
		next := d.assigneeFor(r, code, in.Category, false)
		for tries := 0; next == to && tries < 4; tries++ {
			next = d.assigneeFor(r, code, in.Category, false)
		}
		to = next
		steps = append(steps, dispatchTo(to, at))
	}
	// The response: mostly within minutes of the dispatch, whatever the hour (so within the
	// limit on any calendar the dataset is moved to); now and then late, well past the limit in
	// working time.
	limit := gridmap.ResponseHours(in.Category)
	respond := at.Add(minutes(3, 45*limit))
	if r.chance(0.12) {
		respond = cal.AddWorking(at, time.Duration(r.between(1.1, 2.5)*float64(limit)*float64(time.Hour))).Truncate(time.Minute)
	}
	steps = append(steps, gridmap.Step{Kind: gridmap.StepRespond, At: respond, By: to.name, Note: "已签收"})
	if in.Status == gridmap.StatusAccepted {
		return spread(steps, t0, end)
	}
	// Work: progress in most cases, and the resolution (办结) at the dataset's time.
	respondAt := steps[len(steps)-1].At
	if in.Status == gridmap.StatusInProgress || r.chance(0.6) {
		steps = append(steps, gridmap.Step{Kind: gridmap.StepProgress, At: between(r, respondAt, end, 0.2, 0.6), By: to.name, Note: pick(r, progressNotes)})
	}
	if in.Status == gridmap.StatusInProgress {
		return spread(steps, t0, end)
	}
	due := cal.DueAt(t0, categoryLimit(in.Category))
	if urge := due.Add(minutes(10, 180)); in.ResolvedAt.After(urge) && urge.After(steps[len(steps)-1].At) && r.chance(0.4) {
		steps = append(steps, gridmap.Step{Kind: gridmap.StepUrge, At: urge, By: dispatcherName, Note: "超时未办结，请尽快处理"})
	}
	if in.Status == gridmap.StatusClosed && r.intn(14) == 0 {
		// Resolved once, called back dissatisfied (返工), resolved again at the dataset's time.
		first := between(r, steps[len(steps)-1].At, in.ResolvedAt, 0.3, 0.6)
		back := between(r, first, in.ResolvedAt, 0.3, 0.7)
		steps = append(steps,
			gridmap.Step{Kind: gridmap.StepResolve, At: first, By: to.name, Note: "已处置"},
			gridmap.Step{Kind: gridmap.StepCallback, At: back, By: callbackName, Verdict: gridmap.Unsatisfied, Note: "问题仍未解决"})
	}
	steps = spread(steps, t0, in.ResolvedAt)
	steps = append(steps, gridmap.Step{Kind: gridmap.StepResolve, At: in.ResolvedAt, By: to.name, Note: "已办结"})
	if in.Status == gridmap.StatusClosed {
		verdict := gridmap.Satisfied
		switch x := r.float(); {
		case x < 0.16:
			verdict = gridmap.Basically
		case x < 0.22:
			verdict = gridmap.Unreachable
		}
		steps = append(steps, gridmap.Step{Kind: gridmap.StepCallback, At: fit(in.ResolvedAt.Add(minutes(60, 1800)), in.ResolvedAt, last), By: callbackName, Verdict: verdict})
	}
	return steps
}

var progressNotes = []string{"已到现场核实", "已联系相关单位处置", "正在处置，预计近日完成", "已约谈当事人"}

// assignee is whom an incident is dispatched to: a staff member, or a department.
type assignee struct {
	staff, department, name string
}

func dispatchTo(a assignee, at time.Time) gridmap.Step {
	return gridmap.Step{Kind: gridmap.StepDispatch, At: at, By: dispatcherName, Staff: a.staff, Department: a.department}
}

// assigneeFor draws whom the command centre dispatches an incident of the grid to: for a
// one-click order a volunteer of the grid (its grid worker when it has none); otherwise one in
// four of a category with a department goes there, the rest to the grid's worker or one of its
// party members.
func (d *dataset) assigneeFor(r *rng, grid, category string, order bool) assignee {
	var staff, volunteers []gridmap.Staff
	for _, s := range d.Staff {
		switch {
		case s.GridCode != grid:
		case s.Role == gridmap.RoleVolunteer:
			volunteers = append(volunteers, s)
		default:
			staff = append(staff, s)
		}
	}
	if order && len(volunteers) > 0 {
		s := pick(r, volunteers)
		return assignee{staff: s.ID, name: s.Name}
	}
	if dept, ok := gridmap.DepartmentFor(category); !order && ok && r.chance(0.25) || len(staff) == 0 {
		if !ok {
			dept = "city_management"
		}
		return assignee{department: dept}
	}
	s := pick(r, staff)
	return assignee{staff: s.ID, name: s.Name}
}

// categoryLimit is a category's time limit in working hours.
func categoryLimit(category string) int {
	if c, ok := gridmap.CategoryByCode(category); ok {
		return c.LimitHours
	}
	return 24
}

// fit keeps t within [lo, hi].
func fit(t, lo, hi time.Time) time.Time {
	if t.After(hi) {
		t = hi
	}
	if t.Before(lo) {
		t = lo
	}
	return t
}

// between draws a time between a and b, from share lo to share hi of the way.
func between(r *rng, a, b time.Time, lo, hi float64) time.Time {
	if !b.After(a) {
		return a
	}
	return a.Add(time.Duration(r.between(lo, hi) * float64(b.Sub(a)))).Truncate(time.Minute)
}

// spread keeps steps in order within (t0, end): when a drawn time is out of order or past the
// end, the steps are laid out evenly, in order, in the time there is.
func spread(steps []gridmap.Step, t0, end time.Time) []gridmap.Step {
	ordered := true
	for i, s := range steps {
		ordered = ordered && s.At.Before(end) && (i == 0 && !s.At.Before(t0) || i > 0 && !s.At.Before(steps[i-1].At))
	}
	if ordered {
		return steps
	}
	span := end.Sub(t0)
	for i := range steps {
		steps[i].At = t0.Add(span * time.Duration(i+1) / time.Duration(len(steps)+1)).Truncate(time.Second)
	}
	return steps
}
