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

// Feed broadcasts every change of every incident — a new report, a dispatch, a response, a
// callback, a supervision warning — to the server's live event streams (GET /api/v1/events). It
// reads them from the audit trail when told that incidents changed (the NOTIFY hub, and this
// instance's own writes), so every instance's streams carry every instance's changes, in the
// order of the audit trail, resumable by its ids.
type Feed struct {
	store gridmap.AnalyticsStore
	log   *slog.Logger
	poke  chan struct{}
	mu    sync.Mutex
	subs  map[chan []gridmap.Change]struct{}
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
	return &Feed{store: store, log: log, poke: make(chan struct{}, 1), subs: map[chan []gridmap.Change]struct{}{}}
}

// Changed tells the feed a table changed; it looks for new changes when incidents did.
func (f *Feed) Changed(table string) {
	if table != "" && table != "incidents" {
		return
	}
	select {
	case f.poke <- struct{}{}:
	default:
	}
}

// Run follows the audit trail until ctx ends.
func (f *Feed) Run(ctx context.Context) {
	last, err := f.store.LastChangeID(ctx)
	if err != nil {
		f.log.Error("feed: cannot read the newest change", "err", err)
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
			chs, err := f.store.ChangesAfter(ctx, from, 500)
			if err != nil {
				if ctx.Err() == nil {
					f.log.Warn("feed: reading new changes failed", "err", err)
				}
				break
			}
			if len(chs) == 0 {
				break
			}
			f.mu.Lock()
			f.last = chs[len(chs)-1].Event.ID
			for ch := range f.subs {
				select {
				case ch <- chs:
				default: // a subscriber that cannot keep up reconnects and resumes by id
					close(ch)
					delete(f.subs, ch)
				}
			}
			f.mu.Unlock()
			if len(chs) < 500 {
				break
			}
		}
	}
}

func (f *Feed) subscribe() chan []gridmap.Change {
	ch := make(chan []gridmap.Change, 64)
	f.mu.Lock()
	if f.shut {
		close(ch)
	} else {
		f.subs[ch] = struct{}{}
	}
	f.mu.Unlock()
	return ch
}

func (f *Feed) unsubscribe(ch chan []gridmap.Change) {
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

// changeJSON is a change as a stream sends it: what happened, and the incident after it.
type changeJSON struct {
	Kind     string       `json:"kind"`
	At       time.Time    `json:"at"`
	From     string       `json:"from,omitempty"`
	To       string       `json:"to"`
	Verdict  string       `json:"verdict,omitempty"`
	Warning  string       `json:"warning,omitempty"`
	Incident incidentJSON `json:"incident"`
}

// events: GET /api/v1/events — server-sent events of every change: first "ready" (its data
// {"after": id}, where the stream starts), then "incident" for a new report (its data the
// incident), "change" for any later step (dispatch, response, progress,
// callback, a supervision warning; its data the change and the incident). Resumable with
// Last-Event-ID (or ?after=id); the ids are those of the audit trail. The public (a wall
// display) gets every incident with public fields only; a signed-in caller gets the incidents
// of their scope, with personal data where their role may see it.
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
	p := principal(c)
	// Catch up first: a reconnecting display misses nothing.
	var backlog []gridmap.Change
	if after > 0 {
		var err error
		if backlog, err = s.deps.Analytics.ChangesAfter(ctx, after, 1000); err != nil {
			return err
		}
	}
	ch := s.deps.Feed.subscribe()
	start := after
	if start == 0 {
		last, err := s.deps.Analytics.LastChangeID(ctx)
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
		write := func(chs []gridmap.Change) error {
			now := s.now()
			for i := range chs {
				x := &chs[i]
				if x.Event.ID <= sent {
					continue
				}
				sent = x.Event.ID
				in := &x.Incident
				if !p.Anonymous() && !mayRead(p, in) {
					continue // a signed-in caller's stream is their scope's
				}
				j := toIncidentJSON(*in, now, !p.Anonymous() && personalFor(p, in))
				if x.Event.Kind == gridmap.EvReport {
					b, _ := json.Marshal(j)
					fmt.Fprintf(w, "id: %d\nevent: incident\ndata: %s\n\n", x.Event.ID, b)
					continue
				}
				cj := changeJSON{Kind: x.Event.Kind, At: x.Event.At, From: x.Event.From, To: x.Event.To, Verdict: x.Event.Verdict, Incident: j}
				if x.Event.Kind == gridmap.EvWarning {
					cj.Warning = x.Event.Note // the warning's kind, never free text
				}
				b, _ := json.Marshal(cj)
				fmt.Fprintf(w, "id: %d\nevent: change\ndata: %s\n\n", x.Event.ID, b)
			}
			return w.Flush()
		}
		// The first event, "ready", tells a client where this stream starts, so a stream that
		// ends before any change still lets it resume without a gap.
		fmt.Fprintf(w, "retry: 1000\nid: %d\nevent: ready\ndata: {\"after\":%d}\n\n", start, start)
		if write(backlog) != nil {
			return
		}
		end := time.NewTimer(life)
		defer end.Stop()
		beat := time.NewTicker(15 * time.Second)
		defer beat.Stop()
		for {
			select {
			case chs, ok := <-ch:
				if !ok || write(chs) != nil {
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
