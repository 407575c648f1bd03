// lib.mjs: what the browser scripts share: launching the system Chromium (never a downloaded
// one) with WebGL on SwiftShader, recording what goes wrong on a page (console errors, uncaught
// exceptions, failed requests) and the Content-Security-Policy each page and frame came with,
// screenshots, and printing one JSON result on stdout that cmd/gridmap/browser_test.go judges.
// A script fails only when it cannot run at all; a check that goes wrong is reported in the
// JSON ("error" and what it did fill), so the test can say what happened before.

import {chromium} from 'playwright-core';
import {createInterface} from 'node:readline';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

export const STEP_MS = 15000;
// DEADLINE_MS bounds a whole script: past it, the script reports what it has and ends.
export const DEADLINE_MS = 75000;

// control asks the test that runs the script to do something to the server ("stop", "start"):
// it writes `gridmap:CMD` on stderr and resolves with the test's one-line answer on stdin.
let stdinLines = null;
export function control(cmd) {
  stdinLines ??= createInterface({input: process.stdin})[Symbol.asyncIterator]();
  process.stderr.write(`gridmap:${cmd}\n`);
  return stdinLines.next().then(({value, done}) => {
    if (done) throw new Error(`control ${cmd}: the test closed stdin`);
    if (value.startsWith('error')) throw new Error(`control ${cmd}: ${value}`);
    return value;
  });
}

// run opens a browser, calls body(session) and prints the result. session has: page, context,
// base (the server's URL), outDir (the output folder), result.page (the script's own findings),
// mark(name) (a timing), shot(name, {fullPage}) (a screenshot into the output folder, of the
// viewport or the whole page), expectFailures(fn) (requests that fail while fn runs are
// expected, e.g. while the server is down).
export async function run(body, {viewport = {width: 1280, height: 800}} = {}) {
  const [base, outDir = tmpdir()] = process.argv.slice(2);
  if (!base) {
    console.error('usage: node SCRIPT.mjs BASE_URL [SCREENSHOT_DIR]');
    process.exit(2);
  }
  const result = {
    ok: false,
    webgl: null,
    page: {},
    screenshots: [],
    consoleErrors: [],
    consoleWarnings: [],
    pageErrors: [],
    failedRequests: [],
    documents: [], // every page or frame loaded, with the Content-Security-Policy it came with
    expectedFailures: 0,
    aborted: 0,
    requests: 0,
    tiles: 0,
    timings: {},
  };
  const t0 = Date.now();
  const mark = (name) => { result.timings[name] = Date.now() - t0; };
  let expecting = 0;
  const failed = (entry) => {
    if (expecting) result.expectedFailures++;
    else result.failedRequests.push(entry);
  };
  const profile = mkdtempSync(join(tmpdir(), 'gridmap-chromium-'));
  let context;
  const deadline = setTimeout(() => {
    result.error = `the script did not finish within ${DEADLINE_MS} ms; it got to ${JSON.stringify(result.timings)}`;
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    process.exit(1);
  }, DEADLINE_MS);
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.GRIDMAP_CHROMIUM || '/usr/bin/chromium',
      headless: true,
      viewport,
      deviceScaleFactor: 1,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      acceptDownloads: true,
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
      if (msg.type() === 'error') {
        if (expecting && /net::|Failed to load resource/.test(entry)) result.expectedFailures++;
        else result.consoleErrors.push(entry);
      } else if (msg.type() === 'warning') result.consoleWarnings.push(entry);
    });
    page.on('pageerror', (err) => result.pageErrors.push(String(err?.stack || err)));
    page.on('request', (req) => {
      result.requests++;
      if (new URL(req.url()).pathname.startsWith('/tiles/')) result.tiles++;
    });
    page.on('requestfailed', (req) => {
      const text = req.failure()?.errorText ?? '';
      // The page cancelling its own request (a tile no longer in view, a superseded query) is
      // not a failure.
      if (text === 'net::ERR_ABORTED') {
        result.aborted++;
        return;
      }
      failed(`${req.method()} ${req.url()}: ${text}`);
    });
    page.on('response', (resp) => {
      if (resp.status() >= 400) failed(`${resp.request().method()} ${resp.url()}: HTTP ${resp.status()}`);
      if (resp.request().resourceType() === 'document') {
        const doc = {url: resp.url(), csp: null};
        result.documents.push(doc);
        resp.headerValue('content-security-policy').then((v) => { doc.csp = v; }, () => {});
      }
    });
    const session = {
      page, context, base, outDir, mark, result: result.page,
      shot: async (name, {fullPage = false} = {}) => {
        const path = join(outDir, name);
        const t = Date.now();
        await page.screenshot({path, fullPage});
        result.timings[`shot-${name}`] = Date.now() - t;
        result.screenshots.push(path);
        return path;
      },
      expectFailures: async (fn) => {
        expecting++;
        try { return await fn(); } finally { expecting--; }
      },
      webgl: async () => {
        result.webgl = await page.evaluate(() => {
          const gl = document.createElement('canvas').getContext('webgl2');
          const info = gl?.getExtension('WEBGL_debug_renderer_info');
          return gl ? {version: gl.getParameter(gl.VERSION), renderer: info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : ''} : null;
        });
      },
    };
    await body(session);
    result.ok = true;
  } catch (err) {
    result.error = String(err?.stack || err);
  } finally {
    // What happens while the browser closes (streams and tiles cut off) is not the page's doing.
    const snapshot = JSON.stringify(result, null, 2);
    await context?.close().catch(() => {});
    rmSync(profile, {recursive: true, force: true});
    const out = JSON.parse(snapshot);
    out.timings.closed = Date.now() - t0;
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    clearTimeout(deadline);
    process.stdin.destroy(); // stdin (control) must not keep the script alive
  }
}

