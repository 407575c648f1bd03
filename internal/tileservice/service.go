package tileservice

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/live"
	"github.com/gridmap/gridmap/internal/tiles"
)

// ClusterBelowZoom is the zoom below which incident tiles are always clustered: at zoom 13 a
// 256-pixel tile spans about 4.5 km, where single markers only hide each other.
const ClusterBelowZoom = 14

// gzipMin is the smallest tile worth compressing: below it gzip's header and the CPU cost
// outweigh what it saves.
const gzipMin = 256

// drawTimeout bounds one tile's computation, which is shared by every request waiting for it
// and so does not end when the first of them gives up.
const drawTimeout = 30 * time.Second

// Options tune a Service; zero values select the defaults.
type Options struct {
	// CacheBytes bounds the memory of cached tiles (GRIDMAP_TILE_CACHE_BYTES); 0 disables the
	// cache, though concurrent misses of one tile still compute it once.
	CacheBytes int
	// GridsMinInterval spaces rebuilds of the grid layer that follow incident changes (its
	// open-incident counts); default 2 s.
	GridsMinInterval time.Duration
	// IncidentsMinInterval spaces rebuilds of the incident snapshot; default 1 s. Meanwhile
	// incident tiles come from the store, so this costs speed, never freshness.
	IncidentsMinInterval time.Duration
	// MaxMemoryIncidents is the most incidents held in memory, at about 800 bytes each; with
	// more, incident tiles always come from the store. Default 200,000 (about 160 MB).
	MaxMemoryIncidents int
	Logger             *slog.Logger
	Now                func() time.Time // for tests; default time.Now
}

// Request asks for one tile.
type Request struct {
	Layer  string
	Tile   tiles.Tile
	Format tiles.Format
	Filter Filter // incidents only
	// Gzip says that the client accepts gzip: the tile's gzip encoding is then made, once,
	// if the tile is large enough to gain from it.
	Gzip bool
	// Bypass draws the tile without looking into or filling the cache, the way a miss does:
	// for measuring the uncached path.
	Bypass bool
	// FromStore draws the tile from the store even when the snapshot is current, and implies
	// Bypass: for measuring the path taken while a snapshot is being rebuilt.
	FromStore bool
}

// Tile is one finished tile, immutable once made: the cache hands the same Tile to every
// request. Its gzip encoding is made once, by the first request that accepts it
// (Request.Gzip), and kept with it; clients that do not ask for gzip never pay for it.
type Tile struct {
	Body        []byte
	ETag        string // strong tag of Body
	ContentType string
	// Expires is when the tile stops being true although no data changed (an incident in it
	// becomes overdue); zero: not before the next change.
	Expires time.Time

	gzOnce sync.Once
	gz     []byte // Body gzipped; nil when too small to gain from it
	gzTag  string
}

// Gzipped returns the gzip encoding of the tile and its strong ETag, or nil when the tile is
// too small to gain from compression. Call it only with a Tile returned for a Request with
// Gzip set: that call made the encoding (once, under a sync.Once), which is what makes reading
// it here safe.
func (t *Tile) Gzipped() ([]byte, string) {
	return t.gz, t.gzTag
}

// CacheStatus says how a tile was found, for the X-Gridmap-Cache header and metrics.
type CacheStatus string

// How a tile was found.
const (
	Hit    CacheStatus = "hit"    // in the cache
	Miss   CacheStatus = "miss"   // drawn for this request
	Shared CacheStatus = "shared" // drawn for a concurrent request of the same tile
	Bypass CacheStatus = "bypass" // drawn without the cache, as asked
)

// Service draws, caches and describes tiles of the public layers.
type Service struct {
	store   gridmap.FeatureStore
	opts    Options
	log     *slog.Logger
	sources []*source
	cache   *cache
	flights flights
	gz      tiles.Compressor
	seed    maphash.Seed

	hits, misses, shared, bypassed, storeTiles atomic.Int64
}

