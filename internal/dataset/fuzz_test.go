package dataset

// Fuzz targets for the two doors of outside data into gridmap's divisions: one grid feature
// (the body of a grid edit, ParseGrid) and one layer file of a dataset (the reader behind
// Load).

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb/geojson"

	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/strictjson"
)

// checkGrid fails unless g is a grid the import may store: a well-formed code that its
// community and street codes are prefixes of, counts within their bounds, a name of one line
// of valid UTF-8 without NUL, and a non-empty multipolygon of closed rings of 4 or more
// positions, every coordinate a longitude/latitude.
func checkGrid(t *testing.T, g gridmap.Grid) {
	t.Helper()
	switch {
	case !gridmap.ValidGridCode(g.Code):
		t.Fatalf("accepted grid code %q", g.Code)
	case g.CommunityCode != gridmap.CommunityOf(g.Code) || g.StreetCode != gridmap.StreetOf(g.Code):
		t.Fatalf("grid %s has community %q and street %q", g.Code, g.CommunityCode, g.StreetCode)
	case g.Households < 0 || g.Households > MaxGridHouseholds:
		t.Fatalf("grid %s has %d households", g.Code, g.Households)
	case g.Population < 0 || g.Population > MaxGridPopulation:
		t.Fatalf("grid %s has %d people", g.Code, g.Population)
	case g.Name == "" || !utf8.ValidString(g.Name) || strings.ContainsRune(g.Name, 0) || utf8.RuneCountInString(g.Name) > gridmap.MaxName:
		t.Fatalf("grid %s has the name %q", g.Code, g.Name)
	case strings.IndexFunc(g.Name, unicode.IsControl) >= 0:
		t.Fatalf("grid %s has a control character in its name %q", g.Code, g.Name)
	case len(g.Geometry) == 0:
		t.Fatalf("grid %s has no geometry", g.Code)
	}
	for i, p := range g.Geometry {
		if len(p) == 0 {
			t.Fatalf("grid %s: polygon %d has no rings", g.Code, i)
		}
		for j, r := range p {
			if len(r) < 4 || r[0] != r[len(r)-1] {
				t.Fatalf("grid %s: polygon %d ring %d is not a closed ring of 4 or more positions: %v", g.Code, i, j, r)
			}
			for _, q := range r {
				if math.IsNaN(q[0]) || math.IsNaN(q[1]) || q[0] < -180 || q[0] > 180 || q[1] < -90 || q[1] > 90 {
					t.Fatalf("grid %s: coordinate %v", g.Code, q)
				}
			}
		}
	}
}

// gridFeature writes a grid as the GeoJSON Feature a client would PUT.
func gridFeature(t *testing.T, g gridmap.Grid) []byte {
	t.Helper()
	f := geojson.NewFeature(g.Geometry)
	f.Properties = geojson.Properties{"code": g.Code, "name": g.Name, "households": g.Households, "population": g.Population}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzParseGrid: a grid edit's body is either accepted as a grid the import may store
// (checkGrid), with the URL's code when the body gives none, that reads back the same when
// written out again and that a dataset file holding the same feature yields too; or rejected,
// every problem located at the source and naming its field, except a problem with the whole
// feature (Field "", which the web layer names "body"), which only a body that is not one
// strict JSON object has.
func FuzzParseGrid(f *testing.F) {
	f.Fuzz(func(t *testing.T, feature []byte, code string) {
		g, problems := ParseGrid(feature, "request body", code)
		if len(problems) > 0 {
			var obj map[string]json.RawMessage
			whole := strictjson.Check(feature) != nil || json.Unmarshal(feature, &obj) != nil || obj == nil
			for _, p := range problems {
				if p.File != "request body" || p.Index != -1 || p.Layer != Grids || p.Reason == "" {
					t.Fatalf("problem %+v is not located at the request body", p)
				}
				if p.Field == "" && !whole {
					t.Fatalf("problem %q names no field, but the body is a JSON object", p.Reason)
				}
			}
			return
		}
		checkGrid(t, g)
		var body struct {
			Properties struct {
				Code *string `json:"code"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(feature, &body); err != nil {
			t.Fatalf("accepted body does not decode: %v", err)
		}
		if want := code; body.Properties.Code != nil && *body.Properties.Code != "" {
			want = *body.Properties.Code
			if g.Code != want {
				t.Fatalf("grid code %q, the body says %q", g.Code, want)
			}
		} else if g.Code != code {
			t.Fatalf("grid code %q, the URL says %q", g.Code, code)
		}

		out := gridFeature(t, g)
		again, problems := ParseGrid(out, "written out", "")
		if len(problems) > 0 {
			t.Fatalf("grid written out as %s is rejected: %v", out, problems)
		}
		if !reflect.DeepEqual(again, g) {
			t.Fatalf("grid %+v reads back as %+v", g, again)
		}
		r := newReader("fuzz")
		r.read("grids.geojson", []byte(`{"type":"FeatureCollection","features":[`+string(out)+`]}`), Grids)
		d, err := r.finish()
		if err != nil || len(d.Grids) != 1 || !reflect.DeepEqual(d.Grids[0], g) {
			t.Fatalf("the same grid in a dataset file: %v, %v", d.Grids, err)
		}
	})
}

// FuzzLoad: one layer file of a dataset, read the way Load reads it, is either accepted, and
// then it is one strict JSON object (valid UTF-8, no member twice, nothing after it) whose every
// feature was loaded into its layer and no other, grids being grids the import may store; or
// rejected with problems that each name the file, a line within it and a feature index or -1,
// and say what is wrong.
func FuzzLoad(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, layerIndex uint8) {
		layer := Layers[int(layerIndex)%len(Layers)]
		const name = "fuzz.geojson"
		r := newReader("fuzz")
		r.read(name, data, layer)
		d, err := r.finish()
		if err != nil {
			ps, ok := err.(Problems)
			if !ok || len(ps) == 0 {
				t.Fatalf("error %v (%T) is not a list of problems", err, err)
			}
			lines := strings.Count(string(data), "\n") + 1
			for _, p := range ps {
				if p.File != name || p.Reason == "" || p.Index < -1 || p.Line < 0 || p.Line > lines {
					t.Fatalf("problem %+v: want file %s, a reason, an index ≥ -1 and a line 0..%d", p, name, lines)
				}
				if p.Index >= 0 && p.Layer != layer {
					t.Fatalf("problem %+v of a feature names layer %q, want %q", p, p.Layer, layer)
				}
			}
			return
		}
		if err := strictjson.Check(data); err != nil {
			t.Fatalf("accepted a %s file that is not one strict JSON value: %v", layer, err)
		}
		var fc struct {
			Features []json.RawMessage `json:"features"`
		}
		if err := json.Unmarshal(data, &fc); err != nil {
			t.Fatalf("accepted a %s file that does not decode: %v", layer, err)
		}
		for l, n := range d.Count() {
			if want := map[bool]int{true: len(fc.Features)}[l == layer]; n != want {
				t.Fatalf("%s file of %d features loaded %d %s", layer, len(fc.Features), n, l)
			}
		}
		for _, g := range d.Grids {
			checkGrid(t, g)
		}
		if !d.AsOf.IsZero() && layer != Incidents {
			t.Fatalf("a %s file set as_of", layer)
		}
	})
}
