package tiles

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"unicode/utf8"
)

// Field describes one property of a layer for the TileJSON vector_layers entry: its name, its
// type as TileJSON readers show it ("String", "Number", "Boolean" or "Mixed") and, when the
// caller supplies one, what it means.
type Field struct {
	Name        string
	Type        string
	Description string
}

// Value kinds, in the order fields() reports them.
const (
	valNull uint8 = iota
	valString
	valNumber
	valBool
)

// value is one distinct property value, encoded once when the layer is built so that no tile
// ever formats a number or escapes a string again.
type value struct {
	kind uint8
	mvt  []byte // the MVT Tile.Value message body; nil for null, which MVT cannot carry
	json []byte // the JSON text
	text string // the value as text, for cluster category keys
}

// table holds a layer's distinct property keys and values; features refer to them by index.
type table struct {
	keys     []string
	keyJSON  [][]byte // `"key":`
	keyKinds [][4]bool
	keyIndex map[string]uint32
	values   []value
	valIndex map[string]uint32 // by kind byte + MVT body (or JSON text for null)
	byGo     map[any]uint32    // by the Go value as given, while building
}

// freeze drops the indexes only building needs.
func (t *table) freeze() {
	t.valIndex, t.byGo = nil, nil
}

func newTable() *table {
	return &table{keyIndex: map[string]uint32{}, valIndex: map[string]uint32{}, byGo: map[any]uint32{}}
}

func (t *table) key(k string) (uint32, error) {
	if i, ok := t.keyIndex[k]; ok {
		return i, nil
	}
	if k == "" || !utf8.ValidString(k) {
		return 0, fmt.Errorf("property key %q must be non-empty UTF-8", k)
	}
	i := uint32(len(t.keys))
	t.keyIndex[k] = i
	t.keys = append(t.keys, k)
	kj, _ := json.Marshal(k) // a valid UTF-8 string always marshals
	t.keyJSON = append(t.keyJSON, append(kj, ':'))
	t.keyKinds = append(t.keyKinds, [4]bool{})
	return i, nil
}

// intern returns the indexes of key k and value v, adding them when new.
func (t *table) intern(k string, v any) (ki, vi uint32, err error) {
	ki, err = t.key(k)
	if err != nil {
		return 0, 0, err
	}
	// Most values repeat (a category, a status); finding them by the Go value itself skips
	// encoding them again. Values of types that cannot be map keys are rejected by newValue.
	comparable := v == nil || reflect.TypeOf(v).Comparable()
	if comparable {
		if vi, ok := t.byGo[v]; ok {
			t.keyKinds[ki][t.values[vi].kind] = true
			return ki, vi, nil
		}
	}
	val, err := newValue(v)
	if err != nil {
		return 0, 0, fmt.Errorf("property %q: %w", k, err)
	}
	vi = t.value(val)
	t.keyKinds[ki][val.kind] = true
	if comparable {
		t.byGo[v] = vi
	}
	return ki, vi, nil
}

func (t *table) value(val value) uint32 {
	id := make([]byte, 0, 1+len(val.mvt)+len(val.json))
	id = append(id, val.kind)
	if val.kind == valNull {
		id = append(id, val.json...)
	} else {
		id = append(id, val.mvt...)
	}
	if i, ok := t.valIndex[string(id)]; ok {
		return i
	}
	i := uint32(len(t.values))
	t.valIndex[string(id)] = i
	t.values = append(t.values, val)
	return i
}

// fields reports each key with the kinds of value it carries, in the order keys first appear.
func (t *table) fields() []Field {
	out := make([]Field, len(t.keys))
	for i, k := range t.keys {
		kinds := t.keyKinds[i]
		typ := ""
		for kind, name := range [...]string{valString: "String", valNumber: "Number", valBool: "Boolean"} {
			if kind == int(valNull) || !kinds[kind] {
				continue
			}
			if typ != "" {
				typ = "Mixed"
				break
			}
			typ = name
		}
		if typ == "" {
			typ = "Mixed" // only nulls
		}
		out[i] = Field{Name: k, Type: typ}
	}
	return out
}

// MVT Tile.Value field keys: field number << 3 | wire type.
const (
	valueString = 1<<3 | 2
	valueFloat  = 2<<3 | 5
	valueDouble = 3<<3 | 1
	valueUint   = 5<<3 | 0
	valueSint   = 6<<3 | 0
	valueBool   = 7<<3 | 0
)

// newValue encodes a property value for both formats. Integers become uint_value when not
// negative and sint_value otherwise, the two shortest encodings.
func newValue(v any) (value, error) {
	switch v := v.(type) {
	case nil:
		return value{kind: valNull, json: []byte("null"), text: "null"}, nil
	case string:
		if !utf8.ValidString(v) {
			return value{}, fmt.Errorf("string %q is not valid UTF-8", v)
		}
		js, _ := json.Marshal(v)
		b := appendVarint([]byte{valueString}, uint64(len(v)))
		return value{kind: valString, mvt: append(b, v...), json: js, text: v}, nil
	case bool:
		b := []byte{valueBool, 0}
		s := "false"
		if v {
			b[1] = 1
			s = "true"
		}
		return value{kind: valBool, mvt: b, json: []byte(s), text: s}, nil
	case int:
		return intValue(int64(v)), nil
	case int8:
		return intValue(int64(v)), nil
	case int16:
		return intValue(int64(v)), nil
	case int32:
		return intValue(int64(v)), nil
	case int64:
		return intValue(v), nil
	case uint:
		return uintValue(uint64(v)), nil
	case uint8:
		return uintValue(uint64(v)), nil
	case uint16:
		return uintValue(uint64(v)), nil
	case uint32:
		return uintValue(uint64(v)), nil
	case uint64:
		return uintValue(v), nil
	case float32:
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return value{}, fmt.Errorf("number %v cannot be written to JSON", v)
		}
		s := strconv.FormatFloat(float64(v), 'g', -1, 32)
		b := []byte{valueFloat}
		b = appendFixed32(b, math.Float32bits(v))
		return value{kind: valNumber, mvt: b, json: []byte(s), text: s}, nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return value{}, fmt.Errorf("number %v cannot be written to JSON", v)
		}
		js, _ := json.Marshal(v)
		b := []byte{valueDouble}
		b = appendFixed64(b, math.Float64bits(v))
		return value{kind: valNumber, mvt: b, json: js, text: string(js)}, nil
	}
	return value{}, fmt.Errorf("value of type %T is not supported (string, bool, integer, float or nil)", v)
}

func intValue(v int64) value {
	if v >= 0 {
		return uintValue(uint64(v))
	}
	s := strconv.FormatInt(v, 10)
	b := appendVarint([]byte{valueSint}, zigzag64(v))
	return value{kind: valNumber, mvt: b, json: []byte(s), text: s}
}

func uintValue(v uint64) value {
	s := strconv.FormatUint(v, 10)
	b := appendVarint([]byte{valueUint}, v)
	return value{kind: valNumber, mvt: b, json: []byte(s), text: s}
}

// Fields reports the layer's property keys with the type of their values, in the order they
// first appear, so that the TileJSON document describes the data as it is.
func (l *Layer) Fields() []Field {
	return append([]Field(nil), l.fields...)
}
