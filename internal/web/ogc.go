package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb/geojson"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// OGC API - Features, Part 1 (Core, GeoJSON) and the queryables of Part 3, under /ogc: what
// QGIS, GDAL and ArcGIS read. Collections are the public layers of gridmap.Layers; personal
// data is never among their properties.

const (
	ogcMaxLimit     = 10000
	ogcDefaultLimit = 100
	crs84           = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
)

var ogcConformance = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
}

type link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// ogcPlain checks a request that takes no parameter but the format.
func ogcPlain(c *fiber.Ctx) error {
	if err := checkParams(c, "f"); err != nil {
		return err
	}
	return ogcFormat(c)
}

// ogcFormat accepts only JSON renderings: f=json (or none).
func ogcFormat(c *fiber.Ctx) error {
	switch c.Query("f") {
	case "", "json", "geojson":
		return nil
	}
	return gridmap.Invalid("f", "format %q is not offered; use f=json", c.Query("f"))
}

func (s *Server) ogcLanding(c *fiber.Ctx) error {
	if err := ogcPlain(c); err != nil {
		return err
	}
	base := s.baseURL(c) + "/ogc"
	return c.JSON(fiber.Map{
		"title":       "gridmap 网格化治理 OGC API - Features",
		"description": "Streets, communities, unit grids, red positions, service stations and incidents of the grid-governance map.",
		"links": []link{
			{base, "self", "application/json", "this document"},
			{base + "/api", "service-desc", "application/vnd.oai.openapi+json;version=3.0", "API definition"},
			{base + "/conformance", "conformance", "application/json", "conformance classes"},
			{base + "/collections", "data", "application/json", "collections"},
		},
	})
}

func (s *Server) ogcConformance(c *fiber.Ctx) error {
	if err := ogcPlain(c); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"conformsTo": ogcConformance})
}

func ogcLayer(c *fiber.Ctx) (gridmap.LayerInfo, error) {
	id := c.Params("id")
	l, ok := gridmap.LayerByID(id)
	if !ok {
		ids := make([]string, len(gridmap.Layers))
		for i, l := range gridmap.Layers {
			ids[i] = l.ID
		}
		return l, &gridmap.Error{Code: gridmap.ENotFound, Field: "collectionId", Message: fmt.Sprintf("no collection %q; collections are %s", id, strings.Join(ids, ", "))}
	}
	return l, nil
}

