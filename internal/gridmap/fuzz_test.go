package gridmap_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// FuzzParseWhen: what ParseWhen accepts is an RFC 3339 instant, which it returns as start and
// end alike, or a date, which it returns as that day's China midnight and the next, 24 hours
// later, and which is the date of that midnight. Either is never Go's zero time (which every
// filter reads as "no bound"), has an offset within ±23:59, and reads back the same from its
// canonical form (RFC 3339 in UTC, as tile URLs and OGC links carry it). Whatever it refuses,
// it refuses with an error quoting the input.
func FuzzParseWhen(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		start, end, err := gridmap.ParseWhen(s)
		if err != nil {
			if !start.IsZero() || !end.IsZero() || !strings.Contains(err.Error(), strconv.Quote(s)) {
				t.Fatalf("ParseWhen(%q) refused with %v, %v, %v", s, start, end, err)
			}
			return
		}
		if start.IsZero() || end.IsZero() {
			t.Fatalf("ParseWhen(%q) = %v, %v: the zero time means no bound", s, start, end)
		}
		if _, off := start.Zone(); off <= -24*3600 || off >= 24*3600 {
			t.Fatalf("ParseWhen(%q) has the offset %ds", s, off)
		}
		if len(s) == len(gridmap.DateLayout) {
			if end.Sub(start) != 24*time.Hour || !gridmap.Midnight(start).Equal(start) || start.In(gridmap.ChinaTime).Format(gridmap.DateLayout) != s {
				t.Fatalf("date %q is [%v, %v)", s, start, end)
			}
		} else if !start.Equal(end) {
			t.Fatalf("instant %q is [%v, %v)", s, start, end)
		}
		for _, at := range []time.Time{start, end} {
			canon := at.UTC().Format(time.RFC3339Nano)
			again, _, err := gridmap.ParseWhen(canon)
			if err != nil || !again.Equal(at) {
				t.Fatalf("%q: %v, written %s, reads back as %v, %v", s, at, canon, again, err)
			}
		}
	})
}
