package tiles

import (
	"fmt"
	"math"
	"net/url"
	"strings"

	"github.com/paulmach/orb"
)

// TileJSONVersion is the version of the TileJSON specification the documents follow.
const TileJSONVersion = "3.0.0"

// TileJSON is a TileJSON 3.0.0 document (https://github.com/mapbox/tilejson-spec/tree/master/3.0.0):
// what MapLibre, QGIS and GDAL read first to learn where a layer's tiles are, which zooms and
// area they cover and which fields they carry. Marshal it with encoding/json.
type TileJSON struct {
	TileJSON     string        `json:"tilejson"`
	Name         string        `json:"name,omitempty"`
	Description  string        `json:"description,omitempty"`
	Version      string        `json:"version,omitempty"`
	Attribution  string        `json:"attribution,omitempty"`
	Scheme       string        `json:"scheme"`
	Tiles        []string      `json:"tiles"`
	VectorLayers []VectorLayer `json:"vector_layers"`
	MinZoom      int           `json:"minzoom"`
	MaxZoom      int           `json:"maxzoom"`
	Bounds       [4]float64    `json:"bounds"`
	Center       [3]float64    `json:"center"`
}

// VectorLayer describes one MVT layer inside a TileJSON document; Fields maps each property
// name to a description, which MapLibre style editors and QGIS show to whoever styles the layer.
type VectorLayer struct {
	ID          string            `json:"id"`
	Fields      map[string]string `json:"fields"`
	Description string            `json:"description,omitempty"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
}

// TileSet is what NewTileJSON needs to know about a layer's tiles.
type TileSet struct {
	LayerID     string // the MVT layer name, Layer.ID()
	Name        string
	Description string
	Attribution string
	Version     string // semver of the tiles; optional
	// TilesURL is the absolute tile URL template, with {z}, {x} and {y},
	// e.g. https://gridmap.example/tiles/grids/{z}/{x}/{y}.mvt.
	TilesURL string
	Bounds   orb.Bound // WGS-84, e.g. Layer.Bound()
	// Center and CenterZoom are where a viewer opens; a zero Center selects the middle of
	// Bounds at MinZoom.
	Center           orb.Point
	CenterZoom       int
	MinZoom, MaxZoom int
	Fields           []Field // e.g. Layer.Fields(), with descriptions added
}

// NewTileJSON builds the TileJSON document for one layer and checks it against the rules of the
// specification (absolute URL with {z}/{x}/{y}, zooms in order, centre inside the bounds), so
// that a misconfigured layer fails at start-up rather than in every viewer.
func NewTileJSON(s TileSet) (*TileJSON, error) {
	if s.LayerID == "" {
		return nil, fmt.Errorf("tiles: tilejson: layer id is empty")
	}
	u, err := url.Parse(s.TilesURL)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return nil, fmt.Errorf("tiles: tilejson: tiles URL %q must be absolute", s.TilesURL)
	}
	for _, p := range [...]string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(s.TilesURL, p) {
			return nil, fmt.Errorf("tiles: tilejson: tiles URL %q lacks %s", s.TilesURL, p)
		}
	}
	if s.MinZoom < 0 || s.MaxZoom > MaxZoom || s.MinZoom > s.MaxZoom {
		return nil, fmt.Errorf("tiles: tilejson: zooms %d..%d must satisfy 0 <= minzoom <= maxzoom <= %d", s.MinZoom, s.MaxZoom, MaxZoom)
	}
	b := s.Bounds
	if !finite(b.Min[0], b.Min[1], b.Max[0], b.Max[1]) ||
		b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90 ||
		b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] {
		return nil, fmt.Errorf("tiles: tilejson: bounds %v must be west, south, east, north in WGS-84", b)
	}
	center, zoom := s.Center, s.CenterZoom
	if center == (orb.Point{}) {
		center, zoom = b.Center(), s.MinZoom
	}
	if !finite(center[0], center[1]) || !b.Contains(center) {
		return nil, fmt.Errorf("tiles: tilejson: center %v lies outside bounds %v", center, b)
	}
	if zoom < s.MinZoom || zoom > s.MaxZoom {
		return nil, fmt.Errorf("tiles: tilejson: center zoom %d lies outside %d..%d", zoom, s.MinZoom, s.MaxZoom)
	}
	fields := make(map[string]string, len(s.Fields))
	for _, f := range s.Fields {
		if f.Name == "" {
			return nil, fmt.Errorf("tiles: tilejson: a field has no name")
		}
		fields[f.Name] = fieldText(f)
	}
	return &TileJSON{
		TileJSON:    TileJSONVersion,
		Name:        s.Name,
		Description: s.Description,
		Version:     s.Version,
		Attribution: s.Attribution,
		Scheme:      "xyz",
		Tiles:       []string{s.TilesURL},
		VectorLayers: []VectorLayer{{
			ID:          s.LayerID,
			Fields:      fields,
			Description: s.Description,
			MinZoom:     s.MinZoom,
			MaxZoom:     s.MaxZoom,
		}},
		MinZoom: s.MinZoom,
		MaxZoom: s.MaxZoom,
		Bounds:  [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]},
		Center:  [3]float64{center[0], center[1], float64(zoom)},
	}, nil
}

// fieldText is the TileJSON description of a field: its type, as tippecanoe and the
// specification's examples write it, followed by the caller's description when there is one.
func fieldText(f Field) string {
	switch {
	case f.Type == "":
		return f.Description
	case f.Description == "":
		return f.Type
	}
	return f.Type + ": " + f.Description
}

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
