// status.js: a page's status line (the #status element over its content): that it is loading,
// or what went wrong, in the current language; and the loads of a page's data that it reports
// on, of which the latest wins.

import * as i18n from './i18n.js';

// StatusLine shows one message in el, or hides el when there is none. The message is kept as
// its i18n key and values, so it is written again when the language changes.
export class StatusLine {
  constructor(el) {
    this.el = el;
    this.shown = null; // {key, vars, error}, or null when el is hidden
    i18n.onChange(() => this.render());
  }

  // set shows the message key (with vars), marked as an error when error is true; a null key
  // hides the line.
  set(key, vars, error = false) {
    this.shown = key ? {key, vars, error} : null;
    this.render();
  }

  // fail logs that loading what went wrong and shows the error's message.
  fail(what, err) {
    console.error(`gridmap: loading ${what} failed:`, err);
    this.set('app.error', {msg: err.message}, true);
  }

  render() {
    const s = this.shown;
    this.el.textContent = s ? i18n.t(s.key, s.vars) : '';
    this.el.hidden = !s;
    this.el.classList.toggle('is-error', Boolean(s?.error));
  }
}

// latestWins makes the loader of a page's data whose latest call wins: load(answer, draw) says
// "loading" on status and sets state.loading, waits for answer (a promise) and calls draw with
// what it resolves to, unless load has been called again meanwhile, when the answer is dropped.
// A failure of the latest call is logged as loading what and shown on status. state.loading is
// true while the latest call is under way, and state.loads counts the answers drawn: tests wait
// on both.
export function latestWins(state, status, what) {
  let seq = 0;
  return async function load(answer, draw) {
    const mine = ++seq;
    state.loading = true;
    status.set('app.loading');
    try {
      const got = await answer;
      if (mine !== seq) return;
      draw(got);
      status.set(null);
      state.loads++;
    } catch (err) {
      if (mine !== seq) return;
      status.fail(what, err);
    } finally {
      if (mine === seq) state.loading = false;
    }
  };
}
