package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/gridmap/gridmap/internal/dataset"
	"github.com/gridmap/gridmap/internal/gridmap"
)

// putGrid: PUT /api/v1/grids/{code} with a GeoJSON Feature (Polygon or MultiPolygon; properties
// name, households and population, and optionally code, community and street, which must agree
// with the URL) creates or replaces a grid. The feature is read by the import's own parser and
// checked like an import; open incidents whose point now falls in another grid are reassigned
// in the same transaction; every instance follows within a second through the database's
// change notice.
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
	p := principal(c)
	if err := inScope(p, gridmap.ActEditGrids, "code", code); err != nil {
		return err
	}
	g, problems := dataset.ParseGrid(c.Body(), "request body", code)
	if len(problems) > 0 {
		return problemsError(problems)
	}
	if g.Code != code {
		return gridmap.Invalid("properties.code", "the body's code %s is not the grid %s of the URL", g.Code, code)
	}
	moved, err := s.deps.Grids.SaveGrid(c.UserContext(), g, p.ActorFor(gridmap.ActEditGrids))
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

// problemsError is a 400 listing a dataset's problems, each under its field.
func problemsError(ps dataset.Problems) error {
	errs := make([]gridmap.FieldError, len(ps))
	for i, p := range ps {
		field := p.Field
		if field == "" {
			field = "body"
		}
		errs[i] = gridmap.FieldError{Field: field, Message: p.Reason}
	}
	return fieldsError(errs)
}
