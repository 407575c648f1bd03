package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/gridmap/gridmap/internal/auth"
	"github.com/gridmap/gridmap/internal/dataset/datasettest"
	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/intake"
	"github.com/gridmap/gridmap/internal/postgis"
	"github.com/gridmap/gridmap/internal/spatial"
	"github.com/gridmap/gridmap/internal/testdb"
	"github.com/gridmap/gridmap/internal/web"
)

// miniSeed holds the mini dataset's divisions and places (not its incidents).
var miniSeed = datasettest.MiniDivisions()

// openMini opens a fresh database holding the mini dataset's divisions and places.
func openMini(t testing.TB) *postgis.DB {
	t.Helper()
	db, err := postgis.Open(context.Background(), testdb.NewSeeded(t, miniSeed), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

// miniLocator is the real index over db's grids.
func miniLocator(t testing.TB, db *postgis.DB) func() intake.Locator {
	t.Helper()
	loc, err := intake.LoadLocator(context.Background(), db, spatial.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return func() intake.Locator { return loc }
}

func newServer(t *testing.T) *web.Server {
	t.Helper()
	db := openMini(t)
	return web.New(web.Deps{Divisions: db, Health: db}, web.Options{})
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func get(t *testing.T, s *web.Server, target string) response {
	t.Helper()
	return send(t, s, httptest.NewRequest(http.MethodGet, target, nil))
}

// tokens holds the command centre's API token of each test server made with serve, which
// send uses unless the request says otherwise (an Authorization header of "" sends none).
var tokens sync.Map // *web.Server → string

// withAccounts adds accounts to deps over db and returns a command centre's token.
func withAccounts(t testing.TB, deps *web.Deps, db *postgis.DB) string {
	t.Helper()
	a := auth.New(db, nil, 0)
	deps.Auth, deps.Accounts, deps.Staff = a, db, db
	return newToken(t, db, a, "command-centre", gridmap.Grant{Role: gridmap.RoleCommand, Scope: gridmap.CityScope})
}

// newToken makes an account with the grants and returns an API token acting as it.
func newToken(t testing.TB, db *postgis.DB, a *auth.Service, login string, grants ...gridmap.Grant) string {
	t.Helper()
	ctx := context.Background()
	u, err := db.CreateUser(ctx, gridmap.User{Login: login, Name: login, Grants: grants}, "")
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := a.CreateToken(ctx, gridmap.Actor{}, u.ID, "test", -1)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// serve registers a server's token for send.
func serve(s *web.Server, token string) *web.Server {
	tokens.Store(s, token)
	return s
}

// send runs a request through the app, with header names and values given in pairs; a
// server made with serve sends its token unless the headers set Authorization.
func send(t *testing.T, s *web.Server, req *http.Request, header ...string) response {
	t.Helper()
	if tok, ok := tokens.Load(s); ok {
		req.Header.Set("Authorization", "Bearer "+tok.(string))
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
		if header[i] == "Authorization" && header[i+1] == "" {
			req.Header.Del("Authorization")
		}
	}
	resp, err := s.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, b}
}

type featureCollection struct {
	Type     string `json:"type"`
	Features []struct {
		ID         string         `json:"id"`
		Geometry   map[string]any `json:"geometry"`
		Properties map[string]any `json:"properties"`
	} `json:"features"`
}

func TestReadAPIs(t *testing.T) {
	s := newServer(t)
	tests := []struct {
		target string
		n      int
		geom   string
	}{
		{"/api/v1/streets", 1, "MultiPolygon"},
		{"/api/v1/communities", 1, "MultiPolygon"},
		{"/api/v1/communities?street=350181003", 1, "MultiPolygon"},
		{"/api/v1/communities?street=350181007", 0, ""},
		{"/api/v1/grids", 2, "MultiPolygon"},
		{"/api/v1/grids?community=350181003003", 2, "MultiPolygon"},
		{"/api/v1/grids?street=350181003&bbox=119.371,25.721,119.372,25.722", 1, "MultiPolygon"},
		{"/api/v1/grids?bbox=120,26,121,27", 0, ""},
		{"/api/v1/red-positions", 1, "Point"},
		{"/api/v1/stations?community=350181003003", 1, "Point"},
		{"/api/v1/stations?kind=deliberation_hall", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			r := get(t, s, tt.target)
			if r.status != 200 || r.header.Get("Content-Type") != "application/geo+json" {
				t.Fatalf("status %d, type %q: %s", r.status, r.header.Get("Content-Type"), r.body)
			}
			var fc featureCollection
			if err := json.Unmarshal(r.body, &fc); err != nil {
				t.Fatal(err)
			}
			if fc.Type != "FeatureCollection" || len(fc.Features) != tt.n {
				t.Fatalf("got %s with %d features, want %d", fc.Type, len(fc.Features), tt.n)
			}
			for _, f := range fc.Features {
				if f.Geometry["type"] != tt.geom || f.ID == "" {
					t.Errorf("feature %q has geometry %v", f.ID, f.Geometry["type"])
				}
			}
		})
	}
	r := get(t, s, "/api/v1/grids/350181003003002")
	if r.status != 200 || !strings.Contains(string(r.body), `"households":280`) {
		t.Errorf("one grid: %d %s", r.status, r.body)
	}
}

func TestNoPersonalData(t *testing.T) {
	s := newServer(t)
	for _, target := range []string{"/api/v1/streets", "/api/v1/communities", "/api/v1/grids", "/api/v1/grids/350181003003001", "/api/v1/red-positions", "/api/v1/stations"} {
		body := string(get(t, s, target).body)
		for _, secret := range []string{"林测试", "陈测试", "19900000001", "phone", "reporter"} {
			if strings.Contains(body, secret) {
				t.Errorf("%s leaks %q", target, secret)
			}
		}
	}
}

func TestBadRequestsAreProblems(t *testing.T) {
	s := newServer(t)
	tests := []struct {
		target string
		status int
		field  string
		detail string
	}{
		{"/api/v1/grids?bbox=1,2,3", 400, "bbox", "four comma-separated numbers"},
		{"/api/v1/grids?bbox=a,2,3,4", 400, "bbox", "not a number"},
		{"/api/v1/grids?bbox=119.4,25.7,119.3,25.8", 400, "bbox", "minimum above its maximum"},
		{"/api/v1/grids?bbox=119,25,190,26", 400, "bbox", "outside longitude"},
		{"/api/v1/grids?street=3501", 400, "street", "malformed"},
		{"/api/v1/grids?community=abc", 400, "community", "malformed"},
		{"/api/v1/grids?strete=350181003", 400, "strete", "unknown query parameter"},
		{"/api/v1/grids/350181003003999", 404, "", "not found"},
		{"/api/v1/grids/12345", 400, "code", "malformed"},
		{"/api/v1/stations?kind=casino", 400, "kind", "unknown kind"},
		{"/api/v1/nothing", 404, "", "no API endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			r := get(t, s, tt.target)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
				t.Errorf("content type %q", ct)
			}
			var p web.Problem
			if err := json.Unmarshal(r.body, &p); err != nil {
				t.Fatal(err)
			}
			if p.Status != tt.status || p.Field != tt.field || !strings.Contains(p.Detail, tt.detail) || p.RequestID == "" {
				t.Errorf("problem %+v, want field %q and detail with %q", p, tt.field, tt.detail)
			}
		})
	}
}

func TestHealth(t *testing.T) {
	s := newServer(t)
	if r := get(t, s, "/healthz"); r.status != 200 {
		t.Errorf("healthz %d", r.status)
	}
	if r := get(t, s, "/readyz"); r.status != 200 || !strings.Contains(string(r.body), "ready") {
		t.Errorf("readyz %d %s", r.status, r.body)
	}
	// A real pool whose connections are gone stands for a database that went away.
	gone, err := postgis.Open(context.Background(), testdb.New(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	gone.Close()
	down := web.New(web.Deps{Health: gone}, web.Options{})
	if r := get(t, down, "/readyz"); r.status != 503 {
		t.Errorf("readyz with the database down: %d %s", r.status, r.body)
	}
	if r := get(t, s, "/metrics"); r.status != 200 || !strings.Contains(string(r.body), "gridmap_http_requests_total") {
		t.Errorf("metrics %d %s", r.status, r.body)
	}
}

func newOGCServer(t *testing.T) *web.Server {
	t.Helper()
	db := openMini(t)
	return web.New(web.Deps{Divisions: db, Features: db, Health: db}, web.Options{})
}

func TestOGCFeatures(t *testing.T) {
	s := newOGCServer(t)
	r := get(t, s, "/ogc/collections/grids/items?limit=1")
	var fc struct {
		NumberMatched  int `json:"numberMatched"`
		NumberReturned int `json:"numberReturned"`
		Features       []struct {
			ID         string         `json:"id"`
			Properties map[string]any `json:"properties"`
		}
		Links []struct{ Href, Rel string }
	}
	if err := json.Unmarshal(r.body, &fc); err != nil || r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if fc.NumberMatched != 2 || fc.NumberReturned != 1 || len(fc.Features) != 1 {
		t.Errorf("matched %d returned %d", fc.NumberMatched, fc.NumberReturned)
	}
	rels := map[string]string{}
	for _, l := range fc.Links {
		rels[l.Rel] = l.Href
	}
	if !strings.Contains(rels["next"], "offset=1") || rels["prev"] != "" {
		t.Errorf("links %v", rels)
	}
	if p := fc.Features[0].Properties; p["party_members"] != 1.0 || p["households_covered"] != 12.0 {
		t.Errorf("grid coverage properties %v", p)
	}
	r = get(t, s, "/ogc/collections/grids/items?code=350181003003002")
	if !strings.Contains(string(r.body), `"numberMatched":1`) {
		t.Errorf("property filter: %s", r.body)
	}
	for _, target := range []string{"/ogc", "/ogc/conformance", "/ogc/api", "/ogc/collections", "/ogc/collections/stations", "/ogc/collections/stations/queryables", "/ogc/collections/red_positions/items/350181003003001-R1"} {
		if r := get(t, s, target); r.status != 200 {
			t.Errorf("%s: %d %s", target, r.status, r.body)
		}
	}
	bad := []struct {
		target string
		status int
		field  string
	}{
		{"/ogc/collections/nope/items", 404, "collectionId"},
		{"/ogc/collections/grids/items?bbox=1,2", 400, "bbox"},
		{"/ogc/collections/grids/items?limit=100000", 400, "limit"},
		{"/ogc/collections/grids/items?households=3", 400, "households"},
		{"/ogc/collections/grids/items?colour=red", 400, "colour"},
		{"/ogc/collections/incidents/items?datetime=yesterday", 400, "datetime"},
		{"/ogc/collections/grids/items?datetime=2026-11-01T00:00:00Z", 400, "datetime"},
		{"/ogc/collections/grids/items/999", 404, ""},
	}
	for _, b := range bad {
		r := get(t, s, b.target)
		var p web.Problem
		json.Unmarshal(r.body, &p)
		if r.status != b.status || p.Field != b.field {
			t.Errorf("%s: %d field %q, want %d %q: %s", b.target, r.status, p.Field, b.status, b.field, r.body)
		}
	}
	if body := string(get(t, s, "/ogc/collections/grids/items").body); strings.Contains(body, "林测试") || strings.Contains(body, "1990000000") {
		t.Error("personal data in feature service")
	}
}

func TestStaticFilesCompressedAndTyped(t *testing.T) {
	big := strings.Repeat("export const a = 1;\n", 500)
	s := web.New(web.Deps{Static: fstest.MapFS{"index.html": {Data: []byte("<!doctype html>" + big)}, "lib/x.mjs": {Data: []byte(big)}}}, web.Options{})
	req := httptest.NewRequest("GET", "/lib/x.mjs", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := s.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("Content-Encoding") != "gzip" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") {
		t.Errorf("module served as %v", resp.Header)
	}
	if r := get(t, s, "/"); r.status != 200 || !strings.Contains(string(r.body), "<!doctype html>") {
		t.Errorf("index: %d", r.status)
	}
}
