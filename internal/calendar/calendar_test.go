package calendar_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/calendar"
	"github.com/gridmap/gridmap/internal/gridmap"
)

var cst = gridmap.ChinaTime

func at(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", s, cst)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// TestDueAtAcrossHolidays: due times skip the State Council's rest days and count its make-up
// working days, weekends among them.
func TestDueAtAcrossHolidays(t *testing.T) {
	cal := calendar.Default()
	tests := []struct {
		name  string
		start string
		hours int
		want  string
	}{
		// Half an hour on 30 September, the National Day holiday 1-7 October, then Thursday the
		// 8th whole and half an hour of the 9th: not 2 October, as a Monday-to-Friday reckoning has it.
		{"across National Day", "2026-09-30 17:00", 8, "2026-10-09 09:00"},
		// Friday 13 February, then the make-up working Saturday 14th, before the Spring Festival rest.
		{"on the make-up Saturday before the Spring Festival", "2026-02-13 16:00", 8, "2026-02-14 17:00"},
		// Reported in the Spring Festival rest: nothing counts until Tuesday the 24th.
		{"in the Spring Festival", "2026-02-17 10:00", 2, "2026-02-24 10:30"},
		// Saturday 10 October 2026 is worked in exchange for National Day.
		{"a make-up Saturday after National Day", "2026-10-09 17:00", 2, "2026-10-10 10:00"},
		{"an ordinary weekend", "2026-11-27 16:30", 8, "2026-11-30 17:30"},
		{"Mid-Autumn Friday 25 September 2026", "2026-09-24 17:00", 1, "2026-09-28 09:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cal.DueAt(at(t, tt.start), tt.hours).In(cst).Format("2006-01-02 15:04"); got != tt.want {
				t.Errorf("DueAt(%s, %dh) = %s, want %s", tt.start, tt.hours, got, tt.want)
			}
		})
	}
	if cal.Workday(at(t, "2026-10-05 10:00")) || !cal.Workday(at(t, "2026-09-20 10:00")) || !cal.Workday(at(t, "2026-11-30 10:00")) {
		t.Error("Workday: National Day, its make-up Sunday or an ordinary Monday wrong")
	}
	// Working time between two instants agrees with DueAt.
	start := at(t, "2026-09-30 17:00")
	if got := cal.WorkingBetween(start, cal.DueAt(start, 8)); got != 8*time.Hour {
		t.Errorf("WorkingBetween over National Day = %v, want 8h", got)
	}
}

// TestLocalDays: a city's own rest day, or a year the data file lacks, added to the national
// schedule.
func TestLocalDays(t *testing.T) {
	local := gridmap.CalendarDay{Date: "2026-12-02", Kind: gridmap.DayOff, Name: "福清市防台风停工", Source: "福清市人民政府 (test)"}
	cal := gridmap.NewCalendar(append(calendar.National(), local))
	if cal.Workday(at(t, "2026-12-02 10:00")) {
		t.Error("the local rest day is a working day")
	}
	if got := cal.DueAt(at(t, "2026-12-01 17:00"), 1).In(cst).Format("2006-01-02 15:04"); got != "2026-12-03 09:00" {
		t.Errorf("due across the local rest day: %s", got)
	}
}

func TestParse(t *testing.T) {
	if n := len(calendar.National()); n < 60 {
		t.Errorf("the national schedule has %d days", n)
	}
	for _, d := range calendar.National() {
		if d.Source == "" {
			t.Errorf("%s has no source", d.Date)
		}
	}
	bad := []struct{ name, csv, want string }{
		{"header", "day,date\n", "line 1"},
		{"date", "date,day,holiday,source\n2026-13-01,off,x,y\n", "line 2"},
		{"kind", "date,day,holiday,source\n2026-10-01,holiday,x,y\n2026-10-02,off,x,y\n", "line 2"},
		{"fields", "date,day,holiday,source\n2026-10-01,off\n", "line 2"},
	}
	for _, b := range bad {
		if _, err := calendar.Parse(strings.NewReader(b.csv)); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: %v, want an error naming %s", b.name, err, b.want)
		}
	}
}
