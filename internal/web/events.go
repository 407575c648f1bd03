package web

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// Feed broadcasts new incidents to the server's live event streams (GET /api/v1/events). It
// reads them from the database when told that incidents changed (the NOTIFY hub, and this
// instance's own intake), so every instance's streams carry every instance's incidents.
type Feed struct {
	store gridmap.AnalyticsStore
	log   *slog.Logger
	poke  chan struct{}
	mu    sync.Mutex
	subs  map[chan []gridmap.Incident]struct{}
	last  int64
	shut  bool
}

// CloseStreams ends every open event stream and refuses new ones, so a graceful shutdown need
// not wait for displays that would stay connected for ever; they reconnect to another instance.
func (f *Feed) CloseStreams() {
	f.mu.Lock()
	f.shut = true
	for ch := range f.subs {
		close(ch)
		delete(f.subs, ch)
	}
	f.mu.Unlock()
}

// NewFeed returns a feed over store; Run starts it.
func NewFeed(store gridmap.AnalyticsStore, log *slog.Logger) *Feed {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Feed{store: store, log: log, poke: make(chan struct{}, 1), subs: map[chan []gridmap.Incident]struct{}{}}
}

// Changed tells the feed a table changed; it looks for new incidents when incidents did.
func (f *Feed) Changed(table string) {
	if table != "" && table != "incidents" {
		return
	}
	select {
	case f.poke <- struct{}{}:
	default:
	}
}

// Run follows new incidents until ctx ends.
func (f *Feed) Run(ctx context.Context) {
	last, err := f.store.LastIncidentID(ctx)
	if err != nil {
		f.log.Error("feed: cannot read the newest incident", "err", err)
	}
	f.mu.Lock()
	f.last = last
	f.mu.Unlock()
	for {
		select {
		case <-ctx.Done():
			f.mu.Lock()
			for ch := range f.subs {
				close(ch)
				delete(f.subs, ch)
			}
			f.mu.Unlock()
			return
		case <-f.poke:
		}
		for {
			f.mu.Lock()
			from := f.last
			f.mu.Unlock()
			ins, err := f.store.IncidentsAfter(ctx, from, 500)
			if err != nil {
				if ctx.Err() == nil {
					f.log.Warn("feed: reading new incidents failed", "err", err)
				}
				break
			}
			if len(ins) == 0 {
				break
			}
			f.mu.Lock()
			f.last = ins[len(ins)-1].ID
			for ch := range f.subs {
				select {
				case ch <- ins:
				default: // a subscriber that cannot keep up reconnects and resumes by id
					close(ch)
					delete(f.subs, ch)
				}
			}
			f.mu.Unlock()
			if len(ins) < 500 {
				break
			}
		}
	}
}

func (f *Feed) subscribe() chan []gridmap.Incident {
	ch := make(chan []gridmap.Incident, 64)
	f.mu.Lock()
	if f.shut {
		close(ch)
	} else {
		f.subs[ch] = struct{}{}
	}
	f.mu.Unlock()
	return ch
}

func (f *Feed) unsubscribe(ch chan []gridmap.Incident) {
	f.mu.Lock()
	if _, ok := f.subs[ch]; ok {
		delete(f.subs, ch)
		close(ch)
	}
	f.mu.Unlock()
}

// streamLife ends each event stream before the server's write timeout would cut it; the
// browser's EventSource reconnects at once and resumes from the last event id it saw.
func (s *Server) streamLife() time.Duration {
	return max(time.Second, s.opts.RequestTimeout-5*time.Second)
}

// events: GET /api/v1/events — server-sent events, one "incident" event per new incident
// (public fields only), resumable with Last-Event-ID (or ?after=id).
func (s *Server) events(c *fiber.Ctx) error {
	if err := checkParams(c, "after"); err != nil {
		return err
	}
	var after int64
	if v := c.Get("Last-Event-ID", c.Query("after")); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return gridmap.Invalid("Last-Event-ID", "event id %q is not one this server gave out", v)
		}
		after = n
	}
	ctx := c.UserContext()
	// Catch up first: a reconnecting display misses nothing.
	var backlog []gridmap.Incident
	if after > 0 {
		var err error
		if backlog, err = s.deps.Analytics.IncidentsAfter(ctx, after, 1000); err != nil {
			return err
		}
	}
	ch := s.deps.Feed.subscribe()
	start := after
	if start == 0 {
		last, err := s.deps.Analytics.LastIncidentID(ctx)
		if err != nil {
			s.deps.Feed.unsubscribe(ch)
			return err
		}
		start = last
	}
	c.Set(fiber.HeaderContentType, "text/event-stream; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Accel-Buffering", "no")
	life := s.streamLife()
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer s.deps.Feed.unsubscribe(ch)
		sent := start
		write := func(ins []gridmap.Incident) error {
			now := s.now()
			for _, in := range ins {
				if in.ID <= sent {
					continue
				}
				// Displays get no free text: a resident's description may name people.
				j := toIncidentJSON(in, now, false)
				b, _ := json.Marshal(j)
				fmt.Fprintf(w, "id: %d\nevent: incident\ndata: %s\n\n", in.ID, b)
				sent = in.ID
			}
			return w.Flush()
		}
		// The first event id tells a client where this stream starts, so a stream that ends
		// before any incident still lets it resume without a gap.
		fmt.Fprintf(w, "retry: 1000\nid: %d\n: gridmap live feed\n\n", start)
		if write(backlog) != nil {
			return
		}
		end := time.NewTimer(life)
		defer end.Stop()
		beat := time.NewTicker(15 * time.Second)
		defer beat.Stop()
		for {
			select {
			case ins, ok := <-ch:
				if !ok || write(ins) != nil {
					return
				}
			case <-beat.C:
				fmt.Fprintf(w, ": keep-alive\n\n")
				if w.Flush() != nil {
					return
				}
			case <-end.C:
				return
			}
		}
	})
	return nil
}
