package main

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridmap/gridmap/internal/calendar"
	"github.com/gridmap/gridmap/internal/crs"
	"github.com/gridmap/gridmap/internal/gridmap"
)

// chinaTime is China Standard Time, +08:00 all year.
var chinaTime = time.FixedZone("CST", 8*3600)

// How many incidents of each special sort; the rest (about 5,800) fall in grids.
const (
	weekdayIncidents = 74   // a weekday's incidents before the day's own variation
	farOutside       = 60   // at sea or well beyond the dataset: outside every grid, beyond any tolerance
	nearOutside      = 36   // 25-180 m outside the outer boundary: the 'nearest' rule's work
	xianggaoOrders   = 64   // elderly one-click orders in 向高社区
	otherOrders      = 40   // elderly one-click orders elsewhere in town
	hotspotShare     = 0.18 // of the incidents in grids, those drawn around a hotspot
)

// hourWeights shapes the day: quiet nights, a mid-morning and an afternoon peak.
var hourWeights = []float64{
	0.15, 0.1, 0.08, 0.07, 0.08, 0.15, 0.4, 0.9, 2.0, 3.2, 3.5, 2.8,
	1.4, 1.3, 2.4, 3.0, 3.1, 2.3, 1.4, 1.2, 1.1, 0.8, 0.5, 0.3,
}

// orderHourWeights shapes elderly one-click orders: mornings and late afternoons, rarely at night.
var orderHourWeights = []float64{
	0, 0, 0, 0, 0, 0.05, 0.3, 1.2, 2.5, 2.8, 2.2, 1.4,
	0.8, 0.7, 1.5, 2.0, 1.8, 1.2, 0.6, 0.4, 0.2, 0.1, 0, 0,
}

// Category weights in town and in villages; hotspots, the sea and the night bend them.
var (
	townCategories = map[string]float64{
		"sanitation": 16, "road_facility": 10, "illegal_construction": 4, "noise": 10, "neighbour_dispute": 6,
		"safety_hazard": 6, "property_management": 13, "parking": 13, "utilities": 8, "greenery": 5,
		"elderly_service": 5, "other": 4,
	}
	villageCategories = map[string]float64{
		"sanitation": 20, "road_facility": 15, "illegal_construction": 12, "noise": 5, "neighbour_dispute": 9,
		"safety_hazard": 8, "property_management": 2, "parking": 4, "utilities": 10, "greenery": 7,
		"elderly_service": 4, "other": 4,
	}
	hotspotCategories = map[string]map[string]float64{
		"market":   {"sanitation": 35, "parking": 20, "road_facility": 12, "noise": 10, "safety_hazard": 8, "neighbour_dispute": 5, "other": 5},
		"school":   {"parking": 40, "safety_hazard": 25, "road_facility": 15, "sanitation": 10, "noise": 5, "other": 5},
		"oldblock": {"property_management": 25, "utilities": 20, "sanitation": 12, "noise": 10, "neighbour_dispute": 10, "safety_hazard": 10, "elderly_service": 8, "parking": 5},
		"compound": {"property_management": 35, "parking": 25, "noise": 15, "sanitation": 10, "safety_hazard": 8, "greenery": 7},
	}
	seaCategories   = map[string]float64{"sanitation": 5, "safety_hazard": 3, "other": 2}
	nightCategories = map[string]float64{"noise": 4, "neighbour_dispute": 1.5, "safety_hazard": 1.5, "greenery": 0.2, "illegal_construction": 0.3, "road_facility": 0.6}
)

// hotspot is a place that draws many reports. The places are invented; only the communities they
// sit in are real.
type hotspot struct {
	community string
	kind      string // market, school, oldblock or compound
	weight    float64
	sigma     float64 // metres
}

var hotspots = []hotspot{
	{xianggaoCode, "oldblock", 1.0, 90},    // 向高社区: old residential blocks
	{"350181002015", "market", 1.0, 70},    // 步行街社区: the pedestrian street and its market
	{rongdongCode, "market", 0.9, 60},      // 融东社区: a farmers' market
	{"350181002002", "school", 0.6, 35},    // 一拂社区: a primary school gate
	{"350181007007", "compound", 0.8, 100}, // 融侨城社区: a large residential compound
	{"350181004001", "market", 0.7, 60},    // 龙江社区: a market by the river
	{"350181005001", "market", 0.6, 70},    // 宏路社区: the town market
	{"350181002006", "oldblock", 0.7, 80},  // 西大社区: old residential blocks
	{"350181007008", "school", 0.5, 35},    // 清华社区: a middle school gate
}

