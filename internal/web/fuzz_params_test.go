package web

// Fuzz targets for the query parameters: bbox, the OGC datetime, coordinates, numbers, the
// since/until window, the comma-separated code lists and the incident tiles' filter.

import (
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/tileservice"
)

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// FuzzParseBBox: an accepted bbox has finite corners, min ≤ max on both axes, lies inside
// longitude -180..180 and latitude -90..90, holds the four numbers given, and reads back the
// same from its shortest decimal form; a rejected one is a gridmap.Error on "bbox"; "" is no
// bbox at all.
func FuzzParseBBox(f *testing.F) {
	f.Fuzz(func(t *testing.T, v string) {
		b, err := parseBBox("bbox", v)
		if v == "" {
			if b != nil || err != nil {
				t.Fatalf(`parseBBox("") = %v, %v; want no bbox and no error`, b, err)
			}
			return
		}
		if err != nil {
			checkInvalid(t, err, nil, "bbox")
			if b != nil {
				t.Fatalf("rejected bbox %q came with %v", v, b)
			}
			return
		}
		if b == nil {
			t.Fatalf("accepted bbox %q is nil", v)
		}
		w, s, e, n := b.Min[0], b.Min[1], b.Max[0], b.Max[1]
		switch {
		case !finite(w, s, e, n):
			t.Fatalf("bbox %q gave %v", v, b)
		case w > e || s > n:
			t.Fatalf("bbox %q has min above max: %v", v, b)
		case w < -180 || e > 180 || s < -90 || n > 90:
			t.Fatalf("bbox %q lies outside the world: %v", v, b)
		}
		parts := strings.Split(v, ",")
		for i, want := range []float64{w, s, e, n} {
			if got, err := strconv.ParseFloat(strings.TrimSpace(parts[i]), 64); err != nil || got != want {
				t.Fatalf("bbox %q value %d is %v, parsed %v", v, i+1, parts[i], want)
			}
		}
		again, err := parseBBox("bbox", strings.Join([]string{formatFloat(w), formatFloat(s), formatFloat(e), formatFloat(n)}, ","))
		if err != nil || *again != *b {
			t.Fatalf("bbox %v does not read back: %v, %v", b, again, err)
		}
	})
}

// FuzzParseDatetime: an accepted OGC datetime is a half-open window [since, until) that is
// never empty (until after since when both ends are closed) and open at no more than one end;
// a single instant or date agrees with gridmap.ParseWhen, an instant selecting one second;
// anything else is a gridmap.Error on "datetime".
func FuzzParseDatetime(f *testing.F) {
	f.Fuzz(func(t *testing.T, v string) {
		since, until, err := parseDatetime(v)
		if err != nil {
			checkInvalid(t, err, nil, "datetime")
			return
		}
		if since.IsZero() && until.IsZero() {
			t.Fatalf("datetime %q is open at both ends", v)
		}
		if !since.IsZero() && !until.IsZero() && !until.After(since) {
			t.Fatalf("datetime %q is the empty window [%v, %v)", v, since, until)
		}
		if strings.Contains(v, "/") {
			return
		}
		start, end, err := gridmap.ParseWhen(v)
		if err != nil {
			t.Fatalf("datetime %q accepted, ParseWhen refuses it: %v", v, err)
		}
		if start.Equal(end) {
			end = start.Add(time.Second)
		}
		if !since.Equal(start) || !until.Equal(end) {
			t.Fatalf("datetime %q is [%v, %v), ParseWhen says [%v, %v)", v, since, until, start, end)
		}
	})
}

// FuzzParseCoord: an accepted longitude or latitude is a finite number within ±limit that
// reads back the same from its shortest decimal form; anything else, "" included, is a
// gridmap.Error naming the parameter.
func FuzzParseCoord(f *testing.F) {
	f.Fuzz(func(t *testing.T, v string, lat bool) {
		param, limit := "lon", 180.0
		if lat {
			param, limit = "lat", 90
		}
		c, err := parseCoord(param, v, limit)
		if err != nil {
			checkInvalid(t, err, nil, param)
			return
		}
		if v == "" || !finite(c) || c < -limit || c > limit {
			t.Fatalf("%s %q accepted as %v", param, v, c)
		}
		if again, err := parseCoord(param, formatFloat(c), limit); err != nil || again != c {
			t.Fatalf("%s %v does not read back: %v, %v", param, c, again, err)
		}
	})
}

// FuzzQueryParams: numbers, whole numbers and the since/until window. An accepted number is
// finite and within its bounds, "" giving the default; a whole number is accepted exactly when
// it is a decimal integer within its bounds; the window agrees with gridmap.ParseWhen (since
// the start of what it names, until the end) and never ends before it starts. Every rejection
// is a gridmap.Error naming the parameter.
func FuzzQueryParams(f *testing.F) {
	f.Fuzz(func(t *testing.T, number, whole, since, until string) {
		n, err := parseNumber("walk_m", number, 500, 50, 5000)
		switch {
		case err != nil:
			checkInvalid(t, err, nil, "walk_m")
		case number == "" && n != 500:
			t.Fatalf("no walk_m gave %v, want the default 500", n)
		case !finite(n) || n < 50 || n > 5000:
			t.Fatalf("walk_m %q accepted as %v", number, n)
		}

		i, err := parseInt("limit", whole, 100, 1, 1000)
		ref, refErr := strconv.ParseInt(whole, 10, 64)
		refOK := whole == "" || refErr == nil && ref >= 1 && ref <= 1000
		switch {
		case (err == nil) != refOK:
			t.Fatalf("limit %q: accepted %v, strconv says %v (%v)", whole, err == nil, refOK, refErr)
		case err != nil:
			checkInvalid(t, err, nil, "limit")
		case whole == "" && i != 100, whole != "" && int64(i) != ref:
			t.Fatalf("limit %q gave %d", whole, i)
		}

		s, u, err := parseWindow(since, until)
		if err != nil {
			checkInvalid(t, err, nil, "since", "until")
			return
		}
		for _, w := range []struct {
			name, v string
			got     time.Time
			end     bool
		}{{"since", since, s, false}, {"until", until, u, true}} {
			if w.v == "" {
				if !w.got.IsZero() {
					t.Fatalf("no %s gave %v", w.name, w.got)
				}
				continue
			}
			start, end, err := gridmap.ParseWhen(w.v)
			want := start
			if w.end {
				want = end
			}
			if err != nil || !w.got.Equal(want) {
				t.Fatalf("%s %q gave %v; ParseWhen says %v, %v (%v)", w.name, w.v, w.got, start, end, err)
			}
		}
		if !s.IsZero() && !u.IsZero() && !u.After(s) {
			t.Fatalf("window since %q until %q accepted as [%v, %v)", since, until, s, u)
		}
	})
}

