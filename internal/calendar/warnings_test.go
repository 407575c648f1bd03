package calendar_test

import (
	"slices"
	"testing"

	"github.com/gridmap/gridmap/internal/calendar"
	"github.com/gridmap/gridmap/internal/gridmap"
)

// TestWarningsAcrossHolidays: supervision warnings fire after working time, by the calendar —
// not during the National Day rest, and on a make-up Saturday.
func TestWarningsAcrossHolidays(t *testing.T) {
	cal := calendar.Default()
	by := gridmap.Actor{Name: "指挥中心"}
	dispatched := func(when string) *gridmap.Incident {
		t.Helper()
		start := at(t, when)
		in := &gridmap.Incident{ID: 1, Category: "noise", Status: gridmap.StatusAssigned, ReportedAt: start,
			DueAt: cal.DueAt(start, 24), Assignment: gridmap.Assignment{GridCode: "350181003003001"}}
		in.Received(cal)
		if _, err := in.Dispatch(gridmap.Assignee{StaffID: "st-1"}, by, "", start, cal); err != nil {
			t.Fatal(err)
		}
		return in
	}
	has := func(in *gridmap.Incident, when, w string) bool { return slices.Contains(in.Warnings(at(t, when)), w) }
	tests := []struct {
		name, dispatched, at string
		warning              string
		want                 bool
	}{
		// Noise: 4 working hours to respond. One hour on 30 September, then the holiday.
		{"not during National Day", "2026-09-30 16:30", "2026-10-07 18:00", gridmap.WarnNoResponse, false},
		{"three hours into 8 October", "2026-09-30 16:30", "2026-10-08 11:31", gridmap.WarnNoResponse, true},
		{"just before", "2026-09-30 16:30", "2026-10-08 11:29", gridmap.WarnNoResponse, false},
		// Friday 9 October at 17:00: half an hour, then Saturday the 10th is worked.
		{"on the make-up Saturday", "2026-10-09 17:00", "2026-10-10 12:01", gridmap.WarnNoResponse, true},
		{"not on an ordinary Saturday", "2026-11-27 17:00", "2026-11-28 12:01", gridmap.WarnNoResponse, false},
		// 24 working hours to resolve, 80% of which is due soon; overdue after; escalated a day later.
		{"due soon", "2026-11-23 08:30", "2026-11-25 17:00", gridmap.WarnDueSoon, true},
		{"overdue", "2026-11-23 08:30", "2026-11-26 11:31", gridmap.WarnOverdue, true},
		{"escalated a working day after", "2026-11-23 08:30", "2026-11-27 11:31", gridmap.WarnEscalated, true},
		{"not escalated yet", "2026-11-23 08:30", "2026-11-26 17:00", gridmap.WarnEscalated, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := dispatched(tt.dispatched)
			if got := has(in, tt.at, tt.warning); got != tt.want {
				t.Errorf("%s at %s: %v, want %v (warnings %v; response due %v, due %v)", tt.warning, tt.at, got, tt.want,
					in.Warnings(at(t, tt.at)), in.Loop.ResponseDueAt.In(cst), in.DueAt.In(cst))
			}
		})
	}
	// Progress not reported for two working days, across the Spring Festival.
	in := dispatched("2026-02-12 09:00")
	in.Respond(by, "", at(t, "2026-02-12 10:00"))
	in.Progress(by, "到场查看", at(t, "2026-02-13 09:00"), cal)
	if has(in, "2026-02-23 12:00", gridmap.WarnNoProgress) {
		t.Error("no_progress fired during the Spring Festival")
	}
	// Two working days (14 h) from 13 February 09:00: 6.5 h that Friday, 7 h on the make-up
	// Saturday the 14th, then the rest to the 23rd, and half an hour of Tuesday the 24th.
	if !has(in, "2026-02-24 12:00", gridmap.WarnNoProgress) {
		t.Error("no_progress did not fire after the Spring Festival")
	}
}
