// A project's Git tab in Debian's chromium (issue 16, item 2), run by
// t/ui/git.t against a live server on SQLite with the Ollama stand-in and a
// private sshd as the remote: status with line counts, a diff both ways,
// hunks staged and one unstaged, a file staged and unstaged, the remote set,
// a deploy key made and copied, the host key confirmed after the first
// contact, a pull that fast-forwards, a message drafted by the model
// (streamed into an editable box) and committed, the log and a commit's view,
// a rejected push said clearly, a branch created and switched, a webhook
// secret shown once and a signed delivery listed; axe-core on each view, Tab
// through the git view, 375 px. Environment: PL_UI_BASE, PL_UI_SHOTS,
// PL_UI_FAKE, PL_UI_SHOP (the checkout), PL_UI_REMOTE (its ssh URL),
// PL_UI_BARE (the bare repository), PL_UI_AUTHKEYS (the sshd's
// authorized_keys), PL_UI_HOSTFP (the sshd's host key fingerprint),
// PL_UI_USER, PL_UI_PASSWORD.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env, BASE, STEP_MS, until, check, note, watch, newContext, accessible, screenshot, api, run, keyboardOnly } from './lib.mjs';

// the second phase's screenshots have a prefix of their own (the count restarts)
const shot = (page, name) => screenshot(page, env.PL_UI_PHASE === 'hostkey' ? 'gh' : 'g', name);
const JOB_MS = 60_000;

async function fake(method, path, body) {
  const res = await fetch(`${env.PL_UI_FAKE}/_control/${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return res.json().catch(() => null);
}

// a commit on the remote's main, made by the git CLI in a scratch clone
function remoteCommit(file, content) {
  const home = mkdtempSync(join(tmpdir(), 'pl-ui-git-'));
  writeFileSync(join(home, '.gitconfig'), '[safe]\n\tdirectory = *\n[user]\n\tname = Remote\n\temail = remote@example.org\n');
  const git = (...args) => execFileSync('git', args, { env: { ...process.env, HOME: home, GIT_CONFIG_NOSYSTEM: '1' }, stdio: 'pipe' });
  git('clone', '-q', env.PL_UI_BARE, join(home, 'w'));
  writeFileSync(join(home, 'w', file), content);
  git('-C', join(home, 'w'), 'add', '-A');
  git('-C', join(home, 'w'), 'commit', '-q', '-m', `remote: ${file}`);
  git('-C', join(home, 'w'), 'push', '-q', 'origin', 'main');
}

async function noOverflow(page, what) {
  await check(`at 375 px wide nothing overflows sideways (${what})`, async () => {
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    if (w <= 375) return;
    // name what sticks out, the innermost first
    const out = await page.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > 376 && ![...el.children].some((c) => c.getBoundingClientRect().right > 376))
        .slice(0, 4)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)})`),
    );
    throw new Error(`scrollWidth ${w}: ${out.join(', ')}`);
  });
}

