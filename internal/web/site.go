package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// categories: GET /api/v1/categories — what intake accepts and every label the pages show for a
// code: categories, channels, statuses, kinds of red position and station, staff roles and
// coverage gaps, each in Chinese and English. The pages take their labels from here and
// nowhere else, so a status reads the same in the API and on the map.
func (s *Server) categories(c *fiber.Ctx) error {
	if err := checkParams(c); err != nil {
		return err
	}
	// Revalidated (ETag) rather than kept: a deploy that renames a label shows at once.
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.JSON(fiber.Map{
		"categories": gridmap.Categories, "channels": gridmap.Channels, "statuses": gridmap.Statuses,
		"status_groups":      gridmap.StatusGroups(),
		"red_position_kinds": gridmap.RedPositionKinds, "station_kinds": gridmap.StationKinds,
		"staff_roles": gridmap.StaffRoles, "gap_kinds": gridmap.GapKinds,
		"crs":           []string{gridmap.CRSWGS84, gridmap.CRSGCJ02, gridmap.CRSBD09},
		"working_hours": "08:30-12:00, 14:00-17:30 China Standard Time on working days: Monday to Friday, less public holidays, plus make-up working days (GET /api/v1/calendar)",
	})
}

// demoTTL is how long one answer to "is this demo data?" serves every page.
const demoTTL = 10 * time.Second

// site: GET /api/v1/site — what the pages need to know of the server before they draw: the
// server clock's time (the pages reckon "today" and "the last 7 days" by it, not by the
// browser's clock) and whether the data is a demo (synthetic divisions or a simulated city),
// which every page then says in a badge.
func (s *Server) site(c *fiber.Ctx) error {
	if err := checkParams(c); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	demo, err := s.demo(c)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"now": s.now(), "demo": demo || s.opts.Simulating, "simulating": s.opts.Simulating})
}

func (s *Server) demo(c *fiber.Ctx) (bool, error) {
	if s.deps.Analytics == nil {
		return false, nil
	}
	return s.demoCache.get(demoTTL, func() (bool, error) { return s.deps.Analytics.Demo(c.UserContext()) })
}
