package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// geoJSONType is the media type of RFC 7946 documents.
const geoJSONType = "application/geo+json"

// feature builds a GeoJSON feature with a string id.
func feature(id string, g orb.Geometry, props geojson.Properties) *geojson.Feature {
	f := geojson.NewFeature(g)
	f.ID = id
	f.Properties = props
	return f
}

// sendFeatures writes a FeatureCollection.
func sendFeatures(c *fiber.Ctx, fs []*geojson.Feature) error {
	fc := geojson.NewFeatureCollection()
	fc.Features = fs
	if fc.Features == nil {
		fc.Features = []*geojson.Feature{}
	}
	b, err := fc.MarshalJSON()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, geoJSONType)
	return c.Send(b)
}

// sendFeature writes one Feature.
func sendFeature(c *fiber.Ctx, f *geojson.Feature) error {
	b, err := f.MarshalJSON()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, geoJSONType)
	return c.Send(b)
}
