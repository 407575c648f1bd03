package tileservice

import (
	"slices"

	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/tiles"
)

// incidentTileFields are the incident properties a tile carries: enough to draw, filter and
// open an incident, nothing that identifies a person.
var incidentTileFields = []string{"id", "category", "channel", "status", "grid", "reported_at", "overdue"}

// Fields returns the properties tiles of the layer carry, in the catalogue's order: every
// public field of gridmap.Layers, and for incidents the subset in incidentTileFields. The SQL
// tile path of the benchmarks draws the same list.
func Fields(layer string) []gridmap.Field {
	info, ok := gridmap.LayerByID(layer)
	if !ok {
		return nil
	}
	if layer != gridmap.LayerIncidents {
		return slices.Clone(info.Fields)
	}
	var out []gridmap.Field
	for _, f := range info.Fields {
		if slices.Contains(incidentTileFields, f.Name) {
			out = append(out, f)
		}
	}
	return out
}

// FieldNames returns the names of Fields(layer).
func FieldNames(layer string) []string {
	fs := Fields(layer)
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

// tileJSONFields describes the layer's properties for TileJSON vector_layers, including the
// counts that clustered incident tiles carry instead of single incidents.
func tileJSONFields(layer string) []tiles.Field {
	var out []tiles.Field
	for _, f := range Fields(layer) {
		out = append(out, tiles.Field{Name: f.Name, Type: tileJSONType(f.Type), Description: f.Title})
	}
	if layer == gridmap.LayerIncidents {
		out = append(out, tiles.Field{Name: "count", Type: "Number", Description: "incidents in the cluster (clustered tiles, below zoom 14 or where dense)"})
		for _, c := range gridmap.Categories {
			out = append(out, tiles.Field{Name: "count_" + c.Code, Type: "Number", Description: "incidents of category " + c.Code + " (" + c.ZH + ") in the cluster"})
		}
	}
	return out
}

// tileJSONType maps a catalogue field type to the types TileJSON readers show.
func tileJSONType(t string) string {
	switch t {
	case "integer", "number":
		return "Number"
	case "boolean":
		return "Boolean"
	}
	return "String"
}
