// layers.js: the one place that says what the map shows and how it looks: the theme, the
// street palette, the data sources and the style layers drawn from them. Every page builds its
// map from these, so a change of colour, zoom range or data source is made here once.
//
// Sources are GeoJSON from the read API today. To move to vector tiles, call styleFor() with
// {tiles: true}: each source becomes a vector source on /tiles/{layer}/{z}/{x}/{y}.mvt and each
// layer gets its 'source-layer'; the layer definitions themselves do not change.

// Text is drawn by MapLibre from the browser's own fonts (the style has no `glyphs` URL, so
// MapLibre 6 rasterises every glyph, Chinese and Latin alike, with TinySDF on a canvas). The
// stack is a CSS font-family list: the usual Chinese UI fonts of Windows, macOS and Linux.
// A first name containing "Bold" makes MapLibre draw with weight 700; MapLibre appends the
// generic sans-serif, so a machine with none of these fonts still shows every label.
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
export const RED_POSITION_KINDS = ['party_mass_centre', 'party_activity_room', 'party_post'];

const stationColorExpr = ['match', ['get', 'kind'],
  ...Object.entries(STATION_KINDS).flat(), '#94a3b8'];

// SOURCES are the data layers: the read API path that serves each as GeoJSON, and the vector
// tile path (relative to the site root) that will serve it as MVT; the source's name is also
// the tile layer's name. The *_labels sources hold one point per division to hang its name on
// (see geom.js): from GeoJSON the page computes them (`from`); with tiles the server sends them.
export const SOURCES = {
  streets: {api: 'api/v1/streets', tiles: 'tiles/streets/{z}/{x}/{y}.mvt'},
  communities: {api: 'api/v1/communities', tiles: 'tiles/communities/{z}/{x}/{y}.mvt'},
  grids: {api: 'api/v1/grids', tiles: 'tiles/grids/{z}/{x}/{y}.mvt'},
  red_positions: {api: 'api/v1/red-positions', tiles: 'tiles/red_positions/{z}/{x}/{y}.mvt'},
  stations: {api: 'api/v1/stations', tiles: 'tiles/stations/{z}/{x}/{y}.mvt'},
  street_labels: {from: 'streets', tiles: 'tiles/street_labels/{z}/{x}/{y}.mvt'},
  community_labels: {from: 'communities', tiles: 'tiles/community_labels/{z}/{x}/{y}.mvt'},
  grid_labels: {from: 'grids', tiles: 'tiles/grid_labels/{z}/{x}/{y}.mvt'},
};

// Zoom bands of the labels: streets below LABEL_ZOOM.community, communities up to
// LABEL_ZOOM.grid, grids above it.
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

