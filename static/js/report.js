// report.js: a street's printable monthly report (report.html, 诉求办理月报) from
// GET /api/v1/reports/monthly: its communities and the departments its incidents went to, in
// the columns published reports carry (the server's columns, named by it), the street's total
// under the communities, how the rates are counted (the server's fields), the period and when
// the report was made by the server's clock; the same report as CSV and XLSX (the API's files)
// and a print button (css/report.css lays it out on A4 landscape, without the page's controls).
// For signed-in staff with read_figures: the street chooser offers the streets of the caller's
// scope; a community leader's report holds their communities only (the server filters it).
// The choice is kept in the URL (?street=&month=YYYY-MM).
// window.gridmap = {ready, report} is there for tests and the console.

import * as i18n from './i18n.js';
import {api, boot, now, cstDate, whoami, me, requireSignIn, monthlyReportURL} from './api.js';
import {can, choosable, inside} from './access.js';
import {mountHeader, pageURL} from './nav.js';
import {h} from './dom.js';
import {Fields, cell} from './rates.js';
import {StatusLine, latestWins} from './status.js';

const $ = (id) => document.getElementById(id);
const FIGURES = 'read_figures';
const isMonth = (s) => /^\d{4}-(0[1-9]|1[0-2])$/.test(s ?? '');
const thisMonth = () => cstDate().slice(0, 7); // YYYY-MM in China, on the server's clock

const params = new URLSearchParams(location.search);
const state = {
  street: params.get('street') || '',
  month: isMonth(params.get('month')) ? params.get('month') : '',
  streets: [],
  doc: null, // the last answer of GET /api/v1/reports/monthly
  fields: new Fields(),
  at: 0, // when it was made, on the server's clock
  loading: false,
  loads: 0,
};

requireSignIn();
i18n.apply(document);
mountHeader('figures');
const status = new StatusLine($('status'));
const loadLatest = latestWins(state, status, 'the monthly report');

async function start() {
  status.set('app.loading');
  const who = await whoami(); // signed in: the public is sent to the sign-in page
  if (!can(who, FIGURES)) {
    status.set('fig.denied', null, true);
    $('toolbar').hidden = true;
    return {denied: true};
  }
  const [streets] = await Promise.all([api.streets(), boot()]);
  state.streets = choosable(who, FIGURES, streets.features);
  if (!state.streets.some((f) => f.properties.code === state.street)) state.street = state.streets[0]?.properties.code ?? '';
  if (!state.month || state.month > thisMonth()) state.month = thisMonth();
  await load();
  return {street: state.street, month: state.month, communities: state.doc?.communities.length ?? 0};
}

async function load() {
  writeURL();
  renderToolbar();
  await loadLatest(api.monthlyReport({street: state.street, month: state.month}), (doc) => {
    state.doc = doc;
    state.fields = new Fields(doc.fields);
    state.at = now();
    renderSheet();
  });
}

function writeURL() {
  const p = i18n.keepLang(new URLSearchParams({street: state.street, month: state.month}));
  history.replaceState(null, '', `${location.pathname}?${p}`);
}

// The toolbar: the street and month, the files and the print button.
function renderToolbar() {
  $('street').replaceChildren(...state.streets.map((f) => h('option', {value: f.properties.code, selected: f.properties.code === state.street}, f.properties.name)));
  $('month').value = state.month;
  $('month').max = thisMonth();
  $('csv').href = monthlyReportURL({street: state.street, month: state.month, f: 'csv'}).href;
  $('xlsx').href = monthlyReportURL({street: state.street, month: state.month, f: 'xlsx'}).href;
  // Back to the figures of the street's communities, for this month or the month shown.
  const past = state.month < thisMonth() ? {period: 'custom', since: `${state.month}-01`, until: lastDay(state.month)} : {};
  const back = pageURL('figures.html', {by: 'community', street: state.street, ...past});
  $('back').href = back.pathname + back.search;
}

