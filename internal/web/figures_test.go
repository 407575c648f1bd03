package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/clock"
	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/web"
)

// fakeFigures answers the figures of any query with rows of its own making, and keeps the
// queries it was asked.
type fakeFigures struct {
	mu    sync.Mutex
	asked []gridmap.FiguresQuery
}

func (f *fakeFigures) Figures(_ context.Context, q gridmap.FiguresQuery) ([]gridmap.Figures, error) {
	f.mu.Lock()
	f.asked = append(f.asked, q)
	f.mu.Unlock()
	med := 42.5
	row := func(key, name string, n int) gridmap.Figures {
		return gridmap.Figures{Key: key, Name: name, Received: 10 * n, Valid: 9 * n, Dispatched: 8 * n, Responded: 7 * n,
			RespondedOnTime: 6 * n, Resolved: 5 * n, ResolvedOnTime: 3 * n, Callbacks: 4 * n, Satisfied: 2 * n, Basically: n,
			Dissatisfied: n, Unreachable: n, RepeatComplaints: n, Reopened: n, MedianResponseMin: &med}
	}
	if q.By == gridmap.ByAll {
		return []gridmap.Figures{row("all", "", 3)}, nil
	}
	return []gridmap.Figures{row("350181003003", "融东社区", 1), row("350181003004", "融西社区", 2)}, nil
}

func figuresServer(t *testing.T) (*web.Server, *fakeFigures) {
	t.Helper()
	db := openMini(t)
	store := &fakeFigures{}
	deps := web.Deps{Divisions: db, Health: db, Figures: store}
	tok := withAccounts(t, &deps, db)
	now := time.Date(2026, 11, 24, 15, 0, 0, 0, gridmap.ChinaTime)
	return serve(web.New(deps, web.Options{Clock: clock.Fixed(now)}), tok), store
}

// TestFigureFields: GET /api/v1/figures names every field of its rows (fields), each rate
// with the counts it divides, and those agree with the rates it gives; total is the whole of
// what was asked, computed by the store as one row with the same filters and period; the
// monthly report's columns are fields of the same table, and its CSV is headed with their names.
func TestFigureFields(t *testing.T) {
	s, store := figuresServer(t)
	r := get(t, s, "/api/v1/figures?by=community&street=350181003&since=2026-11-01&until=2026-11-24&rank=on_time_rate")
	if r.status != 200 {
		t.Fatalf("GET /api/v1/figures: %d %s", r.status, r.body)
	}
	type field struct {
		Key, ZH, EN, Kind string
		Num               []string
		Den               string
	}
	var doc struct {
		Rows   []map[string]any
		Total  map[string]any
		Fields []field
	}
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Rows) != 2 || doc.Total == nil || doc.Total["key"] != "all" || doc.Total["received"] != 30.0 {
		t.Fatalf("rows %v, total %v; want the store's two rows and its one row of everything", doc.Rows, doc.Total)
	}
	var all []gridmap.FiguresQuery
	for _, q := range store.asked {
		if q.By == gridmap.ByAll {
			all = append(all, q)
		}
	}
	if len(all) != 2 || all[0].Street != "350181003" || !all[0].Since.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, gridmap.ChinaTime)) ||
		!all[0].Until.Equal(time.Date(2026, 11, 25, 0, 0, 0, 0, gridmap.ChinaTime)) || !all[1].Until.Equal(all[0].Since) {
		t.Errorf("the total was asked as %+v; want the street and period asked, and the period before", all)
	}
	named := map[string]field{}
	for _, f := range doc.Fields {
		if f.ZH == "" || f.EN == "" || f.Kind == "" {
			t.Errorf("field %+v lacks a name or a kind", f)
		}
		named[f.Key] = f
	}
	for _, row := range append(doc.Rows, doc.Total) {
		for k := range row {
			if _, ok := named[k]; !ok && k != "change" {
				t.Errorf("the rows' field %q has no name in fields", k)
			}
		}
		for k, f := range named {
			if _, ok := row[k]; !ok {
				t.Errorf("fields names %q, which the rows lack", k)
			}
			if f.Kind != "rate" {
				continue
			}
			num := 0.0
			for _, n := range f.Num {
				num += row[n].(float64)
			}
			want := math.Round(num/row[f.Den].(float64)*1e6) / 1e6 // as the server rounds rates
			if got, _ := row[k].(float64); got != want {
				t.Errorf("%s of %s: %v; fields say %v / %s = %v", k, row["key"], row[k], f.Num, f.Den, want)
			}
		}
	}
	for _, rate := range []string{"response_rate", "resolution_rate", "on_time_rate", "satisfaction_rate", "dissatisfied_rate"} {
		if f := named[rate]; f.Kind != "rate" || len(f.Num) == 0 || f.Den == "" {
			t.Errorf("fields do not say how %s is counted: %+v", rate, f)
		}
	}

	r = get(t, s, "/api/v1/reports/monthly?street=350181003&month=2026-11")
	var month struct {
		Columns []field
		Fields  []field
	}
	if err := json.Unmarshal(r.body, &month); r.status != 200 || err != nil {
		t.Fatalf("the monthly report: %d %v %s", r.status, err, r.body)
	}
	if !slices.EqualFunc(month.Fields, doc.Fields, func(a, b field) bool { return a.Key == b.Key && a.ZH == b.ZH && a.EN == b.EN }) {
		t.Errorf("the monthly report's fields differ from the figures': %v", month.Fields)
	}
	var heads []string
	for _, c := range month.Columns {
		if f, ok := named[c.Key]; !ok || f.ZH != c.ZH || f.EN != c.EN {
			t.Errorf("the monthly column %+v is not the field %+v", c, f)
		}
		heads = append(heads, c.ZH)
	}
	if len(heads) == 0 {
		t.Fatal("the monthly report has no columns")
	}
	r = get(t, s, "/api/v1/reports/monthly?street=350181003&month=2026-11&f=csv")
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.body), "\ufeff")))
	cr.FieldsPerRecord = -1 // a heading line, a table, an empty line, the next heading
	recs, err := cr.ReadAll()
	if r.status != 200 || err != nil {
		t.Fatalf("the monthly CSV: %d %v", r.status, err)
	}
	found := false
	for _, rec := range recs {
		found = found || slices.Equal(rec, heads)
	}
	if !found {
		t.Errorf("no line of the monthly CSV is headed %v:\n%s", heads, r.body)
	}
}
