// layers.js: the one place that says what the maps show and how it looks: the theme, the
// palettes, the data sources and the style layers drawn from them. Every page builds its map
// from these blocks, so a change of colour, zoom range or data source is made here once.
//
// The divisions, service points and incidents come as vector tiles (/tiles/{layer}/{z}/{x}/{y}.mvt,
// one source per layer, its source-layer named like it). Labels hang on points, not on the tiled
// polygons: MapLibre would label a polygon once per tile it crosses, so a grid seen at high zoom
// would repeat its name. Pages fill the *_labels GeoJSON sources with one point per division
// (geom.js): streets and communities from the small read APIs, grids from the viewport (map.js).

// Text is drawn by MapLibre from the browser's own fonts (the style has no `glyphs` URL, so
// MapLibre 6 rasterises every glyph, Chinese and Latin alike, with TinySDF on a canvas). The
// stack is a CSS font-family list: the usual Chinese UI fonts of Windows, macOS and Linux.
// A first name containing "Bold" makes MapLibre draw with weight 700; MapLibre appends the
// generic sans-serif, so a machine with none of these fonts still shows every label.
import {statusGroup} from './i18n.js';

const FONTS = ['Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC',
  'Hiragino Sans GB', 'WenQuanYi Zen Hei'];
export const FONT_REGULAR = FONTS;
export const FONT_BOLD = ['Noto Sans CJK SC Bold', ...FONTS];

// THEME is the command-centre palette: deep navy ground, light boundaries, white labels.
export const THEME = {
  background: '#081427',
  label: '#f1f5ff',
  labelHalo: 'rgba(4, 10, 24, 0.92)',
  streetLine: '#67e8f9',
  streetGlow: 'rgba(34, 211, 238, 0.35)',
  communityLine: 'rgba(191, 219, 254, 0.85)',
  gridLine: 'rgba(226, 232, 240, 0.38)',
  selected: '#fde047',
  redPosition: '#ef4444',
  redPositionStroke: '#ffffff',
  stationStroke: '#081427',
  warning: '#fb923c',
};

// STREET_PALETTE colours the grids by street. A street's colour is picked by the number its
// 9-digit code ends with (digits 7-9, the sequence within the county) modulo the palette's
// length, so it never depends on which streets are loaded or in what order, and neighbouring
// sequence numbers get far-apart hues. The style expression and the legend share this rule.
// Past 12 streets (a county with its towns) colours repeat; street outlines still separate them.
export const STREET_PALETTE = [
  '#3b82f6', '#f59e0b', '#14b8a6', '#a855f7', '#84cc16', '#38bdf8',
  '#ec4899', '#6366f1', '#22c55e', '#fb923c', '#facc15', '#2dd4bf',
];

// streetColorIndex is the palette index of a street code (e.g. 350181003 -> 3).
export function streetColorIndex(code) {
  const n = Number.parseInt(String(code).slice(6), 10);
  return Number.isFinite(n) ? n % STREET_PALETTE.length : 0;
}

// streetColor is the colour of a street code, as the map draws it.
export function streetColor(code) {
  return STREET_PALETTE[streetColorIndex(code)];
}

// The same rule as streetColorIndex, as a style expression on a feature's `street` property.
const streetColorExpr = ['to-color', ['at',
  ['%', ['to-number', ['slice', ['to-string', ['get', 'street']], 6], 0], STREET_PALETTE.length],
  ['literal', STREET_PALETTE]]];

// STATION_KINDS and their symbol colours; red positions are all red whatever their kind.
export const STATION_KINDS = {
  volunteer_station: '#22c55e',
  veterans_station: '#f59e0b',
  deliberation_hall: '#a78bfa',
  party_mass_centre: '#38bdf8',
};
const OTHER_STATION = '#94a3b8'; // a kind the palette does not know yet
export function stationColor(kind) { return STATION_KINDS[kind] ?? OTHER_STATION; }

