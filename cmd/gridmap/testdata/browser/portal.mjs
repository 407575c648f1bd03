// portal.mjs plays a command-centre portal of another origin (GRIDMAP_PORTAL_URL, a page the
// test serves) that embeds gridmap's wall in a frame and calls gridmap's API from its own
// script: the frame must load and draw (GRIDMAP_FRAME_ANCESTORS names the portal), and the
// calls must pass CORS with the headers a client needs readable (GRIDMAP_CORS_ORIGINS). It
// prints what it saw as one JSON object on stdout; cmd/gridmap/browser_test.go judges it.
//
//   GRIDMAP_PORTAL_URL=http://127.0.0.1:9000 node cmd/gridmap/testdata/browser/portal.mjs http://127.0.0.1:8080 [screenshot-dir]

import {run, STEP_MS} from './lib.mjs';

const portal = process.env.GRIDMAP_PORTAL_URL;
if (!portal) throw new Error('portal.mjs: set GRIDMAP_PORTAL_URL to the portal page');

await run(async ({page, base, mark, result, shot}) => {
  await page.goto(`${portal}/?wall=${encodeURIComponent(new URL('/wall.html', base).href)}`, {waitUntil: 'load'});
  result.origin = await page.evaluate(() => location.origin);
  const frame = await (await page.waitForSelector('#wall')).contentFrame();
  await frame.waitForFunction(() => window.gridmap?.ready);
  await frame.evaluate(() => window.gridmap.ready);
  // The map in the frame has drawn its grids.
  await frame.evaluate((ms) => new Promise((resolve, reject) => {
    const {map} = window.gridmap;
    const timer = setTimeout(() => reject(new Error(`the wall's map did not go idle in ${ms} ms`)), ms);
    map.once('idle', () => { clearTimeout(timer); resolve(); });
    map.triggerRepaint();
  }), STEP_MS);
  result.wall = {
    title: await frame.locator('.wl-title').innerText(),
    grids: await frame.evaluate(() => window.gridmap.map.queryRenderedFeatures({layers: ['grids-fill']}).length),
  };
  mark('wall');
  await shot('portal-wall.png');

  // The portal's own script calls the API across origins: a read, a report with a retry key
  // (a preflighted request), its retry, and the headers CORS must expose.
  result.api = await page.evaluate(async (base) => {
    const stats = await fetch(new URL('/api/v1/stats', base));
    const report = {lon: 119.3755, lat: 25.7255, category: 'safety_hazard', channel: 'hotline_12345'};
    const post = () => fetch(new URL('/api/v1/incidents', base), {method: 'POST',
      headers: {'Content-Type': 'application/json', 'Idempotency-Key': 'portal-1'}, body: JSON.stringify(report)});
    const first = await post();
    const again = await post();
    return {
      stats: stats.status,
      today: (await stats.json()).incidents?.today,
      created: first.status,
      location: first.headers.get('Location'),
      requestID: first.headers.get('X-Request-ID'),
      retried: again.status,
      replayed: again.headers.get('Idempotent-Replayed'),
    };
  }, base);
  mark('api');
}, {viewport: {width: 1600, height: 1000}});
