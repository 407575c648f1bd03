package live_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/live"
)

func TestValueRebuildsOnItsTablesOnly(t *testing.T) {
	var n atomic.Int64
	v := live.New("count", []string{"grids"}, func(context.Context) (int64, error) { return n.Add(1), nil }, nil)
	if got, ver := v.Load(); got != 0 || ver != 0 {
		t.Fatalf("before refresh: %d v%d", got, ver)
	}
	if err := v.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go v.Run(ctx)
	v.Changed("incidents")
	time.Sleep(4 * live.Debounce)
	if got := v.Get(); got != 1 {
		t.Fatalf("rebuilt on an unrelated table: %d", got)
	}
	for i := 0; i < 10; i++ { // a burst costs one rebuild
		v.Changed("grids")
	}
	deadline := time.Now().Add(2 * time.Second)
	for v.Get() != 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(4 * live.Debounce)
	if got, ver := v.Load(); got != 2 || ver != 2 {
		t.Fatalf("after a burst of notices: value %d version %d, want 2 and 2", got, ver)
	}
}

func TestFailedRebuildKeepsSnapshot(t *testing.T) {
	fail := false
	v := live.New("x", nil, func(context.Context) (string, error) {
		if fail {
			return "", errors.New("db down")
		}
		return "good", nil
	}, nil)
	v.Refresh(context.Background())
	fail = true
	if err := v.Refresh(context.Background()); err == nil {
		t.Fatal("want error")
	}
	if v.Get() != "good" {
		t.Fatalf("snapshot lost: %q", v.Get())
	}
}
