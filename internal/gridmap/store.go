package gridmap

import (
	"context"

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
