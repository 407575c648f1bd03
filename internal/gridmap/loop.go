package gridmap

import (
	"context"
	"fmt"
	"time"
)

// The loop of a resident's request, as Chinese cities run it: receive (接), dispatch (派),
// handle (办), supervise (督), evaluate (评). An incident assigned to a grid is dispatched to a
// person (a staff member of the grid) or a department; the assignee responds (签收), reports
// progress and resolves it; supervisors urge it (催办) and see it escalate when it runs late; a
// callback (回访) asks the resident, and dissatisfaction sends it back to work (返工).
//
// Every step is a method of Incident that checks the step is allowed, changes the incident and
// returns the audit event to record; storage only locks, loads and saves.

// Event kinds of the audit trail.
const (
	EvReport    = "report"    // received
	EvStatus    = "status"    // a plain workflow move
	EvDispatch  = "dispatch"  // 派单, and 改派
	EvReturn    = "return"    // 退单 by the assignee
	EvRespond   = "respond"   // 签收
	EvProgress  = "progress"  // 办理进展
	EvUrge      = "urge"      // 催办
	EvCallback  = "callback"  // 回访
	EvDuplicate = "duplicate" // merged into an earlier report of the same matter
	EvReassign  = "reassign"  // moved with a grid boundary
	EvWarning   = "warning"   // a supervision rule fired
	EvPhoto     = "photo"     // a photo attached (the matter, the work, the result)
)

// Callback verdicts (回访结果).
const (
	Satisfied   = "satisfied"           // 满意
	Basically   = "basically_satisfied" // 基本满意
	Unsatisfied = "dissatisfied"        // 不满意: the incident goes back to work
	Unreachable = "unreachable"         // 未联系上
)

// Verdicts lists the callback verdicts with their display names.
var Verdicts = []Named{
	{Satisfied, "满意", "satisfied"},
	{Basically, "基本满意", "basically satisfied"},
	{Unsatisfied, "不满意", "dissatisfied"},
	{Unreachable, "未联系上", "could not be reached"},
}

// Supervision rules.
const (
	// ProgressEvery is how much working time may pass in progress without a progress report.
	ProgressEvery = 2 * 7 * time.Hour // two working days
	// DueSoonShare is the share of its time limit after which an open incident is due soon.
	DueSoonShare = 0.8
	// EscalateAfter is how long past its due time an incident goes to the street.
	EscalateAfter = 7 * time.Hour // one working day
	// DissatisfiedFlag is how many dissatisfied callbacks flag an incident.
	DissatisfiedFlag = 2
)

// Warnings a supervision list shows; red ones first.
const (
	WarnNoResponse   = "no_response"  // red: dispatched and not responded within the response limit
	WarnOverdue      = "overdue"      // red: open past its due time
	WarnEscalated    = "escalated"    // red: overdue long enough to go to the street
	WarnDueSoon      = "due_soon"     // yellow: most of its time used
	WarnNoProgress   = "no_progress"  // yellow: in progress without a report for two working days
	WarnDissatisfied = "dissatisfied" // flag: dissatisfied more than once
	WarnUrged        = "urged"        // flag: urged by a supervisor
)

// WarningKinds lists the warnings with their display names and level.
var WarningKinds = []Named{
	{WarnNoResponse, "超时未签收", "not responded in time"},
	{WarnOverdue, "已超期", "overdue"},
	{WarnEscalated, "超期升级至街道", "escalated to the street"},
	{WarnDueSoon, "即将超期", "due soon"},
	{WarnNoProgress, "久未反馈进展", "no progress reported"},
	{WarnDissatisfied, "多次不满意", "dissatisfied repeatedly"},
	{WarnUrged, "已催办", "urged"},
}

// WarningLevel is red for a warning that needs action now, yellow for one that will soon, flag
// for one to watch.
func WarningLevel(w string) string {
	switch w {
	case WarnNoResponse, WarnOverdue, WarnEscalated:
		return "red"
	case WarnDueSoon, WarnNoProgress:
		return "yellow"
	}
	return "flag"
}

// Assignee is who an incident is dispatched to: a staff member of its grid, or a department.
type Assignee struct {
	StaffID    string
	Department string
}

// IsZero reports whether nobody is assigned.
func (a Assignee) IsZero() bool { return a.StaffID == "" && a.Department == "" }

