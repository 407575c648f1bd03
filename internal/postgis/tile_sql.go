package postgis

import (
	"context"
	"fmt"
	"strings"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// tileSQL draws one MVT tile in PostGIS with a single ST_AsMVT query, the way pg_tileserv does:
// the features whose geometry meets the tile plus its buffer (the envelope transformed to
// 4326, never the column, so the GiST index is used), each transformed to Web Mercator and cut
// by ST_AsMVTGeom into the 4096-unit grid with a 64-unit buffer, then aggregated, at most
// 10,000 features per tile (pg_tileserv's default limit), in no particular order. It exists to
// measure the Go tile path against: the server offers it only with GRIDMAP_BENCH=1.
//
// %[1]s: the id expression (bigint) or NULL; %[2]s: the property columns; %[3]s: the layer's
// FROM clause. $1..$3: z, x, y; $4: the buffer as a fraction of the tile; $5: the layer name.
const tileSQL = `WITH bounds AS (
    SELECT ST_TileEnvelope($1, $2, $3) AS clip,
           ST_Transform(ST_TileEnvelope($1, $2, $3, margin => $4), 4326) AS query
)
SELECT ST_AsMVT(mvt, $5, 4096, 'geom', 'fid') FROM (
    SELECT %[1]s AS fid, %[2]s,
           ST_AsMVTGeom(ST_Transform(t.geom, 3857), bounds.clip, 4096, 64, true) AS geom
    FROM %[3]s
    CROSS JOIN bounds
    WHERE t.geom && bounds.query AND ST_Intersects(t.geom, bounds.query)
    LIMIT 10000
) mvt`

// tileIDs are the numeric feature ids of tiles; layers with text codes (red positions,
// stations) have none, as in the Go tiles.
var tileIDs = map[string]string{
	gridmap.LayerStreets:     "t.code::bigint",
	gridmap.LayerCommunities: "t.code::bigint",
	gridmap.LayerGrids:       "t.code::bigint",
	gridmap.LayerIncidents:   "t.id",
}

// TileSQL returns tile z/x/y of a layer as MVT drawn by PostGIS, with the given fields (names
// of the layer's public fields, e.g. tileservice.FieldNames) as properties. Times are written
// as RFC 3339 UTC text, as the Go tiles write them.
func (db *DB) TileSQL(ctx context.Context, layer string, fields []string, z, x, y uint32) ([]byte, error) {
	info, ok := gridmap.LayerByID(layer)
	ls, ok2 := layerSQLs[layer]
	if !ok || !ok2 {
		return nil, gridmap.NotFound("no layer %q", layer)
	}
	cols := make([]string, 0, len(fields))
	for _, name := range fields {
		f, ok := info.Field(name)
		if !ok {
			return nil, gridmap.Invalid("fields", "layer %s has no field %q", layer, name)
		}
		expr := ls.fields[name]
		if f.Type == "datetime" {
			expr = `to_char((` + expr + `) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`
		}
		// The name comes from the catalogue, never from input, and is quoted as an identifier.
		cols = append(cols, expr+` AS "`+name+`"`)
	}
	id := tileIDs[layer]
	if id == "" {
		id = "NULL::bigint"
	}
	if len(cols) == 0 {
		cols = append(cols, "NULL::text AS none")
	}
	sql := fmt.Sprintf(tileSQL, id, strings.Join(cols, ", "), ls.from)
	var out []byte
	sql, args := withNow(sql, []any{int(z), int(x), int(y), 64.0 / 4096, layer}, db.now())
	if err := db.Pool.QueryRow(ctx, sql, args...).Scan(&out); err != nil {
		return nil, translate(err, "draw "+layer+" tile in SQL")
	}
	return out, nil
}
