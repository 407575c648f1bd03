// coverage.js: the street leader's coverage page (coverage.html, 网格覆盖). For a street (and
// optionally one community): its grids coloured by what they lack (GET /api/v1/coverage: no grid
// worker, no party member, no red position or station within walking distance), the red
// positions and stations with optional walking-distance rings, the gaps and overlaps between
// grids (GET /api/v1/tiling), the grids with the most incidents per 100 households
// (GET /api/v1/hotspots), and a sortable table of the grids, linked to the map both ways, that
// exports as CSV. The selection is kept in the URL (?street=&community=&walk=).
// The page is for signed-in staff: the public is sent to the sign-in page, which brings them
// back; the street and community choosers offer what lies in the caller's read_figures scope
// (a street leader their street, a community leader or grid worker their community), and the
// server filters every figure to it.
// window.gridmap = {map, ready, coverage} is there for tests and the console.

import * as i18n from './i18n.js';
import {api, boot, cstMidnight, cstDate, whoami, me, requireSignIn} from './api.js';
import {can, choosable} from './access.js';
import {createMap, setLabels, selectGrid, featureAt, boundsOf, whenIdle, relocalise, setGroupVisible} from './map.js';
import {gridLayers, boundaryLayers, selectedGridLine, placeLayers, labelLayers, walkRingLayers, walkRingRadius, THEME,
  stationColor} from './layers.js';
import {PopupController, placeContent} from './popup.js';
import {labelPoints} from './geom.js';
import {mountHeader} from './nav.js';
import {swatch} from './legend.js';
import {h} from './dom.js';
import {csvRow} from './csv.js';
import {StatusLine, latestWins} from './status.js';

const $ = (id) => document.getElementById(id);

// The gaps a grid may have are the server's (GET /api/v1/categories gap_kinds), in its order.
const gapKinds = () => i18n.codes('gap');
// The gaps measured against the walking distance, whose names get the distance asked about.
const WALK_GAPS = ['no_red_position_nearby', 'no_station_nearby'];

// gapLabel names a gap as the server does, with the walking distance where it depends on it.
function gapLabel(g) {
  const name = i18n.label('gap', g);
  return WALK_GAPS.includes(g) ? i18n.t('cov.gap.walk', {gap: name, m: state.walk}) : name;
}

export const WALKS = [300, 500, 800];
const DAYS = 30; // the period of incident counts and hotspots
const HOTSPOTS_TOP = 5;

// Colours of the grids by their gaps: none, one, two, three or more; a grid outside the
// selection is left dark.
const GAP_COLORS = ['#10b981', '#facc15', '#f97316', '#ef4444'];
const OUTSIDE = 'rgba(71, 85, 105, 0.5)';
const inSelection = ['boolean', ['feature-state', 'in'], false];
function gapFill(focus) {
  if (focus) {
    return ['case', ['!', inSelection], OUTSIDE, ['boolean', ['feature-state', focus], false], GAP_COLORS[3], GAP_COLORS[0]];
  }
  return ['case', ['!', inSelection], OUTSIDE,
    ['step', ['number', ['feature-state', 'n'], 0], GAP_COLORS[0], 1, GAP_COLORS[1], 2, GAP_COLORS[2], 3, GAP_COLORS[3]]];
}
const gapOpacity = ['interpolate', ['linear'], ['zoom'], 11, ['case', inSelection, 0.62, 0.15], 16, ['case', inSelection, 0.42, 0.15]];

const params = new URLSearchParams(location.search);
const state = {
  streets: [], // FeatureCollection features of the streets
  street: params.get('street') || '',
  community: params.get('community') || '',
  walk: WALKS.includes(Number(params.get('walk'))) ? Number(params.get('walk')) : 500,
  rings: params.get('rings') === '1',
  focus: '', // one gap kind, or '' for all
  rows: [], // coverage rows of the selection
  gapCounts: {},
  tiling: {type: 'FeatureCollection', features: []},
  hotspots: [],
  sort: {key: 'gaps', dir: -1},
  selected: '',
  communities: [], // of the street
  gridBounds: new Map(), // grid code -> LngLatBounds, for the street's grids
  names: new Map(), // code -> name, for popups
  loading: false,
  loads: 0, // coverages drawn so far
};