const stationColorExpr = ['match', ['get', 'kind'],
  ...Object.entries(STATION_KINDS).flat(), OTHER_STATION];

// Incidents. A point is coloured by where it stands (INCIDENT_GROUPS): overdue (whatever its
// status), open, done or ended early. Which statuses are in each group is the server's word
// (GET /api/v1/categories status_groups, i18n.js statusGroup), so these are called after boot.
export const INCIDENT_GROUPS = ['overdue', 'open', 'done', 'ended'];
export function statusesOf(group) { return group === 'overdue' ? [] : statusGroup(group); }
export const INCIDENT_COLORS = {
  overdue: '#f43f5e',
  open: '#fbbf24',
  done: '#34d399',
  ended: '#94a3b8',
};
// CLUSTER_COLORS: fewer than 10 incidents, fewer than 50, more.
export const CLUSTER_COLORS = ['#f59e0b', '#f97316', '#e11d48'];
function incidentColorExpr() {
  return ['case',
    ['==', ['get', 'overdue'], true], INCIDENT_COLORS.overdue,
    ['in', ['get', 'status'], ['literal', statusesOf('open')]], INCIDENT_COLORS.open,
    ['in', ['get', 'status'], ['literal', statusesOf('done')]], INCIDENT_COLORS.done,
    INCIDENT_COLORS.ended];
}

// CATEGORY_COLORS give each incident category a fixed hue (charts, the ticker, flashes).
export const CATEGORY_COLORS = {
  sanitation: '#22d3ee', road_facility: '#60a5fa', illegal_construction: '#f97316',
  noise: '#a78bfa', neighbour_dispute: '#f472b6', safety_hazard: '#ef4444',
  property_management: '#2dd4bf', parking: '#facc15', utilities: '#38bdf8',
  greenery: '#4ade80', elderly_service: '#fb7185', other: '#94a3b8',
};
export function categoryColor(code) { return CATEGORY_COLORS[code] ?? '#94a3b8'; }

// TILE_LAYERS are the server's vector tile layers; a style source of the same name draws one.
export const TILE_LAYERS = ['streets', 'communities', 'grids', 'red_positions', 'stations', 'incidents'];

// tileURL is the tile URL template of a layer under root, with query parameters (incident
// filters); MapLibre fills in {z}, {x} and {y}.
export function tileURL(layer, root, params = {}) {
  const url = new URL(`tiles/${layer}/{z}/{x}/{y}.mvt`, root);
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, Array.isArray(v) ? v.join(',') : v);
  }
  return url.href.replace(/%7B/g, '{').replace(/%7D/g, '}');
}

// Zoom bands of the labels: streets below LABEL_ZOOM.community, communities up to
// LABEL_ZOOM.grid, grids above it. (Incidents come clustered below zoom 14: the server decides.)
export const LABEL_ZOOM = {community: 12.8, grid: 15};

// A grid's name on two lines, broken before its sequence: 融东社区第1网格 -> 融东社区 / 第1网格.
const gridLabelExpr = ['let', 'name', ['to-string', ['get', 'name']],
  ['let', 'i', ['index-of', '第', ['var', 'name']],
    ['case', ['>', ['var', 'i'], 0],
      ['concat', ['slice', ['var', 'name'], 0, ['var', 'i']], '\n', ['slice', ['var', 'name'], ['var', 'i']]],
      ['var', 'name']]]];

const labelPaint = {
  'text-color': THEME.label,
  'text-halo-color': THEME.labelHalo,
  'text-halo-width': 1.6,
  'text-halo-blur': 0.4,
};

// The building blocks. Each returns layer definitions; `group` names the toggle that shows or
// hides a layer (see GROUPS); `interactive` marks layers that answer clicks.

