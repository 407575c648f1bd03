package tiles

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// A strict MVT 2.1 decoder for the tests, written from the specification and independent of the
// encoder: it shares none of its code or constants. orb's decoder (mvt.Unmarshal) is used as
// well by orbdecode_test.go; this one runs with the plain go test and checks more rules than
// orb does (command counts, zero-length moves, ring sizes, key and value indexes).

type decodedLayer struct {
	name     string
	version  uint64
	extent   uint64
	keys     []string
	values   []any
	features []decodedFeature
}

type decodedFeature struct {
	id    uint64
	hasID bool
	typ   uint64
	props map[string]any
	// parts holds points (one part), line strings, or polygon rings closed by repeating the
	// first point, in tile coordinates.
	parts [][]orb.Point
}

type pbuf struct {
	b []byte
	i int
}

func (p *pbuf) done() bool { return p.i >= len(p.b) }

func (p *pbuf) varint() (uint64, error) {
	v, n := binary.Uvarint(p.b[p.i:])
	if n <= 0 {
		return 0, errors.New("bad varint")
	}
	p.i += n
	return v, nil
}

func (p *pbuf) field() (num uint64, wire uint64, err error) {
	k, err := p.varint()
	return k >> 3, k & 7, err
}

func (p *pbuf) bytes() ([]byte, error) {
	n, err := p.varint()
	if err != nil {
		return nil, err
	}
	if uint64(len(p.b)-p.i) < n {
		return nil, errors.New("truncated field")
	}
	b := p.b[p.i : p.i+int(n)]
	p.i += int(n)
	return b, nil
}

func (p *pbuf) skip(wire uint64) error {
	switch wire {
	case 0:
		_, err := p.varint()
		return err
	case 1:
		p.i += 8
	case 2:
		_, err := p.bytes()
		return err
	case 5:
		p.i += 4
	default:
		return fmt.Errorf("wire type %d", wire)
	}
	if p.i > len(p.b) {
		return errors.New("truncated")
	}
	return nil
}

