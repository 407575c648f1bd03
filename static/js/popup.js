// popup.js: the contents of the click popups on grids, service points and incidents, in the
// current language, and one popup per map that follows language switches.

import {Popup} from '../lib/maplibre-gl/maplibre-gl.mjs';
import {h} from './dom.js';
import {t, number, onChange, dateTime, label} from './i18n.js';

function rows(pairs) {
  return h('dl', {class: 'gm-popup-rows'},
    pairs.filter(([, v]) => v !== undefined && v !== null && v !== '')
      .map(([k, v]) => [h('dt', {}, t(k)), h('dd', {}, v)]));
}

const count = (v) => (v === undefined || v === null ? undefined : number(Number(v)));

// gridContent describes a grid from its tile properties; names maps community and street codes
// to their names.
export function gridContent(p, names = new Map()) {
  const community = names.get(p.community);
  const street = names.get(p.street);
  return h('div', {class: 'gm-popup gm-popup-grid'},
    h('div', {class: 'gm-popup-kind'}, t('popup.grid')),
    h('h3', {class: 'gm-popup-title'}, p.name ?? p.code),
    rows([
      ['popup.code', h('code', {}, p.code)],
      ['popup.community', community ?? p.community],
      ['popup.street', street ?? p.street],
      ['popup.households', t('unit.households', {n: number(Number(p.households))})],
      ['popup.population', t('unit.people', {n: number(Number(p.population))})],
      ['popup.grid_workers', count(p.grid_workers)],
      ['popup.party_members', count(p.party_members)],
      ['popup.households_covered', p.households_covered === undefined ? undefined : t('unit.households', {n: number(Number(p.households_covered))})],
      ['popup.open_incidents', count(p.open_incidents)],
    ]));
}

// placeKindName is the display name of a place's kind in the current language, as the server
// names the kinds of red position and station.
export function placeKindName(p, layer) {
  return label(layer === 'red_positions' ? 'red' : 'station', p.kind);
}

// placeContent describes a red position or a station; layer is its source name.
export function placeContent(p, layer, names = new Map()) {
  const red = layer === 'red_positions';
  return h('div', {class: `gm-popup gm-popup-place ${red ? 'is-red' : ''}`},
    h('div', {class: 'gm-popup-kind'}, red ? t('place.red_position') : t('layer.stations')),
    h('h3', {class: 'gm-popup-title'}, p.name ?? p.code),
    rows([
      ['popup.kind', placeKindName(p, layer)],
      ['popup.hours', p.opening_hours || t('popup.none')],
      ['popup.in_grid', names.get(p.grid) ?? p.grid],
    ]));
}

// incidentContent describes one incident from its tile properties (no personal data there).
export function incidentContent(p, names = new Map()) {
  const overdue = p.overdue === true || p.overdue === 'true';
  return h('div', {class: `gm-popup gm-popup-incident ${overdue ? 'is-overdue' : ''}`},
    h('div', {class: 'gm-popup-kind'}, t('popup.incident'), p.id !== undefined ? ` #${p.id}` : ''),
    h('h3', {class: 'gm-popup-title'}, label('category', p.category)),
    rows([
      ['popup.status', h('span', {}, label('status', p.status), overdue ? h('strong', {class: 'gm-overdue'}, ` · ${t('incident.overdue')}`) : '')],
      ['popup.channel', label('channel', p.channel)],
      ['popup.reported_at', p.reported_at ? dateTime(p.reported_at) : undefined],
      ['popup.in_grid', p.grid ? names.get(p.grid) ?? p.grid : t('incident.unassigned')],
    ]));
}

// PopupController shows one popup at a time on a map and redraws it when the language changes.
export class PopupController {
  constructor(map, render) {
    this.map = map;
    this.render = render; // (subject) => Node
    this.popup = new Popup({closeButton: true, closeOnClick: false, maxWidth: '320px', className: 'gm-popup-wrap', offset: 10});
    this.subject = null;
    this.popup.on('close', () => { this.subject = null; this.onClose?.(); });
    onChange(() => this.refresh());
  }

  // show opens the popup at lngLat about subject.
  show(lngLat, subject) {
    this.subject = subject;
    this.popup.setLngLat(lngLat).setDOMContent(this.render(subject));
    if (!this.popup.isOpen()) this.popup.addTo(this.map);
  }

  // refresh redraws the open popup (the language changed, or a name arrived).
  refresh() {
    if (this.subject) this.popup.setDOMContent(this.render(this.subject));
  }

  close() { if (this.popup.isOpen()) this.popup.remove(); }
}