async function flow(browser) {
  const context = await newContext(browser);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  watch(page, 'git');
  const tab = (name) => page.getByRole('tab', { name: new RegExp(`^${name}`) });
  const alertText = (re) => page.getByRole('alert').filter({ hasText: re });
  const statusText = (re) => page.getByRole('status').filter({ hasText: re });

  const token = (await api('POST', '/api/v1/auth/login', null, { username: env.PL_UI_USER, password: env.PL_UI_PASSWORD })).access_token;
  const shop = await api('POST', '/api/v1/projects', token, { name: 'shop', description: 'The web shop', local_path: env.PL_UI_SHOP });
  await api('PUT', `/api/v1/projects/${shop.id}/chat-defaults`, token, { model: 'llama3.2:latest' });

  await page.goto(`${BASE}/`);
  await page.getByLabel('User name').fill(env.PL_UI_USER);
  await page.getByLabel('Password').fill(env.PL_UI_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Projects', exact: true }).waitFor();

  // --- the Git tab: its own chunk, loaded when opened
  await page.goto(`${BASE}/projects/${shop.id}`);
  const chunk = page.waitForResponse((r) => /\/assets\/ProjectGit-[^/]+\.js$/.test(r.url()));
  await tab('Git').click();
  await check('the Git tab loads its page as a chunk of its own', () => chunk);
  const unstaged = page.getByRole('list', { name: 'Unstaged', exact: true });
  const staged = page.getByRole('list', { name: 'Staged', exact: true });
  const row = (list, path) => list.getByRole('listitem').filter({ has: page.getByRole('button', { name: path, exact: true }) });
  await check('the status: branch, and the unstaged files with their line counts', async () => {
    await unstaged.waitFor();
    if ((await page.getByTestId('branch').innerText()) !== 'main') throw new Error(await page.getByTestId('branch').innerText());
    const want = { README: ['modified', '+3', '−1'], 'h.txt': ['modified', '+3', '−1'], 'new.txt': ['untracked', '+3', '−0'] };
    for (const [path, bits] of Object.entries(want)) {
      const t = await row(unstaged, path).textContent();
      for (const b of bits) if (!t.includes(b)) throw new Error(`${path}: no ${b} in ${t}`);
    }
    if (!(await page.getByText('Nothing staged.').isVisible())) throw new Error('something staged');
  });

  // --- a diff, unified then side by side
  await unstaged.getByRole('button', { name: 'h.txt', exact: true }).click();
  const diff = page.getByRole('region', { name: 'Diff of h.txt' });
  await check("a file's diff, unified: two hunks with numbered lines", async () => {
    await diff.waitFor();
    if ((await diff.locator('.gdiff-hunk').count()) !== 2) throw new Error(`${await diff.locator('.gdiff-hunk').count()} hunks`);
    const first = await diff.locator('table.unified').first().innerText();
    if (!/line one/.test(first) || !/line 1\.5/.test(first)) throw new Error(first);
    if ((await diff.locator('tr.add').count()) !== 3 || (await diff.locator('tr.del').count()) !== 1) throw new Error('not 3 added and 1 removed line');
  });
  await shot(page, 'diff-unified');
  await page.getByRole('radio', { name: 'Side by side' }).check();
  await check('... and side by side: the removed line beside the line that replaces it', async () => {
    const r = diff.locator('table.split tbody tr').filter({ hasText: 'line one' }).first();
    await r.waitFor();
    const cells = await r.locator('td').allInnerTexts();
    if (!/line 1$/.test(cells[1].trim()) || !/line one$/.test(cells[3].trim())) throw new Error(cells.join(' | '));
  });
  await shot(page, 'diff-side-by-side');
  await accessible(page, 'git changes with a diff');
  await keyboardOnly(page, 'git changes with a diff');
  await page.getByRole('radio', { name: 'Unified' }).check();

  // --- stage a hunk, a file; unstage a file
  await page.getByRole('button', { name: 'Stage hunk 2 of h.txt' }).click();
  await check('a hunk staged: h.txt is in both lists, +1 staged, the first hunk left unstaged', async () => {
    await row(staged, 'h.txt').waitFor();
    const t = await row(staged, 'h.txt').innerText();
    if (!t.includes('+1') || !t.includes('−0')) throw new Error(t);
    if (!(await row(unstaged, 'h.txt').innerText()).includes('+2')) throw new Error(await row(unstaged, 'h.txt').innerText());
    // (the diff shown before the stage is replaced once its reload answers)
    await until('the unstaged diff with one hunk left', async () => (await diff.locator('.gdiff-hunk').count()) === 1);
  });
  await page.getByRole('button', { name: 'Stage hunk 1 of h.txt' }).click();
  await check('the other hunk staged too: nothing of h.txt left unstaged', () => row(unstaged, 'h.txt').waitFor({ state: 'detached' }));
  await staged.getByRole('button', { name: 'h.txt', exact: true }).click();
  await check('the staged diff of h.txt: two hunks, each with its Unstage button', async () => {
    await page.getByRole('heading', { name: 'Staged: h.txt' }).waitFor();
    await page.getByRole('button', { name: 'Unstage hunk 2 of h.txt' }).waitFor();
  });
  await page.getByRole('button', { name: 'Unstage hunk 1 of h.txt' }).click();
  await check('a hunk unstaged: the first change back in the unstaged list, the second still staged', async () => {
    await row(unstaged, 'h.txt').waitFor();
    const t = await row(staged, 'h.txt').textContent();
    if (!t.includes('+1') || !t.includes('−0')) throw new Error(t);
    const u = await row(unstaged, 'h.txt').textContent();
    if (!u.includes('+2') || !u.includes('−1')) throw new Error(u);
  });
  await shot(page, 'hunk-unstaged');
  await page.getByRole('button', { name: 'Stage README', exact: true }).click();
  await check('a file staged', () => row(staged, 'README').waitFor());
  await page.getByRole('button', { name: 'Unstage README', exact: true }).click();
  await check('a file unstaged', async () => {
    await row(unstaged, 'README').waitFor();
    if (await row(staged, 'README').count()) throw new Error('still staged');
  });
  await page.getByRole('button', { name: 'Stage README', exact: true }).click();
  await row(staged, 'README').waitFor();

  // --- the remote: its URL, the deploy key, the host key, a fast-forward pull
  await tab('Remote').click();
  await page.getByLabel('Remote URL').fill(env.PL_UI_REMOTE);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await check('the remote URL is saved', async () => {
    await page.getByRole('button', { name: 'Save', exact: true }).and(page.locator(':disabled')).waitFor();
    const r = await api('GET', `/api/v1/projects/${shop.id}/git/remote`, token);
    if (r.url !== env.PL_UI_REMOTE) throw new Error(JSON.stringify(r));
  });
  await page.getByRole('button', { name: 'Make a deploy key' }).click();
  const pub = page.locator('pre.pubkey');
  let key = '';
  await check("a deploy key made: its public half and fingerprint shown", async () => {
    key = (await pub.innerText()).trim();
    if (!/^ssh-ed25519 AAAA\S+ mod_planning-\d+$/.test(key)) throw new Error(key);
    await page.getByText(/^SHA256:/).first().waitFor();
  });
  await page.getByRole('button', { name: 'Copy the public key' }).click();
  await check('... copied with its button', async () => {
    await statusText('Copied.').waitFor();
    const got = await page.evaluate(() => navigator.clipboard.readText());
    if (got !== key) throw new Error(got);
  });
  writeFileSync(env.PL_UI_AUTHKEYS, `${key}\n`);
  await accessible(page, 'git remote');
  await keyboardOnly(page, 'git remote');

  await page.getByRole('button', { name: 'Fetch', exact: true }).click();
  await check("the first contact: the host key is not confirmed, said in words, the key listed as pending with its fingerprint", async () => {
    await alertText(/host key is not confirmed/).waitFor({ timeout: JOB_MS });
    const li = page.getByRole('list', { name: 'Host keys' }).getByRole('listitem');
    const t = await li.textContent();
    if (!t.includes('pending') || !t.includes(env.PL_UI_HOSTFP)) throw new Error(t);
  });
  await shot(page, 'host-key-pending');
  await page.getByRole('button', { name: /^Confirm the host key of / }).click();
  await check('an admin confirms it', () => page.getByRole('list', { name: 'Host keys' }).getByText('confirmed').waitFor());

  const events = page.waitForRequest((r) => /\/api\/v1\/jobs\/\d+\/events$/.test(r.url()));
  await page.getByRole('button', { name: 'Pull', exact: true }).click();
  await check('a pull follows its job with a progress bar (the events)', async () => {
    await events;
  });
  await check('... and fast-forwards', () => statusText(/Fast-forwarded/).waitFor({ timeout: JOB_MS }));
  await shot(page, 'pulled');

  // --- a message drafted by the model, edited, committed
  await tab('Changes').click();
  const box = page.getByLabel('Commit message');
  const words = 'Stage the second hunk of h.txt and the README';
  // a long draft stopped halfway: the box keeps what came, the model stops
  const long = Array.from({ length: 80 }, (_, i) => `word${i}`).join(' ');
  await fake('POST', 'config', { replies: [long] });
  await page.getByRole('button', { name: 'Draft with the model' }).click();
  await check('a draft stopped while it streams keeps the words that came, and stops', async () => {
    await page.waitForFunction(() => document.getElementById('commit-message').value.includes('word5'));
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.getByRole('button', { name: 'Draft with the model' }).waitFor();
    const got = await box.inputValue();
    await page.waitForTimeout(500);
    if ((await box.inputValue()) !== got || got === long || !got.startsWith('word0')) throw new Error(got);
  });
  await fake('POST', 'config', { replies: [words] });
  await page.getByRole('button', { name: 'Draft with the model' }).click();
  await check('"Draft with the model" streams into the box (Stop while it streams)', async () => {
    await page.getByRole('button', { name: 'Stop', exact: true }).waitFor();
    await page.waitForFunction((w) => document.getElementById('commit-message').value === w, words, { timeout: STEP_MS });
  });
  await check('... editable after it streamed', async () => {
    await page.getByRole('button', { name: 'Draft with the model' }).waitFor();
    await box.press('End');
    await box.pressSequentially(' (from the UI)');
    if ((await box.inputValue()) !== `${words} (from the UI)`) throw new Error(await box.inputValue());
  });
  await page.getByRole('button', { name: 'Commit', exact: true }).click();
  await check('committed: the page says so, nothing staged, the first hunk of h.txt still unstaged', async () => {
    await statusText(/^Committed [0-9a-f]{8}: Stage the second hunk/).waitFor();
    await page.getByText('Nothing staged.').waitFor();
    if (!(await row(unstaged, 'h.txt').innerText()).includes('+2')) throw new Error('h.txt');
  });
  await shot(page, 'committed');

  // --- the log and a commit's view
  await tab('History').click();
  const commits = page.getByRole('list', { name: 'Commits' });
  await check('the log: the new commit first, then the pulled one', async () => {
    await commits.waitFor();
    const sums = await commits.locator('.csum').allInnerTexts();
    if (sums[0] !== `${words} (from the UI)` || sums[1] !== 'remote: remote.txt') throw new Error(sums.join(' | '));
  });
  await commits.getByRole('button', { name: `${words} (from the UI)` }).click();
  const cview = page.getByRole('region', { name: `${words} (from the UI)` });
  await check("a commit's view: author and its diff (README and the staged hunk only)", async () => {
    await cview.getByRole('region', { name: 'Diff of h.txt' }).waitFor();
    await cview.getByRole('region', { name: 'Diff of README' }).waitFor();
    const t = await cview.getByRole('region', { name: 'Diff of h.txt' }).innerText();
    if (!t.includes('line 25.5') || t.includes('line 1.5')) throw new Error(t);
    if (!(await cview.innerText()).includes(env.PL_UI_USER)) throw new Error('no author');
  });
  await page.getByRole('radio', { name: 'Side by side' }).check();
  await cview.locator('table.split').first().waitFor();
  await shot(page, 'commit');
  await accessible(page, 'git history and a commit');
  await keyboardOnly(page, 'git history and a commit');

  // --- a push the remote rejects (it has a commit this branch has not)
  remoteCommit('other.txt', 'another remote change\n');
  await tab('Remote').click();
  await page.getByRole('button', { name: 'Push', exact: true }).click();
  await check('a rejected push is said clearly (pull first)', async () => {
    await alertText(/The push failed: The remote rejected the push.*Pull first/).waitFor({ timeout: JOB_MS });
  });
  await shot(page, 'push-rejected');

  // --- a branch created and switched, then back
  await page.getByLabel('New branch').fill('feature/git-ui');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await check('a branch created and switched to', async () => {
    await page.getByTestId('branch').filter({ hasText: /^feature\/git-ui$/ }).waitFor();
  });
  await page.getByRole('combobox', { name: 'Branch', exact: true }).selectOption('main');
  await page.getByRole('button', { name: 'Switch', exact: true }).click();
  await check('... and switched back to main from the switcher', async () => {
    await page.getByTestId('branch').filter({ hasText: /^main$/ }).waitFor();
    const b = await api('GET', `/api/v1/projects/${shop.id}/git/branches`, token);
    if (!b.items.some((x) => x.name === 'feature/git-ui')) throw new Error(JSON.stringify(b));
  });

  // --- webhooks: the secret shown once, a delivery listed
  await tab('Webhooks').click();
  await page.getByRole('button', { name: 'Make a secret' }).click();
  let secret = '';
  await check('a webhook secret made: shown once, copied with its button', async () => {
    secret = (await page.locator('.once pre').innerText()).trim();
    if (secret.length < 20) throw new Error(secret);
    await page.getByRole('button', { name: 'Copy the secret' }).click();
    if ((await page.evaluate(() => navigator.clipboard.readText())) !== secret) throw new Error('clipboard');
    await page.getByText(/A secret is set/).waitFor();
  });
  const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
  const res = await fetch(`${BASE}/api/v1/hooks/github/${shop.id}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-GitHub-Event': 'ping',
      'X-GitHub-Delivery': 'ui-ping-1',
      'X-Hub-Signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    },
    body,
  });
  note(`ping delivery: ${res.status}`);
  await tab('Changes').click();
  await tab('Webhooks').click();
  await check('the recent deliveries list the signed ping and its outcome; the secret is not shown again', async () => {
    const t = await page.locator('table.deliveries tbody tr').first().textContent();
    if (!/github\s*ping\s*ping/i.test(t)) throw new Error(t);
    if ((await page.content()).includes(secret)) throw new Error('the secret is on the page again');
  });
  await shot(page, 'webhooks');
  await accessible(page, 'git webhooks');
  await keyboardOnly(page, 'git webhooks');

  // --- 375 px
  await page.setViewportSize({ width: 375, height: 812 });
  await tab('Changes').click();
  await unstaged.getByRole('button', { name: 'h.txt', exact: true }).click();
  await page.getByRole('region', { name: 'Diff of h.txt' }).waitFor();
  await noOverflow(page, 'changes with a diff');
  await shot(page, 'changes-375px');
  await tab('Remote').click();
  await page.locator('pre.pubkey').waitFor();
  await noOverflow(page, 'remote');
  await tab('History').click();
  await commits.waitFor();
  await noOverflow(page, 'history');
  await context.close();
}

// --- phase "hostkey": the sshd restarted with another host key (git.t)
async function hostKeyFlow(browser) {
  const context = await newContext(browser);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  watch(page, 'git host key');
  const token = (await api('POST', '/api/v1/auth/login', null, { username: env.PL_UI_USER, password: env.PL_UI_PASSWORD })).access_token;
  const shop = (await api('GET', '/api/v1/projects?limit=50', token)).items.find((p) => p.name === 'shop');
  await page.goto(`${BASE}/`);
  await page.getByLabel('User name').fill(env.PL_UI_USER);
  await page.getByLabel('Password').fill(env.PL_UI_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Projects', exact: true }).waitFor();
  await page.goto(`${BASE}/projects/${shop.id}?tab=git`);
  await page.getByRole('tab', { name: /^Remote/ }).click();
  const fetchBtn = page.getByRole('button', { name: 'Fetch', exact: true });
  const alertText = (re) => page.getByRole('alert').filter({ hasText: re });
  await fetchBtn.click();
  await check('a changed host key is said clearly: nothing transferred, what an admin may do', () =>
    alertText(/another ssh host key than the confirmed one: nothing was transferred/).waitFor({ timeout: JOB_MS }),
  );
  await shot(page, 'host-key-changed');
  await accessible(page, 'git remote, host key changed');
  await page.getByRole('button', { name: /^Forget the host key of / }).click();
  await page.getByText('None recorded', { exact: false }).waitFor();
  await fetchBtn.click();
  await check('after the admin forgets the old key, the next contact records the new one as pending, with its fingerprint', async () => {
    await alertText(/host key is not confirmed/).waitFor({ timeout: JOB_MS });
    const t = await page.getByRole('list', { name: 'Host keys' }).textContent();
    if (!t.includes('pending') || !t.includes(env.PL_UI_HOSTFP)) throw new Error(t);
  });
  await page.getByRole('button', { name: /^Confirm the host key of / }).click();
  await page.getByRole('list', { name: 'Host keys' }).getByText('confirmed').waitFor();
  await fetchBtn.click();
  await check('... confirmed, the fetch then works', () => page.getByRole('status').filter({ hasText: 'Fetched.' }).waitFor({ timeout: JOB_MS }));

  // an unreachable remote (nothing listens on the port)
  await page.getByLabel('Remote URL').fill(env.PL_UI_DEAD);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('button', { name: 'Save', exact: true }).and(page.locator(':disabled')).waitFor();
  await fetchBtn.click();
  await check('an unreachable remote is said clearly', () => alertText(/The fetch failed: The remote could not be reached/).waitFor({ timeout: JOB_MS }));
  await shot(page, 'unreachable');

  // an https remote's token: write-only
  await page.getByLabel('Remote URL').fill('https://git.example.com/team/shop.git');
  await page.getByLabel('Token').fill('tok-ui-secret-0123');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await check('an https remote with a token: saved, never shown back', async () => {
    await page.getByPlaceholder('set (empty keeps it)').waitFor();
    const r = await api('GET', `/api/v1/projects/${shop.id}/git/remote`, token);
    if (r.url !== 'https://git.example.com/team/shop.git' || r.token_set !== true) throw new Error(JSON.stringify(r));
    if ((await page.getByLabel('Token').inputValue()) !== '') throw new Error('the token is still in its field');
  });

  // a fetch already running when the page opens (a remote that never
  // answers): followed at once, then canceled from the page
  await page.getByLabel('Remote URL').fill(env.PL_UI_SILENT);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('button', { name: 'Save', exact: true }).and(page.locator(':disabled')).waitFor();
  const job = await api('POST', `/api/v1/projects/${shop.id}/git/fetch`, token);
  await page.reload();
  await page.getByRole('tab', { name: /^Remote/ }).click();
  await check('a fetch already running is followed when the view opens (its progress bar)', async () => {
    await page.getByRole('progressbar', { name: 'fetch progress' }).waitFor();
    await page.getByText(/^Fetch: (Connecting|queued)/).waitFor();
  });
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await check('... and canceled from the page', async () => {
    await page.getByRole('status').filter({ hasText: 'The fetch was canceled.' }).waitFor({ timeout: JOB_MS });
    const j = await api('GET', `/api/v1/jobs/${job.id}`, token);
    if (j.state !== 'canceled') throw new Error(j.state);
  });
  await context.close();
}

run(env.PL_UI_PHASE || 'git', env.PL_UI_PHASE === 'hostkey' ? hostKeyFlow : flow);