// Loop is where an incident stands in the loop beyond its status: whom it is dispatched to and
// the times its supervision rules fire at, reckoned once by the calendar when they are set.
type Loop struct {
	Assignee        Assignee
	DispatchedAt    time.Time
	ResponseDueAt   time.Time // dispatched and not responded after this: no_response
	RespondedAt     time.Time // first response to the current dispatch
	LastProgressAt  time.Time
	ProgressDueAt   time.Time // in progress with no progress report after this: no_progress
	DueSoonAt       time.Time // open after this: due_soon
	EscalateAt      time.Time // open after this: escalated
	Urged           int
	LastUrgedAt     time.Time
	Satisfaction    string // the last callback's verdict
	CallbackAt      time.Time
	Dissatisfied    int
	Reopened        int
	DuplicateOf     int64 // the earlier report this one was merged into
	PossibleDupOf   int64 // the open report of the same category nearby, flagged at intake
	RepeatComplaint bool  // the same reporter about the same matter again
	// The first dispatch and the response to it, which the response rate counts.
	FirstDispatchedAt, FirstResponseDue, FirstRespondedAt time.Time
}

// Department is a functional department (职能部门) incidents can be dispatched to; the city
// edits the table.
type Department struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Active bool   `json:"active"`
}

// departmentFor is the department (of those the schema seeds) each category's matters go to
// when a grid cannot deal with them itself.
var departmentFor = map[string]string{
	"utilities": "power", "illegal_construction": "city_management", "road_facility": "housing",
	"noise": "environment", "safety_hazard": "fire", "parking": "police", "greenery": "natural_resources",
}

// DepartmentFor is the department a category's matters usually go to, if any.
func DepartmentFor(category string) (string, bool) {
	d, ok := departmentFor[category]
	return d, ok
}

// DuplicateWindow is how far back a report is compared with open incidents of its category.
const DuplicateWindow = 7 * 24 * time.Hour

// DuplicateRadius is how near, in metres, an open incident of the same category must be for a
// new report to be flagged as the same request: a noise or a blocked car is heard or seen from
// a building, a broken road or a leak spans a street.
func DuplicateRadius(category string) float64 {
	switch category {
	case "noise", "parking", "neighbour_dispute", "elderly_service", "safety_hazard":
		return 50
	case "sanitation", "property_management", "illegal_construction":
		return 100
	case "road_facility", "utilities", "greenery":
		return 200
	}
	return 0 // other requests are too varied to match by place
}

// ResponseHours is how long an assignee has to respond to a dispatch, in working hours, by the
// category's urgency.
func ResponseHours(category string) int {
	switch category {
	case "safety_hazard", "elderly_service":
		return 1
	}
	return 4
}

// Received sets the supervision times of a new incident, which its due time and its
// category's time limit fix: when it is due soon, and when it escalates.
func (in *Incident) Received(cal *Calendar) {
	cat, _ := CategoryByCode(in.Category)
	in.Loop.DueSoonAt = cal.AddWorking(in.ReportedAt, time.Duration(float64(cat.LimitHours)*DueSoonShare*float64(time.Hour)))
	in.Loop.EscalateAt = cal.AddWorking(in.DueAt, EscalateAfter)
}

func (in *Incident) step(kind string, by Actor, now time.Time, from, note string) Event {
	return Event{At: now, Actor: by.Name, ActorID: by.UserID, Role: by.Role, Kind: kind, From: from, To: in.Status, Note: note}
}

// conflict is the error of a step the incident's state does not allow.
func conflict(format string, args ...any) *Error { return Errorf(EConflict, format, args...) }

// Dispatch sends the incident to a staff member of its grid or a department (派单), or to
// another (改派), with the response limit of its category.
func (in *Incident) Dispatch(to Assignee, by Actor, note string, now time.Time, cal *Calendar) (Event, error) {
	if to.IsZero() || to.StaffID != "" && to.Department != "" {
		return Event{}, Invalid("staff", "dispatch to one staff member or one department")
	}
	switch in.Status {
	case StatusAssigned, StatusDispatched, StatusAccepted:
	default:
		return Event{}, conflict("%s is %s: only an assigned, dispatched or accepted incident can be dispatched", in.name(), in.Status)
	}
	if in.Assignment.GridCode == "" && to.Department == "" {
		return Event{}, conflict("%s has no grid: dispatch it to a department, or assign it to a grid first", in.name())
	}
	from := in.Status
	in.Status = StatusDispatched
	in.Loop.Assignee = to
	in.Loop.DispatchedAt = now
	in.Loop.ResponseDueAt = cal.AddWorking(now, time.Duration(ResponseHours(in.Category))*time.Hour)
	in.Loop.RespondedAt = time.Time{}
	if in.Loop.FirstDispatchedAt.IsZero() {
		in.Loop.FirstDispatchedAt, in.Loop.FirstResponseDue = now, in.Loop.ResponseDueAt
	}
	return in.step(EvDispatch, by, now, from, note), nil
}

