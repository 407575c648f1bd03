package tileservice_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/tiles"
	"github.com/gridmap/gridmap/internal/tileservice"
)

// The fixture: two grids side by side near 融东社区 and incidents inside them.
var (
	centre  = orb.Point{119.375, 25.73}
	t0      = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	z17tile = tiles.At(centre, 17)
)

func fixture() *fakeStore {
	s := newFakeStore()
	s.set("grids", []gridmap.Feature{grid("350181003003001", 119.37, 25.72, 0.01, 2), grid("350181003003002", 119.38, 25.72, 0.01, 0)})
	s.set("incidents", []gridmap.Feature{
		incidentAt(1, centre, "noise", "closed", t0, t0.Add(24*time.Hour), false),
		incidentAt(2, orb.Point{centre[0] + 0.00005, centre[1]}, "parking", "assigned", t0.Add(time.Hour), t0.Add(48*time.Hour), false),
		incidentAt(3, orb.Point{119.385, 25.735}, "sanitation", "reported", t0.Add(2*time.Hour), t0.Add(24*time.Hour), false),
	})
	return s
}

// clock is a settable time for Options.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

func newService(t *testing.T, store *fakeStore, now *clock) *tileservice.Service {
	t.Helper()
	opts := tileservice.Options{CacheBytes: 1 << 20}
	if now != nil {
		opts.Now = now.Now
	}
	s := tileservice.New(store, opts)
	if err := s.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func getTile(t *testing.T, s *tileservice.Service, req tileservice.Request) (*tileservice.Tile, tileservice.CacheStatus) {
	t.Helper()
	if req.Format == 0 {
		req.Format = tiles.GeoJSON
	}
	tile, status, err := s.Tile(context.Background(), req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Layer, req.Tile, err)
	}
	return tile, status
}

