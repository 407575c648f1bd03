package main

import (
	"math"

	"github.com/paulmach/orb"
)

// The city centre of Fuqing (GeoNames), the origin of the local metric frame everything is laid
// out in before it is converted to WGS-84 longitude and latitude.
const (
	centreLon = 119.3747
	centreLat = 25.7294
)

const (
	// cellSize is the side of a lattice cell in metres: the grain of every boundary.
	cellSize = 50.0
	// jitterFraction bounds how far, in cells and in each axis, a lattice vertex moves. Below a
	// quarter cell, edges that do not share a vertex stay more than half a cell apart and edges
	// that do keep their directions within 45° of the axes, so every ring stays simple.
	jitterFraction = 0.22
	// decimals is the precision of every coordinate written, about a centimetre.
	decimals = 7
	// earthRadius is the WGS-84 mean radius, for the local equirectangular frame.
	earthRadius = 6371008.8
)

// lattice is the square grid of cells that streets, communities and grids are assembled from.
// Cell (i, j) has its south-west corner at vertex (i, j); i grows east, j north. Cells and
// vertices are numbered row by row from the south-west.
type lattice struct {
	w, h   int     // cells across and up
	x0, y0 float64 // metres east and north of the city centre of vertex (0, 0)
	salt   uint64  // seeds the vertex jitter
}

func newLattice(west, south, east, north float64, salt uint64) *lattice {
	return &lattice{
		w:    int(math.Ceil((east - west) / cellSize)),
		h:    int(math.Ceil((north - south) / cellSize)),
		x0:   west,
		y0:   south,
		salt: salt,
	}
}

func (l *lattice) cells() int { return l.w * l.h }

func (l *lattice) cell(i, j int) int { return j*l.w + i }

func (l *lattice) ij(c int) (int, int) { return c % l.w, c / l.w }

func (l *lattice) inside(i, j int) bool { return i >= 0 && j >= 0 && i < l.w && j < l.h }

// label returns lab at cell (i, j), and -1 (outside) beyond the lattice.
func (l *lattice) label(lab []int32, i, j int) int32 {
	if !l.inside(i, j) {
		return -1
	}
	return lab[l.cell(i, j)]
}

// centre returns the centre of cell c in local metres.
func (l *lattice) centre(c int) orb.Point {
	i, j := l.ij(c)
	return orb.Point{l.x0 + (float64(i)+0.5)*cellSize, l.y0 + (float64(j)+0.5)*cellSize}
}

// cellAt returns the cell whose unjittered square holds the local point p, or -1.
func (l *lattice) cellAt(p orb.Point) int {
	i := int(math.Floor((p[0] - l.x0) / cellSize))
	j := int(math.Floor((p[1] - l.y0) / cellSize))
	if !l.inside(i, j) {
		return -1
	}
	return l.cell(i, j)
}

func (l *lattice) vertexID(i, j int) int { return j*(l.w+1) + i }

func (l *lattice) vertexIJ(v int) (int, int) { return v % (l.w + 1), v / (l.w + 1) }

// vertex returns the jittered position of lattice vertex v in local metres. The jitter is a
// function of the vertex alone, so every ring through it, at every level, uses the same point.
func (l *lattice) vertex(v int) orb.Point {
	i, j := l.vertexIJ(v)
	dx := (2*hash01(i, j, l.salt) - 1) * jitterFraction * cellSize
	dy := (2*hash01(i, j, l.salt+1) - 1) * jitterFraction * cellSize
	return orb.Point{l.x0 + float64(i)*cellSize + dx, l.y0 + float64(j)*cellSize + dy}
}

// metresPerDegree gives the scale of the local equirectangular frame at the city centre; over
// the 20 km of the dataset it is exact to well under a metre.
func metresPerDegree() (lon, lat float64) {
	lat = earthRadius * math.Pi / 180
	return lat * math.Cos(centreLat*math.Pi/180), lat
}

// toLonLat converts local metres to WGS-84, rounded to the precision written.
func toLonLat(p orb.Point) orb.Point {
	mx, my := metresPerDegree()
	return orb.Point{round7(centreLon + p[0]/mx), round7(centreLat + p[1]/my)}
}

// toLocal converts WGS-84 to local metres.
func toLocal(p orb.Point) orb.Point {
	mx, my := metresPerDegree()
	return orb.Point{(p[0] - centreLon) * mx, (p[1] - centreLat) * my}
}

func round7(v float64) float64 { return math.Round(v*1e7) / 1e7 }

func dist(a, b orb.Point) float64 { return math.Hypot(a[0]-b[0], a[1]-b[1]) }
