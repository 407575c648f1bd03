// wall.js: the command-centre wall display (wall.html, 指挥大屏). Unattended and always live:
// the whole city's grids shaded by incidents per 100 households (30 days) or by open incidents,
// the heat of the last week's incidents, the key figures of GET /api/v1/stats, and new incidents
// as they arrive through the live feed (a ticker, a flash on the map, the figures and tiles
// refreshed). It survives the server restarting (a discreet "reconnecting" state, then it
// catches up) and holds only bounded state, so it can run for weeks.
// It shows the public what the public may read: the key figures, the live feed, the public
// incident features (OGC) for the ticker's start, and grids shaded by open incidents; signed in
// with read_incidents its ticker starts from the incident list, and with read_figures it may
// shade grids by incidents per 100 households and list the hotspots, within the caller's scope.
// window.gridmap = {map, ready, wall} is there for tests and the console.

import {Marker} from '../lib/maplibre-gl/maplibre-gl.mjs';
import * as i18n from './i18n.js';
import {api, boot, refreshSite, now, cstDate, cstDateTime, cstMidnight, CST, whoami, me, onMe, signInURL} from './api.js';
import {can, scope} from './access.js';
import {createMap, setLabels, setIncidentFilter, refreshSource, boundsOf, whenIdle} from './map.js';
import {gridLayers, boundaryLayers, labelLayers, categoryColor, statusesOf, INCIDENT_COLORS} from './layers.js';
import {LiveFeed} from './live.js';
import {bars, donut, sparkline} from './charts.js';
import {mountHeader} from './nav.js';
import {h} from './dom.js';

const $ = (id) => document.getElementById(id);

// Timing of an unattended display.
const STATS_EVERY_MS = 30 * 1000; // key figures
const HOTSPOTS_EVERY_MS = 5 * 60 * 1000; // grid rates
const GRIDS_EVERY_MS = 5 * 60 * 1000; // grid tiles (open incidents), besides after new incidents
const IDLE_RETURN_MS = 2 * 60 * 1000; // back to the whole city after someone moved the map
const TICKER_MAX = 14; // incidents in the ticker
const FLASH_MAX = 24; // flashing markers at once
const FLASH_MS = 90 * 1000; // how long a new incident flashes
const HEAT_DAYS = 7; // the heat layer's period
const RATE_DAYS = 30; // the period of the grid rate
const HOTSPOTS_TOP = 5; // grids listed as hotspots

// The scale of the display: 1 at 1920×1080, 2 at 3840×2160 (CSS pixels); text and lines on the
// map follow it, as the page's rem does (wall.css).
const k = Math.min(2.5, Math.max(0.7, Math.min(window.innerWidth / 1920, window.innerHeight / 1080)));

// Grid shading: by incidents per 100 households (feature state `rate`, from /api/v1/hotspots)
// or by open incidents (the grid tiles' open_incidents).
export const SHADES = {
  rate: {breaks: [0.25, 0.5, 1, 2, 4], value: ['coalesce', ['feature-state', 'rate'], -1]},
  open: {breaks: [1, 2, 3, 5, 8], value: ['coalesce', ['get', 'open_incidents'], 0]},
};
// The shadings a caller may choose: the rate is of read_figures (GET /api/v1/hotspots), the open
// incidents are on the public grid tiles.
function shades(who = me()) {
  return Object.keys(SHADES).filter((m) => m !== 'rate' || can(who, 'read_figures'));
}
const SHADE_COLORS = ['#0b2545', '#134e6f', '#1d6fa3', '#7c3aed', '#c026d3', '#f43f5e'];
function shadeExpr(mode) {
  const {breaks, value} = SHADES[mode];
  return ['step', value, 'rgba(15, 35, 64, 0.6)', 0, SHADE_COLORS[0], ...breaks.flatMap((b, i) => [b, SHADE_COLORS[i + 1]])];
}