func (p *pbuf) packed() ([]uint64, error) {
	b, err := p.bytes()
	if err != nil {
		return nil, err
	}
	q := pbuf{b: b}
	var out []uint64
	for !q.done() {
		v, err := q.varint()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func decodeMVT(data []byte) ([]decodedLayer, error) {
	var layers []decodedLayer
	p := pbuf{b: data}
	for !p.done() {
		num, wire, err := p.field()
		if err != nil {
			return nil, err
		}
		if num != 3 || wire != 2 {
			if err := p.skip(wire); err != nil {
				return nil, err
			}
			continue
		}
		b, err := p.bytes()
		if err != nil {
			return nil, err
		}
		l, err := decodeLayer(b)
		if err != nil {
			return nil, err
		}
		layers = append(layers, l)
	}
	return layers, nil
}

type rawFeature struct {
	id    uint64
	hasID bool
	tags  []uint64
	typ   uint64
	geom  []uint64
}

func decodeLayer(b []byte) (decodedLayer, error) {
	l := decodedLayer{version: 1, extent: 4096}
	var raws []rawFeature
	p := pbuf{b: b}
	for !p.done() {
		num, wire, err := p.field()
		if err != nil {
			return l, err
		}
		switch {
		case num == 15 && wire == 0:
			l.version, err = p.varint()
		case num == 1 && wire == 2:
			var s []byte
			s, err = p.bytes()
			l.name = string(s)
		case num == 2 && wire == 2:
			var fb []byte
			fb, err = p.bytes()
			if err == nil {
				var rf rawFeature
				rf, err = decodeRawFeature(fb)
				raws = append(raws, rf)
			}
		case num == 3 && wire == 2:
			var s []byte
			s, err = p.bytes()
			l.keys = append(l.keys, string(s))
		case num == 4 && wire == 2:
			var vb []byte
			vb, err = p.bytes()
			if err == nil {
				var v any
				v, err = decodeValue(vb)
				l.values = append(l.values, v)
			}
		case num == 5 && wire == 0:
			l.extent, err = p.varint()
		default:
			err = p.skip(wire)
		}
		if err != nil {
			return l, err
		}
	}
	seenKey := map[string]bool{}
	for _, k := range l.keys {
		if seenKey[k] {
			return l, fmt.Errorf("key %q repeated", k)
		}
		seenKey[k] = true
	}
	for i, rf := range raws {
		f := decodedFeature{id: rf.id, hasID: rf.hasID, typ: rf.typ, props: map[string]any{}}
		if len(rf.tags)%2 != 0 {
			return l, fmt.Errorf("feature %d: odd number of tags", i)
		}
		for j := 0; j < len(rf.tags); j += 2 {
			k, v := rf.tags[j], rf.tags[j+1]
			if k >= uint64(len(l.keys)) || v >= uint64(len(l.values)) {
				return l, fmt.Errorf("feature %d: tag index out of range", i)
			}
			f.props[l.keys[k]] = l.values[v]
		}
		parts, err := decodeGeometry(rf.typ, rf.geom)
		if err != nil {
			return l, fmt.Errorf("feature %d: %w", i, err)
		}
		f.parts = parts
		l.features = append(l.features, f)
	}
	return l, nil
}

func decodeRawFeature(b []byte) (rawFeature, error) {
	var f rawFeature
	p := pbuf{b: b}
	for !p.done() {
		num, wire, err := p.field()
		if err != nil {
			return f, err
		}
		switch {
		case num == 1 && wire == 0:
			f.id, err = p.varint()
			f.hasID = true
		case num == 2 && wire == 2:
			f.tags, err = p.packed()
		case num == 3 && wire == 0:
			f.typ, err = p.varint()
		case num == 4 && wire == 2:
			f.geom, err = p.packed()
		default:
			err = p.skip(wire)
		}
		if err != nil {
			return f, err
		}
	}
	return f, nil
}

func decodeValue(b []byte) (any, error) {
	p := pbuf{b: b}
	var out any
	n := 0
	for !p.done() {
		num, wire, err := p.field()
		if err != nil {
			return nil, err
		}
		n++
		switch {
		case num == 1 && wire == 2:
			var s []byte
			s, err = p.bytes()
			out = string(s)
		case num == 2 && wire == 5:
			out = float64(math.Float32frombits(binary.LittleEndian.Uint32(p.b[p.i:])))
			p.i += 4
		case num == 3 && wire == 1:
			out = math.Float64frombits(binary.LittleEndian.Uint64(p.b[p.i:]))
			p.i += 8
		case num == 4 && wire == 0:
			var v uint64
			v, err = p.varint()
			out = float64(int64(v))
		case num == 5 && wire == 0:
			var v uint64
			v, err = p.varint()
			out = float64(v)
		case num == 6 && wire == 0:
			var v uint64
			v, err = p.varint()
			out = float64(int64(v>>1) ^ -int64(v&1))
		case num == 7 && wire == 0:
			var v uint64
			v, err = p.varint()
			out = v != 0
		default:
			return nil, fmt.Errorf("value field %d/%d", num, wire)
		}
		if err != nil {
			return nil, err
		}
	}
	if n != 1 {
		return nil, fmt.Errorf("value has %d fields, want exactly 1", n)
	}
	return out, nil
}

// decodeGeometry interprets the command stream and enforces the 2.1 rules for each type.
func decodeGeometry(typ uint64, g []uint64) ([][]orb.Point, error) {
	var x, y int64
	i := 0
	next := func() (id, count uint64, err error) {
		if i >= len(g) {
			return 0, 0, errors.New("geometry ends early")
		}
		c := g[i]
		i++
		return c & 7, c >> 3, nil
	}
	params := func(n uint64, allowZero bool) ([]orb.Point, error) {
		if uint64(len(g)-i) < 2*n {
			return nil, errors.New("parameters cut short")
		}
		pts := make([]orb.Point, 0, n)
		for k := uint64(0); k < n; k++ {
			dx := int64(g[i]>>1) ^ -int64(g[i]&1)
			dy := int64(g[i+1]>>1) ^ -int64(g[i+1]&1)
			i += 2
			if !allowZero && dx == 0 && dy == 0 {
				return nil, errors.New("zero-length LineTo")
			}
			x += dx
			y += dy
			pts = append(pts, orb.Point{float64(x), float64(y)})
		}
		return pts, nil
	}
	var parts [][]orb.Point
	switch typ {
	case 1:
		id, n, err := next()
		if err != nil || id != 1 || n == 0 {
			return nil, fmt.Errorf("point: want MoveTo with count > 0, got %d/%d %v", id, n, err)
		}
		pts, err := params(n, true)
		if err != nil {
			return nil, err
		}
		parts = append(parts, pts)
	case 2, 3:
		for i < len(g) {
			id, n, err := next()
			if err != nil || id != 1 || n != 1 {
				return nil, fmt.Errorf("want MoveTo(1), got %d/%d %v", id, n, err)
			}
			first, err := params(1, true)
			if err != nil {
				return nil, err
			}
			id, n, err = next()
			minCount := uint64(1)
			if typ == 3 {
				minCount = 2
			}
			if err != nil || id != 2 || n < minCount {
				return nil, fmt.Errorf("want LineTo(>=%d), got %d/%d %v", minCount, id, n, err)
			}
			rest, err := params(n, false)
			if err != nil {
				return nil, err
			}
			pts := append(first, rest...)
			if typ == 3 {
				id, n, err = next()
				if err != nil || id != 7 || n != 1 {
					return nil, fmt.Errorf("want ClosePath(1), got %d/%d %v", id, n, err)
				}
				if pts[len(pts)-1] == pts[0] {
					return nil, errors.New("ring repeats its first point before ClosePath")
				}
				pts = append(pts, pts[0])
			}
			parts = append(parts, pts)
		}
	default:
		return nil, fmt.Errorf("geometry type %d", typ)
	}
	return parts, nil
}

// surveyorArea is the signed area by the formula the MVT specification names: positive for
// an exterior ring in tile coordinates.
func surveyorArea(r []orb.Point) float64 {
	a := 0.0
	for i := 0; i+1 < len(r); i++ {
		a += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return a / 2
}

// checkPolygonWinding checks that a decoded polygon feature starts with an exterior ring and
// that no ring has zero area, and returns the number of polygons (exterior rings).
func checkPolygonWinding(f decodedFeature) (int, error) {
	polys := 0
	for j, r := range f.parts {
		a := surveyorArea(r)
		switch {
		case a == 0:
			return 0, fmt.Errorf("ring %d has zero area", j)
		case j == 0 && a < 0:
			return 0, fmt.Errorf("first ring has negative area %v: not an exterior ring", a)
		case a > 0:
			polys++
		}
	}
	return polys, nil
}
