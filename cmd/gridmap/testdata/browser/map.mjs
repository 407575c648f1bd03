// map.mjs drives the system Chromium through gridmap's city map page (index.html) and prints
// what it saw as one JSON object on stdout; cmd/gridmap/browser_test.go judges it.
//
//   node cmd/gridmap/testdata/browser/map.mjs http://127.0.0.1:8080 [screenshot-dir]
//
// Environment: GRIDMAP_CHROMIUM (default /usr/bin/chromium). See lib.mjs.

import {run, ready, waitIdle, rendered, clickAt, selectedGrids, demoBadge, statusLabels} from './lib.mjs';

// Places of the mini dataset (internal/dataset/testdata/mini): 融东社区第1网格 spans
// 119.37-119.38 E, 25.72-25.74 N, its red position sits at 119.375, 25.73; the open incident
// mini-2 (an elderly person's one-click order, accepted) at 119.385, 25.735; the closed one,
// mini-1, at 119.375, 25.725.
const GRID = {name: '融东社区第1网格', click: [119.372, 25.722]};
const RED_POSITION = {name: '融东社区党群服务中心', at: [119.375, 25.73]};
const INCIDENT = {at: [119.385, 25.735]};

await run(async ({page, base, mark, result, shot, webgl}) => {
  await page.goto(new URL('/', base).href, {waitUntil: 'load'});
  mark('loaded');
  await webgl();

  // The page says it is ready once the data is on the map and the map went idle.
  result.summary = await ready(page);
  result.idle = await page.evaluate(() => {
    const {map} = window.gridmap;
    return map.loaded() && map.areTilesLoaded() && !map.isMoving();
  });
  result.sources = await page.evaluate(() => Object.fromEntries(Object.entries(window.gridmap.map.getStyle().sources)
    .map(([k, v]) => [k, v.type])));
  mark('ready');
  result.rendered = await rendered(page);
  result.nav = await page.locator('#nav').innerText();
  const legendText = () => page.locator('#panel').innerText();
  result.legend = {zh: await legendText()};
  // The labels of codes are the server's (GET /api/v1/categories); the demo badge is up.
  result.labels = {zh: await statusLabels(page)};
  result.demo = {zh: await demoBadge(page)};
  await shot('map-zh-CN.png');
  // The foot of the panel: the legend of incident colours with the statuses each stands for.
  await page.locator('#panel .gm-legend').evaluate((el) => el.lastElementChild.scrollIntoView({block: 'end'}));
  await shot('map-legend.png');
  await page.locator('#panel').evaluate((el) => { el.scrollTop = 0; });

  // 全市 fits the view to the city's streets (here the one street of the mini dataset).
  await page.getByRole('button', {name: '全市'}).click();
  await waitIdle(page);
  mark('city');

  // Click the red position, then the grid, where a user would: real mouse clicks on the canvas.
  const popup = page.locator('.maplibregl-popup');
  result.popup = {};
  await clickAt(page, RED_POSITION.at);
  await popup.filter({hasText: RED_POSITION.name}).waitFor();
  result.popup.place = await popup.innerText();
  await clickAt(page, GRID.click);
  await popup.filter({hasText: GRID.name}).waitFor();
  result.popup.zh = await popup.innerText();
  mark('popup-open');
  await waitIdle(page); // the highlight is drawn in the next frame
  result.popup.selected = await selectedGrids(page);
  await shot('map-city-popup.png');
  mark('popup');

  // Switch the language: the legend, the figures and the open popup turn English.
  await page.getByRole('button', {name: 'EN', exact: true}).click();
  await page.locator('#panel').filter({hasText: 'Legend'}).waitFor();
  result.legend.en = await legendText();
  result.popup.en = await popup.innerText();
  result.lang = await page.evaluate(() => document.documentElement.lang);
  result.scale = await page.locator('.maplibregl-ctrl-scale').innerText();
  result.navEN = await page.locator('#nav').innerText();
  result.labels.en = await statusLabels(page);
  result.demo.en = await demoBadge(page);
  await waitIdle(page);
  await shot('map-en.png');
  mark('english');

  // The layer toggle hides the red positions and shows them again.
  const toggle = page.getByLabel('Red positions', {exact: true});
  await toggle.uncheck();
  await waitIdle(page);
  const hidden = (await rendered(page))['red-positions-circle'];
  await toggle.check();
  await waitIdle(page);
  result.toggle = {hidden, shown: (await rendered(page))['red-positions-circle']};
  mark('toggle');

  // Incidents: above zoom 14 single points; the open one by default, both once the status
  // filter says all; a click on one tells what it is.
  await page.getByRole('button', {name: '中文', exact: true}).click();
  await page.evaluate(() => document.querySelector('.maplibregl-popup-close-button')?.click());
  await page.evaluate(() => window.gridmap.map.jumpTo({zoom: 15, center: [119.38, 25.73]}));
  await waitIdle(page);
  const points = async () => (await rendered(page))['incidents-point'];
  result.incidents = {open: await points()};
  await page.locator('select[name="status"]').selectOption('');
  await page.waitForFunction(() => window.gridmap.map.queryRenderedFeatures({layers: ['incidents-point']}).length >= 2);
  await waitIdle(page);
  result.incidents.all = await points();
  result.incidents.tileURL = await page.evaluate(() => window.gridmap.map.getSource('incidents').tiles[0]);
  await clickAt(page, INCIDENT.at);
  await popup.filter({hasText: '事件'}).waitFor();
  result.incidents.popup = await popup.innerText();
  await page.evaluate(() => document.querySelector('.maplibregl-popup-close-button')?.click());
  await page.evaluate(() => window.gridmap.map.jumpTo({zoom: 12, center: [119.38, 25.73]}));
  await waitIdle(page);
  result.incidents.clusters = (await rendered(page))['incidents-cluster'];
  mark('incidents');

  // Zoom through the label bands: communities at middle zoom, grids (and places) at high zoom.
  result.bands = {};
  for (const [band, zoom, center] of [['community', 13.6, [119.38, 25.73]], ['grid', 16, [119.38, 25.73]]]) {
    await page.evaluate(([z, c]) => window.gridmap.map.jumpTo({zoom: z, center: c}), [zoom, center]);
    await page.evaluate(() => window.gridmap.gridLabels.settled());
    await waitIdle(page);
    mark(`band-${band}`);
    const r = await rendered(page);
    result.bands[band] = {zoom, streets: r['streets-label'], communities: r['communities-label'],
      grids: r['grids-label'], places: (r['red-positions-label'] ?? 0) + (r['stations-label'] ?? 0)};
  }
  await shot('map-zoom16.png');
  mark('labels');
});
