package intake

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/gridmap/gridmap/internal/calendar"
	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/spatial"
)

// GridLocator is a Locator over one spatial snapshot, naming each grid's community and street.
type GridLocator struct {
	Snap        *spatial.Snapshot
	Communities map[string]string // code → name
	Streets     map[string]string // code → name
}

// NewGridLocator builds the index over grids and keeps the names of their parents.
func NewGridLocator(grids []gridmap.Grid, communities []gridmap.Community, streets []gridmap.Street, opts spatial.Options) (*GridLocator, error) {
	snap, err := spatial.Build(grids, opts)
	if err != nil {
		return nil, err
	}
	l := &GridLocator{Snap: snap, Communities: make(map[string]string, len(communities)), Streets: make(map[string]string, len(streets))}
	for _, c := range communities {
		l.Communities[c.Code] = c.Name
	}
	for _, s := range streets {
		l.Streets[s.Code] = s.Name
	}
	return l, nil
}

// Assign locates a WGS-84 point.
func (l *GridLocator) Assign(lon, lat float64) gridmap.Assignment {
	if l == nil || l.Snap == nil || l.Snap.Len() == 0 {
		return gridmap.Assignment{Method: gridmap.MethodUnassigned, Reason: "no grids are loaded"}
	}
	r := l.Snap.Locate(lon, lat)
	return l.assignment(r)
}

func (l *GridLocator) assignment(r spatial.Result) gridmap.Assignment {
	a := gridmap.Assignment{Method: r.Method, DistanceM: r.DistanceM}
	if r.Grid < 0 {
		tol := l.Snap.NearestMetres()
		if r.DistanceM > 0 && !math.IsInf(r.DistanceM, 0) {
			a.Reason = fmt.Sprintf("outside every grid; the nearest is %.0f m away, beyond the %.0f m tolerance", r.DistanceM, tol)
		} else {
			a.Reason = fmt.Sprintf("outside every grid and more than %.0f m from any", tol)
			a.DistanceM = 0
		}
		return a
	}
	g := l.Snap.Grid(r.Grid)
	a.GridCode, a.GridName = g.Code, g.Name
	a.CommunityCode, a.CommunityName = g.CommunityCode, l.Communities[g.CommunityCode]
	a.StreetCode, a.StreetName = g.StreetCode, l.Streets[g.StreetCode]
	return a
}

// Planner prepares imported reports against one set of grids, with the same code as the API
// (it satisfies postgis.Planner).
type Planner struct {
	Loc *GridLocator
	Cal *gridmap.Calendar // nil: the national schedule alone
	Now time.Time
}

// Assign locates a point.
func (p *Planner) Assign(lon, lat float64) gridmap.Assignment { return p.Loc.Assign(lon, lat) }

// Calendar is the working calendar the planner reckons by.
func (p *Planner) Calendar() *gridmap.Calendar {
	if p.Cal == nil {
		return calendar.Default()
	}
	return p.Cal
}

// Prepare validates, converts and locates one report.
func (p *Planner) Prepare(rep gridmap.Report) (gridmap.Incident, error) {
	in, _, errs := Prepare(p.Loc, p.Calendar(), rep, p.Now)
	if len(errs) > 0 {
		return in, fmt.Errorf("%s: %s", errs[0].Field, errs[0].Message)
	}
	return in, nil
}

// LoadLocator reads every grid with its parents' names from store and builds the index over
// them: what a server does at start and whenever grids change.
func LoadLocator(ctx context.Context, store gridmap.DivisionStore, opts spatial.Options) (*GridLocator, error) {
	grids, err := store.Grids(ctx, gridmap.DivisionFilter{})
	if err != nil {
		return nil, err
	}
	comms, err := store.Communities(ctx, gridmap.DivisionFilter{})
	if err != nil {
		return nil, err
	}
	streets, err := store.Streets(ctx)
	if err != nil {
		return nil, err
	}
	return NewGridLocator(grids, comms, streets, opts)
}
