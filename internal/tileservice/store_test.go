package tileservice_test

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// fakeStore is an in-memory gridmap.FeatureStore for the unit tests: it filters like the
// PostGIS store (bbox by bounding box, time, equality and any-of filters), counts the reads of
// each layer and can hold a read until released, to stage races.
type fakeStore struct {
	mu       sync.Mutex
	features map[string][]gridmap.Feature
	reads    map[string]int // Features calls per layer, bbox or not
	bboxed   atomic.Int64   // Features calls with a bbox: tiles drawn from the store
	gate     chan struct{}  // when set, Features waits on it
	entered  chan struct{}  // when set, Features signals it before waiting
}

func newFakeStore() *fakeStore {
	return &fakeStore{features: map[string][]gridmap.Feature{}, reads: map[string]int{}}
}

func (s *fakeStore) set(layer string, fs []gridmap.Feature) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.features[layer] = fs
}

func (s *fakeStore) Features(ctx context.Context, q gridmap.FeatureQuery) ([]gridmap.Feature, int, error) {
	s.mu.Lock()
	s.reads[q.Layer]++
	gate, entered := s.gate, s.entered
	all := slices.Clone(s.features[q.Layer])
	s.mu.Unlock()
	if q.BBox != nil {
		s.bboxed.Add(1)
	}
	if entered != nil {
		entered <- struct{}{}
	}
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, 0, ctx.Err()
		}
	}
	info, _ := gridmap.LayerByID(q.Layer)
	pos := func(name string) int {
		for i, f := range info.Fields {
			if f.Name == name {
				return i
			}
		}
		return -1
	}
	var out []gridmap.Feature
	for _, f := range all {
		if q.BBox != nil && !q.BBox.Intersects(f.Geometry.Bound()) {
			continue
		}
		if info.Temporal {
			t := f.Properties[pos("reported_at")].(time.Time)
			if (!q.Since.IsZero() && t.Before(q.Since)) || (!q.Until.IsZero() && !t.Before(q.Until)) {
				continue
			}
		}
		ok := true
		for name, v := range q.Equals {
			ok = ok && f.Properties[pos(name)] == v
		}
		for name, vs := range q.In {
			v, _ := f.Properties[pos(name)].(string)
			ok = ok && slices.Contains(vs, v)
		}
		if ok {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return idLess(out[i].ID, out[j].ID) })
	n := len(out)
	if q.Offset > 0 {
		out = out[min(q.Offset, len(out)):]
	}
	if q.Limit > 0 {
		out = out[:min(q.Limit, len(out))]
	}
	if q.SkipCount {
		n = -1
	}
	return out, n, nil
}

// idLess orders ids as the database does: numerically for incidents, as text otherwise.
func idLess(a, b string) bool {
	x, errA := strconv.ParseInt(a, 10, 64)
	y, errB := strconv.ParseInt(b, 10, 64)
	if errA == nil && errB == nil && len(a) < 10 {
		return x < y
	}
	return a < b
}

func (s *fakeStore) Feature(ctx context.Context, layer, id string) (gridmap.Feature, error) {
	return gridmap.Feature{}, gridmap.NotFound("no feature %q", id)
}

func (s *fakeStore) Extent(ctx context.Context, layer string) (orb.Bound, [2]time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b orb.Bound
	for i, f := range s.features[layer] {
		if i == 0 {
			b = f.Geometry.Bound()
		} else {
			b = b.Union(f.Geometry.Bound())
		}
	}
	return b, [2]time.Time{}, nil
}

// grid returns a square grid feature with every public property.
func grid(code string, west, south, side float64, openIncidents int) gridmap.Feature {
	ring := orb.Ring{{west, south}, {west + side, south}, {west + side, south + side}, {west, south + side}, {west, south}}
	return gridmap.Feature{ID: code, Geometry: orb.MultiPolygon{{ring}}, Properties: []any{
		code, "网格 " + code, code[:12], code[:9], int32(300), int32(900),
		int64(1), int64(2), int64(3), int64(120), int64(1), int64(0), int64(openIncidents), int64(openIncidents),
	}}
}

// incidentAt returns an incident feature as the store gives it.
func incidentAt(id int, p orb.Point, category, status string, reported, due time.Time, overdue bool) gridmap.Feature {
	return gridmap.Feature{ID: strconv.Itoa(id), Geometry: p, Properties: []any{
		int64(id), category, "grid_patrol", status, "350181003003001", "350181003003", "350181003",
		"contains", reported, due, overdue,
	}}
}