// gridLayers: grids filled (by street unless fill says otherwise), outlined, and the selected
// grid's fill (its outline is drawn above the boundaries by selectedGridLine).
export function gridLayers({fill = streetColorExpr, opacity, filter} = {}) {
  return [
    {id: 'grids-fill', group: 'grids', interactive: 'grid', type: 'fill', source: 'grids', ...(filter && {filter}), paint: {
      'fill-color': fill,
      'fill-opacity': opacity ?? ['interpolate', ['linear'], ['zoom'], 10, 0.5, 14, 0.34, 17, 0.22],
    }},
    {id: 'grids-line', group: 'grids', type: 'line', source: 'grids', layout: {'line-join': 'round'}, paint: {
      'line-color': THEME.gridLine,
      'line-width': ['interpolate', ['linear'], ['zoom'], 11, 0.3, 14, 0.9, 17, 1.6],
    }},
    {id: 'grids-selected-fill', group: 'grids', type: 'fill', source: 'grids', filter: ['==', ['get', 'code'], ''], paint: {
      'fill-color': THEME.selected, 'fill-opacity': 0.2,
    }},
  ];
}

export function selectedGridLine() {
  return {id: 'grids-selected-line', group: 'grids', type: 'line', source: 'grids', filter: ['==', ['get', 'code'], ''],
    layout: {'line-join': 'round'}, paint: {
      'line-color': THEME.selected,
      'line-width': ['interpolate', ['linear'], ['zoom'], 11, 2, 16, 4],
    }};
}

// boundaryLayers: communities dashed, streets thick over a glow; k scales widths (wall displays).
export function boundaryLayers({k = 1, community = true} = {}) {
  return [
    ...(community ? [{id: 'communities-line', group: 'communities', type: 'line', source: 'communities', layout: {'line-join': 'round'}, paint: {
      'line-color': THEME.communityLine,
      'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.6 * k, 13, 1.4 * k, 16, 2.4 * k],
      'line-dasharray': [3, 1.5],
    }}] : []),
    {id: 'streets-glow', group: 'streets', type: 'line', source: 'streets', layout: {'line-join': 'round'}, paint: {
      'line-color': THEME.streetGlow,
      'line-width': ['interpolate', ['linear'], ['zoom'], 9, 4 * k, 13, 9 * k, 16, 14 * k],
      'line-blur': ['interpolate', ['linear'], ['zoom'], 9, 3 * k, 13, 6 * k, 16, 9 * k],
    }},
    {id: 'streets-line', group: 'streets', type: 'line', source: 'streets', layout: {'line-join': 'round'}, paint: {
      'line-color': THEME.streetLine,
      'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1.4 * k, 13, 2.6 * k, 16, 4 * k],
    }},
  ];
}

// placeLayers: stations by kind, red positions red and a little larger, on top.
export function placeLayers() {
  return [
    {id: 'stations-circle', group: 'stations', interactive: 'place', type: 'circle', source: 'stations', paint: {
      'circle-color': stationColorExpr,
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 2.5, 12, 3.6, 14, 5.5, 16, 8],
      'circle-stroke-color': THEME.stationStroke,
      'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 10, 0.6, 14, 1.6],
    }},
    {id: 'red-positions-circle', group: 'red_positions', interactive: 'place', type: 'circle', source: 'red_positions', paint: {
      'circle-color': THEME.redPosition,
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 2, 12, 3, 14, 5.5, 16, 8],
      'circle-stroke-color': THEME.redPositionStroke,
      'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 10, 0.5, 12, 0.9, 14, 1.8],
    }},
  ];
}

