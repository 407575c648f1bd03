// tour.mjs drives the system Chromium through the three pages on the bundled Fuqing dataset,
// as a person looking at them would, and takes the screenshots to judge them by: the city map
// (whole city and a street corner at zoom 16), the wall display at 1920×1080 and 3840×2160,
// and the coverage page of 玉屏街道, signed in through the sign-in page (GRIDMAP_LOGIN,
// GRIDMAP_PASSWORD: the demo's command centre). It prints what it saw as one JSON object on
// stdout; cmd/gridmap/browser_test.go judges it.
//
//   GRIDMAP_LOGIN=command GRIDMAP_PASSWORD=gridmap-demo node cmd/gridmap/testdata/browser/tour.mjs http://127.0.0.1:8080 [screenshot-dir]

import {run, ready, waitIdle, rendered, signIn, signedInAs, account, STEP_MS} from './lib.mjs';

await run(async ({page, base, mark, result, shot}) => {
  // The city map, whole city, then zoom 16 in the old town.
  await page.goto(new URL('/', base).href, {waitUntil: 'load'});
  await ready(page);
  await page.getByRole('button', {name: '全市'}).click();
  await page.waitForFunction(() => !window.gridmap.map.isMoving());
  await waitIdle(page);
  result.city = await rendered(page);
  await shot('bundled-city.png');
  await page.evaluate(() => window.gridmap.map.jumpTo({zoom: 16, center: [119.377, 25.7215]}));
  await page.evaluate(() => window.gridmap.gridLabels.settled());
  await waitIdle(page);
  result.cityLabels = await rendered(page);
  await shot('bundled-city-zoom16.png');
  mark('city');

  // The wall display at full HD, then on a 4K screen.
  await page.setViewportSize({width: 1920, height: 1080});
  await page.goto(new URL('/wall.html', base).href, {waitUntil: 'load'});
  await ready(page);
  result.wall = await rendered(page);
  await shot('bundled-wall-1920x1080.png');
  mark('wall');
  await page.setViewportSize({width: 3840, height: 2160});
  await page.reload({waitUntil: 'load'});
  await ready(page, {timeout: 2 * STEP_MS});
  result.wall4k = await rendered(page);
  await shot('bundled-wall-3840x2160.png');
  mark('wall-4k');

  // The coverage page of 玉屏街道, its rings on, once signed in.
  await page.setViewportSize({width: 1600, height: 900});
  await page.goto(new URL('/coverage.html?street=350181002&rings=1', base).href, {waitUntil: 'load'});
  await page.waitForURL((u) => u.pathname.endsWith('/login.html'));
  await page.locator('#heading').waitFor();
  await shot('bundled-login.png');
  const {login, password} = account();
  await signIn(page, login, password);
  await ready(page);
  result.coverage = {
    rows: await page.locator('#table tbody tr').count(),
    rendered: await rendered(page),
    user: await signedInAs(page),
    url: page.url(),
  };
  await shot('bundled-coverage.png');
  mark('coverage');
}, {viewport: {width: 1440, height: 900}});
