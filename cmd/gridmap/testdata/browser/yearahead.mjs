// yearahead.mjs drives the system Chromium through the wall display (wall.html) and the city
// map of a server whose clock runs a year ahead of the machine's (GRIDMAP_CLOCK=+8760h), and
// prints what the pages took for "now" as one JSON object on stdout; cmd/gridmap/browser_test.go
// judges it. The browser keeps the machine's clock, so a page that reckoned by it would show
// the wrong day and ask for the wrong week.
//
//   node cmd/gridmap/testdata/browser/yearahead.mjs http://127.0.0.1:8080 [screenshot-dir]

import {run, ready, waitIdle, rendered, demoBadge} from './lib.mjs';

await run(async ({page, base, mark, result, shot, webgl}) => {
  const get = async (path) => (await fetch(new URL(path, base), {signal: AbortSignal.timeout(10000)})).json();
  result.siteBefore = await get('/api/v1/site');
  await page.goto(new URL('/wall.html', base).href, {waitUntil: 'load'});
  await webgl();
  await ready(page);
  await waitIdle(page);
  mark('ready');
  result.browserNow = await page.evaluate(() => new Date().toISOString());
  result.clock = await page.evaluate(() => {
    const date = document.getElementById('clock-date');
    const time = document.getElementById('clock-time');
    return {date: date.dateTime, dateText: date.textContent, time: time.dateTime, timeText: time.textContent};
  });
  result.stats = await get('/api/v1/stats');
  result.kpis = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-kpi]')]
    .map((el) => [el.dataset.kpi, el.querySelector('.wl-kpi-value').textContent])));
  result.ticker = await page.evaluate(() => [...document.querySelectorAll('.wl-tick[data-id]')].map((li) => {
    const time = li.querySelector('time');
    return {id: li.dataset.id, at: time.dateTime, text: time.textContent};
  }));
  result.hourly = await page.evaluate(() => document.querySelector('#hourly .wl-spark-axis span:last-child')?.textContent);
  result.heat = {
    rendered: (await rendered(page))['incidents-heat'],
    tileURL: await page.evaluate(() => window.gridmap.map.getSource('incidents').tiles[0]),
  };
  result.demo = await demoBadge(page);
  await shot('wall-year-ahead.png');
  mark('wall');

  // The city map's period counts back from the server's today as well.
  await page.goto(new URL('/', base).href, {waitUntil: 'load'});
  await ready(page);
  result.city = {
    tileURL: await page.evaluate(() => window.gridmap.map.getSource('incidents').tiles[0]),
    demo: await demoBadge(page),
  };
  await shot('map-year-ahead.png');
  mark('city');
  result.siteAfter = await get('/api/v1/site');
}, {viewport: {width: 1920, height: 1080}});
