package web

import (
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb/geojson"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// The analytics endpoints answer street leaders (coverage, tiling, hotspots) and wall displays
// (key figures). They are computed in PostGIS on each request; responses are small.

type gridCoverageJSON struct {
	Code                string   `json:"code"`
	Name                string   `json:"name"`
	Community           codeName `json:"community"`
	Street              codeName `json:"street"`
	Households          int      `json:"households"`
	Population          int      `json:"population"`
	GridWorkers         int      `json:"grid_workers"`
	PartyMembers        int      `json:"party_members"`
	Volunteers          int      `json:"volunteers"`
	HouseholdsCovered   int      `json:"households_covered"`
	RedPositions        int      `json:"red_positions"`
	Stations            int      `json:"stations"`
	NearestRedPositionM *float64 `json:"nearest_red_position_m"`
	NearestStationM     *float64 `json:"nearest_station_m"`
	Incidents           int      `json:"incidents"`
	OpenIncidents       int      `json:"open_incidents"`
	OverdueIncidents    int      `json:"overdue_incidents"`
	Gaps                []string `json:"gaps"`
}

func metres(v float64) *float64 {
	if v < 0 {
		return nil
	}
	r := round2(v)
	return &r
}

// coverage: GET /api/v1/coverage?street=&community=&walk_m=&since=&until=
func (s *Server) coverage(c *fiber.Ctx) error {
	if err := checkParams(c, "street", "community", "walk_m", "since", "until"); err != nil {
		return err
	}
	df, err := divisionFilter(c)
	if err != nil {
		return err
	}
	q := gridmap.CoverageQuery{Street: df.Street, Community: df.Community, Scope: principal(c).ScopeFor(gridmap.ActReadFigures)}
	if q.WalkM, err = numberParam(c, "walk_m", 500, 50, 5000); err != nil {
		return err
	}
	if q.Since, q.Until, err = window(c); err != nil {
		return err
	}
	rows, err := s.deps.Analytics.Coverage(c.UserContext(), q)
	if err != nil {
		return err
	}
	out := make([]gridCoverageJSON, len(rows))
	summary := map[string]int{}
	for _, k := range gridmap.GapKinds {
		summary[k.Code] = 0
	}
	for i, r := range rows {
		out[i] = gridCoverageJSON{
			Code: r.Grid.Code, Name: r.Grid.Name,
			Community: codeName{r.Grid.CommunityCode, r.CommunityName}, Street: codeName{r.Grid.StreetCode, r.StreetName},
			Households: r.Grid.Households, Population: r.Grid.Population,
			GridWorkers: r.GridWorkers, PartyMembers: r.PartyMembers, Volunteers: r.Volunteers, HouseholdsCovered: r.HouseholdsCovered,
			RedPositions: r.RedPositions, Stations: r.Stations,
			NearestRedPositionM: metres(r.NearestRedPositionM), NearestStationM: metres(r.NearestStationM),
			Incidents: r.Incidents, OpenIncidents: r.OpenIncidents, OverdueIncidents: r.OverdueIncidents, Gaps: r.Gaps,
		}
		for _, g := range r.Gaps {
			summary[g]++
		}
	}
	return c.JSON(fiber.Map{"walk_m": q.WalkM, "grids": out, "count": len(out), "gaps": summary, "gap_kinds": gridmap.GapKinds})
}

// tiling: GET /api/v1/tiling?street=&community= — gaps and overlaps as GeoJSON.
func (s *Server) tiling(c *fiber.Ctx) error {
	if err := checkParams(c, "street", "community"); err != nil {
		return err
	}
	df, err := divisionFilter(c)
	if err != nil {
		return err
	}
	probs, err := s.deps.Analytics.Tiling(c.UserContext(), df.Street, df.Community, principal(c).ScopeFor(gridmap.ActReadFigures))
	if err != nil {
		return err
	}
	fs := make([]*geojson.Feature, 0, len(probs))
	for i, p := range probs {
		fs = append(fs, feature(strconv.Itoa(i+1), p.Geometry, geojson.Properties{
			"kind": p.Kind, "community": p.Community, "grids": p.Grids, "area_m2": round2(p.AreaM2),
		}))
	}
	return sendFeatures(c, fs)
}

// hotspots: GET /api/v1/hotspots — grids ranked by incidents per 100 households.
func (s *Server) hotspots(c *fiber.Ctx) error {
	if err := checkParams(c, "street", "community", "category", "status", "channel", "since", "until", "limit", "f"); err != nil {
		return err
	}
	df, err := divisionFilter(c)
	if err != nil {
		return err
	}
	f := gridmap.IncidentFilter{Street: df.Street, Community: df.Community, Channel: c.Query("channel"), Scope: principal(c).ScopeFor(gridmap.ActReadFigures)}
	if f.Status, err = enumList(c, "status", gridmap.Statuses); err != nil {
		return err
	}
	if f.Category, err = enumList(c, "category", categoryNames()); err != nil {
		return err
	}
	if f.Since, f.Until, err = window(c); err != nil {
		return err
	}
	if f.Until.IsZero() {
		f.Until = s.now()
	}
	if f.Since.IsZero() {
		f.Since = f.Until.AddDate(0, 0, -30)
	}
	if !f.Until.After(f.Since) {
		return gridmap.Invalid("since", "since (%s) must be before until (%s)", f.Since.Format(time.RFC3339), f.Until.Format(time.RFC3339))
	}
	limit, err := intParam(c, "limit", 20, 1, 10000)
	if err != nil {
		return err
	}
	hot, err := s.deps.Analytics.Hotspots(c.UserContext(), f, limit)
	if err != nil {
		return err
	}
	if c.Query("f") == "geojson" {
		fs := make([]*geojson.Feature, 0, len(hot))
		for _, h := range hot {
			fs = append(fs, feature(h.GridCode, h.Point, geojson.Properties{
				"grid": h.GridCode, "name": h.GridName, "community": h.CommunityCode, "street": h.StreetCode,
				"households": h.Households, "incidents": h.Incidents, "open": h.Open, "overdue": h.Overdue,
				"per_100_households": round2(h.Per100Households),
			}))
		}
		return sendFeatures(c, fs)
	}
	type item struct {
		Grid       codeName `json:"grid"`
		Community  string   `json:"community"`
		Street     string   `json:"street"`
		Households int      `json:"households"`
		Incidents  int      `json:"incidents"`
		Open       int      `json:"open"`
		Overdue    int      `json:"overdue"`
		Per100     float64  `json:"per_100_households"`
		Lon        float64  `json:"lon"`
		Lat        float64  `json:"lat"`
	}
	items := make([]item, len(hot))
	for i, h := range hot {
		items[i] = item{codeName{h.GridCode, h.GridName}, h.CommunityCode, h.StreetCode, h.Households, h.Incidents, h.Open, h.Overdue,
			round2(h.Per100Households), h.Point[0], h.Point[1]}
	}
	return c.JSON(fiber.Map{"since": f.Since, "until": f.Until, "items": items})
}

func categoryNames() []gridmap.Named {
	out := make([]gridmap.Named, len(gridmap.Categories))
	for i, c := range gridmap.Categories {
		out[i] = gridmap.Named{Code: c.Code, ZH: c.ZH, EN: c.EN}
	}
	return out
}

// statsTTL is how long one computation of the key figures serves every display: many walls
// polling every few seconds cost the database one query batch per TTL.
const statsTTL = 5 * time.Second

// ttlCache holds one value for ttl after it was computed (the key figures, whether the data
// is a demo); one request at a time recomputes it, the others wait and share the answer.
type ttlCache[T any] struct {
	mu  sync.Mutex
	at  time.Time
	val T
}

// get returns the value, computing it first when it is older than ttl; a failed computation
// keeps nothing.
func (c *ttlCache[T]) get(ttl time.Duration, compute func() (T, error)) (T, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.at) < ttl {
		return c.val, nil
	}
	v, err := compute()
	if err != nil {
		var zero T
		return zero, err
	}
	c.at, c.val = time.Now(), v
	return v, nil
}

