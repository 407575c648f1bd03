// app.js: the city map page (index.html): the whole city's streets, communities and grids from
// vector tiles, with red positions, stations and incidents (clusters below zoom 14, points
// above; filtered by time, category and status), a legend with layer toggles, click popups, key
// figures and a Chinese/English switch. window.gridmap = {map, ready} is there for tests and the
// console; ready resolves with the key figures once the map has drawn its data.

import * as i18n from './i18n.js';
import {api, boot, cstMidnight} from './api.js';
import {createMap, setLabels, followGridLabels, setIncidentFilter, selectGrid, featureAt, boundsOf, whenIdle,
  relocalise} from './map.js';
import {Panel} from './legend.js';
import {PopupController, gridContent, placeContent, incidentContent} from './popup.js';
import {mountHeader} from './nav.js';
import {statusesOf} from './layers.js';
import {h} from './dom.js';
import {StatusLine} from './status.js';

const $ = (id) => document.getElementById(id);

// The incident filter: a period (days back from today's midnight, China Standard Time, on the
// server's clock; 0 for all), a category and a status group or one status. The tiles take it as
// query parameters. By default the map shows what is still to be done: open incidents of the
// last 30 days.
const filter = {days: 30, category: '', status: 'open'};
function incidentParams(f = filter) {
  return {
    since: f.days ? cstMidnight(f.days) : undefined,
    category: f.category || undefined,
    status: f.status === 'open' || f.status === 'done' ? statusesOf(f.status) : (f.status || undefined),
  };
}

i18n.apply(document);
mountHeader('city');
const status = new StatusLine($('status')); // the line over the map: loading, or what went wrong
// The code labels and the server's clock before anything is drawn: the filter's period counts
// back from the server's today.
status.set('app.loading');
try {
  await boot();
} catch (err) {
  status.fail('the labels and the server clock', err);
  throw err;
}
const map = createMap($('map'), {hash: true, incidents: incidentParams()});
const names = new Map(); // code -> name of streets, communities and grids, for the popups
const panel = new Panel($('panel'), map, {
  filter,
  onFilter: (next) => {
    Object.assign(filter, next);
    setIncidentFilter(map, incidentParams());
  },
});
const popups = new PopupController(map, (s) => {
  if (s.kind === 'grid') return gridContent(s.props, names);
  if (s.kind === 'incident') return incidentContent(s.props, names);
  return placeContent(s.props, s.layer, names);
});
popups.onClose = () => selectGrid(map, null);
const gridLabels = followGridLabels(map);
let summary = null;
let cityBounds = null;

const ready = start();
window.gridmap = {map, ready, gridLabels};

async function start() {
  status.set('app.loading');
  const loaded = new Promise((resolve) => map.once('load', resolve));
  try {
    const [streets, communities, stats] = await Promise.all([api.streets(), api.communities(), api.stats(), loaded]);
    setLabels(map, {streets, communities});
    for (const fc of [streets, communities]) {
      for (const f of fc.features) names.set(f.properties.code, f.properties.name);
    }
    panel.setStreets(streets);
    summary = {
      streets: stats.streets,
      communities: stats.communities,
      grids: stats.grids,
      red_positions: stats.red_positions,
      stations: stats.stations,
      households: stats.households,
      population: stats.population,
      open_incidents: stats.incidents?.open,
    };
    renderStats();
    cityBounds = boundsOf(streets);
    await whenIdle(map);
    status.set(null);
    return summary;
  } catch (err) {
    status.fail('the map data', err);
    throw err;
  }
}

function renderStats() {
  if (!summary) return;
  $('stats').replaceChildren(...Object.entries(summary).map(([k, v]) =>
    h('li', {class: 'gm-stat', dataset: {stat: k}},
      h('span', {class: 'gm-stat-value'}, i18n.number(v)),
      h('span', {class: 'gm-stat-label'}, i18n.t(`stat.${k}`)))));
}

// gridName finds a grid's name for a popup: known, or in the grid tiles drawn around it, or
// from the API; the popup is redrawn when it arrives.
function learnGridName(code) {
  if (!code || names.has(code)) return;
  const [f] = map.querySourceFeatures('grids', {sourceLayer: 'grids', filter: ['==', ['get', 'code'], code]});
  if (f) {
    names.set(code, f.properties.name);
    return;
  }
  api.grid(code).then((g) => {
    names.set(code, g.properties.name);
    popups.refresh();
  }).catch(() => {});
}

// Clicks: a service point first, then an incident (a cluster zooms in), else the grid under
// the pointer.
map.on('click', (e) => {
  const hit = featureAt(map, e.point);
  if (!hit) {
    popups.close();
    selectGrid(map, null);
    return;
  }
  const {properties: props, source, geometry} = hit.feature;
  if (hit.kind === 'grid') {
    selectGrid(map, props.code);
    names.set(props.code, props.name);
    popups.show(e.lngLat, {kind: 'grid', props});
    return;
  }
  selectGrid(map, null);
  if (hit.kind === 'incident' && props.count !== undefined) {
    popups.close();
    map.easeTo({center: geometry.coordinates, zoom: Math.min(map.getZoom() + 2, 18)});
    return;
  }
  learnGridName(props.grid);
  popups.show(geometry.coordinates, hit.kind === 'incident'
    ? {kind: 'incident', props}
    : {kind: 'place', layer: source, props});
});
map.on('mousemove', (e) => {
  map.getCanvas().style.cursor = featureAt(map, e.point) ? 'pointer' : '';
});
// A failed tile (the server restarting) is retried when the view next changes; it is not an
// error of the page.
map.on('error', (e) => console.warn('gridmap: map:', e.error?.message ?? e));

i18n.onChange(() => {
  relocalise(map);
  renderStats();
});

// 全市: back to the whole city.
$('fit-city').addEventListener('click', () => {
  if (!cityBounds) return;
  const panelWidth = $('panel').classList.contains('is-collapsed') ? 0 : $('panel').offsetWidth;
  map.fitBounds(cityBounds, {padding: {top: 32, bottom: 32, left: 32, right: 32 + panelWidth}, maxZoom: 15, duration: 1000});
});

// The panel folds away on small screens and on demand.
const panelToggle = $('panel-toggle');
function setPanelCollapsed(collapsed) {
  $('panel').classList.toggle('is-collapsed', collapsed);
  panelToggle.setAttribute('aria-expanded', String(!collapsed));
}
panelToggle.addEventListener('click', () => setPanelCollapsed(!$('panel').classList.contains('is-collapsed')));
setPanelCollapsed(window.matchMedia('(max-width: 720px)').matches);
