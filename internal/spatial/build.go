package spatial

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// maxCells caps the cell lattice (4 bytes a cell), whatever CellsPerGrid asks for.
const maxCells = 1 << 25

// bandRows is the height, in cell rows, of the bands Build works on in parallel.
const bandRows = 16

// Build makes a snapshot of grids. It copies the grid values (sharing their geometry, which
// must not be modified afterwards) and numbers them by ascending code; that numbering is
// Result.Grid and is the order that settles overlaps and boundaries. Build fails on a grid with
// no code, a duplicate code, an empty geometry or a coordinate that is not finite.
func Build(grids []gridmap.Grid, opts Options) (*Snapshot, error) {
	if opts.NearestMetres == 0 {
		opts.NearestMetres = DefaultNearestMetres
	}
	if opts.CellsPerGrid <= 0 {
		opts.CellsPerGrid = 24
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	s := &Snapshot{grids: slices.Clone(grids), nearestMetres: opts.NearestMetres}
	slices.SortStableFunc(s.grids, func(a, b gridmap.Grid) int { return cmp.Compare(a.Code, b.Code) })
	if len(s.grids) >= cellEmpty {
		return nil, fmt.Errorf("spatial: %d grids is more than the index holds", len(s.grids))
	}
	s.boxes = make([]orb.Bound, len(s.grids))
	for i := range s.grids {
		g := &s.grids[i]
		if g.Code == "" {
			return nil, fmt.Errorf("spatial: grid %d (%q) has no code", i, g.Name)
		}
		if i > 0 && s.grids[i-1].Code == g.Code {
			return nil, fmt.Errorf("spatial: grid code %s appears twice", g.Code)
		}
		b, err := checkGeometry(g.Geometry)
		if err != nil {
			return nil, fmt.Errorf("spatial: grid %s: %w", g.Code, err)
		}
		s.boxes[i] = b
	}

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i, b := range s.boxes {
			s.tree.Insert(b.Min, b.Max, int32(i))
		}
	}()
	s.buildCells(opts)
	wg.Wait()
	return s, nil
}

// checkGeometry returns the bounds of a grid's geometry, or why it cannot be indexed.
func checkGeometry(mp orb.MultiPolygon) (orb.Bound, error) {
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	edges := 0
	for _, poly := range mp {
		for _, r := range poly {
			for _, p := range r {
				if !finite(p[0], p[1]) {
					return b, fmt.Errorf("coordinate %v is not finite", p)
				}
				b.Min[0], b.Min[1] = min(b.Min[0], p[0]), min(b.Min[1], p[1])
				b.Max[0], b.Max[1] = max(b.Max[0], p[0]), max(b.Max[1], p[1])
			}
		}
	}
	forEachEdge(mp, func(ax, ay, bx, by float64) { edges++ })
	if edges < 3 {
		return b, fmt.Errorf("geometry is empty")
	}
	return b, nil
}

// buildCells lays the cell lattice over the extent and fills it, band by band in parallel.
func (s *Snapshot) buildCells(opts Options) {
	if len(s.grids) == 0 {
		return
	}
	ext := s.boxes[0]
	for _, b := range s.boxes[1:] {
		ext = ext.Union(b)
	}
	// Cells are square on the ground: w = h / cos(latitude).
	k := math.Max(math.Cos((ext.Min[1]+ext.Max[1])/2*math.Pi/180), 0.05)
	width, height := ext.Max[0]-ext.Min[0], ext.Max[1]-ext.Min[1]
	target := math.Min(float64(len(s.grids))*opts.CellsPerGrid, maxCells/2)
	h := math.Sqrt(math.Max(width*k*height, 1e-18) / target)
	h = math.Max(h, math.Max(width*k, height)/4096)
	h = math.Max(h, 1e-9)
	w := h / k
	s.x0, s.y0, s.w, s.h = ext.Min[0], ext.Min[1], w, h
	s.invW, s.invH = 1/w, 1/h
	// One spare column and row, so that rounding in cellWord never drops a point on the
	// extent's north or east edge off the lattice.
	s.nx = int(width/w) + 2
	s.ny = int(height/h) + 2
	s.cells = make([]uint32, s.nx*s.ny)

	nb := (s.ny + bandRows - 1) / bandRows
	bandGrids := make([][]int32, nb)
	for g, b := range s.boxes {
		j0, j1 := s.rowRange(b.Min[1], b.Max[1])
		for band := j0 / bandRows; band <= j1/bandRows; band++ {
			bandGrids[band] = append(bandGrids[band], int32(g))
		}
	}
	s.arenas = make([][]uint64, nb)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(opts.Workers, nb) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bw := &bandWorker{s: s}
			for {
				band := int(next.Add(1) - 1)
				if band >= nb {
					return
				}
				s.arenas[band] = bw.fill(band, bandGrids[band])
			}
		}()
	}
	wg.Wait()

}

