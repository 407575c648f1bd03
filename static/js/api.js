// api.js: the client of gridmap's read API. Paths are resolved against the site root (the folder
// above js/), so the pages work behind a reverse proxy that mounts gridmap under a sub-path.
// Also what every page learns from the server before it draws (boot): the labels of every code
// and the server's clock, by which the pages reckon "today" and "the last N days".

import {setCodeLabels} from './i18n.js';

// ROOT is the site root URL, e.g. http://host/ or http://host/gridmap/.
export const ROOT = new URL('../', import.meta.url);

// APIError carries the HTTP status and the RFC 9457 problem body the server sent.
export class APIError extends Error {
  constructor(url, status, problem) {
    super(`${problem?.detail || problem?.title || `HTTP ${status}`} (${new URL(url).pathname})`);
    this.name = 'APIError';
    this.status = status;
    this.problem = problem;
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
  if (!resp.ok) {
    let problem = null;
    try { problem = await resp.json(); } catch { /* not JSON */ }
    throw new APIError(url.href, resp.status, problem);
  }
  return resp.json();
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
};

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
