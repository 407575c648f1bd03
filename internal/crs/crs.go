// Package crs converts the coordinate systems Chinese map apps report into WGS-84. GCJ-02 (the
// national "Mars" datum used by AMap, Tencent and WeChat) adds a smooth, published offset of a few
// hundred metres to WGS-84; BD-09 (Baidu) adds a further rotation and shift to GCJ-02. Inside
// China's bounding box the offsets apply; outside it they are the identity, as every Chinese map
// SDK does.
//
// The forward formulas are closed-form. GCJ-02 → WGS-84 has no closed form, so ToWGS84 inverts the
// forward transform by fixed-point iteration to below 1e-9 degrees (a tenth of a millimetre),
// far better than the one-step approximations common in JavaScript libraries (metres of error).
package crs

import (
	"fmt"
	"math"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// Krasovsky 1940 ellipsoid, which the GCJ-02 formula is defined on.
const (
	krasovskyA  = 6378245.0
	krasovskyEE = 0.00669342162296594323
	bdXPi       = math.Pi * 3000.0 / 180.0
)

// InChina reports whether the GCJ-02 offset applies at lon, lat (a bounding box, as the SDKs use).
func InChina(lon, lat float64) bool {
	return lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271
}

func offsetLat(x, y float64) float64 {
	r := -100.0 + 2.0*x + 3.0*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	r += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	r += (20.0*math.Sin(y*math.Pi) + 40.0*math.Sin(y/3.0*math.Pi)) * 2.0 / 3.0
	r += (160.0*math.Sin(y/12.0*math.Pi) + 320*math.Sin(y*math.Pi/30.0)) * 2.0 / 3.0
	return r
}

func offsetLon(x, y float64) float64 {
	r := 300.0 + x + 2.0*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	r += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	r += (20.0*math.Sin(x*math.Pi) + 40.0*math.Sin(x/3.0*math.Pi)) * 2.0 / 3.0
	r += (150.0*math.Sin(x/12.0*math.Pi) + 300.0*math.Sin(x/30.0*math.Pi)) * 2.0 / 3.0
	return r
}

// WGS84ToGCJ02 applies the GCJ-02 offset.
func WGS84ToGCJ02(lon, lat float64) (float64, float64) {
	if !InChina(lon, lat) {
		return lon, lat
	}
	dLat := offsetLat(lon-105.0, lat-35.0)
	dLon := offsetLon(lon-105.0, lat-35.0)
	radLat := lat / 180.0 * math.Pi
	magic := math.Sin(radLat)
	magic = 1 - krasovskyEE*magic*magic
	sqrtMagic := math.Sqrt(magic)
	dLat = (dLat * 180.0) / ((krasovskyA * (1 - krasovskyEE)) / (magic * sqrtMagic) * math.Pi)
	dLon = (dLon * 180.0) / (krasovskyA / sqrtMagic * math.Cos(radLat) * math.Pi)
	return lon + dLon, lat + dLat
}

// GCJ02ToWGS84 removes the GCJ-02 offset by fixed-point iteration: the offset changes by less
// than 1e-5 of itself per degree, so each step gains about five digits.
func GCJ02ToWGS84(lon, lat float64) (float64, float64) {
	if !InChina(lon, lat) {
		return lon, lat
	}
	return invert(WGS84ToGCJ02, lon, lat, lon, lat, 10)
}

// invert finds the point that forward maps to (lon, lat), starting from a guess: each step
// moves the guess back by how far forward missed, until the miss is below 1e-11 degrees.
func invert(forward func(lon, lat float64) (float64, float64), lon, lat, guessLon, guessLat float64, steps int) (float64, float64) {
	for i := 0; i < steps; i++ {
		fLon, fLat := forward(guessLon, guessLat)
		dLon, dLat := fLon-lon, fLat-lat
		guessLon, guessLat = guessLon-dLon, guessLat-dLat
		if math.Abs(dLon) < 1e-11 && math.Abs(dLat) < 1e-11 {
			break
		}
	}
	return guessLon, guessLat
}

// GCJ02ToBD09 applies Baidu's BD-09 transform.
func GCJ02ToBD09(lon, lat float64) (float64, float64) {
	z := math.Sqrt(lon*lon+lat*lat) + 0.00002*math.Sin(lat*bdXPi)
	theta := math.Atan2(lat, lon) + 0.000003*math.Cos(lon*bdXPi)
	return z*math.Cos(theta) + 0.0065, z*math.Sin(theta) + 0.006
}

// BD09ToGCJ02 inverts GCJ02ToBD09, refined by fixed-point iteration to below 1e-9 degrees.
func BD09ToGCJ02(lon, lat float64) (float64, float64) {
	x, y := lon-0.0065, lat-0.006
	z := math.Sqrt(x*x+y*y) - 0.00002*math.Sin(y*bdXPi)
	theta := math.Atan2(y, x) - 0.000003*math.Cos(x*bdXPi)
	return invert(GCJ02ToBD09, lon, lat, z*math.Cos(theta), z*math.Sin(theta), 5)
}

// ToWGS84 converts a point given in the named CRS (gridmap.CRSWGS84, CRSGCJ02 or CRSBD09) to
// WGS-84. It refuses a point that is not a longitude -180..180 and latitude -90..90: BD-09
// squares the coordinates, so a huge one came out as NaN or an infinity, which no caller can
// store or locate.
func ToWGS84(crs string, lon, lat float64) (float64, float64, error) {
	if err := check(crs, lon, lat); err != nil {
		return 0, 0, err
	}
	switch crs {
	case gridmap.CRSGCJ02:
		lon, lat = GCJ02ToWGS84(lon, lat)
	case gridmap.CRSBD09:
		lon, lat = GCJ02ToWGS84(BD09ToGCJ02(lon, lat))
	}
	return lon, lat, nil
}

// FromWGS84 converts a WGS-84 point to the named CRS: the inverse of ToWGS84, refusing the
// same points.
func FromWGS84(crs string, lon, lat float64) (float64, float64, error) {
	if err := check(crs, lon, lat); err != nil {
		return 0, 0, err
	}
	switch crs {
	case gridmap.CRSGCJ02:
		lon, lat = WGS84ToGCJ02(lon, lat)
	case gridmap.CRSBD09:
		lon, lat = GCJ02ToBD09(WGS84ToGCJ02(lon, lat))
	}
	return lon, lat, nil
}

// check refuses an unknown CRS, and a point outside the world (NaN included).
func check(crs string, lon, lat float64) error {
	if crs != "" && !gridmap.ValidCRS(crs) {
		return fmt.Errorf("crs: unknown coordinate system %q (want wgs84, gcj02 or bd09)", crs)
	}
	if !(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90) {
		return fmt.Errorf("crs: %v, %v is not a longitude -180..180 and latitude -90..90", lon, lat)
	}
	return nil
}

// DistanceMetres is the great-circle distance between two WGS-84 points on a sphere of the
// WGS-84 mean radius; good to 0.5% for the short distances it measures here.
func DistanceMetres(lon1, lat1, lon2, lat2 float64) float64 {
	const r = 6371008.8
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := p2-p1, (lon2-lon1)*math.Pi/180
	a := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}
