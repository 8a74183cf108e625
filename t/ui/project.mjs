// A project's page in Debian's chromium (issue 15, item 5, and the
// sanitizer cases of item 2 for the plan), run by t/ui/project.t against a
// live server on SQLite: "Analyse now" with its progress bar to the end and
// a canceled one, the objectives tree with filters and an objective's
// evidence, the recommendations, the burn-up after two analyses (hover and
// keyboard), the plan editor (preview, save, a 412 conflict shown and
// resolved both ways, the diff of a version, a restore), a hostile plan
// rendered inert, 375 px and dark mode. Environment: PL_UI_BASE,
// PL_UI_SHOTS, PL_UI_SHOP (the checkout), PL_UI_SLOW (a file whose
// presence makes the analyzer wait), PL_UI_USER, PL_UI_PASSWORD.
import { writeFileSync, mkdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { env, BASE, STEP_MS, check, note, watch, newContext, accessible, screenshot, api, run, expectedNow, keyboardOnly } from './lib.mjs';

const shot = (page, name) => screenshot(page, 'p', name);

async function flow(browser) {
  const context = await newContext(browser);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  watch(page, 'project');
  const dialogs = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  const heading = (name) => page.getByRole('heading', { level: 1, name, exact: true });
  const tab = (name) => page.getByRole('tab', { name, exact: true });

  const token = (await api('POST', '/api/v1/auth/login', null, { username: env.PL_UI_USER, password: env.PL_UI_PASSWORD })).access_token;
  const shop = await api('POST', '/api/v1/projects', token, { name: 'shop', description: 'The web shop: accounts, cart and search', local_path: env.PL_UI_SHOP });
  const base = `/api/v1/projects/${shop.id}`;

  // --- sign in, the dashboard's card leads to the project's page
  await page.goto(`${BASE}/`);
  await page.getByLabel('User name').fill(env.PL_UI_USER);
  await page.getByLabel('Password').fill(env.PL_UI_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await heading('Projects').waitFor();
  await page.getByRole('link', { name: 'shop', exact: true }).click();
  await check("a dashboard card's name leads to the project's page", async () => {
    await heading('shop').waitFor();
    if (new URL(page.url()).pathname !== `/projects/${shop.id}`) throw new Error(page.url());
  });
  await check('a project not analysed yet says so', () => page.getByText('Not analysed yet.').waitFor());
  await shot(page, 'not-analysed');

  // --- Analyse now: the job's events move the progress bar to its end
  const events = page.waitForRequest((r) => /\/api\/v1\/jobs\/\d+\/events$/.test(r.url()));
  await page.getByRole('button', { name: 'Analyse now' }).click();
  const progress = page.getByRole('progressbar', { name: 'Analysis progress' });
  await check('"Analyse now" follows the job\'s events (EventSource, same-origin cookies)', async () => {
    const req = await events;
    if (req.headers()['accept'] !== 'text/event-stream') throw new Error(`Accept: ${req.headers()['accept']}`);
  });
  await check('... the progress bar reaches its end and the page says the analysis is complete', async () => {
    await page.getByRole('status').filter({ hasText: 'Analysis complete.' }).waitFor({ timeout: 60_000 });
    const v = await progress.evaluate((el) => el.value);
    if (v !== 100) throw new Error(`progress ${v}`);
  });
  await check('... and the figures of the analysis are shown', async () => {
    await page.locator('.summary').getByText('Observed', { exact: true }).waitFor();
  });

  // --- the objectives: a tree, gaps first, filters, an objective's evidence
  const tree = page.getByRole('list', { name: 'Objectives' });
  const rows = tree.locator('.orow-open');
  await check('the objectives tree lists the plan\'s objectives with level, verdict, observed/claimed and confidence', async () => {
    await tree.waitFor();
    const text = await tree.textContent();
    for (const want of ['AUTH-001', 'CART-001', 'SRCH-001', 'primary', 'secondary', 'confidence']) if (!text.includes(want)) throw new Error(`no ${want} in ${text}`);
  });
  await check('... the gaps first (not done before done)', async () => {
    const ids = await rows.locator('.oid').allInnerTexts();
    const first = await tree.locator('.orow').first().locator('.verdict').innerText();
    if (first === 'done' && ids.length > 1) throw new Error(`first is done: ${ids.join(', ')}`);
    note(`objectives in order: ${ids.join(', ')}`);
  });
  await page.getByLabel('Verdict').selectOption('done');
  await check('the verdict filter narrows the tree', async () => {
    await page.getByText('1 objective match').waitFor();
    if ((await rows.count()) !== 1 || !(await rows.first().innerText()).includes('AUTH-001')) throw new Error(await tree.innerText());
  });
  await page.getByLabel('Verdict').selectOption('');
  await page.getByLabel('Level').selectOption('secondary');
  await check('the level filter narrows the tree', async () => {
    await page.getByText('1 objective match').waitFor();
    if (!(await rows.first().innerText()).includes('SRCH-001')) throw new Error(await tree.innerText());
  });
  await page.getByLabel('Level').selectOption('');
  await page.getByRole('searchbox', { name: 'Search objectives' }).fill('login');
  await check('the search narrows the tree', async () => {
    await page.getByText('1 objective match').waitFor();
    if (!(await rows.first().innerText()).includes('AUTH-001')) throw new Error(await tree.innerText());
  });
  await page.getByRole('searchbox', { name: 'Search objectives' }).fill('');
  await page.getByText('3 objectives').waitFor();

  await tree.getByRole('button', { name: /^AUTH-001 User login/ }).click();
  const detail = page.getByRole('region', { name: /AUTH-001 User login/ });
  await check("an objective's detail: its tasks with their evidence (file:line, symbol, matched words)", async () => {
    await detail.waitFor();
    await detail.getByText('Hash passwords with a random salt').waitFor();
    const ev = detail.getByRole('list', { name: 'Evidence for “Hash passwords with a random salt”' });
    const text = await ev.innerText();
    if (!/auth\/passwords\.py:\d+/.test(text) || !text.includes('hash_password') || !text.includes('salt')) throw new Error(text);
  });
  await check('... tested or not, and focus moved to its heading', async () => {
    const text = await detail.innerText();
    if (!/not tested|tested/.test(text)) throw new Error(text);
    if (!(await detail.getByRole('heading', { level: 2 }).evaluate((el) => el === document.activeElement))) throw new Error('focus elsewhere');
  });
  await check('... its verdict over time', async () => {
    const rowsH = detail.getByRole('table').locator('tbody tr');
    if ((await rowsH.count()) < 1) throw new Error('no history');
  });
  await shot(page, 'objectives-detail');
  await check('Escape closes the objective, focus back on its row', async () => {
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.activeElement && document.activeElement.dataset.oid === 'AUTH-001');
  });
  await tree.getByRole('button', { name: /^AUTH-001 User login/ }).click();
  await detail.waitFor();
  await accessible(page, 'objectives with a detail');
  await keyboardOnly(page, 'objectives with a detail');

  // --- code written, a second analysis: observed rises
  mkdirSync(join(env.PL_UI_SHOP, 'cart'), { recursive: true });
  writeFileSync(
    join(env.PL_UI_SHOP, 'cart', 'cart.go'),
    'package cart\n\n// AddItem adds an item to the shopping cart.\nfunc AddItem(c []string, it string) []string { return append(c, it) }\n\n' +
      '// ApplyCoupon applies a discount coupon to the cart total.\nfunc ApplyCoupon(total, pct int) int { return total * (100 - pct) / 100 }\n',
  );
  await page.getByRole('button', { name: 'Analyse now' }).click();
  await check('a second analysis from the page completes', async () => {
    await page.getByRole('button', { name: 'Analysing…' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Analysis complete.' }).waitFor({ timeout: 60_000 });
  });

  // --- cancel: the analyzer waits while the marker file exists
  writeFileSync(env.PL_UI_SLOW, 'slow\n');
  await page.getByRole('button', { name: 'Analyse now' }).click();
  await check('"Cancel" stops a running analysis and the page says so', async () => {
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('status').filter({ hasText: 'The analysis was canceled.' }).waitFor({ timeout: 30_000 });
    const jobs = (await api('GET', '/api/v1/jobs?limit=5', token)).items;
    if (jobs[0].state !== 'canceled') throw new Error(`newest job ${jobs[0].state}`);
  });
  unlinkSync(env.PL_UI_SLOW);
  await shot(page, 'analysis-canceled');

  // --- recommendations
  await tab('Recommendations').click();
  const recs = page.getByRole('list', { name: 'Recommendations' });
  await check('the recommendations in dependency order, with priority, effort, impact and rationale', async () => {
    await recs.waitFor();
    const first = recs.getByRole('listitem').first();
    const text = await first.innerText();
    for (const w of ['Priority', 'Effort', 'Impact']) if (!text.includes(w)) throw new Error(text);
    if ((await first.locator('.rationale').innerText()).length < 10) throw new Error('no rationale');
    const ranks = await recs.locator('.rank').allInnerTexts();
    if (ranks.join(',') !== ranks.map((_, i) => i + 1).join(',')) throw new Error(`ranks ${ranks}`);
  });
  await shot(page, 'recommendations');
  await accessible(page, 'recommendations');
  await keyboardOnly(page, 'recommendations');

  // --- the burn-up after two analyses, with the keyboard only to get there
  await tab('Recommendations').focus();
  await page.keyboard.press('ArrowRight');
  const plot = page.getByRole('slider', { name: 'Burn-up: pick an analysis' });
  await check('the tabs move with the arrow keys: the burn-up chart, one point per analysis', async () => {
    await plot.waitFor();
    if ((await tab('Burn-up').getAttribute('aria-selected')) !== 'true') throw new Error('not selected');
    const dots = await plot.locator('circle.bu-dot').count();
    if (dots !== 2) throw new Error(`${dots} points`);
  });
  await check('hovering a point shows that snapshot\'s figures', async () => {
    const box = await plot.locator('svg').boundingBox();
    await page.mouse.move(box.x + box.width * 0.08, box.y + box.height / 2);
    await plot.locator('.bu-box').getByText('Analysis 1 ·').waitFor();
    await page.getByText(/^Analysis 1 of 2, .*observed \d+%, claimed \d+%/).waitFor();
  });
  await shot(page, 'burnup-hover');
  await check('... and the keyboard moves between snapshots (End: the latest)', async () => {
    await plot.focus();
    await page.keyboard.press('End');
    const t = await plot.getAttribute('aria-valuetext');
    if (!/^Analysis 2 of 2/.test(t)) throw new Error(t);
  });
  await accessible(page, 'burn-up');
  await keyboardOnly(page, 'burn-up');

  // --- the plan editor
  await tab('Plan').click();
  const editor = page.getByLabel(/^Plan \(Markdown\)/);
  const preview = page.getByRole('region', { name: 'Preview' });
  await check('the plan editor shows the plan and its rendered preview', async () => {
    await editor.waitFor();
    if (!(await editor.inputValue()).includes('AUTH-001 User login')) throw new Error('no plan text');
    await preview.getByRole('heading', { name: 'AUTH-001 User login' }).waitFor();
  });
  const original = (await api('GET', `${base}/plan`, token)).markdown;
  await editor.fill(original + '\n### SHIP-001 Shipping\n- [ ] Ship orders by post\n');
  await check('the preview follows the text', () => preview.getByRole('heading', { name: 'SHIP-001 Shipping' }).waitFor());
  await tab('Objectives').click();
  await tab('Plan').click();
  await check('unsaved plan text survives a look at another tab', async () => {
    if (!(await editor.inputValue()).includes('SHIP-001')) throw new Error('the text was lost');
    await page.getByText('Unsaved changes.').waitFor();
  });
  await page.getByLabel('What changed (optional)').fill('shipping');
  await page.getByRole('button', { name: 'Save plan' }).click();
  await check('saving writes the plan (If-Match) as a new version', async () => {
    await page.getByRole('status').filter({ hasText: /^Saved as version \d+\./ }).waitFor();
    const p = await api('GET', `${base}/plan`, token);
    if (!p.markdown.includes('SHIP-001')) throw new Error('not saved');
  });
  await shot(page, 'plan-saved');
  await accessible(page, 'plan editor');
  await keyboardOnly(page, 'plan editor');

  // someone else saves meanwhile: 412, shown; "Overwrite with mine"
  const theirs = async (text) => {
    const p = await api('GET', `${base}/plan`, token);
    await api('PUT', `${base}/plan`, token, { markdown: text, message: 'their edit' }, { headers: { 'If-Match': p.etag } });
  };
  await theirs(original + '\n### THEIRS-001 Their objective\n');
  await editor.fill(original + '\n### MINE-001 My objective\n');
  expectedNow.push(['PUT', /\/plan$/, 412]);
  await page.getByRole('button', { name: 'Save plan' }).click();
  const conflict = page.getByRole('alert').filter({ hasText: 'Someone else saved the plan first' });
  await check('a save after someone else saved (412): said in place, the text kept', async () => {
    await conflict.waitFor();
    if (!(await editor.inputValue()).includes('MINE-001')) throw new Error('the text was lost');
  });
  await shot(page, 'plan-conflict');
  await accessible(page, 'plan conflict');
  await conflict.getByRole('button', { name: 'Overwrite with mine' }).click();
  await check('... "Overwrite with mine" saves this text over theirs', async () => {
    await page.getByRole('status').filter({ hasText: /^Saved as version/ }).waitFor();
    const p = await api('GET', `${base}/plan`, token);
    if (!p.markdown.includes('MINE-001') || p.markdown.includes('THEIRS-001')) throw new Error(p.markdown);
  });
  await theirs(original + '\n### THEIRS-002 Their second objective\n');
  await editor.fill(original + '\n### MINE-002 Mine again\n');
  await editor.press('Control+s');
  await conflict.waitFor();
  await conflict.getByRole('button', { name: 'Load their version' }).click();
  await check('... or "Load their version" takes theirs in the editor', async () => {
    if (!(await editor.inputValue()).includes('THEIRS-002')) throw new Error(await editor.inputValue());
    await page.getByText('No unsaved changes.').waitFor();
  });
  expectedNow.length = 0;

  // version history, a diff, a restore
  const versions = page.getByRole('region', { name: 'Version history' });
  await check('the version history lists every version, newest first', async () => {
    await versions.getByText('their edit').first().waitFor();
    const n = await versions.getByRole('listitem').count();
    if (n < 5) throw new Error(`${n} versions`);
  });
  const newest = await versions.getByRole('listitem').first().locator('strong').innerText();
  const nNewest = Number(newest.replace(/\D/g, ''));
  await versions.getByRole('button', { name: `Changes in version ${nNewest}` }).click();
  await check("a version's changes as a diff (plan/diff)", async () => {
    const diff = page.locator('pre.diff');
    await diff.waitFor();
    const add = await diff.locator('.dl.add').allInnerTexts();
    const del = await diff.locator('.dl.del').allInnerTexts();
    if (!add.some((l) => l.includes('THEIRS-002')) || !del.some((l) => l.includes('MINE-001'))) throw new Error(`+${add} -${del}`);
  });
  await shot(page, 'plan-diff');
  await versions.getByRole('button', { name: 'Restore version 1' }).click();
  await check('restoring version 1 writes it as the newest version', async () => {
    await page.getByRole('status').filter({ hasText: /^Version 1 restored as version \d+\./ }).waitFor();
    const p = await api('GET', `${base}/plan`, token);
    if (p.markdown !== original) throw new Error('the plan is not version 1');
    if ((await editor.inputValue()) !== original) throw new Error('the editor does not show it');
  });
  await shot(page, 'plan-restored');

  // --- a hostile plan renders inert in the preview
  await page.evaluate(() => {
    window.__plPwned = 0;
  });
  await editor.fill(
    '# Hostile\n\n<img src=x onerror="alert(1)">\n\n[a link](javascript:alert(2))\n\n<a href="javascript:alert(3)">raw link</a>\n\n' +
      '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(4)"><script>window.__plPwned = 1; alert(5)</script><circle r="5"/></svg>\n\n' +
      '<p style="color:red" onclick="alert(6)">styled</p>\n\n<iframe src="javascript:alert(7)"></iframe>\n',
  );
  await check('a hostile plan renders inert: no img, svg, script, iframe, handler or style; links without javascript:', async () => {
    await preview.getByRole('heading', { name: 'Hostile' }).waitFor();
    await preview.getByText('styled').waitFor();
    const bad = await preview.locator('.markdown').evaluate((root) =>
      [...root.querySelectorAll('*')]
        .filter(
          (el) =>
            /^(img|svg|script|iframe|style|object|embed)$/i.test(el.localName) ||
            [...el.attributes].some((a) => /^on/i.test(a.name) || a.name === 'style' || /^\s*javascript:/i.test(a.value)),
        )
        .map((el) => el.outerHTML),
    );
    if (bad.length) throw new Error(bad.join(' | '));
    // raw HTML is shown as text, the Markdown link kept without its target
    await preview.getByText('<img src=x onerror="alert(1)">').waitFor();
    if (await preview.getByRole('link', { name: 'a link' }).count()) throw new Error('"a link" is still a link');
    await preview.getByText('a link').click();
    await preview.getByText('raw link').click();
    await preview.getByText('styled').click();
    await page.waitForTimeout(300);
    if (dialogs.length) throw new Error(`dialogs: ${dialogs.join(', ')}`);
    if ((await page.evaluate(() => window.__plPwned)) !== 0) throw new Error('a script ran');
  });
  await shot(page, 'plan-hostile-preview');
  await editor.fill(original);

  // --- 375 px wide and dark mode
  await page.setViewportSize({ width: 375, height: 812 });
  await check('at 375 px wide nothing overflows sideways (plan)', async () => {
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    if (w > 375) throw new Error(`scrollWidth ${w}`);
  });
  await shot(page, 'plan-375px');
  await tab('Objectives').click();
  await tree.getByRole('button', { name: /^CART-001/ }).click();
  await page.getByRole('region', { name: /CART-001/ }).getByText('Tasks').waitFor();
  await check('at 375 px wide nothing overflows sideways (objectives)', async () => {
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    if (w > 375) throw new Error(`scrollWidth ${w}`);
  });
  await shot(page, 'objectives-375px');
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await tab('Burn-up').click();
  await plot.waitFor();
  await shot(page, 'burnup-dark');
  await accessible(page, 'burn-up, dark');
  await tab('Objectives').click();
  await tree.waitFor();
  await shot(page, 'objectives-dark');
  await accessible(page, 'objectives, dark');

  // --- a project that does not exist
  expectedNow.push(['GET', /\/api\/v1\/projects\/9999$/, 404]);
  await page.goto(`${BASE}/projects/9999`);
  await check('an unknown project: said, with a way back', async () => {
    await page.getByRole('alert').filter({ hasText: 'There is no such project' }).waitFor();
  });
  expectedNow.length = 0;
  await context.close();
}

await run('project', flow);
