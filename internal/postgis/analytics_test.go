package postgis_test

import (
	"context"
	"math"
	"sort"
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/dataset/datasettest"
	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/postgis"
	"github.com/gridmap/gridmap/internal/testdb"
)

func TestCoverage(t *testing.T) {
	ctx := context.Background()
	db, err := postgis.Open(ctx, testdb.NewSeeded(t, datasettest.Bundled(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cov, err := db.Coverage(ctx, gridmap.CoverageQuery{WalkM: 500})
	if err != nil {
		t.Fatal(err)
	}
	var grids, noMember int
	db.Pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM staff s WHERE s.grid_code = g.code AND s.role = 'party_member')) FROM grids g`).Scan(&grids, &noMember)
	if len(cov) != grids {
		t.Fatalf("%d grids reported, want %d", len(cov), grids)
	}
	// The nearest distances, found through the index, must equal a full scan's.
	rows, err := db.Pool.Query(ctx, `SELECT g.code,
    (SELECT min(ST_Distance(r.geom::geography, ST_PointOnSurface(g.geom)::geography)) FROM red_positions r),
    (SELECT min(ST_Distance(s.geom::geography, ST_PointOnSurface(g.geom)::geography)) FROM stations s)
FROM grids g ORDER BY g.code`)
	if err != nil {
		t.Fatal(err)
	}
	i, flagged := 0, map[string]int{}
	for rows.Next() {
		var code string
		var red, st float64
		rows.Scan(&code, &red, &st)
		c := cov[i]
		i++
		if c.Grid.Code != code || math.Abs(c.NearestRedPositionM-red) > 1e-6 || math.Abs(c.NearestStationM-st) > 1e-6 {
			t.Errorf("%s: nearest red %v station %v, full scan %v %v", code, c.NearestRedPositionM, c.NearestStationM, red, st)
		}
		for _, g := range c.Gaps {
			flagged[g]++
		}
		has := func(gap string) bool {
			for _, g := range c.Gaps {
				if g == gap {
					return true
				}
			}
			return false
		}
		if has(gridmap.GapNoStationNear) != (c.Stations == 0 && c.NearestStationM > 500) {
			t.Errorf("%s: station gap flag wrong: %+v", code, c)
		}
		if has(gridmap.GapNoPartyMember) != (c.PartyMembers == 0) {
			t.Errorf("%s: party member flag wrong", code)
		}
	}
	if flagged[gridmap.GapNoPartyMember] != noMember || noMember == 0 {
		t.Errorf("%d grids flagged without a party member, PostGIS counts %d", flagged[gridmap.GapNoPartyMember], noMember)
	}
	if flagged[gridmap.GapNoStationNear] == 0 {
		t.Error("the bundled data should show grids without a station nearby")
	}
	t.Logf("gaps: %v", flagged)

	one, err := db.Coverage(ctx, gridmap.CoverageQuery{Community: "350181003003"})
	if err != nil || len(one) != 7 || one[0].CommunityName != "融东社区" || one[0].StreetName != "龙山街道" {
		t.Errorf("融东社区 coverage: %d rows, %v", len(one), err)
	}
}

func TestTilingAndHotspots(t *testing.T) {
	ctx := context.Background()
	db, err := postgis.Open(ctx, testdb.NewSeeded(t, datasettest.Bundled(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	probs, err := db.Tiling(ctx, "", "", nil)
	if err != nil || len(probs) != 0 {
		t.Fatalf("bundled tiling should be clean: %v %v", probs, err)
	}
	// Shrink a grid: its community now has a gap.
	if _, err := db.Pool.Exec(ctx, `UPDATE grids SET geom = ST_Multi(ST_Buffer(geom, -0.0003)) WHERE code = '350181003003001'`); err != nil {
		t.Fatal(err)
	}
	probs, err = db.Tiling(ctx, "350181003", "", nil)
	if err != nil || len(probs) != 1 || probs[0].Kind != "gap" || probs[0].Community != "350181003003" || probs[0].AreaM2 < 1000 {
		t.Errorf("after shrinking a grid: %+v %v", probs, err)
	}

	since := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
	hot, err := db.Hotspots(ctx, gridmap.IncidentFilter{Since: since}, 10000)
	if err != nil {
		t.Fatal(err)
	}
	var total, assigned int
	for _, h := range hot {
		total += h.Incidents
	}
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM incidents WHERE grid_code IS NOT NULL AND reported_at >= $1`, since).Scan(&assigned)
	if total != assigned || !sort.SliceIsSorted(hot, func(i, j int) bool { return hot[i].Per100Households > hot[j].Per100Households }) {
		t.Errorf("hotspots count %d incidents, PostGIS %d; sorted %v", total, assigned, sort.SliceIsSorted(hot, func(i, j int) bool { return hot[i].Per100Households > hot[j].Per100Households }))
	}
	cat, err := db.Hotspots(ctx, gridmap.IncidentFilter{Street: "350181002", Category: []string{"elderly_service"}, Since: since}, 3)
	if err != nil || len(cat) != 3 || cat[0].StreetCode != "350181002" {
		t.Errorf("filtered hotspots: %+v %v", cat, err)
	}

	st, err := db.Stats(ctx, time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if st.Grids < 300 || st.Streets != 7 || st.Open == 0 || len(st.ByStreet) != 7 || len(st.Hourly) != 24 || st.OnTimeRate <= 0 || st.OnTimeRate > 1 {
		t.Errorf("stats: %+v", st)
	}
}
