// wall.mjs drives the system Chromium through gridmap's wall display (wall.html) at 1920×1080,
// signed in as the command centre (GRIDMAP_LOGIN, GRIDMAP_PASSWORD) through the sign-in page,
// reports an incident to the server while it watches, as a hotline system would, with an API
// token (GRIDMAP_TOKEN), has the test restart the server (see control in lib.mjs), and prints
// what it saw as one JSON object on stdout; cmd/gridmap/browser_test.go judges it.
//
//   GRIDMAP_LOGIN=… GRIDMAP_PASSWORD=… GRIDMAP_TOKEN=gm_… node cmd/gridmap/testdata/browser/wall.mjs http://127.0.0.1:8080 [screenshot-dir]

import {run, ready, waitIdle, rendered, control, demoBadge, signIn, signedInAs, account, token} from './lib.mjs';

// A point in 融东社区第1网格 of the mini dataset.
const NEW_INCIDENT = {lon: 119.372, lat: 25.735, category: 'safety_hazard', channel: 'grid_patrol'};

// report POSTs the new incident, as a hotline operator's system would, with its API token.
async function report(base) {
  const resp = await fetch(new URL('/api/v1/incidents', base), {
    method: 'POST',
    signal: AbortSignal.timeout(10000),
    headers: {'Content-Type': 'application/json', Authorization: `Bearer ${token()}`},
    body: JSON.stringify({...NEW_INCIDENT, reported_at: new Date().toISOString(), description: '楼道堆放杂物（浏览器测试）'}),
  });
  const created = await resp.json();
  if (resp.status !== 201) throw new Error(`POST /api/v1/incidents: ${resp.status} ${JSON.stringify(created)}`);
  return created;
}

await run(async ({page, base, mark, result, shot, expectFailures, webgl}) => {
  await page.goto(new URL('/login.html?next=%2Fwall.html', base).href, {waitUntil: 'load'});
  const {login, password} = account();
  await signIn(page, login, password);
  mark('signed-in');
  await webgl();
  await ready(page);
  mark('ready');
  result.user = await signedInAs(page);
  result.shades = await page.evaluate(() => [...document.querySelectorAll('#legend [data-shade]')].map((b) => b.dataset.shade));
  result.stats = await (await fetch(new URL('/api/v1/stats', base), {signal: AbortSignal.timeout(10000)})).json();
  const texts = (sel, key, child) => page.evaluate(([s, k, c]) => Object.fromEntries([...document.querySelectorAll(s)]
    .map((el) => [el.dataset[k], el.querySelector(c).textContent])), [sel, key, child]);
  const today = () => page.locator('[data-kpi="today"] .wl-kpi-value').textContent();
  result.kpis = await texts('[data-kpi]', 'kpi', '.wl-kpi-value');
  result.base = await texts('[data-base]', 'base', '.wl-base-value');
  result.streets = await page.locator('#by-street').innerText();
  result.title = await page.locator('.wl-title').innerText();
  result.clock = await page.locator('#clock-time').textContent();
  result.rendered = await rendered(page);
  result.tickerIDs = await page.evaluate(() => [...document.querySelectorAll('.wl-tick[data-id]')].map((li) => li.dataset.id));
  result.demo = {zh: await demoBadge(page)};
  await shot('wall-zh-CN.png');
  mark('figures');

  // An incident reported now reaches the ticker, today's figure and the map, with no reload.
  const before = await today();
  const t = Date.now();
  const created = await report(base);
  const tick = page.locator(`.wl-tick[data-id="${created.id}"]`);
  await tick.waitFor();
  const latencyMS = Date.now() - t;
  await page.waitForFunction((b) => document.querySelector('[data-kpi="today"] .wl-kpi-value').textContent !== b, before);
  result.posted = {
    id: created.id,
    latencyMS,
    today: {before, after: await today()},
    tick: await tick.innerText(),
    liveCount: await page.locator('#live-count').textContent(),
    flashes: await page.locator('.wl-flash').count(),
  };
  await waitIdle(page);
  await shot('wall-new-incident.png');
  mark('incident');

  // The server restarts: the page says it is reconnecting, then live again, by itself, and an
  // incident reported to the new server reaches the ticker. The server stays down until the
  // page's refresh of the grid tiles after the new incident has failed, so that the page must
  // also mend tiles that failed to load.
  result.restart = {};
  await expectFailures(async () => {
    const gridTileFailed = page.waitForEvent('requestfailed', {predicate: (req) => new URL(req.url()).pathname.startsWith('/tiles/grids/')});
    await control('stop');
    mark('server-stopped');
    await page.waitForFunction(() => document.getElementById('conn').dataset.state === 'reconnecting');
    mark('shown-reconnecting');
    await gridTileFailed;
    mark('grid-tile-failed');
    result.restart.down = await page.locator('#conn').innerText();
    await shot('wall-reconnecting.png');
    await control('start');
    mark('server-started');
    await page.waitForFunction(() => document.getElementById('conn').dataset.state === 'live');
    mark('shown-live');
    result.restart.back = await page.locator('#conn').innerText();
  });
  const again = await report(base);
  await page.locator(`.wl-tick[data-id="${again.id}"]`).waitFor();
  result.restart.tickerAfter = await page.evaluate(() => [...document.querySelectorAll('.wl-tick[data-id]')].map((li) => li.dataset.id));
  result.restart.flashes = await page.locator('.wl-flash').count();
  mark('restarted');

  // English.
  await page.getByRole('button', {name: 'EN', exact: true}).click();
  await page.locator('.wl-title').filter({hasText: 'command wall'}).waitFor();
  result.en = {
    title: await page.locator('.wl-title').innerText(),
    kpis: await page.locator('#kpis').innerText(),
    ticker: await page.locator('#ticker').innerText(),
  };
  result.demo.en = await demoBadge(page);
  await shot('wall-en.png');
  mark('english');

  // A smaller screen: everything still fits.
  await page.getByRole('button', {name: '中文', exact: true}).click();
  await page.setViewportSize({width: 1366, height: 768});
  await page.waitForTimeout(500); // the page fits the city again once the resizing stops
  await waitIdle(page);
  result.small = {overflow: await page.evaluate(() => document.documentElement.scrollWidth > innerWidth
    || document.documentElement.scrollHeight > innerHeight)};
  await shot('wall-1366x768.png');
  mark('small');
}, {viewport: {width: 1920, height: 1080}});
