package tiles

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// Extent is the size of a tile's integer grid. 4096 is what MapLibre, QGIS and GDAL expect and
// resolves a 256-pixel tile to 1/16 pixel.
const Extent = 4096

// DefaultBuffer is the margin, in Extent units, by which features are kept beyond the tile
// edge: 64 units (4 px) hide the clipped edges of polygon outlines and the seams of line joins.
const DefaultBuffer = 64

// DefaultTolerance is the Douglas-Peucker tolerance in Extent units: 8 units are half a pixel
// of a 256-pixel tile, below what a screen shows at that zoom.
const DefaultTolerance = 8

// Options tune how a layer's features are cut into tiles. The zero value selects the defaults.
type Options struct {
	// Buffer is the margin beyond the tile edge, in Extent units; 0 selects DefaultBuffer and
	// a negative value no margin. Point layers drawn with large icons want a wider margin.
	Buffer int
	// Tolerance is the simplification tolerance in Extent units; 0 selects DefaultTolerance
	// and a negative value turns simplification off.
	Tolerance float64
}

func (o Options) resolve() (Options, error) {
	if o.Buffer > Extent {
		return o, fmt.Errorf("tiles: buffer %d is more than a tile (%d units)", o.Buffer, Extent)
	}
	if math.IsNaN(o.Tolerance) || o.Tolerance > Extent {
		return o, fmt.Errorf("tiles: tolerance %v must be a number of at most %d units", o.Tolerance, Extent)
	}
	switch {
	case o.Buffer == 0:
		o.Buffer = DefaultBuffer
	case o.Buffer < 0:
		o.Buffer = 0
	}
	switch {
	case o.Tolerance == 0:
		o.Tolerance = DefaultTolerance
	case o.Tolerance < 0:
		o.Tolerance = 0
	}
	return o, nil
}

// Property is one attribute of a feature. Properties are a slice rather than a map so that a
// tile lists them in the order the layer defines, the order a map popup shows them.
//
// Value may be nil, a string, a bool, any integer type or a finite float32 or float64; nil is
// written as JSON null in GeoJSON and left out of MVT, which has no null.
type Property struct {
	Key   string
	Value any
}

// Feature is one input feature of a layer: WGS-84 longitude/latitude geometry (Point,
// MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon, Ring or Bound) and its
// properties. ID becomes the MVT feature id and the GeoJSON "id"; 0 means the feature has no
// numeric id (for example a station known only by its string code).
type Feature struct {
	ID         uint64
	Geometry   orb.Geometry
	Properties []Property
}

// geomKind is what a feature is drawn as; it decides the MVT geometry type.
type geomKind uint8

const (
	kindPoint geomKind = iota + 1
	kindLine
	kindPolygon
)

// part is a run of points of one feature: a polygon ring, a line string or all the points of a
// (multi)point. outer marks the exterior ring that starts each polygon.
type part struct {
	start, end int32
	outer      bool
}

type feature struct {
	id             uint64
	kind           geomKind
	part0, part1   int32 // range in Layer.parts
	props0, props1 int32 // range in Layer.props: key and value indexes, alternating
}

// Layer is an immutable, indexed set of features: one gridmap layer (grids, stations,
// incidents, ...) ready to be cut into tiles. It is safe for concurrent use; to change the data,
// build a new Layer and swap it in.
//
// Geometry is kept projected to Web Mercator world coordinates in flat slices, so that a tile
// only scales and rounds each vertex and no per-feature geometry objects burden the collector.
type Layer struct {
	id     string
	opts   Options
	feats  []feature
	parts  []part
	pts    []orb.Point // Web Mercator world coordinates in [0, 1], y down
	props  []uint32
	table  *table
	tree   rtree.RTreeGN[float64, int32]
	bound  orb.Bound // WGS-84
	points bool      // every feature is a point or multipoint
	fields []Field
	// pool recycles the scratch buffers of tile drawing between calls; it holds no data of
	// the layer, which never changes.
	pool sync.Pool
}

// NewLayer builds the layer named id (the MVT layer name and TileJSON vector layer id) from
// features. It rejects geometry or property values that a tile cannot carry, naming the
// feature, so that bad data is found when the layer is loaded and not when a tile is drawn.
// The features slice is not retained.
func NewLayer(id string, features []Feature, opts Options) (*Layer, error) {
	if id == "" || !utf8.ValidString(id) {
		return nil, fmt.Errorf("tiles: layer id %q must be non-empty UTF-8", id)
	}
	opts, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	l := &Layer{
		id:     id,
		opts:   opts,
		feats:  make([]feature, 0, len(features)),
		table:  newTable(),
		points: true,
	}
	b := builder{l: l}
	for i := range features {
		if err := b.add(&features[i]); err != nil {
			return nil, fmt.Errorf("tiles: layer %s: feature %d: %w", id, i, err)
		}
	}
	if len(l.feats) == 0 {
		l.points = false
	}
	l.bound = b.bound
	l.fields = l.table.fields()
	l.table.freeze()
	return l, nil
}

// ID returns the layer id given to NewLayer.
func (l *Layer) ID() string { return l.id }

// Len returns the number of features, for logs and metrics after a reload.
func (l *Layer) Len() int { return len(l.feats) }

// Bound returns the WGS-84 bounding box of all features, for the TileJSON bounds; it is empty
// (orb.Bound{}) for a layer without features.
func (l *Layer) Bound() orb.Bound { return l.bound }

// Count returns how many features meet tile t (without buffer), so that a handler can decide
// cheaply whether a point tile is too dense to send unclustered.
func (l *Layer) Count(t Tile) int {
	n := 0
	min, max := l.searchBox(t, 0)
	l.tree.Search(min, max, func(_, _ [2]float64, _ int32) bool {
		n++
		return true
	})
	return n
}

