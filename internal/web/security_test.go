package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gridmap/gridmap/internal/intake"
	"github.com/gridmap/gridmap/internal/web"
)

// pageFS stands for the embedded front end.
var pageFS = fstest.MapFS{
	"index.html":  {Data: []byte("<!doctype html><title>gridmap</title>")},
	"js/app.js":   {Data: []byte("export {};\n")},
	"lib/x.mjs":   {Data: []byte("export {};\n")},
	"favicon.svg": {Data: []byte("<svg xmlns='http://www.w3.org/2000/svg'/>")},
}

// newSecurityServer serves the mini dataset's APIs, intake and pages with opts.
func newSecurityServer(t *testing.T, opts web.Options) *web.Server {
	t.Helper()
	db := openMini(t)
	locator := miniLocator(t, db)
	deps := web.Deps{Divisions: db, Incidents: db, Features: db, Health: db, Locator: locator, Static: pageFS,
		Intake: &intake.Service{Store: db, Locator: locator}}
	tok := withAccounts(t, &deps, db)
	return serve(web.New(deps, opts), tok)
}

// wantSecurityHeaders fails the test for each security header r lacks.
func wantSecurityHeaders(t *testing.T, what string, r response, frameAncestors, frameOptions string) {
	t.Helper()
	csp := r.header.Get("Content-Security-Policy")
	for _, directive := range []string{"default-src 'self'", "script-src 'self'", "worker-src 'self'", "connect-src 'self'",
		"img-src 'self' data:", "style-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors " + frameAncestors} {
		if !strings.Contains(csp+";", directive+";") {
			t.Errorf("%s: Content-Security-Policy %q lacks %q", what, csp, directive)
		}
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("%s: Content-Security-Policy allows something unsafe: %q", what, csp)
	}
	for name, want := range map[string]string{
		"X-Content-Type-Options":       "nosniff",
		"Referrer-Policy":              "same-origin",
		"Cross-Origin-Resource-Policy": "same-origin",
		"X-Frame-Options":              frameOptions,
	} {
		if got := r.header.Get(name); got != want {
			t.Errorf("%s: %s is %q, want %q", what, name, got, want)
		}
	}
	if !strings.Contains(r.header.Get("Permissions-Policy"), "camera=()") {
		t.Errorf("%s: Permissions-Policy %q", what, r.header.Get("Permissions-Policy"))
	}
}

// TestSecurityHeadersOnEveryResponse: pages, scripts, API answers, feature services, health
// checks and problems all carry the security headers. (A problem fiber answers before routing,
// a body too large, needs a real connection: cmd/gridmap's TestSecurityHeaders checks it.)
func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	s := newSecurityServer(t, web.Options{})
	tests := []struct {
		name   string
		req    *http.Request
		status int
	}{
		{"page", httptest.NewRequest("GET", "/", nil), 200},
		{"script", httptest.NewRequest("GET", "/js/app.js", nil), 200},
		{"module of the library", httptest.NewRequest("GET", "/lib/x.mjs", nil), 200},
		{"API answer", httptest.NewRequest("GET", "/api/v1/grids", nil), 200},
		{"OGC API", httptest.NewRequest("GET", "/ogc/collections", nil), 200},
		{"health", httptest.NewRequest("GET", "/healthz", nil), 200},
		{"metrics", httptest.NewRequest("GET", "/metrics", nil), 200},
		{"problem of a handler", httptest.NewRequest("GET", "/api/v1/grids?bbox=1,2,3", nil), 400},
		{"problem of an unknown API path", httptest.NewRequest("GET", "/api/v1/nothing", nil), 404},
		{"problem of an unknown file", httptest.NewRequest("GET", "/nothing.html", nil), 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, s, tt.req)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			wantSecurityHeaders(t, tt.name, r, "'self'", "SAMEORIGIN")
		})
	}
}

// TestFrameAncestors: the frame-ancestors of the policy follow GRIDMAP_FRAME_ANCESTORS, and
// X-Frame-Options, which cannot name a portal, is sent only when it says the same.
func TestFrameAncestors(t *testing.T) {
	tests := []struct {
		name, ancestors, want, frameOptions string
	}{
		{"default", "", "'self'", "SAMEORIGIN"},
		{"nobody", "'none'", "'none'", "DENY"},
		{"a portal besides", "'self' https://portal.example.cn", "'self' https://portal.example.cn", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := web.New(web.Deps{Static: pageFS}, web.Options{FrameAncestors: tt.ancestors})
			wantSecurityHeaders(t, "page", get(t, s, "/"), tt.want, tt.frameOptions)
		})
	}
}
