package tiles

import (
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/paulmach/orb"
)

// DefaultCellPixels is the default cluster cell: 8 px of a 256-px tile, at most 1,024 clusters
// per tile, each about the size of a marker.
const DefaultCellPixels = 8

// DefaultMaxClusters bounds the features of a clustered tile, which keeps a dense incident
// layer at low zoom as small and fast to draw as any other tile.
const DefaultMaxClusters = 2000

// Clustering says how EncodeClusters aggregates a point layer for one tile.
type Clustering struct {
	// CellPixels is the side of a cluster cell in pixels of a 256-pixel tile, a power of two
	// from 1 to 256; 0 selects DefaultCellPixels. Cells are aligned to the world pixel grid
	// of the zoom, so every point belongs to exactly one cell of exactly one tile and a
	// cluster never changes between neighbouring tiles.
	CellPixels int
	// CategoryKey, when set, names a property (e.g. "category") whose values are counted per
	// cluster as extra properties "count_<value>".
	CategoryKey string
	// MaxFeatures bounds the clusters in a tile; 0 selects DefaultMaxClusters. When a tile
	// would have more, cells are doubled in size until it has not.
	MaxFeatures int
}

// member is one point of the tile: its pixel in the tile, its Web Mercator position and the
// layer value index of its category, or -1.
type member struct {
	px, py uint8
	pt     orb.Point
	cat    int32
}

