// figures.js: the figures page (figures.html, 考核指标): 响应率, 解决率, 按时办结率 and 满意率 with
// the counts behind them (GET /api/v1/figures), per street, community, grid, person or
// department of the caller's scope, for this month, last month, the last 30 days or days of
// one's choosing, ranked by one of the four rates, each rate with its change against the
// period as long just before. A headline gives the four rates of the whole of what was asked;
// a street's row links to its monthly report (report.html). The names of the figures and how
// the rates are counted are the server's (the answer's fields, rates.js).
// The page is for signed-in staff with read_figures: the public is sent to the sign-in page;
// the street and community choosers offer what lies in the caller's scope, and the server
// filters every figure to it. Days are China days of the server's clock (api.js now).
// The choice is kept in the URL (?by=&period=&since=&until=&street=&community=&rank=).
// window.gridmap = {ready, figures} is there for tests and the console.

import * as i18n from './i18n.js';
import {api, boot, cstDate, whoami, me, requireSignIn} from './api.js';
import {can, choosable, inside, scope} from './access.js';
import {mountHeader, pageURL} from './nav.js';
import {h} from './dom.js';
import {Fields, rateText, change, cell} from './rates.js';
import {StatusLine, latestWins} from './status.js';

const $ = (id) => document.getElementById(id);
const FIGURES = 'read_figures';

// The API's groupings, periods of the page's own, and the rates a ranking may follow (the
// API's rank values).
export const GROUPINGS = ['street', 'community', 'grid', 'person', 'department'];
export const PERIODS = ['month', 'last_month', 'd30', 'custom'];
export const RATES = ['response_rate', 'resolution_rate', 'on_time_rate', 'satisfaction_rate'];
const DAYS = 30; // the "last 30 days", reckoned as the other pages do: since midnight 30 days back

// The table's columns: figures of the answer's rows, named by its fields; grouped under a
// heading each.
const COUNTS = ['received', 'valid', 'dispatched', 'responded_on_time', 'resolved', 'resolved_on_time', 'callbacks', 'dissatisfied', 'reopened'];
const MEDIANS = ['median_response_min', 'median_resolve_hours'];

const params = new URLSearchParams(location.search);
const isDate = (s) => /^\d{4}-\d{2}-\d{2}$/.test(s ?? '');
const state = {
  by: GROUPINGS.includes(params.get('by')) ? params.get('by') : '',
  period: PERIODS.includes(params.get('period')) ? params.get('period') : 'month',
  custom: {since: isDate(params.get('since')) ? params.get('since') : '', until: isDate(params.get('until')) ? params.get('until') : ''},
  street: params.get('street') || '',
  community: params.get('community') || '',
  rank: RATES.includes(params.get('rank')) ? params.get('rank') : 'resolution_rate',
  sort: {key: 'rank', dir: 1},
  streets: [], // features of the streets the caller may choose
  communities: [], // of the street chosen
  names: new Map(), // code -> name
  answer: null, // the last answer of GET /api/v1/figures
  fields: new Fields(),
  query: null, // what it was asked
  loading: false,
  loads: 0, // answers drawn so far, for tests to wait on
};

requireSignIn();
i18n.apply(document);
mountHeader('figures');
const status = new StatusLine($('status'));
const loadLatest = latestWins(state, status, 'the figures');

// Days. Dates are YYYY-MM-DD China days; the arithmetic is on the calendar only.
function addDays(date, n) {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}
const monthStart = (date) => `${date.slice(0, 7)}-01`;

// periodDays is the first and the last day of the period chosen, both included, by the server's
// clock: this month so far, last month, the last 30 days, or the days chosen.
export function periodDays(period = state.period, custom = state.custom) {
  const today = cstDate();
  switch (period) {
    case 'month': return {since: monthStart(today), until: today};
    case 'last_month': {
      const last = addDays(monthStart(today), -1);
      return {since: monthStart(last), until: last};
    }
    case 'd30': return {since: addDays(today, -DAYS), until: today};
  }
  const since = custom.since || monthStart(today);
  const until = custom.until && custom.until >= since ? custom.until : today >= since ? today : since;
  return {since, until};
}

// reportMonth is the month whose report a street's row links to: the period's month, or the
// month the period ends in.
function reportMonth() {
  const {since, until} = periodDays();
  return state.period === 'month' || state.period === 'last_month' ? since.slice(0, 7) : until.slice(0, 7);
}