// incident is one sample incident as written: the fields of the importer's format. (The domain's
// gridmap.Incident carries the server's own state besides, which a sample has no business with.)
type incident struct {
	ClientID    string
	Point       orb.Point // true WGS-84 location
	Reported    orb.Point // as the reporter's app sent it, in CRS
	CRS         string
	Category    string
	Channel     string
	Description string
	Reporter    string
	Status      string
	ReportedAt  time.Time
	ResolvedAt  time.Time // zero unless resolved or closed
	History     []gridmap.Step
}

// draft is an incident before it has its client id.
type draft struct {
	at       time.Time
	point    orb.Point // WGS-84, rounded
	grid     int       // -1 outside every grid
	category string
	channel  string
	context  string // "", "village", "sea" or a hotspot kind
	order    bool   // an elderly one-click order
}

// drawIncidents draws the incidents of the days before opt.Until.
func (d *dataset) drawIncidents() error {
	r := newRNG(d.opt.Seed, "incidents")
	times := d.incidentTimes(r)
	const far, near = 1, 2
	where := make([]int, len(times)) // 0 in a grid, or far or near outside
	for k := range where {
		switch {
		case k < farOutside:
			where[k] = far
		case k < farOutside+nearOutside:
			where[k] = near
		}
	}
	shuffle(r, where)
	spots, err := d.hotspotCentres(r)
	if err != nil {
		return err
	}
	weights := d.gridWeights(r)
	drafts := make([]draft, 0, len(times)+xianggaoOrders+otherOrders)
	for k, at := range times {
		var df draft
		var err error
		switch where[k] {
		case far:
			df, err = d.farOutside(r, r.chance(2.0/3))
		case near:
			df, err = d.nearOutside(r)
		default:
			df, err = d.inGrid(r, spots, weights)
		}
		if err != nil {
			return err
		}
		df.at = at
		drafts = append(drafts, df)
	}
	orders, err := d.orders(r)
	if err != nil {
		return err
	}
	drafts = append(drafts, orders...)
	sort.SliceStable(drafts, func(a, b int) bool { return drafts[a].at.Before(drafts[b].at) })
	for k := range drafts {
		d.Incidents = append(d.Incidents, d.finish(r, k+1, &drafts[k]))
	}
	return nil
}

// incidentTimes draws report times day by day: fewer at weekends and in the National Day
// holiday (1-7 October), each day varying a little, hours following weights.
func (d *dataset) incidentTimes(r *rng) []time.Time {
	start := d.opt.Until.AddDate(0, 0, -d.opt.Days)
	var out []time.Time
	for day := 0; day < d.opt.Days; day++ {
		date := start.AddDate(0, 0, day)
		n := math.Max(0, weekdayIncidents*dayFactor(date)*(1+0.1*r.norm()))
		for k := 0; k < int(math.Round(n)); k++ {
			out = append(out, date.Add(clockTime(r, hourWeights)))
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Before(out[b]) })
	return out
}

// clockTime draws a time of day, to the second.
func clockTime(r *rng, weights []float64) time.Duration {
	return time.Duration(r.weighted(weights))*time.Hour + time.Duration(r.intn(3600))*time.Second
}

// dayFactor is how busy a day is relative to an ordinary weekday.
func dayFactor(date time.Time) float64 {
	f := 1.0
	switch date.Weekday() {
	case time.Saturday:
		f = 0.72
	case time.Sunday:
		f = 0.62
	}
	if date.Month() == time.October && date.Day() <= 7 {
		f = math.Min(f, 0.65)
	}
	return f
}

// gridWeights gives each grid a chance of an incident: its population, less in villages, times
// a lasting factor of its own, so that incidents per household differ between grids.
func (d *dataset) gridWeights(r *rng) []float64 {
	w := make([]float64, len(d.Grids))
	for g, grid := range d.Grids {
		f := 1.0
		if d.h.communities[d.h.grids[g].community].class != classUrban {
			f = 0.6
		}
		w[g] = float64(grid.Population) * f * math.Exp(0.5*r.norm())
	}
	return w
}

// spot is a hotspot placed on the map.
type spot struct {
	hotspot
	centre orb.Point // local metres
}

func (d *dataset) hotspotCentres(r *rng) ([]spot, error) {
	var out []spot
	for _, hs := range hotspots {
		ci := d.h.communityIndex(hs.community)
		if ci < 0 {
			return nil, fmt.Errorf("geodatagen: hotspot community %s is not in the dataset", hs.community)
		}
		c := d.gridCentre(d.centralGrid(d.gridsOf(ci)))
		out = append(out, spot{hs, orb.Point{c[0] + r.between(-60, 60), c[1] + r.between(-60, 60)}})
	}
	return out, nil
}

