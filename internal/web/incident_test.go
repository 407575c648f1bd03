package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/intake"
	"github.com/gridmap/gridmap/internal/postgis"
	"github.com/gridmap/gridmap/internal/web"
)

// newIntakeServer serves the mini dataset with the real index and intake.
func newIntakeServer(t *testing.T, opts web.Options) (*web.Server, *postgis.DB) {
	t.Helper()
	db := openMini(t)
	locator := miniLocator(t, db)
	deps := web.Deps{Divisions: db, Incidents: db, Features: db, Health: db, Locator: locator,
		Intake: &intake.Service{Store: db, Locator: locator}}
	tok := withAccounts(t, &deps, db)
	return serve(web.New(deps, opts), tok), db
}

func do(t *testing.T, s *web.Server, method, target, body string, header ...string) response {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return send(t, s, req, header...)
}

type incidentOut struct {
	ID         int64  `json:"id"`
	Status     string `json:"status"`
	Reporter   string `json:"reporter"`
	Assignment struct {
		Grid      *struct{ Code, Name string } `json:"grid"`
		Community *struct{ Code, Name string } `json:"community"`
		Street    *struct{ Code, Name string } `json:"street"`
		Method    string                       `json:"method"`
		DistanceM float64                      `json:"distance_m"`
		Reason    string                       `json:"reason"`
	} `json:"assignment"`
	History []struct{ From, To, Note string } `json:"history"`
	DueAt   string                            `json:"due_at"`
}

func decode[T any](t *testing.T, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
	return v
}