// defaultBy groups by the divisions just below the caller's scope: the streets of the city,
// the communities of a street, the grids of a community, the people of grids.
function defaultBy(who) {
  const s = scope(who, FIGURES);
  if (s === 'city') return 'street';
  const shortest = Math.min(...s.map((c) => c.length));
  return shortest <= 9 ? 'community' : shortest <= 12 ? 'grid' : 'person';
}

// The choosers of divisions offer those in the caller's scope; "all" only when it is more than
// one of them, or the whole of the division above.
const offersAllStreets = () => scope(me(), FIGURES) === 'city' || state.streets.length > 1;
const offersAllCommunities = () => state.street && (inside(me(), FIGURES, state.street) || state.communities.length > 1);

// kept is what a chooser of features (and of all of them, '', when all is true) shows once
// they have come: code when it is offered, else all, else the first.
function kept(code, features, all) {
  const offered = code === '' ? all : features.some((f) => f.properties.code === code);
  if (offered) return code;
  return all ? '' : features[0]?.properties.code ?? '';
}

// wholeScope names the street chooser's "all": the city, or all of the caller's scope.
const wholeScope = () => i18n.t(scope(me(), FIGURES) === 'city' ? 'fig.city' : 'fig.all_scope');

async function start() {
  status.set('app.loading');
  const who = await whoami(); // signed in: the public is sent to the sign-in page
  if (!can(who, FIGURES)) {
    status.set('fig.denied', null, true);
    $('toolbar').hidden = true;
    $('tablewrap').hidden = true;
    return {denied: true};
  }
  const [streets] = await Promise.all([api.streets(), boot()]);
  for (const f of streets.features) state.names.set(f.properties.code, f.properties.name);
  state.streets = choosable(who, FIGURES, streets.features);
  if (!state.by) state.by = defaultBy(who);
  state.street = kept(state.street, state.streets, offersAllStreets());
  await loadCommunities();
  await load();
  return {by: state.by, street: state.street, rows: state.answer?.rows.length ?? 0};
}

// loadCommunities reads the communities of the street chosen, those of the scope.
async function loadCommunities() {
  state.communities = [];
  if (state.street) {
    const street = state.street;
    const fc = await api.communities({street});
    if (street !== state.street) return;
    for (const f of fc.features) state.names.set(f.properties.code, f.properties.name);
    state.communities = choosable(me(), FIGURES, fc.features);
  }
  state.community = kept(state.community, state.communities, offersAllCommunities());
}

async function load() {
  const {since, until} = periodDays();
  const query = {by: state.by, since, until, street: state.street, community: state.community, rank: state.rank};
  writeURL();
  await loadLatest(api.figures(query), (answer) => {
    state.answer = answer;
    state.query = query;
    state.fields = new Fields(answer.fields);
    renderAll();
  });
}

function writeURL() {
  const p = new URLSearchParams();
  p.set('by', state.by);
  p.set('period', state.period);
  if (state.period === 'custom') {
    const {since, until} = periodDays();
    p.set('since', since);
    p.set('until', until);
  }
  if (state.street) p.set('street', state.street);
  if (state.community) p.set('community', state.community);
  p.set('rank', state.rank);
  i18n.keepLang(p);
  history.replaceState(null, '', `${location.pathname}?${p}`);
}

// The toolbar.

function seg(el, values, current, labelKey, onpick) {
  el.replaceChildren(...values.map((v) => h('button', {type: 'button', role: 'radio', class: 'fg-seg-btn',
    'aria-checked': String(v === current), dataset: {value: v}, onclick: () => onpick(v)}, i18n.t(`${labelKey}.${v}`))));
}

