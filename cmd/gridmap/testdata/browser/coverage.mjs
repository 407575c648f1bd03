// coverage.mjs drives the system Chromium through gridmap's coverage page (coverage.html) for
// 龙山街道 of the mini dataset, signed in through the sign-in page it sends the public to (as
// GRIDMAP_LOGIN, GRIDMAP_PASSWORD, a community leader): the grids' gaps, the table and the map
// selecting each other, the gap filter, sorting, the walking distance, the CSV export (whose
// cells must not start formulas) and English; it prints what it saw as one JSON object on
// stdout; cmd/gridmap/browser_test.go judges it.
//
//   GRIDMAP_LOGIN=… GRIDMAP_PASSWORD=… node cmd/gridmap/testdata/browser/coverage.mjs http://127.0.0.1:8080 [screenshot-dir]

import {readFileSync} from 'node:fs';
import {run, ready, waitIdle, rendered, clickAt, selectedGrids, demoBadge, signIn, signedInAs, account} from './lib.mjs';

const GRID1 = {code: '350181003003001', click: [119.372, 25.722]};
const GRID2 = '350181003003002';

// settle waits for the map to stop moving and draw.
async function settle(page) {
  await page.waitForFunction(() => !window.gridmap.map.isMoving() && !window.gridmap.coverage.loading);
  await waitIdle(page);
}

await run(async ({page, base, mark, result, shot}) => {
  // The public is sent to sign in, and comes back to the page it asked for.
  await page.goto(new URL('/coverage.html?street=350181003', base).href, {waitUntil: 'load'});
  await page.waitForURL((u) => u.pathname.endsWith('/login.html'));
  result.signIn = {url: page.url()};
  const {login, password} = account();
  await signIn(page, login, password);
  result.signIn.back = page.url();
  result.ready = await ready(page);
  result.signIn.user = await signedInAs(page);
  mark('ready');
  const rows = () => page.evaluate(() => [...document.querySelectorAll('#table tbody tr')].map((tr) => ({
    code: tr.dataset.code, gaps: tr.dataset.gaps.split(' ').filter(Boolean), cells: [...tr.cells].map((c) => c.innerText)})));
  result.rows = await rows();
  // The grids' names as the table shows them (the row header's text, before its code).
  result.names = await page.evaluate(() => [...document.querySelectorAll('#table tbody tr')].map((tr) => tr.cells[0].firstChild.textContent));
  result.cards = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#gaps [data-gap]')]
    .map((b) => [b.dataset.gap || 'all', b.querySelector('.cv-card-value').textContent])));
  result.cardLabels = await page.evaluate(() => [...document.querySelectorAll('#gaps [data-gap]')].filter((b) => b.dataset.gap)
    .map((b) => [b.dataset.gap, b.querySelector('.cv-card-label').textContent]));
  result.demo = {zh: await demoBadge(page)};
  result.tiling = await page.evaluate(() => {
    const el = document.querySelector('#tiling .cv-tiling');
    return {problems: el?.dataset.problems, text: el?.innerText};
  });
  result.hotspots = await page.locator('#hotspots').innerText();
  result.rendered = await rendered(page);
  await shot('coverage-zh-CN.png');

  // A grid clicked on the map selects its row; a row clicked flies to its grid and highlights it.
  await clickAt(page, GRID1.click);
  result.mapClick = {aria: await page.locator(`tr[data-code="${GRID1.code}"]`).getAttribute('aria-selected')};
  await page.locator(`tr[data-code="${GRID2}"]`).click();
  await settle(page);
  result.row = {selected: await selectedGrids(page), aria: await page.locator(`tr[data-code="${GRID2}"]`).getAttribute('aria-selected')};
  await shot('coverage-selected.png');
  mark('selection');

  // The gap cards filter; the headers sort.
  await page.locator('#gaps [data-gap="no_grid_worker"]').click();
  result.focus = {rows: (await rows()).length};
  await page.locator('#gaps [data-gap="no_grid_worker"]').click();
  await page.locator('th[data-col="households"] button').click();
  result.sorted = (await rows()).map((r) => r.code);

  // Walking distance.
  await page.locator('[data-walk="800"]').click();
  await page.waitForFunction(() => location.search.includes('walk=800'));
  await settle(page);
  result.walk = {url: await page.evaluate(() => location.search), legend: await page.locator('#legend').innerText()};
  mark('walk');

  // The CSV export.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export').click()]);
  result.csv = {name: download.suggestedFilename(), text: readFileSync(await download.path(), 'utf8')};
  mark('csv');

  // English.
  await page.getByRole('button', {name: 'EN', exact: true}).click();
  await page.locator('#table thead').filter({hasText: 'Households'}).waitFor();
  result.en = {
    head: await page.locator('#table thead').innerText(),
    gaps: await page.locator(`tr[data-code="${GRID2}"] .cv-gaps`).innerText(),
    tiling: await page.locator('#tiling').innerText(),
  };
  result.demo.en = await demoBadge(page);
  await shot('coverage-en.png');
  mark('english');

  // A server running a simulated city says so, and the badge's tooltip tells it. No simulator
  // runs here, so the test changes the answer of GET /api/v1/site on its way to the page.
  await page.route('**/api/v1/site', async (route) => {
    const resp = await route.fetch();
    await route.fulfill({response: resp, json: {...(await resp.json()), simulating: true}});
  });
  await page.reload({waitUntil: 'load'});
  await ready(page);
  result.simulating = {en: await demoBadge(page)};
  await page.getByRole('button', {name: '中文', exact: true}).click();
  result.simulating.zh = await demoBadge(page);
  mark('simulating');
}, {viewport: {width: 1440, height: 900}});