// source is one layer: its snapshot, rebuilt in the background, and the epoch that cache keys
// carry.
type source struct {
	info  gridmap.LayerInfo
	conv  *converter
	hard  map[string]bool // tables whose changes make the snapshot stale at once
	value *live.Value[*snapshot]

	mu   sync.Mutex // serialises changes of gen and view
	gen  uint64     // changes of hard tables seen so far
	view atomic.Pointer[view]
}

// view is what requests read, in one atomic load: the epoch of cache keys and the snapshot to
// draw from, nil while tiles must come from the store.
type view struct {
	epoch uint64
	snap  *snapshot
}

// layerTables lists, for each layer, the tables whose changes make its tiles stale at once
// (hard) and those that only schedule a rebuild (soft).
var layerTables = map[string]struct{ hard, soft []string }{
	gridmap.LayerStreets:      {hard: []string{"streets"}},
	gridmap.LayerCommunities:  {hard: []string{"communities", "grids"}},
	gridmap.LayerGrids:        {hard: []string{"grids", "staff", "red_positions", "stations"}, soft: []string{"incidents"}},
	gridmap.LayerRedPositions: {hard: []string{"red_positions"}},
	gridmap.LayerStations:     {hard: []string{"stations"}},
	gridmap.LayerIncidents:    {hard: []string{"incidents"}},
}

// New returns a Service over store. It holds no snapshot until Refresh or Run builds them;
// until then tiles come from the store.
func New(store gridmap.FeatureStore, opts Options) *Service {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.GridsMinInterval == 0 {
		opts.GridsMinInterval = 2 * time.Second
	}
	if opts.IncidentsMinInterval == 0 {
		opts.IncidentsMinInterval = time.Second
	}
	if opts.MaxMemoryIncidents == 0 {
		opts.MaxMemoryIncidents = 200_000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Service{store: store, opts: opts, log: opts.Logger, cache: newCache(opts.CacheBytes), seed: maphash.MakeSeed()}
	for _, info := range gridmap.Layers {
		tables, ok := layerTables[info.ID]
		if !ok {
			continue
		}
		src := &source{info: info, conv: newConverter(info), hard: map[string]bool{}}
		for _, t := range tables.hard {
			src.hard[t] = true
		}
		var liveOpts []live.Option
		switch info.ID {
		case gridmap.LayerGrids:
			liveOpts = append(liveOpts, live.MinInterval(opts.GridsMinInterval))
		case gridmap.LayerIncidents:
			liveOpts = append(liveOpts, live.MinInterval(opts.IncidentsMinInterval))
		}
		src.value = live.New("tiles "+info.ID, append(slices.Clone(tables.hard), tables.soft...), s.builder(src), opts.Logger, liveOpts...)
		src.view.Store(&view{epoch: 1})
		s.sources = append(s.sources, src)
	}
	return s
}

func (s *Service) source(layer string) (*source, error) {
	for _, src := range s.sources {
		if src.info.ID == layer {
			return src, nil
		}
	}
	ids := make([]string, len(s.sources))
	for i, src := range s.sources {
		ids[i] = src.info.ID
	}
	return nil, &gridmap.Error{Code: gridmap.ENotFound, Field: "layer",
		Message: fmt.Sprintf("no tile layer %q; layers are %s", layer, strings.Join(ids, ", "))}
}

// Refresh builds every layer's snapshot now, one after the other.
func (s *Service) Refresh(ctx context.Context) error {
	for _, src := range s.sources {
		if err := src.value.Refresh(ctx); err != nil {
			return fmt.Errorf("tileservice: build %s: %w", src.info.ID, err)
		}
	}
	return nil
}

// Run builds every snapshot and rebuilds them as their tables change, until ctx ends.
func (s *Service) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, src := range s.sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			src.value.Run(ctx)
		}()
		src.value.Resync()
	}
	wg.Wait()
}