function renderToolbar() {
  seg($('by'), GROUPINGS, state.by, 'fig.by', (v) => { state.by = v; state.sort = {key: 'rank', dir: 1}; load(); });
  seg($('period'), PERIODS, state.period, 'fig.period', (v) => {
    if (v === 'custom' && !state.custom.since) state.custom = periodDays();
    state.period = v;
    load();
  });
  const days = periodDays();
  $('custom').hidden = state.period !== 'custom';
  for (const id of ['since', 'until']) {
    $(id).value = days[id];
    $(id).max = cstDate();
  }
  $('until').min = days.since;
  const opt = (value, text, selected) => h('option', {value, selected: value === selected}, text);
  $('street').replaceChildren(...(offersAllStreets() ? [opt('', wholeScope(), state.street)] : []),
    ...state.streets.map((f) => opt(f.properties.code, f.properties.name, state.street)));
  $('community').replaceChildren(...(offersAllCommunities() || !state.street ? [opt('', i18n.t('fig.all_communities'), state.community)] : []),
    ...state.communities.map((f) => opt(f.properties.code, f.properties.name, state.community)));
  $('community').disabled = !state.street;
  $('rank').replaceChildren(...RATES.map((r) => opt(r, state.fields.label(r), state.rank)));
  const report = $('report');
  report.hidden = !state.street;
  if (state.street) report.href = reportURL(state.street).href;
}

$('toolbar').addEventListener('submit', (e) => e.preventDefault());
$('street').addEventListener('change', async (e) => {
  state.street = e.target.value;
  state.community = '';
  await loadCommunities();
  load();
});
$('community').addEventListener('change', (e) => {
  state.community = e.target.value;
  load();
});
$('rank').addEventListener('change', (e) => {
  state.rank = e.target.value;
  state.sort = {key: 'rank', dir: 1};
  load();
});
for (const id of ['since', 'until']) {
  $(id).addEventListener('change', (e) => {
    if (!isDate(e.target.value)) return;
    state.custom = {...periodDays(), [id]: e.target.value};
    load();
  });
}

// reportURL is the monthly report of a street, for the period's month.
function reportURL(street) {
  return pageURL('report.html', {street, month: reportMonth()});
}

// The headline: the four rates of the whole of what was asked, with their changes and counts.

function scopeName() {
  if (state.community) return state.names.get(state.community) ?? state.community;
  if (state.street) return state.names.get(state.street) ?? state.street;
  return wholeScope();
}

function periodText() {
  const {since, until} = state.query ?? periodDays();
  return i18n.t('fig.days', {since, until});
}

function renderHeadline() {
  const total = state.answer?.total;
  const f = state.fields;
  const count = (k) => h('div', {class: 'fg-count', dataset: {col: k}},
    h('span', {class: 'fg-count-value'}, cell('count', total?.[k] ?? 0)),
    h('span', {class: 'fg-count-label'}, f.label(k)));
  const card = (r) => {
    const ch = change(total?.change?.[r]);
    return h('div', {class: `fg-card${r === state.rank ? ' is-ranked' : ''}`, dataset: {rate: r}},
      h('div', {class: 'fg-card-label'}, f.label(r)),
      h('div', {class: 'fg-card-value'}, rateText(total?.[r])),
      h('div', {class: 'fg-card-change'},
        h('span', {class: `fg-change is-${ch.dir}`, title: ch.title}, ch.text),
        h('span', {class: 'fg-card-note'}, i18n.t('fig.vs_before'))),
      h('div', {class: 'fg-card-fraction', title: total ? `${f.definition(r)}\n${f.fraction(r, total)}` : f.definition(r)}, total ? f.fraction(r, total) : ''));
  };
  $('headline').replaceChildren(
    h('div', {class: 'fg-scope'},
      h('div', {class: 'fg-scope-name'}, scopeName()),
      h('div', {class: 'fg-scope-period'}, periodText()),
      h('div', {class: 'fg-counts'}, ['received', 'valid', 'resolved', 'not_resolved'].map(count))),
    ...RATES.map(card));
}

// The table.

function unitLabel(row) {
  if (state.answer?.by === 'person') return i18n.label('role', row.name);
  return row.name || row.key;
}

function value(row, key) {
  if (key === 'name') return unitLabel(row);
  return row[key];
}

function sortedRows() {
  const rows = [...(state.answer?.rows ?? [])];
  const {key, dir} = state.sort;
  return rows.sort((a, b) => {
    const x = value(a, key);
    const y = value(b, key);
    if (x === y) return a.rank - b.rank;
    if (x === null || x === undefined) return 1; // nothing to count: last, whichever the order
    if (y === null || y === undefined) return -1;
    return (typeof x === 'string' ? x.localeCompare(y, 'zh-CN') : x - y) * dir || a.rank - b.rank;
  });
}

