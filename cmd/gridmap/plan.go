package main

import (
	"context"

	"github.com/gridmap/gridmap/internal/calendar"
	"github.com/gridmap/gridmap/internal/config"
	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/intake"
	"github.com/gridmap/gridmap/internal/postgis"
	"github.com/gridmap/gridmap/internal/spatial"
)

// incidentPlanner returns the assignment code imports use: the index and intake code the HTTP
// intake uses, built over the grids as they stand inside the import's transaction, with the
// working calendar in force.
func incidentPlanner(cfg config.Config, cal func() *gridmap.Calendar) postgis.IncidentPlanner {
	return func(grids []gridmap.Grid) (postgis.Planner, error) {
		loc, err := intake.NewGridLocator(grids, nil, nil, spatial.Options{NearestMetres: nearest(cfg)})
		if err != nil {
			return nil, err
		}
		return &intake.Planner{Loc: loc, Cal: cal(), Now: cfg.Clock.Now()}, nil
	}
}

// loadCalendar is the working calendar in force: the national schedule built into the binary
// and the city's additions stored in the database.
func loadCalendar(ctx context.Context, db *postgis.DB) (*gridmap.Calendar, error) {
	local, err := db.CalendarDays(ctx)
	if err != nil {
		return nil, err
	}
	return gridmap.NewCalendar(append(calendar.National(), local...)), nil
}

// nearest maps the configured tolerance to the index's option, where 0 means the default and a
// negative value turns the fallback off.
func nearest(cfg config.Config) float64 {
	if cfg.NearestToleranceM == 0 {
		return -1
	}
	return cfg.NearestToleranceM
}
