// Package strictjson decodes JSON from outside the program the one strict way gridmap accepts
// it: valid UTF-8, one value and nothing after it, no object with the same key twice, and no
// field the target does not know. encoding/json on its own lets the last of two equal keys win,
// replaces invalid UTF-8 silently and ignores what follows the first value, so a request could
// mean something other than what it appears to say.
package strictjson

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Error says what is wrong with a JSON input and where: Kind the sort of problem, Path the
// dotted path of the member at fault ("properties.households", "points.3"; "" for the whole
// value), Offset the byte at which it was found (-1 when unknown).
type Error struct {
	Kind   Kind
	Path   string
	Offset int64
	Msg    string
}

// Kind is the sort of problem an Error is, so that a caller that words it for its own readers
// (a dataset's "unknown property") tells them apart without reading Msg.
type Kind string

// Kinds of Error.
const (
	Syntax    Kind = "syntax"    // not one JSON value: malformed, invalid UTF-8, empty, more after it
	TooDeep   Kind = "too_deep"  // nested beyond what is read
	Duplicate Kind = "duplicate" // a member twice in one object
	Unknown   Kind = "unknown"   // a member the target has no field for, or spelt otherwise than it
	WrongType Kind = "type"      // a value of another JSON type than its field takes
)

func (e *Error) Error() string {
	if e.Path != "" {
		return "strictjson: " + e.Path + ": " + e.Msg
	}
	return "strictjson: " + e.Msg
}

// Decode parses data into v (a pointer), rejecting what Check rejects, unknown fields of
// structs, and values of the wrong type, each as an *Error naming the member. A member fills
// a field only when spelt exactly as the field's JSON name: encoding/json alone also takes
// "LON" or "Lon" for "lon", so that {"lon":1,"LON":2} passed the duplicate check and set lon
// twice, the last one winning.
func Decode(data []byte, v any) error {
	if err := check(data, reflect.TypeOf(v)); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return translate(err, v)
	}
	return nil
}

// translate turns encoding/json's errors into an *Error that names the member and never shows
// a Go type.
func translate(err error, v any) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		if te.Field == "" {
			return &Error{Kind: WrongType, Offset: te.Offset, Msg: fmt.Sprintf("must be a JSON %s, not %s", kindOf(reflect.TypeOf(v)), article(te.Value))}
		}
		return &Error{Kind: WrongType, Path: te.Field, Offset: te.Offset, Msg: fmt.Sprintf("must be %s, not %s", article(kindOf(te.Type)), article(te.Value))}
	case errors.As(err, &se):
		return &Error{Kind: Syntax, Offset: se.Offset, Msg: "malformed JSON: " + strings.TrimPrefix(se.Error(), "json: ")}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &Error{Kind: Unknown, Path: f, Offset: -1, Msg: fmt.Sprintf("unknown field %q", f)}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &Error{Kind: Syntax, Offset: -1, Msg: "malformed JSON: unexpected end of input"}
	}
	return &Error{Kind: Syntax, Offset: -1, Msg: "malformed JSON: " + strings.TrimPrefix(err.Error(), "json: ")}
}

// kindOf names a Go type as the JSON kind that decodes into it.
func kindOf(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "value"
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "whole number"
	case reflect.Float32, reflect.Float64:
		return "number"
	}
	return "value"
}

func article(kind string) string {
	if n, ok := strings.CutPrefix(kind, "number "); ok {
		return n // encoding/json names a number that does not fit by its value: "number 2.7"
	}
	switch kind {
	case "array", "object":
		return "an " + kind
	case "number", "string", "bool", "boolean", "whole number":
		return "a " + kind
	}
	return kind
}

// Check reports the first of these in data, as an *Error: invalid UTF-8, a syntax error,
// anything but white space after the first value, an object with a key twice. It reads data
// once and allocates only for keys written with escapes.
func Check(data []byte) error { return check(data, nil) }

// check is Check, and with a target type t (that of Decode's v) also the spelling of members
// that fill struct fields.
func check(data []byte, t reflect.Type) error {
	if !utf8.Valid(data) {
		off := int64(0)
		for i := 0; i < len(data); {
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n <= 1 {
				off = int64(i)
				break
			}
			i += n
		}
		return &Error{Kind: Syntax, Offset: off, Msg: fmt.Sprintf("invalid UTF-8 at byte %d", off)}
	}
	s := scanner{data: data}
	s.space()
	if s.pos >= len(data) {
		return &Error{Kind: Syntax, Offset: 0, Msg: "malformed JSON: empty input"}
	}
	if err := s.value(walkable(t)); err != nil {
		return err
	}
	s.space()
	if s.pos < len(data) {
		return &Error{Kind: Syntax, Offset: int64(s.pos), Msg: fmt.Sprintf("malformed JSON: more after the first value, at byte %d", s.pos)}
	}
	return nil
}

