package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// Output file names, as the importer reads them.
const (
	streetsFile      = "streets.geojson"
	communitiesFile  = "communities.geojson"
	gridsFile        = "grids.geojson"
	redPositionsFile = "red_positions.geojson"
	stationsFile     = "stations.geojson"
	staffFile        = "staff.geojson"
	incidentsFile    = "incidents.geojson"
	readmeFile       = "README.md"
)

// outputFiles lists every file the generator writes, in the order it writes them.
var outputFiles = []string{
	streetsFile, communitiesFile, gridsFile, redPositionsFile, stationsFile, staffFile, incidentsFile, readmeFile,
}

// files renders the dataset: file name to contents.
func (d *dataset) files() (map[string][]byte, error) {
	readme, err := d.readme()
	if err != nil {
		return nil, err
	}
	return map[string][]byte{
		streetsFile:      d.streetsJSON(),
		communitiesFile:  d.communitiesJSON(),
		gridsFile:        d.gridsJSON(),
		redPositionsFile: placesJSON(d.RedPositions),
		stationsFile:     placesJSON(d.Stations),
		staffFile:        d.staffJSON(),
		incidentsFile:    d.incidentsJSON(),
		readmeFile:       readme,
	}, nil
}

// write writes the dataset's files into dir, creating it if need be.
func (d *dataset) write(dir string) error {
	files, err := d.files()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("geodatagen: %w", err)
	}
	for _, name := range outputFiles {
		if err := os.WriteFile(filepath.Join(dir, name), files[name], 0o644); err != nil {
			return fmt.Errorf("geodatagen: %w", err)
		}
	}
	return nil
}

func (d *dataset) streetsJSON() []byte {
	c := newCollection()
	for _, s := range d.Streets {
		c.add(multiPolygonGeometry(s.Geometry), new(props).str("code", s.Code).str("name", s.Name).bool("synthetic", true))
	}
	return c.bytes()
}

func (d *dataset) communitiesJSON() []byte {
	cs := append([]communityRecord(nil), d.Communities...)
	sort.SliceStable(cs, func(a, b int) bool { return cs[a].Code < cs[b].Code })
	c := newCollection()
	for _, cm := range cs {
		c.add(multiPolygonGeometry(cm.Geometry), new(props).str("code", cm.Code).str("name", cm.Name).
			str("full_name", cm.FullName).str("kind", cm.Kind).str("street", cm.StreetCode).bool("synthetic", true))
	}
	return c.bytes()
}

func (d *dataset) gridsJSON() []byte {
	c := newCollection()
	for _, g := range d.Grids {
		c.add(multiPolygonGeometry(g.Geometry), new(props).str("code", g.Code).str("name", g.Name).
			str("community", g.CommunityCode).str("street", g.StreetCode).int("households", g.Households).
			int("population", g.Population).bool("synthetic", true))
	}
	return c.bytes()
}

func placesJSON(places []gridmap.Place) []byte {
	c := newCollection()
	for _, p := range places {
		c.add(pointGeometry(p.Point), new(props).str("code", p.Code).str("name", p.Name).str("kind", p.Kind).
			str("grid", p.GridCode).str("opening_hours", p.OpeningHours).bool("synthetic", true))
	}
	return c.bytes()
}

func (d *dataset) staffJSON() []byte {
	c := newCollection()
	for _, s := range d.Staff {
		c.add(nil, new(props).str("id", s.ID).str("role", s.Role).str("grid", s.GridCode).
			int("households_covered", s.HouseholdsCovered).str("name", s.Name).str("phone", s.Phone))
	}
	return c.bytes()
}

func (d *dataset) incidentsJSON() []byte {
	c := newCollectionAsOf(d.opt.Until)
	for _, in := range d.Incidents {
		p := new(props).str("client_id", in.ClientID).str("category", in.Category).
			str("channel", in.Channel).str("description", in.Description).str("reporter", in.Reporter).
			time("reported_at", in.ReportedAt).str("status", in.Status).str("crs", in.CRS).
			position("reported_coordinates", in.Reported)
		if !in.ResolvedAt.IsZero() {
			p = p.time("resolved_at", in.ResolvedAt)
		}
		if len(in.History) > 0 {
			p = p.raw("history", historyJSON(in.History))
		}
		c.add(pointGeometry(in.Point), p)
	}
	return c.bytes()
}

// historyJSON is an incident's loop as the dataset's history array, each step's fields in a
// fixed order and only those it has.
func historyJSON(steps []gridmap.Step) []byte {
	b := []byte{'['}
	for i, s := range steps {
		if i > 0 {
			b = append(b, ',')
		}
		p := new(props).str("kind", s.Kind).time("at", s.At)
		for _, kv := range [][2]string{{"by", s.By}, {"staff", s.Staff}, {"department", s.Department}, {"verdict", s.Verdict}, {"note", s.Note}} {
			if kv[1] != "" {
				p = p.str(kv[0], kv[1])
			}
		}
		b = append(append(append(b, '{'), p.b...), '}')
	}
	return append(b, ']')
}
