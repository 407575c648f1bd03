package main

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/config"
	"github.com/gridmap/gridmap/internal/testdb"
)

// startApp boots the real server on a free loopback port against the database at url.
func startApp(t *testing.T, url string, extra map[string]string) *App {
	t.Helper()
	env := map[string]string{"DATABASE_URL": url, "GRIDMAP_ADDR": "127.0.0.1:0"}
	for k, v := range extra {
		env[k] = v
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	a, err := Start(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		a.Close(ctx)
	})
	return a
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, b := roundTrip(t, http.DefaultClient, req)
	return resp.StatusCode, string(b)
}

func TestServeMigratesAndAnswers(t *testing.T) {
	a := startApp(t, testdb.New(t), nil)
	base := "http://" + a.Addr()
	if code, body := httpGet(t, base+"/readyz"); code != 200 {
		t.Fatalf("readyz %d %s", code, body)
	}
	if code, body := httpGet(t, base+"/api/v1/grids"); code != 200 || !strings.Contains(body, `"FeatureCollection"`) {
		t.Fatalf("grids %d %s", code, body)
	}
	if code, body := httpGet(t, base+"/"); code != 200 || !strings.Contains(body, "gridmap") {
		t.Fatalf("front page %d %s", code, body)
	}
}
