package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/gridmap/gridmap/internal/dataset/datasettest"
	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/photo/phototest"
	"github.com/gridmap/gridmap/internal/testdb"
)

// Two streets for the access tests: the mini dataset's 龙山街道 (A) and a second one, 玉屏街道
// (B). Roles are held in A, or in one of A's grids; B is outside every scope but the city's.
const (
	streetA, communityA, gridA = "350181003", "350181003003", "350181003003002"
	streetB, communityB, gridB = "350181002", "350181002009", "350181002009001"
)

// twoStreets is a database holding both streets, imported through the real command with the
// dataset's own times.
func twoStreets(t *testing.T) string {
	t.Helper()
	url := testdb.New(t)
	for _, dir := range []string{datasettest.Dir(), datasettest.SecondDir()} {
		if code, _, stderr := gridmapCmd(t, url, "import", "-q", "-keep-times", dir); code != 0 {
			t.Fatalf("import %s: %s", dir, stderr)
		}
	}
	return url
}

// accessRole is a caller of the matrix: a role with the scope it is held in.
type accessRole struct {
	role, scope string
	city        bool // its scope is the whole city: nothing is outside it
}

var accessRoles = []accessRole{
	{role: gridmap.RolePublic},
	{role: gridmap.RoleAdmin, scope: "city", city: true},
	{role: gridmap.RoleCommand, scope: "city", city: true},
	{role: gridmap.RoleStreet, scope: streetA},
	{role: gridmap.RoleCommunity, scope: communityA},
	{role: gridmap.RoleGridWorker, scope: gridA},
	{role: gridmap.RolePartyMember, scope: gridA},
	{role: gridmap.RoleVolunteer, scope: gridA},
	{role: gridmap.RoleDepartment, scope: "city", city: true},
	{role: gridmap.RoleIntegration, scope: "city"}, // reads only its own reports: mini-2 is not one
}

// matrixTarget is what a request of the matrix is made against.
type matrixTarget struct {
	street, community, grid string
	incident                int64  // an incident there
	staff                   string // a staff member there
	point                   [2]float64
	marker                  string // text only data of there shows
}

// matrixRequest is one request for a route at a target.
type matrixRequest struct {
	method, path, body string
	contentType        string // "" for application/json
	// outcome of an allowed request outside the caller's scope: "404", "400" (a report where
	// the caller may not report), "filtered" (a list without what lies outside) or "same"
	// (public: the same for everyone).
	outside string
	// own is the route's answer when the access checks let the request through, when that is
	// itself a refusal (a failed sign-in); 0: any but 401, 403 and 404.
	own int
	// assigneeOnly marks a step only the incident's assignee may take: for anyone else with the
	// action, 403 is the route's own answer.
	assigneeOnly bool
}