// The map: grids coloured by gap, tiling problems, boundaries, rings, places, labels.
const lat0 = 25.73;
const layers = [
  ...gridLayers({fill: gapFill(''), opacity: gapOpacity}),
  {id: 'tiling-fill', group: 'tiling', type: 'fill', source: 'tiling', paint: {'fill-color': THEME.warning, 'fill-opacity': 0.6}},
  {id: 'tiling-line', group: 'tiling', type: 'line', source: 'tiling', paint: {'line-color': '#fed7aa', 'line-width': 1.5}},
  ...boundaryLayers(),
  selectedGridLine(),
  {id: 'tiling-mark', group: 'tiling', type: 'circle', source: 'tiling_points', paint: {
    'circle-radius': 14, 'circle-color': 'rgba(251, 146, 60, 0.15)', 'circle-stroke-color': THEME.warning, 'circle-stroke-width': 2.5}},
  ...walkRingLayers(state.walk, lat0),
  ...placeLayers(),
  ...labelLayers({gridMinZoom: 14}),
];

requireSignIn();
i18n.apply(document);
mountHeader('coverage');
const status = new StatusLine($('status'));
const loadLatest = latestWins(state, status, 'the coverage');
const map = createMap($('map'), {layers});
const popups = new PopupController(map, (s) => placeContent(s.props, s.layer, state.names));

// Loading.

// start loads the streets while the map loads, and the code labels and the server's clock
// (boot: the gaps' names, the incidents' 30 days) before anything is drawn with them.
// The figures are read_figures: the caller's scope for it decides which streets and
// communities the choosers offer.
const FIGURES = 'read_figures';

async function start() {
  status.set('app.loading');
  const who = await whoami(); // signed in: the public is sent to the sign-in page
  if (!can(who, FIGURES)) {
    status.set('cov.denied', null, true);
    return {street: '', grids: 0, denied: true};
  }
  const loaded = new Promise((resolve) => map.once('load', resolve));
  const [streets] = await Promise.all([api.streets(), loaded, boot()]);
  for (const f of streets.features) state.names.set(f.properties.code, f.properties.name);
  state.streets = choosable(who, FIGURES, streets.features);
  setLabels(map, {streets});
  if (!state.streets.some((f) => f.properties.code === state.street)) state.street = state.streets[0]?.properties.code ?? '';
  renderToolbar();
  renderLegend();
  setRings(state.rings);
  await loadStreet();
  await whenIdle(map);
  return {street: state.street, grids: state.rows.length};
}

// loadStreet reads the street's communities and grids (the grids for their outlines' boxes
// and label points: the map draws them from tiles), then its coverage.
async function loadStreet() {
  const street = state.street;
  const [communities, grids] = await Promise.all([api.communities({street}), api.grids({street})]);
  if (street !== state.street) return; // another street was picked meanwhile
  state.communities = choosable(me(), FIGURES, communities.features);
  if (!state.communities.some((f) => f.properties.code === state.community)) state.community = '';
  state.gridBounds.clear();
  for (const f of [...communities.features, ...grids.features]) state.names.set(f.properties.code, f.properties.name);
  for (const f of grids.features) state.gridBounds.set(f.properties.code, boundsOf(f));
  setLabels(map, {communities});
  map.getSource('grid_labels')?.setData(labelPoints(grids));
  renderToolbar();
  await loadCoverage({fit: true});
}

async function loadCoverage({fit = false} = {}) {
  writeURL();
  const q = {street: state.street, community: state.community};
  const answer = Promise.all([
    api.coverage({...q, walk_m: state.walk, since: cstMidnight(DAYS)}),
    api.tiling(q),
    api.hotspots({...q, since: cstMidnight(DAYS), limit: HOTSPOTS_TOP}),
  ]);
  await loadLatest(answer, ([cov, tiling, hot]) => {
    state.rows = cov.grids;
    state.gapCounts = cov.gaps ?? {};
    state.tiling = tiling;
    state.hotspots = hot.items ?? [];
    paintGrids();
    map.getSource('tiling')?.setData(tiling);
    map.getSource('tiling_points')?.setData(labelPoints(tiling));
    if (state.selected && !state.rows.some((r) => r.code === state.selected)) select('');
    renderAll();
    if (fit) fitSelection(false);
  });
}

