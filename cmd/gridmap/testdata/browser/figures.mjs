// figures.mjs drives the system Chromium through the figures page (figures.html) and a street's
// monthly report (report.html) on the bundled city with the simulated city's day of work:
// signed in through the sign-in page as the command centre (GRIDMAP_LOGIN, GRIDMAP_PASSWORD),
// the table and headline of this month by street; by community of one street for last month
// ranked by 满意率; chosen days (GRIDMAP_DAYS: since,until); a column sorted; English; a street's link to its report, the
// report's tables, its CSV and XLSX links, printed (print media, a PDF); then a street leader
// (GRIDMAP_STREET_LOGIN, same password) who is offered only their street. It screenshots at
// 1366×768 and 1920×1080 and prints what it saw as one JSON object on stdout;
// cmd/gridmap/browser_test.go judges it against the API.
//
//   GRIDMAP_LOGIN=… GRIDMAP_PASSWORD=… GRIDMAP_STREET_LOGIN=… GRIDMAP_DAYS=2026-11-10,2026-11-20 node cmd/gridmap/testdata/browser/figures.mjs http://127.0.0.1:8080 [screenshot-dir]

import {join} from 'node:path';
import {readFileSync} from 'node:fs';
import {run, ready, signIn, signedInAs, account, demoBadge} from './lib.mjs';

const SMALL = {width: 1366, height: 768};
const LARGE = {width: 1920, height: 1080};

// settled waits until the page has drawn an answer after the `before`th, and is not loading.
async function settled(page, what, before) {
  await page.waitForFunction(([w, n]) => window.gridmap[w].loads > n && !window.gridmap[w].loading, [what, before]);
}
const loads = (page, what) => page.evaluate((w) => window.gridmap[w].loads, what);

// chosen does what a person does to choose (act) and waits until the page has drawn the answer
// to it.
async function chosen(page, what, act) {
  const n = await loads(page, what);
  await act();
  await settled(page, what, n);
}

// figures is what the figures page shows: the query it made, the table's rows (each cell's text
// by column, the unit's name and code apart) and headers, the headline, the caption.
const figures = (page) => page.evaluate(() => {
  const text = (el) => el?.textContent.trim() ?? null;
  return {
    query: window.gridmap.figures.query,
    rows: [...document.querySelectorAll('#table tbody tr')].map((tr) => ({
      key: tr.dataset.key,
      name: text(tr.querySelector('.fg-unit-name')),
      report: tr.querySelector('a[data-report]')?.getAttribute('href') ?? '',
      cells: Object.fromEntries([...tr.querySelectorAll('[data-col]')].filter((c) => c.dataset.col !== 'name').map((c) => [c.dataset.col,
        c.classList.contains('is-rate') ? {value: text(c.querySelector('.fg-rate-value')), change: text(c.querySelector('.fg-change'))} : text(c)])),
    })),
    heads: Object.fromEntries([...document.querySelectorAll('#table thead tr:nth-child(2) th')].map((th) => [th.dataset.col, th.querySelector('button').firstChild.textContent])),
    headline: Object.fromEntries([...document.querySelectorAll('#headline .fg-card')].map((c) => [c.dataset.rate,
      {label: text(c.querySelector('.fg-card-label')), value: text(c.querySelector('.fg-card-value')), change: text(c.querySelector('.fg-change'))}])),
    counts: Object.fromEntries([...document.querySelectorAll('#headline .fg-count')].map((c) => [c.dataset.col, text(c.querySelector('.fg-count-value'))])),
    scope: text(document.querySelector('.fg-scope-name')),
    caption: text(document.getElementById('caption')),
    streets: [...document.querySelectorAll('#street option')].map((o) => o.value),
    communities: [...document.querySelectorAll('#community option')].map((o) => o.value),
    by: document.querySelector('#by [aria-checked="true"]')?.dataset.value,
    fits: document.documentElement.scrollWidth <= innerWidth,
    tableFits: (() => { const w = document.getElementById('tablewrap'); return w.scrollWidth <= w.clientWidth; })(),
  };
});

// report is what the report page shows: title, period, its tables cell by cell, the notes and
// the links to its files.
const report = (page) => page.evaluate(() => {
  const text = (el) => el?.textContent.trim() ?? null;
  const table = (id) => {
    const t = document.getElementById(id);
    const row = (tr) => ({key: tr.dataset.key, cells: Object.fromEntries([...tr.children].map((c) => [c.dataset.col, text(c)]))});
    return {
      heads: [...t.querySelectorAll('thead th')].map((th) => [th.dataset.col, text(th)]),
      rows: [...t.querySelectorAll('tbody tr[data-key]')].map(row),
      total: t.querySelector('tfoot tr') ? row(t.querySelector('tfoot tr')) : null,
    };
  };
  return {
    street: window.gridmap.report.street,
    month: window.gridmap.report.month,
    title: text(document.getElementById('title')),
    period: text(document.getElementById('period')),
    communities: table('communities'),
    departments: table('departments'),
    definitions: text(document.getElementById('definitions')),
    generated: text(document.getElementById('generated')),
    csv: document.getElementById('csv').href,
    xlsx: document.getElementById('xlsx').href,
    streets: [...document.querySelectorAll('#street option')].map((o) => o.value),
    fits: document.documentElement.scrollWidth <= innerWidth,
  };
});

