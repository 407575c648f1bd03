package strictjson_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/internal/strictjson"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name, in string
		path     string // "" with ok
		ok       bool
		msg      string
	}{
		{"object", `{"a":1,"b":[true,false,null],"c":{"d":"x\u0041"}}`, "", true, ""},
		{"white space around", " \n[1, 2.5e-3, -0]\t", "", true, ""},
		{"same key in sibling objects", `[{"a":1},{"a":2}]`, "", true, ""},
		{"duplicate key", `{"to":"rejected","to":"closed"}`, "to", false, "appears twice"},
		{"duplicate nested key", `{"properties":{"households":1,"name":"x","households":2}}`, "properties.households", false, "appears twice"},
		{"duplicate key through an escape", `{"lon":1,"lo\u006e":2}`, "lon", false, "appears twice"},
		{"trailing value", `{"to":"rejected"}{"to":"closed"}`, "", false, "more after the first value"},
		{"trailing garbage", `[1] x`, "", false, "more after"},
		{"empty", ``, "", false, "empty input"},
		{"truncated", `{"a":[1,2`, "a", false, "unexpected end"},
		{"bad number", `{"a":01}`, "", false, "want ',' or '}'"},
		{"bad literal", `[tru]`, "0", false, "unexpected"},
		{"bad escape", `["\x"]`, "0", false, "bad escape"},
		{"control character", "[\"a\tb\"]", "0", false, "control character"},
		{"invalid UTF-8", "{\"a\":\"\xff\"}", "", false, "invalid UTF-8 at byte 6"},
		{"error deep in an array", `{"points":[[1,2],[3,x]]}`, "points.1.1", false, "unexpected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := strictjson.Check([]byte(tt.in))
			if tt.ok {
				if err != nil {
					t.Fatalf("Check(%s) = %v, want nil", tt.in, err)
				}
				return
			}
			var e *strictjson.Error
			if !errors.As(err, &e) {
				t.Fatalf("Check(%s) = %v, want an *Error", tt.in, err)
			}
			if e.Path != tt.path || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("Check(%s) = path %q, %q; want path %q and %q", tt.in, e.Path, e.Msg, tt.path, tt.msg)
			}
		})
	}
}

// TestKinds: each sort of problem carries its Kind, for callers that word it their own way.
func TestKinds(t *testing.T) {
	var v struct {
		To    string `json:"to"`
		Count int    `json:"count"`
	}
	tests := []struct {
		in   string
		want strictjson.Kind
	}{
		{`{"to":"x"`, strictjson.Syntax},
		{"{\"to\":\"\xff\"}", strictjson.Syntax},
		{`{"to":"x"} 1`, strictjson.Syntax},
		{strings.Repeat("[", 5000), strictjson.TooDeep},
		{`{"to":"x","to":"y"}`, strictjson.Duplicate},
		{`{"colour":"red"}`, strictjson.Unknown},
		{`{"TO":"x"}`, strictjson.Unknown},
		{`{"count":"many"}`, strictjson.WrongType},
		{`[1]`, strictjson.WrongType},
	}
	for _, tt := range tests {
		var e *strictjson.Error
		if err := strictjson.Decode([]byte(tt.in), &v); !errors.As(err, &e) || e.Kind != tt.want {
			t.Errorf("Decode(%.40q) = %v, want an *Error of kind %s", tt.in, err, tt.want)
		}
	}
}

func TestCheckDeepNesting(t *testing.T) {
	deep := strings.Repeat("[", 5000) + strings.Repeat("]", 5000)
	if err := strictjson.Check([]byte(deep)); err == nil || !strings.Contains(err.Error(), "nested") {
		t.Errorf("5000 nested arrays: %v", err)
	}
}