// Changed follows a committed change to a table: every layer drawn from it gets a new epoch
// at once (its cached tiles are dropped and its tiles come from the store until a snapshot
// built after the change is published), and the rebuild is scheduled. It is called for every
// database change notice, and by the instance that stored incidents right after the commit.
func (s *Service) Changed(table string) {
	for _, src := range s.sources {
		if src.hard[table] {
			s.invalidate(src)
		}
		src.value.Changed(table)
	}
}

// IncidentsStored is the intake hook: incidents were just committed by this instance.
func (s *Service) IncidentsStored() { s.Changed("incidents") }

// Resync rebuilds every snapshot because change notices may have been lost (the listener
// reconnected, or the periodic safety net). It does not drop anything at once: whatever was
// missed was missed for the whole outage already, and a rebuild that finds the same content
// keeps the cache, so the periodic resync costs rebuilds, not cache misses.
func (s *Service) Resync() {
	for _, src := range s.sources {
		src.value.Resync()
	}
}

func (s *Service) invalidate(src *source) {
	src.mu.Lock()
	defer src.mu.Unlock()
	src.gen++
	v := &view{epoch: src.view.Load().epoch + 1}
	src.view.Store(v)
	s.cache.drop(src.info.ID, v.epoch)
}

// publish makes snap the layer's snapshot, unless a hard change arrived since its build began
// (gen): then it may lack that change, and the rebuild the change scheduled will publish.
func (s *Service) publish(src *source, gen uint64, snap *snapshot) {
	src.mu.Lock()
	defer src.mu.Unlock()
	if src.gen != gen {
		return
	}
	old := src.view.Load()
	if old.snap != nil && old.snap.sum == snap.sum {
		if old.snap.validUntil.Equal(snap.validUntil) {
			return // nothing changed: keep the cache
		}
		src.view.Store(&view{epoch: old.epoch, snap: snap}) // same tiles, later expiry
		return
	}
	v := &view{epoch: old.epoch + 1, snap: snap}
	src.view.Store(v)
	s.cache.drop(src.info.ID, v.epoch)
}

// builder returns the function live.Value calls to rebuild src's snapshot.
func (s *Service) builder(src *source) func(ctx context.Context) (*snapshot, error) {
	return func(ctx context.Context) (*snapshot, error) {
		src.mu.Lock()
		gen := src.gen
		src.mu.Unlock()
		snap, err := s.load(ctx, src)
		if err != nil || snap == nil {
			return snap, err
		}
		s.publish(src, gen, snap)
		return snap, nil
	}
}

// load reads every feature of src's layer and builds a snapshot; nil (and no error) when the
// layer is too large to hold.
func (s *Service) load(ctx context.Context, src *source) (*snapshot, error) {
	id := src.info.ID
	if id == gridmap.LayerIncidents {
		_, n, err := s.store.Features(ctx, gridmap.FeatureQuery{Layer: id, Limit: 1})
		if err != nil {
			return nil, fmt.Errorf("tileservice: count incidents: %w", err)
		}
		if n > s.opts.MaxMemoryIncidents {
			s.log.Warn("too many incidents to hold in memory; incident tiles come from the database", "incidents", n, "max", s.opts.MaxMemoryIncidents)
			return nil, nil
		}
	}
	feats, _, err := s.store.Features(ctx, gridmap.FeatureQuery{Layer: id, SkipCount: true})
	if err != nil {
		return nil, fmt.Errorf("tileservice: read %s: %w", id, err)
	}
	snap := &snapshot{}
	fp := newFingerprint(s.seed)
	tfs := make([]tiles.Feature, len(feats))
	if id == gridmap.LayerIncidents {
		snap.incidents = make([]incident, len(feats))
		for i, f := range feats {
			in, err := src.conv.incident(f)
			if err != nil {
				return nil, err
			}
			snap.incidents[i], tfs[i] = in, in.feature
			p := in.feature.Geometry.(orb.Point)
			snap.index.Insert(p, p, int32(i))
		}
		snap.validUntil = expiry(snap.incidents)
	} else {
		for i, f := range feats {
			if tfs[i], err = src.conv.feature(f); err != nil {
				return nil, err
			}
		}
	}
	for _, tf := range tfs {
		fp.feature(tf)
	}
	snap.sum = fp.h.Sum64()
	if snap.layer, err = tiles.NewLayer(id, tfs, tiles.Options{}); err != nil {
		return nil, fmt.Errorf("tileservice: %w", err)
	}
	return snap, nil
}

