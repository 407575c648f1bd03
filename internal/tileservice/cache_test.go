package tileservice

import (
	"testing"
	"time"

	"github.com/gridmap/gridmap/internal/tiles"
)

func key(layer string, epoch uint64, x uint32) cacheKey {
	return cacheKey{layer: layer, epoch: epoch, tile: tiles.Tile{Z: 17, X: x}, format: tiles.MVT}
}

func tileOf(n int) *Tile { return &Tile{Body: make([]byte, n)} }

func TestCacheStaysWithinItsBound(t *testing.T) {
	c := newCache(10 * (1000 + entryOverhead))
	now := time.Now()
	for x := range uint32(25) {
		c.put(key("grids", 1, x), tileOf(1000))
		if _, size, _ := c.stats(); size > c.max {
			t.Fatalf("after %d puts the cache holds %d bytes, bound %d", x+1, size, c.max)
		}
		c.get(key("grids", 1, 0), now) // keep tile 0 recently used
	}
	entries, _, evictions := c.stats()
	if entries != 10 || evictions != 15 {
		t.Errorf("%d entries and %d evictions, want 10 and 15", entries, evictions)
	}
	if c.get(key("grids", 1, 0), now) == nil {
		t.Error("the most recently used tile was evicted")
	}
	if c.get(key("grids", 1, 1), now) != nil {
		t.Error("the least recently used tile survived")
	}
	if c.put(key("grids", 1, 99), tileOf(c.max)); c.get(key("grids", 1, 99), now) != nil {
		t.Error("a tile larger than the whole cache was kept")
	}
}

func TestCacheDropsALayersOldEpochs(t *testing.T) {
	c := newCache(1 << 20)
	now := time.Now()
	c.put(key("incidents", 1, 1), tileOf(10))
	c.put(key("incidents", 2, 1), tileOf(10))
	c.put(key("grids", 1, 1), tileOf(10))
	c.drop("incidents", 2)
	if c.get(key("incidents", 1, 1), now) != nil {
		t.Error("a tile of a dropped epoch survived")
	}
	if c.get(key("incidents", 2, 1), now) == nil || c.get(key("grids", 1, 1), now) == nil {
		t.Error("tiles of the current epoch or of another layer were dropped")
	}
	// A tile drawn under an epoch that ended while it was drawn is refused.
	c.put(key("incidents", 1, 2), tileOf(10))
	if c.get(key("incidents", 1, 2), now) != nil {
		t.Error("a tile of a dropped epoch was stored")
	}
	if entries, size, _ := c.stats(); entries != 2 || size != 2*(10+entryOverhead) {
		t.Errorf("%d entries of %d bytes, want 2 of %d", entries, size, 2*(10+entryOverhead))
	}
}

func TestCacheExpiresTiles(t *testing.T) {
	c := newCache(1 << 20)
	due := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	c.put(key("incidents", 1, 1), &Tile{Body: []byte("x"), Expires: due})
	if c.get(key("incidents", 1, 1), due.Add(-time.Second)) == nil {
		t.Error("tile gone before it expired")
	}
	if c.get(key("incidents", 1, 1), due) != nil {
		t.Error("tile served at its expiry")
	}
	if entries, _, _ := c.stats(); entries != 0 {
		t.Errorf("%d entries after expiry", entries)
	}
}

func TestCacheCountsGzipAddedLater(t *testing.T) {
	c := newCache(1 << 20)
	k := key("grids", 1, 1)
	tl := tileOf(1000)
	c.put(k, tl)
	c.grow(k, tl, 300)
	if _, size, _ := c.stats(); size != 1300+entryOverhead {
		t.Errorf("cache holds %d bytes, want %d", size, 1300+entryOverhead)
	}
}

func TestBufferedBoundCoversTheEncodersBuffer(t *testing.T) {
	for _, tl := range []tiles.Tile{{Z: 0}, {Z: 1, X: 1, Y: 1}, {Z: 10, X: 851, Y: 436}, {Z: 17, X: 108997, Y: 55836}} {
		b := bufferedBound(tl)
		in := tl.Bound()
		if !b.Contains(in.Min) || !b.Contains(in.Max) {
			t.Errorf("%s: buffered bound %v does not contain the tile %v", tl, b, in)
		}
		// 64 of 4096 units: the margin is 1/64 of the tile's width on each side.
		want := (in.Max[0] - in.Min[0]) / 64
		if got := in.Min[0] - b.Min[0]; tl.Z > 0 && (got < want || got > want+1e-8) {
			t.Errorf("%s: west margin %v, want %v", tl, got, want)
		}
	}
}
