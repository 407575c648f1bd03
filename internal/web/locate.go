package web

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/gridmap/gridmap/internal/crs"
	"github.com/gridmap/gridmap/internal/gridmap"
)

func parseCRS(v string) (string, error) {
	if v == "" {
		return gridmap.CRSWGS84, nil
	}
	if !gridmap.ValidCRS(v) {
		return "", gridmap.Invalid("crs", "unknown coordinate system %q: use wgs84, gcj02 or bd09", v)
	}
	return v, nil
}

func parseCoord(param, v string, limit float64) (float64, error) {
	if v == "" {
		return 0, gridmap.Invalid(param, "%s is required", param)
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, gridmap.Invalid(param, "%s %q is not a number", param, v)
	}
	if f < -limit || f > limit {
		return 0, gridmap.Invalid(param, "%s %v is out of range -%v..%v", param, f, limit, limit)
	}
	return f, nil
}

// locateOne: GET /api/v1/locate?lon=&lat=&crs= — which grid a point is in.
func (s *Server) locateOne(c *fiber.Ctx) error {
	if err := checkParams(c, "lon", "lat", "crs"); err != nil {
		return err
	}
	lon, err := parseCoord("lon", c.Query("lon"), 180)
	if err != nil {
		return err
	}
	lat, err := parseCoord("lat", c.Query("lat"), 90)
	if err != nil {
		return err
	}
	system, err := parseCRS(c.Query("crs"))
	if err != nil {
		return err
	}
	wlon, wlat, _ := crs.ToWGS84(system, lon, lat)
	a := toAssignmentJSON(s.deps.Locator().Assign(wlon, wlat))
	return c.JSON(fiber.Map{"lon": wlon, "lat": wlat, "result": a})
}

// locateMany: POST /api/v1/locate {"crs": "wgs84", "points": [[lon, lat], ...]} — results in
// the same order, up to the batch limit.
func (s *Server) locateMany(c *fiber.Ctx) error {
	if err := checkParams(c); err != nil {
		return err
	}
	if err := requireJSON(c); err != nil {
		return err
	}
	var body struct {
		CRS    string            `json:"crs"`
		Points []json.RawMessage `json:"points"`
	}
	if err := decodeJSON(c.Body(), &body); err != nil {
		return err
	}
	system, err := parseCRS(body.CRS)
	if err != nil {
		return err
	}
	if body.Points == nil {
		return gridmap.Invalid("points", "points is required: an array of [lon, lat]")
	}
	if len(body.Points) > s.opts.MaxBatch {
		return &gridmap.Error{Code: gridmap.ETooLarge, Field: "points", Message: "at most " + strconv.Itoa(s.opts.MaxBatch) + " points per request"}
	}
	loc := s.deps.Locator()
	results := make([]assignmentJSON, len(body.Points))
	for i, raw := range body.Points {
		var p []float64
		field := "points." + strconv.Itoa(i)
		if err := json.Unmarshal(raw, &p); err != nil || len(p) != 2 {
			return gridmap.Invalid(field, "point %d must be [lon, lat] with two numbers", i)
		}
		if p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
			return gridmap.Invalid(field, "point %d [%v, %v] is out of range", i, p[0], p[1])
		}
		lon, lat, _ := crs.ToWGS84(system, p[0], p[1])
		results[i] = toAssignmentJSON(loc.Assign(lon, lat))
	}
	return c.JSON(fiber.Map{"crs": system, "results": results})
}