// The heat, tuned at 1920×1080. On a larger screen the whole city fits at a higher zoom (by
// log2 k), so the zoom stops move up by as much and the radii grow by k: the picture is the same.
const dz = Math.log2(k);
const heatLayer = {id: 'incidents-heat', group: 'heat', type: 'heatmap', source: 'incidents', maxzoom: 17, paint: {
  'heatmap-weight': ['interpolate', ['linear'], ['coalesce', ['get', 'count'], 1], 1, 0.6, 10, 1.6, 60, 4],
  'heatmap-intensity': ['interpolate', ['linear'], ['zoom'], 9 + dz, 0.8, 12 + dz, 1.2, 15 + dz, 2],
  'heatmap-radius': ['interpolate', ['linear'], ['zoom'], 9 + dz, 8 * k, 11 + dz, 16 * k, 13 + dz, 28 * k, 16 + dz, 48 * k],
  'heatmap-color': ['interpolate', ['linear'], ['heatmap-density'],
    0, 'rgba(0, 0, 0, 0)', 0.12, 'rgba(34, 211, 238, 0.25)', 0.3, 'rgba(45, 212, 191, 0.55)',
    0.5, 'rgba(250, 204, 21, 0.75)', 0.75, 'rgba(249, 115, 22, 0.88)', 1, 'rgba(239, 68, 68, 0.95)'],
  'heatmap-opacity': 0.85,
}};

const wallLayers = (shade) => [
  ...gridLayers({fill: shadeExpr(shade), opacity: ['interpolate', ['linear'], ['zoom'], 10, 0.78, 15, 0.55]}),
  ...boundaryLayers({k}),
  heatLayer,
  // Street names at every zoom: a wall shows the city, and community names would crowd it.
  ...labelLayers({k: k * 1.15, places: false, grids: false, communities: false, streetMaxZoom: 24}),
];

i18n.apply(document);
mountHeader('wall');

const params = new URLSearchParams(location.search);
const state = {
  shade: SHADES[params.get('shade')] ? params.get('shade') : 'rate',
  day: '', // today in China Standard Time on the server's clock
  stats: null,
  statsAt: 0,
  statsStale: false,
  feed: 'connecting',
  live: 0, // new incidents since the page opened (a number, not a list)
  ticker: [], // newest first, at most TICKER_MAX
  hotspots: [], // at most HOTSPOTS_TOP; null when the caller may not read figures
  streetNames: new Map(), // code -> name, for the ticker of public incidents
  flashes: [], // {marker, timer}, at most FLASH_MAX
};

// The code labels and the server's clock come before anything is drawn: the clock, "today" and
// the heat's week are the server's. A display switched on while the server is down keeps trying.
await untilAnswered(boot);
state.day = cstDate();
// Who is watching: what the wall may show them.
const who = await untilAnswered(() => whoami());
if (!shades(who).includes(state.shade)) state.shade = shades(who)[0];

const map = createMap($('map'), {layers: wallLayers(state.shade), controls: false, incidents: heatParams()});
let cityBounds = null;
let lastInteraction = 0;

function heatParams() {
  return {since: cstMidnight(HEAT_DAYS)};
}

async function start() {
  renderAll();
  const loaded = new Promise((resolve) => map.once('load', resolve));
  // The figures and the ticker come first; the map follows. A display switched on while the
  // server is down keeps trying until it answers.
  const statsDone = refreshStats();
  const [streets, list] = await Promise.all([
    untilAnswered(() => api.streets()),
    untilAnswered(() => recentIncidents()),
    loaded,
  ]);
  setLabels(map, {streets});
  for (const f of streets.features) state.streetNames.set(f.properties.code, f.properties.name);
  for (const inc of list.items) {
    const street = inc.assignment?.street;
    if (street && !street.name) street.name = state.streetNames.get(street.code) ?? '';
  }
  cityBounds = boundsOf(streets);
  fitCity(false);
  state.ticker = list.items.slice(0, TICKER_MAX).map(tickerEntry);
  renderTicker();
  state.liveFeed = new LiveFeed({
    onIncident,
    onChange,
    onState: (s) => { state.feed = s; renderConnection(); },
    onRecovered: recover,
  }).start();
  await Promise.all([statsDone, refreshRates()]);
  await whenIdle(map);
  return {stats: state.stats};
}

