package web_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridmap/gridmap/internal/web"
)

// TestReadyWhenBusy: a server whose every database connection is in use is busy, not down:
// /readyz says so with 200, on a connection of its own, and does not wait for the pool.
func TestReadyWhenBusy(t *testing.T) {
	db := openMini(t)
	s := web.New(web.Deps{Divisions: db, Health: db}, web.Options{})
	ctx := context.Background()
	var held []*pgxpool.Conn
	for range db.Pool.Config().MaxConns {
		c, err := db.Pool.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	defer func() {
		for _, c := range held {
			c.Release()
		}
	}()
	r := get(t, s, "/readyz")
	var body struct {
		Status string `json:"status"`
		Busy   bool   `json:"busy"`
	}
	if err := json.Unmarshal(r.body, &body); err != nil || r.status != 200 || body.Status != "ready" || !body.Busy {
		t.Errorf("readyz with every connection in use: %d %s", r.status, r.body)
	}
}
