package postgis

import (
	"strconv"
	"strings"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// where builds a WHERE clause from conditions whose values are always bound as $n parameters.
// Column names come only from the callers' string literals, never from input.
type where struct {
	conds []string
	args  []any
}

// add appends a condition written with one "?" for each of its values, in order.
func (w *where) add(cond string, args ...any) {
	for _, a := range args {
		w.args = append(w.args, a)
		cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(w.args)), 1)
	}
	w.conds = append(w.conds, cond)
}

// addNumbered appends a condition that uses its values by number, ?1 … ?9, as often as it
// needs them.
func (w *where) addNumbered(cond string, args ...any) {
	base := len(w.args)
	w.args = append(w.args, args...)
	for k := len(args); k >= 1; k-- { // ?1 last, so that ?1 is not read as the start of ?10
		cond = strings.ReplaceAll(cond, "?"+strconv.Itoa(k), "$"+strconv.Itoa(base+k))
	}
	w.conds = append(w.conds, cond)
}

// addBBox filters a geometry column by a WGS-84 envelope. It compares the column with the
// envelope (&& then ST_Intersects), never a transformed column, so the GiST index is used.
func (w *where) addBBox(column string, f gridmap.DivisionFilter) {
	if f.BBox == nil {
		return
	}
	b := f.BBox
	w.args = append(w.args, b.Min[0], b.Min[1], b.Max[0], b.Max[1])
	n := len(w.args)
	env := "ST_MakeEnvelope($" + strconv.Itoa(n-3) + ", $" + strconv.Itoa(n-2) + ", $" + strconv.Itoa(n-1) + ", $" + strconv.Itoa(n) + ", 4326)"
	w.conds = append(w.conds, column+" && "+env+" AND ST_Intersects("+column+", "+env+")")
}

// addScope keeps the rows whose division code column lies inside the scope; a nil or city
// scope keeps every row. A row with no code (an incident outside every grid) lies only inside
// the city.
func (w *where) addScope(column string, s gridmap.Scope) {
	if p := scopePatterns(s); p != nil {
		w.add(column+" LIKE ANY(?)", p)
	}
}

// scopePatterns are a scope's LIKE patterns (codes are digits: no wildcard inside them), nil
// for no limit (a nil or city scope); an empty scope matches nothing.
func scopePatterns(s gridmap.Scope) []string {
	if s == nil || s.IsCity() {
		return nil
	}
	patterns := make([]string, len(s))
	for i, p := range s {
		patterns[i] = p + "%"
	}
	return patterns
}

// String returns " WHERE a AND b", or "" without conditions.
func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// nextArg returns the placeholder for a value appended after the conditions' own.
func (w *where) nextArg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}
