package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// Route is one endpoint as the role × route matrix sees it: its method, its path template and
// the action (gridmap.Act*) its caller must be allowed.
type Route struct {
	Method, Path, Action string
}

// endpoint is a route with its handlers.
type endpoint struct {
	Route
	handlers []fiber.Handler
}

func ep(method, path, action string, h ...fiber.Handler) endpoint {
	return endpoint{Route{method, path, action}, h}
}

// endpoints is the one table of the server's routes, each with the action it needs: routes()
// registers nothing else, and a test checks that every route fiber knows is in it.
func (s *Server) endpoints() []endpoint {
	get, post, put, del := fiber.MethodGet, fiber.MethodPost, fiber.MethodPut, fiber.MethodDelete
	r := []endpoint{
		ep(get, "/healthz", gridmap.ActRead, s.healthz),
		ep(get, "/readyz", gridmap.ActRead, s.readyz),
		ep(get, "/metrics", gridmap.ActRead, s.metricsHandler),
		ep(get, "/api/v1/streets", gridmap.ActRead, s.listStreets),
		ep(get, "/api/v1/communities", gridmap.ActRead, s.listCommunities),
		ep(get, "/api/v1/grids", gridmap.ActRead, s.listGrids),
		ep(get, "/api/v1/grids/:code", gridmap.ActRead, s.getGrid),
		ep(get, "/api/v1/red-positions", gridmap.ActRead, s.listPlaces(gridmap.RedPositions)),
		ep(get, "/api/v1/stations", gridmap.ActRead, s.listPlaces(gridmap.Stations)),
		ep(get, "/api/v1/categories", gridmap.ActRead, s.categories),
		ep(get, "/api/v1/site", gridmap.ActRead, s.site),
	}
	if s.deps.Grids != nil {
		// A grid edit may also move open incidents to the grids that now hold them.
		r = append(r, ep(put, "/api/v1/grids/:code", gridmap.ActEditGrids, s.changes(s.putGrid, "grids", "incidents")))
	}
	if s.deps.Locator != nil {
		r = append(r, ep(get, "/api/v1/locate", gridmap.ActRead, s.locateOne), ep(post, "/api/v1/locate", gridmap.ActRead, s.locateMany))
	}
	if s.deps.Intake != nil && s.deps.Incidents != nil {
		r = append(r,
			ep(post, "/api/v1/incidents", gridmap.ActReport, s.createIncident),
			ep(post, "/api/v1/incidents/batch", gridmap.ActReport, s.createBatch),
			ep(get, "/api/v1/incidents", gridmap.ActReadIncidents, s.listIncidents),
			ep(get, "/api/v1/incidents/:id", gridmap.ActReadIncidents, s.getIncident),
			// The move's own action (work or dispatch) is checked for the incident's grid.
			ep(post, "/api/v1/incidents/:id/transitions", gridmap.ActWork, s.changes(s.transition, "incidents")),
		)
	}
	if s.deps.Analytics != nil {
		r = append(r,
			ep(get, "/api/v1/coverage", gridmap.ActReadFigures, s.coverage),
			ep(get, "/api/v1/tiling", gridmap.ActReadFigures, s.tiling),
			ep(get, "/api/v1/hotspots", gridmap.ActReadFigures, s.hotspots),
			ep(get, "/api/v1/stats", gridmap.ActRead, s.stats), // the public key figures, the same for everyone
		)
		if s.deps.Feed != nil {
			r = append(r, ep(get, "/api/v1/events", gridmap.ActRead, s.events)) // public fields only
		}
	}
	if s.deps.Auth != nil && s.deps.Accounts != nil {
		r = append(r,
			ep(post, sessionPath, gridmap.ActRead, s.signIn),
			ep(del, sessionPath, gridmap.ActSelf, s.signOut),
			ep(get, "/api/v1/me", gridmap.ActRead, s.me),
			ep(get, "/api/v1/me/sessions", gridmap.ActSelf, s.mySessions),
			ep(get, "/api/v1/me/tokens", gridmap.ActSelf, s.myTokens),
			ep(post, "/api/v1/me/tokens", gridmap.ActSelf, s.createMyToken),
			ep(del, "/api/v1/me/tokens/:id", gridmap.ActSelf, s.revokeMyToken),
			ep(get, "/api/v1/users", gridmap.ActManageUsers, s.users),
			ep(get, "/api/v1/audit", gridmap.ActReadAudit, s.audit),
		)
	}
	if s.deps.Loop != nil && s.deps.Staff != nil && s.deps.Incidents != nil {
		id := "/api/v1/incidents/:id/"
		r = append(r,
			ep(post, id+"dispatch", gridmap.ActDispatch, s.changes(s.step(gridmap.ActDispatch, s.dispatch), "incidents")),
			ep(post, id+"return", gridmap.ActWork, s.changes(s.step(gridmap.ActWork, s.returnStep), "incidents")),
			ep(post, id+"respond", gridmap.ActWork, s.changes(s.step(gridmap.ActWork, s.respond), "incidents")),
			ep(post, id+"progress", gridmap.ActWork, s.changes(s.step(gridmap.ActWork, s.progress), "incidents")),
			ep(post, id+"urge", gridmap.ActDispatch, s.changes(s.step(gridmap.ActDispatch, s.urge), "incidents")),
			ep(post, id+"callback", gridmap.ActDispatch, s.changes(s.step(gridmap.ActDispatch, s.callback), "incidents")),
			ep(post, id+"duplicate", gridmap.ActDispatch, s.changes(s.step(gridmap.ActDispatch, s.duplicate), "incidents")),
			ep(post, id+"not-duplicate", gridmap.ActDispatch, s.changes(s.step(gridmap.ActDispatch, s.notDuplicate), "incidents")),
			ep(get, "/api/v1/supervision", gridmap.ActReadIncidents, s.supervision),
			ep(get, "/api/v1/departments", gridmap.ActRead, s.departments),
			ep(put, "/api/v1/departments/:code", gridmap.ActManageSettings, s.putDepartment),
			ep(get, "/api/v1/calendar", gridmap.ActRead, s.calendarDays),
			ep(put, "/api/v1/calendar/:date", gridmap.ActManageSettings, s.putCalendarDay),
			ep(del, "/api/v1/calendar/:date", gridmap.ActManageSettings, s.deleteCalendarDay),
		)
	}
	if s.deps.Photos != nil && s.deps.Incidents != nil {
		r = append(r,
			ep(post, "/api/v1/incidents/:id/photos", gridmap.ActWork, s.addPhoto),
			ep(get, "/api/v1/incidents/:id/photos/:photo", gridmap.ActReadIncidents, s.getPhoto),
		)
	}
	if s.deps.Figures != nil {
		r = append(r,
			ep(get, "/api/v1/figures", gridmap.ActReadFigures, s.figures),
			ep(get, "/api/v1/reports/monthly", gridmap.ActReadFigures, s.monthlyReport),
		)
	}
	if s.deps.Staff != nil {
		r = append(r,
			ep(get, "/api/v1/staff", gridmap.ActReadStaff, s.listStaff),
			ep(put, "/api/v1/staff/:id", gridmap.ActManageStaff, s.changes(s.putStaff, "staff")),
			ep(del, "/api/v1/staff/:id", gridmap.ActManageStaff, s.changes(s.retireStaff, "staff")),
		)
	}
	if s.deps.Features != nil {
		r = append(r, // OGC API – Features
			ep(get, "/ogc", gridmap.ActRead, s.ogcLanding),
			ep(get, "/ogc/conformance", gridmap.ActRead, s.ogcConformance),
			ep(get, "/ogc/api", gridmap.ActRead, s.ogcAPI),
			ep(get, "/ogc/collections", gridmap.ActRead, s.ogcCollections),
			ep(get, "/ogc/collections/:id", gridmap.ActRead, s.ogcCollection),
			ep(get, "/ogc/collections/:id/queryables", gridmap.ActRead, s.ogcQueryables),
			ep(get, "/ogc/collections/:id/items", gridmap.ActRead, s.ogcItems),
			ep(get, "/ogc/collections/:id/items/:fid", gridmap.ActRead, s.ogcItem),
		)
	}
	if s.deps.Tiles != nil {
		r = append(r, ep(get, "/tiles/:file", gridmap.ActRead, s.tileJSON), ep(get, "/tiles/:layer/:z/:x/:file", gridmap.ActRead, s.tile))
		if s.deps.TileSQL != nil {
			r = append(r, ep(get, "/tiles-sql/:layer/:z/:x/:file", gridmap.ActRead, s.tileSQL))
		}
	}
	return r
}

// Routes lists the server's routes with the action each needs, for the role × route matrix.
func (s *Server) Routes() []Route {
	eps := s.endpoints()
	out := make([]Route, len(eps))
	for i, e := range eps {
		out[i] = e.Route
	}
	return out
}