// stats: GET /api/v1/stats — the wall display's key figures, at most statsTTL old.
func (s *Server) stats(c *fiber.Ctx) error {
	if err := checkParams(c); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	body, err := s.statsCache.get(statsTTL, func() ([]byte, error) { return s.computeStats(c) })
	if err != nil {
		return err
	}
	return c.Send(body)
}

func (s *Server) computeStats(c *fiber.Ctx) ([]byte, error) {
	st, err := s.deps.Analytics.Stats(c.UserContext(), s.now())
	if err != nil {
		return nil, err
	}
	streets := make([]fiber.Map, len(st.ByStreet))
	for i, f := range st.ByStreet {
		streets[i] = fiber.Map{"code": f.Code, "name": f.Name, "grids": f.Grids, "households": f.Households, "open": f.Open, "overdue": f.Overdue, "today": f.Today}
	}
	return jsonMarshal(fiber.Map{
		"at": st.At, "streets": st.Streets, "communities": st.Communities, "grids": st.Grids,
		"households": st.Households, "population": st.Population,
		"staff":         fiber.Map{"grid_workers": st.GridWorkers, "party_members": st.PartyMembers, "volunteers": st.Volunteers},
		"red_positions": st.RedPositions, "stations": st.Stations,
		"incidents":       fiber.Map{"today": st.IncidentsToday, "week": st.IncidentsWeek, "open": st.Open, "overdue": st.Overdue, "resolved_today": st.ResolvedToday, "unassigned": st.Unassigned, "on_time_rate_30d": round2(st.OnTimeRate * 100)},
		"by_category_30d": st.ByCategory, "by_channel_30d": st.ByChannel, "by_status_30d": st.ByStatus,
		"by_street": streets, "hourly_24h": st.Hourly,
	})
}
