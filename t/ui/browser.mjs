// The web UI's flows in Debian's chromium, driven by playwright-core (never
// `playwright install`: executablePath is the system's browser). Run by
// t/ui/dashboard.t, which starts the server and reads what this prints:
//   PASS <what> | FAIL <what>: <why> | NOTE <text>
// Environment: PL_UI_PHASE (session | ratelimit | apache), PL_UI_BASE (the server),
// PL_UI_SHOTS (screenshot directory), and per phase the project directories
// (PL_UI_SHOP, PL_UI_LEGACY, PL_UI_WEB) or the Basic credentials
// or the user to sign in as (PL_UI_USER, PL_UI_PASSWORD).
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { env, BASE, STEP_MS, check, note, watch, newContext, accessible, api, run, expected, expectedNow,
  screenshot as libScreenshot, keyboardOnly } from './lib.mjs';

const PHASE = env.PL_UI_PHASE || 'session';
const ADMIN = { username: 'admin', password: 'a long passphrase for the admin' };

// Error replies the flows provoke on purpose (beside lib.mjs's own); any
// other 4xx or 5xx the page receives is a problem.
expected.push(
  ['POST', /\/api\/v1\/auth\/login$/, 401], // the wrong password
  ['POST', /\/api\/v1\/auth\/login$/, 429], // the rate limit
  ['POST', /\/api\/v1\/projects$/, 400], // a directory outside the roots
);

const screenshot = (page, name) => libScreenshot(page, { session: 'a', ratelimit: 'b', apache: 'c' }[PHASE], name);