// matrixRequests says how to call each route of the table; a route without an entry fails the
// test, so that a new route is added to the matrix with its expected statuses.
func matrixRequests(login string) map[string]func(x matrixTarget) matrixRequest {
	incidentBody := func(x matrixTarget) string {
		return fmt.Sprintf(`{"lon":%v,"lat":%v,"category":"noise","channel":"grid_patrol"}`, x.point[0], x.point[1])
	}
	gridBody := func(x matrixTarget) string {
		lon := 119.38 // A's grid 002 spans 119.38-119.39, B's grid 119.39-119.41
		w := 0.01
		if x.grid == gridB {
			lon, w = 119.39, 0.02
		}
		return fmt.Sprintf(`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[%v,25.72],[%v,25.72],[%v,25.74],[%v,25.74],[%v,25.72]]]},"properties":{"name":"网格","households":300,"population":900}}`,
			lon, lon+w, lon+w, lon, lon)
	}
	static := func(path string) func(matrixTarget) matrixRequest {
		return func(matrixTarget) matrixRequest { return matrixRequest{method: "GET", path: path, outside: "same"} }
	}
	return map[string]func(matrixTarget) matrixRequest{
		"GET /healthz":                        static("/healthz"),
		"GET /readyz":                         static("/readyz"),
		"GET /metrics":                        static("/metrics"),
		"GET /api/v1/streets":                 static("/api/v1/streets"),
		"GET /api/v1/communities":             static("/api/v1/communities"),
		"GET /api/v1/grids":                   static("/api/v1/grids"),
		"GET /api/v1/red-positions":           static("/api/v1/red-positions"),
		"GET /api/v1/stations":                static("/api/v1/stations"),
		"GET /api/v1/categories":              static("/api/v1/categories"),
		"GET /api/v1/site":                    static("/api/v1/site"),
		"GET /api/v1/stats":                   static("/api/v1/stats"),
		"GET /api/v1/me":                      static("/api/v1/me"),
		"GET /ogc":                            static("/ogc"),
		"GET /ogc/conformance":                static("/ogc/conformance"),
		"GET /ogc/api":                        static("/ogc/api"),
		"GET /ogc/collections":                static("/ogc/collections"),
		"GET /ogc/collections/:id":            static("/ogc/collections/incidents"),
		"GET /tiles/:file":                    static("/tiles/incidents.json"),
		"GET /api/v1/locate":                  static("/api/v1/locate?lon=119.385&lat=25.735"),
		"GET /api/v1/me/sessions":             static("/api/v1/me/sessions"),
		"GET /api/v1/me/tokens":               static("/api/v1/me/tokens"),
		"GET /api/v1/users":                   static("/api/v1/users"),
		"GET /api/v1/audit":                   static("/api/v1/audit"),
		"GET /api/v1/events?timeout":          static("/api/v1/events"),
		"GET /ogc/collections/:id/queryables": static("/ogc/collections/incidents/queryables"),
		"GET /ogc/collections/:id/items":      static("/ogc/collections/incidents/items"),
		"GET /api/v1/grids/:code": func(x matrixTarget) matrixRequest {
			return matrixRequest{method: "GET", path: "/api/v1/grids/" + x.grid, outside: "same"}
		},
		"GET /ogc/collections/:id/items/:fid": func(x matrixTarget) matrixRequest {
			return matrixRequest{method: "GET", path: "/ogc/collections/grids/items/" + x.grid, outside: "same"}
		},
		"GET /tiles/:layer/:z/:x/:file": func(matrixTarget) matrixRequest {
			return matrixRequest{method: "GET", path: "/tiles/incidents/13/6812/3489.mvt", outside: "same"}
		},
		"POST /api/v1/locate": func(x matrixTarget) matrixRequest {
			return matrixRequest{method: "POST", path: "/api/v1/locate", body: fmt.Sprintf(`{"points":[[%v,%v]]}`, x.point[0], x.point[1]), outside: "same"}
		},
		"POST /api/v1/session": func(x matrixTarget) matrixRequest {
			// A wrong password, a login of its own each time: the lockout is tested elsewhere.
			return matrixRequest{method: "POST", path: "/api/v1/session", body: `{"login":"nobody-` + login + `-` + x.grid + `","password":"not the password"}`, outside: "same", own: 401}
		},
		"DELETE /api/v1/session": func(matrixTarget) matrixRequest {
			return matrixRequest{method: "DELETE", path: "/api/v1/session", outside: "same"}
		},
		"POST /api/v1/me/tokens": func(matrixTarget) matrixRequest {
			return matrixRequest{method: "POST", path: "/api/v1/me/tokens", body: `{"name":"matrix"}`, outside: "same"}
		},
		"DELETE /api/v1/me/tokens/:id": func(matrixTarget) matrixRequest {
			return matrixRequest{method: "DELETE", path: "/api/v1/me/tokens/999999", outside: "same"}
		},
		"PUT /api/v1/grids/:code": func(x matrixTarget) matrixRequest {
			return matrixRequest{method: "PUT", path: "/api/v1/grids/" + x.grid, body: gridBody(x), outside: "404"}
		},
		"POST /api/v1/incidents": func(x matrixTarget) matrixRequest {
			return matrixRequest{method: "POST", path: "/api/v1/incidents", body: incidentBody(x), outside: "400"}
		},
		"POST /api/v1/incidents/batch": func(x matrixTarget) matrixRequest {
			return matrixRequest{method: "POST", path: "/api/v1/incidents/batch", outside: "filtered",
				body: `[` + strings.Replace(incidentBody(x), "{", fmt.Sprintf(`{"client_id":"matrix-%s-%s",`, login, x.grid), 1) + `]`}
		},
		"GET /api/v1/incidents": func(x matrixTarget) matrixRequest {
			return matrixRequest{method: "GET", path: "/api/v1/incidents?limit=1000", outside: "filtered"}
		},
		"GET /api/v1/incidents/:id": func(x matrixTarget) matrixRequest {
			return matrixRequest{method: "GET", path: fmt.Sprintf("/api/v1/incidents/%d", x.incident), outside: "404"}
		},
		// From accepted, resolved is not a legal move (work) and closed not one either (dispatch):
		// past the access checks the answer is 409, and nothing changes for the next caller.
		"POST /api/v1/incidents/:id/transitions": func(x matrixTarget) matrixRequest {
			return matrixRequest{method: "POST", path: fmt.Sprintf("/api/v1/incidents/%d/transitions", x.incident), body: `{"to":"resolved"}`, outside: "404"}
		},
		"GET /api/v1/coverage": func(matrixTarget) matrixRequest {
			return matrixRequest{method: "GET", path: "/api/v1/coverage", outside: "filtered"}
		},
		"GET /api/v1/tiling": func(matrixTarget) matrixRequest {
			return matrixRequest{method: "GET", path: "/api/v1/tiling", outside: "filtered"}
		},
		"GET /api/v1/hotspots": func(matrixTarget) matrixRequest {
			return matrixRequest{method: "GET", path: "/api/v1/hotspots?since=2026-01-01&limit=10000", outside: "filtered"}
		},
		// The loop's steps, with bodies the domain refuses after the access checks (or, for the
		// urge and a department's response, a harmless change).
		"POST /api/v1/incidents/:id/dispatch": func(x matrixTarget) matrixRequest {
			return matrixRequest{method: "POST", path: fmt.Sprintf("/api/v1/incidents/%d/dispatch", x.incident), body: `{}`, outside: "404"}
		},
		"POST /api/v1/incidents/:id/return": func(x matrixTarget) matrixRequest {
			return matrixRequest{method: "POST", path: fmt.Sprintf("/api/v1/incidents/%d/return", x.incident), body: `{}`, outside: "404", assigneeOnly: true}
		},
		"POST /api/v1/incidents/:id/respond": func(x matrixTarget) matrixRequest {
			return matrixRequest{method: "POST", path: fmt.Sprintf("/api/v1/incidents/%d/respond", x.incident), body: `{}`, outside: "404", assigneeOnly: true}
		},
		"POST /api/v1/incidents/:id/progress": func(x matrixTarget) matrixRequest {
			return matrixRequest{method: "POST", path: fmt.Sprintf("/api/v1/incidents/%d/progress", x.incident), body: `{"note":""}`, outside: "404"}
		},
		"POST /api/v1/incidents/:id/urge": func(x matrixTarget) matrixRequest {
			return matrixRequest{method: "POST", path: fmt.Sprintf("/api/v1/incidents/%d/urge", x.incident), body: `{"note":"matrix"}`, outside: "404"}
		},
		"POST /api/v1/incidents/:id/callback": func(x matrixTarget) matrixRequest {
			return matrixRequest{method: "POST", path: fmt.Sprintf("/api/v1/incidents/%d/callback", x.incident), body: `{"verdict":"maybe"}`, outside: "404"}
		},
		"POST /api/v1/incidents/:id/duplicate": func(x matrixTarget) matrixRequest {
			return matrixRequest{method: "POST", path: fmt.Sprintf("/api/v1/incidents/%d/duplicate", x.incident), body: `{}`, outside: "404"}
		},
		"POST /api/v1/incidents/:id/not-duplicate": func(x matrixTarget) matrixRequest {
			return matrixRequest{method: "POST", path: fmt.Sprintf("/api/v1/incidents/%d/not-duplicate", x.incident), body: `{}`, outside: "404"}
		},
		// A photo is attached (up to the most an incident carries; then 409, the route's own).
		"POST /api/v1/incidents/:id/photos": func(x matrixTarget) matrixRequest {
			return matrixRequest{method: "POST", path: fmt.Sprintf("/api/v1/incidents/%d/photos", x.incident), outside: "404",
				body: string(phototest.PNG(phototest.Picture(4, 3))), contentType: "image/png"}
		},
		"GET /api/v1/incidents/:id/photos/:photo": func(x matrixTarget) matrixRequest {
			return matrixRequest{method: "GET", path: fmt.Sprintf("/api/v1/incidents/%d/photos/999999", x.incident), outside: "404"}
		},
		"GET /api/v1/supervision": func(matrixTarget) matrixRequest {
			return matrixRequest{method: "GET", path: "/api/v1/supervision", outside: "filtered"}
		},
		"GET /api/v1/departments": static("/api/v1/departments"),
		"PUT /api/v1/departments/:code": func(matrixTarget) matrixRequest {
			return matrixRequest{method: "PUT", path: "/api/v1/departments/matrix", body: `{"name":"矩阵局"}`, outside: "same"}
		},
		"GET /api/v1/calendar": static("/api/v1/calendar?year=2026"),
		"PUT /api/v1/calendar/:date": func(matrixTarget) matrixRequest {
			return matrixRequest{method: "PUT", path: "/api/v1/calendar/2031-01-02", body: `{"kind":"off","name":"测试","source":"matrix"}`, outside: "same"}
		},
		"DELETE /api/v1/calendar/:date": func(matrixTarget) matrixRequest {
			return matrixRequest{method: "DELETE", path: "/api/v1/calendar/2031-01-03", outside: "same", own: 404}
		},
		"GET /api/v1/figures": func(matrixTarget) matrixRequest {
			return matrixRequest{method: "GET", path: "/api/v1/figures?by=grid&since=2026-01-01&until=2026-12-31", outside: "filtered"}
		},
		"GET /api/v1/reports/monthly": func(x matrixTarget) matrixRequest {
			return matrixRequest{method: "GET", path: "/api/v1/reports/monthly?street=" + x.street + "&month=2026-11", outside: "404"}
		},
		"GET /api/v1/staff": func(x matrixTarget) matrixRequest {
			return matrixRequest{method: "GET", path: "/api/v1/staff?grid=" + x.grid, outside: "404"}
		},
		"PUT /api/v1/staff/:id": func(x matrixTarget) matrixRequest {
			return matrixRequest{method: "PUT", path: "/api/v1/staff/" + x.staff, outside: "404",
				body: fmt.Sprintf(`{"role":"volunteer","grid":"%s","households_covered":0,"name":"矩阵","phone":"19900000000"}`, x.grid)}
		},
		"DELETE /api/v1/staff/:id": func(x matrixTarget) matrixRequest {
			return matrixRequest{method: "DELETE", path: "/api/v1/staff/" + x.staff + "-gone", outside: "404"}
		},
	}
}

