package tiles

import (
	"errors"
	"strconv"
)

var errNilLayer = errors.New("tiles: no layer")

// Format is a tile encoding, chosen by the extension of the tile URL.
type Format uint8

// The formats a tile can be written in.
const (
	MVT     Format = iota + 1 // Mapbox Vector Tile 2.1, for MapLibre and QGIS
	GeoJSON                   // RFC 7946 FeatureCollection, for GIS staff and scripts
)

// ParseFormat maps a tile URL extension ("mvt" or "geojson") to its Format, so that routing
// rejects other extensions with an error naming the "format" parameter.
func ParseFormat(ext string) (Format, error) {
	switch ext {
	case "mvt":
		return MVT, nil
	case "geojson":
		return GeoJSON, nil
	}
	return 0, &ParamError{Param: "format", Value: ext, Reason: "must be mvt or geojson", Err: ErrUnknownFormat}
}

// ContentType returns the media type to send the format with.
func (f Format) ContentType() string {
	switch f {
	case MVT:
		return "application/vnd.mapbox-vector-tile"
	case GeoJSON:
		return "application/geo+json"
	}
	return "application/octet-stream"
}

// Ext returns the URL extension of the format, the inverse of ParseFormat.
func (f Format) Ext() string {
	switch f {
	case MVT:
		return "mvt"
	case GeoJSON:
		return "geojson"
	}
	return ""
}

// String returns the extension, so that logs and errors name a format as its URL does.
func (f Format) String() string {
	if ext := f.Ext(); ext != "" {
		return ext
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// writer is an output format: features go in as cut shapes with property indexes into the
// writer's table, the finished tile comes out.
type writer interface {
	feature(id uint64, s *shape, props []uint32)
	bytes() []byte
}

func newWriter(name string, t Tile, f Format, tab *table, c *cutter, sizeHint int) writer {
	if f == GeoJSON {
		return newGeoJSONWriter(t, c.frame, tab, c)
	}
	return newMVTWriter(name, tab, c, sizeHint)
}

func checkRequest(l *Layer, t Tile, f Format) error {
	if l == nil {
		return errNilLayer
	}
	if err := t.Validate(); err != nil {
		return err
	}
	if f != MVT && f != GeoJSON {
		return &ParamError{Param: "format", Value: f.String(), Reason: "must be mvt or geojson", Err: ErrUnknownFormat}
	}
	return nil
}

// Encode draws tile t of layer l in format f: the features meeting the tile and its buffer,
// clipped, simplified for the zoom and written in input order. An MVT tile without features is
// empty (zero bytes, a valid vector tile); a GeoJSON one is an empty FeatureCollection.
// Encode only reads l, so any number of tiles may be drawn from one Layer at once.
func Encode(l *Layer, t Tile, f Format) ([]byte, error) {
	if err := checkRequest(l, t, f); err != nil {
		return nil, err
	}
	c := l.getCutter(newFrame(t, l.opts, f))
	defer l.putCutter(c)
	c.hits = l.search(t, l.opts.Buffer, c.hits[:0], true)
	w := newWriter(l.id, t, f, l.table, c, len(c.hits))
	for _, i := range c.hits {
		ft := &l.feats[i]
		if c.cut(l, ft) {
			w.feature(ft.id, &c.shape, l.props[ft.props0:ft.props1])
		}
	}
	return w.bytes(), nil
}
