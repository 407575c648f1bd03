package intake

import (
	"context"
	"sync"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// committer stores single reports in shared statements: reports that arrive while a statement
// is running wait and go into the next one together. No report waits for a timer — an idle
// server stores each report at once — but under load one statement (and one WAL flush) carries
// many reports. Each caller is still answered only after the statement holding its report has
// committed, so nothing is acknowledged that a crash could lose.
type committer struct {
	store   gridmap.IncidentStore
	queue   chan *pending
	maxSize int
}

type pending struct {
	in   gridmap.Incident
	hash []byte
	res  gridmap.StoreResult
	err  error
	done chan struct{}
}

func newCommitter(store gridmap.IncidentStore, workers, maxSize int) *committer {
	return &committer{store: store, queue: make(chan *pending, workers*maxSize), maxSize: maxSize}
}

// run stores queued reports with the given number of concurrent statements until ctx ends.
func (c *committer) run(ctx context.Context, workers int) {
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.work(ctx)
		}()
	}
	wg.Wait()
}

func (c *committer) work(ctx context.Context) {
	batch := make([]*pending, 0, c.maxSize)
	for {
		select {
		case <-ctx.Done():
			return
		case p := <-c.queue:
			batch = append(batch[:0], p)
		}
		keys := map[string]bool{batch[0].in.ClientKey: true}
	fill:
		for len(batch) < c.maxSize {
			select {
			case p := <-c.queue:
				if keys[p.in.ClientKey] {
					// The same key twice in one statement: let the next statement find it stored.
					go func() { c.queue <- p }()
					continue
				}
				keys[p.in.ClientKey] = true
				batch = append(batch, p)
			default:
				break fill
			}
		}
		c.flush(context.WithoutCancel(ctx), batch)
	}
}

// flush stores a batch; if the shared statement fails, each report is tried alone so that one
// report's problem is its own.
func (c *committer) flush(ctx context.Context, batch []*pending) {
	ins := make([]gridmap.Incident, len(batch))
	hashes := make([][]byte, len(batch))
	for i, p := range batch {
		ins[i], hashes[i] = p.in, p.hash
	}
	res, err := c.store.CreateIncidents(ctx, ins, hashes)
	if err != nil && len(batch) > 1 {
		for _, p := range batch {
			c.flush(ctx, []*pending{p})
		}
		return
	}
	for i, p := range batch {
		if err != nil {
			p.err = err
		} else {
			p.res = res[i]
		}
		close(p.done)
	}
}

// store queues one report and waits until it is committed or ctx ends. A caller that gives up
// early may still find its report stored: its retry, with the same key, then finds it.
func (c *committer) store1(ctx context.Context, in gridmap.Incident, hash []byte) (gridmap.StoreResult, error) {
	p := &pending{in: in, hash: hash, done: make(chan struct{})}
	select {
	case c.queue <- p:
	case <-ctx.Done():
		return gridmap.StoreResult{}, ctx.Err()
	}
	select {
	case <-p.done:
		return p.res, p.err
	case <-ctx.Done():
		return gridmap.StoreResult{}, &gridmap.Error{Code: gridmap.EUnavailable, Message: "gave up waiting for the database; retry with the same Idempotency-Key", Err: ctx.Err()}
	}
}
