// app.js: the city map page (index.html): the whole city's streets, communities and grids,
// with red positions and stations, a legend with layer toggles, click popups, key figures and a
// Chinese/English switch. window.gridmap = {map, ready} is there for tests and the console;
// ready resolves once the data is on the map and the map has drawn it.

import * as i18n from './i18n.js';
import {loadAll} from './api.js';
import {createMap, setData, selectGrid, featureAt, boundsOf, whenIdle, relocalise} from './map.js';
import {Panel} from './legend.js';
import {PopupController, gridContent, placeContent} from './popup.js';
import {h} from './dom.js';

const $ = (id) => document.getElementById(id);

i18n.apply(document);
const map = createMap($('map'), {hash: true});
const names = new Map(); // code -> name of streets, communities and grids, for the popups
const panel = new Panel($('panel'), map);
const popups = new PopupController(map, (s) => (s.kind === 'grid'
  ? gridContent(s.props, names)
  : placeContent(s.props, s.layer, names)));
popups.onClose = () => selectGrid(map, null);
let summary = null;
let cityBounds = null;
let status = null; // the line over the map: loading, or what went wrong; null hides it

const ready = start();
window.gridmap = {map, ready};

async function start() {
  setStatus('app.loading');
  const loaded = new Promise((resolve) => map.once('load', resolve));
  try {
    const [data] = await Promise.all([loadAll(), loaded]);
    setData(map, data);
    for (const name of ['streets', 'communities', 'grids']) {
      for (const f of data[name].features) names.set(f.properties.code, f.properties.name);
    }
    panel.setStreets(data.streets);
    summary = summarise(data);
    renderStats();
    cityBounds = boundsOf(data.streets);
    await whenIdle(map);
    setStatus(null);
    return summary;
  } catch (err) {
    console.error('gridmap: loading the map data failed:', err);
    setStatus('app.error', {msg: err.message}, true);
    throw err;
  }
}

// summarise counts the divisions and service points and adds up the grids' households and people.
function summarise(data) {
  let households = 0;
  let population = 0;
  for (const f of data.grids.features) {
    households += Number(f.properties.households) || 0;
    population += Number(f.properties.population) || 0;
  }
  return {
    streets: data.streets.features.length,
    communities: data.communities.features.length,
    grids: data.grids.features.length,
    red_positions: data.red_positions.features.length,
    stations: data.stations.features.length,
    households,
    population,
  };
}

function renderStats() {
  if (!summary) return;
  $('stats').replaceChildren(...Object.entries(summary).map(([k, v]) =>
    h('li', {class: 'gm-stat', dataset: {stat: k}},
      h('span', {class: 'gm-stat-value'}, i18n.number(v)),
      h('span', {class: 'gm-stat-label'}, i18n.t(`stat.${k}`)))));
}

function setStatus(key, vars, error = false) {
  status = key ? {key, vars, error} : null;
  renderStatus();
}
function renderStatus() {
  const el = $('status');
  el.textContent = status ? i18n.t(status.key, status.vars) : '';
  el.hidden = !status;
  el.classList.toggle('is-error', Boolean(status?.error));
}

// Clicks: a service point first, else the grid under the pointer.
map.on('click', (e) => {
  const hit = featureAt(map, e.point);
  if (!hit) {
    popups.close();
    return;
  }
  const {properties: props, source} = hit.feature;
  if (hit.kind === 'grid') {
    selectGrid(map, props.code);
    popups.show(e.lngLat, {kind: 'grid', props});
  } else {
    selectGrid(map, null);
    popups.show(hit.feature.geometry.coordinates, {kind: 'place', layer: source, props});
  }
});
map.on('mousemove', (e) => {
  map.getCanvas().style.cursor = featureAt(map, e.point) ? 'pointer' : '';
});

// The language switch.
function renderLangSwitch() {
  for (const b of document.querySelectorAll('[data-lang]')) {
    b.setAttribute('aria-pressed', String(b.dataset.lang === i18n.lang()));
  }
}
for (const b of document.querySelectorAll('[data-lang]')) {
  b.addEventListener('click', () => i18n.setLang(b.dataset.lang));
}
i18n.onChange(() => {
  relocalise(map);
  renderLangSwitch();
  renderStats();
  renderStatus();
});
renderLangSwitch();

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
