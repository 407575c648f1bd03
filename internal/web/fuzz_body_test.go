package web

// Fuzz targets for the request bodies of the intake: one report (JSON) and a batch (a JSON
// array or NDJSON). Like every fuzz target of gridmap they state what must hold of any input,
// not only that nothing panics; the seeds in testdata/fuzz/<target>/ run as regression tests
// with the plain go test, and `make fuzz` (.ci/fuzz) runs each target for real.

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/calendar"
	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/intake"
	"github.com/gridmap/gridmap/internal/strictjson"
)

// checkFieldErrors fails unless every problem names its field and says what is wrong.
func checkFieldErrors(t *testing.T, what string, errs []gridmap.FieldError) {
	t.Helper()
	for i, e := range errs {
		if e.Field == "" || e.Message == "" {
			t.Fatalf("%s: problem %d has field %q and message %q; every problem needs both", what, i, e.Field, e.Message)
		}
	}
}

// checkInvalid fails unless err is a *gridmap.Error with one of codes (EInvalid if none are
// given) that names one of fields (any field if none are given) and has a message.
func checkInvalid(t *testing.T, err error, codes []string, fields ...string) *gridmap.Error {
	t.Helper()
	var e *gridmap.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *gridmap.Error", err, err)
	}
	if len(codes) == 0 {
		codes = []string{gridmap.EInvalid}
	}
	if !slices.Contains(codes, e.Code) {
		t.Fatalf("error %v has code %q, want one of %v", err, e.Code, codes)
	}
	if e.Field == "" || len(fields) > 0 && !slices.Contains(fields, e.Field) {
		t.Fatalf("error %v names field %q, want one of %v", err, e.Field, fields)
	}
	if e.Message == "" {
		t.Fatalf("error with field %q has no message", e.Field)
	}
	return e
}

// unassigned is a Locator that places every point in no grid: intake.Prepare needs one, and
// which grid a point lands in is not what these targets check.
type unassigned struct{}

func (unassigned) Assign(lon, lat float64) gridmap.Assignment {
	return gridmap.Assignment{Method: gridmap.MethodUnassigned, Reason: "fuzz"}
}

// reportNames are the members a report may have, spelled exactly.
var reportNames = []string{"client_id", "lon", "lat", "crs", "category", "channel", "description", "reporter", "reported_at"}

// FuzzDecodeReport: a report body is either rejected with problems that each name their
// field (and then turn into one gridmap.Error for the response), or accepted; an accepted
// body is one strict JSON object whose every member is a report field spelled exactly as
// documented and carries the value decoded, the report survives being written out and read
// again unchanged, its coordinates are numbers (never NaN or infinite), and intake.Prepare
// either names what is wrong with it or yields a finite WGS-84 point.
func FuzzDecodeReport(f *testing.F) {
	now := time.Date(2026, 11, 25, 9, 30, 0, 0, gridmap.ChinaTime)
	f.Fuzz(func(t *testing.T, data []byte, batch bool) {
		source := gridmap.KeyIdempotency
		if batch {
			source = gridmap.KeyBatch
		}
		rep, errs := decodeReport(data, source)
		checkFieldErrors(t, "decodeReport", errs)
		if len(errs) > 0 {
			e := checkInvalid(t, fieldsError(errs), nil, errs[0].Field)
			if !reflect.DeepEqual(e.Details, errs) {
				t.Fatalf("fieldsError lost problems: %v, want %v", e.Details, errs)
			}
			if strictjson.Check(data) != nil && len(errs) != 1 {
				t.Fatalf("a body that is not one strict JSON value got %d problems, want the one: %v", len(errs), errs)
			}
			return
		}
		if err := strictjson.Check(data); err != nil {
			t.Fatalf("accepted a body strictjson rejects: %v", err)
		}
		if rep.KeySource != source {
			t.Fatalf("KeySource %q, want %q", rep.KeySource, source)
		}
		if math.IsNaN(rep.Lon) || math.IsNaN(rep.Lat) || math.IsInf(rep.Lon, 0) || math.IsInf(rep.Lat, 0) {
			t.Fatalf("decoded coordinates %v, %v", rep.Lon, rep.Lat)
		}
		checkReportMembers(t, data, rep)

		// Written out and read again, the report is the same.
		again, errs := decodeReport(encodeReport(t, rep), source)
		if len(errs) > 0 {
			t.Fatalf("the report written out is rejected: %v", errs)
		}
		if !again.ReportedAt.Equal(rep.ReportedAt) {
			t.Fatalf("reported_at %v became %v", rep.ReportedAt, again.ReportedAt)
		}
		again.ReportedAt = rep.ReportedAt
		if !reflect.DeepEqual(again, rep) {
			t.Fatalf("round trip changed the report:\n%+v\n%+v", rep, again)
		}

		in, _, perrs := intake.Prepare(unassigned{}, calendar.Default(), rep, now)
		checkFieldErrors(t, "intake.Prepare", perrs)
		if len(perrs) == 0 {
			for _, v := range []float64{in.Point[0], in.Point[1]} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("report at %v, %v (%s) was converted to %v", rep.Lon, rep.Lat, rep.CRS, in.Point)
				}
			}
		}
	})
}