// recentIncidents are the incidents the ticker starts with, newest first, of the whole city as
// the live feed that follows them: the incident list for a caller who may read the city's
// incidents, else the newest public incident features, whose grids are named by the divisions
// API (their streets once the streets are in). A list of a part of the city would not do: the
// feed would bring the rest of the city's newest as if they were new.
async function recentIncidents() {
  if (scope(me(), 'read_incidents') === 'city') return api.incidents({limit: TICKER_MAX});
  const {numberMatched: n = 0} = await api.publicIncidents({limit: 1});
  if (!n) return {items: []};
  const page = await api.publicIncidents({limit: TICKER_MAX, offset: Math.max(0, n - TICKER_MAX)});
  const items = [...page.features].reverse().map((f) => {
    const p = f.properties;
    const [lon, lat] = f.geometry?.coordinates ?? [];
    return {id: Number(p.id ?? f.id), category: p.category, channel: p.channel, status: p.status, overdue: p.overdue,
      reported_at: p.reported_at, lon, lat, assignment: {street: p.street ? {code: p.street} : null, grid: p.grid ? {code: p.grid} : null}};
  });
  const grids = [...new Set(items.map((it) => it.assignment.grid?.code).filter(Boolean))];
  const names = new Map(await Promise.all(grids.map((c) => api.grid(c).then((g) => [c, g.properties.name], () => [c, c]))));
  for (const it of items) if (it.assignment.grid) it.assignment.grid.name = names.get(it.assignment.grid.code);
  return {items};
}

