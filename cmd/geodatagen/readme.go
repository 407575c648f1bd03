package main

import (
	"bytes"
	_ "embed"
	"fmt"
	"math"
	"sort"
	"text/template"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// readmeTemplate is geodata/README.md with the figures left to fill in, so that the README always
// describes the files beside it.
//
//go:embed readme.md.tmpl
var readmeTemplate string

// count is one line of a breakdown: a code, its display name and how many.
type count struct {
	Code, Name string
	N          int
}

// streetRow is one street's line in the README's table.
type streetRow struct {
	Code, Name                   string
	Communities, Villages, Grids int
	Households, Population       int
}

// sizeRow describes the committees of one class and their grids: areas in km², grid sides (the
// square root of the area) in metres.
type sizeRow struct {
	Class                        string
	Committees, Grids            int
	MinArea, MaxArea             string
	MinSide, MedianSide, MaxSide int
	MinHouseholds, MaxHouseholds int
}

// stats are the figures the README reports.
type stats struct {
	Seed                                  uint64
	From, Until                           string
	Days                                  int
	Streets, Communities, Villages, Grids int
	StreetRows                            []streetRow
	Households, Population                int
	RedPositions, Stations, Staff         int
	RedKinds, StationKinds, Roles         []count
	NoPartyMember, StationGap             int
	Incidents, InGrids, FarOutside, Near  int
	Categories, Channels, Statuses, CRS   []count
	XianggaoOrders, Orders                int
	Enclave, EnclaveHost                  string
	Exclave, ExclaveHost                  string
	Rongdong, Fubai, Xianggao             string
	RongdongGrids, FubaiHalls             int
	Vertices                              int
	Sizes                                 []sizeRow
}

func (d *dataset) stats() stats {
	h := d.h
	s := stats{
		Seed: d.opt.Seed, Days: d.opt.Days,
		From:    d.opt.Until.AddDate(0, 0, -d.opt.Days).Format("2006-01-02"),
		Until:   d.opt.Until.Format("2006-01-02"),
		Streets: len(d.Streets), Grids: len(d.Grids),
		RedPositions: len(d.RedPositions), Stations: len(d.Stations), Staff: len(d.Staff),
		Incidents: len(d.Incidents), FarOutside: farOutside, Near: nearOutside,
		Enclave: d.Grids[h.enclave].Code, EnclaveHost: d.Grids[h.enclaveHost].Code,
		Exclave: d.Grids[h.exclave].Code, ExclaveHost: d.Grids[h.exclaveHost].Code,
		Rongdong: rongdongCode, Fubai: fubaiCode, Xianggao: xianggaoCode,
		StationGap: d.gridsWithoutStation(500), Vertices: d.geom.vertices,
	}
	for _, c := range d.Communities {
		if c.Kind == gridmap.CommunityKindVillage {
			s.Villages++
		} else {
			s.Communities++
		}
	}
	for si, st := range d.Streets {
		row := streetRow{Code: st.Code, Name: st.Name}
		for _, c := range h.communities {
			if c.street != si {
				continue
			}
			if c.Kind == gridmap.CommunityKindVillage {
				row.Villages++
			} else {
				row.Communities++
			}
		}
		for _, g := range d.Grids {
			if g.StreetCode == st.Code {
				row.Grids++
				row.Households += g.Households
				row.Population += g.Population
			}
		}
		s.Households += row.Households
		s.Population += row.Population
		s.StreetRows = append(s.StreetRows, row)
	}
	for _, g := range d.Grids {
		if g.CommunityCode == rongdongCode {
			s.RongdongGrids++
		}
	}
	for _, p := range d.Stations {
		if p.Kind == gridmap.StationDeliberation && gridmap.CommunityOf(p.GridCode) == fubaiCode {
			s.FubaiHalls++
		}
	}
	s.RedKinds = tally(gridmap.RedPositionKinds, len(d.RedPositions), func(i int) string { return d.RedPositions[i].Kind })
	s.StationKinds = tally(gridmap.StationKinds, len(d.Stations), func(i int) string { return d.Stations[i].Kind })
	s.Roles = tally(gridmap.StaffRoles, len(d.Staff), func(i int) string { return d.Staff[i].Role })
	withMember := map[string]bool{}
	for _, st := range d.Staff {
		if st.Role == gridmap.RolePartyMember {
			withMember[st.GridCode] = true
		}
	}
	s.NoPartyMember = len(d.Grids) - len(withMember)
	var categories []gridmap.Named
	for _, c := range gridmap.Categories {
		categories = append(categories, gridmap.Named{Code: c.Code, ZH: c.ZH, EN: c.EN})
	}
	crsNames := []gridmap.Named{{Code: gridmap.CRSWGS84, ZH: "WGS-84"}, {Code: gridmap.CRSGCJ02, ZH: "GCJ-02"}, {Code: gridmap.CRSBD09, ZH: "BD-09"}}
	in := d.Incidents
	s.Categories = tally(categories, len(in), func(i int) string { return in[i].Category })
	s.Channels = tally(gridmap.Channels, len(in), func(i int) string { return in[i].Channel })
	s.Statuses = tally(gridmap.Statuses, len(in), func(i int) string { return in[i].Status })
	s.CRS = tally(crsNames, len(in), func(i int) string { return in[i].CRS })
	for _, x := range in {
		if x.Channel == gridmap.ChannelOneClick {
			s.Orders++
		}
	}
	s.Sizes = d.sizes()
	s.XianggaoOrders = xianggaoOrders
	s.InGrids = s.Incidents - farOutside - nearOutside
	return s
}

// sizes summarises committee and grid sizes by class, from their cells.
func (d *dataset) sizes() []sizeRow {
	const cellArea = cellSize * cellSize
	var rows []sizeRow
	for _, class := range []struct {
		c    communityClass
		name string
	}{{classUrban, "urban communities (社区)"}, {classVillage, "villages (村)"}, {classSpecial, "special units (4xx)"}} {
		row := sizeRow{Class: class.name, MinHouseholds: math.MaxInt}
		minA, maxA := math.Inf(1), 0.0
		var sides []float64
		for ci, c := range d.h.communities {
			if c.class != class.c {
				continue
			}
			row.Committees++
			area := 0.0
			for _, g := range d.gridsOf(ci) {
				a := float64(len(d.cellsOf[g])) * cellArea
				area += a
				sides = append(sides, math.Sqrt(a))
				row.MinHouseholds = min(row.MinHouseholds, d.Grids[g].Households)
				row.MaxHouseholds = max(row.MaxHouseholds, d.Grids[g].Households)
			}
			minA, maxA = math.Min(minA, area), math.Max(maxA, area)
		}
		if row.Committees == 0 {
			continue
		}
		sort.Float64s(sides)
		row.Grids = len(sides)
		row.MinArea, row.MaxArea = fmt.Sprintf("%.2f", minA/1e6), fmt.Sprintf("%.2f", maxA/1e6)
		row.MinSide, row.MedianSide, row.MaxSide = int(sides[0]), int(sides[len(sides)/2]), int(sides[len(sides)-1])
		rows = append(rows, row)
	}
	return rows
}

// tally counts n items by the code each has, in the order of names.
func tally(names []gridmap.Named, n int, code func(int) string) []count {
	out := make([]count, len(names))
	for k, nm := range names {
		out[k] = count{Code: nm.Code, Name: nm.ZH}
	}
	for i := 0; i < n; i++ {
		for k := range out {
			if out[k].Code == code(i) {
				out[k].N++
			}
		}
	}
	return out
}

// readme renders geodata/README.md.
func (d *dataset) readme() ([]byte, error) {
	t, err := template.New("readme").Parse(readmeTemplate)
	if err != nil {
		return nil, fmt.Errorf("geodatagen: readme template: %w", err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d.stats()); err != nil {
		return nil, fmt.Errorf("geodatagen: readme: %w", err)
	}
	return b.Bytes(), nil
}
