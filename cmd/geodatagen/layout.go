package main

import (
	"math"

	"github.com/paulmach/orb"
)

// streetLayout places a street around the city centre: either at the centre, or in a sector
// around it at a compass bearing (degrees clockwise from north). Urban communities gather around a
// town of the street's own (宏路, 阳下), or else on the side facing the city centre. The
// arrangement follows the real one only roughly.
type streetLayout struct {
	Code    string
	Centre  bool
	Bearing float64
	OwnTown bool
	Scale   float64 // of its committees' areas; 0 means 1
}

// streetLayouts lists the seven 街道 of Fuqing in code order.
var streetLayouts = []streetLayout{
	{Code: "350181002", Centre: true},                          // 玉屏: the centre
	{Code: "350181003", Bearing: 110},                          // 龙山: east and south-east
	{Code: "350181004", Bearing: 145},                          // 龙江: south-east, down the river to the bay
	{Code: "350181005", Bearing: 310, OwnTown: true},           // 宏路: north-west
	{Code: "350181006", Bearing: 220},                          // 石竹: south-west
	{Code: "350181007", Bearing: 265},                          // 音西: west
	{Code: "350181008", Bearing: 5, OwnTown: true, Scale: 0.7}, // 阳下: north; many small villages
}

// communityClass sets a committee's size, its grids' size and its households.
type communityClass int

const (
	classUrban   communityClass = iota // 社区居委会: compact, near a town centre
	classVillage                       // 村委会: large, on the outskirts
	classSpecial                       // special units (4xx): a reservoir, an industrial estate
)

// classSizes are in cells of cellSize² (2,500 m²): the community's area range and its grids'
// typical area.
var classSizes = map[communityClass]struct{ min, max, grid float64 }{
	classUrban:   {160, 280, 22},   // 0.40-0.70 km², grids of about 0.055 km² (235 m across)
	classVillage: {520, 1040, 160}, // 1.3-2.6 km², grids of about 0.4 km² (630 m across)
	classSpecial: {480, 640, 120},  // 1.2-1.6 km², grids of about 0.3 km²
}

// The extent of the lattice, in metres from the city centre: comfortably larger than the
// dataset, so that no region reaches its edge.
const (
	extentWest, extentEast   = -11500.0, 11500.0
	extentSouth, extentNorth = -10500.0, 12500.0
)

// The outline of the dataset is a lobed disc around outlineCentre, its relative radius set at the
// eight compass points (outlineShape, from north clockwise) and wiggled by a few harmonics, cut on
// the south-east by the coast of Fuqing Bay (福清湾): a wavy line across coastDirection at
// coastDistance metres from the city centre.
var (
	outlineCentre  = orb.Point{0, 0}
	outlineShape   = [8]float64{1.1, 0.85, 1.0, 1.35, 0.7, 1.1, 1.0, 1.0}
	coastDirection = orb.Point{math.Cos(-38 * math.Pi / 180), math.Sin(-38 * math.Pi / 180)}
)

const coastDistance = 7000.0

// inSea reports whether a local point lies beyond the coast.
func inSea(p orb.Point) bool {
	along := p[0]*coastDirection[0] + p[1]*coastDirection[1]
	across := -p[0]*coastDirection[1] + p[1]*coastDirection[0]
	return along > coastDistance+260*math.Sin(across/900)+120*math.Sin(across/310+1)
}

// outlineRadius is the relative radius of the outline in direction theta (radians, counter-
// clockwise from east): outlineShape interpolated smoothly between compass points, plus wiggles.
func outlineRadius(theta float64) float64 {
	bearing := math.Mod(450-theta*180/math.Pi, 360) / 45 // in compass points from north
	k := int(bearing)
	f := (1 - math.Cos((bearing-float64(k))*math.Pi)) / 2
	base := outlineShape[k%8]*(1-f) + outlineShape[(k+1)%8]*f
	return base + 0.035*math.Sin(5*theta+0.4) + 0.03*math.Sin(7*theta+1.3) + 0.02*math.Sin(11*theta+0.2) +
		0.012*math.Sin(17*theta+2.6)
}

// outlineMeasure is how far out a point lies relative to the outline's radius in its direction;
// the dataset holds the points below some threshold.
func outlineMeasure(p orb.Point) float64 {
	dx, dy := p[0]-outlineCentre[0], p[1]-outlineCentre[1]
	return math.Hypot(dx, dy) / outlineRadius(math.Atan2(dy, dx))
}
