package web

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/gridmap/gridmap/internal/gridmap"
	"github.com/gridmap/gridmap/internal/tiles"
	"github.com/gridmap/gridmap/internal/tileservice"
)

// Vector tiles of the public layers, for MapLibre, QGIS and GDAL:
//
//	GET /tiles/{layer}/{z}/{x}/{y}.mvt       Mapbox Vector Tile 2.1
//	GET /tiles/{layer}/{z}/{x}/{y}.geojson   RFC 7946 FeatureCollection of the same features
//	GET /tiles/{layer}.json                  TileJSON 3.0.0
//
// Incident tiles and their TileJSON take the filters since, until (RFC 3339 or a date, on
// reported_at, until exclusive), category and status (comma-separated lists). Every tile has a
// strong ETag, one per encoding, and answers a matching If-None-Match with 304.

// tileCacheControl lets browsers and CDNs store tiles but makes them revalidate every time: a
// 304 from the server's cache costs microseconds, and a tile is never shown stale.
const tileCacheControl = "public, no-cache"

// Benchmark headers, honoured only with Options.Bench.
const (
	headerBenchCache  = "X-Gridmap-Cache"  // request: "bypass"; response: how the tile was found
	headerBenchSource = "X-Gridmap-Source" // request: "store"
)

// tileRequest reads layer, z, x, y and format from the path, naming the part that is wrong.
func tileRequest(c *fiber.Ctx) (gridmap.LayerInfo, tiles.Tile, tiles.Format, error) {
	info, err := tileLayer(c.Params("layer"))
	if err != nil {
		return info, tiles.Tile{}, 0, err
	}
	file := c.Params("file")
	y, ext, ok := strings.Cut(file, ".")
	if !ok {
		return info, tiles.Tile{}, 0, gridmap.Invalid("format", "tile %q has no format; end the URL with .mvt or .geojson", file)
	}
	t, err := tiles.ParseTile(c.Params("z"), c.Params("x"), y)
	if err != nil {
		return info, t, 0, paramError(err)
	}
	f, err := tiles.ParseFormat(ext)
	if err != nil {
		return info, t, 0, paramError(err)
	}
	if z := int(t.Z); z < info.MinZoom || z > info.MaxZoom {
		return info, t, 0, gridmap.Invalid("z", "zoom %d is outside %d..%d, the zooms of layer %s", z, info.MinZoom, info.MaxZoom, info.ID)
	}
	return info, t, f, nil
}

func tileLayer(id string) (gridmap.LayerInfo, error) {
	info, ok := gridmap.LayerByID(id)
	if !ok {
		ids := make([]string, len(gridmap.Layers))
		for i, l := range gridmap.Layers {
			ids[i] = l.ID
		}
		return info, &gridmap.Error{Code: gridmap.ENotFound, Field: "layer",
			Message: fmt.Sprintf("no tile layer %q; layers are %s", id, strings.Join(ids, ", "))}
	}
	return info, nil
}

// paramError turns the tiles package's complaint about a path part into a 400 naming it.
func paramError(err error) error {
	var pe *tiles.ParamError
	if errors.As(err, &pe) {
		return gridmap.Invalid(pe.Param, "%s %q: %s", pe.Param, pe.Value, pe.Reason)
	}
	return gridmap.Invalid("tile", "%v", err)
}

// tileFilter reads the query parameters of a tile or TileJSON request: none for most layers;
// since, until, category and status for incidents. Anything else is an error naming it.
func tileFilter(c *fiber.Ctx, info gridmap.LayerInfo) (tileservice.Filter, error) {
	return parseTileFilter(info, c.Context().QueryArgs().VisitAll)
}

// parseTileFilter is tileFilter on the query's key-value pairs, which visit calls f with in
// order (fasthttp's Args.VisitAll), so that the rules can be tested and fuzzed without a
// request.
func parseTileFilter(info gridmap.LayerInfo, visit func(f func(key, value []byte))) (tileservice.Filter, error) {
	var f tileservice.Filter
	var bad error
	seen := map[string]bool{}
	visit(func(k, v []byte) {
		if bad != nil {
			return
		}
		key, val := string(k), string(v)
		if info.ID != gridmap.LayerIncidents {
			bad = gridmap.Invalid(paramField(key), "unknown query parameter %q: tiles of %s take no parameters", key, info.ID)
			return
		}
		switch key {
		case "since", "until":
			if seen[key] {
				bad = gridmap.Invalid(key, "%s is given twice", key)
				return
			}
			seen[key] = true
			t, err := when(key, val, key == "until")
			if err != nil {
				bad = err
				return
			}
			if key == "since" {
				f.Since = t
			} else {
				f.Until = t
			}
		case "category":
			items, err := codeList(key, val, categoryNames())
			bad = err
			f.Categories = append(f.Categories, items...)
		case "status":
			items, err := codeList(key, val, gridmap.Statuses)
			bad = err
			f.Statuses = append(f.Statuses, items...)
		default:
			bad = gridmap.Invalid(paramField(key), "unknown query parameter %q; incident tiles take since, until, category and status", key)
		}
	})
	if bad != nil {
		return f, bad
	}
	return f, f.Validate()
}

