package tiles

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestNewTileJSON(t *testing.T) {
	l := mustLayer(t, "grids", fixtureGrids(), Options{})
	fields := l.Fields()
	fields[0].Description = "15-digit grid code"
	ts := TileSet{
		LayerID:     l.ID(),
		Name:        "gridmap grids",
		Description: "Unit grids of Fuqing",
		Attribution: "gridmap",
		TilesURL:    "https://gridmap.example/tiles/grids/{z}/{x}/{y}.mvt",
		Bounds:      orb.Bound{Min: orb.Point{119.2, 25.6}, Max: orb.Point{119.5, 25.8}},
		Center:      orb.Point{119.37, 25.73},
		CenterZoom:  13,
		MinZoom:     8,
		MaxZoom:     18,
		Fields:      fields,
	}
	tj, err := NewTileJSON(ts)
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(tj)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"tilejson":"3.0.0","name":"gridmap grids","description":"Unit grids of Fuqing","attribution":"gridmap",` +
		`"scheme":"xyz","tiles":["https://gridmap.example/tiles/grids/{z}/{x}/{y}.mvt"],` +
		`"vector_layers":[{"id":"grids","fields":{"area_km2":"Number","code":"String: 15-digit grid code",` +
		`"has_member":"Boolean","households":"Number","name":"String","note":"String","population":"Number"},` +
		`"description":"Unit grids of Fuqing","minzoom":8,"maxzoom":18}],` +
		`"minzoom":8,"maxzoom":18,"bounds":[119.2,25.6,119.5,25.8],"center":[119.37,25.73,13]}`
	if string(got) != want {
		t.Errorf("TileJSON\n got %s\nwant %s", got, want)
	}

	ts.Center, ts.CenterZoom = orb.Point{}, 0
	tj, err = NewTileJSON(ts)
	if err != nil || math.Abs(tj.Center[0]-119.35) > 1e-9 || math.Abs(tj.Center[1]-25.7) > 1e-9 || tj.Center[2] != 8 {
		t.Errorf("default centre = %v, %v; want the middle of the bounds at minzoom", tj.Center, err)
	}
}

func TestNewTileJSONErrors(t *testing.T) {
	good := TileSet{
		LayerID:  "grids",
		TilesURL: "https://gridmap.example/tiles/grids/{z}/{x}/{y}.mvt",
		Bounds:   orb.Bound{Min: orb.Point{119, 25}, Max: orb.Point{120, 26}},
		MinZoom:  0,
		MaxZoom:  14,
	}
	tests := []struct {
		name   string
		change func(*TileSet)
		want   string
	}{
		{"no layer id", func(s *TileSet) { s.LayerID = "" }, "layer id"},
		{"relative URL", func(s *TileSet) { s.TilesURL = "/tiles/grids/{z}/{x}/{y}.mvt" }, "absolute"},
		{"URL without y", func(s *TileSet) { s.TilesURL = "https://h/tiles/{z}/{x}.mvt" }, "lacks {y}"},
		{"zooms reversed", func(s *TileSet) { s.MinZoom, s.MaxZoom = 10, 5 }, "minzoom <= maxzoom"},
		{"zoom too deep", func(s *TileSet) { s.MaxZoom = 30 }, "maxzoom <= 22"},
		{"bounds reversed", func(s *TileSet) { s.Bounds = orb.Bound{Min: orb.Point{120, 25}, Max: orb.Point{119, 26}} }, "bounds"},
		{"bounds projected", func(s *TileSet) { s.Bounds.Max = orb.Point{13_300_000, 26} }, "bounds"},
		{"centre outside", func(s *TileSet) { s.Center = orb.Point{100, 25.5} }, "outside bounds"},
		{"centre zoom outside", func(s *TileSet) { s.Center, s.CenterZoom = orb.Point{119.5, 25.5}, 15 }, "center zoom"},
		{"field without name", func(s *TileSet) { s.Fields = []Field{{Type: "String"}} }, "no name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := good
			tt.change(&s)
			_, err := NewTileJSON(s)
			if err == nil || !strings.HasPrefix(err.Error(), "tiles: tilejson: ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
