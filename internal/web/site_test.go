package web_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/clock"
	"github.com/gridmap/gridmap/internal/postgis"
	"github.com/gridmap/gridmap/internal/testdb"
	"github.com/gridmap/gridmap/internal/web"
)

// TestSite: the pages learn the server clock's time and whether they show demo data.
func TestSite(t *testing.T) {
	at := time.Date(2027, 12, 1, 9, 0, 0, 0, time.UTC)
	empty, err := postgis.Open(context.Background(), testdb.New(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	mini := openMini(t) // its divisions say "synthetic": true
	tests := []struct {
		name       string
		db         *postgis.DB
		simulating bool
		demo       bool
	}{
		{"real data", empty, false, false},
		{"synthetic divisions", mini, false, true},
		{"a simulated city", empty, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := web.New(web.Deps{Divisions: tt.db, Analytics: tt.db, Health: tt.db}, web.Options{Clock: clock.Fixed(at), Simulating: tt.simulating})
			r := get(t, s, "/api/v1/site")
			var body struct {
				Now        time.Time `json:"now"`
				Demo       bool      `json:"demo"`
				Simulating bool      `json:"simulating"`
			}
			if err := json.Unmarshal(r.body, &body); err != nil || r.status != 200 {
				t.Fatalf("%d %s", r.status, r.body)
			}
			if !body.Now.Equal(at) || body.Demo != tt.demo || body.Simulating != tt.simulating {
				t.Errorf("site says %+v, want now %v, demo %v", body, at, tt.demo)
			}
		})
	}
}