// inGrid draws an incident in some grid: around a hotspot, or anywhere in a grid chosen by weight.
func (d *dataset) inGrid(r *rng, spots []spot, weights []float64) (draft, error) {
	if r.chance(hotspotShare) {
		sw := make([]float64, len(spots))
		for k, s := range spots {
			sw[k] = s.weight
		}
		s := spots[r.weighted(sw)]
		for try := 0; try < 100; try++ {
			p := toLonLat(orb.Point{s.centre[0] + s.sigma*r.norm(), s.centre[1] + s.sigma*r.norm()})
			if g := d.locate(p); g >= 0 {
				return draft{point: p, grid: g, context: s.kind, category: pickCategory(r, hotspotCategories[s.kind])}, nil
			}
		}
		return draft{}, fmt.Errorf("geodatagen: hotspot in %s lies outside every grid", s.community)
	}
	g := r.weighted(weights)
	p, err := d.pointIn(r, g)
	if err != nil {
		return draft{}, err
	}
	df := draft{point: p, grid: g, category: pickCategory(r, townCategories)}
	if d.h.communities[d.h.grids[g].community].class != classUrban {
		df.context, df.category = "village", pickCategory(r, villageCategories)
	}
	return df, nil
}

// pointIn draws a point uniformly over grid g's cells that lies strictly inside the grid.
func (d *dataset) pointIn(r *rng, g int) (orb.Point, error) {
	l, cells := d.h.lat, d.cellsOf[g]
	for try := 0; try < 50; try++ {
		c := l.centre(cells[r.intn(len(cells))])
		p := toLonLat(orb.Point{c[0] + r.between(-0.5, 0.5)*cellSize, c[1] + r.between(-0.5, 0.5)*cellSize})
		if d.locate(p) == g {
			return p, nil
		}
	}
	return orb.Point{}, fmt.Errorf("geodatagen: no point found in grid %s", d.Grids[g].Code)
}

// farOutside draws a point at least a kilometre outside the dataset: on the bay, or inland
// beyond the dataset's extent.
func (d *dataset) farOutside(r *rng, atSea bool) (draft, error) {
	for try := 0; try < 1000; try++ {
		var p orb.Point
		if atSea {
			p = orb.Point{r.between(2000, 11000), r.between(-11000, -1500)}
		} else {
			a := r.between(0, 2*math.Pi)
			dist := r.between(9000, 12500)
			p = orb.Point{outlineCentre[0] + dist*math.Cos(a), outlineCentre[1] + dist*math.Sin(a)}
		}
		if d.outsideDistance(p) < 1000 || atSea != inSea(p) {
			continue
		}
		df := draft{point: toLonLat(p), grid: -1}
		if atSea {
			df.context, df.category = "sea", pickCategory(r, seaCategories)
		} else {
			df.category = pickCategory(r, villageCategories)
		}
		return df, nil
	}
	return draft{}, fmt.Errorf("geodatagen: found no point far outside")
}

// nearOutside draws a point 25-180 m outside the outer boundary, where a reporter standing just
// beyond the last grid would be.
func (d *dataset) nearOutside(r *rng) (draft, error) {
	ring := d.geom.outline
	for try := 0; try < 1000; try++ {
		v := ring[r.intn(len(ring)-1)]
		dx, dy := v[0]-outlineCentre[0], v[1]-outlineCentre[1]
		n := math.Hypot(dx, dy)
		out := r.between(40, 170)
		p := orb.Point{v[0] + dx/n*out + r.between(-30, 30), v[1] + dy/n*out + r.between(-30, 30)}
		if od := d.outsideDistance(p); od < 25 || od > 180 {
			continue
		}
		category := pickCategory(r, villageCategories)
		if inSea(p) {
			return draft{point: toLonLat(p), grid: -1, context: "sea", category: pickCategory(r, seaCategories)}, nil
		}
		return draft{point: toLonLat(p), grid: -1, context: "village", category: category}, nil
	}
	return draft{}, fmt.Errorf("geodatagen: found no point near outside")
}