// margins are the amounts by which each cell is widened when listing the edges that cross it:
// a point's cell is computed in floating point and may be off by a few ulps, and the far
// edges must be far enough that PostGIS's rounding cannot touch them.
func (s *Snapshot) margins() (mx, my float64) { return s.w / 64, s.h / 64 }

// colRange returns the columns of the cells a widened x-interval touches, clamped.
func (s *Snapshot) colRange(xmin, xmax float64) (int, int) {
	mx, _ := s.margins()
	return clampIdx((xmin-mx-s.x0)/s.w, s.nx), clampIdx((xmax+mx-s.x0)/s.w, s.nx)
}

// rowRange returns the rows of the cells a widened y-interval touches, clamped.
func (s *Snapshot) rowRange(ymin, ymax float64) (int, int) {
	_, my := s.margins()
	return clampIdx((ymin-my-s.y0)/s.h, s.ny), clampIdx((ymax+my-s.y0)/s.h, s.ny)
}

func clampIdx(f float64, n int) int {
	if f < 0 {
		return 0
	}
	if f >= float64(n-1) {
		return n - 1
	}
	return int(f)
}

// cellX returns the west border of column i; cellY the south border of row j. Build uses these
// values alone for a cell's reference corner, so they need not be exact, only consistent.
func (s *Snapshot) cellX(i int) float64 { return s.x0 + float64(i)*s.w }
func (s *Snapshot) cellY(j int) float64 { return s.y0 + float64(j)*s.h }

// nedge is an edge normalised upward: a is the lower end (the left one if level); up tells
// whether its ring runs from a to b.
type nedge struct {
	ax, ay, bx, by float64
	up             bool
}

func normEdge(ax, ay, bx, by float64) nedge {
	if ay > by || (ay == by && ax > bx) {
		return nedge{bx, by, ax, ay, false}
	}
	return nedge{ax, ay, bx, by, true}
}

// bandEdge is an edge listed in at least one cell of a band.
type bandEdge struct {
	nedge
	grid int32
}

// incidence lists edge in band cell.
type incidence struct{ cell, edge int32 }

// cellCand says that grid may own points of band cell: it has edges there (edges) or covers
// the cell whole; corner is whether it contains the cell's south-east corner, nudged.
type cellCand struct {
	cell, grid    int32
	corner, edges bool
}

// bandWorker fills the cells of one band of rows at a time, reusing its buffers.
type bandWorker struct {
	s       *Snapshot
	gedges  []nedge
	edges   []bandEdge
	incs    []incidence
	cands   []cellCand
	mark    []int32
	cross   []nedge
	incSort []incidence
	cndSort []cellCand
	count   []int32
	recs    []blockEdge
	events  []event
	arena   []uint64
}

// blockEdge is an edge of one cell block with the candidate slots of the grids it bounds.
type blockEdge struct {
	nedge
	slot0, slot1 uint8
	up1          bool
}

type event struct {
	y    float64
	mask uint64
}

