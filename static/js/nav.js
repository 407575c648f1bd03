// nav.js: what every page's header shares: the navigation between the three pages (城市总览,
// 指挥大屏, 网格覆盖), the Chinese/English switch and the demo badge, all redrawn when the
// language changes.

import {h} from './dom.js';
import * as i18n from './i18n.js';
import {ROOT, site, onSite} from './api.js';

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

// demoNote is the i18n key of the badge's explanation for what the server said of its data
// (api.js site), or null when the data is real and no badge is shown.
export function demoNote({demo, simulating} = site()) {
  if (!demo) return null;
  return simulating ? 'site.demo.title.simulating' : 'site.demo.title';
}

// mountDemoBadge keeps el, the header's badge 演示数据, shown whenever the server says its data
// is a demo (synthetic divisions or a simulated city) and hidden otherwise: nobody should take
// sample figures on a wall for the city's. Its tooltip says what kind of demo it is. It follows
// each answer of GET /api/v1/site (the wall asks again with its figures) and the language.
export function mountDemoBadge(el) {
  const render = () => {
    const note = demoNote();
    el.hidden = !note;
    el.textContent = i18n.t('site.demo');
    el.title = note ? i18n.t(note) : '';
    el.dataset.simulating = String(site().simulating);
  };
  onSite(render);
  i18n.onChange(render);
  render();
}