// walkRingLayers draw a ring of walk_m metres around every red position and station. A circle's
// radius is in pixels, so it doubles with each zoom level from its size at zoom 0 (MapLibre's
// world is 512 pixels wide there) at the latitude lat: exact for the Web Mercator scale there.
export function walkRingRadius(walkM, lat) {
  const r0 = walkM / ((40075016.686 / 512) * Math.cos(lat * Math.PI / 180));
  return ['interpolate', ['exponential', 2], ['zoom'], 0, r0, 24, r0 * 2 ** 24];
}
export function walkRingLayers(walkM, lat) {
  const ring = (id, source, color) => ({id, group: 'rings', type: 'circle', source, layout: {visibility: 'none'}, paint: {
    'circle-radius': walkRingRadius(walkM, lat),
    'circle-color': color,
    'circle-opacity': 0.035,
    'circle-stroke-color': color,
    'circle-stroke-opacity': 0.6,
    'circle-stroke-width': 1,
    'circle-pitch-alignment': 'map',
  }});
  return [ring('red-positions-ring', 'red_positions', '#f87171'), ring('stations-ring', 'stations', '#4ade80')];
}

// incidentLayers: clusters (any feature with a count: below INCIDENT_POINT_ZOOM, or where a tile
// is dense) as circles sized by count, and single incidents coloured by status.
export function incidentLayers() {
  const isCluster = ['has', 'count'];
  return [
    {id: 'incidents-cluster', group: 'incidents', interactive: 'incident', type: 'circle', source: 'incidents', filter: isCluster, paint: {
      'circle-color': ['step', ['get', 'count'], CLUSTER_COLORS[0], 10, CLUSTER_COLORS[1], 50, CLUSTER_COLORS[2]],
      'circle-opacity': 0.88,
      'circle-radius': ['interpolate', ['linear'], ['sqrt', ['get', 'count']], 1, 4, 2, 8, 4, 12, 10, 20, 30, 32],
      'circle-stroke-color': 'rgba(255, 255, 255, 0.8)',
      'circle-stroke-width': 1,
    }},
    {id: 'incidents-cluster-count', group: 'incidents', type: 'symbol', source: 'incidents', filter: ['all', isCluster, ['>', ['get', 'count'], 1]], layout: {
      'text-field': ['number-format', ['get', 'count'], {}],
      'text-font': FONT_BOLD,
      'text-size': ['interpolate', ['linear'], ['get', 'count'], 2, 10, 100, 14],
      'text-allow-overlap': true,
      'text-ignore-placement': true,
    }, paint: {'text-color': '#ffffff', 'text-halo-color': 'rgba(60, 20, 0, 0.6)', 'text-halo-width': 1}},
    {id: 'incidents-point', group: 'incidents', interactive: 'incident', type: 'circle', source: 'incidents', filter: ['!', isCluster], paint: {
      'circle-color': incidentColorExpr(),
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 14, 4, 17, 7],
      'circle-stroke-color': '#0b1220',
      'circle-stroke-width': 1.2,
    }},
  ];
}

