// portal.mjs plays a command-centre portal of another origin (GRIDMAP_PORTAL_URL, a page the
// test serves) that embeds gridmap's wall in a frame and calls gridmap's API from its own
// script: the frame must load and draw (GRIDMAP_FRAME_ANCESTORS names the portal), and the
// calls must pass CORS with the headers a client needs readable (GRIDMAP_CORS_ORIGINS), its
// writes and reads of incidents carrying the API token the test made (GRIDMAP_TOKEN) in
// Authorization, which CORS must allow. It prints what it saw as one JSON object on stdout;
// cmd/gridmap/browser_test.go judges it.
//
//   GRIDMAP_PORTAL_URL=http://127.0.0.1:9000 GRIDMAP_TOKEN=gm_… node cmd/gridmap/testdata/browser/portal.mjs http://127.0.0.1:8080 [screenshot-dir]

import {run, ready, waitIdle, token} from './lib.mjs';

const portal = process.env.GRIDMAP_PORTAL_URL;
if (!portal) throw new Error('portal.mjs: set GRIDMAP_PORTAL_URL to the portal page');

await run(async ({page, base, mark, result, shot, expectFailures}) => {
  await page.goto(`${portal}/?wall=${encodeURIComponent(new URL('/wall.html', base).href)}`, {waitUntil: 'load'});
  result.origin = await page.evaluate(() => location.origin);
  // The wall in the frame has started and its map has drawn its grids (lib.mjs's helpers take a
  // frame as they take a page).
  const frame = await (await page.waitForSelector('#wall')).contentFrame();
  await ready(frame);
  await waitIdle(frame);
  result.wall = {
    title: await frame.locator('.wl-title').innerText(),
    grids: await frame.evaluate(() => window.gridmap.map.queryRenderedFeatures({layers: ['grids-fill']}).length),
  };
  mark('wall');
  await shot('portal-wall.png');

  // The portal's own script calls the API across origins: a public read, a report with its API
  // token and a retry key (a preflighted request: Authorization and Idempotency-Key must be
  // allowed headers), its retry, the report read back with the token, a report without the
  // token (refused, and the refusal readable), and the headers CORS must expose.
  result.api = await page.evaluate(async ([base, tok]) => {
    const stats = await fetch(new URL('/api/v1/stats', base));
    const report = {lon: 119.3755, lat: 25.7255, category: 'safety_hazard', channel: 'hotline_12345'};
    const post = (headers) => fetch(new URL('/api/v1/incidents', base), {method: 'POST',
      headers: {'Content-Type': 'application/json', 'Idempotency-Key': 'portal-1', ...headers}, body: JSON.stringify(report)});
    const first = await post({Authorization: `Bearer ${tok}`});
    const again = await post({Authorization: `Bearer ${tok}`});
    const read = first.headers.get('Location')
      ? await fetch(new URL(first.headers.get('Location'), base), {headers: {Authorization: `Bearer ${tok}`}}) : null;
    return {
      read: read?.status ?? 0,
      stats: stats.status,
      today: (await stats.json()).incidents?.today,
      created: first.status,
      location: first.headers.get('Location'),
      requestID: first.headers.get('X-Request-ID'),
      retried: again.status,
      replayed: again.headers.get('Idempotent-Replayed'),
    };
  }, [base, token()]);
  // Without the token the report is refused, and the portal can read why: the refusal comes
  // through CORS too. The browser reports the 401 as a failed resource, as expected.
  result.api.anonymous = await expectFailures(async () => {
    const status = await page.evaluate(async (base) => (await fetch(new URL('/api/v1/incidents', base), {method: 'POST',
      headers: {'Content-Type': 'application/json'}, body: '{}'})).status, base);
    await page.waitForTimeout(300); // the browser's note of the failed resource arrives after the answer
    return status;
  });
  mark('api');
}, {viewport: {width: 1600, height: 1000}});