// untilAnswered calls fn until it succeeds, waiting 2 s, then twice as long each time, at most
// 30 s, in between.
async function untilAnswered(fn) {
  for (let wait = 2000; ; wait = Math.min(wait * 2, 30000)) {
    try {
      return await fn();
    } catch (err) {
      console.warn('gridmap: starting:', err.message);
      state.statsStale = true;
      renderConnection();
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

// Key figures, and with them the server's clock and whether its data is a demo (api.js
// refreshSite), so that a display running for weeks follows the server's time and its badge.
// A failed request is retried soon (3 s, doubling up to the regular period), so the display
// recovers quickly after an outage.
let statsInFlight = null;
let statsRetry = 0;
let statsRetryMs = 3000;
function refreshStats() {
  if (statsInFlight) return statsInFlight;
  clearTimeout(statsRetry);
  statsInFlight = Promise.all([api.stats(), refreshSite()]).then(([s]) => {
    const wasStale = state.statsStale;
    state.stats = s;
    state.statsAt = Date.now();
    state.statsStale = false;
    statsRetryMs = 3000;
    renderStats();
    renderConnection();
    if (wasStale) recover();
  }).catch((err) => {
    console.warn('gridmap: stats:', err.message);
    state.statsStale = true;
    renderConnection();
    statsRetry = setTimeout(refreshStats, statsRetryMs);
    statsRetryMs = Math.min(statsRetryMs * 2, STATS_EVERY_MS);
  }).finally(() => { statsInFlight = null; });
  return statsInFlight;
}

// Grid rates: incidents per 100 households over RATE_DAYS, as feature state on the grid tiles.
async function refreshRates() {
  if (!can(me(), 'read_figures')) {
    state.hotspots = null;
    renderHotspots();
    return;
  }
  try {
    const res = await api.hotspots({since: cstMidnight(RATE_DAYS), limit: 10000});
    for (const it of res.items) {
      map.setFeatureState({source: 'grids', sourceLayer: 'grids', id: it.grid.code}, {rate: it.per_100_households});
    }
    state.hotspots = res.items.slice(0, HOTSPOTS_TOP);
    renderHotspots();
  } catch (err) {
    console.warn('gridmap: hotspots:', err.message);
    // A session that ended (expired, or signed out elsewhere): the wall goes on as the public's.
    if (err.status === 401) whoami({fresh: true}).catch(() => {});
  }
}

// After an outage: fetch what may have changed meanwhile.
function recover() {
  for (const name of ['grids', 'incidents', 'streets', 'communities']) refreshSource(map, name);
  refreshStats();
  refreshRates();
}

// later(fn, wait, spacing) runs fn wait ms from now, and no sooner than spacing ms after its
// last run; calls in between fold into the one pending run.
function later(fn, wait, spacing) {
  let timer = 0;
  let last = 0;
  return () => {
    if (timer) return;
    const delay = Math.max(wait, last + spacing - Date.now());
    timer = setTimeout(() => { timer = 0; last = Date.now(); fn(); }, delay);
  };
}
const refreshIncidentTiles = later(() => refreshSource(map, 'incidents'), 300, 5000);
// The grid tiles' open counts follow intake through rebuilds a couple of seconds apart.
const refreshGridTiles = later(() => refreshSource(map, 'grids'), 4000, 15000);
const refreshStatsSoon = later(refreshStats, 1500, 5000);
const refreshRatesSoon = later(refreshRates, 30000, HOTSPOTS_EVERY_MS);

function onIncident(inc) {
  state.live += 1;
  state.ticker.unshift(tickerEntry(inc));
  if (state.ticker.length > TICKER_MAX) state.ticker.length = TICKER_MAX;
  renderTicker(inc.id);
  flash(inc);
  // Count it at once; the next figures from the server replace these.
  const s = state.stats;
  if (s?.incidents) {
    const at = Date.parse(inc.reported_at);
    if (cstDate(at) === cstDate()) s.incidents.today += 1;
    if (now() - at < 7 * 86400000) s.incidents.week += 1;
    if (statusesOf('open').includes(inc.status)) s.incidents.open += 1;
    if (s.hourly_24h?.length && now() - at < 3600000) s.hourly_24h[s.hourly_24h.length - 1] += 1;
    renderStats();
  }
  refreshIncidentTiles();
  refreshGridTiles();
  refreshStatsSoon();
  refreshRatesSoon();
}

// onChange follows a later step of an incident (dispatch, response, resolution, a warning): the
// ticker's line for it shows where it stands now, and the map and figures follow soon.
function onChange(change) {
  const inc = change.incident;
  const e = state.ticker.find((x) => x.id === inc?.id);
  if (e && (e.status !== inc.status || e.overdue !== inc.overdue)) {
    e.status = inc.status;
    e.overdue = inc.overdue;
    renderTicker();
  }
  // Only what the step changed: a warning or an urge changes no status; the grids count open
  // incidents, so they change only when one opens or ends.
  const open = statusesOf('open');
  if (change.from !== change.to || change.kind === 'warning') {
    refreshIncidentTiles();
    refreshStatsSoon();
  }
  if (open.includes(change.from) !== open.includes(change.to)) refreshGridTiles();
}

function tickerEntry(inc) {
  return {
    id: inc.id,
    category: inc.category,
    channel: inc.channel,
    status: inc.status,
    overdue: inc.overdue,
    at: inc.reported_at,
    street: inc.assignment?.street?.name ?? '',
    community: inc.assignment?.community?.name ?? '',
    grid: inc.assignment?.grid?.name ?? '',
  };
}

// flash marks a new incident on the map for a while.
function flash(inc) {
  if (!Number.isFinite(inc.lon) || !Number.isFinite(inc.lat)) return;
  const el = h('div', {class: 'wl-flash', style: {'--c': categoryColor(inc.category)}, 'aria-hidden': 'true'},
    h('span', {class: 'wl-flash-ring'}), h('span', {class: 'wl-flash-ring is-late'}), h('span', {class: 'wl-flash-core'}));
  const marker = new Marker({element: el}).setLngLat([inc.lon, inc.lat]).addTo(map);
  const entry = {marker, timer: 0};
  entry.timer = setTimeout(() => dropFlash(entry), FLASH_MS);
  state.flashes.push(entry);
  while (state.flashes.length > FLASH_MAX) dropFlash(state.flashes[0]);
}
function dropFlash(entry) {
  clearTimeout(entry.timer);
  entry.marker.remove();
  const i = state.flashes.indexOf(entry);
  if (i >= 0) state.flashes.splice(i, 1);
}

// Rendering.

// Time formats in China Standard Time, made once per language and kind (the clock ticks every
// second for weeks).
const FORMATS = {
  time: {hour: '2-digit', minute: '2-digit', hourCycle: 'h23'},
  day: {month: '2-digit', day: '2-digit'},
  seconds: {hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23'},
  date: {year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short'},
  hour: {hour: 'numeric', hourCycle: 'h23'},
};
const formatters = new Map();
function fmt(kind, lang = i18n.lang()) {
  const key = `${lang} ${kind}`;
  if (!formatters.has(key)) formatters.set(key, new Intl.DateTimeFormat(lang, {timeZone: CST, ...FORMATS[kind]}));
  return formatters.get(key);
}
const fmtTime = () => fmt('time');
const fmtDay = () => fmt('day');

const KPIS = [
  {key: 'today', tone: 'accent'},
  {key: 'week', tone: 'accent'},
  {key: 'open', tone: 'warn'},
  {key: 'overdue', tone: 'alert'},
  {key: 'resolved_today', tone: 'good'},
  {key: 'on_time_rate_30d', tone: 'good', percent: true},
];
const BASE = [
  ['streets', (s) => s.streets], ['communities', (s) => s.communities], ['grids', (s) => s.grids],
  ['households', (s) => s.households], ['population', (s) => s.population],
  ['grid_workers', (s) => s.staff?.grid_workers], ['party_members', (s) => s.staff?.party_members],
  ['volunteers', (s) => s.staff?.volunteers], ['red_positions', (s) => s.red_positions], ['stations', (s) => s.stations],
];

function renderStats() {
  const s = state.stats;
  const inc = s?.incidents ?? {};
  $('kpis').replaceChildren(...KPIS.map(({key, tone, percent}) => {
    const v = inc[key];
    return h('div', {class: `wl-kpi is-${tone}`, dataset: {kpi: key}},
      h('div', {class: 'wl-kpi-label'}, i18n.t(`wall.kpi.${key}`)),
      h('div', {class: 'wl-kpi-value'}, v === undefined ? '—' : percent ? i18n.percent(v) : i18n.number(v)),
      percent && v !== undefined ? h('div', {class: 'wl-kpi-meter'}, h('span', {style: {width: `${Math.min(100, v)}%`}})) : null);
  }));
  $('kpi-note').textContent = s ? i18n.t('wall.updated', {time: fmt('seconds').format(new Date(s.at))}) : '';
  $('base').replaceChildren(...BASE.map(([key, get]) => h('div', {class: 'wl-base-item', dataset: {base: key}},
    h('span', {class: 'wl-base-value'}, s ? i18n.number(get(s)) : '—'),
    h('span', {class: 'wl-base-label'}, i18n.t(`stat.${key}`)))));
  if (!s) return;
  $('by-category').replaceChildren(bars(Object.entries(s.by_category_30d ?? {}).map(([c, v]) =>
    ({key: c, label: i18n.label('category', c), value: v, color: categoryColor(c)})), {max: 8, restLabel: i18n.t('wall.rest')}));
  const channelColors = ['#22d3ee', '#3b82f6', '#22c55e', '#f59e0b', '#a78bfa', '#f472b6'];
  $('by-channel').replaceChildren(donut(Object.entries(s.by_channel_30d ?? {}).sort((a, b) => b[1] - a[1]).map(([c, v], i) =>
    ({key: c, label: i18n.label('channel', c), value: v, color: channelColors[i % channelColors.length]})), {centreLabel: i18n.t('wall.total')}));
  renderStreets();
  const atHour = Number(fmt('hour', 'en').format(new Date(s.at)));
  const hours = s.hourly_24h ?? [];
  $('hourly').replaceChildren(sparkline(hours, {hourLabel: (i) => i18n.t('wall.hour', {h: (atHour - (hours.length - 1) + i + 48) % 24})}));
}

function renderStreets() {
  const list = [...(state.stats?.by_street ?? [])].sort((a, b) => b.open - a.open || a.code.localeCompare(b.code));
  const top = Math.max(1, ...list.map((r) => r.open));
  $('by-street').replaceChildren(h('table', {class: 'wl-table'},
    h('thead', {}, h('tr', {},
      h('th', {scope: 'col'}, i18n.t('wall.street')),
      h('th', {scope: 'col', class: 'is-bar'}, i18n.t('wall.kpi.open')),
      h('th', {scope: 'col'}, i18n.t('wall.kpi.overdue')),
      h('th', {scope: 'col'}, i18n.t('wall.kpi.today')))),
    h('tbody', {}, list.map((r) => h('tr', {dataset: {street: r.code}},
      h('th', {scope: 'row'}, r.name),
      h('td', {class: 'is-bar'}, h('div', {class: 'wl-cell'}, h('span', {class: 'wl-cell-bar'},
        h('span', {class: 'wl-cell-fill', style: {width: `${(100 * r.open) / top}%`}})), h('span', {class: 'wl-cell-num'}, i18n.number(r.open)))),
      h('td', {class: r.overdue ? 'is-alert' : ''}, i18n.number(r.overdue)),
      h('td', {}, i18n.number(r.today)))))));
}

function renderHotspots() {
  if (!state.hotspots) {
    $('hotspots').replaceChildren(h('p', {class: 'wl-empty'},
      h('a', {class: 'wl-signin', href: signInURL().href}, i18n.t('wall.hotspots.sign_in'))));
    return;
  }
  const list = state.hotspots.filter((it) => it.incidents > 0);
  const top = Math.max(1, ...list.map((it) => it.per_100_households));
  if (!list.length) {
    $('hotspots').replaceChildren(h('p', {class: 'wl-empty'}, i18n.t('wall.hotspots.empty')));
    return;
  }
  $('hotspots').replaceChildren(h('ol', {class: 'wl-hot'}, list.map((it, i) => h('li', {class: 'wl-hot-item', dataset: {grid: it.grid.code}},
    h('span', {class: `wl-hot-rank ${i < 3 ? 'is-top' : ''}`}, String(i + 1)),
    h('span', {class: 'wl-hot-name', title: it.grid.name}, it.grid.name),
    h('span', {class: 'wl-hot-bar'}, h('span', {style: {width: `${(100 * it.per_100_households) / top}%`}})),
    h('span', {class: 'wl-hot-value'}, i18n.number(it.per_100_households)),
    h('span', {class: 'wl-hot-note'}, i18n.t('wall.hotspots.note', {n: i18n.number(it.incidents), h: i18n.number(it.households)}))))));
}

function renderTicker(newId) {
  const today = cstDate();
  $('live-count').textContent = state.live ? i18n.t('wall.live_count', {n: i18n.number(state.live)}) : '';
  if (!state.ticker.length) {
    $('ticker').replaceChildren(h('li', {class: 'wl-tick is-empty'}, i18n.t('wall.ticker.empty')));
    return;
  }
  $('ticker').replaceChildren(...state.ticker.map((e) => {
    const at = Date.parse(e.at);
    const when = cstDate(at) === today ? fmtTime().format(at) : `${fmtDay().format(at)} ${fmtTime().format(at)}`;
    const place = [e.street, e.grid || (e.street ? '' : i18n.t('incident.unassigned'))].filter(Boolean).join(' · ');
    return h('li', {class: `wl-tick ${e.id === newId ? 'is-new' : ''}`, dataset: {id: e.id}},
      h('time', {class: 'wl-tick-time', datetime: e.at}, when),
      h('span', {class: 'wl-tick-cat', style: {'--c': categoryColor(e.category)}}, i18n.label('category', e.category)),
      h('span', {class: 'wl-tick-status', dataset: {status: e.overdue ? 'overdue' : statusesOf('open').includes(e.status) ? 'open' : 'done'}},
        i18n.label('status', e.status)),
      h('span', {class: 'wl-tick-place'}, place || '—'),
      h('span', {class: 'wl-tick-channel'}, i18n.label('channel', e.channel)));
  }));
}

function renderConnection() {
  const down = state.feed === 'reconnecting' || state.statsStale;
  const el = $('conn');
  el.dataset.state = down ? 'reconnecting' : state.feed === 'live' ? 'live' : 'connecting';
  el.querySelector('.wl-conn-text').textContent = i18n.t(`wall.conn.${el.dataset.state}`);
  document.body.classList.toggle('is-stale', down);
}

function renderLegend() {
  const {breaks} = SHADES[state.shade];
  const num = (v) => i18n.number(v);
  const steps = [`0–${num(breaks[0])}`, ...breaks.slice(0, -1).map((b, i) => `${num(b)}–${num(breaks[i + 1])}`), `≥ ${num(breaks.at(-1))}`];
  if (state.shade === 'open') {
    steps.splice(0, steps.length, '0', ...breaks.slice(0, -1).map((b, i) => (breaks[i + 1] - b > 1 ? `${b}–${breaks[i + 1] - 1}` : String(b))), `≥ ${breaks.at(-1)}`);
  }
  $('legend').replaceChildren(
    h('div', {class: 'wl-legend-head'},
      h('span', {class: 'wl-legend-title'}, i18n.t(`wall.shade.${state.shade}`)),
      shades().length > 1 ? h('div', {class: 'wl-seg', role: 'group', 'aria-label': i18n.t('wall.shade')}, shades().map((m) =>
        h('button', {type: 'button', class: 'wl-seg-btn', 'aria-pressed': String(m === state.shade), dataset: {shade: m},
          onclick: () => setShade(m)}, i18n.t(`wall.shade.${m}.short`)))) : null),
    h('div', {class: 'wl-legend-ramp'}, SHADE_COLORS.map((c, i) => h('span', {class: 'wl-legend-step'},
      h('span', {class: 'wl-legend-swatch', style: {background: c}}), h('span', {class: 'wl-legend-value'}, steps[i])))),
    h('div', {class: 'wl-legend-row'},
      h('span', {class: 'wl-legend-heat'}), h('span', {}, i18n.t('wall.heat', {n: HEAT_DAYS})),
      h('span', {class: 'wl-legend-flash', style: {'--c': INCIDENT_COLORS.open}}), h('span', {}, i18n.t('wall.flash'))));
}

function setShade(mode) {
  state.shade = mode;
  map.setPaintProperty('grids-fill', 'fill-color', shadeExpr(mode));
  renderLegend();
}

// renderClock shows the server's time (api.js now), which the figures are counted by.
function renderClock() {
  const t = now();
  $('clock-time').textContent = fmt('seconds').format(t);
  $('clock-time').dateTime = cstDateTime(t);
  $('clock-date').textContent = fmt('date').format(t);
  $('clock-date').dateTime = cstDate(t);
}

function renderAll() {
  renderClock();
  renderStats();
  renderHotspots();
  renderTicker();
  renderConnection();
  renderLegend();
}

function fitCity(animate = true) {
  if (!cityBounds) return;
  const pad = Math.round(28 * k);
  map.fitBounds(cityBounds, {padding: {top: pad + $('base').offsetHeight, bottom: pad + $('legend').offsetHeight * 0.4, left: pad, right: pad},
    animate, duration: animate ? 1500 : 0, maxZoom: 15});
}

// Timers: all fixed in number, none created per event except the bounded flashes.
setInterval(renderClock, 1000);
setInterval(() => {
  if (document.visibilityState === 'hidden' && Date.now() - state.statsAt < 5 * 60 * 1000) return;
  refreshStats();
}, STATS_EVERY_MS);
setInterval(refreshRates, HOTSPOTS_EVERY_MS);
setInterval(() => refreshSource(map, 'grids'), GRIDS_EVERY_MS);
setInterval(() => {
  // A new day in China Standard Time on the server's clock: the heat's period moves on, the
  // ticker's dates change.
  const day = cstDate();
  if (day !== state.day) {
    state.day = day;
    setIncidentFilter(map, heatParams());
    renderTicker();
    refreshRates();
  }
  if (lastInteraction && Date.now() - lastInteraction > IDLE_RETURN_MS) {
    lastInteraction = 0;
    fitCity(true);
  }
}, 30 * 1000);

map.on('movestart', (e) => { if (e.originalEvent) lastInteraction = Date.now(); });
map.on('error', (e) => console.warn('gridmap: map:', e.error?.message ?? e));
let resizeTimer = 0;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => fitCity(false), 300);
});
i18n.onChange(renderAll);
// Signed out meanwhile: only what the public may see.
onMe((w) => {
  if (!shades(w).includes(state.shade)) setShade(shades(w)[0]);
  if (!can(w, 'read_figures')) state.hotspots = null;
  renderLegend();
  renderHotspots();
});

// Everything above is defined; go.
const ready = start();
window.gridmap = {map, ready, wall: state};
