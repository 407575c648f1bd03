package gridmap

import "time"

// Working hours are Monday to Friday, 08:30-12:00 and 14:00-17:30 China Standard Time: seven
// hours a day. Public holidays and make-up working days are not modelled.
var workSpans = [2][2]time.Duration{
	{8*time.Hour + 30*time.Minute, 12 * time.Hour},
	{14 * time.Hour, 17*time.Hour + 30*time.Minute},
}

// DueAt returns the moment at which limitHours working hours have passed since start.
func DueAt(start time.Time, limitHours int) time.Time {
	left := time.Duration(limitHours) * time.Hour
	t := start.In(ChinaTime)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, ChinaTime)
	for {
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
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