// scanner walks one JSON text. It keeps the path to the current member as a stack and writes
// it out only for an error, so that a large array costs no allocation per element. Nesting is
// bounded so a hostile input cannot exhaust the stack.
type scanner struct {
	data []byte
	pos  int
	path []segment
}

// segment is one step of a path: a member name, or an array index when key is nil.
type segment struct {
	key   []byte
	index int
}

const maxDepth = 1000

func (s *scanner) pathString() string {
	var b strings.Builder
	for i, seg := range s.path {
		if i > 0 {
			b.WriteByte('.')
		}
		if seg.key != nil {
			b.Write(seg.key)
		} else {
			b.WriteString(strconv.Itoa(seg.index))
		}
	}
	return b.String()
}

// fail is a syntax error at the scanner's position.
func (s *scanner) fail(format string, args ...any) error { return s.failAs(Syntax, format, args...) }

// failAs is an error of kind at the scanner's position.
func (s *scanner) failAs(kind Kind, format string, args ...any) error {
	return &Error{Kind: kind, Path: s.pathString(), Offset: int64(s.pos), Msg: fmt.Sprintf(format, args...)}
}

func (s *scanner) space() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// value reads one value; t is the type it will be decoded into, or nil when that does not
// matter (Check, or a type that reads its JSON itself).
func (s *scanner) value(t reflect.Type) error {
	if s.pos >= len(s.data) {
		return s.fail("malformed JSON: unexpected end of input")
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		return s.object(t)
	case c == '[':
		return s.array(t)
	case c == '"':
		_, _, err := s.str()
		return err
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	default:
		return s.fail("malformed JSON: unexpected %q at byte %d", c, s.pos)
	}
}

func (s *scanner) literal(word string) error {
	if !bytes.HasPrefix(s.data[s.pos:], []byte(word)) {
		return s.fail("malformed JSON: unexpected %q at byte %d", s.data[s.pos], s.pos)
	}
	s.pos += len(word)
	return nil
}

func (s *scanner) number() error {
	start := s.pos
	if s.data[s.pos] == '-' {
		s.pos++
	}
	digits := func() int {
		n := 0
		for s.pos < len(s.data) && s.data[s.pos] >= '0' && s.data[s.pos] <= '9' {
			s.pos++
			n++
		}
		return n
	}
	if s.pos < len(s.data) && s.data[s.pos] == '0' {
		s.pos++
	} else if digits() == 0 {
		return s.fail("malformed JSON: bad number at byte %d", start)
	}
	if s.pos < len(s.data) && s.data[s.pos] == '.' {
		s.pos++
		if digits() == 0 {
			return s.fail("malformed JSON: bad number at byte %d", start)
		}
	}
	if s.pos < len(s.data) && (s.data[s.pos] == 'e' || s.data[s.pos] == 'E') {
		s.pos++
		if s.pos < len(s.data) && (s.data[s.pos] == '+' || s.data[s.pos] == '-') {
			s.pos++
		}
		if digits() == 0 {
			return s.fail("malformed JSON: bad number at byte %d", start)
		}
	}
	return nil
}