// search returns the snapshot's incidents inside b that pass f, in id order.
func (snap *snapshot) search(b orb.Bound, f Filter) []incident {
	var hits []int32
	snap.index.Search(b.Min, b.Max, func(_, _ [2]float64, i int32) bool {
		hits = append(hits, i)
		return true
	})
	slices.Sort(hits)
	out := make([]incident, 0, len(hits))
	for _, i := range hits {
		if in := &snap.incidents[i]; f.match(in) {
			out = append(out, *in)
		}
	}
	return out
}

func (s *Service) check(src *source, req Request) error {
	if err := req.Tile.Validate(); err != nil {
		var pe *tiles.ParamError
		if errors.As(err, &pe) {
			return gridmap.Invalid(pe.Param, "%s", pe.Reason)
		}
		return gridmap.Invalid("z", "%v", err)
	}
	if z := int(req.Tile.Z); z < src.info.MinZoom || z > src.info.MaxZoom {
		return gridmap.Invalid("z", "zoom %d is outside %d..%d, the zooms of layer %s", z, src.info.MinZoom, src.info.MaxZoom, src.info.ID)
	}
	if req.Format != tiles.MVT && req.Format != tiles.GeoJSON {
		return gridmap.Invalid("format", "tile format must be mvt or geojson")
	}
	if !req.Filter.IsZero() && src.info.ID != gridmap.LayerIncidents {
		return gridmap.Invalid("layer", "layer %s takes no filter; since, until, category and status apply to incidents", src.info.ID)
	}
	return req.Filter.Validate()
}

// Tile returns one tile: from the cache when it holds it for the layer's current epoch, else
// drawn once however many requests ask for it at the same time.
func (s *Service) Tile(ctx context.Context, req Request) (*Tile, CacheStatus, error) {
	src, err := s.source(req.Layer)
	if err != nil {
		return nil, "", err
	}
	if err := s.check(src, req); err != nil {
		return nil, "", err
	}
	req.Filter = req.Filter.normalized()
	v := src.view.Load()
	if req.Bypass || req.FromStore {
		s.bypassed.Add(1)
		t, err := s.draw(ctx, src, v, req)
		if err == nil && req.Gzip {
			err = s.ensureGzip(t, nil)
		}
		return t, Bypass, err
	}
	key := cacheKey{layer: req.Layer, epoch: v.epoch, tile: req.Tile, format: req.Format, filter: req.Filter.Query()}
	if t := s.cache.get(key, s.opts.Now()); t != nil {
		s.hits.Add(1)
		if req.Gzip {
			if err := s.ensureGzip(t, &key); err != nil {
				return nil, "", err
			}
		}
		return t, Hit, nil
	}
	t, shared, err := s.flights.do(ctx, key, func() (*Tile, error) {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drawTimeout)
		defer cancel()
		t, err := s.draw(dctx, src, v, req)
		if err == nil {
			s.cache.put(key, t)
		}
		return t, err
	})
	status := Miss
	if shared {
		status = Shared
	}
	if err != nil {
		return nil, status, err
	}
	if status == Shared {
		s.shared.Add(1)
	} else {
		s.misses.Add(1)
	}
	if req.Gzip {
		if err := s.ensureGzip(t, &key); err != nil {
			return nil, status, err
		}
	}
	return t, status, nil
}

