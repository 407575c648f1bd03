package gridmap

import (
	"context"
	"time"

	"github.com/paulmach/orb"
)

// Coverage gap flags: what a grid lacks, as street leaders inspect it.
const (
	GapNoGridWorker      = "no_grid_worker"
	GapNoPartyMember     = "no_party_member"
	GapNoRedPositionNear = "no_red_position_nearby"
	GapNoStationNear     = "no_station_nearby"
)

// GapKinds lists the gap flags with their display names.
var GapKinds = []Named{
	{GapNoGridWorker, "无网格员", "no grid worker"},
	{GapNoPartyMember, "无网格党员", "no grid party member"},
	{GapNoRedPositionNear, "步行范围内无红色阵地", "no red position within walking distance"},
	{GapNoStationNear, "步行范围内无服务驿站", "no service station within walking distance"},
}

// GridCoverage is one grid as a street leader inspects it: who answers for it, what service
// points are near, and how many incidents it carries.
type GridCoverage struct {
	Grid                Grid // without geometry
	CommunityName       string
	StreetName          string
	GridWorkers         int
	PartyMembers        int
	Volunteers          int
	HouseholdsCovered   int
	RedPositions        int     // inside the grid
	Stations            int     // inside the grid
	NearestRedPositionM float64 // from the grid's interior point; -1 when there is none at all
	NearestStationM     float64
	Incidents           int // reported in the window
	OpenIncidents       int // open now
	OverdueIncidents    int // open and past due now
	Gaps                []string
}

// CoverageQuery selects grids and sets the measures of a coverage report.
type CoverageQuery struct {
	Street, Community string
	Scope             Scope     // grids inside it only (nil: no limit)
	WalkM             float64   // walking distance for "nearby"; 0 means 500 m
	Since, Until      time.Time // window for incident counts
}

// TilingProblem is a gap inside a community that no grid covers, or an overlap between two
// grids, with its area and shape.
type TilingProblem struct {
	Kind      string // "gap" or "overlap"
	Community string
	Grids     []string // the overlapping grids
	AreaM2    float64
	Geometry  orb.Geometry
}

// GridIncidents counts one grid's incidents in a window, for hotspot rankings.
type GridIncidents struct {
	GridCode, GridName, CommunityCode, StreetCode string
	Households                                    int
	Incidents, Open, Overdue                      int
	Per100Households                              float64
	Point                                         orb.Point // the grid's interior point
}

// Stats are the key figures a command-centre wall display shows.
type Stats struct {
	At                                           time.Time
	Streets, Communities, Grids                  int
	Households, Population                       int
	GridWorkers, PartyMembers, Volunteers        int
	RedPositions, Stations                       int
	IncidentsToday, IncidentsWeek, Open, Overdue int
	ResolvedToday, Unassigned                    int
	OnTimeRate                                   float64        // share of incidents resolved in the last 30 days that met their due time
	ByCategory, ByChannel, ByStatus              map[string]int // last 30 days
	ByStreet                                     []StreetFigures
	Hourly                                       []int // incidents per hour, last 24 hours, oldest first
}

// StreetFigures are one street's figures on the wall display.
type StreetFigures struct {
	Code, Name           string
	Grids, Households    int
	Open, Overdue, Today int
}

// Change is one event of an incident's audit trail with the incident it changed: what a live
// feed sends.
type Change struct {
	Event    Event
	Incident Incident
}

// AnalyticsStore computes coverage, hotspots and figures in the database.
type AnalyticsStore interface {
	Coverage(ctx context.Context, q CoverageQuery) ([]GridCoverage, error)
	Tiling(ctx context.Context, street, community string, scope Scope) ([]TilingProblem, error)
	Hotspots(ctx context.Context, f IncidentFilter, limit int) ([]GridIncidents, error)
	Stats(ctx context.Context, now time.Time) (Stats, error)
	// ChangesAfter returns the audit events with ids above id, oldest first, each with its
	// incident as it stands now, for live feeds.
	ChangesAfter(ctx context.Context, id int64, limit int) ([]Change, error)
	// LastChangeID is the newest audit event's id (0 with none).
	LastChangeID(ctx context.Context) (int64, error)
	// Demo reports whether what is served is demo data: synthetic divisions or simulated
	// incidents.
	Demo(ctx context.Context) (bool, error)
}
