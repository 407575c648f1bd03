package gridmap

import (
	"fmt"
	"sort"
	"time"
)

// Working hours are 08:30-12:00 and 14:00-17:30 China Standard Time, seven hours, on working
// days: Monday to Friday unless a State Council holiday falls on it, and the make-up working
// days (调休) it names, Saturdays and Sundays among them.
var workSpans = [2][2]time.Duration{
	{8*time.Hour + 30*time.Minute, 12 * time.Hour},
	{14 * time.Hour, 17*time.Hour + 30*time.Minute},
}

// Kinds of listed day.
const (
	DayOff  = "off"  // a rest day of a holiday, or a local rest day
	DayWork = "work" // a make-up working day
)

// CalendarDay is one day the calendar lists: a rest day or a make-up working day, with the
// holiday's name and where the rule comes from (the State Council's notice, a city's decision).
type CalendarDay struct {
	Date   string `json:"date"` // YYYY-MM-DD, China Standard Time
	Kind   string `json:"kind"` // DayOff or DayWork
	Name   string `json:"name"`
	Source string `json:"source"`
}

// Validate checks a listed day.
func (d CalendarDay) Validate() []FieldError {
	var errs []FieldError
	if _, err := time.ParseInLocation(DateLayout, d.Date, ChinaTime); err != nil {
		errs = append(errs, FieldError{Field: "date", Message: fmt.Sprintf("date %q is not a date YYYY-MM-DD", d.Date)})
	}
	if d.Kind != DayOff && d.Kind != DayWork {
		errs = append(errs, FieldError{Field: "kind", Message: fmt.Sprintf("kind %q: want off (a rest day) or work (a make-up working day)", d.Kind)})
	}
	return appendProblems(errs, textError("name", d.Name, MaxName, true), textError("source", d.Source, 300, true))
}

// Calendar tells working days from rest days. Every due time, overdue flag, warning and rate
// is reckoned by it. It is immutable: a change builds a new one.
type Calendar struct {
	kinds map[string]string // date → DayOff or DayWork
	days  []CalendarDay
}

// NewCalendar builds a calendar from listed days; a later entry for a date replaces an earlier
// one (a city's decision over the national schedule).
func NewCalendar(days []CalendarDay) *Calendar {
	c := &Calendar{kinds: map[string]string{}}
	byDate := map[string]CalendarDay{}
	for _, d := range days {
		byDate[d.Date] = d
	}
	for date, d := range byDate {
		c.kinds[date] = d.Kind
		c.days = append(c.days, d)
	}
	sort.Slice(c.days, func(i, j int) bool { return c.days[i].Date < c.days[j].Date })
	return c
}

// Days lists the calendar's listed days in date order.
func (c *Calendar) Days() []CalendarDay { return c.days }

// Workday reports whether the day that t falls on, in China Standard Time, is a working day.
func (c *Calendar) Workday(t time.Time) bool {
	t = t.In(ChinaTime)
	switch c.kinds[t.Format(DateLayout)] {
	case DayOff:
		return false
	case DayWork:
		return true
	}
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// DueAt returns the moment at which limitHours working hours have passed since start.
func (c *Calendar) DueAt(start time.Time, limitHours int) time.Time {
	return c.AddWorking(start, time.Duration(limitHours)*time.Hour)
}

// AddWorking returns the moment at which d of working time has passed since start.
func (c *Calendar) AddWorking(start time.Time, d time.Duration) time.Time {
	left := d
	t := start.In(ChinaTime)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, ChinaTime)
	for {
		if c.Workday(day) {
			for _, span := range workSpans {
				from, to := day.Add(span[0]), day.Add(span[1])
				if t.After(from) {
					from = t
				}
				if !from.Before(to) {
					continue
				}
				if avail := to.Sub(from); left <= avail {
					return from.Add(left).UTC()
				} else {
					left -= avail
				}
			}
		}
		day = day.AddDate(0, 0, 1)
	}
}

// WorkingBetween returns the working time between from and to (0 when to is not after from).
func (c *Calendar) WorkingBetween(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	var total time.Duration
	t := from.In(ChinaTime)
	end := to.In(ChinaTime)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, ChinaTime)
	for !day.After(end) {
		if c.Workday(day) {
			for _, span := range workSpans {
				a, b := day.Add(span[0]), day.Add(span[1])
				if a.Before(t) {
					a = t
				}
				if b.After(end) {
					b = end
				}
				if b.After(a) {
					total += b.Sub(a)
				}
			}
		}
		day = day.AddDate(0, 0, 1)
	}
	return total
}