// ready waits for the page's window.gridmap.ready and returns what it resolved to; timeout
// (ms) for a page that takes longer than a step to start (the wall at 3840×2160 on SwiftShader).
export async function ready(page, {timeout = STEP_MS} = {}) {
  await page.waitForFunction(() => window.gridmap?.ready, null, {timeout});
  return page.evaluate(() => window.gridmap.ready);
}

// waitIdle resolves once the page's map has drawn everything it has to draw, and fails, saying
// what the map is waiting for, when that takes longer than a step may.
export function waitIdle(page) {
  return page.evaluate((ms) => new Promise((resolve, reject) => {
    const {map} = window.gridmap;
    const timer = setTimeout(() => {
      const style = map.getStyle();
      const pending = Object.keys(style.sources).filter((id) => !map.isSourceLoaded(id));
      reject(new Error(`the map did not go idle in ${ms} ms: loaded ${map.loaded()}, tiles loaded ${map.areTilesLoaded()}, moving ${map.isMoving()}, sources still loading: ${pending.join(', ')}`));
    }, ms);
    map.once('idle', () => { clearTimeout(timer); resolve(); });
    map.triggerRepaint();
  }), STEP_MS);
}

// rendered counts the features each layer of the page's map draws now.
export function rendered(page) {
  return page.evaluate(() => {
    const {map} = window.gridmap;
    const out = {};
    for (const {id} of map.getStyle().layers) {
      if (id !== 'background') out[id] = map.queryRenderedFeatures({layers: [id]}).length;
    }
    return out;
  });
}

// clickAt clicks the page's map where the point [lon, lat] is, as a user would.
export async function clickAt(page, lngLat) {
  const point = await page.evaluate((ll) => {
    const {map} = window.gridmap;
    const p = map.project(ll);
    const r = map.getCanvas().getBoundingClientRect();
    return {x: r.left + p.x, y: r.top + p.y};
  }, lngLat);
  await page.mouse.click(point.x, point.y);
}

// selectedGrids lists the codes the map draws as selected.
export function selectedGrids(page) {
  return page.evaluate(() =>
    window.gridmap.map.queryRenderedFeatures({layers: ['grids-selected-line']}).map((f) => f.properties.code));
}

// demoBadge is what the page's demo badge (#demo) shows: its text, its tooltip and whether a
// person can see it.
export async function demoBadge(page) {
  const badge = page.locator('#demo');
  return {
    text: await badge.textContent(),
    title: await badge.getAttribute('title'),
    visible: await badge.isVisible(),
  };
}

// statusLabels lists the statuses the city map's panel names, by code: in the status filter
// and in the legend of incident colours.
export function statusLabels(page) {
  return page.evaluate(() => ({
    filter: [...document.querySelectorAll('select[name="status"] optgroup option')].map((o) => [o.value, o.textContent]),
    legend: [...document.querySelectorAll('#panel .gm-legend [data-status]')].map((s) => [s.dataset.status, s.textContent]),
    categories: [...document.querySelectorAll('select[name="category"] option')].filter((o) => o.value).map((o) => [o.value, o.textContent]),
  }));
}

// signIn signs in through the sign-in page the browser is on (a page that needs a signed-in
// caller sends the public there), as a person would: the login and the password typed in, the
// button pressed; it resolves once the page has sent the browser on to where it came from.
export async function signIn(page, login, password) {
  await page.waitForURL((u) => u.pathname.endsWith('/login.html'));
  await page.locator('#login').fill(login);
  await page.locator('#password').fill(password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.endsWith('/login.html')),
    page.locator('#submit').click(),
  ]);
}

// signedInAs is who the page's header says is signed in ('' for nobody).
export async function signedInAs(page) {
  const who = page.locator('#user .gm-user-who');
  return (await who.count()) ? who.getAttribute('data-who') : '';
}

// account is the login and password the test made for the script (GRIDMAP_LOGIN,
// GRIDMAP_PASSWORD).
export function account() {
  const login = process.env.GRIDMAP_LOGIN;
  const password = process.env.GRIDMAP_PASSWORD;
  if (!login || !password) throw new Error('set GRIDMAP_LOGIN and GRIDMAP_PASSWORD to an account the test made');
  return {login, password};
}

// token is the API token the test made for the script (GRIDMAP_TOKEN), as a machine client's.
export function token() {
  const t = process.env.GRIDMAP_TOKEN;
  if (!t) throw new Error('set GRIDMAP_TOKEN to an API token the test made');
  return t;
}
