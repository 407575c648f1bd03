package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// putGrid: PUT /api/v1/grids/{code} with a GeoJSON Feature (Polygon or MultiPolygon; properties
// name, households, population) creates or replaces a grid. It is checked like an import and
// open incidents whose point now falls in another grid are reassigned in the same transaction;
// every instance follows within a second through the database's change notice.
func (s *Server) putGrid(c *fiber.Ctx) error {
	if err := checkParams(c); err != nil {
		return err
	}
	if err := requireJSON(c, geoJSONType); err != nil {
		return err
	}
	code := c.Params("code")
	if !gridmap.ValidGridCode(code) {
		return gridmap.Invalid("code", "grid code %q is malformed: want 15 digits", code)
	}
	f, err := geojson.UnmarshalFeature(c.Body())
	if err != nil {
		return gridmap.Invalid("body", "not a GeoJSON Feature: %v", err)
	}
	var mp orb.MultiPolygon
	switch g := f.Geometry.(type) {
	case orb.Polygon:
		mp = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		mp = g
	default:
		return gridmap.Invalid("geometry", "a grid needs a Polygon or MultiPolygon geometry")
	}
	for _, p := range mp {
		for _, r := range p {
			if len(r) < 4 || r[0] != r[len(r)-1] {
				return gridmap.Invalid("geometry", "every ring needs at least 4 positions and must be closed")
			}
			for _, pt := range r {
				if pt[0] < -180 || pt[0] > 180 || pt[1] < -90 || pt[1] > 90 {
					return gridmap.Invalid("geometry", "coordinate %v is out of range", pt)
				}
			}
		}
	}
	name, _ := f.Properties["name"].(string)
	if name == "" {
		return gridmap.Invalid("properties.name", "name is required")
	}
	hh, _ := f.Properties["households"].(float64)
	pop, _ := f.Properties["population"].(float64)
	if hh < 0 || pop < 0 {
		return gridmap.Invalid("properties.households", "households and population may not be negative")
	}
	g := gridmap.Grid{Code: code, Name: name, CommunityCode: gridmap.CommunityOf(code), StreetCode: gridmap.StreetOf(code),
		Households: int(hh), Population: int(pop), Geometry: mp}
	moved, err := s.deps.Grids.SaveGrid(c.UserContext(), g)
	if err != nil {
		return err
	}
	saved, err := s.deps.Divisions.Grid(c.UserContext(), code)
	if err != nil {
		return err
	}
	out := gridFeature(saved)
	out.Properties["reassigned_incidents"] = moved
	return sendFeature(c, out)
}