// IsAssignee reports whether the actor's staff record or department is the incident's assignee.
func (in *Incident) IsAssignee(staffID, department string) bool {
	a := in.Loop.Assignee
	return staffID != "" && a.StaffID == staffID || department != "" && a.Department == department
}

// Return gives a dispatched incident back (退单), with the reason: it is assigned to its grid
// again for the dispatcher to send on.
func (in *Incident) Return(by Actor, reason string, now time.Time) (Event, error) {
	if in.Status != StatusDispatched {
		return Event{}, conflict("%s is %s: only a dispatched incident can be returned", in.name(), in.Status)
	}
	if reason == "" {
		return Event{}, Invalid("note", "say why the incident is returned")
	}
	from := in.Status
	in.Status = StatusAssigned
	in.Loop.Assignee = Assignee{}
	return in.step(EvReturn, by, now, from, reason), nil
}

// Respond is the assignee's acknowledgement (签收): the incident is taken.
func (in *Incident) Respond(by Actor, note string, now time.Time) (Event, error) {
	if in.Status != StatusDispatched {
		return Event{}, conflict("%s is %s: only a dispatched incident is responded to", in.name(), in.Status)
	}
	from := in.Status
	in.Status = StatusAccepted
	in.Loop.RespondedAt = now
	if in.Loop.FirstRespondedAt.IsZero() {
		in.Loop.FirstRespondedAt = now
	}
	return in.step(EvRespond, by, now, from, note), nil
}

// Progress records what has been done (办理进展); an accepted incident is then in progress.
func (in *Incident) Progress(by Actor, note string, now time.Time, cal *Calendar) (Event, error) {
	switch in.Status {
	case StatusAccepted, StatusInProgress:
	default:
		return Event{}, conflict("%s is %s: progress is reported on an accepted or in-progress incident", in.name(), in.Status)
	}
	if note == "" {
		return Event{}, Invalid("note", "say what has been done")
	}
	from := in.Status
	in.Status = StatusInProgress
	in.Loop.LastProgressAt = now
	in.Loop.ProgressDueAt = cal.AddWorking(now, ProgressEvery)
	return in.step(EvProgress, by, now, from, note), nil
}

// Resolve records that the matter is dealt with (办结).
func (in *Incident) Resolve(by Actor, note string, now time.Time) (Event, error) {
	if in.Status != StatusInProgress && in.Status != StatusAccepted {
		return Event{}, conflict("%s is %s: only an accepted or in-progress incident is resolved", in.name(), in.Status)
	}
	from := in.Status
	in.Status, in.ResolvedAt = StatusResolved, now
	return in.step(EvStatus, by, now, from, note), nil
}

// Reject ends a report that is not the city's matter (不予受理).
func (in *Incident) Reject(by Actor, note string, now time.Time) (Event, error) {
	if !CanTransition(in.Status, StatusRejected) {
		return Event{}, conflict("%s is %s and cannot be rejected", in.name(), in.Status)
	}
	from := in.Status
	in.Status = StatusRejected
	return in.step(EvStatus, by, now, from, note), nil
}

// Urge presses the assignee (催办); the urge is in the history the assignee sees.
func (in *Incident) Urge(by Actor, note string, now time.Time) (Event, error) {
	if !IsOpen(in.Status) || in.Status == StatusReported {
		return Event{}, conflict("%s is %s: only open incidents in a grid can be urged", in.name(), in.Status)
	}
	in.Loop.Urged++
	in.Loop.LastUrgedAt = now
	return in.step(EvUrge, by, now, in.Status, note), nil
}

// Callback records the resident's verdict after resolution (回访): satisfied, basically
// satisfied or unreachable close the incident; dissatisfied sends it back to work (返工).
func (in *Incident) Callback(verdict string, by Actor, note string, now time.Time, cal *Calendar) (Event, error) {
	if _, ok := Lookup(Verdicts, verdict); !ok {
		return Event{}, Invalid("verdict", "verdict %q: satisfied, basically_satisfied, dissatisfied or unreachable", verdict)
	}
	if in.Status != StatusResolved {
		return Event{}, conflict("%s is %s: the callback comes after resolution", in.name(), in.Status)
	}
	from := in.Status
	in.Loop.Satisfaction, in.Loop.CallbackAt = verdict, now
	if verdict == Unsatisfied {
		in.Loop.Dissatisfied++
		in.Loop.Reopened++
		in.Status = StatusInProgress
		in.ResolvedAt = time.Time{}
		in.Loop.LastProgressAt = now
		in.Loop.ProgressDueAt = cal.AddWorking(now, ProgressEvery)
	} else {
		in.Status = StatusClosed
	}
	ev := in.step(EvCallback, by, now, from, note)
	ev.Verdict = verdict
	return ev, nil
}

