package strictjson_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/gridmap/gridmap/internal/strictjson"
)

// fuzzItem and fuzzTarget are a decoding target with what gridmap's request bodies and
// dataset properties use: strings, whole and real numbers, pointers for optional values,
// nested objects, arrays of objects and maps with free keys.
type fuzzItem struct {
	Code string `json:"code"`
	N    *int   `json:"n"`
}

type fuzzTarget struct {
	Name   string            `json:"name"`
	Count  int               `json:"count"`
	Ratio  *float64          `json:"ratio"`
	Inner  *fuzzItem         `json:"inner"`
	List   []fuzzItem        `json:"list"`
	Tags   map[string]string `json:"tags"`
	Hidden string            `json:"-"`
	Plain  bool              // no tag: the member is "Plain"
}

// FuzzDecode: Decode rejects with an *Error that says what is wrong, or accepts; what it
// accepts passes Check, every member of an object that fills a struct is one of that struct's
// fields spelled exactly (encoding/json alone also takes "NAME" or "nAmE" for "name", so that
// {"name":"a","NAME":"b"} would mean b), and the value written out and decoded again is the
// same.
func FuzzDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		var v fuzzTarget
		err := strictjson.Decode(data, &v)
		if err != nil {
			var e *strictjson.Error
			if !errors.As(err, &e) || e.Msg == "" || e.Kind == "" {
				t.Fatalf("Decode(%q) = %v (%T), want an *Error with a kind and a message", data, err, err)
			}
			return
		}
		if err := strictjson.Check(data); err != nil {
			t.Fatalf("Decode accepted %q, Check rejects it: %v", data, err)
		}
		var tree any
		if err := json.Unmarshal(data, &tree); err != nil {
			t.Fatalf("Decode accepted %q, encoding/json rejects it: %v", data, err)
		}
		if path, ok := exactMembers(tree, reflect.TypeOf(v), ""); !ok {
			t.Fatalf("Decode accepted %q, whose member %q is not a field of its object", data, path)
		}
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var again fuzzTarget
		if err := strictjson.Decode(out, &again); err != nil || !reflect.DeepEqual(again, v) {
			t.Fatalf("%q decoded to %+v, written out as %s and read back as %+v (%v)", data, v, out, again, err)
		}
	})
}

// exactMembers walks a value decoded into any alongside the Go type it was decoded into, and
// reports the first member of an object filling a struct whose name is not exactly one of the
// struct's JSON names.
func exactMembers(v any, t reflect.Type, path string) (string, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch v := v.(type) {
	case map[string]any:
		if t.Kind() == reflect.Map {
			for k, e := range v {
				if p, ok := exactMembers(e, t.Elem(), path+"."+k); !ok {
					return p, false
				}
			}
			return "", true
		}
		if t.Kind() != reflect.Struct {
			return "", true
		}
		var names []string
		fields := map[string]reflect.Type{}
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			name := sf.Tag.Get("json")
			if name == "-" {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			names = append(names, name)
			fields[name] = sf.Type
		}
		for k, e := range v {
			if !slices.Contains(names, k) {
				return path + "." + k, false
			}
			if p, ok := exactMembers(e, fields[k], path+"."+k); !ok {
				return p, false
			}
		}
	case []any:
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			for _, e := range v {
				if p, ok := exactMembers(e, t.Elem(), path+".[]"); !ok {
					return p, false
				}
			}
		}
	}
	return "", true
}
