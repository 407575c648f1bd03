package tiles

import (
	"errors"
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func TestParseTile(t *testing.T) {
	tests := []struct {
		name      string
		z, x, y   string
		want      Tile
		wantParam string // "" for success
	}{
		{name: "world", z: "0", x: "0", y: "0", want: Tile{0, 0, 0}},
		{name: "fuqing z14", z: "14", x: "13624", y: "6979", want: Tile{14, 13624, 6979}},
		{name: "last tile of z22", z: "22", x: "4194303", y: "4194303", want: Tile{22, 4194303, 4194303}},
		{name: "zoom too deep", z: "23", x: "0", y: "0", wantParam: "z"},
		{name: "zoom huge", z: "99999999999999999999999", x: "0", y: "0", wantParam: "z"},
		{name: "zoom negative", z: "-1", x: "0", y: "0", wantParam: "z"},
		{name: "zoom empty", z: "", x: "0", y: "0", wantParam: "z"},
		{name: "zoom with sign", z: "+3", x: "0", y: "0", wantParam: "z"},
		{name: "zoom leading zero", z: "03", x: "0", y: "0", wantParam: "z"},
		{name: "x beyond zoom", z: "2", x: "4", y: "0", wantParam: "x"},
		{name: "x not a number", z: "2", x: "1.5", y: "0", wantParam: "x"},
		{name: "x overflows uint32", z: "22", x: "4294967296", y: "0", wantParam: "x"},
		{name: "y beyond zoom", z: "0", x: "0", y: "1", wantParam: "y"},
		{name: "y with space", z: "1", x: "0", y: " 1", wantParam: "y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTile(tt.z, tt.x, tt.y)
			if tt.wantParam == "" {
				if err != nil || got != tt.want {
					t.Fatalf("ParseTile = %v, %v; want %v", got, err, tt.want)
				}
				if got.String() != tt.z+"/"+tt.x+"/"+tt.y {
					t.Errorf("String() = %q", got.String())
				}
				return
			}
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Param != tt.wantParam || !errors.Is(err, ErrInvalidTile) {
				t.Fatalf("err = %v, want a ParamError for %q wrapping ErrInvalidTile", err, tt.wantParam)
			}
			if msg := err.Error(); len(msg) < 7 || msg[:7] != "tiles: " {
				t.Errorf("message %q lacks the tiles: prefix", msg)
			}
		})
	}
}

func TestTileValidate(t *testing.T) {
	tests := []struct {
		name      string
		tile      Tile
		wantParam string
	}{
		{"ok", Tile{3, 7, 7}, ""},
		{"z", Tile{23, 0, 0}, "z"},
		{"x", Tile{3, 8, 0}, "x"},
		{"y", Tile{3, 0, 8}, "y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.tile.Validate()
			var pe *ParamError
			switch {
			case tt.wantParam == "" && err != nil:
				t.Fatalf("Validate = %v", err)
			case tt.wantParam != "" && (!errors.As(err, &pe) || pe.Param != tt.wantParam):
				t.Fatalf("Validate = %v, want error on %s", err, tt.wantParam)
			}
		})
	}
}

func TestTileGeometry(t *testing.T) {
	p := orb.Point{fixtureLon, fixtureLat}
	for z := uint32(0); z <= MaxZoom; z++ {
		tile := At(p, z)
		if err := tile.Validate(); err != nil {
			t.Fatalf("At(z%d) = %v: %v", z, tile, err)
		}
		if b := tile.Bound(); !b.Contains(p) {
			t.Errorf("z%d: %v bound %v does not contain %v", z, tile, b, p)
		}
	}
	if got := At(orb.Point{180, -90}, 1); got != (Tile{1, 1, 1}) {
		t.Errorf("At(south-east corner) = %v, want 1/1/1", got)
	}
	b := Tile{}.Bound()
	if math.Abs(b.Min[0]+180) > 1e-9 || math.Abs(b.Max[1]-maxLat) > 1e-9 {
		t.Errorf("world bound %v", b)
	}
	x, y := project(fixtureLon, fixtureLat)
	lon, lat := unproject(x, y)
	if math.Abs(lon-fixtureLon) > 1e-12 || math.Abs(lat-fixtureLat) > 1e-12 {
		t.Errorf("project/unproject round trip gave %v, %v", lon, lat)
	}
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		ext         string
		want        Format
		contentType string
	}{
		{"mvt", MVT, "application/vnd.mapbox-vector-tile"},
		{"geojson", GeoJSON, "application/geo+json"},
		{"pbf", 0, ""},
		{"MVT", 0, ""},
		{"", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.ext, func(t *testing.T) {
			f, err := ParseFormat(tt.ext)
			if tt.want == 0 {
				var pe *ParamError
				if !errors.As(err, &pe) || pe.Param != "format" || !errors.Is(err, ErrUnknownFormat) {
					t.Fatalf("ParseFormat(%q) err = %v", tt.ext, err)
				}
				return
			}
			if err != nil || f != tt.want || f.ContentType() != tt.contentType || f.Ext() != tt.ext {
				t.Fatalf("ParseFormat(%q) = %v, %v (%s)", tt.ext, f, err, f.ContentType())
			}
		})
	}
}
