package gridmap

import (
	"context"
	"time"

	"github.com/paulmach/orb"
)

// DivisionFilter narrows a list of communities, grids or places. Empty fields do not filter.
type DivisionFilter struct {
	Street    string     // 9-digit street code
	Community string     // 12-digit community code
	Grid      string     // 15-digit grid code (places only)
	BBox      *orb.Bound // WGS-84 bounding box
}

// PlaceLayer selects one of the two kinds of fixed service point.
type PlaceLayer string

// The place layers.
const (
	RedPositions PlaceLayer = "red_positions"
	Stations     PlaceLayer = "stations"
)

// DivisionStore reads the administrative hierarchy and its service points. The web layer
// depends on this interface; internal/postgis implements it.
type DivisionStore interface {
	Streets(ctx context.Context) ([]Street, error)
	Communities(ctx context.Context, f DivisionFilter) ([]Community, error)
	Grids(ctx context.Context, f DivisionFilter) ([]Grid, error)
	Grid(ctx context.Context, code string) (Grid, error)
	Places(ctx context.Context, layer PlaceLayer, f DivisionFilter) ([]Place, error)
}

// StoreResult is the outcome of storing one incident: its id, whether this call created it or
// it was already stored under the same client key, and whether that earlier request differed
// (the client reused a key for another report).
type StoreResult struct {
	ID        int64
	Created   bool
	CreatedAt time.Time
	Mismatch  bool
	// PossibleDupOf is the open incident of the same category nearby that the new one was
	// flagged as a possible duplicate of (0: none).
	PossibleDupOf int64
}

// IncidentFilter narrows a list of incidents. Empty fields do not filter.
type IncidentFilter struct {
	Grid, Community, Street string
	Status                  []string
	Category                []string
	Channel                 string
	Since, Until            time.Time // on reported_at: Since inclusive, Until exclusive
	BBox                    *orb.Bound
	Overdue                 *bool
	Unassigned              bool
	// Scope keeps the incidents of grids inside it (nil: no limit); incidents without a grid
	// are inside only the city.
	Scope Scope
	// ReportedBy keeps the incidents an account reported (0: anyone's).
	ReportedBy int64
	// Department keeps the incidents dispatched to a department ("": any).
	Department string
	// Warned keeps the open incidents that a supervision rule warns of at the filter's now.
	Warned bool
}

// Transition is a requested move of an incident through the workflow.
type Transition struct {
	To    string
	Actor Actor
	Note  string
	Grid  string // for a move to assigned: the grid to hand it to ("" keeps the current grid)
	// Scope is where the actor may make this move (nil: anywhere): an incident whose grid, or
	// target grid, lies outside it is not found. It is checked under the row's lock.
	Scope Scope
}

// IncidentStore keeps incidents and their audit trails. Writes are transactional: an incident,
// its assignment and its first audit event are stored together or not at all.
type IncidentStore interface {
	// CreateIncidents stores prepared incidents, each with a distinct ClientKey; incidents whose
	// key is already stored are not stored again.
	CreateIncidents(ctx context.Context, ins []Incident, hashes [][]byte) ([]StoreResult, error)
	// Incident returns one incident with its history.
	Incident(ctx context.Context, id int64) (Incident, error)
	// Incidents returns up to limit incidents matching f, newest first, with ids below before
	// (0: from the newest).
	Incidents(ctx context.Context, f IncidentFilter, limit int, before int64) ([]Incident, error)
	// Transition moves an incident through the workflow, recording the move in its history;
	// an illegal move is an EConflict error.
	Transition(ctx context.Context, id int64, t Transition) (Incident, error)
}

// GridEditor changes grids one at a time, with the same checks as an import (valid geometry,
// inside the community, no overlap) and the reassignment of open incidents that a boundary
// change implies.
type GridEditor interface {
	// SaveGrid creates or replaces a grid and returns how many open incidents moved; the
	// change and the moves are recorded as made by by.
	SaveGrid(ctx context.Context, g Grid, by Actor) (reassigned int, err error)
}
