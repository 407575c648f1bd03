// nav.js: what every page's header shares: the navigation between the pages (城市总览, 指挥大屏,
// 网格覆盖, 考核指标), who is signed in with a sign-out button (or a sign-in link), the
// Chinese/English switch and the demo badge, all redrawn when the language changes.

import {h} from './dom.js';
import * as i18n from './i18n.js';
import {ROOT, site, onSite, api, whoami, me, onMe, signOut, signInURL} from './api.js';
import {can} from './access.js';

// PAGES are the pages in the order the navigation lists them, with the action a caller needs
// to use them (none: the public's).
export const PAGES = [
  {id: 'city', href: './', key: 'nav.city'},
  {id: 'wall', href: 'wall.html', key: 'nav.wall'},
  {id: 'coverage', href: 'coverage.html', key: 'nav.coverage', needs: 'read_figures'},
  {id: 'figures', href: 'figures.html', key: 'nav.figures', needs: 'read_figures'},
];

// mountHeader draws what every page's header shares into the elements each page gives the same
// ids: the navigation (#nav, marking current as the page shown), who is signed in (#user;
// signIn as mountUser's), the language switch and the demo badge (#demo).
export function mountHeader(current, {signIn = true} = {}) {
  const $ = (id) => document.getElementById(id);
  mountNav($('nav'), current);
  mountUser($('user'), {signIn});
  mountLangSwitch();
  mountDemoBadge($('demo'));
}

// pageURL is the address of a page of the site (href, relative to its root) with params, and
// the language last (i18n.js keepLang).
export function pageURL(href, params = {}) {
  const url = new URL(href, ROOT);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  i18n.keepLang(url.searchParams);
  return url;
}

// mountNav draws the navigation into el, marking the page current as the one shown. It offers
// only what the caller may use: a page that needs an action the signed-in caller's roles lack
// is left out, and for the public it leads to the sign-in page, which brings them there.
export function mountNav(el, current) {
  let known = false; // until the server has said who is signed in, every page is listed
  const render = () => {
    const who = me();
    el.replaceChildren(...PAGES.flatMap((p) => {
      const attrs = {class: 'gm-nav-link', dataset: {page: p.id}, 'aria-current': p.id === current ? 'page' : null};
      if (known && p.needs && !can(who, p.needs)) {
        if (who.signed_in) return [];
        const url = pageURL(p.href);
        const signIn = signInURL(url.pathname + url.search);
        return [h('a', {...attrs, href: signIn.pathname + signIn.search, title: i18n.t('nav.locked'),
          dataset: {page: p.id, locked: 'true'}}, i18n.t(p.key))];
      }
      const url = pageURL(p.href);
      return [h('a', {...attrs, href: url.pathname + url.search}, i18n.t(p.key))];
    }));
  };
  el.setAttribute('aria-label', i18n.t('nav.label'));
  i18n.onChange(() => { el.setAttribute('aria-label', i18n.t('nav.label')); render(); });
  onMe(() => { known = true; render(); });
  render();
  whoami().catch((err) => console.warn('gridmap: who is signed in:', err.message));
}

// Names of the divisions a role is held for, from the divisions API (public): code -> name.
const scopeNames = new Map();
const asked = new Set();

// learnScopeNames asks the divisions API for the names of codes it does not know yet, and
// calls done once they have come.
async function learnScopeNames(codes, done) {
  const todo = codes.filter((c) => !scopeNames.has(c) && !asked.has(c));
  if (!todo.length) return;
  for (const c of todo) asked.add(c);
  const learn = (fc) => { for (const f of fc.features) scopeNames.set(f.properties.code, f.properties.name); };
  const jobs = [];
  if (todo.some((c) => c.length === 9)) jobs.push(api.streets().then(learn));
  for (const street of new Set(todo.filter((c) => c.length === 12).map((c) => c.slice(0, 9)))) {
    jobs.push(api.communities({street}).then(learn));
  }
  for (const c of todo.filter((x) => x.length === 15)) {
    jobs.push(api.grid(c).then((f) => scopeNames.set(c, f.properties.name)));
  }
  const results = await Promise.allSettled(jobs);
  for (const r of results) if (r.status === 'rejected') console.warn('gridmap: names of a scope:', r.reason?.message);
  done();
}

// roleText names a role held with its scope: 街道负责人 · 龙山街道, in the current language.
function roleText(g) {
  const role = (i18n.lang() === 'en' ? g.role_en : g.role_zh) || g.role;
  const codes = g.scope_codes ?? [];
  const where = g.scope === 'city' || !codes.length
    ? i18n.t('user.city')
    : codes.map((c) => scopeNames.get(c) ?? c).join(i18n.t('list.sep'));
  return `${role} · ${where}`;
}

// whoParts names a signed-in user and their roles: 王主任, 街道负责人 · 龙山街道.
function whoParts(who) {
  const u = who.user ?? {};
  return {name: u.name || u.login || '', roles: (u.roles ?? []).map(roleText).join(i18n.t('user.roles.sep'))};
}

// whoText is how a signed-in user is named: 王主任 · 街道负责人 · 龙山街道.
export function whoText(who = me()) {
  const {name, roles} = whoParts(who);
  return roles ? `${name} · ${roles}` : name;
}

// mountUser draws into el who is signed in — name, roles and where, the scopes named as the
// divisions API names them — with a sign-out button, or for the public a sign-in link that
// returns to this page (none on the sign-in page itself, signIn false).
export function mountUser(el, {signIn = true} = {}) {
  const render = () => {
    const who = me();
    el.dataset.signedIn = String(Boolean(who.signed_in));
    if (!who.signed_in) {
      el.replaceChildren(...(signIn
        ? [h('a', {class: 'gm-button gm-user-signin', href: signInURL().href, title: i18n.t('user.sign_in.title')}, i18n.t('user.sign_in'))]
        : []));
      return;
    }
    const text = whoText(who);
    const {name, roles} = whoParts(who);
    el.replaceChildren(
      h('span', {class: 'gm-user-who', title: `${i18n.t('user.label')}: ${text}`, dataset: {who: text}},
        h('span', {class: 'gm-user-icon', 'aria-hidden': 'true'}, [...name][0] ?? ''),
        h('span', {class: 'gm-user-name'}, name),
        roles ? h('span', {class: 'gm-user-role'}, roles) : null),
      h('button', {type: 'button', class: 'gm-button gm-user-signout', title: i18n.t('user.sign_out.title'), onclick: async (e) => {
        e.currentTarget.disabled = true;
        try {
          await signOut();
        } catch (err) {
          console.warn('gridmap: signing out:', err.message);
        }
        location.reload();
      }}, i18n.t('user.sign_out')));
  };
  onMe((who) => {
    const codes = (who.user?.roles ?? []).flatMap((g) => g.scope_codes ?? []);
    learnScopeNames(codes, render);
    render();
  });
  i18n.onChange(render);
  render();
  whoami().catch(() => {}); // mountNav says what went wrong
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