func countIncidents(t *testing.T, db *postgis.DB) int {
	t.Helper()
	var n int
	if err := db.Pool.QueryRow(context.Background(), "SELECT count(*) FROM incidents").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

const report = `{"lon":119.375,"lat":25.73,"category":"sanitation","channel":"hotline_12345","description":"垃圾堆放","reporter":"13900000000"}`

func TestCreateIncidentAndIdempotency(t *testing.T) {
	s, db := newIntakeServer(t, web.Options{})
	r := do(t, s, "POST", "/api/v1/incidents", report, "Idempotency-Key", "k-1")
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	in := decode[incidentOut](t, r)
	if in.Status != "assigned" || in.Assignment.Method != "contains" || in.Assignment.Grid.Code != "350181003003001" ||
		in.Assignment.Community.Name != "融东社区" || in.Assignment.Street.Name != "龙山街道" {
		t.Errorf("assignment: %+v", in)
	}
	if in.Reporter != "13900000000" {
		t.Errorf("the command centre does not see the reporter's contact: %s", r.body)
	}
	if len(in.History) != 1 || in.History[0].To != "assigned" || in.DueAt == "" {
		t.Errorf("history %+v due %q", in.History, in.DueAt)
	}
	again := do(t, s, "POST", "/api/v1/incidents", report, "Idempotency-Key", "k-1")
	if again.status != 200 || decode[incidentOut](t, again).ID != in.ID {
		t.Errorf("retry with the same key: %d %s", again.status, again.body)
	}
	other := do(t, s, "POST", "/api/v1/incidents", strings.Replace(report, "垃圾堆放", "别的事", 1), "Idempotency-Key", "k-1")
	if other.status != 409 {
		t.Errorf("same key, other report: %d %s", other.status, other.body)
	}
	if n := countIncidents(t, db); n != 1 {
		t.Errorf("%d incidents stored, want 1", n)
	}
	got := get(t, s, fmt.Sprintf("/api/v1/incidents/%d", in.ID))
	if got.status != 200 || decode[incidentOut](t, got).ID != in.ID {
		t.Errorf("get: %d %s", got.status, got.body)
	}
}

func TestGCJ02LandsWithItsWGS84Twin(t *testing.T) {
	s, _ := newIntakeServer(t, web.Options{})
	// Vectors from internal/crs/testdata/gcoord_test_vectors.json.
	pairs := []struct{ wgs, gcj [2]float64 }{
		{[2]float64{119.3747, 25.7294}, [2]float64{119.37960548507232, 25.726654904363023}},
		{[2]float64{119.384201, 25.72071}, [2]float64{119.38911316169171, 25.717978512315174}},
	}
	for _, p := range pairs {
		a := get(t, s, fmt.Sprintf("/api/v1/locate?lon=%v&lat=%v", p.wgs[0], p.wgs[1]))
		b := get(t, s, fmt.Sprintf("/api/v1/locate?lon=%v&lat=%v&crs=gcj02", p.gcj[0], p.gcj[1]))
		type res struct {
			Result struct {
				Grid *struct{ Code string } `json:"grid"`
			} `json:"result"`
		}
		ra, rb := decode[res](t, a), decode[res](t, b)
		if ra.Result.Grid == nil || rb.Result.Grid == nil || ra.Result.Grid.Code != rb.Result.Grid.Code {
			t.Errorf("%v: wgs84 %s, gcj02 %s", p.wgs, a.body, b.body)
		}
	}
	many := do(t, s, "POST", "/api/v1/locate", `{"crs":"wgs84","points":[[119.375,25.73],[119.385,25.73],[119.3915,25.73],[121,30]]}`)
	var out struct {
		Results []struct {
			Grid      *struct{ Code string } `json:"grid"`
			Method    string                 `json:"method"`
			DistanceM float64                `json:"distance_m"`
		} `json:"results"`
	}
	if err := json.Unmarshal(many.body, &out); err != nil || len(out.Results) != 4 {
		t.Fatalf("batch locate: %s", many.body)
	}
	if out.Results[0].Grid.Code != "350181003003001" || out.Results[1].Grid.Code != "350181003003002" {
		t.Errorf("order or grids wrong: %s", many.body)
	}
	if r := out.Results[2]; r.Method != "nearest" || r.Grid.Code != "350181003003002" || r.DistanceM < 140 || r.DistanceM > 160 {
		t.Errorf("150 m east of the edge: %+v", r)
	}
	if r := out.Results[3]; r.Method != "unassigned" || r.Grid != nil {
		t.Errorf("far away: %+v", r)
	}
}

func TestBadIntake(t *testing.T) {
	s, db := newIntakeServer(t, web.Options{MaxBodyBytes: 64 << 10, MaxBatch: 100})
	tests := []struct {
		name, body string
		status     int
		field      string
	}{
		{"missing lon", `{"lat":25.73,"category":"sanitation","channel":"hotline_12345"}`, 400, "lon"},
		{"non-numeric lat", `{"lon":119.375,"lat":"north","category":"sanitation","channel":"hotline_12345"}`, 400, "lat"},
		{"NaN", `{"lon":NaN,"lat":25.73,"category":"sanitation","channel":"hotline_12345"}`, 400, "lon"},
		{"infinite", `{"lon":1e999,"lat":25.73,"category":"sanitation","channel":"hotline_12345"}`, 400, "lon"},
		{"out of range", `{"lon":119.375,"lat":125.73,"category":"sanitation","channel":"hotline_12345"}`, 400, "lat"},
		{"unknown crs", `{"lon":119.375,"lat":25.73,"crs":"epsg3857","category":"sanitation","channel":"hotline_12345"}`, 400, "crs"},
		{"unknown category", `{"lon":119.375,"lat":25.73,"category":"ufo","channel":"hotline_12345"}`, 400, "category"},
		{"unknown field", `{"lon":119.375,"lat":25.73,"category":"sanitation","channel":"hotline_12345","colour":"red"}`, 400, "colour"},
		{"malformed JSON", `{"lon":119.375,`, 400, "body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, s, "POST", "/api/v1/incidents", tt.body)
			p := decode[web.Problem](t, r)
			if r.status != tt.status || p.Field != tt.field || p.Detail == "" {
				t.Errorf("%d %+v, want %d naming %q", r.status, p, tt.status, tt.field)
			}
		})
	}
	// An oversized body is refused by the HTTP server itself, so test it over a real socket.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(ln)
	defer s.Shutdown(context.Background())
	// The client announces the size and sends no body: the server must refuse on the header
	// alone (a client still writing a large body would see the connection reset instead).
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/incidents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", 70<<10)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 413 || !strings.Contains(resp.Header.Get("Content-Type"), "problem+json") || !strings.Contains(string(body), "too_large") {
		t.Errorf("oversized body: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	many := strings.TrimSuffix(strings.Repeat(`{"client_id":"x","lon":1,"lat":1,"category":"other","channel":"walk_in"},`, 101), ",")
	if r := do(t, s, "POST", "/api/v1/incidents/batch", "["+many+"]"); r.status != 413 || decode[web.Problem](t, r).Field != "body" {
		t.Errorf("101 items with a limit of 100: %d %s", r.status, r.body)
	}
	if r := do(t, s, "POST", "/api/v1/incidents/batch", `[{"client_id":"a"`); r.status != 400 {
		t.Errorf("malformed batch array: %d %s", r.status, r.body)
	}
	if n := countIncidents(t, db); n != 0 {
		t.Errorf("bad input stored %d incidents", n)
	}
}

type batchOut struct {
	Results []struct {
		Index    int                  `json:"index"`
		ClientID string               `json:"client_id"`
		Outcome  string               `json:"outcome"`
		ID       int64                `json:"id"`
		Errors   []gridmap.FieldError `json:"errors"`
	} `json:"results"`
	Created       int `json:"created"`
	AlreadyStored int `json:"already_stored"`
	Rejected      int `json:"rejected"`
}

func TestBatch(t *testing.T) {
	s, db := newIntakeServer(t, web.Options{})
	ndjson := strings.Join([]string{
		`{"client_id":"b-1","lon":119.375,"lat":25.73,"category":"sanitation","channel":"wechat_group"}`,
		`{"client_id":"b-2","lon":119.385,"lat":25.73,"crs":"wgs84","category":"noise","channel":"grid_patrol"}`,
		`{"client_id":"b-3","lon":"east","lat":25.73,"category":"noise","channel":"grid_patrol"}`,
		`{"client_id":"b-4","lon":119.385,"lat":25.73,"category":"noise"`,
		`{"client_id":"b-5","lon":119.385,"lat":25.73,"category":"ufo","channel":"grid_patrol"}`,
		`{"lon":119.385,"lat":25.73,"category":"noise","channel":"grid_patrol"}`,
		`{"client_id":"b-1","lon":119.375,"lat":25.73,"category":"sanitation","channel":"wechat_group"}`,
		`{"client_id":"b-8","lon":122.5,"lat":24.0,"category":"other","channel":"hotline_12345"}`,
	}, "\n")
	r := do(t, s, "POST", "/api/v1/incidents/batch", ndjson, "Content-Type", "application/x-ndjson")
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	out := decode[batchOut](t, r)
	want := []string{"created", "created", "rejected", "rejected", "rejected", "rejected", "already_stored", "created"}
	wantField := []string{"", "", "lon", "", "category", "client_id", "client_id", ""}
	for i, w := range want {
		got := out.Results[i]
		if got.Index != i || got.Outcome != w {
			t.Errorf("item %d: %+v, want %s", i, got, w)
		}
		if wantField[i] != "" && (len(got.Errors) == 0 || got.Errors[0].Field != wantField[i]) {
			t.Errorf("item %d errors %v, want field %s", i, got.Errors, wantField[i])
		}
	}
	if out.Results[6].ID != out.Results[0].ID {
		t.Errorf("repeat within the batch should point at item 0's incident")
	}
	if n := countIncidents(t, db); n != 3 {
		t.Fatalf("%d stored, want 3", n)
	}
	// A retried batch stores nothing twice.
	again := decode[batchOut](t, do(t, s, "POST", "/api/v1/incidents/batch", ndjson, "Content-Type", "application/x-ndjson"))
	if again.Created != 0 || again.AlreadyStored != 4 {
		t.Errorf("retry: %+v", again)
	}
	if n := countIncidents(t, db); n != 3 {
		t.Errorf("%d stored after retry, want 3", n)
	}
	// The unassigned one keeps its reason.
	in := decode[incidentOut](t, get(t, s, fmt.Sprintf("/api/v1/incidents/%d", out.Results[7].ID)))
	if in.Assignment.Method != "unassigned" || in.Status != "reported" || !strings.Contains(in.Assignment.Reason, "outside every grid") {
		t.Errorf("far point: %+v", in)
	}
}

func TestWorkflowAndListing(t *testing.T) {
	s, _ := newIntakeServer(t, web.Options{})
	auth := []string{}
	if r := do(t, s, "POST", "/api/v1/incidents", report, "Authorization", ""); r.status != 401 {
		t.Fatalf("write without token: %d", r.status)
	}
	r := do(t, s, "POST", "/api/v1/incidents", strings.Replace(report, "sanitation", "elderly_service", 1), auth...)
	in := decode[incidentOut](t, r)
	if in.Reporter != "13900000000" {
		t.Errorf("authorised caller should see the reporter contact: %s", r.body)
	}
	path := fmt.Sprintf("/api/v1/incidents/%d/transitions", in.ID)
	for _, to := range []string{"accepted", "in_progress", "resolved", "closed"} {
		r := do(t, s, "POST", path, `{"to":"`+to+`","note":"上门服务"}`, auth...)
		if r.status != 200 || decode[incidentOut](t, r).Status != to {
			t.Fatalf("to %s: %d %s", to, r.status, r.body)
		}
	}
	r = do(t, s, "POST", path, `{"to":"in_progress"}`, auth...)
	if p := decode[web.Problem](t, r); r.status != 409 || p.Field != "to" {
		t.Errorf("illegal move: %d %s", r.status, r.body)
	}
	full := decode[incidentOut](t, get(t, s, fmt.Sprintf("/api/v1/incidents/%d", in.ID)))
	if len(full.History) != 5 || full.History[4].From != "resolved" || full.History[4].To != "closed" {
		t.Errorf("history %+v", full.History)
	}
	for i := 0; i < 4; i++ {
		do(t, s, "POST", "/api/v1/incidents", report, auth...)
	}
	type page struct {
		Items []incidentOut `json:"items"`
		Next  *string       `json:"next"`
	}
	p1 := decode[page](t, get(t, s, "/api/v1/incidents?community=350181003003&limit=3"))
	if len(p1.Items) != 3 || p1.Next == nil {
		t.Fatalf("first page: %+v", p1)
	}
	next := strings.TrimPrefix(*p1.Next, "http://example.com")
	p2 := decode[page](t, get(t, s, next))
	if len(p2.Items) != 2 || p2.Next != nil || p2.Items[0].ID >= p1.Items[2].ID {
		t.Errorf("second page: %+v from %s", p2, next)
	}
	if closed := decode[page](t, get(t, s, "/api/v1/incidents?status=closed")); len(closed.Items) != 1 {
		t.Errorf("status filter: %d", len(closed.Items))
	}
	for _, bad := range []string{"?status=lost", "?since=yesterday", "?limit=0", "?cursor=abc", "?overdue=maybe", "?grid=1"} {
		if r := get(t, s, "/api/v1/incidents"+bad); r.status != 400 {
			t.Errorf("%s: %d", bad, r.status)
		}
	}
	if r := do(t, s, "POST", "/api/v1/incidents/999999/transitions", `{"to":"accepted"}`, auth...); r.status != 404 {
		t.Errorf("unknown incident: %d", r.status)
	}
}