// labelLayers: streets at low zoom, communities at middle zoom, grids and places at high zoom;
// k scales the text (wall displays); places: whether to name red positions and stations.
export function labelLayers({k = 1, places = true, communities = true, grids = true, streetMaxZoom = LABEL_ZOOM.community,
  gridMinZoom = LABEL_ZOOM.grid} = {}) {
  const out = [];
  if (grids) {
    out.push({id: 'grids-label', group: 'labels', type: 'symbol', source: 'grid_labels', minzoom: gridMinZoom, layout: {
      'text-field': gridLabelExpr,
      'text-font': FONT_REGULAR,
      'text-size': ['interpolate', ['linear'], ['zoom'], gridMinZoom, 11 * k, 18, 14 * k],
      'text-max-width': 7,
      'text-padding': 4,
      // Centred on the grid unless a service point's name is there: then just above it.
      'text-variable-anchor': ['center', 'bottom', 'top'],
      'text-radial-offset': 1.1,
    }, paint: {...labelPaint, 'text-color': '#e2e8f0'}});
  }
  if (communities) {
    out.push({id: 'communities-label', group: 'labels', type: 'symbol', source: 'community_labels',
      minzoom: LABEL_ZOOM.community, maxzoom: gridMinZoom, layout: {
        'text-field': ['get', 'name'],
        'text-font': FONT_BOLD,
        'text-size': ['interpolate', ['linear'], ['zoom'], LABEL_ZOOM.community, 12 * k, gridMinZoom, 15 * k],
        'text-letter-spacing': 0.05,
        'text-padding': 6,
      }, paint: labelPaint});
  }
  out.push({id: 'streets-label', group: 'labels', type: 'symbol', source: 'street_labels', maxzoom: streetMaxZoom, layout: {
    'text-field': ['get', 'name'],
    'text-font': FONT_BOLD,
    'text-size': ['interpolate', ['linear'], ['zoom'], 9, 12 * k, 12, 17 * k],
    'text-letter-spacing': 0.12,
    'text-padding': 8,
  }, paint: {...labelPaint, 'text-halo-width': 2 * k}});
  if (places) {
    const place = (id, source, color) => ({id, group: 'labels', type: 'symbol', source, minzoom: LABEL_ZOOM.grid, layout: {
      'text-field': ['get', 'name'],
      'text-font': FONT_REGULAR,
      'text-size': 11 * k,
      'text-anchor': 'top',
      'text-offset': [0, 0.9],
      'text-max-width': 12,
      'text-optional': true,
    }, paint: {...labelPaint, 'text-color': color}});
    out.push(place('red-positions-label', 'red_positions', '#fecaca'), place('stations-label', 'stations', THEME.label));
  }
  return out;
}

// cityLayers are the city map's layers, bottom to top (after boot: see INCIDENT_GROUPS).
export function cityLayers() {
  return [
    ...gridLayers(),
    ...boundaryLayers(),
    selectedGridLine(),
    ...incidentLayers(),
    ...placeLayers(),
    ...labelLayers(),
  ];
}

// GROUPS are the city map's layer toggles, in the order the page lists them, with their i18n keys.
export const GROUPS = ['grids', 'communities', 'streets', 'incidents', 'red_positions', 'stations', 'labels'];

// layerIds returns the ids of the layers in a group, or of every layer with a given
// `interactive` role when called as layerIds({interactive: 'grid'}); of layers (default the city map's).
export function layerIds(sel, layers = cityLayers()) {
  if (typeof sel === 'string') return layers.filter((l) => l.group === sel).map((l) => l.id);
  return layers.filter((l) => l.interactive === sel.interactive).map((l) => l.id);
}

// SELECTED_LAYERS draw the selected grid; their filter is set to its code.
export const SELECTED_LAYERS = ['grids-selected-fill', 'grids-selected-line'];

export const EMPTY = {type: 'FeatureCollection', features: []};

// sourceSpec is the MapLibre source called name: a vector tile source for a tile layer (with
// params, the incident filters, in its URL), else an empty GeoJSON source the page fills.
export function sourceSpec(name, {root, params} = {}) {
  if (TILE_LAYERS.includes(name)) {
    return {type: 'vector', tiles: [tileURL(name, root, name === 'incidents' ? params : {})],
      minzoom: 0, maxzoom: 16, ...(name !== 'incidents' && {promoteId: 'code'})};
  }
  return {type: 'geojson', data: EMPTY, promoteId: 'code'};
}

// styleFor builds a whole MapLibre style from layer definitions (default the city map's): no basemap
// and no glyphs URL (see FONTS), the background, and a source for each source the layers use.
// incidents: the incident tiles' filter parameters.
export function styleFor({root, layers = cityLayers(), incidents} = {}) {
  const sources = {};
  const out = [{id: 'background', type: 'background', paint: {'background-color': THEME.background}}];
  for (const def of layers) {
    const {group, interactive, ...layer} = def;
    if (!sources[def.source]) sources[def.source] = sourceSpec(def.source, {root, params: incidents});
    if (TILE_LAYERS.includes(def.source)) layer['source-layer'] = def.source;
    out.push(layer);
  }
  return {version: 8, name: 'gridmap', sources, layers: out};
}
