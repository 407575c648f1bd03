package gridmap_test

import (
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/gridmap"
)

var cst = time.FixedZone("CST", 8*3600)

func TestDueAt(t *testing.T) {
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, cst)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		name  string
		start string
		hours int
		want  string
	}{
		{"within the morning", "2026-11-23 09:00", 2, "2026-11-23 11:00"},
		{"across lunch", "2026-11-23 11:00", 2, "2026-11-23 15:00"},
		{"one working day is seven hours", "2026-11-23 08:30", 7, "2026-11-23 17:30"},
		{"evening report starts next morning", "2026-11-23 20:00", 1, "2026-11-24 09:30"},
		{"friday afternoon runs into monday", "2026-11-27 16:30", 8, "2026-11-30 17:30"},
		{"weekend report", "2026-11-28 10:00", 24, "2026-12-03 11:30"},
		{"exact end of a span", "2026-11-23 10:00", 2, "2026-11-23 12:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := gridmap.NewCalendar(nil).DueAt(at(tt.start), tt.hours).In(cst).Format("2006-01-02 15:04")
			if got != tt.want {
				t.Errorf("DueAt(%s, %dh) = %s, want %s", tt.start, tt.hours, got, tt.want)
			}
		})
	}
}

func TestWorkflow(t *testing.T) {
	tests := []struct {
		from, to string
		ok       bool
	}{
		{gridmap.StatusReported, gridmap.StatusAssigned, true},
		{gridmap.StatusAssigned, gridmap.StatusAccepted, true},
		{gridmap.StatusAccepted, gridmap.StatusInProgress, true},
		{gridmap.StatusInProgress, gridmap.StatusResolved, true},
		{gridmap.StatusResolved, gridmap.StatusClosed, true},
		{gridmap.StatusResolved, gridmap.StatusInProgress, true},
		{gridmap.StatusReported, gridmap.StatusResolved, false},
		{gridmap.StatusClosed, gridmap.StatusInProgress, false},
		{gridmap.StatusRejected, gridmap.StatusAssigned, false},
		{gridmap.StatusAccepted, gridmap.StatusDuplicate, false},
	}
	for _, tt := range tests {
		if got := gridmap.CanTransition(tt.from, tt.to); got != tt.ok {
			t.Errorf("CanTransition(%s, %s) = %v, want %v", tt.from, tt.to, got, tt.ok)
		}
	}
}

func TestOverdue(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	due := now.Add(-time.Hour)
	open := gridmap.Incident{Status: gridmap.StatusAssigned, DueAt: due}
	late := gridmap.Incident{Status: gridmap.StatusClosed, DueAt: due, ResolvedAt: now}
	inTime := gridmap.Incident{Status: gridmap.StatusClosed, DueAt: due, ResolvedAt: due.Add(-time.Minute)}
	if !open.Overdue(now) || !late.Overdue(now) || inTime.Overdue(now) {
		t.Errorf("overdue: open %v late %v in time %v", open.Overdue(now), late.Overdue(now), inTime.Overdue(now))
	}
}

func TestReportValidate(t *testing.T) {
	good := gridmap.Report{Lon: 119.37, Lat: 25.72, Category: "sanitation", Channel: "hotline_12345"}
	if errs := good.Validate(); errs != nil {
		t.Fatalf("good report: %v", errs)
	}
	bad := gridmap.Report{Lon: 200, Lat: -95, CRS: "utm", Category: "ufo", Channel: "fax"}
	fields := map[string]bool{}
	for _, e := range bad.Validate() {
		fields[e.Field] = true
	}
	for _, f := range []string{"lon", "lat", "crs", "category", "channel"} {
		if !fields[f] {
			t.Errorf("no error for %s", f)
		}
	}
}

func TestParseWhen(t *testing.T) {
	tests := []struct {
		in, start, end string
		bad            bool
	}{
		{in: "2026-11-20", start: "2026-11-19T16:00:00Z", end: "2026-11-20T16:00:00Z"},
		{in: "2026-11-20T09:30:00+08:00", start: "2026-11-20T01:30:00Z", end: "2026-11-20T01:30:00Z"},
		{in: "2026-11-20T01:30:00Z", start: "2026-11-20T01:30:00Z", end: "2026-11-20T01:30:00Z"},
		{in: "20261120", bad: true},
		{in: "2026-13-01", bad: true},
		{in: "", bad: true},
	}
	for _, tt := range tests {
		start, end, err := gridmap.ParseWhen(tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("ParseWhen(%q) accepted it", tt.in)
			}
			continue
		}
		if err != nil || start.UTC().Format(time.RFC3339) != tt.start || end.UTC().Format(time.RFC3339) != tt.end {
			t.Errorf("ParseWhen(%q) = %v, %v, %v; want %s, %s", tt.in, start.UTC(), end.UTC(), err, tt.start, tt.end)
		}
	}
}