func TestDecode(t *testing.T) {
	type body struct {
		To    string   `json:"to"`
		Count *int     `json:"count"`
		Tags  []string `json:"tags"`
	}
	tests := []struct {
		name, in, path, msg string
	}{
		{"unknown field", `{"to":"x","colour":"red"}`, "colour", `unknown field "colour"`},
		{"a field spelt in other case", `{"to":"x","TO":"y"}`, "TO", `unknown field "TO" (the field is "to"`},
		{"a number field spelt in other case", `{"tags":["a"],"count":1,"to":"x","Count":2}`, "Count", `unknown field "Count"`},
		{"wrong type", `{"count":"many"}`, "count", "must be a whole number, not a string"},
		{"fraction for a whole number", `{"count":2.7}`, "count", "must be a whole number, not 2.7"},
		{"not an object", `[1,2]`, "", "must be a JSON object, not an array"},
		{"a string, not an object", `"x"`, "", "must be a JSON object, not a string"},
		{"wrong element type", `{"tags":[1]}`, "tags", "must be a string, not a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b body
			err := strictjson.Decode([]byte(tt.in), &b)
			var e *strictjson.Error
			if !errors.As(err, &e) {
				t.Fatalf("Decode(%s) = %v, want an *Error", tt.in, err)
			}
			if e.Path != tt.path || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("Decode(%s) = path %q, %q; want path %q and %q", tt.in, e.Path, e.Msg, tt.path, tt.msg)
			}
			if strings.Contains(e.Error(), "strictjson_test") || strings.Contains(e.Error(), "body") {
				t.Errorf("the message shows a Go type: %v", e)
			}
		})
	}
	var b body
	if err := strictjson.Decode([]byte(`{"to":"closed","count":3}`), &b); err != nil || b.To != "closed" || *b.Count != 3 {
		t.Errorf("good input: %v %+v", err, b)
	}
}

// FuzzCheck holds Check to encoding/json: whatever Check accepts, encoding/json accepts, and
// whatever encoding/json accepts that is valid UTF-8 with distinct keys, Check accepts.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `{"a":1,"a":2}`, `[1,"x",{"b":null}]`, `{"lo\u006e":1,"lon":2}`, "\"\xff\"", `1e5`, `{"a":[1,2]}{}`, `-0.5E+3`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := strictjson.Check(data)
		valid := json.Valid(data)
		if err == nil && !valid {
			t.Fatalf("Check accepted what encoding/json rejects: %q", data)
		}
		if err != nil && valid && !strings.Contains(err.Error(), "invalid UTF-8") && !strings.Contains(err.Error(), "appears twice") && !strings.Contains(err.Error(), "nested") {
			t.Fatalf("Check rejected valid JSON %q: %v", data, err)
		}
		if err != nil && strings.Contains(err.Error(), "appears twice") && !hasDuplicate(data) {
			t.Fatalf("Check found a duplicate key in %q, the token walk finds none: %v", data, err)
		}
	})
}

// hasDuplicate walks data with encoding/json's tokenizer: the reference for duplicate keys.
func hasDuplicate(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		obj    bool
		keys   map[string]bool
		expect bool // next string token in an object is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		top := (*frame)(nil)
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{':
				if top != nil && top.obj {
					top.expect = true
				}
				stack = append(stack, &frame{obj: true, keys: map[string]bool{}, expect: true})
			case '[':
				if top != nil && top.obj {
					top.expect = true
				}
				stack = append(stack, &frame{})
			default:
				stack = stack[:len(stack)-1]
			}
		case string:
			if top != nil && top.obj && top.expect {
				if top.keys[v] {
					return true
				}
				top.keys[v] = true
				top.expect = false
			} else if top != nil && top.obj {
				top.expect = true
			}
		default:
			if top != nil && top.obj {
				top.expect = true
			}
		}
	}
}

func BenchmarkCheck(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString(`{"crs":"wgs84","points":[`)
	for i := 0; i < 10000; i++ {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(`[119.3712345,25.7212345]`)
	}
	buf.WriteString(`]}`)
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := strictjson.Check(data); err != nil {
			b.Fatal(err)
		}
	}
}
