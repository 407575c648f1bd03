package simulate_test

import (
	"context"
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/dataset/datasettest"
	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/intake"
	"github.com/gridmap/gridmap/internal/postgis"
	"github.com/gridmap/gridmap/internal/simulate"
	"github.com/gridmap/gridmap/internal/spatial"
	"github.com/gridmap/gridmap/internal/testdb"
)

// TestSimulatedCity runs the city over the bundled dataset (its incidents end 2026-11-24 00:00
// China time) with the clock at 10:00 that morning: it fills in the ten hours since, in the
// dataset's manner, then reports and works through an hour more.
func TestSimulatedCity(t *testing.T) {
	ctx := context.Background()
	db, err := postgis.Open(ctx, testdb.NewSeeded(t, datasettest.Bundled(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, gridmap.ChinaTime)
	clockNow := func() time.Time { return now }
	db.Clock = fixed{&now}
	loc, err := intake.LoadLocator(ctx, db, spatial.Options{})
	if err != nil {
		t.Fatal(err)
	}
	in := &intake.Service{Store: db, Locator: func() intake.Locator { return loc }, Now: clockNow}
	const perHour = 60
	city := simulate.New(db, in, simulate.Options{PerHour: perHour, Seed: 7, Now: clockNow})
	if err := city.Learn(ctx); err != nil {
		t.Fatal(err)
	}
	if err := city.Backfill(ctx); err != nil {
		t.Fatal(err)
	}
	sim := func(sql string) int {
		t.Helper()
		var n int
		if err := db.Pool.QueryRow(ctx, sql).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	filled := sim(`SELECT count(*) FROM incidents WHERE simulated`)
	// Ten morning hours, from midnight, at a mean of 60 an hour bent by the hour: night hours
	// are quieter than the mean, the morning busier.
	if filled < 150 || filled > 1200 || filled != city.Reported {
		t.Errorf("the city filled in %d reports (it counted %d); want a few hundred for 10 hours at %d an hour", filled, city.Reported, perHour)
	}
	if n := sim(`SELECT count(*) FROM incidents WHERE simulated AND (reported_at > '2026-11-24T10:00:00+08' OR reported_at < '2026-11-23T23:00:00+08')`); n != 0 {
		t.Errorf("%d filled-in reports lie outside the hours since the dataset's newest", n)
	}
	night := sim(`SELECT count(*) FROM incidents WHERE simulated AND reported_at < '2026-11-24T06:00:00+08'`)
	morning := sim(`SELECT count(*) FROM incidents WHERE simulated AND reported_at >= '2026-11-24T06:00:00+08'`)
	if night*4/6 >= morning {
		t.Errorf("%d reports in the six night hours and %d in the four morning hours: the city has no rhythm", night, morning)
	}
	// Drawn from the dataset: its categories, channels and coordinate systems, inside its grids.
	if n := sim(`SELECT count(DISTINCT category) FROM incidents WHERE simulated`); n < 6 {
		t.Errorf("the filled-in reports have %d categories", n)
	}
	if n := sim(`SELECT count(*) FROM incidents WHERE simulated AND reported_crs = 'gcj02'`); n == 0 {
		t.Error("no filled-in report came in GCJ-02, as phone apps send them")
	}
	if n := sim(`SELECT count(*) FROM incidents WHERE simulated AND assign_method = 'contains'`); n < filled*8/10 {
		t.Errorf("only %d of %d filled-in reports lie in a grid", n, filled)
	}
	// Each at the status its life so far reached: the early ones further along.
	if n := sim(`SELECT count(DISTINCT status) FROM incidents WHERE simulated`); n < 3 {
		t.Errorf("the filled-in reports are in %d statuses, want the workflow under way", n)
	}
	if n := sim(`SELECT count(*) FROM incidents WHERE simulated AND status IN ('resolved', 'closed') AND (resolved_at IS NULL OR resolved_at > '2026-11-24T10:00:00+08')`); n != 0 {
		t.Errorf("%d resolved reports have no resolution time before now", n)
	}

	// The filled-in hours went round the loop: dispatched to grid staff and departments,
	// responded to, some returned, some resolved already (callbacks come half a day after).
	if n := sim(`SELECT count(*) FROM incidents WHERE simulated AND first_dispatched_at IS NOT NULL`); n < filled/2 {
		t.Errorf("only %d of %d filled-in reports were dispatched", n, filled)
	}
	if n := sim(`SELECT count(*) FROM incidents WHERE simulated AND department_code IS NOT NULL`); n == 0 {
		t.Error("no filled-in report went to a department")
	}
	if n := sim(`SELECT count(*) FROM incidents WHERE simulated AND first_responded_at IS NOT NULL`); n == 0 {
		t.Error("no dispatch was responded to")
	}
	if n := sim(`SELECT count(*) FROM incident_events e JOIN incidents i ON i.id = e.incident_id WHERE i.simulated AND e.kind = 'return'`); n == 0 {
		t.Error("no dispatch was returned (退单)")
	}
	if n := sim(`SELECT count(*) FROM incidents WHERE simulated AND resolved_at IS NOT NULL`); n == 0 {
		t.Error("no filled-in report was resolved in ten hours")
	}
	if n := sim(`SELECT count(*) FROM incident_events e JOIN incidents i ON i.id = e.incident_id
		WHERE i.simulated AND (e.at < i.reported_at OR e.at > '2026-11-24T10:00:00+08')`); n != 0 {
		t.Errorf("%d steps were recorded before their report or after now", n)
	}

	// An hour later: about 60 more reports (more in the morning), and open incidents moved.
	before := city.Reported
	now = now.Add(time.Hour)
	if err := city.Step(ctx, now.Add(-time.Hour), now); err != nil {
		t.Fatal(err)
	}
	if got := city.Reported - before; got < 30 || got > 200 {
		t.Errorf("one hour at 10:00 brought %d reports, want about %d or more", got, perHour)
	}
	if city.Moved == 0 {
		t.Error("an hour went by and no incident moved through the workflow")
	}
	if n := sim(`SELECT count(*) FROM incident_events WHERE actor = '` + simulate.ActorName + `'`); n != city.Moved {
		t.Errorf("%d workflow moves recorded as the simulated city, it counted %d", n, city.Moved)
	}
	if n := sim(`SELECT count(*) FROM incidents WHERE simulated AND (status = 'reported' AND assign_method <> 'unassigned'
		OR status IN ('assigned', 'accepted', 'in_progress') AND assign_method = 'unassigned')`); n != 0 {
		t.Errorf("%d simulated incidents are reported but in a grid, or assigned but in none", n)
	}
}

type fixed struct{ t *time.Time }

func (f fixed) Now() time.Time { return *f.t }
