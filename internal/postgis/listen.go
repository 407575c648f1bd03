package postgis

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// ChangeChannel is the NOTIFY channel the tables' triggers (migration 00004) send on; the
// payload is the name of the table that changed.
const ChangeChannel = "gridmap_changes"

// Listen follows committed changes until ctx ends: onChange gets each changed table's name.
// It holds one connection of its own; when that connection is lost it reconnects with backoff
// and calls onResync, because notices sent while it was away are lost and the caller must
// reload everything it caches. ready is called once, when the first LISTEN is in place: a
// caller that loads its caches after that misses no change.
func (db *DB) Listen(ctx context.Context, onChange func(table string), onResync func(), ready func()) {
	backoff := 100 * time.Millisecond
	first := true
	for ctx.Err() == nil {
		err := db.listenOnce(ctx, onChange, func() {
			backoff = 100 * time.Millisecond
			if first {
				first = false
				ready()
			} else {
				onResync()
			}
		})
		if ctx.Err() != nil {
			return
		}
		db.log.Warn("change listener lost its connection; reconnecting", "err", err, "backoff", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 10*time.Second)
	}
}

func (db *DB) listenOnce(ctx context.Context, onChange func(string), connected func()) error {
	cfg := db.Pool.Config().ConnConfig.Copy()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+ChangeChannel); err != nil {
		return err
	}
	db.log.Info("listening for changes", "channel", ChangeChannel)
	connected()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		onChange(n.Payload)
	}
}