// orders draws the elderly one-click orders: several dozen in 向高社区, the rest in town grids
// that have volunteers to take them, more of them in recent days.
func (d *dataset) orders(r *rng) ([]draft, error) {
	var xianggao, elsewhere []int
	hasVolunteer := make([]bool, len(d.Grids))
	for _, s := range d.Staff {
		if s.Role == gridmap.RoleVolunteer {
			hasVolunteer[d.gridIndex(s.GridCode)] = true
		}
	}
	for g, grid := range d.Grids {
		switch {
		case grid.CommunityCode == xianggaoCode:
			xianggao = append(xianggao, g)
		case hasVolunteer[g] && d.h.communities[d.h.grids[g].community].class == classUrban:
			elsewhere = append(elsewhere, g)
		}
	}
	start := d.opt.Until.AddDate(0, 0, -d.opt.Days)
	var out []draft
	for _, batch := range []struct {
		grids []int
		n     int
	}{{xianggao, xianggaoOrders}, {elsewhere, otherOrders}} {
		for k := 0; k < batch.n; k++ {
			g := batch.grids[r.intn(len(batch.grids))]
			p, err := d.pointIn(r, g)
			if err != nil {
				return nil, err
			}
			// The service is new and catching on: orders grow more frequent towards the end.
			day := d.opt.Days - 1 - int(float64(d.opt.Days)*math.Pow(r.float(), 2))
			at := start.AddDate(0, 0, day).Add(clockTime(r, orderHourWeights))
			out = append(out, draft{
				at: at, point: p, grid: g, category: "elderly_service", channel: gridmap.ChannelOneClick, order: true,
			})
		}
	}
	return out, nil
}

func (d *dataset) gridIndex(code string) int {
	k := sort.Search(len(d.Grids), func(i int) bool { return d.Grids[i].Code >= code })
	if k < len(d.Grids) && d.Grids[k].Code == code {
		return k
	}
	return -1
}

// pickCategory draws a category code by weight, in the order of gridmap.Categories.
func pickCategory(r *rng, weights map[string]float64) string {
	w := make([]float64, len(gridmap.Categories))
	for k, c := range gridmap.Categories {
		w[k] = weights[c.Code]
	}
	return gridmap.Categories[r.weighted(w)].Code
}

// finish gives a draft its channel, coordinates as reported, reporter, description and status.
func (d *dataset) finish(r *rng, n int, df *draft) incident {
	local := df.at.In(chinaTime)
	if !df.order && isNight(local) && (df.context == "" || df.context == "village") && r.chance(0.5) {
		base := townCategories
		if df.context == "village" {
			base = villageCategories
		}
		df.category = pickCategory(r, scaled(base, nightCategories))
	}
	if df.channel == "" {
		df.channel = pickChannel(r, local, df.grid >= 0)
	}
	crsName := pickCRS(r, df.channel)
	lon, lat, _ := crs.FromWGS84(crsName, df.point[0], df.point[1])
	description := describe(r, df.category, df.context)
	if df.order {
		description = pick(r, orderDescriptions)
	}
	status := incidentStatus(r, d.opt.Until.Sub(df.at), df.category, df.order)
	id := fmt.Sprintf("fq-sample-%06d", n)
	in := incident{
		ClientID:    id,
		Point:       df.point,
		Reported:    orb.Point{round7(lon), round7(lat)},
		CRS:         crsName,
		Category:    df.category,
		Channel:     df.channel,
		Description: description,
		Reporter:    d.reporter(r, df),
		Status:      status,
		ReportedAt:  local,
		ResolvedAt:  d.resolvedAt(id, local, df.category, status),
	}
	in.History = d.history(in, df.grid)
	return in
}

// resolvedAt draws when a resolved or closed incident was resolved: within its time limit in
// about 85% of cases, up to two and a half limits late otherwise, never after the reference date.
// It draws from a stream of its own per incident, so it changes no other choice.
func (d *dataset) resolvedAt(id string, reported time.Time, category, status string) time.Time {
	if status != gridmap.StatusResolved && status != gridmap.StatusClosed {
		return time.Time{}
	}
	r := newRNG(d.opt.Seed, "resolution/"+id)
	limit := 24
	if c, ok := gridmap.CategoryByCode(category); ok {
		limit = c.LimitHours
	}
	hours := r.rangeInt(1, limit)
	if r.chance(0.15) {
		hours = r.rangeInt(limit+1, limit*5/2+1)
	}
	at := calendar.Default().DueAt(reported, hours).Add(-time.Duration(r.intn(60)) * time.Minute)
	if last := d.opt.Until.Add(-time.Minute); at.After(last) {
		at = last
	}
	if at.Before(reported) {
		at = reported
	}
	return at.In(reported.Location())
}

func isNight(t time.Time) bool { return t.Hour() >= 22 || t.Hour() < 6 }

// scaled multiplies weights by factors (1 where a factor is missing).
func scaled(weights, factors map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(weights))
	for _, c := range gridmap.Categories {
		f, ok := factors[c.Code]
		if !ok {
			f = 1
		}
		out[c.Code] = weights[c.Code] * f
	}
	return out
}

