// api.js: the client of gridmap's API. Paths are resolved against the site root (the folder
// above js/), so the pages work behind a reverse proxy that mounts gridmap under a sub-path.
// Also what every page learns from the server before it draws (boot): the labels of every code
// and the server's clock, by which the pages reckon "today" and "the last N days"; and who is
// signed in (whoami), with the one place that sends the session's CSRF token with writes and
// sends a page that needs a signed-in caller to the sign-in page when the server asks for one.

import {setCodeLabels, keepLang} from './i18n.js';
import {PUBLIC} from './access.js';

// ROOT is the site root URL, e.g. http://host/ or http://host/gridmap/.
export const ROOT = new URL('../', import.meta.url);

// APIError carries the HTTP status and the RFC 9457 problem body the server sent, and for a
// 429 the seconds it asked to wait (Retry-After).
export class APIError extends Error {
  constructor(url, status, problem, retryAfter = null) {
    super(`${problem?.detail || problem?.title || `HTTP ${status}`} (${new URL(url).pathname})`);
    this.name = 'APIError';
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

// apiURL is the URL of path (relative to ROOT) with the query params that are set.
export function apiURL(path, params = {}) {
  const url = new URL(path, ROOT);
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, Array.isArray(v) ? v.join(',') : v);
  }
  return url;
}

// getJSON fetches path (relative to ROOT) with the query params that are set.
export async function getJSON(path, params = {}, {signal} = {}) {
  const url = apiURL(path, params);
  const resp = await fetch(url, {headers: {Accept: 'application/json, application/geo+json'}, signal, cache: 'no-cache'});
  return answer(url, resp);
}

// send makes a change: method (POST, PUT, DELETE) on path with body as JSON, the session's CSRF
// token in X-CSRF-Token (a page of another site can make the browser send the cookie, but
// cannot read the token) and any other headers. It resolves with the answer's JSON, or null
// when there is none.
export async function send(method, path, body, {headers = {}, signal} = {}) {
  const url = apiURL(path);
  const h = {Accept: 'application/json', ...headers};
  if (body !== undefined) h['Content-Type'] = 'application/json';
  if (csrfToken) h[CSRF_HEADER] = csrfToken;
  const resp = await fetch(url, {method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), signal});
  return answer(url, resp);
}

const CSRF_HEADER = 'X-CSRF-Token';

// answer reads a response: its JSON, or an APIError. A 401 on a page that needs a signed-in
// caller (requireSignIn) sends the browser to the sign-in page instead (leaveForSignIn).
async function answer(url, resp) {
  if (resp.ok) return resp.status === 204 ? null : resp.json();
  if (resp.status === 401 && signInRequired) return leaveForSignIn();
  let problem = null;
  try { problem = await resp.json(); } catch { /* not JSON */ }
  const wait = Number(resp.headers.get('Retry-After'));
  throw new APIError(url.href, resp.status, problem, Number.isFinite(wait) && wait > 0 ? wait : null);
}

// api names the read API's resources; params filter them the way the API allows.
export const api = {
  // The server's clock and whether the data is a demo: {now, demo, simulating}.
  site: (opts) => getJSON('api/v1/site', {}, opts),
  // What intake accepts, and the Chinese and English label of every code.
  categories: (opts) => getJSON('api/v1/categories', {}, opts),
  // GeoJSON FeatureCollections of the divisions and service points.
  streets: (params, opts) => getJSON('api/v1/streets', params, opts),
  communities: (params, opts) => getJSON('api/v1/communities', params, opts),
  grids: (params, opts) => getJSON('api/v1/grids', params, opts),
  grid: (code, opts) => getJSON(`api/v1/grids/${encodeURIComponent(code)}`, {}, opts),
  // Incidents, newest first: {items, count, next}.
  incidents: (params, opts) => getJSON('api/v1/incidents', params, opts),
  // The wall display's key figures.
  stats: (opts) => getJSON('api/v1/stats', {}, opts),
  // Street leaders: coverage of each grid, gaps and overlaps, hotspots.
  coverage: (params, opts) => getJSON('api/v1/coverage', params, opts),
  tiling: (params, opts) => getJSON('api/v1/tiling', params, opts),
  hotspots: (params, opts) => getJSON('api/v1/hotspots', params, opts),
  // 响应率, 解决率, 按时办结率, 满意率 and their counts per street, community, grid, person or
  // department of the caller's scope: {by, since, until, rank, rows, total, fields}.
  figures: (params, opts) => getJSON('api/v1/figures', params, opts),
  // A street's monthly report: {title, street, month, since, until, columns, fields, total,
  // communities, departments}; monthlyReportURL is its CSV or XLSX file (f=csv, f=xlsx).
  monthlyReport: (params, opts) => getJSON('api/v1/reports/monthly', params, opts),
  // The public incident features (OGC API Features), oldest first: {features, numberMatched}.
  publicIncidents: (params, opts) => getJSON('ogc/collections/incidents/items', params, opts),
};

// monthlyReportURL is the address of a street's monthly report as a file: f is csv or xlsx.
export function monthlyReportURL(params) { return apiURL('api/v1/reports/monthly', params); }

// Who is signed in. GET /api/v1/me says it once per page load (whoami); the answer has
// signed_in, user (name, roles with their role_zh, role_en and scope), actions (action -> scope,
// see access.js) and, for a browser's session, the CSRF token send puts on writes.
let meState = PUBLIC;
let mePromise = null;
let csrfToken = '';
let signInRequired = false;
const meListeners = new Set();

