package intake_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/calendar"
	"github.com/gridmap/gridmap/internal/crs"
	"github.com/gridmap/gridmap/internal/dataset"
	"github.com/gridmap/gridmap/internal/dataset/datasettest"
	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/intake"
	"github.com/gridmap/gridmap/internal/postgis"
	"github.com/gridmap/gridmap/internal/spatial"
	"github.com/gridmap/gridmap/internal/testdb"
)

// miniLocator is the index over the mini dataset's two grids.
func miniLocator(t *testing.T) *intake.GridLocator {
	t.Helper()
	d, err := dataset.Load(datasettest.Dir(), dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	loc, err := intake.NewGridLocator(d.Grids, d.Communities, d.Streets, spatial.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestPrepare(t *testing.T) {
	loc := miniLocator(t)
	now := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC) // Wednesday 10:00 in Fuqing
	gLon, gLat := crs.WGS84ToGCJ02(119.375, 25.73)
	tests := []struct {
		name       string
		rep        gridmap.Report
		grid       string
		method     string
		status     string
		errorField string
	}{
		{"wgs84 inside grid 1", gridmap.Report{Lon: 119.375, Lat: 25.73, Category: "noise", Channel: "walk_in"}, "350181003003001", "contains", "assigned", ""},
		{"gcj02 twin of the same point", gridmap.Report{Lon: gLon, Lat: gLat, CRS: "gcj02", Category: "noise", Channel: "walk_in"}, "350181003003001", "contains", "assigned", ""},
		{"on the shared edge goes east", gridmap.Report{Lon: 119.38, Lat: 25.73, Category: "noise", Channel: "walk_in"}, "350181003003002", "contains", "assigned", ""},
		{"150 m outside", gridmap.Report{Lon: 119.3915, Lat: 25.73, Category: "noise", Channel: "walk_in"}, "350181003003002", "nearest", "assigned", ""},
		{"far away", gridmap.Report{Lon: 120.5, Lat: 25.73, Category: "noise", Channel: "walk_in"}, "", "unassigned", "reported", ""},
		{"bad category", gridmap.Report{Lon: 119.375, Lat: 25.73, Category: "ufo", Channel: "walk_in"}, "", "", "", "category"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, hash, errs := intake.Prepare(loc, calendar.Default(), tt.rep, now)
			if tt.errorField != "" {
				if len(errs) == 0 || errs[0].Field != tt.errorField {
					t.Fatalf("errors %v, want one naming %s", errs, tt.errorField)
				}
				return
			}
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			if in.Assignment.GridCode != tt.grid || in.Assignment.Method != tt.method || in.Status != tt.status {
				t.Errorf("got %s %s %s", in.Assignment.GridCode, in.Assignment.Method, in.Status)
			}
			if in.Reported[0] != tt.rep.Lon || in.ClientKey == "" || len(hash) != 32 || !in.ReportedAt.Equal(now) {
				t.Errorf("kept %v, key %q, hash %d bytes, reported %v", in.Reported, in.ClientKey, len(hash), in.ReportedAt)
			}
			// noise has 24 working hours: three working days and three hours after 10:00 Wednesday.
			if want := calendar.Default().DueAt(now, 24); !in.DueAt.Equal(want) {
				t.Errorf("due %v, want %v", in.DueAt, want)
			}
		})
	}
}

// TestCommitterSharesStatements stores many single reports at once through a started service
// and checks each is answered with its own, committed incident.
func TestCommitterSharesStatements(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := postgis.Open(ctx, testdb.NewSeeded(t, datasettest.MiniDivisions()), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	loc := miniLocator(t)
	svc := &intake.Service{Store: db, Locator: func() intake.Locator { return loc }}
	svc.Start(ctx, 2)
	const n = 200
	ids := make([]int64, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			in, created, err := svc.Report(ctx, gridmap.Report{ClientID: fmt.Sprintf("c-%d", i%150), KeySource: gridmap.KeyIdempotency, Lon: 119.375, Lat: 25.73,
				Category: "noise", Channel: "walk_in", Description: fmt.Sprint(i % 150)})
			if err != nil {
				t.Error(err)
				return
			}
			_ = created
			ids[i] = in.ID
		}(i)
	}
	wg.Wait()
	for i := 150; i < n; i++ {
		if ids[i] != ids[i-150] {
			t.Errorf("report %d and its repeat %d got incidents %d and %d", i-150, i, ids[i-150], ids[i])
		}
	}
	var stored, events int
	db.Pool.QueryRow(ctx, `SELECT count(*), (SELECT count(*) FROM incident_events) FROM incidents`).Scan(&stored, &events)
	if stored != 150 || events != 150 {
		t.Errorf("%d incidents and %d events stored, want 150 of each", stored, events)
	}
}