// TestRoleRouteMatrix calls every route of the server's route table as every role, inside and
// outside the role's scope, and checks the status the role × action table implies: the public
// is asked to sign in (401) for what it may not do, a role without the action is refused
// (403), a role with it gets past the access checks inside its scope and finds nothing (404)
// or only its scope's share outside it. Every route fiber serves must be in the table.
func TestRoleRouteMatrix(t *testing.T) {
	url := twoStreets(t)
	a := startApp(t, url, nil)
	base := "http://" + a.Addr()
	routes := a.server.Routes()

	// Every route fiber knows is in the table, with an action.
	declared := map[string]string{}
	for _, r := range routes {
		if r.Action == "" {
			t.Errorf("route %s %s declares no action", r.Method, r.Path)
		}
		declared[r.Method+" "+r.Path] = r.Action
	}
	for _, r := range a.server.App().GetRoutes(true) {
		if r.Method == fiber.MethodHead || strings.HasPrefix(r.Path, "/api/v1") && r.Method == "USE" {
			continue
		}
		if _, ok := declared[r.Method+" "+r.Path]; !ok {
			t.Errorf("fiber serves %s %s, which the route table does not declare", r.Method, r.Path)
		}
	}

	// The targets: in A (the scoped roles' grid, street, community) and in B.
	admin := commandToken(t, url)
	mini2 := incidentByClientID(t, base, admin, "mini-2")
	second1 := incidentByClientID(t, base, admin, "second-1")
	in := matrixTarget{street: streetA, community: communityA, grid: gridA, incident: mini2, point: [2]float64{119.385, 25.735}, marker: gridA}
	out := matrixTarget{street: streetB, community: communityB, grid: gridB, incident: second1, point: [2]float64{119.40, 25.73}, marker: gridB}

	checked := 0
	for _, ar := range accessRoles {
		login := "matrix-" + ar.role
		token := ""
		switch ar.role {
		case gridmap.RolePublic:
		case gridmap.RoleDepartment:
			token = newTokenEnv(t, url, nil, login, ar.role, ar.scope, "--department", "city_management")
		default:
			token = newToken(t, url, login, ar.role, ar.scope)
		}
		header := map[string]string{}
		if token != "" {
			header = bearer(token)
		}
		inside := in
		inside.staff, inside.incident = "st-m-"+ar.role, in.incident
		outside := out
		outside.staff = "st-b-000001"
		if ar.role == gridmap.RoleDepartment {
			// A department sees what is dispatched to it: an incident of its own in A.
			inside.incident = reportAndDispatch(t, base, admin, `{"department":"city_management"}`)
		}
		if ar.role == gridmap.RoleIntegration {
			// What an integration may read is what it reported: one of its own.
			status, _, body := call(t, base, "POST", "/api/v1/incidents", `{"lon":119.385,"lat":25.735,"category":"noise","channel":"hotline_12345"}`, header)
			var own struct{ ID int64 }
			if json.Unmarshal([]byte(body), &own); status != 201 {
				t.Fatalf("the integration's own report: %d %s", status, body)
			}
			inside.incident, outside.incident = own.ID, mini2
		}
		reqs := matrixRequests(login)
		for _, r := range routes {
			key := r.Method + " " + r.Path
			if key == "GET /api/v1/events" {
				key += "?timeout"
			}
			gen, ok := reqs[key]
			if !ok {
				t.Errorf("route %s has no request in the matrix test: add one with its expected statuses", key)
				continue
			}
			allowed := r.Action == gridmap.ActRead || gridmap.Allows(ar.role, r.Action)
			for _, where := range []string{"inside", "outside"} {
				x := inside
				if where == "outside" {
					// Nothing lies outside the city; an integration's "outside" is others' reports, a
					// department's what is not dispatched to it.
					if ar.city && ar.role != gridmap.RoleDepartment || ar.role == gridmap.RolePublic ||
						(ar.role == gridmap.RoleIntegration || ar.role == gridmap.RoleDepartment) && r.Action != gridmap.ActReadIncidents {
						continue
					}
					x = outside
				}
				req := gen(x)
				status, body := matrixCall(t, base, req, header)
				checked++
				desc := fmt.Sprintf("%s %s as %s (%s) %s its scope", req.method, req.path, ar.role, ar.scope, where)
				switch {
				case status >= 500:
					t.Errorf("%s: %d %s", desc, status, body)
				case !allowed && token == "":
					if status != 401 {
						t.Errorf("%s: %d, want 401 (the public may not %s)", desc, status, r.Action)
					}
				case !allowed:
					if status != 403 {
						t.Errorf("%s: %d, want 403 (%s may not %s)", desc, status, ar.role, r.Action)
					}
				case req.own != 0:
					if status != req.own {
						t.Errorf("%s: %d, want %d: %.300s", desc, status, req.own, body)
					}
				case where == "inside" && req.assigneeOnly && status == 403 && ar.role != gridmap.RoleDepartment:
					// not the assignee: the step's own refusal
				case where == "inside" || req.outside == "same":
					if status == 401 || status == 403 || status == 404 && !strings.Contains(req.path, "999999") && !strings.Contains(req.path, "-gone") {
						t.Errorf("%s: %d, want the route's own answer: %.300s", desc, status, body)
					}
				case req.outside == "404":
					if status != 404 {
						t.Errorf("%s: %d, want 404 (not found outside the scope): %.300s", desc, status, body)
					}
				case req.outside == "400":
					if status != 400 || !strings.Contains(body, `"field":"lon"`) {
						t.Errorf("%s: %d, want 400 naming lon: %.300s", desc, status, body)
					}
				case req.outside == "filtered":
					if status != 200 || strings.Contains(body, x.marker) && !strings.Contains(body, `"outcome":"rejected"`) {
						t.Errorf("%s: %d, want 200 without %s: %.400s", desc, status, x.marker, body)
					}
				}
			}
		}
	}
	t.Logf("role × route matrix: %d routes × %d roles, %d requests", len(routes), len(accessRoles), checked)
}