// LAYERS lists the style layers bottom to top. `group` names the toggle that shows or hides a
// layer (see GROUPS); `interactive` marks layers that answer clicks.
export const LAYERS = [
  // Grids: filled by street, outlined; the selected grid is highlighted.
  {id: 'grids-fill', group: 'grids', interactive: 'grid', type: 'fill', source: 'grids', paint: {
    'fill-color': streetColorExpr,
    'fill-opacity': ['interpolate', ['linear'], ['zoom'], 10, 0.5, 14, 0.34, 17, 0.22],
  }},
  {id: 'grids-line', group: 'grids', type: 'line', source: 'grids', layout: {'line-join': 'round'}, paint: {
    'line-color': THEME.gridLine,
    'line-width': ['interpolate', ['linear'], ['zoom'], 11, 0.3, 14, 0.9, 17, 1.6],
  }},
  {id: 'grids-selected-fill', group: 'grids', type: 'fill', source: 'grids', filter: ['==', ['get', 'code'], ''], paint: {
    'fill-color': THEME.selected, 'fill-opacity': 0.18,
  }},
  // Communities: a thicker line.
  {id: 'communities-line', group: 'communities', type: 'line', source: 'communities', layout: {'line-join': 'round'}, paint: {
    'line-color': THEME.communityLine,
    'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.6, 13, 1.4, 16, 2.4],
    'line-dasharray': [3, 1.5],
  }},
  // Streets: the thickest line, over a soft glow.
  {id: 'streets-glow', group: 'streets', type: 'line', source: 'streets', layout: {'line-join': 'round'}, paint: {
    'line-color': THEME.streetGlow,
    'line-width': ['interpolate', ['linear'], ['zoom'], 9, 4, 13, 9, 16, 14],
    'line-blur': ['interpolate', ['linear'], ['zoom'], 9, 3, 13, 6, 16, 9],
  }},
  {id: 'streets-line', group: 'streets', type: 'line', source: 'streets', layout: {'line-join': 'round'}, paint: {
    'line-color': THEME.streetLine,
    'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1.4, 13, 2.6, 16, 4],
  }},
  {id: 'grids-selected-line', group: 'grids', type: 'line', source: 'grids', filter: ['==', ['get', 'code'], ''],
    layout: {'line-join': 'round'}, paint: {
      'line-color': THEME.selected,
      'line-width': ['interpolate', ['linear'], ['zoom'], 11, 2, 16, 4],
    }},
  // Service points: stations by kind, red positions red and a little larger, on top.
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
  // Labels: streets at low zoom, communities at middle zoom, grids and places at high zoom.
  {id: 'grids-label', group: 'labels', type: 'symbol', source: 'grid_labels', minzoom: LABEL_ZOOM.grid, layout: {
    'text-field': gridLabelExpr,
    'text-font': FONT_REGULAR,
    'text-size': ['interpolate', ['linear'], ['zoom'], LABEL_ZOOM.grid, 11, 18, 14],
    'text-max-width': 7,
    'text-padding': 4,
    // Centred on the grid unless a service point's name is there: then just above it.
    'text-variable-anchor': ['center', 'bottom', 'top'],
    'text-radial-offset': 1.1,
  }, paint: {...labelPaint, 'text-color': '#e2e8f0'}},
  {id: 'communities-label', group: 'labels', type: 'symbol', source: 'community_labels',
    minzoom: LABEL_ZOOM.community, maxzoom: LABEL_ZOOM.grid, layout: {
      'text-field': ['get', 'name'],
      'text-font': FONT_BOLD,
      'text-size': ['interpolate', ['linear'], ['zoom'], LABEL_ZOOM.community, 12, LABEL_ZOOM.grid, 15],
      'text-letter-spacing': 0.05,
      'text-padding': 6,
    }, paint: labelPaint},
  {id: 'streets-label', group: 'labels', type: 'symbol', source: 'street_labels', maxzoom: LABEL_ZOOM.community, layout: {
    'text-field': ['get', 'name'],
    'text-font': FONT_BOLD,
    'text-size': ['interpolate', ['linear'], ['zoom'], 9, 12, 12, 17],
    'text-letter-spacing': 0.12,
    'text-padding': 8,
  }, paint: {...labelPaint, 'text-halo-width': 2}},
  {id: 'red-positions-label', group: 'labels', type: 'symbol', source: 'red_positions', minzoom: LABEL_ZOOM.grid, layout: {
    'text-field': ['get', 'name'],
    'text-font': FONT_REGULAR,
    'text-size': 11,
    'text-anchor': 'top',
    'text-offset': [0, 0.9],
    'text-max-width': 12,
    'text-optional': true,
  }, paint: {...labelPaint, 'text-color': '#fecaca'}},
  {id: 'stations-label', group: 'labels', type: 'symbol', source: 'stations', minzoom: LABEL_ZOOM.grid, layout: {
    'text-field': ['get', 'name'],
    'text-font': FONT_REGULAR,
    'text-size': 11,
    'text-anchor': 'top',
    'text-offset': [0, 0.9],
    'text-max-width': 12,
    'text-optional': true,
  }, paint: labelPaint},
];

// GROUPS are the layer toggles, in the order the page lists them, with their i18n keys.
export const GROUPS = ['grids', 'communities', 'streets', 'red_positions', 'stations', 'labels'];

// layerIds returns the ids of the layers in a group, or of every layer with a given
// `interactive` role when called as layerIds({interactive: 'grid'}).
export function layerIds(sel) {
  if (typeof sel === 'string') return LAYERS.filter((l) => l.group === sel).map((l) => l.id);
  return LAYERS.filter((l) => l.interactive === sel.interactive).map((l) => l.id);
}

// SELECTED_LAYERS draw the selected grid; their filter is set to its code.
export const SELECTED_LAYERS = ['grids-selected-fill', 'grids-selected-line'];

const EMPTY = {type: 'FeatureCollection', features: []};

// sourceSpec is the MapLibre source for one of SOURCES: an empty GeoJSON source that the page
// fills from the API, or a vector tile source when opts.tiles is set.
export function sourceSpec(name, {tiles = false, root} = {}) {
  const src = SOURCES[name];
  if (tiles) {
    return {type: 'vector', tiles: [new URL(src.tiles, root).href.replace(/%7B/g, '{').replace(/%7D/g, '}')],
      minzoom: 8, maxzoom: 16, promoteId: 'code'};
  }
  return {type: 'geojson', data: EMPTY, promoteId: 'code'};
}

// styleFor builds the whole MapLibre style: no basemap and no glyphs URL (see FONTS), the
// background, the sources and the layers.
export function styleFor({tiles = false, root} = {}) {
  const sources = {};
  for (const name of Object.keys(SOURCES)) sources[name] = sourceSpec(name, {tiles, root});
  const layers = [{id: 'background', type: 'background', paint: {'background-color': THEME.background}}];
  for (const def of LAYERS) {
    const {group, interactive, ...layer} = def;
    if (tiles) layer['source-layer'] = def.source;
    layers.push(layer);
  }
  return {version: 8, name: 'gridmap', sources, layers};
}
