package postgis

import (
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridmap/gridmap/internal/gridmap"
)

func TestWhere(t *testing.T) {
	tests := []struct {
		name  string
		build func(w *where)
		sql   string
		args  []any
	}{
		{"empty", func(w *where) {}, "", nil},
		{"one", func(w *where) { w.add("street_code = ?", "350181003") }, " WHERE street_code = $1", []any{"350181003"}},
		{"bbox after value", func(w *where) {
			w.add("street_code = ?", "350181003")
			w.addBBox("geom", gridmap.DivisionFilter{BBox: &orb.Bound{Min: orb.Point{1, 2}, Max: orb.Point{3, 4}}})
		}, " WHERE street_code = $1 AND geom && ST_MakeEnvelope($2, $3, $4, $5, 4326) AND ST_Intersects(geom, ST_MakeEnvelope($2, $3, $4, $5, 4326))",
			[]any{"350181003", 1.0, 2.0, 3.0, 4.0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w where
			tt.build(&w)
			if got := w.String(); got != tt.sql {
				t.Errorf("sql:\n got %q\nwant %q", got, tt.sql)
			}
			if !reflect.DeepEqual(w.args, tt.args) {
				t.Errorf("args: got %v want %v", w.args, tt.args)
			}
		})
	}
}