// ensureGzip makes t's gzip encoding if it has none yet and is large enough to gain from it,
// and counts the bytes in the cache entry under key (nil: t is not cached).
func (s *Service) ensureGzip(t *Tile, key *cacheKey) error {
	var err error
	t.gzOnce.Do(func() {
		if len(t.Body) < gzipMin {
			return
		}
		var gz []byte
		if gz, err = s.gz.Gzip(t.Body); err != nil || len(gz) >= len(t.Body) {
			return
		}
		t.gz, t.gzTag = gz, tiles.ETag(gz)
		if key != nil {
			s.cache.grow(*key, t, len(gz))
		}
	})
	if err != nil {
		return gridmap.Internal(err, "compress tile")
	}
	return nil
}

// draw makes one tile from the view's snapshot, or from the store when there is none.
func (s *Service) draw(ctx context.Context, src *source, v *view, req Request) (*Tile, error) {
	snap := v.snap
	if req.FromStore {
		snap = nil
	}
	var body []byte
	var expires time.Time
	var err error
	if src.info.ID == gridmap.LayerIncidents {
		body, expires, err = s.drawIncidents(ctx, src, snap, req)
	} else {
		body, err = s.drawStatic(ctx, src, snap, req)
	}
	if err != nil {
		return nil, err
	}
	return &Tile{Body: body, ETag: tiles.ETag(body), ContentType: req.Format.ContentType(), Expires: expires}, nil
}

func (s *Service) drawStatic(ctx context.Context, src *source, snap *snapshot, req Request) ([]byte, error) {
	layer := (*tiles.Layer)(nil)
	if snap != nil {
		layer = snap.layer
	} else {
		feats, err := s.fromStore(ctx, src, req.Tile, Filter{})
		if err != nil {
			return nil, err
		}
		tfs := make([]tiles.Feature, len(feats))
		for i, f := range feats {
			if tfs[i], err = src.conv.feature(f); err != nil {
				return nil, gridmap.Internal(err, "convert "+src.info.ID)
			}
		}
		if layer, err = tiles.NewLayer(src.info.ID, tfs, tiles.Options{}); err != nil {
			return nil, gridmap.Internal(err, "build "+src.info.ID+" tile")
		}
	}
	body, err := tiles.Encode(layer, req.Tile, req.Format)
	if err != nil {
		return nil, gridmap.Internal(err, "encode "+src.info.ID+" tile")
	}
	return body, nil
}

