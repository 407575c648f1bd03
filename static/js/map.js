// map.js: builds a gridmap MapLibre map and the operations every map page shares: toggling
// layer groups, labelling divisions, filtering and refreshing tiles, selecting a grid, finding
// what is under the pointer, fitting a collection, waiting for the map to settle. What is drawn
// is defined in layers.js.

import {Map as MapLibreMap, NavigationControl, ScaleControl, LngLatBounds} from '../lib/maplibre-gl/maplibre-gl.mjs';
import {styleFor, layerIds, cityLayers, SELECTED_LAYERS, LABEL_ZOOM, tileURL, EMPTY} from './layers.js';
import {ROOT, getJSON} from './api.js';
import {labelPoints} from './geom.js';
import {mapLocale} from './i18n.js';

// FUQING is the default view: the centre of Fuqing's urban streets (WGS-84) at city zoom.
export const FUQING = {center: [119.3747, 25.7294], zoom: 12};

// The layer definitions each map was made with (layers.js), for toggles and hit tests.
const mapLayers = new WeakMap();

// createMap makes the map in container. Options: center, zoom (default FUQING), layers (the
// layer definitions, default the city map's), incidents (the incident tiles' filter), hash
// (keep the view in the URL), controls (zoom and scale controls; default true), interactive.
export function createMap(container, {center = FUQING.center, zoom = FUQING.zoom, layers = cityLayers(),
  incidents, hash = false, controls = true, interactive = true} = {}) {
  // MapLibre draws labels with the container's language, which picks the Simplified Chinese
  // forms of a CJK font; the labels are Chinese place names whatever the interface language.
  if (!container.lang) container.lang = 'zh-CN';
  const map = new MapLibreMap({
    container,
    style: styleFor({root: ROOT, layers, incidents}),
    center,
    zoom,
    minZoom: 8,
    maxZoom: 18.5,
    hash,
    interactive,
    attributionControl: false,
    renderWorldCopies: false,
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    maxPitch: 0,
    fadeDuration: 150,
    locale: mapLocale(),
  });
  mapLayers.set(map, layers);
  if (interactive) {
    map.touchZoomRotate.disableRotation();
    map.keyboard.disableRotation();
  }
  if (controls) addControls(map);
  return map;
}

// The controls createMap added to each map, so that relocalise can swap them.
const mapControls = new WeakMap();

function addControls(map) {
  const list = [
    [new NavigationControl({showCompass: false}), 'bottom-right'],
    [new ScaleControl({maxWidth: 120, unit: 'metric'}), 'bottom-left'],
  ];
  for (const [control, position] of list) map.addControl(control, position);
  mapControls.set(map, list.map(([control]) => control));
}

// relocalise puts MapLibre's own strings (zoom buttons, scale units) in the current language.
// MapLibre takes them only when the map is made, so this patches its private table (pinned
// with the vendored version) and rebuilds the controls, which read it as they are made.
export function relocalise(map) {
  if (!map._locale) return;
  Object.assign(map._locale, mapLocale());
  map.getCanvas().setAttribute('aria-label', mapLocale()['Map.Title']);
  const old = mapControls.get(map);
  if (!old) return;
  for (const control of old) map.removeControl(control);
  addControls(map);
}

// setLabels fills the street and community label sources with one point per division, from
// the read API's FeatureCollections.
export function setLabels(map, {streets, communities} = {}) {
  if (streets) map.getSource('street_labels')?.setData(labelPoints(streets));
  if (communities) map.getSource('community_labels')?.setData(labelPoints(communities));
}

// followGridLabels keeps the grid_labels source filled with the label points of the grids in
// and around the view, once the view is near the zoom where grid names show: it asks the read
// API for the grids in the view's box (with half a view of margin, so small pans need nothing
// new), at most one request at a time. filter() returns extra query parameters (street,
// community). It returns {reset(), settled()}: reset forgets what it has (after the filter
// changed); settled resolves once no request is under way or waiting to start.
export function followGridLabels(map, {filter = () => ({}), minZoom = LABEL_ZOOM.grid - 0.5, max = 4000} = {}) {
  const points = new Map(); // grid code -> label point; bounded by max
  let covered = null; // [w, s, e, n] fetched for the current filter
  let ctrl = null;
  let timer = 0;
  let pending = Promise.resolve();
  const inside = (b, box) => b.getWest() >= box[0] && b.getSouth() >= box[1] && b.getEast() <= box[2] && b.getNorth() <= box[3];
  async function update() {
    if (map.getZoom() < minZoom) return;
    const b = map.getBounds();
    if (covered && inside(b, covered)) return;
    const dx = (b.getEast() - b.getWest()) / 2;
    const dy = (b.getNorth() - b.getSouth()) / 2;
    const box = [b.getWest() - dx, b.getSouth() - dy, b.getEast() + dx, b.getNorth() + dy]
      .map((v, i) => Math.max(i % 2 ? -85 : -180, Math.min(i % 2 ? 85 : 180, v)));
    ctrl?.abort();
    ctrl = new AbortController();
    const fc = await getJSON('api/v1/grids', {...filter(), bbox: box.map((v) => v.toFixed(6)).join(',')}, {signal: ctrl.signal});
    if (points.size + fc.features.length > max) points.clear();
    for (const f of labelPoints(fc).features) points.set(f.properties.code, f);
    covered = box;
    map.getSource('grid_labels')?.setData({type: 'FeatureCollection', features: [...points.values()]});
  }
  const run = () => {
    timer = 0;
    pending = update().catch((err) => {
      if (err.name !== 'AbortError') console.warn('gridmap: grid labels:', err.message);
    });
  };
  map.on('moveend', () => {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  });
  const settled = async () => {
    for (;;) {
      const p = pending;
      if (timer) await new Promise((resolve) => setTimeout(resolve, 40));
      else await p;
      if (!timer && p === pending) return;
    }
  };
  if (map.loaded()) run(); else map.once('load', run);
  return {
    reset() {
      points.clear();
      covered = null;
      map.getSource('grid_labels')?.setData(EMPTY);
      run();
    },
    settled,
  };
}

