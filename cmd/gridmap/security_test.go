package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridmap/gridmap/internal/tiles"
)

// fetch sends one request to the real server and returns the response with its body read.
func fetch(t *testing.T, method, url, body string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, b := roundTrip(t, http.DefaultClient, req)
	return resp, string(b)
}

// announceHugeBody posts to path a request whose Content-Length is beyond the server's limit,
// sending no body: the server answers as soon as it has read the headers and closes the
// connection, which a client still writing the body would see as a reset, not as the answer.
func announceHugeBody(t *testing.T, addr, path string) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", path, addr, 1<<30)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestSecurityHeaders asks the real server, with the embedded front end, for each kind of
// answer it gives — the three pages, their scripts, styles and MapLibre's worker, API answers,
// tiles and TileJSON (also revalidated, 304), the feature service, health, metrics, and
// problems of handlers, of unknown paths and of fiber itself (a body too large) — and checks
// that every one carries the security headers the browser tests' pages satisfy.
func TestSecurityHeaders(t *testing.T) {
	a, _ := miniApp(t)
	base := "http://" + a.Addr()
	grid := fmt.Sprintf("/tiles/grids/%s.mvt", tiles.At(orb.Point{119.38, 25.73}, 14))
	_, tileETag, _ := tileGet(t, base+grid)
	tests := []struct {
		name, method, path string
		header             []string
		status             int
	}{
		{name: "city map page", path: "/", status: 200},
		{name: "wall page", path: "/wall.html", status: 200},
		{name: "coverage page", path: "/coverage.html", status: 200},
		{name: "page script", path: "/js/coverage.js", status: 200},
		{name: "style sheet", path: "/css/gridmap.css", status: 200},
		{name: "MapLibre's worker", path: "/lib/maplibre-gl/maplibre-gl-worker.mjs", status: 200},
		{name: "API answer", path: "/api/v1/streets", status: 200},
		{name: "API answer, compressed", path: "/api/v1/grids", header: []string{"Accept-Encoding", "gzip"}, status: 200},
		{name: "key figures", path: "/api/v1/stats", status: 200},
		{name: "vector tile", path: grid, status: 200},
		{name: "vector tile revalidated", path: grid, header: []string{"If-None-Match", tileETag}, status: 304},
		{name: "GeoJSON tile", path: strings.Replace(grid, ".mvt", ".geojson", 1), status: 200},
		{name: "TileJSON", path: "/tiles/grids.json", status: 200},
		{name: "feature service", path: "/ogc/collections/grids/items?limit=1", status: 200},
		{name: "health", path: "/healthz", status: 200},
		{name: "readiness", path: "/readyz", status: 200},
		{name: "metrics", path: "/metrics", status: 200},
		{name: "problem: bad parameter", path: "/api/v1/grids?bbox=1,2,3", status: 400},
		{name: "problem: unknown API path", path: "/api/v1/nothing", status: 404},
		{name: "problem: unknown page", path: "/nothing.html", status: 404},
		{name: "problem: tile out of range", path: "/tiles/grids/3/99/99.mvt", status: 400},
		{name: "problem: body too large, answered by fiber before routing", method: "POST", path: "/api/v1/incidents", status: 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = "GET"
			}
			var resp *http.Response
			var body string
			if tt.status == http.StatusRequestEntityTooLarge {
				resp, body = announceHugeBody(t, a.Addr(), tt.path)
			} else {
				resp, body = fetch(t, method, base+tt.path, "", tt.header...)
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, tt.status, body)
			}
			if tt.status >= 400 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
				t.Errorf("a %d answered as %q, not as a problem", tt.status, resp.Header.Get("Content-Type"))
			}
			for name, want := range map[string]string{
				"Content-Security-Policy": "default-src 'self'; script-src 'self'; worker-src 'self'; connect-src 'self'; " +
					"img-src 'self' data:; style-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; " +
					"form-action 'self'; frame-ancestors 'self'",
				"X-Content-Type-Options":       "nosniff",
				"Referrer-Policy":              "same-origin",
				"X-Frame-Options":              "SAMEORIGIN",
				"Cross-Origin-Resource-Policy": "same-origin",
				"Permissions-Policy":           "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
			} {
				if got := resp.Header.Values(name); len(got) != 1 || got[0] != want {
					t.Errorf("%s: %q, want %q once", name, got, want)
				}
			}
			for name := range resp.Header {
				if strings.HasPrefix(name, "Access-Control-") {
					t.Errorf("without GRIDMAP_CORS_ORIGINS the server sends %s", name)
				}
			}
		})
	}
}

