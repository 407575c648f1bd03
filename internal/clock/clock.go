// Package clock is gridmap's one source of the current time. The server, every command and the
// SQL they run read "now" from a Clock, never from time.Now directly, so that tests can run the
// date-sensitive paths (today's figures, overdue flags, due times, heat windows) at any date,
// and a demo can be shown as if on another day.
package clock

import (
	"fmt"
	"strings"
	"time"
)

// Clock tells the current time.
type Clock interface {
	Now() time.Time
}

// System returns the machine's clock.
func System() Clock { return offset(0) }

// offset is the machine's clock moved by a fixed duration: every process given the same offset
// agrees on the time, which an import and the server it feeds rely on.
type offset time.Duration

func (o offset) Now() time.Time { return time.Now().Add(time.Duration(o)) }

// Offset returns the machine's clock moved by d (a year ahead: 8760h).
func Offset(d time.Duration) Clock { return offset(d) }

// Starting returns a clock that reads start now and runs at the machine's pace from there.
func Starting(start time.Time) Clock { return offset(time.Until(start)) }

// Fixed is a clock that always reads the same instant, for tests.
type Fixed time.Time

// Now returns the fixed instant.
func (f Fixed) Now() time.Time { return time.Time(f) }

// Parse reads a clock setting (GRIDMAP_CLOCK): empty for the machine's clock, a signed
// duration such as +8760h for the machine's clock moved by it, or an RFC 3339 instant at which
// the clock starts when the setting is read.
func Parse(s string) (Clock, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return System(), nil
	case s[0] == '+' || s[0] == '-':
		d, err := time.ParseDuration(s)
		if err != nil {
			return nil, fmt.Errorf("clock: %q is not a duration such as +8760h", s)
		}
		return Offset(d), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, fmt.Errorf("clock: %q is neither a signed duration (+8760h) nor an RFC 3339 instant (2027-12-01T10:00:00+08:00)", s)
	}
	return Starting(t), nil
}
