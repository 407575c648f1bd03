// api.js: the client of gridmap's read API. Paths are resolved against the site root (the folder
// above js/), so the pages work behind a reverse proxy that mounts gridmap under a sub-path.

import {SOURCES} from './layers.js';

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

// getJSON fetches path (relative to ROOT) with the query params that are set.
export async function getJSON(path, params = {}, {signal} = {}) {
  const url = new URL(path, ROOT);
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, v);
  }
  const resp = await fetch(url, {headers: {Accept: 'application/json, application/geo+json'}, signal});
  if (!resp.ok) {
    let problem = null;
    try { problem = await resp.json(); } catch { /* not JSON */ }
    throw new APIError(url.href, resp.status, problem);
  }
  return resp.json();
}

// Each layer of SOURCES as a function returning its FeatureCollection; params filter it the way
// the API allows (street, community, grid, bbox, kind).
export const api = {
  streets: (params, opts) => getJSON(SOURCES.streets.api, params, opts),
  communities: (params, opts) => getJSON(SOURCES.communities.api, params, opts),
  grids: (params, opts) => getJSON(SOURCES.grids.api, params, opts),
  redPositions: (params, opts) => getJSON(SOURCES.red_positions.api, params, opts),
  stations: (params, opts) => getJSON(SOURCES.stations.api, params, opts),
};

// loadAll fetches every source of SOURCES that the API serves, at once, keyed like SOURCES.
export async function loadAll(opts) {
  const names = Object.keys(SOURCES).filter((n) => SOURCES[n].api);
  const fcs = await Promise.all(names.map((n) => getJSON(SOURCES[n].api, {}, opts)));
  return Object.fromEntries(names.map((n, i) => [n, fcs[i]]));
}
