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
//
// It refuses what a filter could not carry on: an offset beyond RFC 3339's ±23:59 (Go's parser
// takes +24:00), Go's zero time 0001-01-01T00:00:00Z, which every filter reads as "no bound",
// and a time outside the years 0000 to 9999 in UTC, which RFC 3339 cannot write, so that a
// filter's canonical form in a tile URL would not read back.
func ParseWhen(s string) (start, end time.Time, err error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		if _, off := t.Zone(); off <= -24*3600 || off >= 24*3600 {
			return time.Time{}, time.Time{}, fmt.Errorf("%q has an offset beyond ±23:59", s)
		}
		if !writable(t) {
			return time.Time{}, time.Time{}, fmt.Errorf("%q is out of range: a time lies after 0001-01-01T00:00:00Z and before the year 10000 in UTC", s)
		}
		return t, t, nil
	}
	if t, err := time.ParseInLocation(DateLayout, s, ChinaTime); err == nil {
		if !writable(t) {
			return time.Time{}, time.Time{}, fmt.Errorf("%q is out of range: a date lies from 0001-01-01 to 9999-12-31", s)
		}
		return t, t.AddDate(0, 0, 1), nil
	}
	return time.Time{}, time.Time{}, fmt.Errorf("%q is neither an RFC 3339 time (2026-11-20T09:00:00+08:00) nor a date (2026-11-20, a day in China time)", s)
}

// writable reports whether t is not the zero time and RFC 3339 can write it in UTC.
func writable(t time.Time) bool {
	y := t.UTC().Year()
	return !t.IsZero() && y >= 0 && y <= 9999
}

// Midnight returns the start of t's day in China Standard Time.
func Midnight(t time.Time) time.Time {
	l := t.In(ChinaTime)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, ChinaTime)
}
