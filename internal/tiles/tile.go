package tiles

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// MaxZoom is the deepest zoom served: at zoom 22 a 4096-unit tile resolves about 1 mm, far
// below what any gridmap data carries, and the limit keeps every tile coordinate in uint32.
const MaxZoom = 22

// ErrInvalidTile is wrapped by every error about a malformed z/x/y, so that the web layer can
// answer 400 with errors.Is without parsing messages.
var ErrInvalidTile = errors.New("tiles: invalid tile")

// ErrUnknownFormat is wrapped by the error for a tile format (file extension) that this
// package does not write.
var ErrUnknownFormat = errors.New("tiles: unknown format")

// ParamError says which part of a tile request is wrong, so that a 400 response can name the
// path parameter ("z", "x", "y" or "format") rather than just reject the URL.
type ParamError struct {
	Param  string // "z", "x", "y" or "format"
	Value  string // the value as received
	Reason string // what is wrong with it, safe to show to a caller
	Err    error  // ErrInvalidTile or ErrUnknownFormat
}

// Error says which parameter is wrong and why, prefixed "tiles: ".
func (e *ParamError) Error() string {
	return fmt.Sprintf("tiles: %s %q: %s", e.Param, e.Value, e.Reason)
}

// Unwrap returns ErrInvalidTile or ErrUnknownFormat, for errors.Is.
func (e *ParamError) Unwrap() error { return e.Err }

// Tile is one z/x/y tile of the Web Mercator (XYZ, y down) tiling that MapLibre, QGIS and GDAL
// request.
type Tile struct {
	Z, X, Y uint32
}

// String returns the tile as "z/x/y", the form used in URLs, logs and cache keys.
func (t Tile) String() string {
	b := make([]byte, 0, 24)
	b = strconv.AppendUint(b, uint64(t.Z), 10)
	b = append(b, '/')
	b = strconv.AppendUint(b, uint64(t.X), 10)
	b = append(b, '/')
	b = strconv.AppendUint(b, uint64(t.Y), 10)
	return string(b)
}

// ParseTile parses the z, x and y path parameters of a tile URL, so that handlers reject a
// malformed request with an error naming the bad part before any work is done. Numbers must
// be plain decimal without sign or leading zeros, which keeps one URL (and one cache entry)
// per tile.
func ParseTile(z, x, y string) (Tile, error) {
	zv, err := parseCoord("z", z)
	if err != nil {
		return Tile{}, err
	}
	if zv > MaxZoom {
		return Tile{}, &ParamError{Param: "z", Value: z, Reason: "zoom must be 0.." + strconv.Itoa(MaxZoom), Err: ErrInvalidTile}
	}
	xv, err := parseCoord("x", x)
	if err != nil {
		return Tile{}, err
	}
	yv, err := parseCoord("y", y)
	if err != nil {
		return Tile{}, err
	}
	t := Tile{Z: uint32(zv), X: uint32(min(xv, math.MaxUint32)), Y: uint32(min(yv, math.MaxUint32))}
	if xv > uint64(t.max()) {
		return Tile{}, t.rangeError("x", x)
	}
	if yv > uint64(t.max()) {
		return Tile{}, t.rangeError("y", y)
	}
	return t, nil
}

func parseCoord(param, s string) (uint64, error) {
	bad := func(reason string) error {
		return &ParamError{Param: param, Value: s, Reason: reason, Err: ErrInvalidTile}
	}
	if s == "" {
		return 0, bad("missing")
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, bad("must be a decimal integer without leading zeros")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, bad("must be a non-negative decimal integer")
		}
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, bad("too large")
	}
	return v, nil
}

// max is the largest x or y at the tile's zoom.
func (t Tile) max() uint32 { return uint32(uint64(1)<<t.Z - 1) }

func (t Tile) rangeError(param, value string) error {
	return &ParamError{
		Param:  param,
		Value:  value,
		Reason: fmt.Sprintf("must be 0..%d at zoom %d", t.max(), t.Z),
		Err:    ErrInvalidTile,
	}
}

// Validate reports whether t exists, for tiles built in code rather than parsed from a URL.
func (t Tile) Validate() error {
	if t.Z > MaxZoom {
		return &ParamError{Param: "z", Value: strconv.FormatUint(uint64(t.Z), 10), Reason: "zoom must be 0.." + strconv.Itoa(MaxZoom), Err: ErrInvalidTile}
	}
	if t.X > t.max() {
		return t.rangeError("x", strconv.FormatUint(uint64(t.X), 10))
	}
	if t.Y > t.max() {
		return t.rangeError("y", strconv.FormatUint(uint64(t.Y), 10))
	}
	return nil
}

// Bound returns the tile's extent in WGS-84 longitude/latitude, for TileJSON, logs and tests.
func (t Tile) Bound() orb.Bound {
	n := float64(uint64(1) << t.Z)
	west, north := unproject(float64(t.X)/n, float64(t.Y)/n)
	east, south := unproject(float64(t.X+1)/n, float64(t.Y+1)/n)
	return orb.Bound{Min: orb.Point{west, south}, Max: orb.Point{east, north}}
}

// At returns the tile at zoom z that contains the WGS-84 point p, for tests, TileJSON centres
// and tools that seed a cache.
func At(p orb.Point, z uint32) Tile {
	if z > MaxZoom {
		z = MaxZoom
	}
	mx, my := project(p[0], p[1])
	n := float64(uint64(1) << z)
	last := n - 1
	return Tile{
		Z: z,
		X: uint32(math.Min(math.Max(math.Floor(mx*n), 0), last)),
		Y: uint32(math.Min(math.Max(math.Floor(my*n), 0), last)),
	}
}

// maxLat is the latitude at which Web Mercator becomes a square world.
const maxLat = 85.05112877980659

// project maps WGS-84 longitude/latitude to Web Mercator world coordinates in [0, 1], x to the
// east and y to the south, the frame every tile is a square of.
func project(lon, lat float64) (x, y float64) {
	lat = math.Max(-maxLat, math.Min(maxLat, lat))
	sin := math.Sin(lat * math.Pi / 180)
	x = lon/360 + 0.5
	y = 0.5 - math.Log((1+sin)/(1-sin))/(4*math.Pi)
	return x, y
}

// unproject is the inverse of project.
func unproject(x, y float64) (lon, lat float64) {
	lon = (x - 0.5) * 360
	lat = math.Atan(math.Sinh(math.Pi*(1-2*y))) * 180 / math.Pi
	return lon, lat
}
