// Package spatial is gridmap's point-in-grid index: it puts every incident point into exactly
// one unit grid, at once, in memory, and agrees with PostGIS while doing it.
//
// # Use
//
// Build makes an immutable *Snapshot from []gridmap.Grid; an Index publishes the current
// snapshot through an atomic.Pointer, so lookups take no lock and a rebuilt snapshot (after a
// NOTIFY that grids changed) replaces the old one as a whole. Snapshot.Locate(lon, lat) answers
// one point with a Result: the grid (an index into Snapshot.Grids, which are sorted by code),
// the method (gridmap.MethodContains, MethodNearest or MethodUnassigned) and the distance in
// metres. LocateBatch answers many points faster. Neither allocates.
//
// # Semantics
//
// Coordinates are WGS-84 longitude and latitude in degrees, treated as planar, as PostGIS
// treats geometry(MultiPolygon, 4326). For a point P:
//
//  1. Contains. For each grid the index decides, as PostGIS 3.3 and later decide for
//     ST_Contains and ST_Intersects of a (multi)polygon and a point, whether P is in the grid's
//     interior, on its boundary or outside it. PostGIS does not use GEOS here but its own
//     point-in-polygon short circuit: Sunday's winding number with the side determinant
//     (x2−x1)(Py−y1) − (Px−x1)(y2−y1) in IEEE double arithmetic, and "boundary" when that
//     determinant is exactly zero for a segment whose bounding box holds P. The index evaluates
//     the same expression bit for bit, for every edge near P (edges farther than 1/64 of a
//     cell from P cannot round differently). So:
//     - if ST_Contains holds for exactly one grid, P goes to that grid;
//     - if it holds for several (grids overlap), P goes to the first of them in code order;
//     - if it holds for none but ST_Intersects holds for some (P is on a boundary), P goes to
//     one of those by the boundary rule below;
//     - if ST_Intersects holds for none, P is in no grid and goes on to step 2.
//     This is "agreement with PostGIS" in its strongest form: also for a point within a
//     rounding error of an edge, which PostGIS calls boundary although in exact arithmetic it
//     lies strictly inside one grid (TestPostGISRoundsToBoundary shows one). Where all
//     coordinates lie within a factor of two of each other (any city: longitudes 119.x,
//     latitudes 25.x), the differences in the determinant are exact, so PostGIS's sign is
//     never wrong, only sometimes zero; its answers then differ from exact geometry only by
//     calling boundary some points closer than about 1e-16 of a segment's length to it.
//
//  2. Boundary rule. A point on the boundary of one or more grids (and in the interior of
//     none) belongs to the grid that contains the point moved an infinitesimal step east and
//     then an even smaller step north — the half-open crossing rule, decided in exact
//     arithmetic (a float fast path with Shewchuk's error bound, then exact expansion
//     arithmetic; no allocation). In words: on a shared edge that is not horizontal the point
//     goes to the grid east of the edge; on a shared horizontal edge, to the grid north of it;
//     at a vertex, to the grid whose corner covers the direction just north of east. Edges are
//     normalised upward before the test, so a shared edge gives the same answer from both of
//     its grids, whichever way their rings run. If none of the grids that P touches contains
//     the moved point (P is on the outer edge of the tiling, facing outwards, or in a hairline
//     gap), P goes to the first of them in code order. Both rules depend only on the grids'
//     coordinates and codes, so every instance decides every point the same way.
//
//  3. Nearest. A point in no grid goes to the nearest grid within the tolerance
//     (Options.NearestMetres, default 200 m) with its distance, found through an R-tree of
//     grid bounding boxes; ties go to the lower code. Distances are measured in a local
//     equirectangular frame at P's latitude, with the WGS-84 ellipsoid's radii of curvature
//     for the metres per degree (east: N·cos φ, north: M); over a few hundred metres this is
//     within 0.1% of PostGIS's geography ST_Distance (the tests check 1%).
//
//  4. Unassigned. Otherwise the point is unassigned; Result.DistanceM then gives the distance
//     to the nearest grid at any distance, for the reason recorded with the incident.
//
// Messy data is handled exactly: holes, multipolygons, neighbours whose shared edges are not
// bit-identical (an extra vertex on one side, a vertex moved by 1e-9°), slivers of overlap and
// hairline gaps all follow from the rules above, with no tolerance anywhere. The rules assume
// valid geometry, as the grids table's ST_IsValid check guarantees; for an invalid polygon
// (self-intersecting ring) the index counts crossings modulo 2 where PostGIS takes the winding
// number, and the two may differ. Two further differences from PostGIS 3.3 concern degenerate
// input only: PostGIS 3.3 also skips segments shorter than 1e-12° (3.4 and later, like the
// index, skip only zero-length ones), and for a multipolygon whose parts come within a
// rounding error of each other PostGIS's answer depends on the order of its parts.
//
// # How it works
//
// A uniform lattice of square cells (about 24 per grid) covers the extent. A cell lying wholly
// inside one grid holds that grid's index in its 4-byte word: the answer, with no polygon test
// at all. Any other cell points to a block in one arena that lists the edges within 1/64 of a
// cell of it (bit-identical edges of two grids stored once, with both grids), the candidate
// grids, and for each candidate the parity of the crossings that a ray from the cell's
// south-east corner makes with the candidate's edges not listed. The point's parity per grid is
// then that constant, corrected by the vertices east of the cell between the corner's row and
// the point's (a short list of event heights), and by the listed edges alone; so a lookup
// touches a handful of edges, with PostGIS's determinant, and masks of up to 64 candidate
// grids (a cell crossed by more grids falls back to testing their whole geometry).
//
// The batch path reads the cell words of 16 points, then their block heads, and only then tests
// edges, so the CPU overlaps the cache misses that dominate a lookup among 100,000 grids.
package spatial
