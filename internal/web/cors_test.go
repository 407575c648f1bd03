package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gridmap/gridmap/internal/web"
)

// TestCORS: without GRIDMAP_CORS_ORIGINS nothing about CORS is said; with it, pages of the
// listed origins may call the API (preflights answered, answers readable, the headers a client
// needs exposed) and every other origin gets no Access-Control-Allow-Origin.
func TestCORS(t *testing.T) {
	const portal = "https://portal.example.cn"
	configured := newSecurityServer(t, web.Options{CORSOrigins: []string{portal, "http://10.1.2.3:8080"}})
	unconfigured := newSecurityServer(t, web.Options{})
	preflight := func(origin, method, headers string) *http.Request {
		req := httptest.NewRequest("OPTIONS", "/api/v1/incidents", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", method)
		req.Header.Set("Access-Control-Request-Headers", headers)
		return req
	}
	from := func(origin string, req *http.Request) *http.Request {
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		return req
	}
	post := func() *http.Request {
		req := httptest.NewRequest("POST", "/api/v1/incidents", strings.NewReader(report))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", "cors-1")
		return req
	}
	tests := []struct {
		name        string
		server      *web.Server
		req         *http.Request
		status      int
		allowOrigin string // "" for none
		varyOrigin  bool
		preflight   bool // the allowed methods and headers are given
	}{
		{name: "default: a GET from another origin", server: unconfigured, status: 200,
			req: from(portal, httptest.NewRequest("GET", "/api/v1/grids", nil))},
		{name: "default: a preflight", server: unconfigured, status: 404,
			req: preflight(portal, "POST", "content-type")},
		{name: "allowed origin: GET", server: configured, status: 200, allowOrigin: portal, varyOrigin: true,
			req: from(portal, httptest.NewRequest("GET", "/api/v1/grids", nil))},
		{name: "allowed origin: the OGC API from the second listed origin", server: configured, status: 200, allowOrigin: "http://10.1.2.3:8080", varyOrigin: true,
			req: from("http://10.1.2.3:8080", httptest.NewRequest("GET", "/ogc/collections", nil))},
		{name: "allowed origin: POST", server: configured, status: 201, allowOrigin: portal, varyOrigin: true,
			req: from(portal, post())},
		{name: "allowed origin: a problem", server: configured, status: 400, allowOrigin: portal, varyOrigin: true,
			req: from(portal, httptest.NewRequest("GET", "/api/v1/grids?bbox=1", nil))},
		{name: "allowed origin: preflight", server: configured, status: 204, allowOrigin: portal, varyOrigin: true, preflight: true,
			req: preflight(portal, "POST", "authorization,content-type,idempotency-key")},
		{name: "disallowed origin: GET", server: configured, status: 200, varyOrigin: true,
			req: from("https://evil.example", httptest.NewRequest("GET", "/api/v1/grids", nil))},
		{name: "disallowed origin: a listed host on another scheme", server: configured, status: 200, varyOrigin: true,
			req: from("http://portal.example.cn", httptest.NewRequest("GET", "/api/v1/grids", nil))},
		{name: "disallowed origin: preflight", server: configured, status: 204, varyOrigin: true,
			req: preflight("https://evil.example", "POST", "content-type")},
		{name: "same origin, no Origin header", server: configured, status: 200, varyOrigin: true,
			req: httptest.NewRequest("GET", "/api/v1/grids", nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, tt.server, tt.req)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if got := r.header.Get("Access-Control-Allow-Origin"); got != tt.allowOrigin {
				t.Errorf("Access-Control-Allow-Origin %q, want %q", got, tt.allowOrigin)
			}
			if got := r.header.Get("Access-Control-Allow-Credentials"); got != "" {
				t.Errorf("Access-Control-Allow-Credentials %q: cookies are never needed", got)
			}
			vary := strings.Join(r.header.Values("Vary"), ",")
			if strings.Contains(vary, "Origin") != tt.varyOrigin {
				t.Errorf("Vary %q, want Origin in it: %v", vary, tt.varyOrigin)
			}
			if tt.allowOrigin != "" {
				exposed := r.header.Get("Access-Control-Expose-Headers")
				for _, h := range []string{"ETag", "Location", "Idempotent-Replayed", "X-Request-ID"} {
					if !strings.Contains(","+exposed+",", ","+h+",") {
						t.Errorf("Access-Control-Expose-Headers %q lacks %s", exposed, h)
					}
				}
			}
			if tt.server == unconfigured {
				for name := range r.header {
					if strings.HasPrefix(name, "Access-Control-") {
						t.Errorf("without GRIDMAP_CORS_ORIGINS the answer says %s: %s", name, r.header.Get(name))
					}
				}
			}
			if !tt.preflight {
				if got := r.header.Get("Access-Control-Allow-Methods"); tt.allowOrigin != "" && got != "" {
					t.Errorf("an answer that is no preflight lists methods %q", got)
				}
				return
			}
			methods := "," + r.header.Get("Access-Control-Allow-Methods") + ","
			for _, m := range []string{"GET", "HEAD", "POST", "PUT", "DELETE"} {
				if !strings.Contains(methods, ","+m+",") {
					t.Errorf("Access-Control-Allow-Methods %q lacks %s", methods, m)
				}
			}
			headers := "," + r.header.Get("Access-Control-Allow-Headers") + ","
			for _, h := range []string{"Authorization", "Content-Type", "Idempotency-Key", "If-None-Match", "Last-Event-ID"} {
				if !strings.Contains(headers, ","+h+",") {
					t.Errorf("Access-Control-Allow-Headers %q lacks %s", headers, h)
				}
			}
			if got := r.header.Get("Access-Control-Max-Age"); got != "600" {
				t.Errorf("Access-Control-Max-Age %q, want 600", got)
			}
		})
	}
}