function setMe(answer) {
  meState = answer?.signed_in ? answer : {...PUBLIC, ...answer, actions: answer?.actions ?? PUBLIC.actions};
  csrfToken = answer?.csrf_token ?? '';
  for (const fn of meListeners) fn(meState);
  return meState;
}

// whoami resolves with who is signed in, asking the server once per page (again with fresh).
// A failure is not kept. On a page that needs a signed-in caller (requireSignIn) it resolves
// only for one: the public is sent to the sign-in page instead (leaveForSignIn).
export function whoami({fresh = false} = {}) {
  if (fresh) mePromise = null;
  mePromise ??= getJSON('api/v1/me').then(setMe)
    .then((who) => (signInRequired && !who.signed_in ? leaveForSignIn() : who))
    .catch((err) => {
      mePromise = null;
      throw err;
    });
  return mePromise;
}

// me is who whoami last said is signed in (the public until it has answered).
export function me() { return meState; }

// onMe calls fn with me() each time the server has said who is signed in.
export function onMe(fn) {
  meListeners.add(fn);
  return () => meListeners.delete(fn);
}

// signIn starts a session (POST /api/v1/session): the server sets the cookie and answers as
// GET /api/v1/me does. A wrong login or password is an APIError with status 401, too many
// failures one with 429 and retryAfter.
export async function signIn(login, password) {
  return setMe(await send('POST', 'api/v1/session', {login, password}));
}

// signOut ends the session (DELETE /api/v1/session, with the CSRF token).
export async function signOut() {
  await send('DELETE', 'api/v1/session');
  setMe(PUBLIC);
}

// requireSignIn declares that the page shows nothing to the public: from now on a 401 from the
// server, or whoami's answer that the caller is the public, sends the browser to the sign-in
// page, which brings it back here.
export function requireSignIn() { signInRequired = true; }

// signInURL is the sign-in page's address, asked to return to next (by default the page shown)
// once signed in.
export function signInURL(next = location.pathname + location.search + location.hash) {
  const url = new URL('login.html', ROOT);
  url.searchParams.set('next', next);
  keepLang(url.searchParams);
  return url;
}

// leaveForSignIn leaves for the sign-in page, which returns here; the page left is not kept in
// the history, so going back does not bounce off it again. What it returns never settles: the
// page is being left.
function leaveForSignIn() {
  location.replace(signInURL());
  return new Promise(() => {});
}

// The server's clock. The server keeps one clock (GRIDMAP_CLOCK may set it a year ahead for a
// demo or a test) and counts "today" by it; a page that reckoned by the browser's clock would
// ask for other days than the figures it shows. So the pages keep the offset of the server's
// clock from the browser's and read the time through now(). Timers, throttles and the
// staleness of connections are about the browser itself and stay on Date.now().
let clockOffsetMs = 0;

// now is the server clock's current time, in milliseconds since the epoch.
export function now() { return Date.now() + clockOffsetMs; }

// What GET /api/v1/site last said besides the time, and who wants to know when it changes.
let siteState = {demo: false, simulating: false};
const siteListeners = new Set();

// site is what the server last said of its data: {demo, simulating}.
export function site() { return siteState; }

// onSite calls fn with site() each time the server has been asked again.
export function onSite(fn) {
  siteListeners.add(fn);
  return () => siteListeners.delete(fn);
}

// refreshSite asks the server for its time and whether the data is a demo, and moves now() to
// the server's clock: the server read its clock about halfway through the request.
export async function refreshSite(opts) {
  const sent = Date.now();
  const answer = await api.site(opts);
  const received = Date.now();
  const at = Date.parse(answer.now);
  if (Number.isFinite(at)) clockOffsetMs = at - (sent + received) / 2;
  siteState = {demo: answer.demo === true, simulating: answer.simulating === true};
  for (const fn of siteListeners) fn(siteState);
  return siteState;
}

// boot loads, once, what a page needs before its first drawing: the code labels (into i18n.js)
// and the server's clock. A failure is not kept, so a page may call it again until it answers.
let booted = null;
export function boot() {
  booted ??= Promise.all([api.categories().then(setCodeLabels), refreshSite()]).catch((err) => {
    booted = null;
    throw err;
  });
  return booted;
}

// Times. The pages speak China Standard Time (UTC+8, no daylight saving) whatever the
// machine's zone, because that is the time the figures and the workflow are kept in.
export const CST = 'Asia/Shanghai';
const CST_OFFSET_MS = 8 * 3600 * 1000;

// cstDate is the calendar date (YYYY-MM-DD) in China Standard Time of a time (default: now on
// the server's clock).
export function cstDate(t = now()) {
  return new Date(Number(t) + CST_OFFSET_MS).toISOString().slice(0, 10);
}

// cstDateTime is a time (default: now on the server's clock) as China Standard Time in RFC 3339,
// to the second: 2027-12-01T22:10:44+08:00.
export function cstDateTime(t = now()) {
  return `${new Date(Number(t) + CST_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

// cstMidnight is midnight China Standard Time, days days before today (on the server's clock),
// as RFC 3339; it stays the same all day, so URLs built with it (tiles) keep their cache entries.
export function cstMidnight(days = 0, at = now()) {
  return `${cstDate(at - days * 86400000)}T00:00:00+08:00`;
}