// pickChannel draws how a report arrived: patrols and walk-ins in working hours only (patrols
// also on weekend days), the hotline and WeChat groups at any hour.
func pickChannel(r *rng, t time.Time, inGrid bool) string {
	channels := []string{gridmap.ChannelHotline, gridmap.ChannelPatrol, gridmap.ChannelWeChat, gridmap.ChannelWalkIn}
	weekend := t.Weekday() == time.Saturday || t.Weekday() == time.Sunday
	var w []float64
	switch h := t.Hour(); {
	case !weekend && h >= 8 && h < 18:
		w = []float64{36, 30, 26, 8}
	case h >= 7 && h < 22:
		w = []float64{50, 8, 40, 0}
	default:
		w = []float64{65, 0, 35, 0}
	}
	if !inGrid {
		w[1] = 0 // a patrol reports from inside its own grid
	}
	return channels[r.weighted(w)]
}

// pickCRS draws the coordinate system a report came in: WeChat and the one-click mini program
// send GCJ-02 (a few WeChat reports Baidu's BD-09, as does the odd hotline operator); patrol apps,
// the hotline and the front desk send WGS-84.
func pickCRS(r *rng, channel string) string {
	x := r.float()
	switch channel {
	case gridmap.ChannelWeChat:
		if x < 0.34 {
			return gridmap.CRSGCJ02
		}
		if x < 0.35 {
			return gridmap.CRSBD09
		}
	case gridmap.ChannelOneClick:
		if x < 0.7 {
			return gridmap.CRSGCJ02
		}
	case gridmap.ChannelHotline:
		if x < 0.004 {
			return gridmap.CRSBD09
		}
	}
	return gridmap.CRSWGS84
}

// reporter returns the synthetic contact of whoever reported: for a patrol, the grid worker's
// staff id; for anyone else a name with a clearly fake phone number (199000 and five digits).
func (d *dataset) reporter(r *rng, df *draft) string {
	if df.channel == gridmap.ChannelPatrol && df.grid >= 0 {
		return "网格员 " + d.workerOf(df.grid)
	}
	title := pick(r, []string{"先生", "女士"})
	if df.order {
		title = pick(r, []string{"奶奶", "大爷", "阿婆", "阿伯"})
	}
	return fmt.Sprintf("%s%s 199000%05d", surnames[r.weighted(surnameWeights)], title, 10000+r.intn(90000))
}

// workerOf returns the id of grid g's grid worker.
func (d *dataset) workerOf(g int) string {
	code := d.Grids[g].Code
	for _, s := range d.Staff {
		if s.GridCode == code && s.Role == gridmap.RoleGridWorker {
			return s.ID
		}
	}
	return ""
}

// incidentStatus draws a status fitting the incident's age: recent ones still open, older ones
// mostly resolved or closed, a few rejected or duplicates. Urgent categories (short time limits)
// age faster, slow ones (illegal construction) slower. One-click orders are taken by a volunteer
// (accepted), served at the door (in progress) and resolved within a day or two.
func incidentStatus(r *rng, age time.Duration, category string, order bool) string {
	days := age.Hours() / 24
	type step struct {
		upTo    float64 // days
		weights []float64
	}
	statuses := []string{
		gridmap.StatusReported, gridmap.StatusAssigned, gridmap.StatusAccepted, gridmap.StatusInProgress,
		gridmap.StatusResolved, gridmap.StatusClosed, gridmap.StatusRejected, gridmap.StatusDuplicate,
	}
	steps := []step{
		{0.1, []float64{55, 35, 10, 0, 0, 0, 0, 0}},
		{1, []float64{15, 35, 25, 15, 7, 0, 1, 1.5}},
		{3, []float64{0, 12, 15, 28, 35, 3, 2, 3}},
		{10, []float64{0, 0, 3, 10, 45, 34, 2.5, 3}},
		{math.Inf(1), []float64{0, 0, 0, 2, 12, 78, 2.5, 3}},
	}
	if order {
		steps = []step{
			{0.125, []float64{10, 20, 45, 25, 0, 0, 0, 0}},
			{1, []float64{0, 0, 25, 30, 45, 0, 0, 0}},
			{math.Inf(1), []float64{0, 0, 0, 0, 30, 70, 0, 0}},
		}
	} else if c, ok := gridmap.CategoryByCode(category); ok {
		days *= math.Min(1.7, math.Max(0.6, math.Sqrt(24/float64(c.LimitHours))))
	}
	for _, s := range steps {
		if days < s.upTo {
			return statuses[r.weighted(s.weights)]
		}
	}
	return gridmap.StatusClosed
}
