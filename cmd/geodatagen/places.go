package main

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/paulmach/orb"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// Opening hours, as the free text a community posts on its door.
var openingHours = map[string][]string{
	gridmap.RedPartyMassCentre: {
		"周一至周五 08:30-12:00, 14:30-17:30；周六 09:00-12:00",
		"周一至周日 08:30-12:00, 14:30-17:30",
		"周一至周五 08:00-12:00, 14:30-18:00",
	},
	gridmap.RedPartyActivityRoom: {"周一至周五 09:00-17:00", "每周三、周六 14:30-17:30", "周一至周六 08:30-17:30"},
	gridmap.RedPartyPost:         {"工作日 08:00-18:00", "每日 07:30-19:00", "全天开放"},
	gridmap.StationVolunteer:     {"每日 08:00-20:00", "周一至周日 09:00-17:00", "周一至周五 08:30-17:30"},
	gridmap.StationVeterans:      {"周二、周四、周六 09:00-11:30, 15:00-17:30"},
	gridmap.StationDeliberation:  {"每月第一个周五 19:30-21:00，其余时间预约", "每周四 15:00-17:00", "按需召开，提前一天预约"},
}

// placer finds points for service places: near the centre of a cell whose neighbours all lie in
// the same grid, so the point is well inside it, and never two places in one cell.
type placer struct {
	d    *dataset
	r    *rng
	used map[int]bool
}

func (d *dataset) newPlacer(purpose string) *placer {
	return &placer{d: d, r: newRNG(d.opt.Seed, purpose), used: map[int]bool{}}
}

// candidates returns grid g's free cells nearest near first, those deep inside the grid before
// those on its edge.
func (p *placer) candidates(g int, near orb.Point) []int {
	l, lab := p.d.h.lat, p.d.h.lab
	var deep, edge []int
	for _, c := range p.d.cellsOf[g] {
		if p.used[c] {
			continue
		}
		i, j := l.ij(c)
		inner := true
		for dj := -1; dj <= 1; dj++ {
			for di := -1; di <= 1; di++ {
				inner = inner && l.label(lab, i+di, j+dj) == int32(g)
			}
		}
		if inner {
			deep = append(deep, c)
		} else {
			edge = append(edge, c)
		}
	}
	for _, s := range [][]int{deep, edge} {
		sort.SliceStable(s, func(a, b int) bool { return dist(l.centre(s[a]), near) < dist(l.centre(s[b]), near) })
	}
	return append(deep, edge...)
}

// point returns a point strictly inside grid g: near the grid's centre if central, else anywhere.
func (p *placer) point(g int, central bool) (orb.Point, error) {
	near := p.d.gridCentre(g)
	cands := p.candidates(g, near)
	if len(cands) == 0 {
		return orb.Point{}, fmt.Errorf("geodatagen: grid %s has no room for another place", p.d.Grids[g].Code)
	}
	c := cands[0]
	if !central {
		c = cands[p.r.intn(len(cands))]
	}
	return p.at(g, c)
}

// at returns a point in cell c of grid g, at most 0.15 cell from the cell's centre: since
// vertices move at most jitterFraction, it is at least 0.13 cell inside the grid.
func (p *placer) at(g, c int) (orb.Point, error) {
	p.used[c] = true
	ctr := p.d.h.lat.centre(c)
	ll := toLonLat(orb.Point{ctr[0] + p.r.between(-0.15, 0.15)*cellSize, ctr[1] + p.r.between(-0.15, 0.15)*cellSize})
	if !strictlyInside(p.d.Grids[g].Geometry, ll) {
		return orb.Point{}, fmt.Errorf("geodatagen: a place in cell %d falls outside grid %s", c, p.d.Grids[g].Code)
	}
	return ll, nil
}

// placeRedPositions puts a party-mass service centre in every community, in the grid nearest its
// centre, and party activity rooms and vanguard posts in some grids; in 融东社区 in every grid.
func (d *dataset) placeRedPositions() error {
	p := d.newPlacer("red-positions")
	perGrid := make([][]gridmap.Place, len(d.Grids))
	add := func(g int, kind, name string, central bool) error {
		pt, err := p.point(g, central)
		if err != nil {
			return err
		}
		perGrid[g] = append(perGrid[g], gridmap.Place{
			Code: d.Grids[g].Code + "-R" + strconv.Itoa(len(perGrid[g])+1), Name: name, Kind: kind,
			GridCode: d.Grids[g].Code, Point: pt, OpeningHours: pick(p.r, openingHours[kind]),
		})
		return nil
	}
	for ci, c := range d.h.communities {
		gs := d.gridsOf(ci)
		host := d.centralGrid(gs)
		if err := add(host, gridmap.RedPartyMassCentre, c.Name+"党群服务中心", true); err != nil {
			return err
		}
		for _, g := range gs {
			want := 0
			switch {
			case c.Code == rongdongCode:
				want = 1 - len(perGrid[g])
			case p.r.chance(0.04):
				want = 2
			case p.r.chance(0.2):
				want = 1
			}
			for k := 0; k < want; k++ {
				kind, suffix := gridmap.RedPartyActivityRoom, "党员活动室"
				if p.r.chance(0.45) {
					kind, suffix = gridmap.RedPartyPost, "党员先锋岗"
				}
				name := c.Name + "第" + strconv.Itoa(d.h.grids[g].seq) + "网格" + suffix
				if err := add(g, kind, name, false); err != nil {
					return err
				}
			}
		}
	}
	for _, ps := range perGrid {
		d.RedPositions = append(d.RedPositions, ps...)
	}
	return nil
}