// searchBox is the Web Mercator box of tile t grown by buffer Extent units.
func (l *Layer) searchBox(t Tile, buffer int) (min, max [2]float64) {
	n := float64(uint64(1) << t.Z)
	b := float64(buffer) / Extent
	min = [2]float64{(float64(t.X) - b) / n, (float64(t.Y) - b) / n}
	max = [2]float64{(float64(t.X) + 1 + b) / n, (float64(t.Y) + 1 + b) / n}
	return min, max
}

// search appends to hits the features whose boxes meet tile t grown by buffer units, in input
// order when sorted is set. Input order keeps tiles in the order the data lists them, whatever
// shape the R-tree takes.
func (l *Layer) search(t Tile, buffer int, hits []int32, sorted bool) []int32 {
	min, max := l.searchBox(t, buffer)
	l.tree.Search(min, max, func(_, _ [2]float64, i int32) bool {
		hits = append(hits, i)
		return true
	})
	if sorted {
		slices.Sort(hits)
	}
	return hits
}

// builder converts input features into the layer's flat, projected storage.
type builder struct {
	l     *Layer
	bound orb.Bound
	seen  bool
	// box of the feature being added, Web Mercator
	fmin, fmax [2]float64
}

func (b *builder) add(f *Feature) error {
	l := b.l
	if len(l.feats) >= math.MaxInt32 {
		return fmt.Errorf("too many features")
	}
	ft := feature{id: f.ID, part0: int32(len(l.parts)), props0: int32(len(l.props))}
	b.fmin = [2]float64{math.Inf(1), math.Inf(1)}
	b.fmax = [2]float64{math.Inf(-1), math.Inf(-1)}

	var err error
	switch g := f.Geometry.(type) {
	case nil:
		return fmt.Errorf("no geometry")
	case orb.Point:
		ft.kind = kindPoint
		err = b.points([]orb.Point{g})
	case orb.MultiPoint:
		ft.kind = kindPoint
		err = b.points(g)
	case orb.LineString:
		ft.kind = kindLine
		err = b.line(g)
	case orb.MultiLineString:
		ft.kind = kindLine
		for _, ls := range g {
			if err = b.line(ls); err != nil {
				break
			}
		}
	case orb.Ring:
		ft.kind = kindPolygon
		err = b.polygon(orb.Polygon{g})
	case orb.Polygon:
		ft.kind = kindPolygon
		err = b.polygon(g)
	case orb.MultiPolygon:
		ft.kind = kindPolygon
		for _, p := range g {
			if err = b.polygon(p); err != nil {
				break
			}
		}
	case orb.Bound:
		ft.kind = kindPolygon
		err = b.polygon(g.ToPolygon())
	default:
		return fmt.Errorf("geometry type %s is not supported in tiles", f.Geometry.GeoJSONType())
	}
	if err != nil {
		return err
	}
	ft.part1 = int32(len(l.parts))
	if ft.part0 == ft.part1 {
		return fmt.Errorf("empty %s", f.Geometry.GeoJSONType())
	}
	if ft.kind != kindPoint {
		l.points = false
	}
	if len(l.props)+2*len(f.Properties) > math.MaxInt32 {
		return fmt.Errorf("too many properties")
	}
	for _, p := range f.Properties {
		k, v, err := l.table.intern(p.Key, p.Value)
		if err != nil {
			return err
		}
		l.props = append(l.props, k, v)
	}
	ft.props1 = int32(len(l.props))
	l.tree.Insert(b.fmin, b.fmax, int32(len(l.feats)))
	l.feats = append(l.feats, ft)
	return nil
}

// vertex projects one WGS-84 point, checks it and grows the boxes.
func (b *builder) vertex(p orb.Point) error {
	if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
		return fmt.Errorf("coordinate %v is not a number", p)
	}
	if p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
		return fmt.Errorf("coordinate %v is not WGS-84 longitude/latitude", p)
	}
	x, y := project(p[0], p[1])
	b.l.pts = append(b.l.pts, orb.Point{x, y})
	b.fmin = [2]float64{math.Min(b.fmin[0], x), math.Min(b.fmin[1], y)}
	b.fmax = [2]float64{math.Max(b.fmax[0], x), math.Max(b.fmax[1], y)}
	if !b.seen {
		b.bound = orb.Bound{Min: p, Max: p}
		b.seen = true
	} else {
		b.bound = b.bound.Extend(p)
	}
	return nil
}

func (b *builder) run(pts []orb.Point, outer bool) error {
	l := b.l
	start := len(l.pts)
	if start+len(pts)+1 > math.MaxInt32 {
		return fmt.Errorf("too many vertices")
	}
	for _, p := range pts {
		if err := b.vertex(p); err != nil {
			return err
		}
	}
	l.parts = append(l.parts, part{start: int32(start), end: int32(len(l.pts)), outer: outer})
	return nil
}

func (b *builder) points(mp []orb.Point) error {
	if len(mp) == 0 {
		return nil
	}
	return b.run(mp, false)
}

func (b *builder) line(ls orb.LineString) error {
	if len(ls) < 2 {
		return fmt.Errorf("line string has %d points, need 2", len(ls))
	}
	return b.run(ls, false)
}

func (b *builder) polygon(p orb.Polygon) error {
	for i, r := range p {
		if len(r) > 0 && r[0] != r[len(r)-1] {
			// An open ring is closed here once, so that the tile pipeline may rely on it.
			r = append(r[:len(r):len(r)], r[0])
		}
		if len(r) < 4 {
			return fmt.Errorf("polygon ring %d has %d points, need 4 (closed)", i, len(r))
		}
		if err := b.run(r, i == 0); err != nil {
			return err
		}
	}
	return nil
}
