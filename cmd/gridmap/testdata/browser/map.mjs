// map.mjs drives the system Chromium through gridmap's city map page and prints what it saw as
// one JSON object on stdout; cmd/gridmap/browser_test.go judges it. It never downloads a browser.
//
//   node cmd/gridmap/testdata/browser/map.mjs http://127.0.0.1:8080 [screenshot-dir]
//
// Environment: GRIDMAP_CHROMIUM (default /usr/bin/chromium).
// It fails only when it cannot run at all; a check that goes wrong is reported in the JSON
// ("error" and the fields it did fill), so the test can say what happened before.

import {chromium} from 'playwright-core';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

const [base, outDir = tmpdir()] = process.argv.slice(2);
if (!base) {
  console.error('usage: node map.mjs BASE_URL [SCREENSHOT_DIR]');
  process.exit(2);
}
const executablePath = process.env.GRIDMAP_CHROMIUM || '/usr/bin/chromium';
const STEP_MS = 15000;

// A grid of the mini dataset (internal/dataset/testdata/mini): 融东社区第1网格 spans
// 119.37-119.38 E, 25.72-25.74 N; its red position sits at 25.73 N, so click south of it.
const GRID = {name: '融东社区第1网格', click: [119.375, 25.725]};
const RED_POSITION = {name: '融东社区党群服务中心', at: [119.375, 25.73]};

const result = {
  ok: false,
  webgl: null,
  summary: null,
  idle: false,
  rendered: {},
  legend: {},
  popup: {},
  labels: {},
  screenshots: [],
  consoleErrors: [],
  consoleWarnings: [],
  pageErrors: [],
  failedRequests: [],
  requests: 0,
  timings: {},
};
const t0 = Date.now();
const mark = (name) => { result.timings[name] = Date.now() - t0; };

