// Package dataset reads a gridmap dataset — a folder of GeoJSON (RFC 7946) files, or one such
// file — into domain values, and checks everything that can be checked without a database:
// JSON syntax, geometry types, coordinate ranges, ring closure, code formats, parent codes,
// enumerations and duplicates. Every problem is reported with its file, line, feature index and
// code, all at once. Geometric validity, containment and overlaps are checked by PostGIS when
// the dataset is imported (internal/postgis), against the same locations.
package dataset

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// Layer names; each is also the base name of its file (grids.geojson).
const (
	Streets      = "streets"
	Communities  = "communities"
	Grids        = "grids"
	RedPositions = "red_positions"
	Stations     = "stations"
	Staff        = "staff"
	Incidents    = "incidents"
)

// Layers lists the layers in the order they load: parents before children.
var Layers = []string{Streets, Communities, Grids, RedPositions, Stations, Staff, Incidents}

// Location says where a feature came from, so problems found later (by PostGIS) can name it.
type Location struct {
	File  string
	Line  int // 1-based line where the feature starts
	Index int // 0-based index in the file's features array
}

// Problem is one thing wrong with one feature (or with a whole file when Index is -1).
type Problem struct {
	Location
	Layer  string
	Code   string // the feature's code or id, when known
	Field  string // the part of the feature at fault: "geometry", "properties.households"; "" for the whole
	Reason string
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	if p.Index >= 0 {
		fmt.Fprintf(&b, ": feature %d", p.Index)
	}
	if p.Code != "" {
		fmt.Fprintf(&b, " (%s %s)", p.Layer, p.Code)
	}
	b.WriteString(": ")
	b.WriteString(p.Reason)
	return b.String()
}

// Problems is every problem found in a dataset; as an error it lists them one per line.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, 0, len(ps)+1)
	lines = append(lines, fmt.Sprintf("dataset: %d problem(s):", len(ps)))
	for _, p := range ps {
		lines = append(lines, "  "+p.String())
	}
	return strings.Join(lines, "\n")
}

// Sort orders problems by file, then position.
func (ps Problems) Sort() {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].File != ps[j].File {
			return ps[i].File < ps[j].File
		}
		if ps[i].Index != ps[j].Index {
			return ps[i].Index < ps[j].Index
		}
		return ps[i].Reason < ps[j].Reason
	})
}

// Dataset is the content of a dataset folder or file, in domain values.
type Dataset struct {
	Streets      []gridmap.Street
	Communities  []gridmap.Community
	Grids        []gridmap.Grid
	RedPositions []gridmap.Place
	Stations     []gridmap.Place
	Staff        []gridmap.Staff
	Incidents    []gridmap.Report

	// Synthetic marks layers whose features all said "synthetic": true.
	Synthetic map[string]bool

	// AsOf is the instant the incidents' times are relative to, as incidents.geojson declares
	// it in its member "as_of" (zero when it does not): see Shift.
	AsOf time.Time

	// Origin says what change this dataset makes, for the audit trail of the incidents it
	// moves to other grids: "an import of geodata", "an edit of grid … through the API".
	Origin string
	// By is who makes the change, for the audit trail; zero for an import by the command.
	By gridmap.Actor

	where map[string]Location
}

// Where returns the location of the feature of layer with the given code (for incidents, the
// client id).
func (d *Dataset) Where(layer, code string) (Location, bool) {
	l, ok := d.where[layer+"/"+code]
	return l, ok
}

// ProblemAt builds a problem with the field at fault for the feature of layer with code, located
// where it was read.
func (d *Dataset) ProblemAt(layer, code, field, reason string) Problem {
	loc, ok := d.Where(layer, code)
	if !ok {
		loc = Location{File: layer, Index: -1}
	}
	return Problem{Location: loc, Layer: layer, Code: code, Field: field, Reason: reason}
}

// Count returns the number of features of each layer.
func (d *Dataset) Count() map[string]int {
	return map[string]int{
		Streets: len(d.Streets), Communities: len(d.Communities), Grids: len(d.Grids),
		RedPositions: len(d.RedPositions), Stations: len(d.Stations), Staff: len(d.Staff),
		Incidents: len(d.Incidents),
	}
}

