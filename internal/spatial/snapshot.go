package spatial

import (
	"math"
	"math/bits"
	"sync/atomic"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// DefaultNearestMetres is the tolerance within which a point outside every grid is still given
// to the nearest grid, so that a report made from the road just outside a grid is not lost.
const DefaultNearestMetres = 200

// Options tunes a snapshot. The zero value is usable: every zero field takes its default.
type Options struct {
	// NearestMetres is the tolerance of Locate for points outside every grid; 0 means
	// DefaultNearestMetres, a negative value turns the nearest-grid fallback off.
	NearestMetres float64
	// CellsPerGrid sets the resolution of the cell index as the number of cells per grid over
	// the extent (default 24): more cells make more of them lie wholly inside one grid, at the
	// price of memory.
	CellsPerGrid float64
	// Workers is the number of goroutines Build uses; 0 means GOMAXPROCS.
	Workers int
}

// Result is where Locate put a point: the grid (an index into the snapshot's grids, -1 when
// unassigned), how it was decided (gridmap.MethodContains, MethodNearest or MethodUnassigned)
// and the distance in metres (0 for contains; to the grid for nearest; to the nearest grid, if
// any, for unassigned).
type Result struct {
	Grid      int
	Method    string
	DistanceM float64
}

// Snapshot is an immutable point-in-grid index over one set of grids. It is safe for any number
// of goroutines at once and is replaced as a whole (see Index) when grids change, so a lookup
// never sees a half-updated index.
type Snapshot struct {
	grids []gridmap.Grid // sorted by code; Result.Grid indexes this slice
	boxes []orb.Bound
	tree  rtree.RTreeG[int32]

	nearestMetres float64

	// The cell index: a uniform lattice of nx × ny cells of w × h degrees from (x0, y0).
	x0, y0     float64
	w, h       float64
	invW, invH float64
	nx, ny     int
	cells      []uint32   // per cell: a grid index, cellEmpty, or cellBlock|offset into its band's arena
	arenas     [][]uint64 // per band of bandRows cell rows: the blocks of its boundary cells (see build.go)
}

// Cell words. A word below cellEmpty is the index of the one grid that holds the whole cell.
const (
	cellEmpty = 0x7fffffff
	cellBlock = 0x80000000
)

// Len returns the number of grids in the snapshot.
func (s *Snapshot) Len() int { return len(s.grids) }

// Grid returns grid i of the snapshot (as numbered in Result.Grid), so callers get the code,
// community and street of a located point without another lookup.
func (s *Snapshot) Grid(i int) *gridmap.Grid { return &s.grids[i] }

// Grids returns the snapshot's grids in index order (ascending code). The slice is shared:
// callers must not modify it.
func (s *Snapshot) Grids() []gridmap.Grid { return s.grids }

// NearestMetres returns the tolerance Locate uses for points outside every grid (negative when
// the fallback is off).
func (s *Snapshot) NearestMetres() float64 { return s.nearestMetres }

// Locate puts one point (WGS-84 longitude, latitude) into exactly one grid by the rules in the
// package documentation. It takes no lock and allocates nothing.
func (s *Snapshot) Locate(lon, lat float64) Result {
	if g, ok := s.contains(lon, lat); ok {
		return Result{Grid: g, Method: gridmap.MethodContains}
	}
	return s.outside(lon, lat)
}

// outside finishes Locate for a point that lies in no grid.
func (s *Snapshot) outside(lon, lat float64) Result {
	if !finite(lon, lat) || len(s.grids) == 0 {
		return Result{Grid: -1, Method: gridmap.MethodUnassigned}
	}
	if s.nearestMetres >= 0 {
		if g, d, ok := s.Nearest(lon, lat, s.nearestMetres); ok {
			return Result{Grid: g, Method: gridmap.MethodNearest, DistanceM: d}
		}
	}
	r := Result{Grid: -1, Method: gridmap.MethodUnassigned}
	if _, d, ok := s.nearestAny(lon, lat); ok {
		r.DistanceM = d
	}
	return r
}

// LocateBatch locates points[i] into out[i] for every i (out must be at least as long as
// points). It gives the same answers as Locate, faster: it works on small groups of points,
// loading all their cell words and then all their cell blocks before testing any edge, so the
// CPU waits for many memory reads at once instead of one after another.
func (s *Snapshot) LocateBatch(points []orb.Point, out []Result) {
	const group = 16
	out = out[:len(points)]
	var words [group]uint32
	var arenas [group][]uint64
	var heads [group]uint64
	for base := 0; base < len(points); base += group {
		pts := points[base:min(base+group, len(points))]
		for k, p := range pts {
			words[k], arenas[k] = s.cellWord(p[0], p[1])
		}
		for k := range pts {
			if w := words[k]; w&cellBlock != 0 {
				heads[k] = arenas[k][w&^cellBlock]
			}
		}
		for k, p := range pts {
			g, ok := s.resolve(words[k], arenas[k], heads[k], p[0], p[1])
			if ok {
				out[base+k] = Result{Grid: g, Method: gridmap.MethodContains}
			} else {
				out[base+k] = s.outside(p[0], p[1])
			}
		}
	}
}

// cellWord returns the cell word of the cell holding (x, y) (cellEmpty outside the lattice)
// and the arena of the cell's band.
func (s *Snapshot) cellWord(x, y float64) (uint32, []uint64) {
	fx := (x - s.x0) * s.invW
	fy := (y - s.y0) * s.invH
	// The comparisons are written so that NaN fails them.
	if !(fx >= 0 && fy >= 0 && fx < float64(s.nx) && fy < float64(s.ny)) {
		return cellEmpty, nil
	}
	j := int(fy)
	return s.cells[j*s.nx+int(fx)], s.arenas[j/bandRows]
}

// contains returns the grid that owns (x, y) if some grid contains it or has it on its boundary.
func (s *Snapshot) contains(x, y float64) (int, bool) {
	w, a := s.cellWord(x, y)
	var head uint64
	if w&cellBlock != 0 {
		head = a[w&^cellBlock]
	}
	return s.resolve(w, a, head, x, y)
}

func finite(x, y float64) bool {
	return !math.IsNaN(x) && !math.IsNaN(y) && !math.IsInf(x, 0) && !math.IsInf(y, 0)
}

// Block layout, in arena words from the block's offset:
//
//	head            nCand | nEvent<<8 | nEdge<<24 | blockOverflow
//	kmask           per candidate bit: parity of the grid's crossings not listed in the block
//	ids             candidate grid indexes, two uint32 per word, in ascending grid order
//	events          nEvent × (y, mask): flip mask when y <= point y
//	edges           nEdge × (ax, ay, bx, by, meta), a the lower end (then the left one)
//
// meta holds up to two candidate slots sharing a bit-identical edge: slot0 | slot1<<8 |
// up0<<16 | up1<<17, slot1 = 0xff when there is one; upK is set when that grid's ring runs
// from a to b (PostGIS evaluates the side in ring order).
const (
	headCandMask  = 0xff
	headEventSh   = 8
	headEventMask = 0xffff
	headEdgeSh    = 24
	headEdgeMask  = 0xffffff
	blockOverflow = 1 << 63
	metaNoSlot    = 0xff
	metaUp0       = 1 << 16
	metaUp1       = 1 << 17
	edgeWords     = 5
)

// resolve decides the grid of (x, y) from its cell word (and the band arena and the block's
// head word, already loaded by the caller).
func (s *Snapshot) resolve(w uint32, a []uint64, head uint64, x, y float64) (int, bool) {
	if w < cellEmpty {
		return int(w), true
	}
	if w == cellEmpty {
		return -1, false
	}
	off := int(w &^ cellBlock)
	if head&blockOverflow != 0 {
		return s.resolveOverflow(a, off, head, x, y)
	}
	nc := int(head & headCandMask)
	nev := int(head >> headEventSh & headEventMask)
	ne := int(head >> headEdgeSh & headEdgeMask)
	mask := a[off+1]
	p := off + 2 + (nc+1)/2
	for i := 0; i < nev; i++ {
		if math.Float64frombits(a[p]) <= y {
			mask ^= a[p+1]
		}
		p += 2
	}
	var bnd uint64
	edges := a[p : p+ne*edgeWords]
	for len(edges) >= edgeWords {
		e := edges[:edgeWords:edgeWords]
		edges = edges[edgeWords:]
		ay := math.Float64frombits(e[1])
		by := math.Float64frombits(e[3])
		if y < ay || y > by {
			continue
		}
		ax := math.Float64frombits(e[0])
		bx := math.Float64frombits(e[2])
		meta := e[4]
		bit0 := uint64(1) << (meta & 0xff)
		var side float64
		if meta&metaUp0 != 0 {
			side = pgSide(ax, ay, bx, by, x, y)
		} else {
			side = -pgSide(bx, by, ax, ay, x, y)
		}
		// side is now PostGIS's determinant oriented lower→upper for grid 0.
		inRange := y < by
		if inRange && side > 0 {
			mask ^= bit0
		}
		onBox := side == 0 && x >= min(ax, bx) && x <= max(ax, bx)
		if onBox {
			bnd |= bit0
		}
		if s1 := meta >> 8 & 0xff; s1 != metaNoSlot {
			bit1 := uint64(1) << s1
			if (meta&metaUp1 != 0) != (meta&metaUp0 != 0) {
				if meta&metaUp1 != 0 {
					side = pgSide(ax, ay, bx, by, x, y)
				} else {
					side = -pgSide(bx, by, ax, ay, x, y)
				}
				onBox = side == 0 && x >= min(ax, bx) && x <= max(ax, bx)
			}
			if inRange && side > 0 {
				mask ^= bit1
			}
			if onBox {
				bnd |= bit1
			}
		}
	}
	if in := mask &^ bnd; in != 0 {
		return candidate(a, off, bits.TrailingZeros64(in)), true
	}
	if bnd == 0 {
		return -1, false
	}
	return candidate(a, off, ownerOfBoundary(a, off, head, bnd, x, y)), true
}

// candidate returns the grid index of candidate slot k of the block at off.
func candidate(a []uint64, off, k int) int {
	word := a[off+2+k/2]
	return int(uint32(word >> (32 * uint(k&1))))
}

// ownerOfBoundary applies the boundary rule to a point PostGIS puts on the boundary of the
// candidates in bnd and in the interior of none: the owner is the first of them (in grid
// order) that contains the point moved an infinitesimal step east and then an even smaller
// step north, decided with exact arithmetic; if none does (the outer edge of the tiling), the
// first of them. Only points on boundaries come here.
func ownerOfBoundary(a []uint64, off int, head uint64, bnd uint64, x, y float64) int {
	nc := int(head & headCandMask)
	nev := int(head >> headEventSh & headEventMask)
	ne := int(head >> headEdgeSh & headEdgeMask)
	mask := a[off+1]
	p := off + 2 + (nc+1)/2
	for i := 0; i < nev; i++ {
		if math.Float64frombits(a[p]) <= y {
			mask ^= a[p+1]
		}
		p += 2
	}
	for i := 0; i < ne; i++ {
		e := a[p+i*edgeWords : p+(i+1)*edgeWords]
		ay := math.Float64frombits(e[1])
		by := math.Float64frombits(e[3])
		if !(ay <= y && y < by) {
			continue
		}
		ax := math.Float64frombits(e[0])
		bx := math.Float64frombits(e[2])
		if orient(ax, ay, bx, by, x, y) > 0 {
			mask ^= slotBits(e[4])
		}
	}
	if own := mask & bnd; own != 0 {
		return bits.TrailingZeros64(own)
	}
	return bits.TrailingZeros64(bnd)
}

// slotBits returns the candidate bits of an edge's meta word.
func slotBits(meta uint64) uint64 {
	b := uint64(1) << (meta & 0xff)
	if s1 := meta >> 8 & 0xff; s1 != metaNoSlot {
		b |= 1 << s1
	}
	return b
}

// resolveOverflow handles a cell crossed by more than 64 grids: rare enough (it takes grids a
// few metres wide) to be decided grid by grid over whole geometries.
func (s *Snapshot) resolveOverflow(a []uint64, off int, head uint64, x, y float64) (int, bool) {
	n := int(head >> headEdgeSh & headEdgeMask)
	ids := a[off+2 : off+2+n]
	first := -1
	firstBoundary := -1
	firstOwner := -1
	for _, id := range ids {
		g := int(id)
		st := classifyPG(s.grids[g].Geometry, x, y)
		switch st {
		case statusInterior:
			if first < 0 {
				first = g
			}
		case statusBoundary:
			if firstBoundary < 0 {
				firstBoundary = g
			}
			if firstOwner < 0 && containsNudged(s.grids[g].Geometry, x, y) {
				firstOwner = g
			}
		}
	}
	switch {
	case first >= 0:
		return first, true
	case firstOwner >= 0:
		return firstOwner, true
	case firstBoundary >= 0:
		return firstBoundary, true
	}
	return -1, false
}

// Index publishes the current snapshot. Readers Load it and locate without any lock; a writer
// Builds a new snapshot from fresh grids and Stores it, and readers pick it up on their next
// Load. The zero Index holds no snapshot.
type Index struct {
	p atomic.Pointer[Snapshot]
}

// Load returns the current snapshot, or nil before the first Store.
func (ix *Index) Load() *Snapshot { return ix.p.Load() }

// Store makes s the current snapshot.
func (ix *Index) Store(s *Snapshot) { ix.p.Store(s) }

// Locate locates a point in the current snapshot; with no snapshot yet it answers unassigned.
func (ix *Index) Locate(lon, lat float64) Result {
	s := ix.p.Load()
	if s == nil {
		return Result{Grid: -1, Method: gridmap.MethodUnassigned}
	}
	return s.Locate(lon, lat)
}