// EncodeClusters draws tile t of point layer l in format f with the points aggregated per
// cell: each cluster is a point feature with property "count", plus "count_<value>" per value
// of Clustering.CategoryKey, placed on the member nearest to the cluster's mean, so that it
// sits on a real location rather than between two streets. Clusters carry no feature id.
// The caller decides when to cluster, by zoom or because Layer.Count says the tile is dense.
func EncodeClusters(l *Layer, t Tile, f Format, cl Clustering) ([]byte, error) {
	if err := checkRequest(l, t, f); err != nil {
		return nil, err
	}
	if !l.points && len(l.feats) > 0 {
		return nil, fmt.Errorf("tiles: layer %s: only point layers can be clustered", l.id)
	}
	cell := cl.CellPixels
	if cell == 0 {
		cell = DefaultCellPixels
	}
	if cell < 1 || cell > 256 || cell&(cell-1) != 0 {
		return nil, fmt.Errorf("tiles: cluster cell of %d px must be a power of two from 1 to 256", cell)
	}
	maxFeatures := cl.MaxFeatures
	if maxFeatures == 0 {
		maxFeatures = DefaultMaxClusters
	}
	if maxFeatures < 1 {
		return nil, fmt.Errorf("tiles: cluster bound %d must be positive", maxFeatures)
	}
	catKey := int64(-1)
	if cl.CategoryKey != "" {
		if k, ok := l.table.keyIndex[cl.CategoryKey]; ok {
			catKey = int64(k)
		}
	}

	c := l.getCutter(newFrame(t, l.opts, f))
	defer l.putCutter(c)
	// Members are visited in R-tree order, which is fixed for a given layer: sorting a
	// hundred thousand hits into input order would double the time of a dense tile and change
	// nothing but which of two equidistant members represents a cluster.
	c.hits = l.search(t, 0, c.hits[:0], false)
	// Points on the tile's east and south edges belong to the next tile: the search box is
	// closed, the pixel test below half-open. Both are exact: world pixel coordinates are the
	// Web Mercator ones times a power of two, and the tile origin an integer close to them.
	world := float64(uint64(1)<<t.Z) * 256
	x0, y0 := float64(t.X)*256, float64(t.Y)*256
	members := c.member[:0]
	for _, i := range c.hits {
		ft := &l.feats[i]
		cat := int32(-1)
		if catKey >= 0 {
			props := l.props[ft.props0:ft.props1]
			for j := 0; j+1 < len(props); j += 2 {
				if int64(props[j]) == catKey && l.table.values[props[j+1]].kind != valNull {
					cat = int32(props[j+1])
					break
				}
			}
		}
		for _, p := range l.parts[ft.part0:ft.part1] {
			for _, q := range l.pts[p.start:p.end] {
				px, py := q[0]*world-x0, q[1]*world-y0
				if px < 0 || px >= 256 || py < 0 || py >= 256 {
					continue
				}
				members = append(members, member{px: uint8(px), py: uint8(py), pt: q, cat: cat})
			}
		}
	}

	c.member = members

	shift := bits.TrailingZeros(uint(cell))
	for shift < 8 && len(members) > maxFeatures && distinctCells(members, shift) > maxFeatures {
		shift++
	}
	side := 256 >> shift

	// Counting sort of the members by cell, row by row; stable, so each cell lists its
	// members in the order they were visited.
	start := make([]int32, side*side+1)
	for _, m := range members {
		start[cellOf(m, shift, side)+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	order := make([]int32, len(members))
	next := slices.Clone(start[:side*side])
	for i, m := range members {
		k := cellOf(m, shift, side)
		order[next[k]] = int32(i)
		next[k]++
	}

	// Category names in text order, so that clusters list their counts alike.
	var cats []int32 // layer value indexes, sorted by text
	rank := map[int32]int{}
	for _, m := range members {
		if m.cat >= 0 {
			if _, ok := rank[m.cat]; !ok {
				rank[m.cat] = 0
				cats = append(cats, m.cat)
			}
		}
	}
	slices.SortFunc(cats, func(a, b int32) int {
		ta, tb := l.table.values[a].text, l.table.values[b].text
		switch {
		case ta < tb:
			return -1
		case ta > tb:
			return 1
		}
		return 0
	})
	tab := newTable()
	countKey, _ := tab.key("count")
	catKeys := make([]uint32, len(cats))
	for r, v := range cats {
		rank[v] = r
		// Keys come from layer values that were valid UTF-8 and so can be keys too.
		catKeys[r], _ = tab.key("count_" + l.table.values[v].text)
	}

	fr := c.frame
	clusters := 0
	for k := 0; k < side*side; k++ {
		if start[k+1] > start[k] {
			clusters++
		}
	}
	w := newWriter(l.id, t, f, tab, c, clusters)
	counts := map[int]uint32{}
	count := func(n int) uint32 {
		v, ok := counts[n]
		if !ok {
			v = tab.value(uintValue(uint64(n)))
			counts[n] = v
		}
		return v
	}
	var s shape
	s.reset(kindPoint)
	props := make([]uint32, 0, 2+2*len(cats))
	catCount := make([]int, len(cats))
	var touched []int
	for k := 0; k < side*side; k++ {
		run := order[start[k]:start[k+1]]
		if len(run) == 0 {
			continue
		}
		var sx, sy float64
		for _, i := range run {
			sx += members[i].pt[0]
			sy += members[i].pt[1]
		}
		n := float64(len(run))
		mean := orb.Point{sx / n, sy / n}
		rep, best := run[0], math.Inf(1)
		touched = touched[:0]
		for _, i := range run {
			m := &members[i]
			dx, dy := m.pt[0]-mean[0], m.pt[1]-mean[1]
			if d := dx*dx + dy*dy; d < best {
				rep, best = i, d
			}
			if m.cat >= 0 {
				r := rank[m.cat]
				if catCount[r] == 0 {
					touched = append(touched, r)
				}
				catCount[r]++
			}
		}
		props = append(props[:0], countKey, count(len(run)))
		slices.Sort(touched)
		for _, r := range touched {
			props = append(props, catKeys[r], count(catCount[r]))
			catCount[r] = 0
		}
		s.pts = append(s.pts[:0], orb.Point{
			math.Round(members[rep].pt[0]*fr.scale - fr.ox),
			math.Round(members[rep].pt[1]*fr.scale - fr.oy),
		})
		s.parts = append(s.parts[:0], part{start: 0, end: 1})
		w.feature(0, &s, props)
	}
	return w.bytes(), nil
}

func cellOf(m member, shift, side int) int {
	return int(m.py)>>shift*side + int(m.px)>>shift
}

// distinctCells counts the cells of size 2^shift pixels that hold at least one member.
func distinctCells(members []member, shift int) int {
	side := 256 >> shift
	seen := make([]bool, side*side)
	n := 0
	for _, m := range members {
		k := cellOf(m, shift, side)
		if !seen[k] {
			seen[k] = true
			n++
		}
	}
	return n
}