// incidentTiles is the layer whose tiles take a filter.
func incidentTiles(t *testing.T) gridmap.LayerInfo {
	info, ok := gridmap.LayerByID(gridmap.LayerIncidents)
	if !ok {
		t.Fatal("no incidents layer")
	}
	return info
}

// queryPairs splits a raw query string into its key-value pairs, in order and unescaped as
// fasthttp does ('+' is a space), and returns them in the shape of fasthttp's Args.VisitAll.
func queryPairs(query string) func(func(k, v []byte)) {
	type kv struct{ k, v string }
	var pairs []kv
	for _, p := range strings.Split(query, "&") {
		if p == "" {
			continue
		}
		k, v, _ := strings.Cut(p, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		if uv, err := url.QueryUnescape(v); err == nil {
			v = uv
		}
		pairs = append(pairs, kv{k, v})
	}
	return func(f func(k, v []byte)) {
		for _, p := range pairs {
			f([]byte(p.k), []byte(p.v))
		}
	}
}

// FuzzCodeList: the comma-separated code lists of the list endpoints (status, category) and of
// the incident tiles are one rule (codeList): for every value both accept it or both refuse
// it, naming the parameter, and read the same codes; an accepted list holds only codes of the
// enumeration, one per item.
func FuzzCodeList(f *testing.F) {
	cats := categoryNames()
	f.Fuzz(func(t *testing.T, v string, category bool) {
		param, allowed := "status", gridmap.Statuses
		if category {
			param, allowed = "category", cats
		}
		list, err := codeList(param, v, allowed)
		if err != nil {
			checkInvalid(t, err, nil, param)
		}
		for _, c := range list {
			if _, ok := gridmap.Lookup(allowed, c); !ok {
				t.Fatalf("%s %q accepted the unknown code %q", param, v, c)
			}
		}
		if err == nil && v != "" && len(list) != strings.Count(v, ",")+1 {
			t.Fatalf("%s %q read as %d codes", param, v, len(list))
		}
		filter, terr := parseTileFilter(incidentTiles(t), func(f func(k, v []byte)) { f([]byte(param), []byte(v)) })
		if terr != nil {
			checkInvalid(t, terr, nil, param)
		}
		if (err == nil) != (terr == nil) {
			t.Fatalf("%s=%q: the list endpoints say %v, the tiles %v", param, v, err, terr)
		}
		tileList := filter.Statuses
		if category {
			tileList = filter.Categories
		}
		if err == nil && !slices.Equal(list, tileList) {
			t.Fatalf("%s=%q: the list endpoints read %q, the tiles %q", param, v, list, tileList)
		}
	})
}

// FuzzTileFilter: a tile filter is a query string of since, until, category and status. A
// rejected one is a gridmap.Error naming a parameter; an accepted one is valid, and its
// canonical query (Filter.Query, which TileJSON puts in tile URLs) reads back to the same
// filter. Tiles of other layers take no parameter at all.
func FuzzTileFilter(f *testing.F) {
	grids, _ := gridmap.LayerByID(gridmap.LayerGrids)
	f.Fuzz(func(t *testing.T, query string) {
		info := incidentTiles(t)
		filter, err := parseTileFilter(info, queryPairs(query))
		var keys []string
		queryPairs(query)(func(k, _ []byte) { keys = append(keys, paramField(string(k))) })
		if err != nil {
			checkInvalid(t, err, nil, append(keys, "until")...)
		} else {
			if err := filter.Validate(); err != nil {
				t.Fatalf("accepted filter does not validate: %v", err)
			}
			canon := filter.Query()
			again, err := parseTileFilter(info, queryPairs(canon))
			if err != nil {
				t.Fatalf("filter %q: its canonical query %q is rejected: %v", query, canon, err)
			}
			if q := again.Query(); q != canon || !sameFilter(again, filter) {
				t.Fatalf("filter %q: canonical query %q reads back as %q", query, canon, q)
			}
		}
		gf, err := parseTileFilter(grids, queryPairs(query))
		switch {
		case len(keys) == 0 && (err != nil || !gf.IsZero()):
			t.Fatalf("grid tiles without parameters: %+v, %v", gf, err)
		case len(keys) > 0:
			checkInvalid(t, err, nil, keys[0])
		}
	})
}

// sameFilter reports whether two filters select the same incidents.
func sameFilter(a, b tileservice.Filter) bool {
	set := func(vs []string) []string {
		out := slices.Clone(vs)
		slices.Sort(out)
		return slices.Compact(out)
	}
	return a.Since.Equal(b.Since) && a.Until.Equal(b.Until) &&
		slices.Equal(set(a.Categories), set(b.Categories)) && slices.Equal(set(a.Statuses), set(b.Statuses))
}
