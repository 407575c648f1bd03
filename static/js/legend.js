// legend.js: the side panel of a map page: layer toggles and the legend (图例) of street colours,
// boundaries and service point symbols, redrawn in the current language.

import {h} from './dom.js';
import {t, onChange} from './i18n.js';
import {GROUPS, THEME, STATION_KINDS, streetColor} from './layers.js';
import {setGroupVisible, groupVisible} from './map.js';

function swatch(kind, style, extra = '') {
  return h('span', {class: `gm-swatch gm-swatch-${kind} ${extra}`.trim(), style, 'aria-hidden': 'true'});
}

function section(titleKey, ...items) {
  return h('section', {class: 'gm-legend-section'},
    h('h3', {class: 'gm-legend-heading'}, t(titleKey)),
    h('ul', {class: 'gm-legend-list'}, items));
}

function item(sw, label, note) {
  return h('li', {class: 'gm-legend-item'}, sw, h('span', {class: 'gm-legend-label'}, label),
    note ? h('small', {class: 'gm-legend-note'}, note) : null);
}

// Panel draws the toggles and the legend into el for map; streets is the streets
// FeatureCollection (its names and codes make the colour key).
export class Panel {
  constructor(el, map, {streets = {features: []}} = {}) {
    this.el = el;
    this.map = map;
    this.streets = streets;
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
        item(swatch('dot', {background: THEME.redPosition, borderColor: THEME.redPositionStroke}), t('place.red_position'), t('place.red_position.note')),
        Object.entries(STATION_KINDS).map(([kind, color]) =>
          item(swatch('dot', {background: color, borderColor: THEME.stationStroke}, 'is-station'), t(`station.${kind}`)))));
  }

  render() {
    this.el.replaceChildren(this.toggles(), this.legend());
  }
}