// centralGrid returns the grid of gs whose centre lies nearest the centre of them all.
func (d *dataset) centralGrid(gs []int) int {
	var cells []int
	for _, g := range gs {
		cells = append(cells, d.cellsOf[g]...)
	}
	centre := meanCentre(d.h.lat, cells)
	best := gs[0]
	for _, g := range gs {
		if dist(d.gridCentre(g), centre) < dist(d.gridCentre(best), centre) {
			best = g
		}
	}
	return best
}

// chineseOrdinals names the five deliberation halls of 福百社区.
var chineseOrdinals = []string{"第一", "第二", "第三", "第四", "第五"}

// placeStations puts the seed's stations where the seed says (融东's veterans' station, 福百's
// five 邻和议事厅, 向高's volunteer station for the elderly) and scatters others thinly, more in
// town than in the villages, so that many village grids have no station within walking distance.
func (d *dataset) placeStations() error {
	p := d.newPlacer("stations")
	perGrid := make([][]gridmap.Place, len(d.Grids))
	add := func(g int, kind, name string) error {
		pt, err := p.point(g, false)
		if err != nil {
			return err
		}
		perGrid[g] = append(perGrid[g], gridmap.Place{
			Code: d.Grids[g].Code + "-S" + strconv.Itoa(len(perGrid[g])+1), Name: name, Kind: kind,
			GridCode: d.Grids[g].Code, Point: pt, OpeningHours: pick(p.r, openingHours[kind]),
		})
		return nil
	}
	for ci, c := range d.h.communities {
		gs := d.gridsOf(ci)
		var todo []struct{ kind, name string }
		want := func(kind, name string) { todo = append(todo, struct{ kind, name string }{kind, name}) }
		urban := c.class == classUrban
		rate := func(town, village float64) float64 {
			if urban {
				return town
			}
			return village
		}
		switch c.Code {
		case rongdongCode:
			want(gridmap.StationVeterans, "老兵志愿服务驿站")
		case xianggaoCode:
			want(gridmap.StationVolunteer, c.Name+"为老志愿服务驿站")
		case fubaiCode:
			hosts := append([]int(nil), gs...)
			shuffle(p.r, hosts)
			hosts = hosts[:len(chineseOrdinals)]
			sort.Ints(hosts)
			for k, g := range hosts {
				if err := add(g, gridmap.StationDeliberation, "邻和议事厅（"+chineseOrdinals[k]+"）"); err != nil {
					return err
				}
			}
		}
		if c.class == classSpecial {
			continue
		}
		if p.r.chance(rate(0.45, 0.16)) {
			want(gridmap.StationVolunteer, c.Name+"志愿服务驿站")
		}
		if c.Code != fubaiCode && p.r.chance(rate(0.3, 0.12)) {
			name := c.Name + "居民议事厅"
			if !urban {
				name = c.Name + "村民议事厅"
			}
			want(gridmap.StationDeliberation, name)
		}
		if c.Code != rongdongCode && p.r.chance(0.025) {
			want(gridmap.StationVeterans, c.Name+"退役军人志愿服务站")
		}
		for _, t := range todo {
			if err := add(gs[p.r.intn(len(gs))], t.kind, t.name); err != nil {
				return err
			}
		}
	}
	for _, ps := range perGrid {
		d.Stations = append(d.Stations, ps...)
	}
	return nil
}

// gridsWithoutStation counts the grids with no station within radius metres of any of their
// points: the coverage gaps a street leader looks for.
func (d *dataset) gridsWithoutStation(radius float64) int {
	count := 0
	for g, mp := range d.geom.gridsLocal {
		near := false
		for _, s := range d.Stations {
			p := toLocal(s.Point)
			if s.GridCode == d.Grids[g].Code || boundaryDistance(mp, p) <= radius {
				near = true
				break
			}
		}
		if !near {
			count++
		}
	}
	return count
}
