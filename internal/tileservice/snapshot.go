package tileservice

import (
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"math"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"

	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/tiles"
)

// snapshot is one layer's features in memory, ready to be cut into tiles.
type snapshot struct {
	layer *tiles.Layer
	sum   uint64 // fingerprint of the content, to tell a rebuild that changed nothing
	// Incidents only: every incident with what filters and expiry need, in id order, and a
	// point index over them.
	incidents []incident
	index     rtree.RTreeGN[float64, int32]
	// validUntil is the first due time, after the build, of an open incident not yet overdue:
	// from then on the snapshot's overdue flags are out of date. Zero: never.
	validUntil time.Time
	expired    atomic.Bool // a rebuild was asked for because validUntil passed
}

// incident is one incident of a snapshot or of a tile read from the store.
type incident struct {
	feature  tiles.Feature
	category string
	// categoryValue is category as a property value, boxed once rather than per tile.
	categoryValue any
	status        string
	reportedAt    time.Time
	dueAt         time.Time
	// turns is set for an open incident that is not overdue yet: its overdue property
	// turns true at dueAt, so a tile showing it must not outlive dueAt.
	turns bool
}

// converter turns the store's features of one layer into tile features carrying the published
// fields only.
type converter struct {
	layer string
	idx   []int    // position in LayerInfo.Fields of each published field
	names []string // their names
	// incidents: positions of the fields filters and expiry need
	category, status, reportedAt, dueAt, overdue int
}

func newConverter(info gridmap.LayerInfo) *converter {
	c := &converter{layer: info.ID}
	pos := map[string]int{}
	for i, f := range info.Fields {
		pos[f.Name] = i
	}
	for _, f := range Fields(info.ID) {
		c.idx = append(c.idx, pos[f.Name])
		c.names = append(c.names, f.Name)
	}
	if info.ID == gridmap.LayerIncidents {
		c.category, c.status, c.reportedAt, c.dueAt, c.overdue = pos["category"], pos["status"], pos["reported_at"], pos["due_at"], pos["overdue"]
	}
	return c
}

// feature converts one feature. Numeric codes and ids become the tile feature id; others (a
// red position's "…-R1") leave it 0, and the code stays a property.
func (c *converter) feature(f gridmap.Feature) (tiles.Feature, error) {
	tf := tiles.Feature{Geometry: f.Geometry, Properties: make([]tiles.Property, len(c.idx))}
	if id, err := strconv.ParseUint(f.ID, 10, 64); err == nil {
		tf.ID = id
	}
	for i, j := range c.idx {
		if j >= len(f.Properties) {
			return tf, fmt.Errorf("tileservice: %s feature %s has %d properties, want at least %d", c.layer, f.ID, len(f.Properties), j+1)
		}
		v := f.Properties[j]
		if t, ok := v.(time.Time); ok {
			v = t.UTC().Format(time.RFC3339)
		}
		tf.Properties[i] = tiles.Property{Key: c.names[i], Value: v}
	}
	return tf, nil
}

// incident converts one incident feature.
func (c *converter) incident(f gridmap.Feature) (incident, error) {
	tf, err := c.feature(f)
	if err != nil {
		return incident{}, err
	}
	in := incident{feature: tf}
	var ok [5]bool
	in.category, ok[0] = f.Properties[c.category].(string)
	in.status, ok[1] = f.Properties[c.status].(string)
	in.reportedAt, ok[2] = f.Properties[c.reportedAt].(time.Time)
	in.dueAt, ok[3] = f.Properties[c.dueAt].(time.Time)
	overdue, isBool := f.Properties[c.overdue].(bool)
	ok[4] = isBool
	for i, good := range ok {
		if !good {
			return incident{}, fmt.Errorf("tileservice: incident %s: property %d of unexpected type", f.ID, i)
		}
	}
	if _, isPoint := f.Geometry.(orb.Point); !isPoint {
		return incident{}, fmt.Errorf("tileservice: incident %s is not a point", f.ID)
	}
	in.turns = gridmap.IsOpen(in.status) && !overdue
	in.categoryValue = in.category
	return in, nil
}

// expiry returns the first due time among incidents that will turn overdue, or zero.
func expiry(ins []incident) time.Time {
	var first time.Time
	for i := range ins {
		if ins[i].turns && (first.IsZero() || ins[i].dueAt.Before(first)) {
			first = ins[i].dueAt
		}
	}
	return first
}

// fingerprint hashes the tile content of features: ids, coordinates and property values.
type fingerprint struct {
	h   maphash.Hash
	buf []byte
}

func newFingerprint(seed maphash.Seed) *fingerprint {
	f := &fingerprint{}
	f.h.SetSeed(seed)
	return f
}

func (f *fingerprint) uint(v uint64) {
	f.buf = binary.LittleEndian.AppendUint64(f.buf[:0], v)
	f.h.Write(f.buf)
}

func (f *fingerprint) points(ps []orb.Point) {
	f.uint(uint64(len(ps)))
	for _, p := range ps {
		f.uint(math.Float64bits(p[0]))
		f.uint(math.Float64bits(p[1]))
	}
}

func (f *fingerprint) geometry(g orb.Geometry) {
	f.h.WriteString(g.GeoJSONType())
	switch g := g.(type) {
	case orb.Point:
		f.points([]orb.Point{g})
	case orb.MultiPoint:
		f.points(g)
	case orb.LineString:
		f.points(g)
	case orb.Ring:
		f.points(g)
	case orb.MultiLineString:
		for _, ls := range g {
			f.points(ls)
		}
	case orb.Polygon:
		for _, r := range g {
			f.points(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			f.uint(uint64(len(p)))
			for _, r := range p {
				f.points(r)
			}
		}
	case orb.Bound:
		f.points([]orb.Point{g.Min, g.Max})
	}
}

func (f *fingerprint) feature(tf tiles.Feature) {
	f.uint(tf.ID)
	f.geometry(tf.Geometry)
	for _, p := range tf.Properties {
		f.h.WriteString(p.Key)
		f.h.WriteByte(0)
		f.value(p.Value)
		f.h.WriteByte(0)
	}
}

// value hashes a property value with its type, so that 1 and "1" differ.
func (f *fingerprint) value(v any) {
	switch v := v.(type) {
	case nil:
		f.h.WriteByte('n')
	case string:
		f.h.WriteByte('s')
		f.h.WriteString(v)
	case bool:
		f.h.WriteByte('b')
		if v {
			f.h.WriteByte(1)
		} else {
			f.h.WriteByte(0)
		}
	case int64:
		f.h.WriteByte('i')
		f.uint(uint64(v))
	case int32:
		f.h.WriteByte('i')
		f.uint(uint64(int64(v)))
	case float64:
		f.h.WriteByte('f')
		f.uint(math.Float64bits(v))
	default:
		fmt.Fprintf(&f.h, "%T %v", v, v)
	}
}