function sortBy(key) {
  const text = key === 'name';
  const first = key === 'rank' || text ? 1 : -1; // rank and names ascending, figures largest first
  state.sort = state.sort.key === key ? {key, dir: -state.sort.dir} : {key, dir: first};
  renderTable();
}

function head(key, label, cls = '') {
  const sorted = state.sort.key === key;
  return h('th', {scope: 'col', class: cls, dataset: {col: key}, 'aria-sort': sorted ? (state.sort.dir > 0 ? 'ascending' : 'descending') : 'none'},
    h('button', {type: 'button', class: 'fg-sort', onclick: () => sortBy(key)}, label,
      h('span', {class: 'fg-sort-mark', 'aria-hidden': 'true'}, sorted ? (state.sort.dir > 0 ? '▲' : '▼') : '')));
}

function renderTable() {
  const f = state.fields;
  const by = state.answer?.by ?? state.by;
  const rows = sortedRows();
  $('caption').textContent = i18n.t('fig.caption', {n: i18n.number(rows.length), unit: i18n.t(`fig.unit.${by}`),
    rank: f.label(state.rank), period: periodText()});
  const group = (key, span, cls = '') => h('th', {scope: 'colgroup', colspan: span, class: `fg-group ${cls}`}, i18n.t(key));
  $('table').tHead.replaceChildren(
    h('tr', {class: 'fg-groups'}, group('fig.group.unit', 2, 'is-text'), group('fig.group.counts', COUNTS.length),
      group('fig.group.rates', RATES.length, 'is-rates'), group('fig.group.medians', MEDIANS.length)),
    h('tr', {},
      head('rank', f.label('rank'), 'is-rank'),
      head('name', i18n.t(`fig.by.${by}`), 'is-text'),
      COUNTS.map((k) => head(k, f.label(k))),
      RATES.map((k) => head(k, f.label(k), `is-rate${k === state.rank ? ' is-ranked' : ''}`)),
      MEDIANS.map((k) => head(k, f.label(k), 'is-median'))));
  $('table').tBodies[0].replaceChildren(...rows.map((r) => h('tr', {dataset: {key: r.key}},
    h('td', {class: 'is-rank', dataset: {col: 'rank'}}, h('span', {class: `fg-rank${r.rank <= 3 ? ` is-top${r.rank}` : ''}`}, String(r.rank))),
    unitCell(r, by),
    COUNTS.map((k) => h('td', {dataset: {col: k}}, cell('count', r[k]))),
    RATES.map((k) => rateCell(r, k)),
    MEDIANS.map((k) => h('td', {class: 'is-median', dataset: {col: k}}, cell(f.get(k)?.kind, r[k]))))));
  $('empty').hidden = rows.length > 0;
  $('empty').textContent = i18n.t('fig.empty');
}

function unitCell(r, by) {
  return h('th', {scope: 'row', class: 'is-text', dataset: {col: 'name'}},
    h('span', {class: 'fg-unit'},
      h('span', {class: 'fg-unit-name'}, unitLabel(r)),
      h('small', {class: 'fg-code'}, r.key)),
    by === 'street' ? h('a', {class: 'fg-link', href: reportURL(r.key).href, dataset: {report: r.key}, title: i18n.t('fig.report.title', {name: unitLabel(r)})},
      i18n.t('fig.report')) : null);
}

function rateCell(r, k) {
  const v = r[k];
  const ch = change(r.change?.[k]);
  const width = typeof v === 'number' ? `${Math.max(0, Math.min(1, v)) * 100}%` : '0';
  return h('td', {class: `is-rate${k === state.rank ? ' is-ranked' : ''}`, dataset: {col: k}, title: state.fields.fraction(k, r)},
    h('div', {class: 'fg-rate'},
      h('span', {class: 'fg-rate-value'}, rateText(v)),
      h('span', {class: `fg-change is-${ch.dir}`, title: ch.title}, ch.text)),
    h('span', {class: 'fg-bar', 'aria-hidden': 'true'}, h('span', {class: 'fg-bar-fill', style: {width}})));
}

function renderAll() {
  renderToolbar();
  renderHeadline();
  renderTable();
}

i18n.onChange(() => {
  if (state.answer) renderAll();
  writeURL();
});

const ready = start().catch((err) => {
  status.fail('the figures page', err);
  throw err;
});
window.gridmap = {ready, figures: state};