function lastDay(month) {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

$('toolbar').addEventListener('submit', (e) => e.preventDefault());
$('street').addEventListener('change', (e) => { state.street = e.target.value; load(); });
$('month').addEventListener('change', (e) => {
  if (!isMonth(e.target.value)) return;
  state.month = e.target.value;
  load();
});
$('print').addEventListener('click', () => window.print());

// The sheet.

const fmtDay = (t) => new Intl.DateTimeFormat(i18n.lang(), {timeZone: 'Asia/Shanghai', dateStyle: 'long'}).format(new Date(t));
function monthName(month) {
  const [y, m] = month.split('-').map(Number);
  return new Intl.DateTimeFormat(i18n.lang(), {timeZone: 'UTC', year: 'numeric', month: 'long'}).format(new Date(Date.UTC(y, m - 1, 1)));
}

function title(doc) {
  if (i18n.lang() === 'zh-CN') return `${i18n.t('app.city')} ${doc.title}`;
  return i18n.t('rep.title', {city: i18n.t('app.city'), street: doc.street.name, month: monthName(doc.month)});
}

function periodText(doc) {
  const since = Date.parse(doc.since);
  const until = Date.parse(doc.until);
  const text = i18n.t('rep.period', {since: fmtDay(since), until: fmtDay(until - 1)});
  return state.at < until ? `${text}${i18n.t('rep.so_far', {at: i18n.dateTime(state.at)})}` : text;
}

// table draws rows in the server's columns; total, if given, is the row under them.
function table(id, caption, rows, total) {
  const cols = state.doc.columns;
  const td = (c, r, isTotal) => {
    let text = c.kind === 'text' ? r[c.key] : cell(c.kind, r[c.key]);
    if (isTotal && c.key === 'name') text = i18n.t('rep.total', {name: r.name});
    if (isTotal && c.kind === 'rank') text = ''; // the street is not ranked among its communities
    return c.kind === 'text' && c.key === 'name'
      ? h('th', {scope: 'row', class: 'is-text', dataset: {col: c.key}}, text)
      : h('td', {class: c.kind === 'text' ? 'is-text' : `is-${c.kind}`, dataset: {col: c.key}}, text);
  };
  const body = rows.length
    ? rows.map((r) => h('tr', {dataset: {key: r.key}}, cols.map((c) => td(c, r, false))))
    : [h('tr', {class: 'is-empty'}, h('td', {colspan: cols.length}, i18n.t('rep.empty')))];
  return h('table', {class: 'rp-table', id},
    h('caption', {}, caption),
    h('colgroup', {}, cols.map((c) => h('col', {class: `is-${c.kind} is-${c.key}`}))),
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', {scope: 'col', class: c.kind === 'text' ? 'is-text' : '', dataset: {col: c.key}}, state.fields.label(c.key))))),
    h('tbody', {}, body),
    total ? h('tfoot', {}, h('tr', {class: 'is-total', dataset: {key: total.key}}, cols.map((c) => td(c, total, true)))) : null);
}

function renderSheet() {
  const doc = state.doc;
  if (!doc) return;
  const total = doc.total?.[0] ?? null;
  const f = state.fields;
  const rates = doc.columns.filter((c) => c.kind === 'rate').map((c) => c.key);
  const key = (k, kind) => h('div', {class: 'rp-key', dataset: {col: k}},
    h('span', {class: 'rp-key-value'}, cell(kind, total?.[k] ?? (kind === 'count' ? 0 : null))),
    h('span', {class: 'rp-key-label'}, f.label(k)));
  const partial = !inside(me(), FIGURES, doc.street.code);
  $('sheet').replaceChildren(
    h('header', {class: 'rp-head'},
      h('h2', {class: 'rp-title', id: 'title'}, title(doc)),
      h('p', {class: 'rp-period', id: 'period'}, periodText(doc)),
      partial ? h('p', {class: 'rp-partial'}, i18n.t('rep.partial')) : null),
    h('section', {class: 'rp-keys', id: 'keys'},
      ['received', 'dispatched', 'resolved_on_time', 'resolved_late', 'not_resolved'].map((k) => key(k, 'count')),
      ['response_rate', 'resolution_rate', 'on_time_rate', 'satisfaction_rate'].map((k) => key(k, 'rate'))),
    h('section', {class: 'rp-section'},
      h('h3', {class: 'rp-h'}, i18n.t('rep.communities')),
      table('communities', i18n.t('rep.communities.caption', {n: doc.communities.length}), doc.communities, total)),
    h('section', {class: 'rp-section'},
      h('h3', {class: 'rp-h'}, i18n.t('rep.departments')),
      table('departments', i18n.t('rep.departments.caption', {n: doc.departments.length}), doc.departments, null)),
    h('footer', {class: 'rp-notes', id: 'notes'},
      h('p', {class: 'rp-notes-title'}, i18n.t('rep.notes')),
      h('ol', {},
        h('li', {}, i18n.t('rep.note.cohort', {valid: f.label('valid'), received: f.label('received')})),
        h('li', {id: 'definitions'}, rates.map((k) => f.definition(k)).join(i18n.t('rep.note.sep')), i18n.t('rep.note.end')),
        h('li', {}, i18n.t('rep.note.on_time', {on_time: f.label('resolved_on_time'), response: f.label('responded_on_time')})),
        h('li', {}, i18n.t('rep.note.rank', {rank: f.label('rank'), rate: f.label('resolution_rate')}))),
      h('p', {class: 'rp-generated', id: 'generated'}, i18n.t('rep.generated', {at: i18n.dateTime(state.at)}))));
  document.title = `${title(doc)} · ${i18n.t('app.city')}`;
}

i18n.onChange(() => {
  writeURL();
  renderToolbar();
  renderSheet();
});

const ready = start().catch((err) => {
  status.fail('the monthly report page', err);
  throw err;
});
window.gridmap = {ready, report: state};
