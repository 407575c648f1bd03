package gridmap

import (
	"fmt"
	"slices"
	"time"
)

// Steps of the loop as a dataset records an incident's history (Report.History), and as the
// simulated city takes them: the one vocabulary for "what was done" outside the HTTP routes.
const (
	StepDispatch = "dispatch" // 派单: to Staff or Department
	StepReturn   = "return"   // 退单, with a Note saying why
	StepRespond  = "respond"  // 签收
	StepProgress = "progress" // 办理进展, with a Note
	StepUrge     = "urge"     // 催办
	StepResolve  = "resolve"  // 办结
	StepReject   = "reject"   // 不予受理
	StepCallback = "callback" // 回访, with a Verdict
)

// StepKinds lists the steps a history may hold.
var StepKinds = []string{StepDispatch, StepReturn, StepRespond, StepProgress, StepUrge, StepResolve, StepReject, StepCallback}

// Step is one step of an incident's loop: what was done, when, by whom (a name; "" for the
// one recording it), and what the step needs.
type Step struct {
	Kind       string
	At         time.Time
	By         string
	Staff      string // dispatch: to this staff member
	Department string // dispatch: to this department
	Verdict    string // callback
	Note       string
}

// Take applies one step to the incident as by, through the same methods as the API's routes.
func (in *Incident) Take(s Step, by Actor, cal *Calendar) (Event, error) {
	switch s.Kind {
	case StepDispatch:
		return in.Dispatch(Assignee{StaffID: s.Staff, Department: s.Department}, by, s.Note, s.At, cal)
	case StepReturn:
		return in.Return(by, s.Note, s.At)
	case StepRespond:
		return in.Respond(by, s.Note, s.At)
	case StepProgress:
		return in.Progress(by, s.Note, s.At, cal)
	case StepUrge:
		return in.Urge(by, s.Note, s.At)
	case StepResolve:
		return in.Resolve(by, s.Note, s.At)
	case StepReject:
		return in.Reject(by, s.Note, s.At)
	case StepCallback:
		return in.Callback(s.Verdict, by, s.Note, s.At, cal)
	}
	return Event{}, Invalid("kind", "unknown step %q: one of %v", s.Kind, StepKinds)
}

// Replay takes a history's steps in order, each as its By (or as by when it names no one), and
// returns the events they make. The first step that does not apply stops it, named by index.
func (in *Incident) Replay(steps []Step, by Actor, cal *Calendar) ([]Event, error) {
	events := make([]Event, 0, len(steps))
	for i, s := range steps {
		who := by
		if s.By != "" {
			who.Name = s.By
		}
		ev, err := in.Take(s, who, cal)
		if err != nil {
			msg := err.Error()
			if e, ok := err.(*Error); ok {
				msg = e.Message
			}
			return nil, Invalid(fmt.Sprintf("history[%d]", i), "history[%d] (%s at %s): %s", i, s.Kind, s.At.Format(time.RFC3339), msg)
		}
		events = append(events, ev)
	}
	return events, nil
}

// checkHistory checks a history's steps on their own: known kinds, what each needs, times in
// order from the report on, notes as free text.
func checkHistory(steps []Step, reported time.Time) []FieldError {
	var errs []FieldError
	bad := func(i int, field, format string, args ...any) {
		errs = append(errs, FieldError{Field: fmt.Sprintf("history[%d].%s", i, field), Message: fmt.Sprintf(format, args...)})
	}
	last := reported
	for i, s := range steps {
		if !slices.Contains(StepKinds, s.Kind) {
			bad(i, "kind", "unknown step %q: one of %v", s.Kind, StepKinds)
		}
		switch {
		case s.At.IsZero():
			bad(i, "at", "at is required")
		case s.At.Before(last):
			bad(i, "at", "at %s is before the step or report before it (%s)", s.At.Format(time.RFC3339), last.Format(time.RFC3339))
		default:
			last = s.At
		}
		if s.Kind == StepDispatch && (s.Staff == "") == (s.Department == "") {
			bad(i, "staff", "a dispatch names one staff member or one department")
		}
		if s.Kind != StepDispatch && (s.Staff != "" || s.Department != "") {
			bad(i, "staff", "only a dispatch names a staff member or a department")
		}
		if _, ok := Lookup(Verdicts, s.Verdict); s.Kind == StepCallback && !ok {
			bad(i, "verdict", "verdict %q: satisfied, basically_satisfied, dissatisfied or unreachable", s.Verdict)
		} else if s.Kind != StepCallback && s.Verdict != "" {
			bad(i, "verdict", "only a callback has a verdict")
		}
		errs = appendProblems(errs,
			textError(fmt.Sprintf("history[%d].note", i), s.Note, MaxNote, false),
			textError(fmt.Sprintf("history[%d].by", i), s.By, MaxReporter, true))
	}
	return errs
}

// name is how messages call the incident: by its id, or "the incident" before it is stored
// (a dataset's history, replayed at import).
func (in *Incident) name() string {
	if in.ID == 0 {
		return "the incident"
	}
	return fmt.Sprintf("incident %d", in.ID)
}
