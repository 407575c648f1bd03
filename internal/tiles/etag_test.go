package tiles

import (
	"bytes"
	"compress/gzip"
	"io"
	"regexp"
	"testing"

	"github.com/paulmach/orb"
)

func TestETag(t *testing.T) {
	strong := regexp.MustCompile(`^"[0-9a-f]{32}"$`)
	tests := []struct {
		name string
		a, b []byte
		same bool
	}{
		{"equal bytes", []byte("tile"), []byte("tile"), true},
		{"one byte differs", []byte("tile"), []byte("tilf"), false},
		{"empty", nil, []byte{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ea, eb := ETag(tt.a), ETag(tt.b)
			if !strong.MatchString(ea) {
				t.Errorf("ETag = %s, want a quoted 32-digit hex strong tag", ea)
			}
			if (ea == eb) != tt.same {
				t.Errorf("ETag(%q) = %s, ETag(%q) = %s", tt.a, ea, tt.b, eb)
			}
		})
	}
}

func TestGzip(t *testing.T) {
	l := mustLayer(t, "grids", gridLayer(), Options{})
	raw := mustEncode(t, l, At(orb.Point{fixtureLon, fixtureLat}, 12), GeoJSON)
	var gz Compressor
	z1, err := gz.Gzip(raw)
	if err != nil {
		t.Fatal(err)
	}
	z2, _ := gz.Gzip(raw) // a recycled writer
	if !bytes.Equal(z1, z2) {
		t.Error("Gzip is not deterministic")
	}
	if len(z1) >= len(raw)/2 {
		t.Errorf("gzip %d bytes of %d", len(z1), len(raw))
	}
	r, err := gzip.NewReader(bytes.NewReader(z1))
	if err != nil {
		t.Fatal(err)
	}
	back, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(back, raw) {
		t.Fatalf("gunzip gave %d bytes, err %v", len(back), err)
	}
}