const profile = mkdtempSync(join(tmpdir(), 'gridmap-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: {width: 1280, height: 800},
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // WebGL without a GPU: ANGLE on SwiftShader, which Chromium no longer falls back to unasked.
      '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
    ],
  });
  mark('launched');
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.on('console', (msg) => {
    const entry = `${msg.text()}${msg.location()?.url ? ` (${msg.location().url}:${msg.location().lineNumber})` : ''}`;
    if (msg.type() === 'error') result.consoleErrors.push(entry);
    else if (msg.type() === 'warning') result.consoleWarnings.push(entry);
  });
  page.on('pageerror', (err) => result.pageErrors.push(String(err?.stack || err)));
  page.on('request', () => { result.requests++; });
  page.on('requestfailed', (req) => result.failedRequests.push(`${req.method()} ${req.url()}: ${req.failure()?.errorText}`));
  page.on('response', (resp) => {
    if (resp.status() >= 400) result.failedRequests.push(`${resp.request().method()} ${resp.url()}: HTTP ${resp.status()}`);
  });

  await page.goto(new URL('/', base).href, {waitUntil: 'load'});
  mark('loaded');
  result.webgl = await page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl2');
    const info = gl?.getExtension('WEBGL_debug_renderer_info');
    return gl ? {version: gl.getParameter(gl.VERSION), renderer: info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : ''} : null;
  });

  // The page says it is ready once the data is on the map and the map went idle.
  await page.waitForFunction(() => window.gridmap?.ready);
  result.summary = await page.evaluate(() => window.gridmap.ready);
  result.idle = await page.evaluate(() => {
    const {map} = window.gridmap;
    return map.loaded() && map.areTilesLoaded() && !map.isMoving();
  });
  mark('ready');

  const countRendered = () => page.evaluate(() => {
    const {map} = window.gridmap;
    const out = {};
    for (const {id} of map.getStyle().layers) {
      if (id !== 'background') out[id] = map.queryRenderedFeatures({layers: [id]}).length;
    }
    return out;
  });
  result.rendered = await countRendered();

  const legendText = () => page.locator('#panel').innerText();
  result.legend.zh = await legendText();
  result.screenshots.push(await shot(page, 'map-zh-CN.png'));

  // 全市 fits the view to the city's streets (here the one street of the mini dataset).
  await page.getByRole('button', {name: '全市'}).click();
  await waitIdle(page);
  mark('city');
  result.cityZoom = await page.evaluate(() => window.gridmap.map.getZoom());

  // Click the red position, then the grid, where a user would: real mouse clicks on the canvas.
  const popup = page.locator('.maplibregl-popup');
  await clickAt(page, RED_POSITION.at);
  await popup.filter({hasText: RED_POSITION.name}).waitFor();
  result.popup.place = await popup.innerText();
  await clickAt(page, GRID.click);
  await popup.filter({hasText: GRID.name}).waitFor();
  result.popup.zh = await popup.innerText();
  mark('popup-open');
  await waitIdle(page); // the highlight is drawn in the next frame
  result.popup.selected = await page.evaluate(() =>
    window.gridmap.map.queryRenderedFeatures({layers: ['grids-selected-line']}).map((f) => f.properties.code));
  result.screenshots.push(await shot(page, 'map-city-popup.png'));
  mark('popup');

  // Switch the language: the legend, the figures and the open popup turn English.
  await page.getByRole('button', {name: 'EN', exact: true}).click();
  await page.locator('#panel').filter({hasText: 'Legend'}).waitFor();
  result.legend.en = await legendText();
  result.popup.en = await popup.innerText();
  result.lang = await page.evaluate(() => document.documentElement.lang);
  result.scale = await page.locator('.maplibregl-ctrl-scale').innerText();
  await waitIdle(page);
  result.screenshots.push(await shot(page, 'map-en.png'));
  mark('english');

  // The layer toggle hides the red positions and shows them again.
  const toggle = page.getByLabel('Red positions', {exact: true});
  await toggle.uncheck();
  await waitIdle(page);
  const hidden = (await countRendered())['red-positions-circle'];
  await toggle.check();
  await waitIdle(page);
  result.toggle = {hidden, shown: (await countRendered())['red-positions-circle']};
  mark('toggle');

  // Zoom through the label bands: communities at middle zoom, grids (and places) at high zoom.
  await page.getByRole('button', {name: '中文', exact: true}).click();
  await page.evaluate(() => document.querySelector('.maplibregl-popup-close-button')?.click());
  for (const [band, zoom, center] of [['community', 13.6, [119.38, 25.73]], ['grid', 16, [119.38, 25.73]]]) {
    await page.evaluate(([z, c]) => window.gridmap.map.jumpTo({zoom: z, center: c}), [zoom, center]);
    await waitIdle(page);
    mark(`band-${band}`);
    const r = await countRendered();
    result.labels[band] = {zoom, streets: r['streets-label'], communities: r['communities-label'],
      grids: r['grids-label'], places: (r['red-positions-label'] ?? 0) + (r['stations-label'] ?? 0)};
  }
  result.screenshots.push(await shot(page, 'map-zoom16.png'));
  mark('labels');
  result.ok = true;
} catch (err) {
  result.error = String(err?.stack || err);
} finally {
  await context?.close().catch(() => {});
  rmSync(profile, {recursive: true, force: true});
  mark('closed');
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

async function shot(page, name) {
  const path = join(outDir, name);
  const t = Date.now();
  await page.screenshot({path});
  result.timings[`shot-${name}`] = Date.now() - t;
  return path;
}

async function clickAt(page, lngLat) {
  const point = await page.evaluate((ll) => {
    const {map} = window.gridmap;
    const p = map.project(ll);
    const r = map.getCanvas().getBoundingClientRect();
    return {x: r.left + p.x, y: r.top + p.y};
  }, lngLat);
  await page.mouse.click(point.x, point.y);
}

function waitIdle(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const {map} = window.gridmap;
    map.once('idle', resolve);
    map.triggerRepaint();
  }));
}