// printed is what print media leaves of the report page.
const printed = (page) => page.evaluate(() => {
  const shown = (sel) => { const el = document.querySelector(sel); return Boolean(el) && getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0; };
  const sheet = getComputedStyle(document.getElementById('sheet'));
  const cellStyle = getComputedStyle(document.querySelector('#communities td'));
  return {
    header: shown('header.gm-header'), toolbar: shown('#toolbar'), print: shown('#print'), sheet: shown('#sheet'),
    background: sheet.backgroundColor, color: sheet.color, border: `${cellStyle.borderTopStyle} ${cellStyle.borderTopColor}`,
    rowBreak: getComputedStyle(document.querySelector('#communities tbody tr')).breakInside,
    headGroup: getComputedStyle(document.querySelector('#communities thead')).display,
  };
});

await run(async ({page, context, base, outDir, mark, result, shot}) => {
  const at = (path) => new URL(path, base).href;
  const asked = [];
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (u.pathname.startsWith('/api/')) asked.push(u.pathname + u.search);
  });

  // The public is sent to sign in; the command centre comes back to the figures page.
  await page.goto(at('/figures.html'), {waitUntil: 'load'});
  const {login, password} = account();
  await signIn(page, login, password);
  result.back = page.url();
  result.ready = await ready(page);
  result.user = await signedInAs(page);
  result.nav = await page.evaluate(() => [...document.querySelectorAll('#nav a')].map((a) => [a.dataset.page, a.textContent, a.getAttribute('aria-current') ?? '']));
  result.demo = await demoBadge(page);
  result.month = await figures(page);
  await shot('figures-1366.png');
  mark('month');

  // By community of 龙山街道, last month, ranked by 满意率: chosen as a person would.
  await chosen(page, 'figures', () => page.locator('#by [data-value="community"]').click());
  await chosen(page, 'figures', () => page.locator('#street').selectOption('350181003'));
  await chosen(page, 'figures', () => page.locator('#period [data-value="last_month"]').click());
  await chosen(page, 'figures', () => page.locator('#rank').selectOption('satisfaction_rate'));
  result.community = await figures(page);
  result.url = await page.evaluate(() => location.search);
  mark('community');

  // Days of one's choosing.
  await chosen(page, 'figures', () => page.locator('#period [data-value="custom"]').click());
  const [since, until] = (process.env.GRIDMAP_DAYS ?? '').split(',');
  if (!until) throw new Error('set GRIDMAP_DAYS to the days to choose: since,until');
  await chosen(page, 'figures', () => page.locator('#since').fill(since));
  await chosen(page, 'figures', () => page.locator('#until').fill(until));
  result.custom = await figures(page);
  mark('custom');

  // A column sorted, largest first.
  await page.locator('#table th[data-col="received"] button').click();
  result.sorted = (await figures(page)).rows.map((r) => r.cells.received);

  // English.
  await page.getByRole('button', {name: 'EN', exact: true}).click();
  await page.locator('#caption').filter({hasText: 'ranked by'}).waitFor();
  result.en = await figures(page);
  result.en.title = await page.title();
  await page.getByRole('button', {name: '中文', exact: true}).click();
  mark('english');

  // Back to this month by street, at 1920×1080; a street's link leads to its monthly report.
  await page.setViewportSize(LARGE);
  await page.goto(at('/figures.html?by=street&period=month'), {waitUntil: 'load'});
  await ready(page);
  await settled(page, 'figures', 0);
  result.large = await figures(page);
  await shot('figures-1920.png');
  await Promise.all([page.waitForURL((u) => u.pathname.endsWith('/report.html')), page.locator('a[data-report="350181003"]').click()]);
  await ready(page);
  await settled(page, 'report', 0);
  result.report = await report(page);
  await shot('report-1920.png');
  mark('report');

  // Its files, with the browser's session.
  result.files = {};
  for (const f of ['csv', 'xlsx']) {
    const resp = await context.request.get(result.report[f]);
    const body = await resp.body();
    result.files[f] = {status: resp.status(), type: resp.headers()['content-type'], disposition: resp.headers()['content-disposition'],
      head: [...body.subarray(0, 4)]};
  }

  // Printed: the sheet alone; and as a PDF, on the page size its style sheet asks for.
  await page.setViewportSize(SMALL);
  await shot('report-1366.png');
  await page.emulateMedia({media: 'print'});
  result.print = await printed(page);
  await shot('report-print.png', {fullPage: true});
  const pdf = join(outDir, 'report.pdf');
  await page.pdf({path: pdf, preferCSSPageSize: true});
  result.pdf = {path: pdf, size: readFileSync(pdf).length};
  await page.emulateMedia({media: 'screen'});
  mark('print');

  // The report in English.
  await page.getByRole('button', {name: 'EN', exact: true}).click();
  result.reportEN = await report(page);
  await page.getByRole('button', {name: '中文', exact: true}).click();

  // Signed out, then the leader of 龙山街道: only their street.
  await page.locator('.gm-user-signout').click();
  await page.waitForURL((u) => u.pathname.endsWith('/login.html'));
  const street = process.env.GRIDMAP_STREET_LOGIN;
  if (!street) throw new Error('set GRIDMAP_STREET_LOGIN to a street leader\'s account');
  asked.length = 0;
  await signIn(page, street, password);
  await ready(page);
  await settled(page, 'report', 0);
  result.leaderReport = await report(page);
  await page.goto(at('/figures.html'), {waitUntil: 'load'});
  await ready(page);
  await settled(page, 'figures', 0);
  result.leader = await figures(page);
  result.leader.user = await signedInAs(page);
  await shot('figures-street-1366.png');
  await page.goto(at('/report.html?street=350181002'), {waitUntil: 'load'});
  await ready(page);
  await settled(page, 'report', 0);
  result.leaderOther = await report(page);
  result.asked = [...asked];
  mark('leader');
}, {viewport: SMALL});
