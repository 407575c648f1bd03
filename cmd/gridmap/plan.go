package main

import (
	"errors"

	"github.com/gridmap/gridmap/internal/config"
	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/postgis"
)

// incidentPlanner returns the assignment code imports use for incidents.
func incidentPlanner(cfg config.Config) postgis.IncidentPlanner {
	return func(grids []gridmap.Grid) (func(gridmap.Report) (gridmap.Incident, error), error) {
		return nil, errors.New("incident import is not available yet")
	}
}