// paintGrids puts each selected grid's gaps on the grid tiles as feature state.
// ringFilter draws the walking rings of the places in the selection only (the gaps take every
// place into account; rings of the whole city would hide the street under them).
function ringFilter() {
  const code = state.community || state.street;
  return ['==', ['slice', ['to-string', ['get', 'grid']], 0, code.length], code];
}

function paintGrids() {
  for (const id of ['red-positions-ring', 'stations-ring']) map.setFilter(id, ringFilter());
  map.removeFeatureState({source: 'grids', sourceLayer: 'grids'});
  for (const r of state.rows) {
    const s = {in: true, n: r.gaps.length};
    for (const g of gapKinds()) s[g] = r.gaps.includes(g);
    map.setFeatureState({source: 'grids', sourceLayer: 'grids', id: r.code}, s);
  }
}

// fitSelection shows the selected grids (else the street) whole.
function fitSelection(animate = true) {
  let [w, so, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const r of state.rows) {
    const b = state.gridBounds.get(r.code);
    if (!b) continue;
    w = Math.min(w, b.getWest()); so = Math.min(so, b.getSouth());
    e = Math.max(e, b.getEast()); n = Math.max(n, b.getNorth());
  }
  let bounds = w < e ? [[w, so], [e, n]] : null;
  if (!bounds) {
    const f = state.streets.find((x) => x.properties.code === state.street);
    bounds = f && boundsOf(f);
  }
  if (bounds) map.fitBounds(bounds, {padding: 48, maxZoom: 16, animate, duration: animate ? 800 : 0});
}

function writeURL() {
  const p = new URLSearchParams(location.search);
  p.set('street', state.street);
  if (state.community) p.set('community', state.community); else p.delete('community');
  p.set('walk', String(state.walk));
  if (state.rings) p.set('rings', '1'); else p.delete('rings');
  history.replaceState(null, '', `${location.pathname}?${p}`);
}

// Selection, both ways between the table and the map.
function select(code, {fly = false, scroll = false} = {}) {
  state.selected = code;
  selectGrid(map, code || null);
  for (const tr of $('table').tBodies[0].rows) {
    const on = tr.dataset.code === code;
    tr.setAttribute('aria-selected', String(on));
    if (on && scroll) tr.scrollIntoView({block: 'nearest'});
  }
  for (const li of $('hotspots').children) li.classList.toggle('is-selected', li.dataset.grid === code);
  const b = code && state.gridBounds.get(code);
  if (fly && b) map.fitBounds(b, {padding: 90, maxZoom: 16.5, duration: 900});
}

map.on('click', (e) => {
  const hit = featureAt(map, e.point);
  if (hit?.kind === 'place') {
    const {properties: props, source, geometry} = hit.feature;
    popups.show(geometry.coordinates, {kind: 'place', layer: source, props});
    return;
  }
  popups.close();
  const code = hit?.kind === 'grid' ? hit.feature.properties.code : '';
  select(state.rows.some((r) => r.code === code) ? code : '', {scroll: true});
});
map.on('mousemove', (e) => {
  map.getCanvas().style.cursor = featureAt(map, e.point) ? 'pointer' : '';
});
map.on('error', (e) => console.warn('gridmap: map:', e.error?.message ?? e));

// The toolbar.

function renderToolbar() {
  const opt = (value, text, selected) => h('option', {value, selected: value === selected}, text);
  $('street').replaceChildren(...state.streets.map((f) => opt(f.properties.code, f.properties.name, state.street)));
  $('community').replaceChildren(opt('', i18n.t('cov.all_communities'), state.community),
    ...state.communities.map((f) => opt(f.properties.code, f.properties.name, state.community)));
  $('walk').replaceChildren(...WALKS.map((m) => h('button', {type: 'button', role: 'radio', class: 'cv-seg-btn',
    'aria-checked': String(m === state.walk), dataset: {walk: m}, onclick: () => setWalk(m)}, i18n.t('cov.metres', {n: m}))));
  $('rings').checked = state.rings;
}