// Options adjust reading.
type Options struct {
	// Layer forces the layer of a single file whose name does not say it.
	Layer string
	// Now is the time reports may not be later than (plus a day); zero means time.Now.
	Now time.Time
}

// Load reads a dataset folder (every known layer file present in it) or a single GeoJSON file
// whose base name, or opts.Layer, names its layer. It returns Problems listing every problem found.
func Load(path string, opts Options) (*Dataset, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	r := newReader("an import of " + filepath.Base(path))
	if st.IsDir() {
		found := 0
		for _, layer := range Layers {
			f := filepath.Join(path, layer+".geojson")
			if _, err := os.Stat(f); err != nil {
				continue
			}
			found++
			r.readFile(f, layer)
		}
		if found == 0 {
			return nil, fmt.Errorf("dataset: %s holds none of %s (as <layer>.geojson)", path, strings.Join(Layers, ", "))
		}
	} else {
		layer := opts.Layer
		if layer == "" {
			layer = layerOfFile(path)
		}
		if layer == "" {
			return nil, fmt.Errorf("dataset: cannot tell the layer of %s from its name; name it <layer>.geojson or pass the layer (one of %s)", path, strings.Join(Layers, ", "))
		}
		r.readFile(path, layer)
	}
	return r.finish()
}

// newReader starts reading a dataset that makes the change origin.
func newReader(origin string) *reader {
	return &reader{d: &Dataset{where: map[string]Location{}, Synthetic: map[string]bool{}, Origin: origin}}
}

// finish checks what needs every file read (the parents of children) and returns the dataset,
// with its problems sorted as the error if there are any.
func (r *reader) finish() (*Dataset, error) {
	r.checkParents()
	if len(r.problems) > 0 {
		r.problems.Sort()
		return r.d, r.problems
	}
	return r.d, nil
}

// layerOfFile finds the layer a file name starts with: grids.geojson, grids-2026.geojson.
func layerOfFile(path string) string {
	base := strings.ToLower(filepath.Base(path))
	best := ""
	for _, l := range Layers {
		if strings.HasPrefix(base, l) && len(l) > len(best) {
			best = l
		}
	}
	return best
}

// Shift moves every incident time forward by whole days, so that a dataset declaring AsOf
// ends on the day of now rather than on the day it was made: a demo whose incidents are all a
// week old shows no heat, no "today" and nothing but overdue work. Whole days keep each
// report's time of day, and so the city's daily rhythm. It returns the shift; 0 when the
// dataset declares no AsOf or already ends on or after now's day.
func (d *Dataset) Shift(now time.Time) time.Duration {
	if d.AsOf.IsZero() || !now.After(d.AsOf) {
		return 0
	}
	const day = 24 * time.Hour // China Standard Time has no daylight saving
	shift := now.Sub(d.AsOf) / day * day
	if shift == 0 {
		return 0
	}
	for i := range d.Incidents {
		in := &d.Incidents[i]
		in.ReportedAt = in.ReportedAt.Add(shift)
		if !in.ResolvedAt.IsZero() {
			in.ResolvedAt = in.ResolvedAt.Add(shift)
		}
		for k := range in.History {
			in.History[k].At = in.History[k].At.Add(shift)
		}
	}
	d.AsOf = d.AsOf.Add(shift)
	return shift
}

// ParseGrid reads one grid sent as a GeoJSON Feature (the body of a grid edit) with the very
// checks the import applies to every feature of grids.geojson; code is the grid's code when
// the properties do not give one (the edit's URL). Problems name their field; source names the
// input in them.
func ParseGrid(feature []byte, source, code string) (gridmap.Grid, Problems) {
	r := newReader("")
	r.addRaw(feature, Location{File: source, Index: -1}, Grids, code)
	if len(r.problems) > 0 {
		return gridmap.Grid{}, r.problems
	}
	return r.d.Grids[0], nil
}

// FromGrids wraps grids edited through the API as a dataset, so they are checked and stored by
// the same import code; problems name them by source and index.
func FromGrids(source, origin string, grids []gridmap.Grid) *Dataset {
	d := &Dataset{Grids: grids, where: map[string]Location{}, Synthetic: map[string]bool{Grids: false}, Origin: origin}
	for i, g := range grids {
		d.where[Grids+"/"+g.Code] = Location{File: source, Index: i}
	}
	return d
}
