package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/testdb"
)

// bearer is the header map that sends an API token.
func bearer(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

// with adds headers to a header map.
func with(h map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// call sends one request to base and returns the status, headers and body.
func call(t *testing.T, base, method, path, body string, header map[string]string) (int, http.Header, string) {
	t.Helper()
	status, h, b := callBytes(t, base, method, path, "application/json", []byte(body), header)
	return status, h, string(b)
}

// callBytes is call with a body of any type.
func callBytes(t *testing.T, base, method, path, contentType string, body []byte, header map[string]string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, base+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, b := roundTrip(t, http.DefaultClient, req)
	return resp.StatusCode, resp.Header, b
}

// roundTrip sends req with client and returns the response with its body read: the one place
// the request helpers of these tests (call, fetch, httpDo, httpGet, a signed-in browser's do)
// send.
func roundTrip(t *testing.T, client *http.Client, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// problemOf decodes an RFC 9457 body.
type problemOf struct {
	Status int    `json:"status"`
	Code   string `json:"code"`
	Field  string `json:"field"`
	Detail string `json:"detail"`
	Errors []struct{ Field, Message string }
}

// storedDigest sums up everything a bad request could change: incidents, their histories and
// the grids.
func storedDigest(t *testing.T, url string) string {
	t.Helper()
	return scalar(t, url, `SELECT concat_ws('|',
		(SELECT md5(string_agg(concat_ws(',', id, client_key, status, description, reporter, grid_code, updated_at, resolved_at), ';' ORDER BY id)) FROM incidents),
		(SELECT count(*) FROM incident_events),
		(SELECT md5(string_agg(concat_ws(',', code, name, households, population, ST_AsEWKT(geom)), ';' ORDER BY code)) FROM grids))`)
}

// openIncident returns the id of the mini dataset's open incident (mini-2, accepted).
func openIncident(t *testing.T, base, token string) int64 {
	t.Helper()
	code, _, body := call(t, base, "GET", "/api/v1/incidents?status=accepted", "", bearer(token))
	var list struct{ Items []struct{ ID int64 } }
	if err := json.Unmarshal([]byte(body), &list); code != 200 || err != nil || len(list.Items) != 1 {
		t.Fatalf("open incidents: %d %s", code, body)
	}
	return list.Items[0].ID
}

const gridSquare = `{"type":"Polygon","coordinates":[[[119.37,25.72],[119.38,25.72],[119.38,25.74],[119.37,25.74],[119.37,25.72]]]}`

func gridFeature(props string) string {
	return `{"type":"Feature","geometry":` + gridSquare + `,"properties":{` + props + `}}`
}

// TestBadInputIsNamedAndChangesNothing sends each bad request that issue 7 lists (and that the
// server used to answer with a 500, or took silently) and checks that it gets a 4xx problem
// naming the field at fault, and that nothing stored changed.
func TestBadInputIsNamedAndChangesNothing(t *testing.T) {
	url := miniDatabase(t)
	tok := commandToken(t, url)
	a := startApp(t, url, nil)
	base := "http://" + a.Addr()
	id := openIncident(t, base, tok)
	transitions := fmt.Sprintf("/api/v1/incidents/%d/transitions", id)
	const grid = "/api/v1/grids/350181003003001"
	report := func(extra string) string {
		return `{"lon":119.375,"lat":25.73,"category":"sanitation","channel":"hotline_12345"` + extra + `}`
	}
	before := storedDigest(t, url)
	tests := []struct {
		name, method, path, body string
		header                   map[string]string
		status                   int
		field                    string
	}{
		{"NUL in a description", "POST", "/api/v1/incidents", report(`,"description":"漏水\u0000"`), nil, 400, "description"},
		{"NUL in a reporter", "POST", "/api/v1/incidents", report(`,"reporter":"\u0000"`), nil, 400, "reporter"},
		{"Idempotency-Key not UTF-8", "POST", "/api/v1/incidents", report(""), map[string]string{"Idempotency-Key": "key-\xff\xfe"}, 400, "Idempotency-Key"},
		{"Idempotency-Key of 201 bytes", "POST", "/api/v1/incidents", report(""), map[string]string{"Idempotency-Key": strings.Repeat("k", 201)}, 400, "Idempotency-Key"},
		{"a report that is not an object", "POST", "/api/v1/incidents", `[1]`, nil, 400, "body"},
		{"duplicate member in a report", "POST", "/api/v1/incidents", report(`,"lon":120`), nil, 400, "lon"},
		{"trailing JSON after a transition", "POST", transitions, `{"to":"rejected"}{"to":"closed"}`, nil, 400, "body"},
		{"duplicate key in a transition", "POST", transitions, `{"to":"in_progress","to":"assigned"}`, nil, 400, "to"},
		{"NUL in a note", "POST", transitions, `{"to":"in_progress","note":"a\u0000"}`, nil, 400, "note"},
		{"an actor the caller names (the actor is who signed in)", "POST", transitions, `{"to":"in_progress","actor":"someone else"}`, nil, 400, "actor"},
		{"households not a number", "PUT", grid, gridFeature(`"name":"x","households":"many","population":900`), nil, 400, "properties.households"},
		{"households a fraction", "PUT", grid, gridFeature(`"name":"x","households":2.7,"population":900`), nil, 400, "properties.households"},
		{"households 1e20", "PUT", grid, gridFeature(`"name":"x","households":1e20,"population":900`), nil, 400, "properties.households"},
		{"households missing", "PUT", grid, gridFeature(`"name":"x","population":900`), nil, 400, "properties.households"},
		{"population negative", "PUT", grid, gridFeature(`"name":"x","households":1,"population":-1`), nil, 400, "properties.population"},
		{"a name of 100,000 characters", "PUT", grid, gridFeature(`"name":"` + strings.Repeat("网", 100000) + `","households":320,"population":900`), nil, 400, "properties.name"},
		{"a code other than the URL's", "PUT", grid, gridFeature(`"code":"350181003003002","name":"x","households":320,"population":900`), nil, 400, "properties.code"},
		{"a community other than the code's", "PUT", grid, gridFeature(`"community":"350181003004","name":"x","households":320,"population":900`), nil, 400, "properties.community"},
		{"an unknown property", "PUT", grid, gridFeature(`"name":"x","households":320,"population":900,"colour":"red"`), nil, 400, "properties.colour"},
		{"a member twice in the properties", "PUT", grid, gridFeature(`"name":"x","households":320,"households":1,"population":900`), nil, 400, "properties.households"},
		{"walk_m NaN", "GET", "/api/v1/coverage?walk_m=NaN", "", nil, 400, "walk_m"},
		{"walk_m Inf", "GET", "/api/v1/coverage?walk_m=Inf", "", nil, 400, "walk_m"},
		{"hotspots ending before they start", "GET", "/api/v1/hotspots?since=2026-11-20&until=2026-11-10", "", nil, 400, "until"},
		{"incidents ending before they start", "GET", "/api/v1/incidents?since=2026-11-20T00:00:00Z&until=2026-11-10T00:00:00Z", "", nil, 400, "until"},
		{"a token without its scheme", "POST", "/api/v1/incidents", report(""), map[string]string{"Authorization": tok}, 401, ""},
		{"a token with another scheme", "POST", "/api/v1/incidents", report(""), map[string]string{"Authorization": "Basic " + tok}, 401, ""},
		{"no token at all", "POST", "/api/v1/incidents", report(""), map[string]string{"Authorization": ""}, 401, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := bearer(tok)
			for k, v := range tt.header {
				header[k] = v
			}
			if header["Authorization"] == "" {
				delete(header, "Authorization")
			}
			status, _, body := call(t, base, tt.method, tt.path, tt.body, header)
			var p problemOf
			if err := json.Unmarshal([]byte(body), &p); err != nil {
				t.Fatalf("%d, not a problem body: %s", status, body)
			}
			if status != tt.status || p.Field != tt.field || p.Detail == "" {
				t.Errorf("%d field %q (%s), want %d naming %q", status, p.Field, p.Detail, tt.status, tt.field)
			}
			for _, leak := range []string{"web.", "reportIn", "SQLSTATE", "pgx", "gridmap."} {
				if strings.Contains(body, leak) {
					t.Errorf("the problem shows %q: %s", leak, body)
				}
			}
			if after := storedDigest(t, url); after != before {
				t.Errorf("the bad request changed what is stored")
				before = after
			}
		})
	}
}

// TestBadItemsOfABatchAreRejectedAlone: an item the database could not store (NUL, bad UTF-8)
// is rejected by itself, naming its field, and the other items are stored.
func TestBadItemsOfABatchAreRejectedAlone(t *testing.T) {
	url := miniDatabase(t)
	auth := bearer(commandToken(t, url))
	a := startApp(t, url, nil)
	base := "http://" + a.Addr()
	item := func(id, extra string) string {
		return `{"client_id":"` + id + `","lon":119.375,"lat":25.73,"category":"noise","channel":"wechat_group"` + extra + `}`
	}
	body := strings.Join([]string{
		item("b-1", ""),
		item("b-2", `,"description":"x\u0000y"`),
		item("b-3", `,"reporter":"\u0000"`),
		item("b-4", `,"category":"noise"`),
		item("b-5", ""),
	}, "\n")
	status, _, out := call(t, base, "POST", "/api/v1/incidents/batch", body, with(auth, "Content-Type", "application/x-ndjson"))
	var res struct {
		Results []struct {
			Outcome string
			Errors  []struct{ Field string }
		}
		Created, Rejected int
	}
	if err := json.Unmarshal([]byte(out), &res); status != 200 || err != nil || len(res.Results) != 5 {
		t.Fatalf("%d %s", status, out)
	}
	wantField := []string{"", "description", "reporter", "category", ""}
	for i, r := range res.Results {
		bad := wantField[i] != ""
		if bad != (r.Outcome == "rejected") || bad && (len(r.Errors) == 0 || r.Errors[0].Field != wantField[i]) {
			t.Errorf("item %d: %+v, want rejected=%v naming %q", i, r, bad, wantField[i])
		}
	}
	if res.Created != 2 || res.Rejected != 3 {
		t.Errorf("created %d, rejected %d; want 2 and 3", res.Created, res.Rejected)
	}
	// The same batch again stores nothing more and still rejects the bad items alone.
	status, _, out = call(t, base, "POST", "/api/v1/incidents/batch", body, with(auth, "Content-Type", "application/x-ndjson"))
	if status != 200 || !strings.Contains(out, `"already_stored":2`) || !strings.Contains(out, `"rejected":3`) {
		t.Errorf("the batch again: %d %s", status, out)
	}
}

// TestLongestIdempotencyKey: the API promises keys of up to 200 bytes; every one of them works.
func TestLongestIdempotencyKey(t *testing.T) {
	url := miniDatabase(t)
	auth := bearer(commandToken(t, url))
	a := startApp(t, url, nil)
	base := "http://" + a.Addr()
	rep := `{"lon":119.375,"lat":25.73,"category":"sanitation","channel":"hotline_12345"}`
	for _, n := range []int{196, 199, 200} {
		key := with(auth, "Idempotency-Key", strings.Repeat("k", n))
		if status, _, body := call(t, base, "POST", "/api/v1/incidents", rep, key); status != 201 {
			t.Errorf("a %d-byte key: %d %s", n, status, body)
		}
		if status, h, body := call(t, base, "POST", "/api/v1/incidents", rep, key); status != 200 || h.Get("Idempotent-Replayed") != "true" {
			t.Errorf("a %d-byte key again: %d %s", n, status, body)
		}
	}
}

// TestHotspotsDefaultWindow: without since and until the hotspots cover the last 30 days up to
// now, and say so.
func TestHotspotsDefaultWindow(t *testing.T) {
	url := miniDatabase(t)
	tok := bearer(commandToken(t, url))
	a := startApp(t, url, nil)
	status, _, body := call(t, "http://"+a.Addr(), "GET", "/api/v1/hotspots", "", tok)
	var res struct{ Since, Until time.Time }
	if err := json.Unmarshal([]byte(body), &res); status != 200 || err != nil {
		t.Fatalf("%d %s", status, body)
	}
	if res.Until.Year() < 2000 || res.Until.Sub(res.Since) != 30*24*time.Hour || time.Since(res.Until).Abs() > time.Minute {
		t.Errorf("the default window is %v to %v", res.Since, res.Until)
	}
}

// TestDatabaseOutageIs503: with the database cut off, requests that need it get 503 with
// Retry-After (not 500), /readyz says the database is down, /healthz still answers; once it is
// back, everything works again without a restart.
func TestDatabaseOutageIs503(t *testing.T) {
	direct := miniDatabase(t)
	auth := bearer(commandToken(t, direct))
	url, proxy := testdb.NewProxy(t, direct)
	a := startApp(t, url, map[string]string{"GRIDMAP_REQUEST_TIMEOUT": "5s"})
	base := "http://" + a.Addr()
	if status, _, body := call(t, base, "GET", "/api/v1/incidents", "", auth); status != 200 {
		t.Fatalf("before the outage: %d %s", status, body)
	}
	proxy.Cut()
	for _, path := range []string{"/api/v1/streets", "/api/v1/stats", "/readyz"} {
		status, h, body := call(t, base, "GET", path, "", nil)
		if status != 503 || h.Get("Retry-After") == "" || !strings.Contains(body, `"unavailable"`) {
			t.Errorf("GET %s with the database down: %d, Retry-After %q: %s", path, status, h.Get("Retry-After"), body)
		}
	}
	// A signed-in caller's token cannot even be checked: 503, not 401.
	status, h, body := call(t, base, "POST", "/api/v1/incidents", `{"lon":119.375,"lat":25.73,"category":"sanitation","channel":"hotline_12345"}`, auth)
	if status != 503 || h.Get("Retry-After") == "" {
		t.Errorf("a report with the database down: %d, Retry-After %q: %s", status, h.Get("Retry-After"), body)
	}
	if status, _, _ := call(t, base, "GET", "/healthz", "", nil); status != 200 {
		t.Errorf("healthz with the database down: %d", status)
	}
	if err := proxy.Restore(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		status, _, body := call(t, base, "GET", "/api/v1/incidents", "", auth)
		if status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the database is back but the server still answers %d %s", status, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if status, _, body := call(t, base, "GET", "/readyz", "", nil); status != 200 {
		t.Errorf("readyz after the outage: %d %s", status, body)
	}
}
