// Tools in the chat, in Debian's chromium (run by t/ui/chat.t, phase
// "tools", against a server with PlanningToolWrites confirm): a chat tied to
// a project whose model calls get_plan (the call and its folded result are
// shown while the reply streams and after a reload) and update_task (a
// write: the stream waits on Allow / Reject; allowed, the plan's task is
// ticked). The stand-in calls a tool when the message names it.
// Environment: PL_UI_BASE, PL_UI_SHOTS, PL_UI_USER, PL_UI_PASSWORD,
// PL_UI_PROJECT (the project's id). Prints PASS/FAIL/NOTE lines (lib.mjs).
import { join } from 'node:path';
import { env, BASE, STEP_MS, until, check, note, watch, newContext, accessible, api, run } from './lib.mjs';

// The window as it shows the end of the conversation (in a full-page picture
// the sticky message box would stand in the middle of it).
let shots = 0;
async function shot(page, name) {
  const file = join(env.PL_UI_SHOTS, `chat-tools${String(++shots).padStart(2, '0')}-${name}.png`);
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await page.screenshot({ path: file });
  note(`screenshot ${file}`);
}

async function tools(browser) {
  const context = await newContext(browser);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  watch(page, 'chat tools');
  const token = (await api('POST', '/api/v1/auth/login', null, { username: env.PL_UI_USER, password: env.PL_UI_PASSWORD })).access_token;
  const pid = Number(env.PL_UI_PROJECT);
  const t = await api('POST', '/api/v1/threads', token, { title: 'Plan helper', project_id: pid, model: 'llama3.2:latest' });

  await page.goto(`${BASE}/chat/${t.id}`);
  await page.getByLabel('User name').fill(env.PL_UI_USER);
  await page.getByLabel('Password').fill(env.PL_UI_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Plan helper' }).waitFor();
  const composer = page.getByLabel('Message', { exact: true });
  const msgs = page.getByRole('list', { name: 'Messages' });

  await composer.fill('what does get_plan say?');
  await composer.press('Enter');
  await check('a read tool: the call, its result (folded) and the answer after it', async () => {
    await msgs.locator('.tool-call').filter({ hasText: 'get_plan' }).first().waitFor();
    const result = msgs.locator('details.tool-result').filter({ hasText: 'get_plan' }).first();
    await result.waitFor();
    await result.locator('summary').click();
    await until('the plan in the result', async () => /Login form/.test(await result.innerText()));
    await until('the reply done', async () => !(await page.getByRole('button', { name: 'Stop' }).count()));
  });
  await shot(page, 'read');

  await composer.fill('now update_task objective_id=AUTH-001 task="Login form" done=true');
  await composer.press('Enter');
  const ask = page.getByRole('group', { name: 'The model asks to run update_task' });
  await check('a write tool waits for the user: what it would do, Allow and Reject', async () => {
    await ask.waitFor();
    await until('the arguments shown', async () => /Login form/.test(await ask.innerText()));
    const plan = await api('GET', `/api/v1/projects/${pid}/plan`, token);
    if (/- \[x\] Login form/.test(plan.markdown || '')) throw new Error('the plan changed before Allow');
  });
  await shot(page, 'confirm');
  await accessible(page, 'chat, a tool call waiting');
  await ask.getByRole('button', { name: 'Allow' }).click();
  await check('Allow: the tool runs, the plan\'s task is ticked, the reply goes on to its end', async () => {
    await msgs.locator('details.tool-result').filter({ hasText: 'update_task' }).first().waitFor();
    await until('the task ticked', async () => /- \[x\] Login form/.test((await api('GET', `/api/v1/projects/${pid}/plan`, token)).markdown || ''));
    await until('the reply done', async () => !(await page.getByRole('button', { name: 'Stop' }).count()));
  });

  await page.reload();
  await check('after a reload the stored calls and results are shown', async () => {
    await msgs.locator('.tool-call').filter({ hasText: 'update_task' }).first().waitFor();
    const n = await msgs.locator('li.role-tool details.tool-result').count();
    if (n < 2) throw new Error(`${n} stored tool results shown`);
  });
  await shot(page, 'stored');
  await accessible(page, 'chat with tool calls');
  await context.close();
}

run('tools', tools);
