package postgis

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/gridmap/gridmap/internal/gridmap"
)

var _ gridmap.FeatureStore = (*DB)(nil)

// layerSQL says how one public layer is read: the FROM clause, the id and geometry expressions,
// one expression per public field (in the order of gridmap.Layers), and the time column of
// temporal layers. Field names map to expressions only through this table, the allow-list that
// keeps input out of SQL identifiers.
type layerSQL struct {
	from   string
	id     string
	geom   string
	fields map[string]string
	time   string
}

var layerSQLs = map[string]layerSQL{
	gridmap.LayerStreets: {from: "streets t", id: "t.code", geom: "t.geom", fields: map[string]string{
		"code": "t.code", "name": "t.name"}},
	gridmap.LayerCommunities: {from: "communities t", id: "t.code", geom: "t.geom", fields: map[string]string{
		"code": "t.code", "name": "t.name", "kind": "t.kind", "street": "t.street_code",
		"grids": "(SELECT count(*) FROM grids g WHERE g.community_code = t.code)"}},
	gridmap.LayerGrids: {from: `grids t
LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE role = 'grid_worker') AS workers,
           count(*) FILTER (WHERE role = 'party_member') AS members,
           count(*) FILTER (WHERE role = 'volunteer') AS volunteers,
           coalesce(sum(households_covered) FILTER (WHERE role = 'party_member'), 0) AS covered
    FROM staff s WHERE s.grid_code = t.code AND s.retired_at IS NULL) st ON true`,
		id: "t.code", geom: "t.geom", fields: map[string]string{
			"code": "t.code", "name": "t.name", "community": "t.community_code", "street": "t.street_code",
			"households": "t.households", "population": "t.population",
			"grid_workers": "st.workers", "party_members": "st.members", "volunteers": "st.volunteers",
			"households_covered": "st.covered",
			"red_positions":      "(SELECT count(*) FROM red_positions r WHERE r.grid_code = t.code)",
			"stations":           "(SELECT count(*) FROM stations s WHERE s.grid_code = t.code)",
			"open_incidents":     "(SELECT count(*) FROM incidents i WHERE i.grid_code = t.code AND i.status IN " + openList + ")",
			"incidents_30d":      "(SELECT count(*) FROM incidents i WHERE i.grid_code = t.code AND i.reported_at >= @now - interval '30 days')",
		}},
	gridmap.LayerRedPositions: {from: "red_positions t", id: "t.code", geom: "t.geom", fields: map[string]string{
		"code": "t.code", "name": "t.name", "kind": "t.kind", "grid": "t.grid_code", "opening_hours": "t.opening_hours"}},
	gridmap.LayerStations: {from: "stations t", id: "t.code", geom: "t.geom", fields: map[string]string{
		"code": "t.code", "name": "t.name", "kind": "t.kind", "grid": "t.grid_code", "opening_hours": "t.opening_hours"}},
	gridmap.LayerIncidents: {from: "incidents t", id: "t.id::text", geom: "t.geom", time: "t.reported_at", fields: map[string]string{
		"id": "t.id", "category": "t.category", "channel": "t.channel", "status": "t.status",
		"grid": "coalesce(t.grid_code, '')", "community": "coalesce(left(t.grid_code, 12), '')", "street": "coalesce(left(t.grid_code, 9), '')",
		"method": "t.assign_method", "reported_at": "t.reported_at", "due_at": "t.due_at",
		"simulated": "t.simulated",
		"overdue":   "((t.due_at < @now AND t.status IN " + openList + ") OR coalesce(t.resolved_at > t.due_at, false))",
	}},
}

// openList is the open statuses as an SQL list literal, from the domain's one definition.
var openList = "('" + strings.Join(gridmap.OpenStatuses(), "', '") + "')"

// withNow binds the marker @now, which layer expressions use for the clock's time, as one more
// parameter after args; SQL without the marker is returned as it is (PostgreSQL rejects a
// parameter no expression uses).
func withNow(sql string, args []any, now time.Time) (string, []any) {
	if !strings.Contains(sql, "@now") {
		return sql, args
	}
	args = append(slices.Clip(args), now)
	return strings.ReplaceAll(sql, "@now", "$"+strconv.Itoa(len(args))+"::timestamptz"), args
}

