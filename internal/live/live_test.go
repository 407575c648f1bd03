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

// TestMinIntervalSpacesRebuilds sends a notice every few milliseconds, as heavy intake does,
// and checks that rebuilds start no closer than the minimum interval and that the last notice
// is still followed.
func TestMinIntervalSpacesRebuilds(t *testing.T) {
	const interval = 150 * time.Millisecond
	var starts []time.Time
	var n atomic.Int64
	v := live.New("grid layer", []string{"incidents"}, func(context.Context) (int64, error) {
		starts = append(starts, time.Now()) // Run builds one at a time
		return n.Add(1), nil
	}, nil, live.MinInterval(interval))
	if err := v.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() { defer close(done); v.Run(ctx) }()
	for end := time.Now().Add(500 * time.Millisecond); time.Now().Before(end); {
		v.Changed("incidents")
		time.Sleep(5 * time.Millisecond)
	}
	last := n.Load()
	deadline := time.Now().Add(3 * time.Second)
	for n.Load() == last && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	if n.Load() == last {
		t.Fatal("the last notice was never followed by a rebuild")
	}
	for i := 1; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-1]); gap < interval {
			t.Errorf("rebuilds %d and %d started %v apart, want at least %v", i-1, i, gap, interval)
		}
	}
	if len(starts) > 6 {
		t.Errorf("%d rebuilds in about 0.7 s with a %v minimum interval", len(starts), interval)
	}
}
