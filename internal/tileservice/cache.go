package tileservice

import (
	"container/list"
	"context"
	"errors"
	"sync"
	"time"

	"github.com/gridmap/gridmap/internal/tiles"
)

// cacheKey names one representation-independent tile: both encodings (identity and gzip) of a
// tile live in one entry.
type cacheKey struct {
	layer  string
	epoch  uint64
	tile   tiles.Tile
	format tiles.Format
	filter string // Filter.Query()
}

// entryOverhead approximates what an entry costs beyond its bytes: key, list element, map slot.
const entryOverhead = 256

// cache is a least-recently-used set of finished tiles bounded in bytes. Entries are grouped
// by layer, so that dropping a layer's stale entries costs only that layer's entries; each layer
// has a floor epoch below which entries are refused, so that a tile computed under an epoch
// that ended while it was being drawn never enters.
type cache struct {
	mu        sync.Mutex
	max       int
	size      int
	lru       list.List // of *cacheItem, most recent first
	layers    map[string]map[cacheKey]*list.Element
	floor     map[string]uint64
	evictions int64
}

type cacheItem struct {
	key  cacheKey
	tile *Tile
	size int
}

func newCache(maxBytes int) *cache {
	return &cache{max: maxBytes, layers: map[string]map[cacheKey]*list.Element{}, floor: map[string]uint64{}}
}

// get returns the tile under k, or nil. A tile whose expiry has passed is removed.
func (c *cache) get(k cacheKey, now time.Time) *Tile {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.layers[k.layer][k]
	if !ok {
		return nil
	}
	it := el.Value.(*cacheItem)
	if !it.tile.Expires.IsZero() && !now.Before(it.tile.Expires) {
		c.remove(el)
		return nil
	}
	c.lru.MoveToFront(el)
	return it.tile
}

// put stores t under k, unless k's epoch is already over or t alone exceeds the bound, and
// evicts the least recently used entries beyond the bound.
func (c *cache) put(k cacheKey, t *Tile) {
	gz, _ := t.Gzipped()
	size := len(t.Body) + len(gz) + len(k.filter) + entryOverhead
	c.mu.Lock()
	defer c.mu.Unlock()
	if size > c.max || k.epoch < c.floor[k.layer] {
		return
	}
	m := c.layers[k.layer]
	if m == nil {
		m = map[cacheKey]*list.Element{}
		c.layers[k.layer] = m
	}
	if el, ok := m[k]; ok {
		c.remove(el)
	}
	m[k] = c.lru.PushFront(&cacheItem{key: k, tile: t, size: size})
	c.size += size
	for c.size > c.max {
		c.remove(c.lru.Back())
		c.evictions++
	}
}

// grow counts n more bytes for the entry holding t under k (its gzip encoding, made after it
// was cached), evicting others beyond the bound.
func (c *cache) grow(k cacheKey, t *Tile, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.layers[k.layer][k]
	if !ok || el.Value.(*cacheItem).tile != t {
		return
	}
	el.Value.(*cacheItem).size += n
	c.size += n
	for c.size > c.max && c.lru.Len() > 1 {
		back := c.lru.Back()
		if back == el {
			back = back.Prev()
		}
		c.remove(back)
		c.evictions++
	}
}

// drop removes the layer's entries of epochs before epoch and refuses them from now on.
func (c *cache) drop(layer string, epoch uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch <= c.floor[layer] {
		return
	}
	c.floor[layer] = epoch
	for k, el := range c.layers[layer] {
		if k.epoch < epoch {
			c.remove(el)
		}
	}
}

func (c *cache) remove(el *list.Element) {
	it := c.lru.Remove(el).(*cacheItem)
	delete(c.layers[it.key.layer], it.key)
	c.size -= it.size
}

// stats returns the entries, their bytes and the evictions so far.
func (c *cache) stats() (entries, bytes int, evictions int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len(), c.size, c.evictions
}

// flights makes concurrent misses of one key compute it once: the first caller draws the tile,
// the others wait for its result. (golang.org/x/sync/singleflight does the same with string
// keys; a comparable struct key needs no formatting.)
type flights struct {
	mu sync.Mutex
	m  map[cacheKey]*flight
}

type flight struct {
	done chan struct{}
	tile *Tile
	err  error
}

// do returns fn's result for k, running fn only if no call for k is in progress, and reports
// whether the result was shared with an earlier caller. A waiting caller whose ctx ends stops
// waiting; the computation goes on for the others.
func (g *flights) do(ctx context.Context, k cacheKey, fn func() (*Tile, error)) (*Tile, bool, error) {
	g.mu.Lock()
	if g.m == nil {
		g.m = map[cacheKey]*flight{}
	}
	if f, ok := g.m[k]; ok {
		g.mu.Unlock()
		select {
		case <-f.done:
			return f.tile, true, f.err
		case <-ctx.Done():
			return nil, true, ctx.Err()
		}
	}
	// Until fn returns, the result is this error: what waiting callers get if fn panics.
	f := &flight{done: make(chan struct{}), err: errors.New("tileservice: drawing the tile failed")}
	g.m[k] = f
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		delete(g.m, k)
		g.mu.Unlock()
		close(f.done)
	}()
	f.tile, f.err = fn()
	return f.tile, false, f.err
}
