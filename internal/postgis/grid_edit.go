package postgis

import (
	"context"
	"errors"

	"github.com/gridmap/gridmap/internal/dataset"
	"github.com/gridmap/gridmap/internal/gridmap"
)

// GridEditor saves single grids through the import path.
type GridEditor struct {
	DB   *DB
	Plan IncidentPlanner
}

var _ gridmap.GridEditor = GridEditor{}

// SaveGrid validates and stores one grid in a transaction, reassigning open incidents whose
// point now lies in another grid; problems come back as an invalid-input error listing each.
func (e GridEditor) SaveGrid(ctx context.Context, g gridmap.Grid, by gridmap.Actor) (int, error) {
	d := dataset.FromGrids("request body", "an edit of grid "+g.Code+" through the API", []gridmap.Grid{g})
	d.By = by
	stats, err := e.DB.Import(ctx, d, e.Plan, nil)
	var ps dataset.Problems
	if errors.As(err, &ps) {
		ge := &gridmap.Error{Code: gridmap.EInvalid}
		for _, p := range ps {
			ge.Details = append(ge.Details, gridmap.FieldError{Field: p.Field, Message: p.Reason})
		}
		ge.Field, ge.Message = ge.Details[0].Field, ge.Details[0].Message
		return 0, ge
	}
	if err != nil {
		return 0, err
	}
	return stats.Updated["incidents"], nil
}
