package dataset

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/gridmap/gridmap/internal/strictjson"
)

// reader accumulates a dataset and its problems across files.
type reader struct {
	d        *Dataset
	problems Problems
}

// rawFeature is a GeoJSON feature before its properties are given a type. RFC 7946 lets a
// feature carry an id and a bbox, which gridmap does not use; any other member is refused, as
// are unknown properties, so that a misspelt property is an error rather than a value lost.
type rawFeature struct {
	Type       string          `json:"type"`
	ID         json.RawMessage `json:"id"`
	BBox       json.RawMessage `json:"bbox"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties json.RawMessage `json:"properties"`
}

// feature is one feature being read, with where it is, for problems.
type feature struct {
	loc   Location
	layer string
	code  string
	raw   rawFeature
	r     *reader
}

// problem records what is wrong with the feature as a whole.
func (f *feature) problem(format string, args ...any) { f.problemAt("", format, args...) }

// problemAt records what is wrong with one part of the feature: "geometry", "properties.name".
func (f *feature) problemAt(field, format string, args ...any) {
	f.r.problems = append(f.r.problems, Problem{Location: f.loc, Layer: f.layer, Code: f.code, Field: field, Reason: fmt.Sprintf(format, args...)})
}

func (r *reader) fileProblem(file string, line int, format string, args ...any) {
	r.problems = append(r.problems, Problem{Location: Location{File: file, Line: line, Index: -1}, Reason: fmt.Sprintf(format, args...)})
}

// readFile reads one FeatureCollection file of the layer.
func (r *reader) readFile(path, layer string) {
	data, err := os.ReadFile(path)
	if err != nil {
		r.fileProblem(path, 0, "%v", err)
		return
	}
	r.read(path, data, layer)
}

// read streams the features of one FeatureCollection, the content of the file path, so that a
// syntax error names the feature it is in and everything before it is still checked. A file
// whose features all read cleanly is then held to strictjson.Check as a whole, for what the
// stream does not see: anything after the collection (a second one, pasted on), a member of
// it twice ("as_of", or "features", whose second list would be read as well), invalid UTF-8
// in a foreign member.
func (r *reader) read(path string, data []byte, layer string) {
	before := len(r.problems)
	r.stream(path, data, layer)
	if len(r.problems) > before {
		return
	}
	if err := strictjson.Check(data); err != nil {
		var e *strictjson.Error
		line, msg := 0, err.Error()
		if errors.As(err, &e) {
			line, msg = newLineIndex(data).line(max(e.Offset, 0)), e.Msg
			if e.Path != "" {
				msg = e.Path + ": " + msg
			}
		}
		r.fileProblem(path, line, "%s", msg)
	}
}

// stream reads a FeatureCollection one member and one feature at a time.
func (r *reader) stream(path string, data []byte, layer string) {
	lines := newLineIndex(data)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	syntax := func(err error, index int) {
		off := dec.InputOffset()
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off = se.Offset
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			err = errors.New("unexpected end of file: the JSON is truncated")
			off = int64(len(bytes.TrimRight(data, " \t\r\n"))) - 1
		}
		p := Problem{Location: Location{File: path, Line: lines.line(off), Index: index}, Layer: layer, Reason: "malformed JSON: " + err.Error()}
		r.problems = append(r.problems, p)
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		if err == nil {
			err = errors.New("a GeoJSON FeatureCollection object must start with {")
		}
		syntax(err, -1)
		return
	}
	sawType, sawFeatures := false, false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			syntax(err, -1)
			return
		}
		key, _ := tok.(string)
		switch key {
		case "type":
			var t string
			if err := dec.Decode(&t); err != nil {
				syntax(err, -1)
				return
			}
			if t != "FeatureCollection" {
				r.fileProblem(path, lines.line(dec.InputOffset()), "type is %q, want FeatureCollection", t)
				return
			}
			sawType = true
		case "features":
			sawFeatures = true
			if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
				if err == nil {
					err = errors.New("features must be an array")
				}
				syntax(err, -1)
				return
			}
			for i := 0; dec.More(); i++ {
				start := skipSpace(data, dec.InputOffset())
				var msg json.RawMessage
				if err := dec.Decode(&msg); err != nil {
					syntax(err, i)
					return
				}
				r.addRaw(msg, Location{File: path, Line: lines.line(start), Index: i}, layer, "")
			}
			if _, err := dec.Token(); err != nil {
				syntax(err, -1)
				return
			}
		case "as_of":
			var v string
			if err := dec.Decode(&v); err != nil {
				syntax(err, -1)
				return
			}
			t, err := time.Parse(time.RFC3339, v)
			if err != nil || layer != Incidents {
				r.fileProblem(path, lines.line(dec.InputOffset()), "as_of %q: want the RFC 3339 instant an incidents file's times are relative to", v)
				continue
			}
			r.d.AsOf = t
		default: // foreign members (RFC 7946 §6.1) are allowed and not used
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				syntax(err, -1)
				return
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		syntax(err, -1)
		return
	}
	if !sawType || !sawFeatures {
		r.fileProblem(path, 1, "not a GeoJSON FeatureCollection: needs \"type\" and \"features\"")
	}
}

// skipSpace returns the offset of the first byte at or after off that is not JSON whitespace or
// a separating comma: where the next value starts.
func skipSpace(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ',':
			off++
		default:
			return off
		}
	}
	return off
}

// lineIndex maps byte offsets to 1-based line numbers.
type lineIndex []int64

func newLineIndex(data []byte) lineIndex {
	idx := lineIndex{0}
	for i, c := range data {
		if c == '\n' {
			idx = append(idx, int64(i+1))
		}
	}
	return idx
}

func (l lineIndex) line(off int64) int {
	return sort.Search(len(l), func(i int) bool { return l[i] > off })
}

// addRaw checks one feature's JSON strictly (strictjson: no member twice, known members only)
// and adds it to the layer, or records why not. code, if not "", is the feature's code when
// its properties do not say it.
func (r *reader) addRaw(msg []byte, loc Location, layer, code string) {
	f := &feature{loc: loc, layer: layer, r: r, code: code}
	if err := strictjson.Decode(msg, &f.raw); err != nil {
		var e *strictjson.Error
		if errors.As(err, &e) && e.Path != "" {
			f.problemAt(e.Path, "%s %s", e.Path, e.Msg)
		} else {
			f.problem("the feature %v", err)
		}
		return
	}
	r.addFeature(f)
}

// geometry parses the feature's geometry, checks its coordinates and returns it; nil after
// recording a problem.
func (f *feature) geometry() orb.Geometry {
	if len(f.raw.Geometry) == 0 || string(f.raw.Geometry) == "null" {
		f.problemAt("geometry", "geometry is missing")
		return nil
	}
	g, err := geojson.UnmarshalGeometry(f.raw.Geometry)
	if err != nil {
		f.problemAt("geometry", "geometry: %v", err)
		return nil
	}
	if g.Coordinates == nil {
		f.problemAt("geometry", "geometry: unsupported type %q", g.Type)
		return nil
	}
	if msg := checkCoordinates(g.Coordinates); msg != "" {
		f.problemAt("geometry", "geometry: %s", msg)
		return nil
	}
	return g.Coordinates
}

// multiPolygon returns the feature's Polygon or MultiPolygon geometry as a MultiPolygon.
func (f *feature) multiPolygon() orb.MultiPolygon {
	g := f.geometry()
	switch g := g.(type) {
	case nil:
		return nil
	case orb.Polygon:
		return orb.MultiPolygon{g}
	case orb.MultiPolygon:
		if len(g) == 0 {
			f.problemAt("geometry", "geometry: empty MultiPolygon")
			return nil
		}
		return g
	default:
		f.problemAt("geometry", "geometry is a %s; want Polygon or MultiPolygon", g.GeoJSONType())
		return nil
	}
}

// point returns the feature's Point geometry.
func (f *feature) point() (orb.Point, bool) {
	g := f.geometry()
	if g == nil {
		return orb.Point{}, false
	}
	p, ok := g.(orb.Point)
	if !ok {
		f.problemAt("geometry", "geometry is a %s; want Point", g.GeoJSONType())
	}
	return p, ok
}

// checkCoordinates returns what is wrong with a geometry's coordinates, or "".
func checkCoordinates(g orb.Geometry) string {
	pt := func(p orb.Point) string {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
			return fmt.Sprintf("coordinate [%v, %v] is out of range (longitude -180..180, latitude -90..90)", p[0], p[1])
		}
		return ""
	}
	ring := func(r orb.Ring, what string) string {
		if len(r) < 4 {
			return fmt.Sprintf("%s has %d positions; a linear ring needs at least 4", what, len(r))
		}
		for _, p := range r {
			if m := pt(p); m != "" {
				return m
			}
		}
		if r[0] != r[len(r)-1] {
			return fmt.Sprintf("%s is not closed: it starts at %v and ends at %v", what, r[0], r[len(r)-1])
		}
		return ""
	}
	poly := func(p orb.Polygon, what string) string {
		if len(p) == 0 {
			return what + " has no rings"
		}
		for i, r := range p {
			name := fmt.Sprintf("%s exterior ring", what)
			if i > 0 {
				name = fmt.Sprintf("%s hole %d", what, i)
			}
			if m := ring(r, name); m != "" {
				return m
			}
		}
		return ""
	}
	switch g := g.(type) {
	case orb.Point:
		return pt(g)
	case orb.Polygon:
		return poly(g, "polygon")
	case orb.MultiPolygon:
		for i, p := range g {
			if m := poly(p, fmt.Sprintf("polygon %d", i)); m != "" {
				return m
			}
		}
		return ""
	}
	return ""
}

// properties decodes the feature's properties into v strictly (every property known, none
// twice, each of its type), naming the property at fault.
func (f *feature) properties(v any) bool {
	if len(f.raw.Properties) == 0 || string(f.raw.Properties) == "null" {
		f.problemAt("properties", "properties are missing")
		return false
	}
	if err := strictjson.Decode(f.raw.Properties, v); err != nil {
		var e *strictjson.Error
		if !errors.As(err, &e) || e.Path == "" {
			f.problemAt("properties", "properties %v", err)
			return false
		}
		name, _, _ := strings.Cut(e.Path, ".")
		reason := fmt.Sprintf("property %q %s", name, e.Msg)
		switch e.Kind {
		case strictjson.Unknown:
			reason = fmt.Sprintf("unknown property %q", name)
		case strictjson.Duplicate:
			reason = fmt.Sprintf("property %q appears twice", name)
		}
		f.problemAt("properties."+name, "%s", reason)
		return false
	}
	return true
}