$('toolbar').addEventListener('submit', (e) => e.preventDefault());
$('street').addEventListener('change', (e) => {
  state.street = e.target.value;
  state.community = '';
  state.selected = '';
  selectGrid(map, null);
  loadStreet();
});
$('community').addEventListener('change', (e) => {
  state.community = e.target.value;
  loadCoverage({fit: true});
});
function setWalk(m) {
  state.walk = m;
  for (const id of ['red-positions-ring', 'stations-ring']) map.setPaintProperty(id, 'circle-radius', walkRingRadius(m, lat0));
  renderToolbar();
  renderLegend();
  loadCoverage();
}
function setRings(on) {
  state.rings = on;
  setGroupVisible(map, 'rings', on);
  writeURL();
}
$('rings').addEventListener('change', (e) => setRings(e.target.checked));
$('export').addEventListener('click', () => exportCSV());

// The gap cards: a count per kind; clicking one shows only that gap on the map and the table.
function renderGaps() {
  const total = state.rows.length;
  const none = state.rows.filter((r) => !r.gaps.length).length;
  const card = (key, n, label, tone) => h('button', {type: 'button', class: `cv-card is-${tone}`, dataset: {gap: key},
    'aria-pressed': String(state.focus === key), disabled: key === '' && !state.focus ? true : null,
    onclick: () => setFocus(state.focus === key ? '' : key)},
  h('span', {class: 'cv-card-value'}, i18n.number(n)),
  h('span', {class: 'cv-card-label'}, label));
  $('gaps').replaceChildren(
    card('', total, i18n.t('cov.all_grids', {n: i18n.number(none)}), 'all'),
    ...gapKinds().map((g) => card(g, state.gapCounts[g] ?? 0, gapLabel(g), (state.gapCounts[g] ?? 0) ? 'gap' : 'ok')));
}

function setFocus(gap) {
  state.focus = gap;
  map.setPaintProperty('grids-fill', 'fill-color', gapFill(gap));
  renderGaps();
  renderTable();
  renderLegend();
}

function renderTiling() {
  const fs = state.tiling.features ?? [];
  const count = (kind) => fs.filter((f) => f.properties.kind === kind).length;
  if (!fs.length) {
    $('tiling').replaceChildren(h('div', {class: 'cv-tiling is-ok', dataset: {problems: 0}},
      h('span', {class: 'cv-tiling-icon', 'aria-hidden': 'true'}, '✓'),
      h('div', {},
        h('strong', {}, i18n.t('cov.tiling.ok')),
        h('p', {}, i18n.t('cov.tiling.ok.note', {n: i18n.number(state.rows.length)})))));
    return;
  }
  $('tiling').replaceChildren(h('div', {class: 'cv-tiling is-bad', dataset: {problems: fs.length}},
    h('span', {class: 'cv-tiling-icon', 'aria-hidden': 'true'}, '!'),
    h('div', {},
      h('strong', {}, i18n.t('cov.tiling.bad', {n: fs.length, overlaps: count('overlap'), gaps: count('gap')})),
      h('ul', {class: 'cv-tiling-list'}, fs.slice(0, 6).map((f) => h('li', {},
        h('button', {type: 'button', class: 'cv-link', onclick: () => {
          const b = boundsOf(f);
          if (b) map.fitBounds(b, {padding: 120, maxZoom: 17.5});
        }}, `${i18n.label('tiling', f.properties.kind)} · ${(f.properties.grids ?? []).map((c) => state.names.get(c) ?? c).join(' / ') || state.names.get(f.properties.community) || ''} · ${i18n.t('cov.m2', {n: i18n.number(f.properties.area_m2)})}`)))))));
}

function renderHotspots() {
  const list = state.hotspots.filter((it) => it.incidents > 0);
  const top = Math.max(1, ...list.map((it) => it.per_100_households));
  if (!list.length) {
    $('hotspots').replaceChildren(h('li', {class: 'cv-empty'}, i18n.t('cov.hotspots.empty')));
    return;
  }
  $('hotspots').replaceChildren(...list.map((it, i) => h('li', {class: `cv-hot-item ${it.grid.code === state.selected ? 'is-selected' : ''}`, dataset: {grid: it.grid.code},
    onclick: () => select(it.grid.code, {fly: true, scroll: true})},
  h('span', {class: 'cv-hot-rank'}, String(i + 1)),
  h('span', {class: 'cv-hot-name'}, it.grid.name),
  h('span', {class: 'cv-hot-bar'}, h('span', {style: {width: `${(100 * it.per_100_households) / top}%`}})),
  h('span', {class: 'cv-hot-value', title: i18n.t('cov.hotspots.note', {n: it.incidents, h: it.households})}, i18n.number(it.per_100_households)))));
}

