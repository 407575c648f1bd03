// Package tileservice serves gridmap's public layers as vector tiles (MVT and GeoJSON) and
// TileJSON, fast and never stale. It depends only on the domain (gridmap.FeatureStore), the pure
// encoder (internal/tiles) and internal/live; the web layer calls it and cmd/gridmap wires it.
//
// Where tiles come from. Each layer has a source: an in-memory snapshot, a *tiles.Layer built
// from every feature of the layer and rebuilt in the background (live.Value) when one of its
// tables changes. The store (PostGIS) stays the truth: whenever the snapshot may be behind the
// database — before the first build, from the moment a change is known until the rebuild that
// began after it is published, and for incidents once an open incident's due time has passed
// since the build — tiles are read per tile from the store with the bbox of the buffered tile
// and encoded the same way. Both paths give the same bytes for the same data (features in id
// order, one encoder), so ETags agree across instances whichever path each one took.
//
// Incidents are clustered (tiles.EncodeClusters) below zoom 14 and wherever a tile would carry
// more than tiles.DefaultMaxClusters of them, so no tile grows beyond that bound; above, every
// incident is drawn with its id, category, channel, status, grid, reported_at and overdue.
// Filters (since, until, category, status) are applied to the snapshot in memory, or passed to
// the store.
//
// Caching. Finished tiles are kept in one bounded LRU cache (bytes), gzipped once, each
// representation with its strong ETag. A cache key holds the layer, the layer's epoch, z/x/y,
// the format and the normalised filter. The epoch of a layer changes, and the layer's entries
// are dropped at once, when
//   - a change to one of its tables is known: a database change notice (every instance), or
//     Changed called by this instance right after it committed incidents (the intake hook), so
//     the caller's next tile request already recomputes;
//   - a rebuilt snapshot with different content is published.
//
// Because a change is known only after its commit, any tile computed under the new epoch reads
// data that includes it; tiles computed under an older epoch are never served again. Concurrent
// misses of one key compute it once. Incident tiles that show an open incident as not yet
// overdue expire from the cache at its due time.
//
// The one deliberate lag: the grid layer's counts of open incidents follow intake through
// rebuilds spaced by Options.GridsMinInterval (2 s by default), because the grid layer is the
// most expensive to rebuild and busy intake would otherwise rebuild it continuously. Changes to
// grids, staff, red positions and stations make grid tiles fresh at once, like every other
// layer.
package tileservice
