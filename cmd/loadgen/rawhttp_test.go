package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

func TestRawClient(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := strings.Repeat("x", 100_000)
		switch r.URL.Path {
		case "/not-modified":
			w.WriteHeader(http.StatusNotModified)
			return
		case "/close":
			w.Header().Set("Connection", "close")
		case "/echo-header":
			body = r.Header.Get("X-Gridmap-Cache")
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write([]byte(body))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	c, err := newRawClient(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	tests := []struct {
		name, path string
		header     http.Header
		status     int
		body       string
	}{
		{"large body", "/tile", nil, 200, strings.Repeat("x", 100_000)},
		{"header sent", "/echo-header", http.Header{"X-Gridmap-Cache": {"bypass"}}, 200, "bypass"},
		{"304 without body", "/not-modified", nil, 304, ""},
		{"server closes", "/close", nil, 200, strings.Repeat("x", 100_000)},
		{"reconnects", "/echo-header", http.Header{"X-Gridmap-Cache": {"again"}}, 200, "again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, err := c.get(context.Background(), tt.path, tt.header)
			if err != nil {
				t.Fatal(err)
			}
			if status != tt.status || string(body) != tt.body {
				t.Errorf("status %d, %d bytes; want %d, %d bytes", status, len(body), tt.status, len(tt.body))
			}
		})
	}
	// One connection kept alive for the first four, a second after the server closed it.
	if n := conns.Load(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
}

func TestTileSetCoversTheBox(t *testing.T) {
	o := options{layer: "grids", zoom: 14, format: "mvt", bbox: [4]float64{119.2992, 25.6628, 119.4521, 25.8032}}
	set := tileSet(o)
	if len(set) == 0 || len(set) > 17*17 {
		t.Fatalf("%d tiles", len(set))
	}
	for _, p := range set {
		if !strings.HasPrefix(p, "/tiles/grids/14/") || !strings.HasSuffix(p, ".mvt") {
			t.Errorf("tile path %q", p)
		}
	}
}
