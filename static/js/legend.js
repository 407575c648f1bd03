// legend.js: the side panel of the city map: layer toggles, the incident filter and the legend
// (图例) of street colours, boundaries, service points and incidents, redrawn in the current
// language. Also the small legend pieces the other pages share (swatch, item, section).

import {h} from './dom.js';
import {t, onChange, label, labels, codes} from './i18n.js';
import {GROUPS, THEME, stationColor, INCIDENT_COLORS, INCIDENT_GROUPS, statusesOf, CLUSTER_COLORS, streetColor} from './layers.js';
import {setGroupVisible, groupVisible} from './map.js';

export function swatch(kind, style, extra = '') {
  return h('span', {class: `gm-swatch gm-swatch-${kind} ${extra}`.trim(), style, 'aria-hidden': 'true'});
}

export function section(titleKey, ...items) {
  return h('section', {class: 'gm-legend-section'},
    h('h3', {class: 'gm-legend-heading'}, t(titleKey)),
    h('ul', {class: 'gm-legend-list'}, items));
}

export function item(sw, text, note) {
  return h('li', {class: 'gm-legend-item'}, sw, h('span', {class: 'gm-legend-label'}, text),
    note ? h('small', {class: 'gm-legend-note'}, note) : null);
}

// statusList names statuses with the server's labels, each marked with its code.
function statusList(list) {
  return list.flatMap((code, i) => [i ? t('list.sep') : '', h('span', {dataset: {status: code}}, label('status', code))]);
}

// PERIODS are the incident filter's choices of period, in days back (0: all).
export const PERIODS = [1, 7, 30, 90, 0];

// Panel draws the toggles, the incident filter and the legend into el for map. streets is the
// streets FeatureCollection (its names and codes make the colour key); filter holds the incident
// filter {days, category, status}, and onFilter is called with a changed part of it.
export class Panel {
  constructor(el, map, {streets = {features: []}, filter = null, onFilter = () => {}} = {}) {
    this.el = el;
    this.map = map;
    this.streets = streets;
    this.filter = filter;
    this.onFilter = onFilter;
    onChange(() => this.render());
    this.render();
  }

  setStreets(streets) {
    this.streets = streets;
    this.render();
  }

  toggles() {
    return h('section', {class: 'gm-legend-section gm-toggles'},
      h('h3', {class: 'gm-legend-heading'}, t('panel.layers')),
      h('ul', {class: 'gm-legend-list'}, GROUPS.map((g) => h('li', {class: 'gm-toggle'},
        h('label', {},
          h('input', {type: 'checkbox', name: g, checked: groupVisible(this.map, g),
            onchange: (e) => setGroupVisible(this.map, g, e.target.checked)}),
          h('span', {}, t(`layer.${g}`)))))));
  }

  // filters: the period, the category and the status, which may be a group (open, done) or one
  // status; categories and statuses are the server's, in its order and with its labels.
  filters() {
    if (!this.filter) return null;
    const f = this.filter;
    const option = ([v, text], value) => h('option', {value: v, selected: String(v) === String(value)}, text);
    const select = (name, text, options, value) => h('label', {class: 'gm-field'},
      h('span', {class: 'gm-field-label'}, text),
      h('select', {class: 'gm-select', name, onchange: (e) => {
        const v = e.target.value;
        f[name] = name === 'days' ? Number(v) : v;
        this.onFilter({[name]: f[name]});
      }}, options.map((o) => (o.group
        ? h('optgroup', {label: o.group}, o.options.map((x) => option(x, value)))
        : option(o, value)))));
    return h('section', {class: 'gm-legend-section gm-filters'},
      h('h3', {class: 'gm-legend-heading'}, t('filter.title')),
      select('days', t('filter.period'), PERIODS.map((d) => [d, t(d ? 'filter.days' : 'filter.all_time', {n: d})]), f.days),
      select('category', t('filter.category'), [['', t('filter.all')],
        ...codes('category').map((c) => [c, label('category', c)])], f.category),
      select('status', t('filter.status'), [['', t('filter.all')], ['open', t('filter.open')], ['done', t('filter.done')],
        {group: t('filter.by_status'), options: codes('status').map((c) => [c, label('status', c)])}], f.status));
  }

  legend() {
    const streets = [...this.streets.features]
      .map((f) => f.properties)
      .sort((a, b) => String(a.code).localeCompare(String(b.code)));
    return h('div', {class: 'gm-legend', role: 'group', 'aria-labelledby': 'gm-legend-title'},
      h('h2', {class: 'gm-panel-title', id: 'gm-legend-title'}, t('panel.legend')),
      section('legend.streets', streets.map((s) =>
        item(swatch('fill', {background: streetColor(s.code)}), s.name))),
      section('legend.boundaries',
        item(swatch('line', {borderTopColor: THEME.streetLine, borderTopWidth: '3px', boxShadow: `0 0 6px ${THEME.streetGlow}`}), t('boundary.street')),
        item(swatch('line', {borderTopColor: THEME.communityLine, borderTopWidth: '2px', borderTopStyle: 'dashed'}), t('boundary.community')),
        item(swatch('line', {borderTopColor: THEME.gridLine, borderTopWidth: '1px'}), t('boundary.grid'))),
      section('legend.places',
        item(swatch('dot', {background: THEME.redPosition, borderColor: THEME.redPositionStroke}), t('place.red_position'), labels('red')),
        codes('station').map((kind) =>
          item(swatch('dot', {background: stationColor(kind), borderColor: THEME.stationStroke}, 'is-station'), label('station', kind)))),
      section('legend.incidents',
        item(h('span', {class: 'gm-swatch-clusters', 'aria-hidden': 'true'}, CLUSTER_COLORS.map((c) => swatch('dot', {background: c, borderColor: '#ffffff'}, 'is-cluster'))),
          t('legend.cluster'), t('legend.cluster.note')),
        // Each colour with the statuses it stands for, named as the server names them.
        INCIDENT_GROUPS.map((k) =>
          item(swatch('dot', {background: INCIDENT_COLORS[k], borderColor: '#0b1220'}), t(`legend.incident.${k}`),
            statusesOf(k).length ? statusList(statusesOf(k)) : null))));
  }

  render() {
    this.el.replaceChildren(this.toggles(), this.filters() ?? '', this.legend());
  }
}
