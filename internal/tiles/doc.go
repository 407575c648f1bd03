// Package tiles turns in-memory layers of gridmap features into map tiles: Mapbox Vector Tiles
// (MVT 2.1) and RFC 7946 GeoJSON, one z/x/y tile at a time, plus the TileJSON document that
// describes a layer and the ETag and gzip helpers a tile cache needs.
//
// The package is pure: no I/O, no database, no package-level mutable state. A Layer is built
// once from WGS-84 features and never changes, so the HTTP layer can publish a new one through
// an atomic.Pointer when the data changes and keep serving the old one meanwhile.
//
// Every tile goes through one pipeline, the same for both formats, so that a MapLibre map and a
// QGIS user see the same shapes:
//
//  1. the layer's R-tree (tidwall/rtree) picks the features whose boxes meet the tile plus its
//     buffer;
//  2. each vertex, projected to Web Mercator once when the layer was built, is scaled into the
//     tile's integer grid (Extent units a side) and repeats are dropped: the cheap first
//     simplification, which thins a 20,000-vertex outline at zoom 8 to the points the zoom
//     can show before any expensive step sees it;
//  3. rings crossing the buffered tile are clipped (Sutherland-Hodgman, in reused buffers);
//     lines are clipped with orb/clip;
//  4. Douglas-Peucker removes detail below the tolerance, half a pixel by default;
//  5. rings left with fewer than 4 points or less than one square unit are dropped, and so
//     are polygons whose holes cover the tile; survivors are wound as each format wants:
//     exterior clockwise on the y-down tile (positive area) for MVT, counter-clockwise in
//     longitude/latitude for GeoJSON, the latter decided on the rounded coordinates that are
//     actually written;
//  6. the writer emits MVT protobuf by hand, or GeoJSON text with coordinates rounded to the
//     decimals the zoom resolves.
//
// Rings are closed, non-empty and correctly wound; they are not made simple: simplification
// can make an outline touch itself, and clipping leaves zero-width spurs along the buffer edge,
// outside the visible tile, as most tile encoders do.
//
// orb/encoding/mvt is not used for encoding: orb's MVT path was measured 2 to 4 times slower
// for whole tiles and 5 times slower for the protobuf alone (see mvt.go and orbdecode_test.go),
// and it neither rewinds rings nor rounds coordinates. orb's decoder checks the output in
// orbdecode_test.go.
package tiles