// matrixCall sends one request of the matrix; the event stream is read only to its headers.
func matrixCall(t *testing.T, base string, r matrixRequest, header map[string]string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, r.method, base+r.path, strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", cmp.Or(r.contentType, "application/json"))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	defer resp.Body.Close()
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		return resp.StatusCode, ""
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// incidentByClientID finds an incident's id by its dataset client id.
func incidentByClientID(t *testing.T, base, token, clientID string) int64 {
	t.Helper()
	status, _, body := call(t, base, "GET", "/api/v1/incidents?limit=1000", "", bearer(token))
	var list struct {
		Items []struct {
			ID       int64
			ClientID string `json:"client_id"`
		}
	}
	if err := json.Unmarshal([]byte(body), &list); status != 200 || err != nil {
		t.Fatalf("incidents: %d %s", status, body)
	}
	i := slices.IndexFunc(list.Items, func(it struct {
		ID       int64
		ClientID string `json:"client_id"`
	}) bool {
		return it.ClientID == clientID
	})
	if i < 0 {
		t.Fatalf("no incident %s in %s", clientID, body)
	}
	return list.Items[i].ID
}

// reportAndDispatch reports an incident in A as the command centre and dispatches it as body
// says, returning its id.
func reportAndDispatch(t *testing.T, base, token, body string) int64 {
	t.Helper()
	status, _, res := call(t, base, "POST", "/api/v1/incidents", `{"lon":119.385,"lat":25.735,"category":"noise","channel":"hotline_12345"}`, bearer(token))
	var in struct{ ID int64 }
	if json.Unmarshal([]byte(res), &in); status != 201 {
		t.Fatalf("report: %d %s", status, res)
	}
	if status, _, res := call(t, base, "POST", fmt.Sprintf("/api/v1/incidents/%d/dispatch", in.ID), body, bearer(token)); status != 200 {
		t.Fatalf("dispatch %s: %d %s", body, status, res)
	}
	return in.ID
}
