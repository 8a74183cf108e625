// The API reference page in Debian's chromium (playwright-core), run by
// t/ui/apidocs.t against a live server. Environment: PL_UI_BASE,
// PL_UI_SHOTS, PL_UI_OPS (the operations the document has), PL_UI_USER,
// PL_UI_PASSWORD. Prints PASS/FAIL/NOTE lines (lib.mjs).
import { env, BASE, STEP_MS, check, watch, newContext, accessible, keyboardOnly, fits, screenshot, run } from './lib.mjs';

const shot = (page, name) => screenshot(page, 'api', name);

async function main(browser) {
  const context = await newContext(browser);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  watch(page, 'apidocs');
  const heading = (name) => page.getByRole('heading', { level: 1, name });

  await page.goto(`${BASE}/settings`);
  await page.getByLabel('User name').fill(env.PL_UI_USER);
  await page.getByLabel('Password').fill(env.PL_UI_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await heading('Settings').waitFor();
  await page.getByRole('link', { name: 'API reference' }).click();
  await check('Settings links to the API reference', () => heading('API reference').waitFor());
  await check(`every operation of the document is listed (${env.PL_UI_OPS})`, async () => {
    await page.locator('details.ad-op').first().waitFor();
    const n = await page.locator('details.ad-op').count();
    if (n !== Number(env.PL_UI_OPS)) throw new Error(`${n} listed`);
  });
  await check('operations are grouped by tag (projects, chat, git ...)', async () => {
    for (const tag of ['projects', 'chat', 'git', 'ollama']) await page.getByRole('heading', { level: 2, name: tag, exact: true }).waitFor();
  });
  await accessible(page, 'API reference');

  await page.getByRole('searchbox', { name: 'Filter' }).fill('members');
  await check('the filter narrows the list to matching paths', async () => {
    const paths = await page.locator('details.ad-op .ad-path').allInnerTexts();
    if (!paths.length || paths.some((p) => !p.includes('members'))) throw new Error(paths.join(', '));
  });
  await keyboardOnly(page, 'API reference, filtered');
  await page.locator('details.ad-op summary').filter({ hasText: 'PUT' }).focus();
  await page.keyboard.press('Enter');
  await check('Enter opens an operation: its parameters, body and replies', async () => {
    const op = page.locator('details.ad-op[open]');
    await op.getByRole('table', { name: 'Parameters' }).waitFor();
    await op.getByText('Request body').waitFor();
    await op.getByText('4XX', { exact: true }).waitFor();
    const cells = await op.getByRole('table', { name: 'Parameters' }).locator('code').allInnerTexts();
    if (!cells.includes('id') || !cells.includes('user')) throw new Error(cells.join(', '));
  });
  await shot(page, 'members');
  await accessible(page, 'an operation open');

  await page.setViewportSize({ width: 375, height: 800 });
  await fits(page, 'an operation open');
  await page.getByRole('searchbox', { name: 'Filter' }).fill('');
  await fits(page, 'every operation');
  await shot(page, '375px');
  await context.close();
}

run('apidocs', main);
