package gridmap

import (
	"fmt"
	"time"
)

// ChinaTime is China Standard Time, in which days, working hours and bare dates are reckoned.
// It has no daylight saving, so a fixed zone is exact and needs no tzdata.
var ChinaTime = time.FixedZone("CST", 8*3600)

// DateLayout is the layout of a bare date.
const DateLayout = "2006-01-02"

// ParseWhen reads a time the one way every filter of gridmap takes it (incident lists,
// hotspots, coverage, tiles, OGC datetime): an RFC 3339 instant, or a bare date YYYY-MM-DD,
// which names that whole day in China Standard Time. It returns where the time starts and
// where it ends: for a date its midnight and the next one, for an instant the instant twice.
// A window's since is the start of what it is given and its until (exclusive) the end, so
// since=2026-11-20&until=2026-11-20 is that one day, and until=2026-11-20T00:00:00+08:00 ends
// before it.
func ParseWhen(s string) (start, end time.Time, err error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, t, nil
	}
	if t, err := time.ParseInLocation(DateLayout, s, ChinaTime); err == nil {
		return t, t.AddDate(0, 0, 1), nil
	}
	return time.Time{}, time.Time{}, fmt.Errorf("%q is neither an RFC 3339 time (2026-11-20T09:00:00+08:00) nor a date (2026-11-20, a day in China time)", s)
}

// Midnight returns the start of t's day in China Standard Time.
func Midnight(t time.Time) time.Time {
	l := t.In(ChinaTime)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, ChinaTime)
}
