package postgis

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/gridmap/gridmap/internal/gridmap"
)

var _ gridmap.DivisionStore = (*DB)(nil)

// Streets returns every street, ordered by code.
func (db *DB) Streets(ctx context.Context) ([]gridmap.Street, error) {
	rows, err := db.Pool.Query(ctx, `SELECT code, name, ST_AsEWKB(geom) FROM streets ORDER BY code`)
	if err != nil {
		return nil, translate(err, "list streets")
	}
	return collect(rows, "list streets", func(r pgx.CollectableRow) (gridmap.Street, error) {
		var s gridmap.Street
		var g []byte
		if err := r.Scan(&s.Code, &s.Name, &g); err != nil {
			return s, err
		}
		s.Geometry, err = decodeMultiPolygon(g)
		return s, err
	})
}

// Communities returns the communities matching f (street and bbox), ordered by code.
func (db *DB) Communities(ctx context.Context, f gridmap.DivisionFilter) ([]gridmap.Community, error) {
	var w where
	if f.Street != "" {
		w.add("street_code = ?", f.Street)
	}
	if f.Community != "" {
		w.add("code = ?", f.Community)
	}
	w.addBBox("geom", f)
	rows, err := db.Pool.Query(ctx, `SELECT code, name, kind, street_code, ST_AsEWKB(geom) FROM communities`+w.String()+` ORDER BY code`, w.args...)
	if err != nil {
		return nil, translate(err, "list communities")
	}
	return collect(rows, "list communities", func(r pgx.CollectableRow) (gridmap.Community, error) {
		var c gridmap.Community
		var g []byte
		if err := r.Scan(&c.Code, &c.Name, &c.Kind, &c.StreetCode, &g); err != nil {
			return c, err
		}
		c.Geometry, err = decodeMultiPolygon(g)
		return c, err
	})
}

const gridColumns = `code, name, community_code, street_code, households, population, ST_AsEWKB(geom)`

func scanGrid(r pgx.Row) (gridmap.Grid, error) {
	var g gridmap.Grid
	var b []byte
	if err := r.Scan(&g.Code, &g.Name, &g.CommunityCode, &g.StreetCode, &g.Households, &g.Population, &b); err != nil {
		return g, err
	}
	var err error
	g.Geometry, err = decodeMultiPolygon(b)
	return g, err
}

// Grids returns the grids matching f (street, community, bbox), ordered by code.
func (db *DB) Grids(ctx context.Context, f gridmap.DivisionFilter) ([]gridmap.Grid, error) {
	var w where
	if f.Street != "" {
		w.add("street_code = ?", f.Street)
	}
	if f.Community != "" {
		w.add("community_code = ?", f.Community)
	}
	w.addBBox("geom", f)
	rows, err := db.Pool.Query(ctx, `SELECT `+gridColumns+` FROM grids`+w.String()+` ORDER BY code`, w.args...)
	if err != nil {
		return nil, translate(err, "list grids")
	}
	return collect(rows, "list grids", func(r pgx.CollectableRow) (gridmap.Grid, error) { return scanGrid(r) })
}

// Grid returns the grid with the given code.
func (db *DB) Grid(ctx context.Context, code string) (gridmap.Grid, error) {
	g, err := scanGrid(db.Pool.QueryRow(ctx, `SELECT `+gridColumns+` FROM grids WHERE code = $1`, code))
	if errors.Is(err, pgx.ErrNoRows) {
		return g, gridmap.NotFound("grid %s not found", code)
	}
	return g, translate(err, "get grid")
}

// placeTables maps each place layer to its table: the allow-list for that identifier.
var placeTables = map[gridmap.PlaceLayer]string{
	gridmap.RedPositions: "red_positions",
	gridmap.Stations:     "stations",
}

// Places returns the red positions or stations matching f, ordered by code.
func (db *DB) Places(ctx context.Context, layer gridmap.PlaceLayer, f gridmap.DivisionFilter) ([]gridmap.Place, error) {
	table, ok := placeTables[layer]
	if !ok {
		return nil, gridmap.Invalid("layer", "unknown place layer %q", layer)
	}
	var w where
	if f.Street != "" {
		w.add("left(grid_code, 9) = ?", f.Street)
	}
	if f.Community != "" {
		w.add("left(grid_code, 12) = ?", f.Community)
	}
	if f.Grid != "" {
		w.add("grid_code = ?", f.Grid)
	}
	w.addBBox("geom", f)
	rows, err := db.Pool.Query(ctx, `SELECT code, name, kind, grid_code, opening_hours, ST_AsEWKB(geom) FROM `+table+w.String()+` ORDER BY code`, w.args...)
	if err != nil {
		return nil, translate(err, "list "+table)
	}
	return collect(rows, "list "+table, func(r pgx.CollectableRow) (gridmap.Place, error) {
		var p gridmap.Place
		var b []byte
		if err := r.Scan(&p.Code, &p.Name, &p.Kind, &p.GridCode, &p.OpeningHours, &b); err != nil {
			return p, err
		}
		p.Point, err = decodePoint(b)
		return p, err
	})
}

// collect scans every row with fn and translates any error.
func collect[T any](rows pgx.Rows, what string, fn pgx.RowToFunc[T]) ([]T, error) {
	out, err := pgx.CollectRows(rows, fn)
	if err != nil {
		return nil, translate(err, what)
	}
	if out == nil {
		out = []T{}
	}
	return out, nil
}
