// signin.mjs drives the system Chromium through signing in and out, on a server holding two
// streets: the sign-in page in English, the coverage page sending the public to it, a wrong
// password, a lockout (another login, GRIDMAP_LOCKED_LOGIN, failed until locked), then the
// street leader of 龙山街道 (GRIDMAP_LOGIN, GRIDMAP_PASSWORD) signing in: who the headers say is
// signed in, what the coverage page offers and lists, and signing out to the public's view;
// last a volunteer (GRIDMAP_VOLUNTEER_LOGIN, GRIDMAP_VOLUNTEER_PASSWORD), offered no coverage. It
// screenshots the sign-in page and the headers at 1366×768 and 1920×1080, and prints what it saw
// as one JSON object on stdout; cmd/gridmap/browser_test.go judges it.
//
//   GRIDMAP_LOGIN=… GRIDMAP_PASSWORD=… GRIDMAP_LOCKED_LOGIN=… node cmd/gridmap/testdata/browser/signin.mjs http://127.0.0.1:8080 [screenshot-dir]

import {run, ready, waitIdle, signIn, signedInAs, account} from './lib.mjs';

const SMALL = {width: 1366, height: 768};
const LARGE = {width: 1920, height: 1080};

// nav lists the navigation's links: page, text, where it leads and whether it is locked.
const nav = (page) => page.evaluate(() => [...document.querySelectorAll('#nav a')].map((a) => ({
  page: a.dataset.page, text: a.textContent, href: a.getAttribute('href'), locked: a.dataset.locked === 'true'})));

// header is what the header shows of who is signed in, and whether it fits on one line.
const header = (page) => page.evaluate(() => {
  const user = document.getElementById('user');
  const head = user.closest('header');
  const r = user.getBoundingClientRect();
  return {
    text: user.innerText,
    signedIn: user.dataset.signedIn,
    height: Math.round(head.getBoundingClientRect().height),
    inside: r.right <= innerWidth && r.left >= 0 && r.height > 0,
    overflow: document.documentElement.scrollWidth > innerWidth,
  };
});

// failSignIn types a login and a wrong password and waits for the page's message, the 401
// or 429 being expected failures.
async function failSignIn(page, expectFailures, login, password) {
  return expectFailures(async () => {
    await page.locator('#login').fill(login);
    await page.locator('#password').fill(password);
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/session');
    await page.locator('#submit').click();
    const resp = await answered;
    await page.locator('#submit:not([disabled])').waitFor();
    await page.waitForTimeout(200); // the browser's note of the failed resource comes after the answer
    return {status: resp.status(), kind: await page.locator('#error').getAttribute('data-error'),
      text: await page.locator('#error').innerText()};
  });
}