func (s *Server) collectionJSON(c *fiber.Ctx, l gridmap.LayerInfo) (fiber.Map, error) {
	base := s.baseURL(c) + "/ogc/collections/" + l.ID
	bbox, span, err := s.deps.Features.Extent(c.UserContext(), l.ID)
	if err != nil {
		return nil, err
	}
	extent := fiber.Map{"spatial": fiber.Map{"bbox": [][]float64{{bbox.Min[0], bbox.Min[1], bbox.Max[0], bbox.Max[1]}}, "crs": crs84}}
	if l.Temporal {
		iv := []any{nil, nil}
		if !span[0].IsZero() {
			iv = []any{span[0].UTC().Format(time.RFC3339), span[1].UTC().Format(time.RFC3339)}
		}
		extent["temporal"] = fiber.Map{"interval": [][]any{iv}, "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}
	}
	return fiber.Map{
		"id": l.ID, "title": l.TitleZH + " " + l.TitleEN, "description": l.Description,
		"itemType": "feature", "crs": []string{crs84}, "extent": extent,
		"links": []link{
			{base, "self", "application/json", l.TitleEN},
			{base + "/items", "items", geoJSONType, l.TitleEN + " features"},
			{base + "/queryables", "http://www.opengis.net/def/rel/ogc/1.0/queryables", "application/schema+json", "queryables"},
		},
	}, nil
}

func (s *Server) ogcCollections(c *fiber.Ctx) error {
	if err := ogcPlain(c); err != nil {
		return err
	}
	cols := make([]fiber.Map, 0, len(gridmap.Layers))
	for _, l := range gridmap.Layers {
		m, err := s.collectionJSON(c, l)
		if err != nil {
			return err
		}
		cols = append(cols, m)
	}
	base := s.baseURL(c) + "/ogc/collections"
	return c.JSON(fiber.Map{"collections": cols, "links": []link{{base, "self", "application/json", "collections"}}})
}

func (s *Server) ogcCollection(c *fiber.Ctx) error {
	if err := ogcPlain(c); err != nil {
		return err
	}
	l, err := ogcLayer(c)
	if err != nil {
		return err
	}
	m, err := s.collectionJSON(c, l)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

// jsonSchemaType maps a field type to JSON Schema.
func jsonSchemaType(t string) fiber.Map {
	switch t {
	case "integer", "number", "boolean", "string":
		return fiber.Map{"type": t}
	case "datetime":
		return fiber.Map{"type": "string", "format": "date-time"}
	}
	return fiber.Map{"type": "string"}
}

func (s *Server) ogcQueryables(c *fiber.Ctx) error {
	if err := ogcPlain(c); err != nil {
		return err
	}
	l, err := ogcLayer(c)
	if err != nil {
		return err
	}
	props := fiber.Map{}
	for _, f := range l.Fields {
		if f.Filter {
			p := jsonSchemaType(f.Type)
			p["title"] = f.Title
			props[f.Name] = p
		}
	}
	props["geometry"] = fiber.Map{"$ref": "https://geojson.org/schema/" + l.Geometry + ".json"}
	if l.Temporal {
		props["datetime"] = fiber.Map{"type": "string", "format": "date-time", "title": "reported at (the datetime parameter)"}
	}
	c.Set(fiber.HeaderContentType, "application/schema+json")
	body, err := jsonMarshal(fiber.Map{
		"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": s.baseURL(c) + "/ogc/collections/" + l.ID + "/queryables",
		"type": "object", "title": l.TitleZH + " " + l.TitleEN, "properties": props, "additionalProperties": false,
	})
	if err != nil {
		return err
	}
	return c.Send(body)
}

// parseDatetime reads an OGC datetime: an instant, or a closed interval start/end with ".." or
// "" for an open end, each time read the one way (gridmap.ParseWhen: a date is that whole day
// in China time). It returns [since, until): an instant selects that exact second, a date that
// day, and an interval includes its end.
func parseDatetime(v string) (time.Time, time.Time, error) {
	bad := func() (time.Time, time.Time, error) {
		return time.Time{}, time.Time{}, gridmap.Invalid("datetime", "datetime %q is not an RFC 3339 instant, a date or an interval start/end (open ends as ..)", v)
	}
	parse := func(p string) (start, end time.Time, open bool, err error) {
		if p == "" || p == ".." {
			return time.Time{}, time.Time{}, true, nil
		}
		start, end, err = gridmap.ParseWhen(p)
		return start, end, false, err
	}
	if !strings.Contains(v, "/") {
		t, end, open, err := parse(v)
		if err != nil || open {
			return bad()
		}
		if end.Equal(t) {
			end = t.Add(time.Second)
		}
		return t, end, nil
	}
	parts := strings.Split(v, "/")
	if len(parts) != 2 {
		return bad()
	}
	a, _, openA, errA := parse(parts[0])
	_, b, openB, errB := parse(parts[1])
	if errA != nil || errB != nil || (openA && openB) {
		return bad()
	}
	if !openB && len(parts[1]) != len(gridmap.DateLayout) {
		b = b.Add(time.Nanosecond) // closed at an instant
	}
	// The end of a date is the next midnight, so "2026-11-20T00:00:00+08:00/2026-11-19" ends
	// where it starts: it selects nothing, as one that ends before it starts.
	if !openA && !openB && !b.After(a) {
		return time.Time{}, time.Time{}, gridmap.Invalid("datetime", "datetime interval %q ends before it starts", v)
	}
	return a, b, nil
}

func (s *Server) ogcItems(c *fiber.Ctx) error {
	l, err := ogcLayer(c)
	if err != nil {
		return err
	}
	q := gridmap.FeatureQuery{Layer: l.ID, Limit: ogcDefaultLimit, Equals: map[string]string{}}
	var bad error
	c.Context().QueryArgs().VisitAll(func(k, v []byte) {
		if bad != nil {
			return
		}
		key, val := string(k), string(v)
		switch key {
		case "f":
			bad = ogcFormat(c)
		case "bbox":
			parts := strings.Split(val, ",")
			if len(parts) == 6 {
				bad = gridmap.Invalid("bbox", "3D bounding boxes are not supported; give minLon,minLat,maxLon,maxLat")
				return
			}
			q.BBox, bad = parseBBox("bbox", val)
		case "bbox-crs":
			if val != crs84 {
				bad = gridmap.Invalid("bbox-crs", "only %s is supported", crs84)
			}
		case "limit":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 || n > ogcMaxLimit {
				bad = gridmap.Invalid("limit", "limit must be a whole number from 1 to %d", ogcMaxLimit)
				return
			}
			q.Limit = n
		case "offset":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 {
				bad = gridmap.Invalid("offset", "offset must be a whole number, 0 or more")
				return
			}
			q.Offset = n
		case "datetime":
			if !l.Temporal {
				bad = gridmap.Invalid("datetime", "collection %s has no time; datetime applies to incidents", l.ID)
				return
			}
			q.Since, q.Until, bad = parseDatetime(val)
		default:
			f, ok := l.Field(key)
			if !ok || !f.Filter {
				names := []string{"bbox", "limit", "offset", "f"}
				if l.Temporal {
					names = append(names, "datetime")
				}
				for _, f := range l.Fields {
					if f.Filter {
						names = append(names, f.Name)
					}
				}
				bad = gridmap.Invalid(paramField(key), "unknown parameter or property %q for collection %s; allowed: %s", key, l.ID, strings.Join(names, ", "))
				return
			}
			q.Equals[key] = val
		}
	})
	if bad != nil {
		return bad
	}
	feats, matched, err := s.deps.Features.Features(c.UserContext(), q)
	if err != nil {
		return err
	}
	fc := geojson.NewFeatureCollection()
	for _, f := range feats {
		fc.Append(ogcFeature(l, f))
	}
	base := s.baseURL(c) + "/ogc/collections/" + l.ID
	page := func(offset int) string {
		v := url.Values{}
		c.Context().QueryArgs().VisitAll(func(k, val []byte) {
			if string(k) != "offset" {
				v.Set(string(k), string(val))
			}
		})
		v.Set("offset", strconv.Itoa(offset))
		v.Set("limit", strconv.Itoa(q.Limit))
		return base + "/items?" + v.Encode()
	}
	links := []link{
		{page(q.Offset), "self", geoJSONType, "this page"},
		{base, "collection", "application/json", l.TitleEN},
	}
	if q.Offset+len(feats) < matched {
		links = append(links, link{page(q.Offset + q.Limit), "next", geoJSONType, "next page"})
	}
	if q.Offset > 0 {
		links = append(links, link{page(max(0, q.Offset-q.Limit)), "prev", geoJSONType, "previous page"})
	}
	fc.ExtraMembers = geojson.Properties{
		"numberMatched": matched, "numberReturned": len(feats),
		"timeStamp": s.now().UTC().Format(time.RFC3339), "links": links,
	}
	b, err := fc.MarshalJSON()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, geoJSONType)
	return c.Send(b)
}

func ogcFeature(l gridmap.LayerInfo, f gridmap.Feature) *geojson.Feature {
	gf := geojson.NewFeature(f.Geometry)
	gf.ID = f.ID
	for i, fd := range l.Fields {
		v := f.Properties[i]
		if t, ok := v.(time.Time); ok {
			v = t.UTC().Format(time.RFC3339)
		}
		gf.Properties[fd.Name] = v
	}
	return gf
}

func (s *Server) ogcItem(c *fiber.Ctx) error {
	if err := ogcPlain(c); err != nil {
		return err
	}
	l, err := ogcLayer(c)
	if err != nil {
		return err
	}
	f, err := s.deps.Features.Feature(c.UserContext(), l.ID, c.Params("fid"))
	if err != nil {
		return err
	}
	gf := ogcFeature(l, f)
	base := s.baseURL(c) + "/ogc/collections/" + l.ID
	b, err := gf.MarshalJSON()
	if err != nil {
		return err
	}
	// Links are added beside the feature's members.
	var m map[string]any
	if err := jsonUnmarshal(b, &m); err != nil {
		return err
	}
	m["links"] = []link{{base + "/items/" + url.PathEscape(f.ID), "self", geoJSONType, ""}, {base, "collection", "application/json", l.TitleEN}}
	out, err := jsonMarshal(m)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, geoJSONType)
	return c.Send(out)
}
