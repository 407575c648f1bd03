package web_test

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/intake"
	"github.com/gridmap/gridmap/internal/web"
)

// serveTCP serves s on a loopback port for the test and returns its base URL: over a real
// listener fasthttp reuses its request buffers across requests, as in production.
func serveTCP(t *testing.T, s *web.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	t.Cleanup(func() {
		s.Shutdown(t.Context())
		ln.Close()
		<-done
	})
	return "http://" + ln.Addr().String()
}

// TestMetricsFreezeRepro replays issue 7's sequence over one kept-alive connection: before the
// fix the second scrape answered 500 and every request after it hung.
func TestMetricsFreezeRepro(t *testing.T) {
	base := serveTCP(t, newTileServer(t, web.Options{}))
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxConnsPerHost: 1}}
	call := func(method, path, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	steps := []struct{ method, path, body string }{
		{"GET", "/metrics", ""},
		{"POST", "/api/v1/locate", `{"points":[]}`},
		{"GET", "/healthz", ""},
		{"GET", "/metrics", ""},
	}
	var last string
	for _, st := range steps {
		code, body := call(st.method, st.path, st.body)
		if code != 200 {
			t.Fatalf("%s %s: %d %s", st.method, st.path, code, body)
		}
		last = body
	}
	for _, want := range []string{
		`gridmap_http_requests_total{method="GET",route="/metrics",status="200"} 1`,
		`gridmap_http_requests_total{method="POST",route="/api/v1/locate",status="200"} 1`,
		`gridmap_http_requests_total{method="GET",route="/healthz",status="200"} 1`,
		`gridmap_http_server_errors_total 0`,
	} {
		if !strings.Contains(last, want) {
			t.Errorf("the second scrape lacks %s:\n%s", want, last)
		}
	}
	for i := 0; i < 3; i++ {
		if code, body := call("GET", "/healthz", ""); code != 200 {
			t.Fatalf("healthz after the scrape: %d %s", code, body)
		}
	}
	if code, body := call("GET", "/metrics", ""); code != 200 || !strings.Contains(body, `route="/healthz",status="200"} 4`) {
		t.Errorf("third scrape: %d, healthz not counted 4 times:\n%s", code, body)
	}
}

// TestMetricsCountPanics has a handler panic: the request is answered 500, logged and counted
// under its route, the 5xx counter moves, and the server answers the next request.
func TestMetricsCountPanics(t *testing.T) {
	s := web.New(web.Deps{Locator: func() intake.Locator { panic("index gone") }}, web.Options{})
	if r := get(t, s, "/api/v1/locate?lon=119.38&lat=25.73"); r.status != 500 {
		t.Fatalf("locate with a panicking index: %d %s", r.status, r.body)
	}
	if r := get(t, s, "/healthz"); r.status != 200 {
		t.Fatalf("healthz after the panic: %d", r.status)
	}
	body := string(get(t, s, "/metrics").body)
	for _, want := range []string{
		`gridmap_http_requests_total{method="GET",route="/api/v1/locate",status="500"} 1`,
		`gridmap_http_server_errors_total 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s:\n%s", want, body)
		}
	}
}