// selectFeatures builds the SELECT list: id, EWKB geometry, then the layer's fields in order.
func selectFeatures(info gridmap.LayerInfo, ls layerSQL) string {
	cols := []string{ls.id, "ST_AsEWKB(" + ls.geom + ")"}
	for _, f := range info.Fields {
		cols = append(cols, ls.fields[f.Name])
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + ls.from
}

func featureWhere(info gridmap.LayerInfo, ls layerSQL, q gridmap.FeatureQuery) (*where, error) {
	w := &where{}
	w.addBBox(ls.geom, gridmap.DivisionFilter{BBox: q.BBox})
	if ls.time != "" {
		if !q.Since.IsZero() {
			w.add(ls.time+" >= ?", q.Since)
		}
		if !q.Until.IsZero() {
			w.add(ls.time+" < ?", q.Until)
		}
	}
	// Keys in a fixed order, so that equal queries are equal SQL texts and share one
	// prepared statement.
	for _, name := range slices.Sorted(maps.Keys(q.Equals)) {
		if err := filterable(info, name); err != nil {
			return nil, err
		}
		w.add(ls.fields[name]+"::text = ?", q.Equals[name])
	}
	for _, name := range slices.Sorted(maps.Keys(q.In)) {
		if err := filterable(info, name); err != nil {
			return nil, err
		}
		w.add(ls.fields[name]+"::text = ANY(?)", q.In[name])
	}
	return w, nil
}

func filterable(info gridmap.LayerInfo, name string) error {
	if f, ok := info.Field(name); !ok || !f.Filter {
		return gridmap.Invalid(name, "%s cannot be filtered on %q", info.ID, name)
	}
	return nil
}

// Features returns a layer's features matching q, ordered by id, and the number matching in all
// (-1 when q.SkipCount is set).
func (db *DB) Features(ctx context.Context, q gridmap.FeatureQuery) ([]gridmap.Feature, int, error) {
	info, ok := gridmap.LayerByID(q.Layer)
	ls, ok2 := layerSQLs[q.Layer]
	if !ok || !ok2 {
		return nil, 0, gridmap.NotFound("no layer %q", q.Layer)
	}
	w, err := featureWhere(info, ls, q)
	if err != nil {
		return nil, 0, err
	}
	now := db.now() // one time for the count and the page, so that they agree
	matched := -1
	if !q.SkipCount {
		countSQL := "SELECT count(*) FROM " + strings.SplitN(ls.from, "\n", 2)[0] + w.String()
		countSQL, args := withNow(countSQL, w.args, now)
		if err := db.Pool.QueryRow(ctx, countSQL, args...).Scan(&matched); err != nil {
			return nil, 0, translate(err, "count "+q.Layer)
		}
	}
	order := " ORDER BY " + ls.id
	if q.Layer == gridmap.LayerIncidents {
		order = " ORDER BY t.id"
	}
	sql := selectFeatures(info, ls) + w.String() + order
	if q.Limit > 0 {
		sql += " LIMIT " + w.nextArg(q.Limit)
	}
	if q.Offset > 0 {
		sql += " OFFSET " + w.nextArg(q.Offset)
	}
	sql, args := withNow(sql, w.args, now)
	rows, err := db.Pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, 0, translate(err, "list "+q.Layer)
	}
	fs, err := collect(rows, "list "+q.Layer, func(r pgx.CollectableRow) (gridmap.Feature, error) { return scanFeature(r, info) })
	return fs, matched, err
}

// scanFeature reads one public feature; free text in it is masked (gridmap.MaskPersonal),
// because features are served to everyone.
func scanFeature(r pgx.Row, info gridmap.LayerInfo) (gridmap.Feature, error) {
	var f gridmap.Feature
	var g []byte
	nFields := len(info.Fields)
	f.Properties = make([]any, nFields)
	dest := make([]any, 0, nFields+2)
	dest = append(dest, &f.ID, &g)
	for i := range f.Properties {
		dest = append(dest, &f.Properties[i])
	}
	if err := r.Scan(dest...); err != nil {
		return f, err
	}
	for i, fd := range info.Fields {
		if s, ok := f.Properties[i].(string); ok && fd.FreeText {
			f.Properties[i] = gridmap.MaskPersonal(s)
		}
	}
	var err error
	f.Geometry, err = decodeEWKB(g)
	return f, err
}

// Feature returns one feature of a layer by id.
func (db *DB) Feature(ctx context.Context, layer, id string) (gridmap.Feature, error) {
	info, ok := gridmap.LayerByID(layer)
	ls, ok2 := layerSQLs[layer]
	if !ok || !ok2 {
		return gridmap.Feature{}, gridmap.NotFound("no layer %q", layer)
	}
	sql, args := withNow(selectFeatures(info, ls)+" WHERE "+ls.id+" = $1", []any{id}, db.now())
	f, err := scanFeature(db.Pool.QueryRow(ctx, sql, args...), info)
	if errors.Is(err, pgx.ErrNoRows) {
		return f, gridmap.NotFound("%s has no feature %q", layer, id)
	}
	return f, translate(err, "get "+layer)
}

// Extent returns a layer's bounding box (ST_Extent, from the index-friendly box of each row) and
// for temporal layers the first and last time.
func (db *DB) Extent(ctx context.Context, layer string) (orb.Bound, [2]time.Time, error) {
	ls, ok := layerSQLs[layer]
	if !ok {
		return orb.Bound{}, [2]time.Time{}, gridmap.NotFound("no layer %q", layer)
	}
	var minx, miny, maxx, maxy *float64
	var span [2]*time.Time
	timeCols := "NULL::timestamptz, NULL::timestamptz"
	if ls.time != "" {
		timeCols = "min(" + ls.time + "), max(" + ls.time + ")"
	}
	table := strings.SplitN(ls.from, "\n", 2)[0]
	err := db.Pool.QueryRow(ctx, `SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e), t0, t1 FROM (
SELECT ST_Extent(`+ls.geom+`) AS e, `+timeCols+` FROM `+table+`) x(e, t0, t1)`).Scan(&minx, &miny, &maxx, &maxy, &span[0], &span[1])
	if err != nil {
		return orb.Bound{}, [2]time.Time{}, translate(err, "extent of "+layer)
	}
	var b orb.Bound
	if minx != nil {
		b = orb.Bound{Min: orb.Point{*minx, *miny}, Max: orb.Point{*maxx, *maxy}}
	}
	var ts [2]time.Time
	for i := range span {
		if span[i] != nil {
			ts[i] = *span[i]
		}
	}
	return b, ts, nil
}
