// Administration in Debian's chromium (playwright-core), run by t/ui/admin.t
// against a live server whose model server is the Ollama stand-in; this
// script slows the stand-in's pulls through its /_control API and reads its
// catalogue (was the model really deleted?).
// Environment: PL_UI_BASE, PL_UI_SHOTS, PL_UI_FAKE, PL_UI_USER,
// PL_UI_PASSWORD (an admin), PL_UI_VIEWER, PL_UI_VIEWER_PASSWORD.
// Prints PASS/FAIL/NOTE lines (lib.mjs).
import { env, BASE, STEP_MS, until, fake, check, expected, watch, newContext, accessible, keyboardOnly, fits, screenshot, api, run } from './lib.mjs';

const FAKE = env.PL_UI_FAKE;
const fakeModels = async () => ((await (await fetch(`${FAKE}/api/tags`)).json()).models || []).map((m) => m.name);
const shot = (page, name) => screenshot(page, 'adm', name);

// the errors this flow provokes on purpose: a base URL outside the allow-list,
// and the last admin disabled
expected.push(['POST', /\/api\/v1\/servers$/, 400], ['PATCH', /\/api\/v1\/users\/\d+$/, 409]);

async function signIn(page, user, password) {
  await page.goto(`${BASE}/`);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Projects' }).waitFor();
}

