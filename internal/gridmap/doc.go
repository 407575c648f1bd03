// Package gridmap holds the domain of grid governance: streets, communities, unit grids, the people
// and service points that answer for them, and the incidents residents report. It has no I/O
// imports; storage (internal/postgis), the HTTP layer (internal/web) and the point-in-grid index
// (internal/spatial) depend on it, never the reverse.
//
// Geometry is github.com/paulmach/orb throughout the program, in WGS-84 longitude/latitude
// (EPSG:4326). Conversions to other geometry models happen only at the edges.
package gridmap