// tile: GET /tiles/{layer}/{z}/{x}/{y}.{mvt|geojson}.
func (s *Server) tile(c *fiber.Ctx) error {
	info, t, f, err := tileRequest(c)
	if err != nil {
		return err
	}
	filter, err := tileFilter(c, info)
	if err != nil {
		return err
	}
	gz := acceptsGzip(c.Get(fiber.HeaderAcceptEncoding))
	req := tileservice.Request{Layer: info.ID, Tile: t, Format: f, Filter: filter, Gzip: gz}
	if s.opts.Bench {
		req.Bypass = c.Get(headerBenchCache) == "bypass"
		req.FromStore = c.Get(headerBenchSource) == "store"
	}
	tile, status, err := s.deps.Tiles.Tile(c.UserContext(), req)
	if err != nil {
		return err
	}
	body, tag := tile.Body, tile.ETag
	if gz {
		if zb, ztag := tile.Gzipped(); zb != nil {
			body, tag = zb, ztag
		} else {
			gz = false // too small to gain from gzip
		}
	}
	c.Set(fiber.HeaderETag, tag)
	c.Set(fiber.HeaderCacheControl, tileCacheControl)
	c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	c.Set(headerBenchCache, string(status))
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), tag) {
		c.Status(fiber.StatusNotModified)
		return nil
	}
	if gz {
		c.Set(fiber.HeaderContentEncoding, "gzip")
	}
	c.Set(fiber.HeaderContentType, tile.ContentType)
	// The cached bytes are never modified, so they are handed to the response without a copy.
	c.Response().SetBodyRaw(body)
	return nil
}

// tileJSON: GET /tiles/{layer}.json.
func (s *Server) tileJSON(c *fiber.Ctx) error {
	file := c.Params("file")
	id, ok := strings.CutSuffix(file, ".json")
	if !ok {
		return gridmap.NotFound("nothing at %s: tiles are at /tiles/{layer}/{z}/{x}/{y}.mvt, TileJSON at /tiles/{layer}.json", c.Path())
	}
	info, err := tileLayer(id)
	if err != nil {
		return err
	}
	filter, err := tileFilter(c, info)
	if err != nil {
		return err
	}
	tj, err := s.deps.Tiles.TileJSON(c.UserContext(), info.ID, s.baseURL(c), filter)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.JSON(tj)
}

// tileSQL: GET /tiles-sql/{layer}/{z}/{x}/{y}.mvt, the same tile drawn by one ST_AsMVT query,
// for benchmarks only.
func (s *Server) tileSQL(c *fiber.Ctx) error {
	if err := checkParams(c); err != nil {
		return err
	}
	info, t, f, err := tileRequest(c)
	if err != nil {
		return err
	}
	if f != tiles.MVT {
		return gridmap.Invalid("format", "the SQL tile path draws mvt only")
	}
	body, err := s.deps.TileSQL(c.UserContext(), info.ID, tileservice.FieldNames(info.ID), t.Z, t.X, t.Y)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, tiles.MVT.ContentType())
	return c.Send(body)
}

// acceptsGzip reports whether an Accept-Encoding header admits gzip (RFC 9110 §12.5.3): gzip
// or x-gzip listed with a weight above zero, or else * with a weight above zero. A weight that
// is not a qvalue (0 to 1 with at most three decimals) refuses its coding, as an unreadable one
// always did: strconv.ParseFloat alone read "q=nan" and "q=inf" as numbers above zero.
func acceptsGzip(header string) bool {
	gzip, star := -1, -1 // -1: not listed, 0: refused, 1: accepted
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		ok := 1
		if q, found := strings.CutPrefix(strings.ToLower(strings.Map(dropBlank, params)), "q="); found {
			if v, valid := qvalue(q); !valid || v == 0 {
				ok = 0
			}
		}
		switch strings.ToLower(strings.TrimSpace(coding)) {
		case "gzip", "x-gzip":
			gzip = max(gzip, ok)
		case "*":
			star = max(star, ok)
		}
	}
	if gzip >= 0 {
		return gzip == 1
	}
	return star == 1
}

// dropBlank drops the spaces and tabs (OWS) that may surround a parameter, for strings.Map.
func dropBlank(r rune) rune {
	if r == ' ' || r == '\t' {
		return -1
	}
	return r
}

// qvalue reads an RFC 9110 §12.4.2 weight: "0" to "1" with at most three decimals.
func qvalue(s string) (float64, bool) {
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 3 || strings.Trim(frac, "0123456789") != "" || whole != "0" && (whole != "1" || strings.Trim(frac, "0") != "") {
		return 0, false
	}
	v, err := strconv.ParseFloat(whole+"."+frac+"0", 64)
	return v, err == nil
}

// etagMatches applies If-None-Match (RFC 9110 §13.1.2): "*" or any listed tag equal to tag by
// weak comparison, which ignores a W/ prefix.
func etagMatches(header, tag string) bool {
	if header == "" {
		return false
	}
	for _, part := range strings.Split(header, ",") {
		p := strings.TrimSpace(part)
		if p == "*" || strings.TrimPrefix(p, "W/") == strings.TrimPrefix(tag, "W/") {
			return true
		}
	}
	return false
}

// changes wraps a write handler so that, once it has succeeded (its transaction committed),
// this instance's tiles drawn from the given tables are dropped before the response goes out:
// the caller's next tile request already shows the write. Other instances follow through the
// database's change notices. Intake has its own hook (intake.Service.Stored).
func (s *Server) changes(h fiber.Handler, tables ...string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		err := h(c)
		if err == nil && s.deps.Tiles != nil && c.Response().StatusCode() < 300 {
			for _, t := range tables {
				s.deps.Tiles.Changed(t)
			}
		}
		return err
	}
}
