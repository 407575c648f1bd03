package main

import (
	"math"
	"strconv"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// options are what a generation depends on; the same options give the same bytes.
type options struct {
	Source string    // directory with the division code lists
	Seed   uint64    // seeds every random choice
	Until  time.Time // incidents fall in the days before this instant
	Days   int       // how many days of incidents
}

// communityRecord is a community with the committee's full name, which the domain type lacks.
type communityRecord struct {
	gridmap.Community
	FullName string
}

// dataset is everything written to geodata/.
type dataset struct {
	opt          options
	h            *hierarchy
	geom         *geometry
	Streets      []gridmap.Street
	Communities  []communityRecord
	Grids        []gridmap.Grid
	RedPositions []gridmap.Place
	Stations     []gridmap.Place
	Staff        []gridmap.Staff
	Incidents    []incident
	cellsOf      [][]int // cells of each grid
}

// generate builds the whole dataset.
func generate(opt options) (*dataset, error) {
	src, err := readSource(opt.Source)
	if err != nil {
		return nil, err
	}
	h, err := buildHierarchy(src, opt.Seed)
	if err != nil {
		return nil, err
	}
	geom, err := traceAll(h)
	if err != nil {
		return nil, err
	}
	d := &dataset{opt: opt, h: h, geom: geom, cellsOf: cellsByLabel(h.lab, len(h.grids))}
	d.divisions()
	steps := []func() error{d.placeRedPositions, d.placeStations, d.assignStaff, d.drawIncidents}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// divisions fills streets, communities and grids, with each grid's households and population.
func (d *dataset) divisions() {
	h := d.h
	for s, st := range h.streets {
		d.Streets = append(d.Streets, gridmap.Street{Code: st.Code, Name: st.Name, Geometry: d.geom.streets[s]})
	}
	for ci, c := range h.communities {
		d.Communities = append(d.Communities, communityRecord{
			Community: gridmap.Community{
				Code: c.Code, Name: c.Name, Kind: c.Kind, StreetCode: h.streets[c.street].Code,
				Geometry: d.geom.communities[ci],
			},
			FullName: c.FullName,
		})
	}
	r := newRNG(d.opt.Seed, "households")
	for g, gp := range h.grids {
		c := h.communities[gp.community]
		households := householdsFor(r, c.class, len(d.cellsOf[g]))
		d.Grids = append(d.Grids, gridmap.Grid{
			Code:          h.gridCode(g),
			Name:          c.Name + "第" + strconv.Itoa(gp.seq) + "网格",
			CommunityCode: c.Code,
			StreetCode:    h.streets[c.street].Code,
			Geometry:      d.geom.grids[g],
			Households:    households,
			Population:    int(math.Round(float64(households) * r.between(2.5, 3.2))),
		})
	}
}

// householdsFor draws a grid's households: 200-600 in town; 150-900 in villages, more in
// larger grids; fewer in the special units (a reservoir, an industrial estate).
func householdsFor(r *rng, class communityClass, cells int) int {
	switch class {
	case classUrban:
		return r.rangeInt(200, 600)
	case classVillage:
		size := float64(cells) / classSizes[classVillage].grid // about 1
		return min(900, max(150, int(math.Round(r.between(170, 780)*math.Sqrt(size)))))
	}
	return r.rangeInt(150, 400)
}

// gridCentre returns the mean centre of grid g's cells, in local metres.
func (d *dataset) gridCentre(g int) orb.Point { return meanCentre(d.h.lat, d.cellsOf[g]) }

// gridsOf returns the grids of community ci in code order.
func (d *dataset) gridsOf(ci int) []int {
	var out []int
	for g, gp := range d.h.grids {
		if gp.community == ci {
			out = append(out, g)
		}
	}
	return out
}