async function main(browser) {
  const context = await newContext(browser);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  watch(page, 'admin');
  const heading = (name) => page.getByRole('heading', { level: 1, name });
  const token = (await api('POST', '/api/v1/auth/login', null, { username: env.PL_UI_USER, password: env.PL_UI_PASSWORD })).access_token;
  const section = (name) => page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name, exact: true }).click();

  await signIn(page, env.PL_UI_USER, env.PL_UI_PASSWORD);
  await check('the dashboard does not load the administration\'s code (its own chunk)', async () => {
    const scripts = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => r.name).filter((n) => /\.js$/.test(n)));
    if (scripts.some((s) => /Admin-/.test(s))) throw new Error(scripts.join(' '));
  });

  // --- model servers
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
  await check('"Admin" in the header opens the model servers', () => heading('Administration: Model servers').waitFor());
  const row = (name) => page.getByRole('row').filter({ has: page.getByRole('rowheader').filter({ hasText: name }) });
  await check('each enabled server is tested when the page opens: up, latency and version', () =>
    row('main').locator('.health.ok').filter({ hasText: /Up · \d+ ms · v\d/ }).waitFor());
  await shot(page, 'servers');
  await accessible(page, 'model servers');
  await keyboardOnly(page, 'model servers');

  await page.getByRole('button', { name: 'Add server' }).click();
  await page.getByLabel('Name', { exact: true }).fill('second');
  await page.getByLabel('Base URL').fill('http://10.9.8.7:11434');
  await page.getByRole('dialog').getByRole('button', { name: 'Add server' }).click();
  await check('a base URL outside PlanningModelServerAllow: said under its field, nothing added', async () => {
    await page.locator('#srv-url-error').filter({ hasText: /allow/i }).waitFor();
    if ((await page.getByLabel('Base URL').getAttribute('aria-invalid')) !== 'true') throw new Error('the field is not marked');
    if ((await api('GET', '/api/v1/servers', token)).items.length !== 1) throw new Error('a server was added');
  });
  await page.getByLabel('Base URL').fill(FAKE);
  await page.getByLabel('Priority').fill('50');
  await accessible(page, 'the add-server dialog');
  await page.getByRole('dialog').getByRole('button', { name: 'Add server' }).click();
  await check('a server added in the dialog is listed and tested', async () => {
    await row('second').locator('.health.ok').filter({ hasText: /Up · \d+ ms/ }).waitFor();
    const s = (await api('GET', '/api/v1/servers', token)).items.find((x) => x.name === 'second');
    if (!s || s.priority !== 50 || s.base_url !== FAKE) throw new Error(JSON.stringify(s));
  });
  await page.getByRole('button', { name: 'Test second' }).click();
  await check('"Test" tests again', () => row('second').locator('.health.ok').waitFor());
  await page.getByRole('button', { name: 'Edit second' }).click();
  await page.getByLabel('Priority').fill('20');
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await check('its priority edited: 20 in the list and in the API', async () => {
    await row('second').getByRole('cell', { name: '20', exact: true }).waitFor();
    const s = (await api('GET', '/api/v1/servers', token)).items.find((x) => x.name === 'second');
    if (s.priority !== 20) throw new Error(`priority ${s.priority}`);
  });
  await page.getByRole('button', { name: 'Disable second' }).click();
  await check('disabled: said in the list, enabled false in the API', async () => {
    await row('second').locator('.health.off').waitFor();
    const s = (await api('GET', '/api/v1/servers', token)).items.find((x) => x.name === 'second');
    if (s.enabled !== false) throw new Error('still enabled');
  });
  await page.getByRole('button', { name: 'Enable second' }).click();
  await check('enabled again, and tested', () => row('second').locator('.health.ok').waitFor());

  // --- models, pull with progress, cancel, delete
  await page.getByRole('button', { name: 'Models of main' }).click();
  const models = page.getByRole('table', { name: 'Models on main' });
  await check('the server\'s models with size, family, parameters, quantization and capabilities', async () => {
    const r = models.getByRole('row').filter({ hasText: 'llama3.2:latest' });
    await r.waitFor();
    const text = await r.innerText();
    for (const want of ['2.0 GB', 'llama', '3.2B', 'Q4_K_M', 'completion', 'tools']) if (!text.includes(want)) throw new Error(`${want} not in ${text}`);
  });
  await fake('POST', 'config', { pull_delay_ms: 250 });
  await page.getByRole('textbox', { name: 'Pull a model' }).fill('gemma3:1b');
  await page.getByRole('button', { name: 'Pull', exact: true }).click();
  const bar = page.getByRole('progressbar', { name: /Overall progress of the pull of gemma3:1b/ });
  await check('a pull shows one overall progress bar moving, and the current layer', async () => {
    await until('the bar between 0 and 100', async () => {
      const v = Number(await bar.getAttribute('value').catch(() => 0));
      return v > 0 && v < 100;
    });
    await page.locator('.pull-layer').filter({ hasText: /^Layer [0-9a-f]{12}: [\d.]+ [KMG]?B of / }).waitFor();
  });
  await shot(page, 'pulling');
  await accessible(page, 'a pull in progress');
  await check('... then it is done and the model is listed', async () => {
    await page.getByText('gemma3:1b is pulled onto main.').waitFor({ timeout: 30_000 });
    await models.getByRole('rowheader', { name: 'gemma3:1b' }).waitFor();
  });

  await page.getByRole('textbox', { name: 'Pull a model' }).fill('nosuch:1b');
  await page.getByRole('button', { name: 'Pull', exact: true }).click();
  await check('a pull that fails says why in place', () => page.getByText(/The pull of nosuch:1b failed: .*file does not exist/).waitFor());
  await fake('POST', 'config', { pull_delay_ms: 400 });
  await page.getByRole('textbox', { name: 'Pull a model' }).fill('smollm2:135m');
  await page.getByRole('button', { name: 'Pull', exact: true }).click();
  await until('the second pull under way', async () => Number(await page.getByRole('progressbar', { name: /smollm2/ }).getAttribute('value').catch(() => 0)) > 0);
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await check('a pull canceled: said in place, the job canceled, the model not there', async () => {
    await page.getByText('The pull of smollm2:135m was canceled.').waitFor();
    const jobs = (await api('GET', '/api/v1/jobs', token)).items.filter((j) => j.kind === 'model.pull');
    if (!jobs.some((j) => j.state === 'canceled')) throw new Error(jobs.map((j) => j.state).join(' '));
    if ((await fakeModels()).includes('smollm2:135m')) throw new Error('the stand-in has it');
  });
  await fake('POST', 'config', { pull_delay_ms: 5 });

  await page.getByRole('button', { name: 'Delete gemma3:1b' }).click();
  await accessible(page, 'the delete confirmation');
  await shot(page, 'delete-model');
  await page.getByRole('dialog').getByRole('button', { name: 'Delete model' }).click();
  await check('a model deleted after the confirmation: gone from the list and from the server', async () => {
    await models.getByRole('rowheader', { name: 'gemma3:1b' }).waitFor({ state: 'detached' });
    if ((await fakeModels()).includes('gemma3:1b')) throw new Error('the stand-in still has it');
  });
  await shot(page, 'models');
  await keyboardOnly(page, 'servers with models');
  await page.getByRole('button', { name: 'Delete second' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete server' }).click();
  await check('a server deleted after the confirmation', async () => {
    await row('second').waitFor({ state: 'detached' });
    if ((await api('GET', '/api/v1/servers', token)).items.some((x) => x.name === 'second')) throw new Error('still there');
  });

  // --- users
  await section('Users');
  await heading('Administration: Users').waitFor();
  await page.getByRole('button', { name: 'New user' }).click();
  const dlg = page.getByRole('dialog');
  await dlg.getByLabel('User name').fill('dana');
  await dlg.getByLabel('Password').fill('dana-password-0123');
  await dlg.getByLabel('Role', { exact: true }).selectOption('viewer');
  await accessible(page, 'the new-user dialog');
  await page.getByRole('button', { name: 'Create user' }).click();
  const urow = row('dana');
  await check('a user created: listed as a viewer', () => urow.getByRole('cell', { name: 'viewer', exact: true }).waitFor());
  await page.getByRole('button', { name: 'Change the role of dana' }).click();
  await page.getByRole('dialog').getByLabel('Role', { exact: true }).selectOption('admin');
  await page.getByRole('button', { name: 'Change role' }).click();
  await check('promoted to admin: in the list and in the API', async () => {
    await urow.getByRole('cell', { name: 'admin', exact: true }).waitFor();
    const u = (await api('GET', '/api/v1/users', token)).items.find((x) => x.username === 'dana');
    if (u.role !== 'admin') throw new Error(u.role);
  });
  await page.getByRole('button', { name: 'Disable dana' }).click();
  await accessible(page, 'the disable confirmation');
  await page.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
  await check('disabled after the confirmation; dana can no longer sign in', async () => {
    await urow.getByRole('cell', { name: 'disabled', exact: true }).waitFor();
    const r = await api('POST', '/api/v1/auth/login', null, { username: 'dana', password: 'dana-password-0123' }, { allow: [401, 403] });
    if (r && r.access_token) throw new Error('signed in');
  });
  await shot(page, 'users');
  await accessible(page, 'users');
  await keyboardOnly(page, 'users');
  await page.getByRole('button', { name: 'Delete dana' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete account' }).click();
  await check('deleted after the confirmation: gone from the list and the API', async () => {
    await urow.waitFor({ state: 'detached' });
    if ((await api('GET', '/api/v1/users', token)).items.some((x) => x.username === 'dana')) throw new Error('still there');
  });

  await page.getByRole('button', { name: `Disable ${env.PL_UI_USER}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
  await check('the last admin cannot be disabled: the API\'s reason said in the dialog', async () => {
    await page.getByRole('dialog').getByRole('alert').filter({ hasText: 'The last active admin cannot be demoted or disabled.' }).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await row(env.PL_UI_USER).getByRole('cell', { name: 'active', exact: true }).waitFor();
  });

  // --- the audit log
  await section('Audit log');
  await heading('Administration: Audit log').waitFor();
  const entries = page.getByRole('table', { name: 'Audit entries, newest first' });
  await page.getByLabel('Action').selectOption('user.update');
  await check('filtered by action: only user.update, the promotion and the disabling among them', async () => {
    // the unfiltered list is there first: wait for the filtered one
    const actions = await until('two or more entries, all user.update', async () => {
      const a = await entries.getByRole('rowheader').allInnerTexts();
      return a.length >= 2 && a.every((x) => x.startsWith('user.update')) && a;
    }).catch(async (err) => {
      throw new Error(`${err.message}: ${(await entries.getByRole('rowheader').allInnerTexts()).join(', ')}`);
    });
    if (!actions.length || !/action=user\.update/.test(page.url())) throw new Error(`not in the address: ${page.url()}`);
  });
  await page.getByLabel('Action').selectOption('auth.login');
  await page.getByLabel('Outcome').selectOption('failure');
  await check('filtered by action and outcome: the failed sign-ins only', async () => {
    const cells = entries.locator('tbody tr td:nth-child(5)');
    await until('only failures listed', async () => {
      const o = await cells.allInnerTexts();
      return /outcome=failure/.test(page.url()) && o.length > 0 && o.every((x) => x === 'failure');
    }).catch(async (err) => {
      throw new Error(`${err.message}: ${(await cells.allInnerTexts()).join(', ')}`);
    });
    const actions = await entries.getByRole('rowheader').allInnerTexts();
    if (actions.some((a) => !a.startsWith('auth.login'))) throw new Error(actions.join(', '));
  });
  await page.getByLabel('Outcome').selectOption('');
  await page.getByLabel('By').selectOption({ label: 'devon' });
  await check('filtered by who did it: devon\'s entries only', async () => {
    const who = entries.locator('tbody tr td:nth-child(2)');
    await until('devon\'s entries only', async () => {
      const w = await who.allInnerTexts();
      return /actor_id=/.test(page.url()) && w.length > 0 && w.every((x) => x === 'devon');
    }).catch(async (err) => {
      throw new Error(`${err.message}: ${(await who.allInnerTexts()).join(', ')}`);
    });
  });
  await page.getByLabel('When').selectOption('1');
  await check('filtered by time as well: the last day\'s entries of devon\'s (all of them)', async () => {
    await until('days=1 in the address', async () => /days=1/.test(page.url()));
    await until('the list', async () => (await entries.getByRole('row').count()) > 1);
  });
  await shot(page, 'audit');
  await accessible(page, 'audit log');
  await keyboardOnly(page, 'audit log');

  // --- usage
  await section('Usage');
  await heading('Administration: Usage').waitFor();
  const usage = page.getByRole('table', { name: 'Usage per day, user and model' });
  await check('usage as a table: the replies per user, model and day', async () => {
    await usage.getByRole('row').filter({ hasText: 'admin' }).filter({ hasText: 'llama3.2:latest' }).filter({ hasText: 'chat' }).waitFor();
    await usage.getByRole('row').filter({ hasText: 'devon' }).filter({ hasText: 'qwen3:0.6b' }).waitFor();
    const r = await usage.getByRole('row').filter({ hasText: 'admin' }).filter({ hasText: 'llama3.2:latest' }).innerText();
    if (!/\b2\b/.test(r)) throw new Error(`two requests expected: ${r}`);
  });
  await check('... and as a chart: a bar per model today, its label saying the total', async () => {
    const chart = page.getByRole('img', { name: /Tokens \(in and out\) per day: [\d.k]+ in all over 30 days/ });
    await chart.waitFor();
    if ((await chart.locator('rect').count()) < 2) throw new Error('fewer than two bars');
    await page.getByRole('list', { name: 'Colours' }).getByText('qwen3:0.6b').waitFor();
  });
  await page.getByLabel('Stacked by').selectOption('user');
  await check('stacked by user: the legend names the users', () => page.getByRole('list', { name: 'Colours' }).getByText('devon').waitFor());
  await page.getByLabel('User', { exact: true }).selectOption({ label: 'devon' });
  await check('one user\'s usage alone', async () => {
    await until('devon alone', async () => !(await usage.innerText()).includes('llama3.2:latest'));
  });
  await shot(page, 'usage');
  await accessible(page, 'usage');
  await keyboardOnly(page, 'usage');

  // --- prompts
  await section('Prompts');
  await heading('Administration: Prompts').waitFor();
  await page.getByRole('button', { name: 'New prompt' }).click();
  await page.getByLabel('Name').fill('review');
  await page.getByLabel('Tags').fill('code, review');
  await page.getByLabel('Text').fill('Review this {{lang}} code:\n{{code}}');
  await check('the variables are listed as the text is typed', async () => {
    await page.locator('.prompt-editor .tag', { hasText: 'lang' }).waitFor();
    await page.locator('.prompt-editor .tag', { hasText: 'code' }).waitFor();
  });
  await page.getByRole('button', { name: 'Create prompt' }).click();
  await check('a prompt created, listed with its tags', async () => {
    await page.getByRole('heading', { name: 'review, version 1' }).waitFor();
    await page.getByRole('list', { name: 'Prompts' }).getByRole('link', { name: /review.*code, review/ }).waitFor();
  });
  await page.getByLabel('Text').fill('Review this {{lang}} code briefly:\n{{code}}\nList the bugs first.');
  await page.getByRole('button', { name: 'Save a new version' }).click();
  await check('edited: saved as version 2', () => page.getByRole('heading', { name: 'review, version 2' }).waitFor());
  await page.getByRole('button', { name: 'Changes in v2' }).click();
  await check('the diff of version 2: the lines removed and added', async () => {
    const d = page.getByRole('group', { name: /line by line/ });
    await d.locator('.del', { hasText: 'Review this {{lang}} code:' }).waitFor();
    await d.locator('.add', { hasText: 'Review this {{lang}} code briefly:' }).waitFor();
    await d.locator('.add', { hasText: 'List the bugs first.' }).waitFor();
  });
  await shot(page, 'prompt-diff');
  await accessible(page, 'prompt versions and diff');
  await page.getByRole('button', { name: 'Restore v1' }).click();
  await check('version 1 restored as version 3, its text back in the editor', async () => {
    await page.getByRole('heading', { name: 'review, version 3' }).waitFor();
    // the heading and the editor's text come from one reply, drawn in turn
    await until('the text of version 1', async () => (await page.getByLabel('Text').inputValue()) === 'Review this {{lang}} code:\n{{code}}');
    await page.getByText('restored from version 1').waitFor();
  });
  const plist = page.getByRole('list', { name: 'Prompts' });
  await api('POST', '/api/v1/prompts', token, { name: 'summary', body: 'Summarise {{text}}', tags: ['writing'] });
  await page.getByLabel('Tag', { exact: true }).selectOption('code');
  await check('the list filtered by tag', async () => {
    await until('review alone', async () => (await plist.getByRole('link').allInnerTexts()).length === 1);
    await plist.getByRole('link', { name: /^review/ }).waitFor();
  });
  await page.getByLabel('Tag', { exact: true }).selectOption('');
  await page.getByLabel('Search', { exact: true }).fill('summ');
  await check('... and searched by name', async () => {
    await until('summary alone', async () => {
      const l = await plist.getByRole('link').allInnerTexts();
      return l.length === 1 && l[0].startsWith('summary');
    });
  });
  await page.getByLabel('Search', { exact: true }).fill('');
  await page.getByLabel('lang', { exact: true }).fill('C');
  await page.getByLabel('code', { exact: true }).fill('int main(void) { return 0; }');
  await page.getByRole('button', { name: 'Render' }).click();
  await check('rendered: the text the model would get', () =>
    page.getByRole('region', { name: 'Rendered prompt' }).filter({ hasText: 'Review this C code:' }).waitFor());
  await page.getByLabel('Model').selectOption('llama3.2:latest');
  await fake('POST', 'config', { token_delay_ms: 150 });
  await page.getByRole('button', { name: 'Run test' }).click();
  const out = page.getByRole('region', { name: 'Test reply' });
  await check('a test run streams: part of the reply shows while the model writes, with Stop', async () => {
    await page.getByRole('button', { name: 'Stop' }).waitFor();
    await until('a partial reply', async () => {
      const t = await out.innerText().catch(() => '');
      return t.startsWith('Echo:') && !t.includes('[end]');
    });
  });
  await shot(page, 'prompt-test-streaming');
  await check('... then the whole reply and its token count', async () => {
    await out.filter({ hasText: /Echo: Review this C code:[\s\S]*\[end\]/ }).waitFor({ timeout: 30_000 });
    await page.getByText(/The reply: \d+ tokens\./).waitFor();
  });
  await fake('POST', 'config', { token_delay_ms: 20 });
  await shot(page, 'prompts');
  await accessible(page, 'prompts');
  await keyboardOnly(page, 'prompts');

  // --- 375 px
  await page.setViewportSize({ width: 375, height: 800 });
  for (const [name, title] of [['Model servers', 'servers'], ['Users', 'users'], ['Audit log', 'audit'], ['Usage', 'usage'], ['Prompts', 'prompts']]) {
    await page.goto(`${BASE}/admin/${title}`);
    await heading(`Administration: ${name}`).waitFor();
    await page.waitForLoadState('networkidle');
    await fits(page, name);
    if (title === 'servers' || title === 'usage') await shot(page, `${title}-375px`);
  }
  await context.close();

  // --- a viewer: no link, "admins only", and the API says no
  const vctx = await newContext(browser);
  const vpage = await vctx.newPage();
  vpage.setDefaultTimeout(STEP_MS);
  watch(vpage, 'viewer');
  await signIn(vpage, env.PL_UI_VIEWER, env.PL_UI_VIEWER_PASSWORD);
  await check('a viewer sees no Admin link in the header', async () => {
    const links = await vpage.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts();
    if (links.some((l) => /admin/i.test(l))) throw new Error(links.join(', '));
  });
  await vpage.goto(`${BASE}/admin/users`);
  await check('/admin tells a viewer it is for admins only', async () => {
    await vpage.getByRole('heading', { level: 1, name: 'Admins only' }).waitFor();
    if (await vpage.getByRole('table').count()) throw new Error('a table is shown');
  });
  await shot(vpage, 'viewer-admins-only');
  await accessible(vpage, 'admins only');
  await check('... and the API refuses the viewer (403)', async () => {
    const vt = (await api('POST', '/api/v1/auth/login', null, { username: env.PL_UI_VIEWER, password: env.PL_UI_VIEWER_PASSWORD })).access_token;
    const r = await fetch(`${BASE}/api/v1/users`, { headers: { Authorization: `Bearer ${vt}` } });
    if (r.status !== 403) throw new Error(`status ${r.status}`);
  });
  await vctx.close();
}

run('admin', main);
