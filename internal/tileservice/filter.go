package tileservice

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// Filter selects the incidents drawn in a tile; the zero Filter selects all of them. Only the
// incident layer takes a filter.
type Filter struct {
	Since, Until time.Time // on reported_at; Until exclusive; zero: open
	Categories   []string  // any of these; empty: all
	Statuses     []string  // any of these; empty: all
}

// IsZero reports whether the filter selects everything.
func (f Filter) IsZero() bool {
	return f.Since.IsZero() && f.Until.IsZero() && len(f.Categories) == 0 && len(f.Statuses) == 0
}

// normalized returns the filter with its lists sorted and without repeats and its times in
// UTC, so that equal selections share one cache entry and one tile URL.
func (f Filter) normalized() Filter {
	norm := func(vs []string) []string {
		if len(vs) == 0 {
			return nil
		}
		out := slices.Clone(vs)
		slices.Sort(out)
		return slices.Compact(out)
	}
	out := Filter{Categories: norm(f.Categories), Statuses: norm(f.Statuses)}
	if !f.Since.IsZero() {
		out.Since = f.Since.UTC()
	}
	if !f.Until.IsZero() {
		out.Until = f.Until.UTC()
	}
	return out
}

// Query returns the filter as the query string of a tile URL ("" for the zero filter), in one
// canonical form: keys sorted, lists sorted and comma-separated, times in RFC 3339 UTC.
func (f Filter) Query() string {
	f = f.normalized()
	v := url.Values{}
	if !f.Since.IsZero() {
		v.Set("since", f.Since.Format(time.RFC3339Nano))
	}
	if !f.Until.IsZero() {
		v.Set("until", f.Until.Format(time.RFC3339Nano))
	}
	if len(f.Categories) > 0 {
		v.Set("category", strings.Join(f.Categories, ","))
	}
	if len(f.Statuses) > 0 {
		v.Set("status", strings.Join(f.Statuses, ","))
	}
	return v.Encode()
}

// match reports whether an incident passes the filter.
func (f Filter) match(in *incident) bool {
	if !f.Since.IsZero() && in.reportedAt.Before(f.Since) {
		return false
	}
	if !f.Until.IsZero() && !in.reportedAt.Before(f.Until) {
		return false
	}
	if len(f.Categories) > 0 && !slices.Contains(f.Categories, in.category) {
		return false
	}
	if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, in.status) {
		return false
	}
	return true
}

// Validate checks the filter's values against the catalogue, naming the query parameter at
// fault.
func (f Filter) Validate() error {
	for _, c := range f.Categories {
		if _, ok := gridmap.CategoryByCode(c); !ok {
			codes := make([]string, len(gridmap.Categories))
			for i, c := range gridmap.Categories {
				codes[i] = c.Code
			}
			return gridmap.Invalid("category", "unknown category %q; categories are %s", c, strings.Join(codes, ", "))
		}
	}
	for _, st := range f.Statuses {
		if !slices.ContainsFunc(gridmap.Statuses, func(n gridmap.Named) bool { return n.Code == st }) {
			codes := make([]string, len(gridmap.Statuses))
			for i, n := range gridmap.Statuses {
				codes[i] = n.Code
			}
			return gridmap.Invalid("status", "unknown status %q; statuses are %s", st, strings.Join(codes, ", "))
		}
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Until.After(f.Since) {
		return gridmap.Invalid("until", "until (%s) must be after since (%s)", f.Until.Format(time.RFC3339), f.Since.Format(time.RFC3339))
	}
	return nil
}