// The table.

const metres = (v) => (v === null || v === undefined ? null : Math.round(v));
export const COLUMNS = [
  {key: 'name', get: (r) => r.name, text: true},
  {key: 'households', get: (r) => r.households},
  {key: 'grid_workers', get: (r) => r.grid_workers},
  {key: 'party_members', get: (r) => r.party_members},
  {key: 'households_covered', get: (r) => r.households_covered},
  {key: 'nearest_red_position_m', get: (r) => metres(r.nearest_red_position_m), far: true},
  {key: 'nearest_station_m', get: (r) => metres(r.nearest_station_m), far: true},
  {key: 'incidents', get: (r) => r.incidents},
  {key: 'open_incidents', get: (r) => r.open_incidents},
  {key: 'overdue_incidents', get: (r) => r.overdue_incidents},
  {key: 'gaps', get: (r) => r.gaps.length},
];

function sortedRows() {
  const col = COLUMNS.find((c) => c.key === state.sort.key) ?? COLUMNS[0];
  const dir = state.sort.dir;
  const rows = state.focus ? state.rows.filter((r) => r.gaps.includes(state.focus)) : [...state.rows];
  const cmp = (a, b) => {
    const x = col.get(a);
    const y = col.get(b);
    if (x === y) return 0;
    if (x === null || x === undefined) return 1; // unknown last, whichever the order
    if (y === null || y === undefined) return -1;
    return (col.text ? String(x).localeCompare(String(y), 'zh-CN') : x - y) * dir;
  };
  return rows.sort((a, b) => cmp(a, b) || a.code.localeCompare(b.code));
}

function renderTable() {
  const table = $('table');
  const rows = sortedRows();
  $('caption').textContent = i18n.t(state.focus ? 'cov.caption.focus' : 'cov.caption', {
    n: rows.length, total: state.rows.length, gap: state.focus ? gapLabel(state.focus) : '', days: DAYS});
  table.tHead.replaceChildren(h('tr', {}, COLUMNS.map((c) => {
    const sorted = state.sort.key === c.key;
    return h('th', {scope: 'col', class: c.text || c.key === 'gaps' ? 'is-text' : '', dataset: {col: c.key},
      'aria-sort': sorted ? (state.sort.dir > 0 ? 'ascending' : 'descending') : 'none'},
    h('button', {type: 'button', class: 'cv-sort', onclick: () => sortBy(c)},
      i18n.t(`cov.col.${c.key}`, {m: state.walk}), h('span', {class: 'cv-sort-mark', 'aria-hidden': 'true'}, sorted ? (state.sort.dir > 0 ? '▲' : '▼') : '')));
  })));
  table.tBodies[0].replaceChildren(...rows.map((r) => h('tr', {dataset: {code: r.code, gaps: r.gaps.join(' ')}, 'aria-selected': String(r.code === state.selected),
    tabindex: '0', onclick: () => select(r.code, {fly: true}), onkeydown: (e) => {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); select(r.code, {fly: true}); }
    }},
  COLUMNS.map((c) => cell(c, r)))));
}

function cell(c, r) {
  const v = c.get(r);
  if (c.key === 'name') return h('th', {scope: 'row', class: 'is-text'}, r.name, h('small', {class: 'cv-code'}, r.code));
  if (c.key === 'gaps') {
    return h('td', {class: 'is-text'}, h('div', {class: 'cv-gaps'}, r.gaps.length
      ? r.gaps.map((g) => h('span', {class: `cv-chip is-${g}`, title: gapLabel(g)}, i18n.has(`cov.chip.${g}`) ? i18n.t(`cov.chip.${g}`) : gapLabel(g)))
      : h('span', {class: 'cv-chip is-none'}, i18n.t('cov.gap.none'))));
  }
  let cls = c.text ? 'is-text' : '';
  if (c.far && v !== null && v > state.walk) cls += ' is-far';
  if ((c.key === 'grid_workers' || c.key === 'party_members') && v === 0) cls += ' is-zero';
  if (c.key === 'overdue_incidents' && v > 0) cls += ' is-alert';
  return h('td', {class: cls.trim()}, v === null || v === undefined ? '—' : c.text ? v : i18n.number(v));
}