// fill computes the cell words of one band and returns the band's block arena, which the
// words' offsets index. Each band keeps its own arena: one arena for all would cost a copy of
// them all.
func (bw *bandWorker) fill(band int, grids []int32) []uint64 {
	s := bw.s
	r0, r1 := band*bandRows, min((band+1)*bandRows, s.ny)
	ncell := (r1 - r0) * s.nx
	bw.edges, bw.incs, bw.cands = bw.edges[:0], bw.incs[:0], bw.cands[:0]
	bw.mark = resize(bw.mark, ncell)
	for i := range bw.mark {
		bw.mark[i] = -1
	}
	mx, my := s.margins()
	for _, g := range grids {
		bw.gedges = bw.gedges[:0]
		forEachEdge(s.grids[g].Geometry, func(ax, ay, bx, by float64) {
			bw.gedges = append(bw.gedges, normEdge(ax, ay, bx, by))
		})
		// Edges: list each in every cell of the band it comes near.
		for _, e := range bw.gedges {
			i0, i1 := s.colRange(min(e.ax, e.bx), max(e.ax, e.bx))
			j0, j1 := s.rowRange(e.ay, e.by)
			j0, j1 = max(j0, r0), min(j1, r1-1)
			added := int32(-1)
			for j := j0; j <= j1; j++ {
				for i := i0; i <= i1; i++ {
					if (i0 != i1 || j0 != j1) && !segmentNearRect(e, s.cellX(i)-mx, s.cellY(j)-my, s.cellX(i+1)+mx, s.cellY(j+1)+my) {
						continue
					}
					if added < 0 {
						added = int32(len(bw.edges))
						bw.edges = append(bw.edges, bandEdge{e, g})
					}
					c := int32((j-r0)*s.nx + i)
					bw.incs = append(bw.incs, incidence{c, added})
					bw.mark[c] = g
				}
			}
		}
		// Cells: which of the grid's cells it covers whole, and the state of the corners of
		// the others, by the half-open rule along each row's south border.
		b := s.boxes[g]
		i0, i1 := s.colRange(b.Min[0], b.Max[0])
		j0, j1 := s.rowRange(b.Min[1], b.Max[1])
		j0, j1 = max(j0, r0), min(j1, r1-1)
		for j := j0; j <= j1; j++ {
			y := s.cellY(j)
			bw.cross = bw.cross[:0]
			for _, e := range bw.gedges {
				if e.ay <= y && y < e.by {
					bw.cross = append(bw.cross, e)
				}
			}
			for i := i0; i <= i1; i++ {
				x := s.cellX(i + 1)
				in := false
				for _, e := range bw.cross {
					if orient(e.ax, e.ay, e.bx, e.by, x, y) > 0 {
						in = !in
					}
				}
				c := int32((j-r0)*s.nx + i)
				if bw.mark[c] == g {
					bw.cands = append(bw.cands, cellCand{c, g, in, true})
				} else if in {
					bw.cands = append(bw.cands, cellCand{c, g, true, false})
				}
			}
		}
	}

	// Group incidences and candidates by cell, keeping grid order within a cell.
	bw.count = resize(bw.count, ncell+1)
	bw.incSort = resize(bw.incSort, len(bw.incs))
	countingSort(bw.incs, bw.incSort, bw.count, func(x incidence) int32 { return x.cell })
	incStart := slices.Clone(bw.count)
	bw.cndSort = resize(bw.cndSort, len(bw.cands))
	countingSort(bw.cands, bw.cndSort, bw.count, func(x cellCand) int32 { return x.cell })

	// A fresh arena per band, sized from the last band's, so that it seldom grows.
	bw.arena = make([]uint64, 0, len(bw.arena)+len(bw.arena)/4+1024)
	for c := 0; c < ncell; c++ {
		cands := bw.cndSort[bw.count[c]:bw.count[c+1]]
		incs := bw.incSort[incStart[c]:incStart[c+1]]
		j, i := r0+c/s.nx, c%s.nx
		bw.s.cells[j*s.nx+i] = bw.cellWord(cands, incs, i, j)
	}
	return bw.arena
}

// countingSort sorts src by key into dst (stable); count gets the start of each key's run,
// with count[n] the end.
func countingSort[T any](src, dst []T, count []int32, key func(T) int32) {
	clear(count)
	for _, x := range src {
		count[key(x)+1]++
	}
	for k := 1; k < len(count); k++ {
		count[k] += count[k-1]
	}
	pos := slices.Clone(count[:len(count)-1])
	for _, x := range src {
		k := key(x)
		dst[pos[k]] = x
		pos[k]++
	}
}

func resize[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}

// segmentNearRect reports whether an edge may touch a rectangle. It errs towards yes: an
// edge listed in a cell it misses costs a little time, never a wrong answer.
func segmentNearRect(e nedge, x0, y0, x1, y1 float64) bool {
	if max(e.ax, e.bx) < x0 || min(e.ax, e.bx) > x1 || e.by < y0 || e.ay > y1 {
		return false
	}
	dx, dy := e.bx-e.ax, e.by-e.ay
	tol := 1e-9 * (math.Abs(dx)*(y1-y0) + math.Abs(dy)*(x1-x0))
	pos, neg := false, false
	for _, c := range [4][2]float64{{x0, y0}, {x1, y0}, {x0, y1}, {x1, y1}} {
		d := dx*(c[1]-e.ay) - (c[0]-e.ax)*dy
		pos = pos || d > -tol
		neg = neg || d < tol
	}
	return pos && neg
}

