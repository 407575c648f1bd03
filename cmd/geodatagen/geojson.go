package main

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"github.com/paulmach/orb"
)

// The GeoJSON is written by hand rather than through encoding/json and orb/geojson: property
// order must be fixed and coordinates must always print with the same seven decimals, so that
// the files are byte-for-byte reproducible and shared edges read identically. One feature per
// line keeps diffs readable.

// collection accumulates the features of one FeatureCollection.
type collection struct{ b bytes.Buffer }

func newCollection() *collection {
	c := &collection{}
	c.b.WriteString(`{"type":"FeatureCollection","features":[`)
	return c
}

// newCollectionAsOf starts a FeatureCollection whose times are relative to asOf, which it
// declares in the foreign member "as_of" (RFC 7946 §6.1), so that an import can move them to
// end at its own day.
func newCollectionAsOf(asOf time.Time) *collection {
	c := &collection{}
	c.b.WriteString(`{"type":"FeatureCollection","as_of":"` + asOf.Format(time.RFC3339) + `","features":[`)
	return c
}

// add appends a feature; geometry is nil for a feature without one.
func (c *collection) add(geometry []byte, p *props) {
	if c.b.Bytes()[c.b.Len()-1] != '[' {
		c.b.WriteByte(',')
	}
	c.b.WriteString("\n{\"type\":\"Feature\",\"geometry\":")
	if geometry == nil {
		c.b.WriteString("null")
	} else {
		c.b.Write(geometry)
	}
	c.b.WriteString(`,"properties":{`)
	c.b.Write(p.b)
	c.b.WriteString("}}")
}

func (c *collection) bytes() []byte {
	out := append([]byte(nil), c.b.Bytes()...)
	return append(out, "\n]}\n"...)
}

// props builds a properties object with its keys in the order they are added.
type props struct{ b []byte }

func (p *props) key(k string) *props {
	if len(p.b) > 0 {
		p.b = append(p.b, ',')
	}
	p.b = appendString(p.b, k)
	p.b = append(p.b, ':')
	return p
}

func (p *props) str(k, v string) *props {
	p.key(k).b = appendString(p.b, v)
	return p
}

func (p *props) int(k string, v int) *props {
	p.key(k).b = strconv.AppendInt(p.b, int64(v), 10)
	return p
}

func (p *props) bool(k string, v bool) *props {
	p.key(k).b = strconv.AppendBool(p.b, v)
	return p
}

func (p *props) time(k string, t time.Time) *props {
	return p.str(k, t.Format(time.RFC3339))
}

// raw adds a value already encoded as JSON.
func (p *props) raw(k string, v []byte) *props {
	p.key(k).b = append(p.b, v...)
	return p
}

func (p *props) position(k string, pt orb.Point) *props {
	p.key(k).b = appendPosition(p.b, pt)
	return p
}

// appendString appends s as a JSON string, leaving non-ASCII text as UTF-8 and <, >, &
// unescaped.
func appendString(b []byte, s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
}

func appendPosition(b []byte, p orb.Point) []byte {
	b = append(b, '[')
	b = strconv.AppendFloat(b, p[0], 'f', decimals, 64)
	b = append(b, ',')
	b = strconv.AppendFloat(b, p[1], 'f', decimals, 64)
	return append(b, ']')
}

func pointGeometry(p orb.Point) []byte {
	b := []byte(`{"type":"Point","coordinates":`)
	b = appendPosition(b, p)
	return append(b, '}')
}

func multiPolygonGeometry(mp orb.MultiPolygon) []byte {
	b := []byte(`{"type":"MultiPolygon","coordinates":[`)
	for i, poly := range mp {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		for j, ring := range poly {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			for k, pt := range ring {
				if k > 0 {
					b = append(b, ',')
				}
				b = appendPosition(b, pt)
			}
			b = append(b, ']')
		}
		b = append(b, ']')
	}
	return append(b, "]}"...)
}