// drawIncidents draws an incident tile: clusters below ClusterBelowZoom or where the tile is
// dense, single incidents otherwise, with the time at which one of those turns overdue.
func (s *Service) drawIncidents(ctx context.Context, src *source, snap *snapshot, req Request) ([]byte, time.Time, error) {
	if snap != nil && !snap.validUntil.IsZero() && !s.opts.Now().Before(snap.validUntil) {
		// An open incident has passed its due time since the build: its overdue flag is stale.
		if snap.expired.CompareAndSwap(false, true) {
			src.value.Resync()
		}
		snap = nil
	}
	bound := bufferedBound(req.Tile)
	var ins []incident
	var err error
	switch {
	case snap != nil && req.Filter.IsZero():
		// Single incidents come straight from the snapshot's layer: Encode writes features in
		// input (id) order, as a layer of the tile's incidents alone would.
		ins = snap.search(bound, Filter{})
		if req.Tile.Z >= ClusterBelowZoom && countIn(ins, req.Tile) <= tiles.DefaultMaxClusters {
			body, err := tiles.Encode(snap.layer, req.Tile, req.Format)
			if err != nil {
				return nil, time.Time{}, gridmap.Internal(err, "encode incident tile")
			}
			return body, expiry(ins), nil
		}
	case snap != nil:
		ins = snap.search(bound, req.Filter)
	default:
		feats, err := s.fromStore(ctx, src, req.Tile, req.Filter)
		if err != nil {
			return nil, time.Time{}, err
		}
		ins = make([]incident, len(feats))
		for i, f := range feats {
			if ins[i], err = src.conv.incident(f); err != nil {
				return nil, time.Time{}, gridmap.Internal(err, "convert incidents")
			}
		}
	}
	if req.Tile.Z < ClusterBelowZoom || countIn(ins, req.Tile) > tiles.DefaultMaxClusters {
		// Clusters are drawn from a layer of the tile's incidents alone, whichever path they
		// came by: EncodeClusters visits points in its layer's R-tree order, and only equal
		// layers give byte-equal tiles (and ETags) on every instance. The layer carries only
		// what clusters count, the category.
		tfs := make([]tiles.Feature, len(ins))
		props := make([]tiles.Property, len(ins))
		for i := range ins {
			props[i] = tiles.Property{Key: "category", Value: ins[i].categoryValue}
			tfs[i] = tiles.Feature{Geometry: ins[i].feature.Geometry, Properties: props[i : i+1 : i+1]}
		}
		layer, err := tiles.NewLayer(src.info.ID, tfs, tiles.Options{})
		if err != nil {
			return nil, time.Time{}, gridmap.Internal(err, "build incident clusters")
		}
		body, err := tiles.EncodeClusters(layer, req.Tile, req.Format, tiles.Clustering{CategoryKey: "category"})
		if err != nil {
			return nil, time.Time{}, gridmap.Internal(err, "encode incident clusters")
		}
		return body, time.Time{}, nil // clusters carry no overdue flag
	}
	tfs := make([]tiles.Feature, len(ins))
	for i := range ins {
		tfs[i] = ins[i].feature
	}
	layer, err := tiles.NewLayer(src.info.ID, tfs, tiles.Options{})
	if err != nil {
		return nil, time.Time{}, gridmap.Internal(err, "build incident tile")
	}
	body, err := tiles.Encode(layer, req.Tile, req.Format)
	if err != nil {
		return nil, time.Time{}, gridmap.Internal(err, "encode incident tile")
	}
	return body, expiry(ins), nil
}

// countIn counts the incidents inside tile t itself (not its buffer), as Layer.Count does.
func countIn(ins []incident, t tiles.Tile) int {
	b := t.Bound()
	n := 0
	for i := range ins {
		p := ins[i].feature.Geometry.(orb.Point)
		if p[0] >= b.Min[0] && p[0] <= b.Max[0] && p[1] >= b.Min[1] && p[1] <= b.Max[1] {
			n++
		}
	}
	return n
}

// fromStore reads the features of src's layer meeting the buffered tile.
func (s *Service) fromStore(ctx context.Context, src *source, t tiles.Tile, f Filter) ([]gridmap.Feature, error) {
	s.storeTiles.Add(1)
	b := bufferedBound(t)
	q := gridmap.FeatureQuery{Layer: src.info.ID, BBox: &b, Since: f.Since, Until: f.Until, SkipCount: true}
	if len(f.Categories) > 0 || len(f.Statuses) > 0 {
		q.In = map[string][]string{}
		if len(f.Categories) > 0 {
			q.In["category"] = f.Categories
		}
		if len(f.Statuses) > 0 {
			q.In["status"] = f.Statuses
		}
	}
	feats, _, err := s.store.Features(ctx, q)
	return feats, err
}

// bufferedBound is the WGS-84 box of tile t grown by the encoder's buffer, padded by a
// nanodegree so that rounding never loses a feature on its edge: the encoder cuts exactly.
func bufferedBound(t tiles.Tile) orb.Bound {
	n := float64(uint64(1) << t.Z)
	b := float64(tiles.DefaultBuffer) / tiles.Extent
	lon := func(x float64) float64 { return x/n*360 - 180 }
	lat := func(y float64) float64 { return math.Atan(math.Sinh(math.Pi*(1-2*y/n))) * 180 / math.Pi }
	const pad = 1e-9
	return orb.Bound{
		Min: orb.Point{math.Max(-180, lon(float64(t.X)-b)-pad), math.Max(-90, lat(float64(t.Y)+1+b)-pad)},
		Max: orb.Point{math.Min(180, lon(float64(t.X)+1+b)+pad), math.Min(90, lat(float64(t.Y)-b)+pad)},
	}
}