async function analyse(token, projectId) {
  const a = await api('POST', `/api/v1/projects/${projectId}/analyze`, token, {});
  const id = a.analysis_id || a.id;
  for (let i = 0; i < 300; i++) {
    const s = await api('GET', `/api/v1/analyses/${id}`, token);
    if (s.state === 'complete') return s;
    if (['failed', 'canceled'].includes(s.state)) throw new Error(`analysis ${id} ${s.state}: ${JSON.stringify(s.error)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`analysis ${id} did not end`);
}

async function sessionPhase(browser) {
  const context = await newContext(browser);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  watch(page, 'session');
  const heading = (name) => page.getByRole('heading', { level: 1, name });

  // --- first run: no account exists, the first-admin form
  const first = await page.goto(`${BASE}/`);
  await check('GET / serves the UI with a strict CSP and nosniff', async () => {
    const h = first.headers();
    const csp = h['content-security-policy'] || '';
    if (!/script-src 'self'/.test(csp) || /unsafe-/.test(csp) || !/frame-ancestors 'none'/.test(csp))
      throw new Error(`CSP: ${csp}`);
    if (h['x-content-type-options'] !== 'nosniff') throw new Error('no nosniff');
  });
  await check('the UI\'s scripts and styles travel compressed', async () => {
    const assets = await page.evaluate(() => [...document.querySelectorAll('script[src], link[rel=stylesheet]')]
      .map((e) => e.src || e.href));
    if (!assets.length) throw new Error('no assets referenced');
    for (const url of assets) {
      const r = await fetch(url, { headers: { 'Accept-Encoding': 'gzip' } });
      if (r.headers.get('content-encoding') !== 'gzip') throw new Error(`${url}: ${r.headers.get('content-encoding')}`);
    }
  });
  await check('the first-admin form is shown while no account exists', () => heading('Create the first admin').waitFor());
  await screenshot(page, 'first-admin');
  await accessible(page, 'first-admin form');
  await page.getByLabel('User name').fill(ADMIN.username);
  await page.getByLabel('Password', { exact: true }).fill('too short');
  await page.getByLabel('Repeat the password').fill('too short');
  await page.getByRole('button', { name: 'Create admin and sign in' }).click();
  await check('a short password is refused in the form', () => page.getByRole('alert').filter({ hasText: 'at least 12 characters' }).waitFor());
  await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await page.getByLabel('Repeat the password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Create admin and sign in' }).click();
  await check('creating the first admin signs in: the dashboard', () => heading('Projects').waitFor());
  await check('the empty dashboard invites to create a project', () => page.getByRole('heading', { name: 'No projects yet' }).waitFor());
  await screenshot(page, 'dashboard-empty');

  await check('the session is in HttpOnly cookies, nothing in localStorage but an expiry time', async () => {
    const cookies = await context.cookies();
    const access = cookies.find((c) => c.name === 'pl_access');
    const refresh = cookies.find((c) => c.name === 'pl_refresh');
    if (!access || !access.httpOnly || !refresh || !refresh.httpOnly) throw new Error(JSON.stringify(cookies.map((c) => [c.name, c.httpOnly])));
    const store = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
    if (store.includes(access.value) || store.includes(refresh.value) || /eyJ|plr_/.test(store)) throw new Error(`storage: ${store}`);
    const js = await page.evaluate(() => document.cookie);
    if (js.includes(access.value) || js.includes('pl_access')) throw new Error('the access cookie is readable by scripts');
  });

  // --- sign out, then a wrong password, a rate limit, the right one
  await page.getByRole('button', { name: 'Sign out' }).click();
  await check('sign-out shows the sign-in form and says so', async () => {
    await heading('Sign in').waitFor();
    await page.getByText('You have signed out.').waitFor();
  });
  await check('sign-out ends the session cookie', async () => {
    const c = await context.cookies();
    if (c.some((x) => x.name === 'pl_access' || x.name === 'pl_refresh')) throw new Error(c.map((x) => x.name).join(','));
  });
  await screenshot(page, 'signed-out');

  await page.getByLabel('User name').fill(ADMIN.username);
  await page.getByLabel('Password').fill('not the password at all');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await check('a wrong password: a clear message', () =>
    page.getByRole('alert').filter({ hasText: 'Wrong user name or password.' }).waitFor(),
  );
  await check('... and the password field is emptied and focused', async () => {
    const pw = page.getByLabel('Password');
    if ((await pw.inputValue()) !== '') throw new Error('password kept');
    if (!(await pw.evaluate((el) => el === document.activeElement))) throw new Error('not focused');
  });
  await screenshot(page, 'wrong-password');
  await accessible(page, 'sign-in with an error');

  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await check('the right password signs in', () => heading('Projects').waitFor());

  // --- the session is renewed in the background (the access token lives
  // 66 s here: the UI renews it a minute before it ends)
  await check('the session is renewed in the background (POST /auth/refresh with the CSRF header)', async () => {
    const req = await page.waitForRequest((r) => r.url().endsWith('/api/v1/auth/refresh'), { timeout: 20_000 });
    if (!req.headers()['x-csrf-token']) throw new Error('no X-CSRF-Token');
    const res = await req.response();
    if (res.status() !== 200) throw new Error(`refresh answered ${res.status()}`);
  });

  // --- projects made through the API, one analysed twice
  const token = (await api('POST', '/api/v1/auth/login', null, ADMIN)).access_token;
  const shop = await api('POST', '/api/v1/projects', token, {
    name: 'shop',
    description: 'The web shop: accounts, cart and search',
    local_path: env.PL_UI_SHOP,
  });
  await api('POST', '/api/v1/projects', token, { name: 'legacy', description: 'The old shop, kept for reference', local_path: env.PL_UI_LEGACY });
  const a1 = await analyse(token, shop.id);
  mkdirSync(join(env.PL_UI_SHOP, 'cart'), { recursive: true });
  writeFileSync(
    join(env.PL_UI_SHOP, 'cart', 'cart.go'),
    'package cart\n\n// AddItem adds an item to the shopping cart.\nfunc AddItem(c []string, it string) []string { return append(c, it) }\n\n' +
      '// ApplyCoupon applies a discount coupon to the cart total.\nfunc ApplyCoupon(total, pct int) int { return total * (100 - pct) / 100 }\n',
  );
  const a2 = await analyse(token, shop.id);
  note(`analyses: observed ${a1.totals.observed_percent}% then ${a2.totals.observed_percent}%, claimed ${a2.totals.claimed_percent}%`);

  await page.reload();
  await heading('Projects').waitFor();
  const card = (name) => page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });
  await check('the dashboard lists the projects made through the API', async () => {
    await card('shop').waitFor();
    await card('legacy').waitFor();
  });
  await check("a project's card: observed against claimed completion of its latest analysis", async () => {
    const c = card('shop');
    await c.getByText('Observed', { exact: true }).waitFor();
    const text = await c.innerText();
    const want = `${Math.round(a2.totals.observed_percent)}%`;
    if (!text.includes(want) || !text.includes(`${Math.round(a2.totals.claimed_percent)}%`)) throw new Error(`want ${want} in: ${text}`);
  });
  await check('... the last analysis and its age', async () => {
    const t = card('shop').locator('time');
    await t.waitFor();
    if (!/ago|now/.test(await t.innerText())) throw new Error(await t.innerText());
    if (!(await t.getAttribute('datetime'))) throw new Error('no datetime');
  });
  await check('... a burn-up sparkline of its analyses', async () => {
    const svg = card('shop').locator('svg.spark');
    await svg.waitFor();
    const label = await svg.getAttribute('aria-label');
    if (!/observed/.test(label || '')) throw new Error(label);
  });
  await check('a project without analyses says so', () => card('legacy').getByText('Not analysed yet').waitFor());
  await screenshot(page, 'dashboard');
  await accessible(page, 'dashboard');
  await keyboardOnly(page, 'dashboard');
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.keyboard.press('/');
  await check('"/" focuses the search', () =>
    page.getByRole('searchbox', { name: 'Search projects' }).evaluate((el) => el === document.activeElement));

  // --- a running job shows on the dashboard (an analysis queued now)
  await api('POST', `/api/v1/projects/${shop.id}/analyze`, token, {});
  await page.reload();
  await check('a running analysis shows among the running jobs, or has finished already', async () => {
    await heading('Projects').waitFor();
    await card('shop').getByText('Observed', { exact: true }).waitFor();
    const jobs = page.getByRole('heading', { name: 'Running jobs' });
    if (await jobs.isVisible()) {
      note('the analysis was caught running');
      await screenshot(page, 'dashboard-running-job');
    }
  });

  // --- create a project through the UI, with the keyboard only
  await page.getByRole('button', { name: 'New project' }).focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'New project' });
  await check('"New project" opens a dialog with focus in its first field', async () => {
    await dialog.waitFor();
    if (!(await page.getByLabel('Name').evaluate((el) => el === document.activeElement))) throw new Error('focus elsewhere');
  });
  await page.keyboard.type('web');
  await page.keyboard.press('Tab');
  await page.keyboard.type(env.PL_UI_WEB);
  await page.keyboard.press('Tab');
  await page.keyboard.type('The public web site');
  await screenshot(page, 'create-project');
  await page.keyboard.press('Enter');
  await check('the project created through the UI is listed and announced', async () => {
    await page.getByRole('status').filter({ hasText: '“web” is created.' }).waitFor();
    await card('web').waitFor();
    if (await dialog.isVisible()) throw new Error('the dialog stayed open');
  });
  await check('... and exists in the API', async () => {
    const list = await api('GET', '/api/v1/projects', token);
    if (!list.items.some((p) => p.name === 'web' && p.description === 'The public web site')) throw new Error(JSON.stringify(list.items.map((p) => p.name)));
  });
  await check('a project the server refuses (a path outside the roots): the reason in the dialog', async () => {
    await page.getByRole('button', { name: 'New project' }).click();
    await page.getByLabel('Name').fill('stray');
    await page.getByLabel('Directory on the server').fill('/etc');
    await page.getByRole('button', { name: 'Create project' }).click();
    await dialog.getByText('Must be an existing directory below one of the directories').waitFor();
    const dir = page.getByLabel('Directory on the server');
    if ((await dir.getAttribute('aria-invalid')) !== 'true') throw new Error('the field is not marked invalid');
    if (!(await dir.evaluate((el) => el === document.activeElement))) throw new Error('focus is not on the field');
    await screenshot(page, 'create-project-refused');
    await accessible(page, 'new-project dialog with an error');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  // --- search and filter
  await page.getByRole('searchbox', { name: 'Search projects' }).fill('cart');
  await check('search narrows the list', async () => {
    await page.getByText('1 of 3 projects match').waitFor();
    if (await card('legacy').isVisible()) throw new Error('legacy still shown');
  });
  await page.getByRole('searchbox', { name: 'Search projects' }).fill('');

  // --- the access cookie gone (it lives as long as its token): a reload
  // renews the session from the refresh cookie, no sign-in needed
  // --- the access token gone while the page is open: the next call gets
  // 401, the page renews the session and asks again
  await page.waitForFunction(() => !document.querySelector('.figures.skeleton')); // the cards' figures in
  await context.clearCookies({ name: 'pl_access' });
  expectedNow.push(['GET', /\/api\/v1\/projects$/, 401]);
  const refreshed = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/refresh'));
  await page.getByLabel('Show').selectOption('all');
  await check('a call answered 401 renews the session and is asked again', async () => {
    if ((await refreshed).status() !== 200) throw new Error('the refresh failed');
    await page.getByText('3 projects').waitFor();
    await card('shop').getByText('Observed', { exact: true }).waitFor();
  });
  // (waitForLoadState('networkidle') would not wait here: the page reached
  // that state long ago.) The list shown again before the cookie goes.
  expectedNow.length = 0;
  await Promise.all([
    page.waitForResponse((r) => /\/api\/v1\/projects\?.*status=active/.test(r.url()) && r.status() === 200),
    page.getByLabel('Show').selectOption('active'),
  ]);
  await context.clearCookies({ name: 'pl_access' });
  await page.reload();
  await check('a reload after the access token ended: the session renewed, still signed in', async () => {
    await heading('Projects').waitFor();
    if (!(await context.cookies()).some((c) => c.name === 'pl_access')) throw new Error('no new access cookie');
  });

  // --- archive the project made in the UI
  await card('web').getByRole('button', { name: 'Archive web' }).click();
  const confirm = page.getByRole('dialog', { name: 'Archive “web”?' });
  await confirm.waitFor();
  await screenshot(page, 'archive-dialog');
  await confirm.getByRole('button', { name: 'Archive' }).click();
  await check('archiving removes the project from the active list', async () => {
    await page.getByRole('status').filter({ hasText: '“web” is archived.' }).waitFor();
    await card('web').waitFor({ state: 'detached' });
  });
  await check('... the API has it archived', async () => {
    const p = (await api('GET', '/api/v1/projects?status=archived', token)).items.find((x) => x.name === 'web');
    if (!p || p.status !== 'archived') throw new Error(JSON.stringify(p));
  });
  await page.getByLabel('Show').selectOption('archived');
  await check('the "Archived" filter lists it, marked archived', async () => {
    await card('web').getByText('archived', { exact: true }).waitFor();
    if (await card('shop').isVisible()) throw new Error('shop among the archived');
  });
  await screenshot(page, 'archived');
  await card('web').getByRole('button', { name: 'Restore web' }).click();
  await check('"Restore" makes an archived project active again', async () => {
    await page.getByRole('status').filter({ hasText: '“web” is active again.' }).waitFor();
    await card('web').waitFor({ state: 'detached' });
    const p = (await api('GET', '/api/v1/projects?status=active', token)).items.find((x) => x.name === 'web');
    if (!p) throw new Error('not active in the API');
  });
  await page.getByLabel('Show').selectOption('active');
  await card('shop').getByText('Observed', { exact: true }).waitFor();
  await card('web').waitFor();

  // --- small screens and dark mode
  await page.setViewportSize({ width: 375, height: 812 });
  await check('at 375 px wide nothing overflows sideways', async () => {
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    if (w > 375) throw new Error(`scrollWidth ${w}`);
  });
  await screenshot(page, 'dashboard-375px');
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await check('dark mode follows prefers-color-scheme', async () => {
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = bg.match(/\d+/g).map(Number);
    if (r + g + b > 150) throw new Error(bg);
  });
  await screenshot(page, 'dashboard-dark');
  await accessible(page, 'dashboard, dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // --- an unknown path is the UI's, not Apache's
  await page.goto(`${BASE}/no/such/page`);
  await check('an unknown path shows the UI\'s "Page not found"', () => heading('Page not found').waitFor());
  await page.getByRole('link', { name: 'Back to the dashboard' }).click();
  await heading('Projects').waitFor();

  // --- sign out for good
  await page.getByRole('button', { name: 'Sign out' }).click();
  await check('signing out again: the sign-in form', () => heading('Sign in').waitFor());
  await page.reload();
  await check('after a reload still signed out', () => heading('Sign in').waitFor());
  await context.close();
}

// PlanningLoginRateLimit 2: the server's own 429 after a few wrong
// passwords, and the page says how long to wait (its Retry-After).
async function rateLimitPhase(browser) {
  const context = await newContext(browser);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  watch(page, 'ratelimit');
  await page.goto(`${BASE}/`);
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  const limited = page.getByRole('alert').filter({ hasText: /Too many sign-in attempts\. Wait \d+ seconds and try again\./ });
  await check('too many sign-in attempts (429): the page says how long to wait', async () => {
    for (let i = 0; i < 6 && !(await limited.isVisible()); i++) {
      await page.getByLabel('User name').fill(env.PL_UI_USER);
      await page.getByLabel('Password').fill('not the password at all');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
    }
    await limited.waitFor();
  });
  await screenshot(page, 'rate-limited');
  await context.close();
}

async function apachePhase(browser) {
  const context = await newContext(browser, { httpCredentials: { username: env.PL_UI_USER, password: env.PL_UI_PASSWORD } });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  watch(page, 'apache');
  await page.goto(`${BASE}/`);
  await check('behind Apache authentication: the dashboard, no sign-in form', async () => {
    await page.getByRole('heading', { level: 1, name: 'Projects' }).waitFor();
    if (await page.getByLabel('Password').count()) throw new Error('a password field');
  });
  await check('... the user Apache authenticated, without a sign-out button', async () => {
    await page.getByText(env.PL_UI_USER, { exact: true }).waitFor();
    if (await page.getByRole('button', { name: 'Sign out' }).count()) throw new Error('a sign-out button');
  });
  await check('... a viewer cannot create projects', async () => {
    if (await page.getByRole('button', { name: 'New project' }).count()) throw new Error('"New project" shown');
  });
  await screenshot(page, 'apache-user');
  await accessible(page, 'dashboard of an Apache user');
  await context.close();
}

await run(PHASE, { apache: apachePhase, ratelimit: rateLimitPhase }[PHASE] || sessionPhase);
