package main

import (
	"github.com/gridmap/gridmap/internal/config"
	"github.com/gridmap/gridmap/internal/postgis"
)

// incidentPlanner returns the assignment code imports use for incidents (none yet: the index
// lands next).
func incidentPlanner(cfg config.Config) postgis.IncidentPlanner { return nil }