// TileJSON describes a layer's tiles: where they are (an absolute URL from baseURL, the
// filter carried along), the area the data covers, zooms and fields.
func (s *Service) TileJSON(ctx context.Context, layer, baseURL string, f Filter) (*tiles.TileJSON, error) {
	src, err := s.source(layer)
	if err != nil {
		return nil, err
	}
	if !f.IsZero() && layer != gridmap.LayerIncidents {
		return nil, gridmap.Invalid("layer", "layer %s takes no filter; since, until, category and status apply to incidents", layer)
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var b orb.Bound
	if v := src.view.Load(); v.snap != nil && v.snap.layer.Len() > 0 {
		b = v.snap.layer.Bound()
	} else if b, _, err = s.store.Extent(ctx, layer); err != nil {
		return nil, err
	}
	if b == (orb.Bound{}) { // no features: the whole Web Mercator world
		b = orb.Bound{Min: orb.Point{-180, -85.0511287798}, Max: orb.Point{180, 85.0511287798}}
	}
	url := strings.TrimRight(baseURL, "/") + "/tiles/" + layer + "/{z}/{x}/{y}.mvt"
	if q := f.Query(); q != "" {
		url += "?" + q
	}
	info := src.info
	tj, err := tiles.NewTileJSON(tiles.TileSet{
		LayerID:     layer,
		Name:        info.TitleZH + " " + info.TitleEN,
		Description: info.Description,
		Attribution: "gridmap",
		TilesURL:    url,
		Bounds:      b,
		Center:      b.Center(),
		CenterZoom:  min(max(centerZoom(b), info.MinZoom), info.MaxZoom),
		MinZoom:     info.MinZoom,
		MaxZoom:     info.MaxZoom,
		Fields:      tileJSONFields(layer),
	})
	if err != nil {
		return nil, gridmap.Internal(err, "describe "+layer)
	}
	return tj, nil
}

// centerZoom is the zoom at which the box spans about one 512-pixel view, at most 14.
func centerZoom(b orb.Bound) int {
	span := math.Max(b.Max[0]-b.Min[0], (b.Max[1]-b.Min[1])*1.5)
	if span <= 0 {
		return 14
	}
	return min(14, max(0, int(math.Floor(math.Log2(360/span)))+1))
}

// Stats are counters for /metrics.
type Stats struct {
	CacheEntries, CacheBytes       int
	Hits, Misses, Shared, Bypassed int64
	Evictions, StoreTiles          int64
	Layers                         []LayerStats
}

// LayerStats describe one layer's snapshot.
type LayerStats struct {
	Layer         string
	Epoch         uint64
	Features      int  // in the snapshot
	InMemory      bool // tiles come from the snapshot (else from the store)
	Builds, Fails int64
	LastBuild     time.Duration
}

// Stats returns the service's counters.
func (s *Service) Stats() Stats {
	st := Stats{Hits: s.hits.Load(), Misses: s.misses.Load(), Shared: s.shared.Load(), Bypassed: s.bypassed.Load(), StoreTiles: s.storeTiles.Load()}
	st.CacheEntries, st.CacheBytes, st.Evictions = s.cache.stats()
	for _, src := range s.sources {
		v := src.view.Load()
		ls := LayerStats{Layer: src.info.ID, Epoch: v.epoch, InMemory: v.snap != nil}
		if v.snap != nil {
			ls.Features = v.snap.layer.Len()
		}
		ls.Builds, ls.Fails, ls.LastBuild, _ = src.value.Stats()
		st.Layers = append(st.Layers, ls)
	}
	return st
}
