package web

import (
	"time"

	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/intake"
)

// The JSON shapes of the locate and incident APIs.

type codeName struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type assignmentJSON struct {
	Grid      *codeName `json:"grid"`
	Community *codeName `json:"community"`
	Street    *codeName `json:"street"`
	Method    string    `json:"method"`
	DistanceM float64   `json:"distance_m"`
	Reason    string    `json:"reason,omitempty"`
}

func toAssignmentJSON(a gridmap.Assignment) assignmentJSON {
	out := assignmentJSON{Method: a.Method, DistanceM: round2(a.DistanceM), Reason: a.Reason}
	if a.GridCode != "" {
		out.Grid = &codeName{a.GridCode, a.GridName}
		out.Community = &codeName{a.CommunityCode, a.CommunityName}
		out.Street = &codeName{a.StreetCode, a.StreetName}
	}
	return out
}

func round2(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }

type reportedJSON struct {
	Lon float64 `json:"lon"`
	Lat float64 `json:"lat"`
	CRS string  `json:"crs"`
}

type eventJSON struct {
	At      time.Time `json:"at"`
	Kind    string    `json:"kind"`
	Actor   string    `json:"actor,omitempty"` // only for authorised callers
	Role    string    `json:"role,omitempty"`  // the role the actor acted in
	Verdict string    `json:"verdict,omitempty"`
	From    string    `json:"from,omitempty"`
	To      string    `json:"to"`
	Note    string    `json:"note,omitempty"`
}

type incidentJSON struct {
	ID          int64          `json:"id"`
	ClientID    string         `json:"client_id,omitempty"` // only for authorised callers
	Lon         float64        `json:"lon"`
	Lat         float64        `json:"lat"`
	Reported    reportedJSON   `json:"reported"`
	Category    string         `json:"category"`
	CategoryZH  string         `json:"category_zh"`
	Channel     string         `json:"channel"`
	Description string         `json:"description,omitempty"` // may name people: only for authorised callers
	Reporter    string         `json:"reporter,omitempty"`    // personal data: only for authorised callers
	Status      string         `json:"status"`
	Assignment  assignmentJSON `json:"assignment"`
	ReportedAt  time.Time      `json:"reported_at"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
	DueAt       time.Time      `json:"due_at"`
	ResolvedAt  *time.Time     `json:"resolved_at"`
	Overdue     bool           `json:"overdue"`
	Simulated   bool           `json:"simulated,omitempty"` // made up by a demo's simulated city
	Loop        *loopJSON      `json:"loop,omitempty"`
	Warnings    []string       `json:"warnings"`
	Next        []string       `json:"next_statuses"`
	History     []eventJSON    `json:"history,omitempty"`
	Photos      []photoJSON    `json:"photos,omitempty"`
}

// toIncidentJSON is an incident as the API shows it. withPersonal is whether the caller may see
// personal data: without it the reporter, the description, who did what with which note, and
// the client's own id for the report (free text the client chose) are left out.
func toIncidentJSON(in gridmap.Incident, now time.Time, withPersonal bool) incidentJSON {
	cat, _ := gridmap.CategoryByCode(in.Category)
	out := incidentJSON{
		ID: in.ID, Lon: in.Point[0], Lat: in.Point[1],
		Reported: reportedJSON{in.Reported[0], in.Reported[1], in.CRS},
		Category: in.Category, CategoryZH: cat.ZH, Channel: in.Channel,
		Status: in.Status, Assignment: toAssignmentJSON(in.Assignment),
		ReportedAt: in.ReportedAt, CreatedAt: in.CreatedAt, UpdatedAt: in.UpdatedAt, DueAt: in.DueAt,
		Overdue: in.Overdue(now), Simulated: in.Simulated, Next: gridmap.NextStatuses(in.Status),
	}
	if out.Next == nil {
		out.Next = []string{}
	}
	out.Loop = toLoopJSON(in.Loop)
	out.Warnings = in.Warnings(now)
	if out.Warnings == nil {
		out.Warnings = []string{}
	}
	if withPersonal {
		out.ClientID, out.Reporter, out.Description = gridmap.ClientIDOf(in.ClientKey), in.Reporter, in.Description
	}
	out.ResolvedAt = timePtr(in.ResolvedAt)
	for _, e := range in.History {
		ev := eventJSON{At: e.At, Kind: e.Kind, Role: e.Role, Verdict: e.Verdict, From: e.From, To: e.To}
		if withPersonal {
			ev.Actor, ev.Note = e.Actor, e.Note
		}
		out.History = append(out.History, ev)
	}
	for _, p := range in.Photos {
		out.Photos = append(out.Photos, toPhotoJSON(p, withPersonal))
	}
	return out
}

type itemResultJSON struct {
	Index      int                  `json:"index"`
	ClientID   string               `json:"client_id,omitempty"`
	Outcome    string               `json:"outcome"`
	ID         int64                `json:"id,omitempty"`
	Status     string               `json:"status,omitempty"`
	Assignment *assignmentJSON      `json:"assignment,omitempty"`
	Errors     []gridmap.FieldError `json:"errors,omitempty"`
}

func toItemResultJSON(r intake.ItemResult) itemResultJSON {
	out := itemResultJSON{Index: r.Index, ClientID: r.ClientID, Outcome: r.Outcome, ID: r.ID, Status: r.Status, Errors: r.Errors}
	if r.Assignment.Method != "" && r.Outcome != intake.OutcomeRejected {
		a := toAssignmentJSON(r.Assignment)
		out.Assignment = &a
	}
	return out
}

// loopJSON is where an incident stands in the loop: its assignee, the times of its dispatch,
// response, progress and callback, and what supervision counted.
type loopJSON struct {
	Staff           string     `json:"staff,omitempty"`
	Department      string     `json:"department,omitempty"`
	DispatchedAt    *time.Time `json:"dispatched_at,omitempty"`
	ResponseDueAt   *time.Time `json:"response_due_at,omitempty"`
	RespondedAt     *time.Time `json:"responded_at,omitempty"`
	LastProgressAt  *time.Time `json:"last_progress_at,omitempty"`
	Urged           int        `json:"urged,omitempty"`
	Satisfaction    string     `json:"satisfaction,omitempty"`
	CallbackAt      *time.Time `json:"callback_at,omitempty"`
	Dissatisfied    int        `json:"dissatisfied,omitempty"`
	Reopened        int        `json:"reopened,omitempty"`
	DuplicateOf     int64      `json:"duplicate_of,omitempty"`
	PossibleDupOf   int64      `json:"possible_duplicate_of,omitempty"`
	RepeatComplaint bool       `json:"repeat_complaint,omitempty"`
}

func toLoopJSON(l gridmap.Loop) *loopJSON {
	out := &loopJSON{Staff: l.Assignee.StaffID, Department: l.Assignee.Department, DispatchedAt: timePtr(l.DispatchedAt),
		ResponseDueAt: timePtr(l.ResponseDueAt), RespondedAt: timePtr(l.RespondedAt), LastProgressAt: timePtr(l.LastProgressAt),
		Urged: l.Urged, Satisfaction: l.Satisfaction, CallbackAt: timePtr(l.CallbackAt), Dissatisfied: l.Dissatisfied,
		Reopened: l.Reopened, DuplicateOf: l.DuplicateOf, PossibleDupOf: l.PossibleDupOf, RepeatComplaint: l.RepeatComplaint}
	if *out == (loopJSON{}) {
		return nil
	}
	return out
}
