// api.js: the client of gridmap's read API. Paths are resolved against the site root (the folder
// above js/), so the pages work behind a reverse proxy that mounts gridmap under a sub-path.
// Also what every page learns from the server before it draws (boot): the labels of every code.

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

// boot loads, once, what a page needs before its first drawing: the code labels (into i18n.js).
// A failure is not kept, so a page may call it again until it answers.
let booted = null;
export function boot() {
  booted ??= api.categories().then(setCodeLabels).catch((err) => {
    booted = null;
    throw err;
  });
  return booted;
}

// Times. The pages speak China Standard Time (UTC+8, no daylight saving) whatever the
// machine's zone, because that is the time the figures and the workflow are kept in.
export const CST = 'Asia/Shanghai';
const CST_OFFSET_MS = 8 * 3600 * 1000;

// cstDate is the calendar date (YYYY-MM-DD) in China Standard Time of a time (default now).
export function cstDate(t = Date.now()) {
  return new Date(Number(t) + CST_OFFSET_MS).toISOString().slice(0, 10);
}

// cstMidnight is midnight China Standard Time, days days before today, as RFC 3339; it stays
// the same all day, so URLs built with it (tiles) keep their cache entries.
export function cstMidnight(days = 0, now = Date.now()) {
  return `${cstDate(now - days * 86400000)}T00:00:00+08:00`;
}