// ids returns the ids of a GeoJSON tile's features.
func ids(t *testing.T, body []byte) []float64 {
	t.Helper()
	var fc struct {
		Features []struct {
			ID         float64        `json:"id"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(body, &fc); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	out := []float64{}
	for _, f := range fc.Features {
		out = append(out, f.ID)
	}
	return out
}

func layerStats(s *tileservice.Service, layer string) tileservice.LayerStats {
	for _, l := range s.Stats().Layers {
		if l.Layer == layer {
			return l
		}
	}
	return tileservice.LayerStats{}
}

func TestCacheHitThenChangeRecomputes(t *testing.T) {
	store := fixture()
	s := newService(t, store, &clock{now: t0})
	req := tileservice.Request{Layer: "incidents", Tile: z17tile}
	first, status := getTile(t, s, req)
	if status != tileservice.Miss {
		t.Fatalf("first request: %s, want miss", status)
	}
	again, status := getTile(t, s, req)
	if status != tileservice.Hit || again != first {
		t.Fatalf("second request: %s, same tile %v; want a hit on the same tile", status, again == first)
	}
	if got := ids(t, first.Body); len(got) != 2 {
		t.Fatalf("tile has incidents %v, want 1 and 2", got)
	}

	// A new incident is committed and this instance is told at once (the intake hook): the
	// very next request must show it, before any snapshot rebuild.
	store.set("incidents", append(store.features["incidents"], incidentAt(4, orb.Point{centre[0] - 0.00005, centre[1]}, "noise", "reported", t0, t0.Add(time.Hour), false)))
	s.IncidentsStored()
	fresh, status := getTile(t, s, req)
	if status != tileservice.Miss {
		t.Fatalf("after the change: %s, want miss", status)
	}
	if got := ids(t, fresh.Body); len(got) != 3 || fresh.ETag == first.ETag {
		t.Fatalf("after the change: incidents %v, ETag changed %v; want 3 incidents and a new ETag", got, fresh.ETag != first.ETag)
	}
	if layerStats(s, "incidents").InMemory {
		t.Error("the incident snapshot is still used although a change arrived after it was built")
	}
	if got := store.bboxed.Load(); got != 1 {
		t.Errorf("%d tiles read from the store, want 1", got)
	}
}

func TestUnrelatedChangeKeepsCache(t *testing.T) {
	s := newService(t, fixture(), &clock{now: t0})
	req := tileservice.Request{Layer: "grids", Tile: z17tile, Format: tiles.MVT}
	getTile(t, s, req)
	s.Changed("streets")
	s.Changed("incidents") // only schedules a rebuild of the grid layer (open incidents)
	if _, status := getTile(t, s, req); status != tileservice.Hit {
		t.Fatalf("after changes to other tables: %s, want hit", status)
	}
	s.Changed("staff")
	if _, status := getTile(t, s, req); status != tileservice.Miss {
		t.Fatalf("after a change to staff: %s, want miss", status)
	}
}

func TestRebuildWithSameContentKeepsCache(t *testing.T) {
	s := newService(t, fixture(), &clock{now: t0})
	req := tileservice.Request{Layer: "grids", Tile: z17tile}
	getTile(t, s, req)
	epoch := layerStats(s, "grids").Epoch
	if err := s.Refresh(context.Background()); err != nil { // what a periodic resync does
		t.Fatal(err)
	}
	if got := layerStats(s, "grids").Epoch; got != epoch {
		t.Errorf("epoch %d after a rebuild that changed nothing, want %d", got, epoch)
	}
	if _, status := getTile(t, s, req); status != tileservice.Hit {
		t.Errorf("after a rebuild that changed nothing: %s, want hit", status)
	}
}

func TestChangeDuringBuildIsNotPublished(t *testing.T) {
	store := fixture()
	s := tileservice.New(store, tileservice.Options{CacheBytes: 1 << 20})
	store.mu.Lock()
	store.gate, store.entered = make(chan struct{}), make(chan struct{}, 1)
	store.mu.Unlock()
	done := make(chan error)
	go func() { done <- s.Refresh(context.Background()) }() // streets first
	<-store.entered
	s.Changed("streets") // committed while the build reads
	store.mu.Lock()
	store.entered = nil
	store.mu.Unlock()
	close(store.gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if layerStats(s, "streets").InMemory {
		t.Error("a snapshot read before a change was published after it")
	}
	if !layerStats(s, "grids").InMemory {
		t.Error("grids, untouched by the change, are not in memory")
	}
}

func TestConcurrentMissesDrawOnce(t *testing.T) {
	store := fixture()
	s := tileservice.New(store, tileservice.Options{CacheBytes: 1 << 20}) // no snapshot: tiles from the store
	store.mu.Lock()
	store.gate = make(chan struct{})
	store.mu.Unlock()
	const n = 16
	var wg sync.WaitGroup
	bodies := make([]*tileservice.Tile, n)
	statuses := make([]tileservice.CacheStatus, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bodies[i], statuses[i], _ = s.Tile(context.Background(), tileservice.Request{Layer: "grids", Tile: z17tile, Format: tiles.MVT})
		}()
	}
	// Let every request arrive, then release the one store read.
	deadline := time.Now().Add(5 * time.Second)
	for store.bboxed.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	close(store.gate)
	wg.Wait()
	if got := store.bboxed.Load(); got != 1 {
		t.Errorf("the store was read %d times for one tile, want 1", got)
	}
	misses := 0
	for i := range n {
		if bodies[i] == nil || bodies[i] != bodies[0] {
			t.Fatalf("request %d got a different tile", i)
		}
		if statuses[i] == tileservice.Miss {
			misses++
		}
	}
	if misses != 1 {
		t.Errorf("%d misses, want 1 (the others shared it or hit the cache)", misses)
	}
}

func TestIncidentTileExpiresAtDueTime(t *testing.T) {
	store := fixture()
	now := &clock{now: t0.Add(23 * time.Hour)}
	s := newService(t, store, now)
	req := tileservice.Request{Layer: "incidents", Tile: tiles.At(orb.Point{119.385, 25.735}, 17)}
	tile, _ := getTile(t, s, req)
	if want := t0.Add(24 * time.Hour); !tile.Expires.Equal(want) {
		t.Fatalf("tile expires %v, want %v, when incident 3 turns overdue", tile.Expires, want)
	}
	if !strings.Contains(string(tile.Body), `"overdue":false`) {
		t.Fatalf("incident 3 should not be overdue yet: %s", tile.Body)
	}
	// The due time passes; the store now says overdue.
	now.set(t0.Add(25 * time.Hour))
	fs := store.features["incidents"]
	fs[2] = incidentAt(3, orb.Point{119.385, 25.735}, "sanitation", "reported", t0.Add(2*time.Hour), t0.Add(24*time.Hour), true)
	store.set("incidents", fs)
	tile, status := getTile(t, s, req)
	if status != tileservice.Miss || !strings.Contains(string(tile.Body), `"overdue":true`) {
		t.Fatalf("after the due time: %s, %s; want a miss showing overdue", status, tile.Body)
	}
	// Clusters carry no overdue flag and so never expire.
	tile, _ = getTile(t, s, tileservice.Request{Layer: "incidents", Tile: tiles.At(centre, 12)})
	if !tile.Expires.IsZero() {
		t.Errorf("a cluster tile expires at %v", tile.Expires)
	}
}

func TestIncidentClustersAndFilters(t *testing.T) {
	s := newService(t, fixture(), &clock{now: t0})
	tests := []struct {
		name   string
		tile   tiles.Tile
		filter tileservice.Filter
		want   string // a property every feature has
		n      int
	}{
		{"z13 clusters", tiles.At(centre, 13), tileservice.Filter{}, `"count":`, 2},
		{"z17 single incidents", z17tile, tileservice.Filter{}, `"category":`, 2},
		{"category", z17tile, tileservice.Filter{Categories: []string{"parking"}}, `"category":"parking"`, 1},
		{"status list", z17tile, tileservice.Filter{Statuses: []string{"closed", "reported"}}, `"status":"closed"`, 1},
		{"since", z17tile, tileservice.Filter{Since: t0.Add(30 * time.Minute)}, `"id":2`, 1},
		{"until", z17tile, tileservice.Filter{Until: t0.Add(30 * time.Minute)}, `"id":1`, 1},
		{"nothing", z17tile, tileservice.Filter{Categories: []string{"greenery"}}, ``, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, fromStore := range []bool{false, true} {
				tile, _ := getTile(t, s, tileservice.Request{Layer: "incidents", Tile: tt.tile, Filter: tt.filter, FromStore: fromStore})
				var fc struct{ Features []json.RawMessage }
				if err := json.Unmarshal(tile.Body, &fc); err != nil {
					t.Fatal(err)
				}
				if len(fc.Features) != tt.n {
					t.Fatalf("from store %v: %d features, want %d: %s", fromStore, len(fc.Features), tt.n, tile.Body)
				}
				for _, f := range fc.Features {
					if !strings.Contains(string(f), tt.want) {
						t.Errorf("from store %v: feature %s lacks %s", fromStore, f, tt.want)
					}
				}
			}
		})
	}
}

func TestBadRequests(t *testing.T) {
	s := newService(t, fixture(), nil)
	tests := []struct {
		name  string
		req   tileservice.Request
		code  string
		field string
	}{
		{"unknown layer", tileservice.Request{Layer: "roads", Tile: z17tile, Format: tiles.MVT}, gridmap.ENotFound, "layer"},
		{"zoom beyond the layer", tileservice.Request{Layer: "grids", Tile: tiles.Tile{Z: 19}, Format: tiles.MVT}, gridmap.EInvalid, "z"},
		{"x out of range", tileservice.Request{Layer: "grids", Tile: tiles.Tile{Z: 2, X: 4}, Format: tiles.MVT}, gridmap.EInvalid, "x"},
		{"no format", tileservice.Request{Layer: "grids", Tile: z17tile}, gridmap.EInvalid, "format"},
		{"filter on grids", tileservice.Request{Layer: "grids", Tile: z17tile, Format: tiles.MVT, Filter: tileservice.Filter{Statuses: []string{"closed"}}}, gridmap.EInvalid, "layer"},
		{"unknown category", tileservice.Request{Layer: "incidents", Tile: z17tile, Format: tiles.MVT, Filter: tileservice.Filter{Categories: []string{"fire"}}}, gridmap.EInvalid, "category"},
		{"unknown status", tileservice.Request{Layer: "incidents", Tile: z17tile, Format: tiles.MVT, Filter: tileservice.Filter{Statuses: []string{"open"}}}, gridmap.EInvalid, "status"},
		{"until before since", tileservice.Request{Layer: "incidents", Tile: z17tile, Format: tiles.MVT, Filter: tileservice.Filter{Since: t0, Until: t0}}, gridmap.EInvalid, "until"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := s.Tile(context.Background(), tt.req)
			var ge *gridmap.Error
			if !errors.As(err, &ge) || ge.Code != tt.code || ge.Field != tt.field {
				t.Fatalf("got %v, want a %s error on %q", err, tt.code, tt.field)
			}
		})
	}
}

func TestFilterQueryIsCanonical(t *testing.T) {
	a := tileservice.Filter{Categories: []string{"parking", "noise", "parking"}, Since: time.Date(2026, 11, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))}
	b := tileservice.Filter{Categories: []string{"noise", "parking"}, Since: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	if a.Query() != b.Query() {
		t.Fatalf("equal filters, different queries: %q and %q", a.Query(), b.Query())
	}
	if want := "category=noise%2Cparking&since=2026-11-01T00%3A00%3A00Z"; a.Query() != want {
		t.Errorf("query %q, want %q", a.Query(), want)
	}
	if q := (tileservice.Filter{}).Query(); q != "" {
		t.Errorf("zero filter has query %q", q)
	}
}

func TestTileJSON(t *testing.T) {
	s := newService(t, fixture(), nil)
	tj, err := s.TileJSON(context.Background(), "incidents", "https://gridmap.example", tileservice.Filter{Statuses: []string{"reported"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://gridmap.example/tiles/incidents/{z}/{x}/{y}.mvt?status=reported"; tj.Tiles[0] != want {
		t.Errorf("tiles %q, want %q", tj.Tiles[0], want)
	}
	if tj.Bounds != [4]float64{119.375, 25.73, 119.385, 25.735} {
		t.Errorf("bounds %v", tj.Bounds)
	}
	fields := tj.VectorLayers[0].Fields
	for _, name := range []string{"id", "category", "status", "overdue", "count", "count_noise"} {
		if fields[name] == "" {
			t.Errorf("vector layer lacks field %s: %v", name, fields)
		}
	}
	for _, name := range []string{"due_at", "method", "description", "reporter"} {
		if _, ok := fields[name]; ok {
			t.Errorf("vector layer lists %s, which tiles do not carry", name)
		}
	}
}
