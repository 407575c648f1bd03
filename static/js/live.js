// live.js: follows the server's live feed of new incidents (GET /api/v1/events, server-sent
// events) for pages that stay open for days.
//
// The browser's EventSource reconnects by itself after a dropped connection and sends the last
// event id it saw, and the server replays what was missed. The server also ends each stream
// after a while (before its write timeout) and the browser reconnects a second later; that is
// routine, so the page is told "reconnecting" only when the feed stays down for a few seconds.
// Two cases EventSource does not recover from are handled here: an answer that is not an event
// stream (a proxy's 502, a 503 while the server starts) closes it for good, and a connection
// that silently stops (no stream end for far longer than any server keeps one) may be dead.
// Both get a new EventSource, resuming after the last id seen (?after=), with a growing delay.

import {apiURL} from './api.js';

const GRACE_MS = 4000; // how long a reconnect may take before the page shows it
const STALE_MS = 10 * 60 * 1000; // an open stream with no news and no renewal for this long is recreated

// LiveFeed calls onIncident(incident) for each new incident, onChange(change) for each later
// step of one (its kind, from, to and the incident after it), onState('live' | 'reconnecting')
// when the feed's health changes, and onRecovered() when it is back after being down (the page
// may have missed figures in between, though not incidents). Ids are the server's audit-trail
// ids: `after` is one the server gave out (a "ready" event says where a stream starts), or 0
// for from now on.
export class LiveFeed {
  constructor({after = 0, onIncident, onChange, onState, onRecovered} = {}) {
    this.lastId = Number(after) || 0;
    this.onIncident = onIncident ?? (() => {});
    this.onChange = onChange ?? (() => {});
    this.onState = onState ?? (() => {});
    this.onRecovered = onRecovered ?? (() => {});
    this.state = 'connecting';
    this.es = null;
    this.retryMs = 1000;
    this.graceTimer = 0;
    this.retryTimer = 0;
    this.lastSign = Date.now();
    this.watchdog = 0;
  }

  start() {
    this.open();
    this.watchdog = setInterval(() => {
      if (this.es && Date.now() - this.lastSign > STALE_MS) this.recreate();
    }, 60000);
    return this;
  }

  stop() {
    clearInterval(this.watchdog);
    clearTimeout(this.graceTimer);
    clearTimeout(this.retryTimer);
    this.es?.close();
    this.es = null;
  }

  open() {
    const es = new EventSource(apiURL('api/v1/events', this.lastId ? {after: this.lastId} : {}));
    this.es = es;
    es.addEventListener('open', () => {
      this.lastSign = Date.now();
      this.retryMs = 1000;
      clearTimeout(this.graceTimer);
      this.graceTimer = 0;
      this.setState('live');
    });
    const on = (name, deliver) => es.addEventListener(name, (e) => {
      this.lastSign = Date.now();
      const id = Number(e.lastEventId);
      if (id && id <= this.lastId) return; // already seen (a replay)
      let data;
      try { data = JSON.parse(e.data); } catch { return; }
      if (id) this.lastId = id;
      deliver(data);
    });
    on('ready', () => {});
    on('incident', (incident) => this.onIncident(incident));
    on('change', (change) => this.onChange(change));
    es.addEventListener('error', () => {
      if (es !== this.es) return;
      if (!this.graceTimer && this.state !== 'reconnecting') {
        this.graceTimer = setTimeout(() => { this.graceTimer = 0; this.setState('reconnecting'); }, GRACE_MS);
      }
      if (es.readyState === EventSource.CLOSED) {
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.recreate(), this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, 30000);
      }
    });
  }

  recreate() {
    this.es?.close();
    this.lastSign = Date.now();
    this.open();
  }

  setState(state) {
    if (state === this.state) return;
    const was = this.state;
    this.state = state;
    this.onState(state);
    if (state === 'live' && was === 'reconnecting') this.onRecovered();
  }
}
