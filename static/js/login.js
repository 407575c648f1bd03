// login.js: the sign-in page (login.html, 登录). A member of staff gives their login and
// password; the server (POST /api/v1/session) sets the session cookie, and the page goes back
// to where the visitor came from (?next=, a path of this site only: next.js). A wrong login or
// password gets one message, whichever it was, as the server answers; too many failures lock
// the login for a while, and the page says how long to wait (Retry-After).

import * as i18n from './i18n.js';
import {ROOT, signIn, whoami, refreshSite} from './api.js';
import {mountHeader, whoText, pageURL} from './nav.js';
import {safeNext} from './next.js';
import {h} from './dom.js';

const $ = (id) => document.getElementById(id);

// next is where to go once signed in, in the language chosen here.
function next() {
  const url = new URL(safeNext(new URLSearchParams(location.search).get('next'), location.origin, ROOT.pathname));
  if (i18n.lang() !== 'zh-CN' && !url.searchParams.has('lang')) url.searchParams.set('lang', i18n.lang());
  return url;
}

i18n.apply(document);
mountHeader('login', {signIn: false});
refreshSite().catch((err) => console.warn('gridmap: the server clock:', err.message));

// The message under the fields: which one, so it follows the language.
let error = null;
function setError(key, vars) {
  error = key ? {key, vars} : null;
  renderError();
}
function renderError() {
  const el = $('error');
  el.hidden = !error;
  el.dataset.error = error?.key ?? '';
  el.textContent = error ? i18n.t(error.key, typeof error.vars === 'function' ? error.vars() : error.vars) : '';
}

// wait says how long a lockout lasts, in whole minutes (seconds under a minute).
function wait(seconds) {
  return seconds >= 60 ? i18n.t('login.wait.minutes', {n: Math.ceil(seconds / 60)}) : i18n.t('login.wait.seconds', {n: Math.ceil(seconds)});
}

// Who is signed in already, if anyone: they may go on, or sign in as someone else.
function renderCurrent(who) {
  const el = $('current');
  el.hidden = !who?.signed_in;
  if (!who?.signed_in) return;
  el.replaceChildren(i18n.t('login.signed_in', {who: whoText(who)}), ' ',
    h('a', {class: 'lg-continue', href: next().href}, `${i18n.t('login.continue')} →`));
}
let current = null;
whoami().then((who) => { current = who; renderCurrent(who); }).catch(() => {});

let busy = false;
function setBusy(on) {
  busy = on;
  $('submit').disabled = on;
  $('submit').textContent = i18n.t(on ? 'login.busy' : 'login.submit');
  $('form').setAttribute('aria-busy', String(on));
}

$('form').addEventListener('submit', async (e) => {
  e.preventDefault();
  if (busy) return;
  const login = $('login').value.trim();
  const password = $('password').value;
  if (!login) {
    setError('login.missing');
    $('login').focus();
    return;
  }
  if (!password) {
    setError('login.password.missing');
    $('password').focus();
    return;
  }
  setError(null);
  setBusy(true);
  try {
    await signIn(login, password);
    location.replace(next().href);
    return;
  } catch (err) {
    if (err.status === 401) {
      setError('login.wrong');
      $('password').value = '';
      $('password').focus();
    } else if (err.status === 429) {
      const seconds = err.retryAfter ?? 15 * 60;
      setError('login.locked', () => ({wait: wait(seconds)}));
    } else {
      setError('login.error', {msg: err.problem?.detail || err.message});
    }
  }
  setBusy(false);
});

i18n.onChange(() => {
  renderError();
  renderCurrent(current);
  if (!busy) $('submit').textContent = i18n.t('login.submit');
  renderPublic();
});
// The link for the public: the city map, in the language chosen here.
function renderPublic() { $('public').href = pageURL('./').href; }
renderPublic();
window.gridmap = {ready: Promise.resolve({page: 'login'})};
