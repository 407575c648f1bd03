package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/gridmap/gridmap/internal/gridmap"
)

// ogcAPI serves the OpenAPI 3.0 definition of the /ogc service, generated from the layer
// catalogue so that it always lists the parameters the handlers accept.
func (s *Server) ogcAPI(c *fiber.Ctx) error {
	if err := checkParams(c, "f"); err != nil {
		return err
	}
	param := func(name, in, desc string, schema fiber.Map, required bool) fiber.Map {
		return fiber.Map{"name": name, "in": in, "description": desc, "required": required, "schema": schema, "style": "form", "explode": false}
	}
	jsonResp := func(desc, media string) fiber.Map {
		return fiber.Map{"200": fiber.Map{"description": desc, "content": fiber.Map{media: fiber.Map{"schema": fiber.Map{"type": "object"}}}},
			"400": fiber.Map{"description": "invalid parameter (application/problem+json)"},
			"404": fiber.Map{"description": "not found (application/problem+json)"}}
	}
	paths := fiber.Map{
		"/":            fiber.Map{"get": fiber.Map{"summary": "landing page", "operationId": "getLandingPage", "responses": jsonResp("landing page", "application/json")}},
		"/conformance": fiber.Map{"get": fiber.Map{"summary": "conformance classes", "operationId": "getConformance", "responses": jsonResp("conformance", "application/json")}},
		"/collections": fiber.Map{"get": fiber.Map{"summary": "collections", "operationId": "getCollections", "responses": jsonResp("collections", "application/json")}},
	}
	for _, l := range gridmap.Layers {
		params := []fiber.Map{
			param("bbox", "query", "minLon,minLat,maxLon,maxLat in CRS84", fiber.Map{"type": "array", "minItems": 4, "maxItems": 4, "items": fiber.Map{"type": "number"}}, false),
			param("limit", "query", "features per page", fiber.Map{"type": "integer", "minimum": 1, "maximum": ogcMaxLimit, "default": ogcDefaultLimit}, false),
			param("offset", "query", "features to skip", fiber.Map{"type": "integer", "minimum": 0, "default": 0}, false),
		}
		if l.Temporal {
			params = append(params, param("datetime", "query", "RFC 3339 instant or interval start/end (.. for open)", fiber.Map{"type": "string"}, false))
		}
		for _, f := range l.Fields {
			if f.Filter {
				params = append(params, param(f.Name, "query", f.Title+" equals", jsonSchemaType(f.Type), false))
			}
		}
		base := "/collections/" + l.ID
		paths[base] = fiber.Map{"get": fiber.Map{"summary": l.TitleEN, "operationId": "describe_" + l.ID, "responses": jsonResp("collection", "application/json")}}
		paths[base+"/queryables"] = fiber.Map{"get": fiber.Map{"summary": l.TitleEN + " queryables", "operationId": "queryables_" + l.ID, "responses": jsonResp("queryables", "application/schema+json")}}
		paths[base+"/items"] = fiber.Map{"get": fiber.Map{"summary": l.TitleEN + " features", "operationId": "items_" + l.ID, "parameters": params, "responses": jsonResp("features", geoJSONType)}}
		paths[base+"/items/{featureId}"] = fiber.Map{"get": fiber.Map{"summary": "one " + l.TitleEN + " feature", "operationId": "item_" + l.ID,
			"parameters": []fiber.Map{param("featureId", "path", "feature id", fiber.Map{"type": "string"}, true)}, "responses": jsonResp("feature", geoJSONType)}}
	}
	doc := fiber.Map{
		"openapi": "3.0.3",
		"info":    fiber.Map{"title": "gridmap OGC API - Features", "version": "1.0.0", "description": "Grid-governance layers as OGC API Features."},
		"servers": []fiber.Map{{"url": s.baseURL(c) + "/ogc"}},
		"paths":   paths,
	}
	c.Set(fiber.HeaderContentType, "application/vnd.oai.openapi+json;version=3.0")
	body, err := jsonMarshal(doc)
	if err != nil {
		return err
	}
	return c.Send(body)
}
