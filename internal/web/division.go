package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb/geojson"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// The read APIs return GeoJSON FeatureCollections of the hierarchy and its service points.
// Personal data (staff names and phones, reporters) never appears in them.

func (s *Server) listStreets(c *fiber.Ctx) error {
	if err := checkParams(c); err != nil {
		return err
	}
	streets, err := s.deps.Divisions.Streets(c.UserContext())
	if err != nil {
		return err
	}
	fs := make([]*geojson.Feature, 0, len(streets))
	for _, st := range streets {
		fs = append(fs, feature(st.Code, st.Geometry, geojson.Properties{"code": st.Code, "name": st.Name}))
	}
	return sendFeatures(c, fs)
}

func (s *Server) listCommunities(c *fiber.Ctx) error {
	if err := checkParams(c, "street", "bbox"); err != nil {
		return err
	}
	f, err := divisionFilter(c)
	if err != nil {
		return err
	}
	cs, err := s.deps.Divisions.Communities(c.UserContext(), f)
	if err != nil {
		return err
	}
	fs := make([]*geojson.Feature, 0, len(cs))
	for _, cm := range cs {
		fs = append(fs, feature(cm.Code, cm.Geometry, geojson.Properties{
			"code": cm.Code, "name": cm.Name, "kind": cm.Kind, "street": cm.StreetCode,
		}))
	}
	return sendFeatures(c, fs)
}

func gridFeature(g gridmap.Grid) *geojson.Feature {
	return feature(g.Code, g.Geometry, geojson.Properties{
		"code": g.Code, "name": g.Name, "community": g.CommunityCode, "street": g.StreetCode,
		"households": g.Households, "population": g.Population,
	})
}

func (s *Server) listGrids(c *fiber.Ctx) error {
	if err := checkParams(c, "street", "community", "bbox"); err != nil {
		return err
	}
	f, err := divisionFilter(c)
	if err != nil {
		return err
	}
	grids, err := s.deps.Divisions.Grids(c.UserContext(), f)
	if err != nil {
		return err
	}
	fs := make([]*geojson.Feature, 0, len(grids))
	for _, g := range grids {
		fs = append(fs, gridFeature(g))
	}
	return sendFeatures(c, fs)
}

func (s *Server) getGrid(c *fiber.Ctx) error {
	if err := checkParams(c); err != nil {
		return err
	}
	code := c.Params("code")
	if !gridmap.ValidGridCode(code) {
		return gridmap.Invalid("code", "grid code %q is malformed: want 15 digits, e.g. 350181003003001", code)
	}
	g, err := s.deps.Divisions.Grid(c.UserContext(), code)
	if err != nil {
		return err
	}
	return sendFeature(c, gridFeature(g))
}

func (s *Server) listPlaces(layer gridmap.PlaceLayer) fiber.Handler {
	kinds := gridmap.RedPositionKinds
	if layer == gridmap.Stations {
		kinds = gridmap.StationKinds
	}
	return func(c *fiber.Ctx) error {
		if err := checkParams(c, "street", "community", "grid", "bbox", "kind"); err != nil {
			return err
		}
		f, err := divisionFilter(c)
		if err != nil {
			return err
		}
		kind := c.Query("kind")
		if kind != "" {
			if _, ok := gridmap.Lookup(kinds, kind); !ok {
				return gridmap.Invalid("kind", "unknown kind %q for %s", kind, layer)
			}
		}
		places, err := s.deps.Divisions.Places(c.UserContext(), layer, f)
		if err != nil {
			return err
		}
		fs := make([]*geojson.Feature, 0, len(places))
		for _, p := range places {
			if kind != "" && p.Kind != kind {
				continue
			}
			k, _ := gridmap.Lookup(kinds, p.Kind)
			fs = append(fs, feature(p.Code, p.Point, geojson.Properties{
				"code": p.Code, "name": p.Name, "kind": p.Kind, "kind_zh": k.ZH, "kind_en": k.EN,
				"grid": p.GridCode, "community": gridmap.CommunityOf(p.GridCode), "street": gridmap.StreetOf(p.GridCode),
				"opening_hours": gridmap.MaskPersonal(p.OpeningHours), // a contact may be written there
			}))
		}
		return sendFeatures(c, fs)
	}
}
