package web_test

import (
	"bufio"
	"fmt"
	"testing"

	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttputil"

	"github.com/gridmap/gridmap/internal/web"
)

// tileRequestHeaders are what Chromium sends with a MapLibre tile request, besides Host.
var tileRequestHeaders = [][2]string{
	{"Connection", "keep-alive"},
	{"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"},
	{"Accept", "*/*"},
	{"Origin", "http://127.0.0.1:8080"},
	{"Referer", "http://127.0.0.1:8080/"},
	{"Accept-Encoding", "gzip, deflate, br, zstd"},
	{"Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8"},
}

// BenchmarkCachedTile measures one cached grid tile request (z14, gzip) through the whole
// fiber app, with fiber's Immutable setting on and off: the figures behind the choice New makes
// (see immutableStrings). "handler" calls the app's fasthttp handler on a reused request
// context, as fasthttp's server does; "conn" sends HTTP/1.1 over an in-memory connection, so it
// adds request parsing, response writing and the connection's goroutine hand-offs. Request
// logging is off (a discarding logger), as under the load generator.
//
//	go test -run '^$' -bench CachedTile -benchmem ./internal/web/
func BenchmarkCachedTile(b *testing.B) {
	deps := tileDeps(b)
	path := tilePath("grids", miniCentre, 14, "mvt")
	for _, immutable := range []bool{false, true} {
		s := web.NewWithImmutable(deps, web.Options{}, immutable)
		name := map[bool]string{false: "mutable", true: "immutable"}[immutable]

		b.Run(name+"/handler", func(b *testing.B) {
			h := s.App().Handler()
			var req fasthttp.Request
			req.Header.SetMethod(fasthttp.MethodGet)
			req.SetRequestURI(path)
			req.Header.SetHost("127.0.0.1:8080")
			for _, kv := range tileRequestHeaders {
				req.Header.Set(kv[0], kv[1])
			}
			var ctx fasthttp.RequestCtx
			ctx.Init(&req, nil, nil)
			check := func() {
				if code := ctx.Response.StatusCode(); code != 200 || ctx.Response.Header.Peek("Content-Encoding") == nil {
					b.Fatalf("status %d, encoding %q", code, ctx.Response.Header.Peek("Content-Encoding"))
				}
			}
			h(&ctx) // the first request draws the tile
			check()
			b.ReportAllocs()
			for b.Loop() {
				req.CopyTo(&ctx.Request)
				ctx.Response.Reset()
				h(&ctx)
			}
			check()
		})

		b.Run(name+"/conn", func(b *testing.B) {
			ln := fasthttputil.NewInmemoryListener()
			done := make(chan error, 1)
			go func() { done <- s.Serve(ln) }()
			defer func() { s.Shutdown(b.Context()); ln.Close(); <-done }()
			conn, err := ln.Dial()
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Close()
			raw := fmt.Appendf(nil, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n", path)
			for _, kv := range tileRequestHeaders {
				raw = fmt.Appendf(raw, "%s: %s\r\n", kv[0], kv[1])
			}
			raw = append(raw, "\r\n"...)
			br := bufio.NewReaderSize(conn, 64<<10)
			var resp fasthttp.Response
			roundTrip := func() {
				if _, err := conn.Write(raw); err != nil {
					b.Fatal(err)
				}
				if err := resp.Read(br); err != nil {
					b.Fatal(err)
				}
				if resp.StatusCode() != 200 {
					b.Fatalf("status %d", resp.StatusCode())
				}
			}
			roundTrip()
			b.ReportAllocs()
			for b.Loop() {
				roundTrip()
			}
		})
	}
}

// TestFiberStringsAreCopies guards the choice New makes (see immutableStrings): every string a
// handler takes from fiber is its own, so keeping one past the request (a map key, a log
// record, a goroutine) cannot see it change.
func TestFiberStringsAreCopies(t *testing.T) {
	if !web.New(web.Deps{}, web.Options{}).App().Config().Immutable {
		t.Fatal("fiber's Immutable setting is off: strings from the request context are views of buffers fasthttp reuses")
	}
}
