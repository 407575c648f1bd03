// map.js: builds a gridmap MapLibre map and the operations every map page shares: filling the
// sources, toggling layer groups, selecting a grid, finding what is under the pointer, fitting a
// collection, waiting for the map to settle. What is drawn is defined in layers.js.

import {Map, NavigationControl, ScaleControl, LngLatBounds} from '../lib/maplibre-gl/maplibre-gl.mjs';
import {styleFor, layerIds, LAYERS, SELECTED_LAYERS, SOURCES} from './layers.js';
import {ROOT} from './api.js';
import {labelPoints} from './geom.js';
import {mapLocale} from './i18n.js';

// FUQING is the default view: the centre of Fuqing's urban streets (WGS-84) at city zoom.
export const FUQING = {center: [119.3747, 25.7294], zoom: 12};

// createMap makes the map in container. Options: center, zoom (default FUQING), tiles (draw
// from vector tiles instead of GeoJSON filled by setData), hash (keep the view in the URL),
// controls (add zoom and scale controls; default true).
export function createMap(container, {center = FUQING.center, zoom = FUQING.zoom, tiles = false,
  hash = false, controls = true} = {}) {
  // MapLibre draws labels with the container's language, which picks the Simplified Chinese
  // forms of a CJK font; the labels are Chinese place names whatever the interface language.
  if (!container.lang) container.lang = 'zh-CN';
  const map = new Map({
    container,
    style: styleFor({tiles, root: ROOT}),
    center,
    zoom,
    minZoom: 8,
    maxZoom: 18.5,
    hash,
    attributionControl: false,
    renderWorldCopies: false,
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    maxPitch: 0,
    fadeDuration: 150,
    locale: mapLocale(),
  });
  map.touchZoomRotate.disableRotation();
  map.keyboard.disableRotation();
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

// setData fills the GeoJSON sources from collections keyed like SOURCES (see api.loadAll), and
// the label sources from the collections they are derived from.
export function setData(map, collections) {
  for (const [name, src] of Object.entries(SOURCES)) {
    const fc = src.from ? collections[src.from] && labelPoints(collections[src.from]) : collections[name];
    if (fc) map.getSource(name)?.setData(fc);
  }
}

// setGroupVisible shows or hides every layer of a toggle group (once the style has loaded).
export function setGroupVisible(map, group, visible) {
  const ids = layerIds(group);
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
  return layerIds(group).some((id) => (map.getLayer(id)
    ? map.getLayoutProperty(id, 'visibility')
    : LAYERS.find((l) => l.id === id).layout?.visibility) !== 'none');
}

// selectGrid highlights the grid with this code; null clears the highlight.
export function selectGrid(map, code) {
  for (const id of SELECTED_LAYERS) map.setFilter(id, ['==', ['get', 'code'], code ?? '']);
}

// featureAt returns what a click at point is about: a service point within a few pixels
// ({kind: 'place', feature}) before the grid under it ({kind: 'grid', feature}), or null.
export function featureAt(map, point, slop = 6) {
  const visible = (ids) => ids.filter((id) => map.getLayer(id) && map.getLayoutProperty(id, 'visibility') !== 'none');
  const places = visible(layerIds({interactive: 'place'}));
  if (places.length) {
    const box = [[point.x - slop, point.y - slop], [point.x + slop, point.y + slop]];
    const hit = map.queryRenderedFeatures(box, {layers: places});
    if (hit.length) return {kind: 'place', feature: hit[hit.length - 1]};
  }
  const grids = visible(layerIds({interactive: 'grid'}));
  if (grids.length) {
    const hit = map.queryRenderedFeatures(point, {layers: grids});
    if (hit.length) return {kind: 'grid', feature: hit[0]};
  }
  return null;
}

// boundsOf is the bounding box of a FeatureCollection, or null when it has no coordinates.
export function boundsOf(fc) {
  const b = new LngLatBounds();
  let any = false;
  const walk = (c) => {
    if (typeof c[0] === 'number') { b.extend(c); any = true; return; }
    for (const x of c) walk(x);
  };
  for (const f of fc?.features ?? []) if (f.geometry) walk(f.geometry.coordinates);
  return any ? b : null;
}

// whenIdle resolves once the map has drawn everything it has to draw.
export function whenIdle(map) {
  return new Promise((resolve) => {
    map.once('idle', resolve);
    map.triggerRepaint();
  });
}
