package postgis

import (
	"encoding/binary"
	"fmt"

	"github.com/paulmach/orb"
	geom "github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/ewkb"
)

// Geometry crosses the PostGIS boundary as EWKB: binary, exact (no decimal rounding, unlike
// ST_AsGeoJSON text) and carrying the SRID. go-geom encodes and decodes it; inside the program
// geometry is orb, and these functions are the one place where the two models meet.

// srid is the only spatial reference gridmap stores: WGS-84 longitude/latitude.
const srid = 4326

// encodeEWKB converts an orb geometry to little-endian EWKB with SRID 4326.
func encodeEWKB(g orb.Geometry) ([]byte, error) {
	var t geom.T
	switch g := g.(type) {
	case orb.Point:
		t = geom.NewPointFlat(geom.XY, []float64{g[0], g[1]}).SetSRID(srid)
	case orb.Polygon:
		return encodeEWKB(orb.MultiPolygon{g})
	case orb.MultiPolygon:
		flat, endss := flatMultiPolygon(g)
		t = geom.NewMultiPolygonFlat(geom.XY, flat, endss).SetSRID(srid)
	default:
		return nil, fmt.Errorf("postgis: cannot store geometry of type %s", g.GeoJSONType())
	}
	b, err := ewkb.Marshal(t, binary.LittleEndian)
	if err != nil {
		return nil, fmt.Errorf("postgis: encode ewkb: %w", err)
	}
	return b, nil
}

func flatMultiPolygon(mp orb.MultiPolygon) ([]float64, [][]int) {
	n := 0
	for _, p := range mp {
		for _, r := range p {
			n += 2 * len(r)
		}
	}
	flat := make([]float64, 0, n)
	endss := make([][]int, 0, len(mp))
	for _, p := range mp {
		ends := make([]int, 0, len(p))
		for _, r := range p {
			for _, pt := range r {
				flat = append(flat, pt[0], pt[1])
			}
			ends = append(ends, len(flat))
		}
		endss = append(endss, ends)
	}
	return flat, endss
}

// decodeEWKB converts EWKB (as returned by ST_AsEWKB or ST_AsBinary) to an orb geometry.
func decodeEWKB(b []byte) (orb.Geometry, error) {
	t, err := ewkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("postgis: decode ewkb: %w", err)
	}
	switch t := t.(type) {
	case *geom.Point:
		return orb.Point{t.X(), t.Y()}, nil
	case *geom.Polygon:
		return orbPolygon(t.FlatCoords(), 0, t.Ends(), t.Stride()), nil
	case *geom.MultiPolygon:
		flat, stride := t.FlatCoords(), t.Stride()
		mp := make(orb.MultiPolygon, 0, t.NumPolygons())
		offset := 0
		for _, ends := range t.Endss() {
			mp = append(mp, orbPolygon(flat, offset, ends, stride))
			if len(ends) > 0 {
				offset = ends[len(ends)-1]
			}
		}
		return mp, nil
	}
	return nil, fmt.Errorf("postgis: unexpected geometry type %T", t)
}

func orbPolygon(flat []float64, offset int, ends []int, stride int) orb.Polygon {
	p := make(orb.Polygon, 0, len(ends))
	for _, end := range ends {
		r := make(orb.Ring, 0, (end-offset)/stride)
		for i := offset; i < end; i += stride {
			r = append(r, orb.Point{flat[i], flat[i+1]})
		}
		p = append(p, r)
		offset = end
	}
	return p
}

// decodeMultiPolygon decodes EWKB that must hold a polygon or multipolygon.
func decodeMultiPolygon(b []byte) (orb.MultiPolygon, error) {
	g, err := decodeEWKB(b)
	if err != nil {
		return nil, err
	}
	switch g := g.(type) {
	case orb.MultiPolygon:
		return g, nil
	case orb.Polygon:
		return orb.MultiPolygon{g}, nil
	}
	return nil, fmt.Errorf("postgis: want a multipolygon, got %s", g.GeoJSONType())
}

// decodePoint decodes EWKB that must hold a point.
func decodePoint(b []byte) (orb.Point, error) {
	g, err := decodeEWKB(b)
	if err != nil {
		return orb.Point{}, err
	}
	p, ok := g.(orb.Point)
	if !ok {
		return orb.Point{}, fmt.Errorf("postgis: want a point, got %s", g.GeoJSONType())
	}
	return p, nil
}