// MarkDuplicate ends the incident as a repeat of an earlier open one (of), which its reporter
// hears of through; the same reporter about the same matter again counts as a repeat complaint.
func (in *Incident) MarkDuplicate(of *Incident, by Actor, note string, now time.Time) (Event, error) {
	if of.ID == in.ID {
		return Event{}, Invalid("of", "an incident cannot be a duplicate of itself")
	}
	if !CanTransition(in.Status, StatusDuplicate) {
		return Event{}, conflict("%s is %s and cannot be marked a duplicate", in.name(), in.Status)
	}
	if of.Status == StatusDuplicate {
		return Event{}, Invalid("of", "incident %d is itself a duplicate of %d: merge into that one", of.ID, of.Loop.DuplicateOf)
	}
	from := in.Status
	in.Status = StatusDuplicate
	in.Loop.DuplicateOf = of.ID
	in.Loop.PossibleDupOf = 0
	in.Loop.RepeatComplaint = in.Reporter != "" && in.Reporter == of.Reporter
	return in.step(EvDuplicate, by, now, from, fmt.Sprintf("duplicate of %d: %s", of.ID, note)), nil
}

// Absorbed records on the original that a later report of the same matter was merged into it,
// so that answering the original answers that reporter too.
func (in *Incident) Absorbed(duplicate int64, by Actor, now time.Time) Event {
	return in.step(EvDuplicate, by, now, in.Status, fmt.Sprintf("report %d of the same matter merged into this one", duplicate))
}

// NotDuplicate clears the flag set at intake: staff found it another matter.
func (in *Incident) NotDuplicate(by Actor, now time.Time) (Event, error) {
	if in.Loop.PossibleDupOf == 0 {
		return Event{}, conflict("%s is not flagged as a possible duplicate", in.name())
	}
	was := in.Loop.PossibleDupOf
	in.Loop.PossibleDupOf = 0
	return in.step(EvDuplicate, by, now, in.Status, fmt.Sprintf("not a duplicate of %d", was)), nil
}

// Warnings are the supervision rules that hold for the incident at now, red first.
func (in *Incident) Warnings(now time.Time) []string {
	var out []string
	open := IsOpen(in.Status) && in.Status != StatusReported
	if in.Status == StatusDispatched && !in.Loop.ResponseDueAt.IsZero() && now.After(in.Loop.ResponseDueAt) {
		out = append(out, WarnNoResponse)
	}
	if open && now.After(in.DueAt) {
		out = append(out, WarnOverdue)
		if !in.Loop.EscalateAt.IsZero() && now.After(in.Loop.EscalateAt) {
			out = append(out, WarnEscalated)
		}
	} else if open && !in.Loop.DueSoonAt.IsZero() && now.After(in.Loop.DueSoonAt) {
		out = append(out, WarnDueSoon)
	}
	if in.Status == StatusInProgress && !in.Loop.ProgressDueAt.IsZero() && now.After(in.Loop.ProgressDueAt) {
		out = append(out, WarnNoProgress)
	}
	if in.Loop.Dissatisfied >= DissatisfiedFlag {
		out = append(out, WarnDissatisfied)
	}
	if open && in.Loop.Urged > 0 {
		out = append(out, WarnUrged)
	}
	return out
}

// LoopStore keeps the loop: its steps, the departments, the city's calendar, the supervision
// list and the figures.
type LoopStore interface {
	// Change applies one step to an incident under its row lock (see postgis.DB.Change).
	Change(ctx context.Context, id int64, scope Scope, change func(in *Incident) (Event, error)) (Incident, error)
	Departments(ctx context.Context) ([]Department, error)
	SaveDepartment(ctx context.Context, d Department) error
	CalendarDays(ctx context.Context) ([]CalendarDay, error)
	SaveCalendarDay(ctx context.Context, d CalendarDay) error
	DeleteCalendarDay(ctx context.Context, date string) error
}