function sortBy(c) {
  state.sort = state.sort.key === c.key ? {key: c.key, dir: -state.sort.dir} : {key: c.key, dir: c.text ? 1 : -1};
  renderTable();
}

// exportCSV downloads the table as it is listed (filter and order) as UTF-8 CSV with a byte
// order mark, so that Excel opens the Chinese text right; headers in the current language.
// Names come from the data, so cells are neutralised against formulas (csv.js).
function exportCSV() {
  // Besides the table's columns: the code, the community, the street, the volunteers.
  const [name, ...rest] = COLUMNS;
  const head = [i18n.t('cov.col.code'), i18n.t(`cov.col.${name.key}`), i18n.t('cov.col.community'), i18n.t('cov.street'),
    ...rest.map((c) => i18n.t(`cov.col.${c.key}`, {m: state.walk})), i18n.t('cov.col.volunteers'), i18n.t('cov.col.gap_list')];
  const lines = [csvRow(head)];
  for (const r of sortedRows()) {
    lines.push(csvRow([r.code, name.get(r), r.community?.name, r.street?.name, ...rest.map((c) => c.get(r)), r.volunteers,
      r.gaps.map(gapLabel).join('；')]));
  }
  const blob = new Blob(['\ufeff', lines.join('\r\n'), '\r\n'], {type: 'text/csv;charset=utf-8'});
  const street = state.names.get(state.street) ?? state.street;
  const community = state.community ? `_${state.names.get(state.community) ?? state.community}` : '';
  const a = h('a', {href: URL.createObjectURL(blob), download: `${i18n.t('cov.file')}_${street}${community}_${state.walk}m_${cstDate()}.csv`});
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

// The legend over the map.
function renderLegend() {
  const items = state.focus
    ? [[GAP_COLORS[3], gapLabel(state.focus)], [GAP_COLORS[0], i18n.t('cov.legend.without')]]
    : [[GAP_COLORS[0], i18n.t('cov.legend.n0')], [GAP_COLORS[1], i18n.t('cov.legend.n1')], [GAP_COLORS[2], i18n.t('cov.legend.n2')], [GAP_COLORS[3], i18n.t('cov.legend.n3')]];
  const li = (sw, text) => h('li', {}, sw, h('span', {}, text));
  $('legend').replaceChildren(
    h('h2', {class: 'cv-legend-title'}, i18n.t('cov.legend.title')),
    h('ul', {class: 'cv-legend-list'},
      items.map(([c, text]) => li(swatch('fill', {background: c}), text)),
      li(swatch('fill', {background: THEME.warning, borderColor: '#fed7aa'}), i18n.t('cov.legend.tiling')),
      li(swatch('dot', {background: THEME.redPosition, borderColor: THEME.redPositionStroke}), i18n.t('place.red_position')),
      li(swatch('dot', {background: stationColor('volunteer_station'), borderColor: THEME.stationStroke}), i18n.t('layer.stations')),
      li(swatch('ring', {}), i18n.t('cov.legend.ring', {m: state.walk}))));
}

function renderSummary() {
  const hh = state.rows.reduce((n, r) => n + r.households, 0);
  const withGap = state.rows.filter((r) => r.gaps.length).length;
  $('summary').textContent = i18n.t('cov.summary', {grids: i18n.number(state.rows.length), households: i18n.number(hh), gaps: i18n.number(withGap)});
}

function renderAll() {
  renderToolbar();
  renderSummary();
  renderGaps();
  renderTiling();
  renderHotspots();
  renderTable();
  renderLegend();
}

i18n.onChange(() => {
  relocalise(map);
  renderAll();
});

const ready = start().catch((err) => {
  status.fail('the coverage page', err);
  throw err;
});
window.gridmap = {map, ready, coverage: state, select};
