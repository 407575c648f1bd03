// nav.js: what every page's header shares: the navigation between the three pages (城市总览,
// 指挥大屏, 网格覆盖) and the Chinese/English switch, both redrawn when the language changes.

import {h} from './dom.js';
import * as i18n from './i18n.js';
import {ROOT} from './api.js';

// PAGES are the pages in the order the navigation lists them.
export const PAGES = [
  {id: 'city', href: './', key: 'nav.city'},
  {id: 'wall', href: 'wall.html', key: 'nav.wall'},
  {id: 'coverage', href: 'coverage.html', key: 'nav.coverage'},
];

// mountNav draws the navigation into el, marking the page current as the one shown. The links
// carry ?lang= when the language is not the default, so the choice follows even where the
// browser keeps no storage (kiosk mode).
export function mountNav(el, current) {
  const render = () => {
    el.replaceChildren(...PAGES.map((p) => {
      const url = new URL(p.href, ROOT);
      if (i18n.lang() !== 'zh-CN') url.searchParams.set('lang', i18n.lang());
      return h('a', {class: 'gm-nav-link', href: url.pathname + url.search, dataset: {page: p.id},
        'aria-current': p.id === current ? 'page' : null}, i18n.t(p.key));
    }));
  };
  el.setAttribute('aria-label', i18n.t('nav.label'));
  i18n.onChange(() => { el.setAttribute('aria-label', i18n.t('nav.label')); render(); });
  render();
}

// mountLangSwitch wires the buttons marked data-lang inside root.
export function mountLangSwitch(root = document) {
  const buttons = [...root.querySelectorAll('[data-lang]')];
  const render = () => {
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.lang === i18n.lang()));
  };
  for (const b of buttons) b.addEventListener('click', () => i18n.setLang(b.dataset.lang));
  i18n.onChange(render);
  render();
}