// str reads a string and returns its raw contents (between the quotes) and whether it holds
// escapes.
func (s *scanner) str() ([]byte, bool, error) {
	start := s.pos
	s.pos++ // opening quote
	escaped := false
	for s.pos < len(s.data) {
		switch c := s.data[s.pos]; {
		case c == '"':
			s.pos++
			return s.data[start+1 : s.pos-1], escaped, nil
		case c == '\\':
			escaped = true
			if s.pos+1 >= len(s.data) {
				return nil, false, s.fail("malformed JSON: unterminated string at byte %d", start)
			}
			switch s.data[s.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.pos += 2
			case 'u':
				if s.pos+6 > len(s.data) || !isHex4(s.data[s.pos+2:s.pos+6]) {
					return nil, false, s.fail("malformed JSON: bad escape at byte %d", s.pos)
				}
				s.pos += 6
			default:
				return nil, false, s.fail("malformed JSON: bad escape at byte %d", s.pos)
			}
		case c < 0x20:
			return nil, false, s.fail("malformed JSON: control character in a string at byte %d", s.pos)
		default:
			s.pos++
		}
	}
	return nil, false, s.fail("malformed JSON: unterminated string at byte %d", start)
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func (s *scanner) push(seg segment) error {
	if len(s.path) >= maxDepth {
		return s.failAs(TooDeep, "JSON nested more than %d deep", maxDepth)
	}
	s.path = append(s.path, seg)
	return nil
}

func (s *scanner) pop() { s.path = s.path[:len(s.path)-1] }

// after reads what follows a member or an element: a comma, with more to come, or close, the
// end of the object or array.
func (s *scanner) after(close byte) (end bool, err error) {
	s.space()
	if s.pos >= len(s.data) {
		return false, s.fail("malformed JSON: unexpected end of input")
	}
	switch s.data[s.pos] {
	case ',':
		s.pos++
		return false, nil
	case close:
		s.pos++
		return true, nil
	}
	return false, s.fail("malformed JSON: want ',' or '%c' at byte %d", close, s.pos)
}

func (s *scanner) object(t reflect.Type) error {
	s.pos++ // {
	s.space()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		return nil
	}
	var few [16][]byte // most objects have fewer members: no allocation for them
	keys := few[:0]
	var fields []field
	var elem reflect.Type // of a map's values
	if t != nil {
		switch t.Kind() {
		case reflect.Struct:
			fields = structFields(t)
		case reflect.Map:
			elem = walkable(t.Elem())
		}
	}
	for {
		s.space()
		if s.pos >= len(s.data) || s.data[s.pos] != '"' {
			return s.fail("malformed JSON: want a member name in quotes at byte %d", s.pos)
		}
		at := s.pos
		key, escaped, err := s.str()
		if err != nil {
			return err
		}
		if escaped {
			var k string
			if err := json.Unmarshal(s.data[at:s.pos], &k); err != nil {
				return s.fail("malformed JSON: bad member name at byte %d", at)
			}
			key = []byte(k)
		}
		for _, k := range keys {
			if bytes.Equal(k, key) {
				s.path = append(s.path, segment{key: key})
				return &Error{Kind: Duplicate, Path: s.pathString(), Offset: int64(at), Msg: fmt.Sprintf("the member %q appears twice in one object", key)}
			}
		}
		keys = append(keys, key)
		mt := elem
		if fields != nil {
			f, ok := lookupField(fields, key)
			if !ok && f.name != "" {
				s.path = append(s.path, segment{key: key})
				return &Error{Kind: Unknown, Path: s.pathString(), Offset: int64(at), Msg: fmt.Sprintf("unknown field %q (the field is %q, spelt so)", key, f.name)}
			}
			mt = f.typ
		}
		s.space()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			return s.fail("malformed JSON: want ':' after a member name at byte %d", s.pos)
		}
		s.pos++
		s.space()
		if err := s.push(segment{key: key}); err != nil {
			return err
		}
		if err := s.value(mt); err != nil {
			return err
		}
		s.pop()
		if end, err := s.after('}'); end || err != nil {
			return err
		}
	}
}

func (s *scanner) array(t reflect.Type) error {
	s.pos++ // [
	s.space()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		return nil
	}
	var elem reflect.Type
	if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		elem = walkable(t.Elem())
	}
	for i := 0; ; i++ {
		s.space()
		if err := s.push(segment{index: i}); err != nil {
			return err
		}
		if err := s.value(elem); err != nil {
			return err
		}
		s.pop()
		if end, err := s.after(']'); end || err != nil {
			return err
		}
	}
}

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// walkable returns the type whose members and elements check follows for a value decoded into
// t: t without its pointers, or nil when the value is decoded by the type itself
// (json.RawMessage, time.Time) or into an interface, where any member goes.
func walkable(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() == reflect.Interface {
		return nil
	}
	p := reflect.PointerTo(t)
	if p.Implements(unmarshalerType) || p.Implements(textUnmarshalerType) {
		return nil
	}
	return t
}

// field is one field of a struct as encoding/json names it.
type field struct {
	name string
	typ  reflect.Type
}

// structFields lists the fields encoding/json decodes members of t into: exported fields and
// those promoted from embedded structs, under their tag's name or else their Go name.
func structFields(t reflect.Type) []field {
	var out []field
	for _, sf := range reflect.VisibleFields(t) {
		tag := sf.Tag.Get("json")
		if sf.Anonymous && tag == "" && walkable(sf.Type) != nil && walkable(sf.Type).Kind() == reflect.Struct {
			continue // its fields are listed as promoted ones
		}
		if !sf.IsExported() || tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			name = sf.Name
		}
		out = append(out, field{name: name, typ: sf.Type})
	}
	return out
}

// lookupField finds the field named key exactly; failing that, it returns with ok false the
// field whose name equals key but for case, which encoding/json would fill, or no field.
func lookupField(fields []field, key []byte) (f field, ok bool) {
	for _, f := range fields {
		if f.name == string(key) {
			return field{name: f.name, typ: walkable(f.typ)}, true
		}
	}
	for _, f := range fields {
		if strings.EqualFold(f.name, string(key)) {
			return f, false
		}
	}
	return field{}, false
}