// setIncidentFilter points the incident tiles at another filter (since, until, category,
// status); MapLibre fetches the tiles in view again.
export function setIncidentFilter(map, params) {
  map.getSource('incidents')?.setTiles([tileURL('incidents', ROOT, params)]);
}

// refreshSource fetches a tile source's tiles in view again, keeping the old ones drawn until
// the new ones arrive. Tiles carry strong ETags and Cache-Control: no-cache, so the browser
// revalidates each one and an unchanged tile costs a 304.
// It names the tiles it refreshes: MapLibre 6.17, told to refresh a whole source, marks a tile
// whose last load failed (the server was down) as loading and then waits for a load nobody
// started, so the tile stays empty and the map never goes idle again; a tile named is loaded
// afresh. The tiles in view come from MapLibre's tile manager, which is private (pinned with the
// vendored version); without it the whole source is refreshed as before.
export function refreshSource(map, name) {
  if (!map.getSource(name)) return;
  const manager = map.style?.tileManagers?.[name];
  const tiles = manager?.getIds?.().map((id) => manager.getTileByID(id)?.tileID?.canonical).filter(Boolean);
  if (!tiles) {
    map.refreshTiles(name);
    return;
  }
  if (tiles.length) map.refreshTiles(name, tiles.map(({x, y, z}) => ({x, y, z})));
}

// setGroupVisible shows or hides every layer of a toggle group (once the style has loaded).
export function setGroupVisible(map, group, visible) {
  const ids = layerIds(group, mapLayers.get(map));
  if (!ids.length) return;
  if (!map.getLayer(ids[0])) {
    map.once('style.load', () => setGroupVisible(map, group, visible));
    return;
  }
  for (const id of ids) {
    map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
  }
}

// groupVisible tells whether a group's layers are shown (before the style has loaded: whether
// they will be).
export function groupVisible(map, group) {
  const layers = mapLayers.get(map) ?? cityLayers();
  return layerIds(group, layers).some((id) => (map.getLayer(id)
    ? map.getLayoutProperty(id, 'visibility')
    : layers.find((l) => l.id === id).layout?.visibility) !== 'none');
}

// selectGrid highlights the grid with this code; null clears the highlight.
export function selectGrid(map, code) {
  for (const id of SELECTED_LAYERS) if (map.getLayer(id)) map.setFilter(id, ['==', ['get', 'code'], code ?? '']);
}

// featureAt returns what a click at point is about: a service point within a few pixels
// ({kind: 'place', feature}), else an incident or a cluster ({kind: 'incident'}), else the grid
// under it ({kind: 'grid'}), or null.
export function featureAt(map, point, slop = 6) {
  const layers = mapLayers.get(map) ?? cityLayers();
  const visible = (ids) => ids.filter((id) => map.getLayer(id) && map.getLayoutProperty(id, 'visibility') !== 'none');
  const box = [[point.x - slop, point.y - slop], [point.x + slop, point.y + slop]];
  for (const kind of ['place', 'incident']) {
    const ids = visible(layerIds({interactive: kind}, layers));
    if (!ids.length) continue;
    const hit = map.queryRenderedFeatures(box, {layers: ids});
    if (hit.length) return {kind, feature: hit[0]};
  }
  const grids = visible(layerIds({interactive: 'grid'}, layers));
  if (grids.length) {
    const hit = map.queryRenderedFeatures(point, {layers: grids});
    if (hit.length) return {kind: 'grid', feature: hit[0]};
  }
  return null;
}

// boundsOf is the bounding box of a FeatureCollection (or Feature), or null when it has no
// coordinates.
export function boundsOf(fc) {
  const b = new LngLatBounds();
  let any = false;
  const walk = (c) => {
    if (typeof c[0] === 'number') { b.extend(c); any = true; return; }
    for (const x of c) walk(x);
  };
  const features = fc?.type === 'Feature' ? [fc] : fc?.features ?? [];
  for (const f of features) if (f.geometry) walk(f.geometry.coordinates);
  return any ? b : null;
}

// whenIdle resolves once the map has drawn everything it has to draw.
export function whenIdle(map) {
  return new Promise((resolve) => {
    map.once('idle', resolve);
    map.triggerRepaint();
  });
}
