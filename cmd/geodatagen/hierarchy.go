package main

import (
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// Fixed facts the dataset must show, from the project's seed data.
const (
	rongdongCode  = "350181003003" // 融东社区: exactly rongdongGrids grids, each with a red position
	rongdongGrids = 7
	fubaiCode     = "350181007010" // 福百社区: five deliberation halls 邻和议事厅
	fubaiMinGrids = 7
	xianggaoCode  = "350181002009" // 向高社区: elderly one-click orders
)

// The streets in which the deliberate oddities are made: a grid enclosed by another grid of its
// community (an enclave), and a grid of two separate parts (its second part an island inside a
// neighbouring grid).
const (
	enclaveStreet = "350181003" // 龙山街道
	exclaveStreet = "350181007" // 音西街道
)

// hierarchy is the dataset's geometry on the lattice: every cell carries a grid (or -1 for
// outside), every grid a community and every community a street.
type hierarchy struct {
	lat         *lattice
	streets     []division
	communities []communityPlan
	grids       []gridPlan
	lab         []int32 // grid of each cell

	enclave, enclaveHost int // grid indices
	exclave, exclaveHost int
}

// communityPlan is a committee with where it sits in the hierarchy and its planned size.
type communityPlan struct {
	division
	street int
	class  communityClass
	target float64 // cells
	grids  int
}

// gridPlan is a grid before it has a code: its community and, once numbered, its sequence.
type gridPlan struct {
	community int
	seq       int
}

// buildHierarchy lays the streets, communities and grids out on the lattice.
func buildHierarchy(src *sourceDivisions, seed uint64) (*hierarchy, error) {
	h := &hierarchy{lat: newLattice(extentWest, extentSouth, extentEast, extentNorth, seed)}
	if err := h.plan(src, newRNG(seed, "plan")); err != nil {
		return nil, err
	}
	streetLab, err := h.layStreets(seed)
	if err != nil {
		return nil, err
	}
	communityLab, err := h.layCommunities(streetLab, seed)
	if err != nil {
		return nil, err
	}
	if err := h.layGrids(communityLab, seed); err != nil {
		return nil, err
	}
	if err := h.makeOddities(); err != nil {
		return nil, err
	}
	h.number()
	return h, h.check()
}

// plan picks the streets and their committees from the source and sizes each committee.
func (h *hierarchy) plan(src *sourceDivisions, r *rng) error {
	for _, sl := range streetLayouts {
		found := false
		for _, s := range src.Streets {
			if s.Code == sl.Code {
				h.streets = append(h.streets, s)
				found = true
			}
		}
		if !found {
			return fmt.Errorf("geodatagen: street %s is not in the source", sl.Code)
		}
	}
	for _, c := range src.Communities {
		street := -1
		for s, st := range h.streets {
			if st.Code == c.Street {
				street = s
			}
		}
		if street < 0 {
			continue
		}
		class := classUrban
		switch {
		case c.Code[9] == '4':
			class = classSpecial
		case c.Kind == gridmap.CommunityKindVillage:
			class = classVillage
		}
		size := classSizes[class]
		scale := streetLayouts[street].Scale
		if scale == 0 {
			scale = 1
		}
		h.communities = append(h.communities, communityPlan{
			division: c, street: street, class: class, target: scale * r.between(size.min, size.max),
		})
	}
	// Grids are numbered community by community, so committees in code order give grids in
	// code order.
	sort.SliceStable(h.communities, func(a, b int) bool { return h.communities[a].Code < h.communities[b].Code })
	for _, code := range []string{rongdongCode, fubaiCode, xianggaoCode} {
		if h.communityIndex(code) < 0 {
			return fmt.Errorf("geodatagen: community %s is not in the source", code)
		}
	}
	return nil
}

func (h *hierarchy) communityIndex(code string) int {
	for i, c := range h.communities {
		if c.Code == code {
			return i
		}
	}
	return -1
}

// gridParents returns each grid's community.
func (h *hierarchy) gridParents() []int32 {
	p := make([]int32, len(h.grids))
	for g, gp := range h.grids {
		p[g] = int32(gp.community)
	}
	return p
}

// Levels of the hierarchy, finest first.
const (
	levelGrid = iota
	levelCommunity
	levelStreet
)

// levelLabels returns each cell's grid, community or street.
func (h *hierarchy) levelLabels(level int) []int32 {
	if level == levelGrid {
		return h.lab
	}
	out := make([]int32, len(h.lab))
	for c, g := range h.lab {
		out[c] = -1
		if g >= 0 {
			ci := h.grids[g].community
			out[c] = int32(ci)
			if level == levelStreet {
				out[c] = int32(h.communities[ci].street)
			}
		}
	}
	return out
}

func meanCentre(l *lattice, cells []int) orb.Point {
	points := make([]orb.Point, len(cells))
	for k, c := range cells {
		points[k] = l.centre(c)
	}
	return meanPoint(points)
}

func meanPoint(points []orb.Point) orb.Point {
	var s orb.Point
	for _, p := range points {
		s[0] += p[0]
		s[1] += p[1]
	}
	return orb.Point{s[0] / float64(len(points)), s[1] / float64(len(points))}
}

// number orders each community's grids north to south, then west to east, and renumbers the
// grids (and the cells' labels) in code order. Rows are bands as tall as a typical grid, counted
// from the northernmost grid centre; within a row grids go by the east-west position of their
// centre.
func (h *hierarchy) number() {
	l := h.lat
	cellsOf := cellsByLabel(h.lab, len(h.grids))
	centres := make([]orb.Point, len(h.grids))
	for g := range h.grids {
		centres[g] = meanCentre(l, cellsOf[g])
	}
	var order []int
	for ci := range h.communities {
		var gs []int
		cells, top := 0, math.Inf(-1)
		for g, gp := range h.grids {
			if gp.community == ci {
				gs = append(gs, g)
				cells += len(cellsOf[g])
				top = math.Max(top, centres[g][1])
			}
		}
		band := math.Sqrt(float64(cells)/float64(len(gs))) * cellSize
		row := func(g int) int { return int((top - centres[g][1]) / band) }
		sort.SliceStable(gs, func(a, b int) bool {
			ra, rb := row(gs[a]), row(gs[b])
			if ra != rb {
				return ra < rb
			}
			return centres[gs[a]][0] < centres[gs[b]][0]
		})
		for k, g := range gs {
			h.grids[g].seq = k + 1
		}
		order = append(order, gs...)
	}
	newIndex := make([]int32, len(h.grids))
	grids := make([]gridPlan, len(h.grids))
	for k, g := range order {
		newIndex[g] = int32(k)
		grids[k] = h.grids[g]
	}
	for c, g := range h.lab {
		if g >= 0 {
			h.lab[c] = newIndex[g]
		}
	}
	h.grids = grids
	h.enclave, h.enclaveHost = int(newIndex[h.enclave]), int(newIndex[h.enclaveHost])
	h.exclave, h.exclaveHost = int(newIndex[h.exclave]), int(newIndex[h.exclaveHost])
}

// gridCode returns grid g's 15-digit code.
func (h *hierarchy) gridCode(g int) string {
	return fmt.Sprintf("%s%03d", h.communities[h.grids[g].community].Code, h.grids[g].seq)
}

// check confirms that no level has a pinch left.
func (h *hierarchy) check() error {
	for level, name := range []string{"grid", "community", "street"} {
		if n := pinches(h.lat, h.levelLabels(level)); n > 0 {
			return fmt.Errorf("geodatagen: %d %s pinches left", n, name)
		}
	}
	return nil
}
