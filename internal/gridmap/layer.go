package gridmap

import (
	"context"
	"time"

	"github.com/paulmach/orb"
)

// Layer ids: the public datasets that tiles, TileJSON and the OGC API Features service publish.
const (
	LayerStreets      = "streets"
	LayerCommunities  = "communities"
	LayerGrids        = "grids"
	LayerRedPositions = "red_positions"
	LayerStations     = "stations"
	LayerIncidents    = "incidents"
)

// Field describes one public property of a layer's features. Only fields listed here are ever
// published, which is how personal data stays out of tiles and feature services.
type Field struct {
	Name        string `json:"name"`
	Type        string `json:"type"` // string, integer, number, boolean, datetime
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Filter      bool   `json:"-"` // may be used as an equality filter
	// FreeText marks text people write (opening hours, notes), which may carry a phone
	// number: published only through MaskPersonal.
	FreeText bool `json:"-"`
}

// LayerInfo describes a public layer.
type LayerInfo struct {
	ID          string
	TitleZH     string
	TitleEN     string
	Description string
	Geometry    string // Point or MultiPolygon
	Temporal    bool   // features have a time (incidents: reported_at)
	Fields      []Field
	MinZoom     int
	MaxZoom     int
}

// Field returns the field with the given name.
func (l LayerInfo) Field(name string) (Field, bool) {
	for _, f := range l.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// placeFields are the public fields of red positions and stations, which share one shape.
var placeFields = []Field{
	{Name: "code", Type: "string", Title: "code", Filter: true},
	{Name: "name", Type: "string", Title: "name", Filter: true},
	{Name: "kind", Type: "string", Title: "kind", Filter: true},
	{Name: "grid", Type: "string", Title: "grid code", Filter: true},
	{Name: "opening_hours", Type: "string", Title: "opening hours", FreeText: true},
}

// Layers is the catalogue of public layers, in drawing order from the bottom.
var Layers = []LayerInfo{
	{ID: LayerStreets, TitleZH: "街道", TitleEN: "Streets", Geometry: "MultiPolygon", MinZoom: 0, MaxZoom: 18,
		Description: "Sub-districts (街道) and towns: the top of the grid hierarchy.",
		Fields: []Field{
			{Name: "code", Type: "string", Title: "9-digit street code", Filter: true},
			{Name: "name", Type: "string", Title: "name", Filter: true},
		}},
	{ID: LayerCommunities, TitleZH: "社区/村", TitleEN: "Communities", Geometry: "MultiPolygon", MinZoom: 0, MaxZoom: 18,
		Description: "Residents' and villagers' committees (社区/村), each tiled by unit grids.",
		Fields: []Field{
			{Name: "code", Type: "string", Title: "12-digit community code", Filter: true},
			{Name: "name", Type: "string", Title: "name", Filter: true},
			{Name: "kind", Type: "string", Title: "社区 or 村", Filter: true},
			{Name: "street", Type: "string", Title: "street code", Filter: true},
			{Name: "grids", Type: "integer", Title: "number of grids"},
		}},
	{ID: LayerGrids, TitleZH: "网格", TitleEN: "Unit grids", Geometry: "MultiPolygon", MinZoom: 0, MaxZoom: 18,
		Description: "Unit grids (单元网格) with households, staff coverage and open incidents.",
		Fields: []Field{
			{Name: "code", Type: "string", Title: "15-digit grid code", Filter: true},
			{Name: "name", Type: "string", Title: "name", Filter: true},
			{Name: "community", Type: "string", Title: "community code", Filter: true},
			{Name: "street", Type: "string", Title: "street code", Filter: true},
			{Name: "households", Type: "integer", Title: "households"},
			{Name: "population", Type: "integer", Title: "population"},
			{Name: "grid_workers", Type: "integer", Title: "grid workers (网格员)"},
			{Name: "party_members", Type: "integer", Title: "grid party members (网格党员)"},
			{Name: "volunteers", Type: "integer", Title: "volunteers (志愿者)"},
			{Name: "households_covered", Type: "integer", Title: "households covered by party members (包户)"},
			{Name: "red_positions", Type: "integer", Title: "red positions in the grid"},
			{Name: "stations", Type: "integer", Title: "service stations in the grid"},
			{Name: "open_incidents", Type: "integer", Title: "open incidents"},
			{Name: "incidents_30d", Type: "integer", Title: "incidents reported in the last 30 days"},
		}},
	{ID: LayerRedPositions, TitleZH: "红色阵地", TitleEN: "Red positions", Geometry: "Point", MinZoom: 0, MaxZoom: 18,
		Description: "Party service points (红色阵地).",
		Fields:      placeFields},
	{ID: LayerStations, TitleZH: "服务驿站", TitleEN: "Service stations", Geometry: "Point", MinZoom: 0, MaxZoom: 18,
		Description: "Volunteer and veterans' stations, deliberation halls and party-mass service centres.",
		Fields:      placeFields},
	{ID: LayerIncidents, TitleZH: "事件诉求", TitleEN: "Incidents", Geometry: "Point", Temporal: true, MinZoom: 0, MaxZoom: 18,
		Description: "Residents' problems and requests, located and assigned to grids. No personal data.",
		Fields: []Field{
			{Name: "id", Type: "integer", Title: "incident id"},
			{Name: "category", Type: "string", Title: "category", Filter: true},
			{Name: "channel", Type: "string", Title: "channel", Filter: true},
			{Name: "status", Type: "string", Title: "status", Filter: true},
			{Name: "grid", Type: "string", Title: "grid code", Filter: true},
			{Name: "community", Type: "string", Title: "community code", Filter: true},
			{Name: "street", Type: "string", Title: "street code", Filter: true},
			{Name: "method", Type: "string", Title: "assignment method", Filter: true},
			{Name: "reported_at", Type: "datetime", Title: "reported at"},
			{Name: "due_at", Type: "datetime", Title: "due at"},
			{Name: "overdue", Type: "boolean", Title: "overdue"},
			{Name: "simulated", Type: "boolean", Title: "made up by a demo's simulated city", Filter: true},
		}},
}

// LayerByID returns the layer with the given id.
func LayerByID(id string) (LayerInfo, bool) {
	for _, l := range Layers {
		if l.ID == id {
			return l, true
		}
	}
	return LayerInfo{}, false
}

// Feature is one published feature: an id, a geometry and its public properties in the order of
// its layer's fields.
type Feature struct {
	ID         string
	Geometry   orb.Geometry
	Properties []any // aligned with LayerInfo.Fields
}

// FeatureQuery selects features of one layer.
type FeatureQuery struct {
	Layer        string
	BBox         *orb.Bound
	Since, Until time.Time           // temporal layers: on reported_at, Until exclusive
	Equals       map[string]string   // field name → value, fields with Filter set only
	In           map[string][]string // field name → accepted values (any of them), fields with Filter set only
	Limit        int                 // 0: no limit
	Offset       int
	// SkipCount spares the query that counts every match, for callers that want only the
	// features (tiles); Features then returns -1 as the count.
	SkipCount bool
}

// FeatureStore serves public features of the catalogue's layers.
type FeatureStore interface {
	// Features returns the features matching q, ordered by id, and how many match in all
	// (ignoring limit and offset; -1 when q.SkipCount is set).
	Features(ctx context.Context, q FeatureQuery) ([]Feature, int, error)
	// Feature returns one feature by id.
	Feature(ctx context.Context, layer, id string) (Feature, error)
	// Extent returns the bounding box of a layer's features and, for temporal layers, the time span.
	Extent(ctx context.Context, layer string) (orb.Bound, [2]time.Time, error)
}