// TestBrowserSettingsReachTheServer: GRIDMAP_FRAME_ANCESTORS and GRIDMAP_CORS_ORIGINS, as
// gridmap reads them from the environment, govern what the server sends. The incident list
// is read with an API token, as a portal's script would, so the preflight must allow
// Authorization.
func TestBrowserSettingsReachTheServer(t *testing.T) {
	a, url := miniApp(t)
	tok := commandToken(t, url)
	b := startApp(t, url, map[string]string{
		"GRIDMAP_FRAME_ANCESTORS": "'self' https://portal.example.cn",
		"GRIDMAP_CORS_ORIGINS":    "https://portal.example.cn,http://10.1.2.3:8080",
	})
	plain, portal := "http://"+a.Addr(), "http://"+b.Addr()

	resp, _ := fetch(t, "GET", portal+"/wall.html", "")
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.HasSuffix(csp, "; frame-ancestors 'self' https://portal.example.cn") {
		t.Errorf("with a portal allowed to embed the wall, its policy is %q", csp)
	}
	if xfo := resp.Header.Get("X-Frame-Options"); xfo != "" {
		t.Errorf("X-Frame-Options %q would forbid the portal to browsers that do not know frame-ancestors", xfo)
	}

	tests := []struct {
		name, base, method, origin, wantOrigin string
		status                                 int
	}{
		{name: "preflight from the portal", base: portal, method: "OPTIONS", origin: "https://portal.example.cn", wantOrigin: "https://portal.example.cn", status: 204},
		{name: "GET from the second origin", base: portal, method: "GET", origin: "http://10.1.2.3:8080", wantOrigin: "http://10.1.2.3:8080", status: 200},
		{name: "GET from another origin", base: portal, method: "GET", origin: "https://evil.example", status: 200},
		{name: "the unconfigured server", base: plain, method: "GET", origin: "https://portal.example.cn", status: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := []string{"Origin", tt.origin}
			if tt.method == "OPTIONS" {
				header = append(header, "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type,idempotency-key")
			} else {
				header = append(header, "Authorization", "Bearer "+tok)
			}
			resp, body := fetch(t, tt.method, tt.base+"/api/v1/incidents", "", header...)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, tt.status, body)
			}
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != tt.wantOrigin {
				t.Errorf("Access-Control-Allow-Origin %q, want %q", got, tt.wantOrigin)
			}
			if allowed := resp.Header.Get("Access-Control-Allow-Headers"); tt.method == "OPTIONS" &&
				(!strings.Contains(allowed, "Idempotency-Key") || !strings.Contains(allowed, "Authorization")) {
				t.Errorf("the preflight allows the headers %q, want Authorization and Idempotency-Key among them", allowed)
			}
			if resp.Header.Get("Content-Security-Policy") == "" {
				t.Error("no Content-Security-Policy")
			}
		})
	}
}

// TestBrowserSettingsInHelpAndChecked: gridmap help lists the browser-facing settings, and a bad
// value stops gridmap serve before it touches the database, naming the variable.
func TestBrowserSettingsInHelpAndChecked(t *testing.T) {
	if code, stdout, _ := gridmapCmd(t, "", "help"); code != 0 || !strings.Contains(stdout, "GRIDMAP_CORS_ORIGINS") || !strings.Contains(stdout, "GRIDMAP_FRAME_ANCESTORS") {
		t.Errorf("gridmap help (exit %d) does not list the CORS and frame settings:\n%s", code, stdout)
	}
	tests := []struct{ name, variable, value, want string }{
		{"CORS wildcard", "GRIDMAP_CORS_ORIGINS", "*", "GRIDMAP_CORS_ORIGINS=*: * is refused"},
		{"CORS origin with a path", "GRIDMAP_CORS_ORIGINS", "https://portal.example.cn/wall", "no path"},
		{"frame ancestors smuggling a directive", "GRIDMAP_FRAME_ANCESTORS", "'self'; script-src *", "GRIDMAP_FRAME_ANCESTORS="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"DATABASE_URL": "postgres://gridmap@127.0.0.1:1/none", tt.variable: tt.value}
			var out, errOut strings.Builder
			code := run(context.Background(), []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
			if code != 1 || !strings.Contains(errOut.String(), tt.want) {
				t.Errorf("gridmap serve with %s=%s: exit %d, %q; want exit 1 saying %q", tt.variable, tt.value, code, errOut.String(), tt.want)
			}
		})
	}
}