// cellWord returns the word of cell (i, j) from its candidates and edge incidences, appending
// a block to the band arena when the cell needs one.
func (bw *bandWorker) cellWord(cands []cellCand, incs []incidence, i, j int) uint32 {
	switch {
	case len(cands) == 0:
		return cellEmpty
	case len(cands) == 1 && !cands[0].edges:
		return uint32(cands[0].grid)
	}
	s := bw.s
	off := len(bw.arena)
	if len(cands) > 64 {
		return bw.overflowBlock(cands)
	}
	slot := func(g int32) uint8 {
		for k, c := range cands {
			if c.grid == g {
				return uint8(k)
			}
		}
		panic("spatial: edge of a grid that is no candidate")
	}
	bw.recs = bw.recs[:0]
	for _, in := range incs {
		e := bw.edges[in.edge]
		bw.recs = append(bw.recs, blockEdge{nedge: e.nedge, slot0: slot(e.grid), slot1: metaNoSlot})
	}
	// Merge bit-identical edges of two grids into one record.
	slices.SortFunc(bw.recs, func(a, b blockEdge) int {
		return cmp.Or(cmp.Compare(a.ay, b.ay), cmp.Compare(a.ax, b.ax), cmp.Compare(a.by, b.by),
			cmp.Compare(a.bx, b.bx), cmp.Compare(a.slot0, b.slot0))
	})
	recs := bw.recs[:0]
	for _, r := range bw.recs {
		if n := len(recs); n > 0 {
			p := &recs[n-1]
			if p.slot1 == metaNoSlot && p.slot0 != r.slot0 && p.ax == r.ax && p.ay == r.ay && p.bx == r.bx && p.by == r.by {
				p.slot1, p.up1 = r.slot0, r.up
				continue
			}
		}
		recs = append(recs, r)
	}
	bw.recs = recs

	// kmask: each candidate's state at the corner, less the listed edges' crossings there.
	sx, sy := s.cellX(i+1), s.cellY(j)
	_, my := s.margins()
	var kmask uint64
	for k, c := range cands {
		if c.corner {
			kmask |= 1 << k
		}
	}
	bw.events = bw.events[:0]
	for _, r := range recs {
		bitsR := uint64(1) << r.slot0
		if r.slot1 != metaNoSlot {
			bitsR |= 1 << r.slot1
		}
		if r.ay <= sy && sy < r.by && orient(r.ax, r.ay, r.bx, r.by, sx, sy) > 0 {
			kmask ^= bitsR
		}
		if r.ax > sx {
			bw.events = append(bw.events, event{r.ay, bitsR})
		}
		if r.bx > sx {
			bw.events = append(bw.events, event{r.by, bitsR})
		}
	}
	slices.SortFunc(bw.events, func(a, b event) int { return cmp.Compare(a.y, b.y) })
	events := bw.events[:0]
	lo, hi := sy-my, s.cellY(j+1)+my
	for _, ev := range bw.events {
		if n := len(events); n > 0 && events[n-1].y == ev.y {
			events[n-1].mask ^= ev.mask
			continue
		}
		events = append(events, ev)
	}
	kept := events[:0]
	for _, ev := range events {
		if ev.mask == 0 || ev.y <= lo || ev.y > hi {
			continue
		}
		if ev.y <= sy {
			kmask ^= ev.mask
		}
		kept = append(kept, ev)
	}

	if len(kept) > headEventMask || len(recs) > headEdgeMask {
		return bw.overflowBlock(cands)
	}
	head := uint64(len(cands)) | uint64(len(kept))<<headEventSh | uint64(len(recs))<<headEdgeSh
	bw.arena = append(bw.arena, head, kmask)
	for k := 0; k < len(cands); k += 2 {
		w := uint64(uint32(cands[k].grid))
		if k+1 < len(cands) {
			w |= uint64(uint32(cands[k+1].grid)) << 32
		}
		bw.arena = append(bw.arena, w)
	}
	for _, ev := range kept {
		bw.arena = append(bw.arena, math.Float64bits(ev.y), ev.mask)
	}
	for _, r := range recs {
		meta := uint64(r.slot0) | uint64(r.slot1)<<8
		if r.up {
			meta |= metaUp0
		}
		if r.up1 {
			meta |= metaUp1
		}
		bw.arena = append(bw.arena, math.Float64bits(r.ax), math.Float64bits(r.ay),
			math.Float64bits(r.bx), math.Float64bits(r.by), meta)
	}
	return cellBlock | uint32(off)
}

// overflowBlock writes the block of a cell too crowded for candidate masks (more than 64
// grids, or more edges or events than a head word counts): just the candidates, each tested
// over its whole geometry.
func (bw *bandWorker) overflowBlock(cands []cellCand) uint32 {
	off := len(bw.arena)
	bw.arena = append(bw.arena, blockOverflow|uint64(len(cands))<<headEdgeSh, 0)
	for _, c := range cands {
		bw.arena = append(bw.arena, uint64(c.grid))
	}
	return cellBlock | uint32(off)
}
