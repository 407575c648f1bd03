package web

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// checkParams rejects query parameters the endpoint does not know, so that a typo such as
// ?strete= is an error rather than a silently unfiltered answer.
func checkParams(c *fiber.Ctx, allowed ...string) error {
	var bad *string
	c.Context().QueryArgs().VisitAll(func(k, _ []byte) {
		if bad != nil {
			return
		}
		key := string(k)
		for _, a := range allowed {
			if a == key {
				return
			}
		}
		bad = &key
	})
	if bad != nil {
		return gridmap.Invalid(paramField(*bad), "unknown query parameter %q; this endpoint takes: %s", *bad, strings.Join(allowed, ", "))
	}
	return nil
}

// paramField names a query parameter in an error: its name, or "query" for one with an empty
// name (?=x), which fasthttp passes on like any other and which an error must still name.
func paramField(key string) string {
	if key == "" {
		return "query"
	}
	return key
}

// pathID reads a positive whole-number id from the path parameter param, the one way the
// incident, token and photo routes take theirs; what names the thing in the error.
func pathID(c *fiber.Ctx, param, what string) (int64, error) {
	v := c.Params(param)
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, gridmap.Invalid(param, "%s id %q is not a positive whole number", what, v)
	}
	return id, nil
}

// parseBBox reads "minLon,minLat,maxLon,maxLat" in WGS-84.
func parseBBox(param, v string) (*orb.Bound, error) {
	if v == "" {
		return nil, nil
	}
	parts := strings.Split(v, ",")
	if len(parts) != 4 {
		return nil, gridmap.Invalid(param, "bbox must be four comma-separated numbers minLon,minLat,maxLon,maxLat; got %d", len(parts))
	}
	var f [4]float64
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, gridmap.Invalid(param, "bbox value %d (%q) is not a number", i+1, p)
		}
		f[i] = x
	}
	switch {
	case f[0] < -180 || f[2] > 180 || f[1] < -90 || f[3] > 90:
		return nil, gridmap.Invalid(param, "bbox %s is outside longitude -180..180, latitude -90..90", v)
	case f[0] > f[2] || f[1] > f[3]:
		return nil, gridmap.Invalid(param, "bbox %s has its minimum above its maximum; the order is minLon,minLat,maxLon,maxLat", v)
	}
	return &orb.Bound{Min: orb.Point{f[0], f[1]}, Max: orb.Point{f[2], f[3]}}, nil
}

// codeList reads a comma-separated list of codes of one enumeration, the one way every
// filter takes it (incident lists, hotspots, coverage, incident tiles and their TileJSON): ""
// is no filter, white space around a code is dropped, and an empty item or an unknown code is
// an error naming the parameter. The list endpoints and the tiles once differed on both "" and
// "reported, assigned", which a map page sends to both.
func codeList(param, v string, allowed []gridmap.Named) ([]string, error) {
	if v == "" {
		return nil, nil
	}
	var out []string
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return nil, gridmap.Invalid(param, "%s has an empty item: give codes separated by commas, e.g. %s", param, exampleList(allowed))
		}
		if _, ok := gridmap.Lookup(allowed, item); !ok {
			codes := make([]string, len(allowed))
			for i, n := range allowed {
				codes[i] = n.Code
			}
			return nil, gridmap.Invalid(param, "unknown %s %q; the codes are %s", param, item, strings.Join(codes, ", "))
		}
		out = append(out, item)
	}
	return out, nil
}

// exampleList is a list of the first two codes of an enumeration, for messages.
func exampleList(allowed []gridmap.Named) string {
	codes := make([]string, 0, 2)
	for _, n := range allowed[:min(2, len(allowed))] {
		codes = append(codes, n.Code)
	}
	return strings.Join(codes, ",")
}

// divisionFilter reads the street, community, grid and bbox parameters common to the list
// endpoints, checking each code's format.
func divisionFilter(c *fiber.Ctx) (gridmap.DivisionFilter, error) {
	var f gridmap.DivisionFilter
	if v := c.Query("street"); v != "" {
		if !gridmap.ValidStreetCode(v) {
			return f, gridmap.Invalid("street", "street code %q is malformed: want 9 digits, e.g. 350181003", v)
		}
		f.Street = v
	}
	if v := c.Query("community"); v != "" {
		if !gridmap.ValidCommunityCode(v) {
			return f, gridmap.Invalid("community", "community code %q is malformed: want 12 digits, e.g. 350181003003", v)
		}
		f.Community = v
	}
	if v := c.Query("grid"); v != "" {
		if !gridmap.ValidGridCode(v) {
			return f, gridmap.Invalid("grid", "grid code %q is malformed: want 15 digits, e.g. 350181003003001", v)
		}
		f.Grid = v
	}
	b, err := parseBBox("bbox", c.Query("bbox"))
	if err != nil {
		return f, err
	}
	f.BBox = b
	return f, nil
}

// when reads a time parameter the one way (gridmap.ParseWhen): the start of what it names, or
// with end set its end (a date as until includes that day). "" is the zero time.
func when(param, v string, end bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	start, stop, err := gridmap.ParseWhen(v)
	if err != nil {
		return time.Time{}, gridmap.Invalid(param, "%s %v", param, err)
	}
	if end {
		return stop, nil
	}
	return start, nil
}

// window reads the since and until parameters of a request (until exclusive), and rejects a
// window that ends before it starts.
func window(c *fiber.Ctx) (since, until time.Time, err error) {
	return parseWindow(c.Query("since"), c.Query("until"))
}

// parseWindow is window on the parameters' values, so that the rule can be tested and fuzzed
// without a request.
func parseWindow(sinceV, untilV string) (since, until time.Time, err error) {
	if since, err = when("since", sinceV, false); err != nil {
		return
	}
	if until, err = when("until", untilV, true); err != nil {
		return
	}
	if !since.IsZero() && !until.IsZero() && !until.After(since) {
		err = gridmap.Invalid("until", "until (%s) must be after since (%s)", until.Format(time.RFC3339), since.Format(time.RFC3339))
	}
	return
}

// numberParam reads a finite number from lo to hi; "" gives def.
func numberParam(c *fiber.Ctx, param string, def, lo, hi float64) (float64, error) {
	return parseNumber(param, c.Query(param), def, lo, hi)
}

// parseNumber is numberParam on the parameter's value v.
func parseNumber(param, v string, def, lo, hi float64) (float64, error) {
	if v == "" {
		return def, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < lo || f > hi {
		return 0, gridmap.Invalid(param, "%s must be a number from %v to %v, not %q", param, lo, hi, v)
	}
	return f, nil
}

// intParam reads a whole number from lo to hi; "" gives def.
func intParam(c *fiber.Ctx, param string, def, lo, hi int) (int, error) {
	return parseInt(param, c.Query(param), def, lo, hi)
}

// parseInt is intParam on the parameter's value v.
func parseInt(param, v string, def, lo, hi int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, gridmap.Invalid(param, "%s must be a whole number from %d to %d, not %q", param, lo, hi, v)
	}
	return n, nil
}
