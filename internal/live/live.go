// Package live keeps values built from the database current: the point-in-grid index, the tile
// layers, anything a server instance caches. A Value is rebuilt in the background when a table
// it depends on changes (PostgreSQL NOTIFY, see postgis.Listen), and readers always see a
// complete snapshot through an atomic pointer, never a half-built one and never a lock.
package live

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Value is a snapshot of type T rebuilt when its tables change.
type Value[T any] struct {
	name        string
	tables      map[string]bool
	build       func(ctx context.Context) (T, error)
	log         *slog.Logger
	minInterval time.Duration
	cur         atomic.Pointer[snapshot[T]]
	wake        chan struct{}
	builds      atomic.Int64
	failed      atomic.Int64
	lastDur     atomic.Int64
	lastStart   atomic.Int64 // UnixNano of the last rebuild's start
}

// Option tunes a Value.
type Option func(*options)

type options struct {
	minInterval time.Duration
}

// MinInterval makes Run start rebuilds at least d apart, however often the tables change: a
// value that is expensive to build and follows a busy table (the grid layer, whose counts
// follow every incident) is then rebuilt at most once per d under heavy intake, and still
// within d plus one build of the last change.
func MinInterval(d time.Duration) Option {
	return func(o *options) { o.minInterval = d }
}

type snapshot[T any] struct {
	v       T
	version uint64
	at      time.Time
}

// Debounce is how long a Value waits after a change notice before rebuilding, so that a burst of
// notices (an import touching every table) costs one rebuild.
const Debounce = 25 * time.Millisecond

// New returns a Value that depends on the named tables. It holds nothing until Refresh.
func New[T any](name string, tables []string, build func(ctx context.Context) (T, error), log *slog.Logger, opts ...Option) *Value[T] {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	t := make(map[string]bool, len(tables))
	for _, n := range tables {
		t[n] = true
	}
	return &Value[T]{name: name, tables: t, build: build, log: log, minInterval: o.minInterval, wake: make(chan struct{}, 1)}
}

// Load returns the current snapshot and its version (0 before the first Refresh).
func (v *Value[T]) Load() (T, uint64) {
	s := v.cur.Load()
	if s == nil {
		var zero T
		return zero, 0
	}
	return s.v, s.version
}

// Get returns the current snapshot.
func (v *Value[T]) Get() T {
	t, _ := v.Load()
	return t
}

// Refresh builds a new snapshot now and publishes it.
func (v *Value[T]) Refresh(ctx context.Context) error {
	start := time.Now()
	v.lastStart.Store(start.UnixNano())
	t, err := v.build(ctx)
	d := time.Since(start)
	v.lastDur.Store(int64(d))
	if err != nil {
		v.failed.Add(1)
		return err
	}
	var version uint64 = 1
	if old := v.cur.Load(); old != nil {
		version = old.version + 1
	}
	v.cur.Store(&snapshot[T]{v: t, version: version, at: time.Now()})
	v.builds.Add(1)
	v.log.Info("snapshot rebuilt", "value", v.name, "version", version, "took_ms", float64(d.Microseconds())/1000)
	return nil
}

// Changed schedules a rebuild if the table is one this value depends on ("" means any).
func (v *Value[T]) Changed(table string) {
	if table != "" && !v.tables[table] {
		return
	}
	select {
	case v.wake <- struct{}{}:
	default: // a rebuild is already scheduled; it will see this change too
	}
}

// Resync schedules a rebuild whatever changed: notices may have been lost.
func (v *Value[T]) Resync() { v.Changed("") }

// Run rebuilds on every scheduled change until ctx ends. A failed rebuild keeps the old
// snapshot and is retried after a pause.
func (v *Value[T]) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-v.wake:
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(Debounce):
		}
		if last := v.lastStart.Load(); v.minInterval > 0 && last != 0 {
			if wait := v.minInterval - time.Since(time.Unix(0, last)); wait > 0 {
				select {
				case <-ctx.Done():
					return
				case <-time.After(wait):
				}
			}
		}
		select { // changes during the pause are covered by this rebuild
		case <-v.wake:
		default:
		}
		if err := v.Refresh(ctx); err != nil && ctx.Err() == nil {
			v.log.Error("snapshot rebuild failed; keeping the previous one", "value", v.name, "err", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
			v.Resync()
		}
	}
}

// Stats reports rebuilds done, rebuilds failed, the last rebuild's duration and the version.
func (v *Value[T]) Stats() (builds, failed int64, last time.Duration, version uint64) {
	_, version = v.Load()
	return v.builds.Load(), v.failed.Load(), time.Duration(v.lastDur.Load()), version
}

// Name is the value's name, for logs and metrics.
func (v *Value[T]) Name() string { return v.name }

// Follower is anything that follows table changes.
type Follower interface {
	Changed(table string)
	Resync()
}

// Hub fans change notices out to every follower.
type Hub struct {
	mu        sync.Mutex
	followers []Follower
	listeners []func(table string)
}

// Add registers a follower.
func (h *Hub) Add(f Follower) {
	h.mu.Lock()
	h.followers = append(h.followers, f)
	h.mu.Unlock()
}

// OnChange registers a function called for every change notice (for live feeds).
func (h *Hub) OnChange(fn func(table string)) {
	h.mu.Lock()
	h.listeners = append(h.listeners, fn)
	h.mu.Unlock()
}

// Changed passes a notice on.
func (h *Hub) Changed(table string) {
	h.mu.Lock()
	fs, ls := append([]Follower(nil), h.followers...), append([]func(string){}, h.listeners...)
	h.mu.Unlock()
	for _, f := range fs {
		f.Changed(table)
	}
	for _, l := range ls {
		l(table)
	}
}

// Resync tells every follower to rebuild.
func (h *Hub) Resync() {
	h.mu.Lock()
	fs, ls := append([]Follower(nil), h.followers...), append([]func(string){}, h.listeners...)
	h.mu.Unlock()
	for _, f := range fs {
		f.Resync()
	}
	for _, l := range ls {
		l("")
	}
}