// checkReportMembers reads an accepted body a second, independent way, as a map of members
// compared case-sensitively, and checks that each member is a report field and gave rep its
// value.
func checkReportMembers(t *testing.T, data []byte, rep gridmap.Report) {
	t.Helper()
	var members map[string]json.RawMessage
	if err := json.Unmarshal(data, &members); err != nil || members == nil {
		t.Fatalf("accepted body is not a JSON object: %v", err)
	}
	for name, raw := range members {
		if !slices.Contains(reportNames, name) {
			t.Fatalf("accepted a body with the member %q, which is not a report field", name)
		}
		var want any
		var got any
		switch name {
		case "lon", "lat":
			var v float64
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			want, got = v, map[string]float64{"lon": rep.Lon, "lat": rep.Lat}[name]
		case "reported_at":
			continue // parsed as a time; the round trip checks it
		default:
			var v *string
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if v == nil {
				continue // null leaves the field empty
			}
			want = *v
			got = map[string]string{"client_id": rep.ClientID, "crs": rep.CRS, "category": rep.Category, "channel": rep.Channel,
				"description": rep.Description, "reporter": rep.Reporter}[name]
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("member %q is %v, the report has %v", name, want, got)
		}
	}
}

// encodeReport writes a decoded report back as the JSON body it could have come from.
func encodeReport(t *testing.T, rep gridmap.Report) []byte {
	t.Helper()
	in := reportIn{ClientID: &rep.ClientID, Lon: &rep.Lon, Lat: &rep.Lat, CRS: rep.CRS, Category: rep.Category,
		Channel: rep.Channel, Description: rep.Description, Reporter: rep.Reporter}
	if !rep.ReportedAt.IsZero() {
		in.ReportedAt = rep.ReportedAt.Format(time.RFC3339Nano)
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzSplitBatch: a batch body is either rejected as a whole with a gridmap.Error on "body"
// (invalid, or too large beyond max items), or cut into 1..max items, each a non-empty value
// with no white space around it: for a JSON array, its elements, each valid JSON; for NDJSON,
// its non-blank lines in order, none holding a line break. Every item then decodes to a report
// or to problems that name their fields.
func FuzzSplitBatch(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte, limit uint8) {
		max := int(limit%32) + 1
		items, err := splitBatch(body, max)
		if err != nil {
			checkInvalid(t, err, []string{gridmap.EInvalid, gridmap.ETooLarge}, "body")
			return
		}
		if len(items) < 1 || len(items) > max {
			t.Fatalf("%d items, want 1..%d", len(items), max)
		}
		trimmed := bytes.TrimSpace(body)
		array := trimmed[0] == '['
		if array && !json.Valid(trimmed) {
			t.Fatalf("accepted an array that is not valid JSON")
		}
		var lines [][]byte
		if !array {
			for _, l := range bytes.Split(trimmed, []byte("\n")) {
				if l = bytes.TrimSpace(l); len(l) > 0 {
					lines = append(lines, l)
				}
			}
			if len(lines) != len(items) {
				t.Fatalf("%d non-blank lines gave %d items", len(lines), len(items))
			}
		}
		for i, it := range items {
			if len(it) == 0 || !bytes.Equal(bytes.TrimSpace(it), it) {
				t.Fatalf("item %d is %q: empty or with white space around it", i, it)
			}
			if array && !json.Valid(it) {
				t.Fatalf("array item %d %q is not valid JSON", i, it)
			}
			if !array && (bytes.IndexByte(it, '\n') >= 0 || !bytes.Equal(it, lines[i])) {
				t.Fatalf("NDJSON item %d is %q, line %q", i, it, lines[i])
			}
			_, errs := decodeReport(it, gridmap.KeyBatch)
			checkFieldErrors(t, "batch item", errs)
		}
	})
}