await run(async ({page, base, mark, result, shot, expectFailures}) => {
  const {login, password} = account();
  const locked = process.env.GRIDMAP_LOCKED_LOGIN;
  if (!locked) throw new Error('set GRIDMAP_LOCKED_LOGIN to a second account the test made');
  const at = (path) => new URL(path, base).href;
  const asked = []; // every API request of the coverage page, to find any of the other street
  page.on('request', (req) => {
    const u = new URL(req.url());
    let from = '';
    try { from = new URL(req.frame().url()).pathname; } catch { /* no frame */ }
    if (from.endsWith('/coverage.html') && (u.pathname.startsWith('/api/') || u.pathname.startsWith('/ogc/'))) asked.push(`${u.pathname}${u.search}`);
  });

  // The sign-in page in English.
  await page.goto(at('/login.html?lang=en'), {waitUntil: 'load'});
  await page.locator('#heading').waitFor();
  result.en = {
    title: await page.title(),
    lang: await page.evaluate(() => document.documentElement.lang),
    heading: await page.locator('#heading').innerText(),
    labels: await page.locator('.lg-label').allInnerTexts(),
    submit: await page.locator('#submit').innerText(),
    wrong: await failSignIn(page, expectFailures, login, 'not the password'),
  };
  await shot('login-en-1366x768.png');
  mark('english');

  // The public on the city map: a sign-in link, and 网格覆盖 leads to the sign-in page.
  await page.goto(at('/'), {waitUntil: 'load'});
  await ready(page);
  await page.locator('#user .gm-user-signin').waitFor();
  result.public = {nav: await nav(page), header: await header(page)};
  await shot('header-public-1366x768.png');

  // The coverage page sends the public to sign in, then back.
  await page.goto(at('/coverage.html'), {waitUntil: 'load'});
  await page.waitForURL((u) => u.pathname.endsWith('/login.html'));
  await page.locator('#heading').waitFor();
  result.redirect = page.url();
  result.zh = {heading: await page.locator('#heading').innerText(), lang: await page.evaluate(() => document.documentElement.lang)};
  await shot('login-zh-CN-1366x768.png');
  await page.setViewportSize(LARGE);
  await shot('login-zh-CN-1920x1080.png');
  await page.setViewportSize(SMALL);

  // A wrong password: the page says so and stays.
  result.wrong = await failSignIn(page, expectFailures, login, 'not the password');
  result.wrong.url = page.url();
  result.wrong.password = await page.locator('#password').inputValue();
  await shot('login-wrong-password.png');
  mark('wrong');

  // Too many failures lock the other login: the page says how long to wait.
  result.lockout = [];
  for (let i = 0; i < 8; i++) {
    const r = await failSignIn(page, expectFailures, locked, `wrong ${i}`);
    result.lockout.push(r);
    if (r.status === 429) break;
  }
  await shot('login-locked.png');
  await page.getByRole('button', {name: 'EN', exact: true}).click();
  result.lockedEN = await page.locator('#error').innerText();
  await page.getByRole('button', {name: '中文', exact: true}).click();
  mark('lockout');

  // The street leader of 龙山街道 signs in and is back on the coverage page.
  await signIn(page, login, password);
  result.back = page.url();
  result.ready = await ready(page);
  await waitIdle(page);
  result.coverage = {
    user: await signedInAs(page),
    header: await header(page),
    nav: await nav(page),
    streets: await page.evaluate(() => [...document.querySelectorAll('#street option')].map((o) => [o.value, o.textContent])),
    communities: await page.evaluate(() => [...document.querySelectorAll('#community option')].map((o) => o.value)),
    rows: await page.evaluate(() => [...document.querySelectorAll('#table tbody tr')].map((tr) => tr.dataset.code)),
    grids: await page.evaluate(() => window.gridmap.coverage.rows.map((r) => r.code)),
  };
  await shot('coverage-signed-in-1366x768.png');
  await page.setViewportSize(LARGE);
  await page.waitForTimeout(300);
  await shot('coverage-signed-in-1920x1080.png');
  await page.getByRole('button', {name: 'EN', exact: true}).click();
  result.coverage.userEN = await signedInAs(page);
  await page.getByRole('button', {name: '中文', exact: true}).click();
  mark('coverage');

  // Who is signed in shows on the other pages too.
  await page.goto(at('/'), {waitUntil: 'load'});
  await ready(page);
  result.city = {user: await signedInAs(page), header: await header(page)};
  await shot('header-city-1920x1080.png');
  await page.setViewportSize(SMALL);
  await page.waitForTimeout(300);
  result.city.small = await header(page);
  await shot('header-city-1366x768.png');
  await page.setViewportSize(LARGE);
  await page.goto(at('/wall.html'), {waitUntil: 'load'});
  await ready(page);
  result.wall = {user: await signedInAs(page), header: await header(page)};
  await shot('header-wall-1920x1080.png');
  await page.setViewportSize(SMALL);
  await page.waitForTimeout(600);
  result.wall.small = await header(page);
  await shot('header-wall-1366x768.png');
  mark('pages');

  // Signing out: back to the public's view.
  await page.goto(at('/'), {waitUntil: 'load'});
  await ready(page);
  await Promise.all([page.waitForEvent('load'), page.locator('#user .gm-user-signout').click()]);
  await ready(page);
  await page.locator('#user .gm-user-signin').waitFor();
  result.signedOut = {
    user: await signedInAs(page),
    header: await header(page),
    nav: await nav(page),
    me: await page.evaluate(async () => (await fetch('/api/v1/me')).json()),
  };
  await page.goto(at('/coverage.html'), {waitUntil: 'load'});
  await page.waitForURL((u) => u.pathname.endsWith('/login.html'));
  result.signedOut.coverage = page.url();
  mark('signed-out');

  // A volunteer may not see figures: no 网格覆盖 in the navigation, and the page, asked for all
  // the same, says so without asking the server for them.
  const volunteer = process.env.GRIDMAP_VOLUNTEER_LOGIN;
  await page.goto(at('/login.html?next=%2F'), {waitUntil: 'load'});
  await signIn(page, volunteer, process.env.GRIDMAP_VOLUNTEER_PASSWORD);
  await ready(page);
  result.volunteer = {user: await signedInAs(page), nav: await nav(page)};
  await page.goto(at('/coverage.html'), {waitUntil: 'load'});
  result.volunteer.ready = await ready(page);
  result.volunteer.status = await page.locator('#status').innerText();
  result.volunteer.url = page.url();
  mark('volunteer');
  result.asked = asked;
}, {viewport: SMALL});
