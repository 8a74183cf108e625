// The chat and settings pages in Debian's chromium (playwright-core), run by
// t/ui/chat.t against a live server whose model server is the Ollama
// stand-in; this script steers the stand-in through its /_control API
// (slow tokens, endless replies, scripted replies, a busy server) and reads
// its request log (was the generation aborted?).
// Environment: PL_UI_BASE, PL_UI_SHOTS, PL_UI_FAKE (the stand-in's URL),
// PL_UI_USER, PL_UI_PASSWORD. Prints PASS/FAIL/NOTE lines (lib.mjs).
import { join } from 'node:path';
import { env, BASE, STEP_MS, sleep, until, fake, check, fail, note, problems, expected, watch, newContext, accessible, api, run, keyboardOnly } from './lib.mjs';

// the status of an API call that may fail
async function status(method, path, token) {
  const res = await fetch(BASE + path, { method, headers: token ? { Authorization: `Bearer ${token}` } : {} });
  return res.status;
}
// Screenshots chat01-... (chat-cap01-... for the second server). The
// conversation's pages are taken as the window shows them at the end of the
// conversation: in a full-page picture the sticky message box would cover it.
let shots = 0;
const WINDOW = /^(streaming|streamed|stopped|resumed|versions|sanitized|unknown-model|dark|chat-375px|key-shown|keys|stream-cap)$/;
async function shot(page, name) {
  const file = join(env.PL_UI_SHOTS, `${env.PL_UI_PHASE === 'cap' ? 'chat-cap' : 'chat'}${String(++shots).padStart(2, '0')}-${name}.png`);
  const fullPage = !WINDOW.test(name);
  if (!fullPage) await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await page.screenshot({ path: file, fullPage });
  note(`screenshot ${file}`);
}
// an alert(), confirm() or prompt() would mean a script of a reply ran
function noDialogs(page, label) {
  page.on('dialog', (d) => {
    problems.push(`${label}: a ${d.type()} dialog opened: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
}

// the stand-in's chats that streamed (a title request does not)
async function chats() {
  const log = (await fake('GET', 'log?path=/api/chat')) || [];
  return log.filter((r) => r.body && typeof r.body === 'object' && r.body.stream !== false);
}

// the errors this flow provokes on purpose
expected.push(
  ['POST', /\/api\/v1\/threads\/\d+\/messages$/, 404], // an unknown model, if said before the stream
  ['POST', /\/api\/v1\/threads\/\d+\/messages$/, 503], // a busy server, if said before the stream
  ['POST', /\/api\/v1\/threads\/\d+\/messages$/, 502],
);

async function main(browser) {
  const context = await newContext(browser);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  watch(page, 'chat');
  noDialogs(page, 'chat');
  const heading = (name) => page.getByRole('heading', { level: 1, name });
  const token = (await api('POST', '/api/v1/auth/login', null, { username: env.PL_UI_USER, password: env.PL_UI_PASSWORD })).access_token;
  const project = (await api('GET', '/api/v1/projects', token)).items.find((p) => p.name === 'shop');

  // --- sign in, then the chat from the header
  await page.goto(`${BASE}/`);
  await page.getByLabel('User name').fill(env.PL_UI_USER);
  await page.getByLabel('Password').fill(env.PL_UI_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await heading('Projects').waitFor();
  await check('the dashboard does not load the chat\'s code (its own chunk)', async () => {
    const scripts = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => r.name).filter((n) => /\.js$/.test(n)));
    if (scripts.some((s) => /Chat-/.test(s))) throw new Error(scripts.join(' '));
  });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  await check('"Chat" in the header opens a new chat', () => heading('New chat').waitFor());
  const picker = page.getByLabel('Model', { exact: true });
  await check('the model picker lists the models with the servers that have them', async () => {
    await until('llama3.2 in the picker', async () => (await picker.locator('option').allInnerTexts()).some((t) => /llama3\.2:latest — main/.test(t)));
  });
  await picker.selectOption('llama3.2:latest');
  await shot(page, 'new');
  await accessible(page, 'new chat');

  // --- a message, the reply streamed token by token
  await fake('POST', 'config', { token_delay_ms: 120 });
  const composer = page.getByLabel('Message', { exact: true });
  await composer.fill('hello big wide world of streaming words');
  await composer.press('Enter');
  const reply = page.locator('.msg.role-assistant').last();
  await check('the reply streams: part of it shows while the model writes, with Stop', async () => {
    await page.getByRole('button', { name: 'Stop' }).waitFor();
    await until('a partial reply', async () => {
      const t = await reply.locator('.md').innerText().catch(() => '');
      return t.startsWith('Echo:') && !t.includes('[end]');
    });
  });
  await check('... live tokens per second while it streams', () => page.locator('.live-figures').filter({ hasText: /tokens\/s/ }).waitFor());
  await shot(page, 'streaming');
  await check('... the whole reply, rendered, then its figures', async () => {
    await reply.locator('.md').filter({ hasText: 'Echo: hello big wide world of streaming words [end]' }).waitFor();
    await reply.locator('.figures-line').filter({ hasText: /\d+ tokens · [\d.]+ tokens\/s/ }).waitFor();
  });
  await check('the new chat has its own address, and the list shows it', async () => {
    await page.waitForURL(/\/chat\/\d+$/);
    await page.getByRole('list', { name: 'Chats' }).getByRole('link').first().waitFor();
  });
  const tid = Number(page.url().match(/\/chat\/(\d+)$/)[1]);
  await shot(page, 'streamed');
  await accessible(page, 'chat with a reply');
  await keyboardOnly(page, 'chat with a reply');

  // --- stop: the model really stops (the stand-in sees its client leave)
  await fake('POST', 'config', { token_delay_ms: 100, endless: true });
  const before = (await chats()).length;
  await composer.fill('talk until stopped');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByRole('button', { name: 'Stop' }).waitFor();
  await until('a few tokens', async () => /more\d/.test(await reply.innerText().catch(() => '')));
  await check('Escape stops the reply (POST .../stop)', async () => {
    const stopReq = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/api/v1/threads/${tid}/stop`));
    await page.keyboard.press('Escape');
    await stopReq;
    await page.locator('.msg.role-assistant').last().getByText('Stopped.').waitFor();
  });
  await check('... and the stand-in saw the generation aborted', async () => {
    await until('aborted in the log', async () => {
      const c = await chats();
      return c.length > before && c[c.length - 1].aborted;
    });
  });
  await fake('POST', 'config', { endless: false });
  await shot(page, 'stopped');

  // --- a reload in the middle of a reply: it resumes where it was
  await fake('POST', 'config', { token_delay_ms: 150 });
  const words = 'one two three four five six seven eight nine ten eleven twelve';
  await composer.fill(words);
  await composer.press('Enter');
  await until('three tokens', async () => /three/.test(await page.locator('.msg.role-assistant').last().innerText().catch(() => '')));
  const resumed = page.waitForRequest((r) => /\/api\/v1\/threads\/\d+\/messages\/\d+\/stream$/.test(new URL(r.url()).pathname));
  await page.reload();
  await check('after a reload mid-reply the page follows the reply with Last-Event-ID', async () => {
    const req = await resumed;
    const id = req.headers()['last-event-id'];
    if (!/^\d+\.\d+$/.test(id || '')) throw new Error(`Last-Event-ID ${id}`);
    note(`resumed with Last-Event-ID ${id}`);
  });
  await check('... and the reply ends whole, nothing lost or twice', async () => {
    const last = page.locator('.msg.role-assistant').last();
    await last.locator('.md').filter({ hasText: '[end]' }).waitFor();
    const text = (await last.locator('.md').innerText()).trim();
    if (text !== `Echo: ${words} [end]`) throw new Error(text);
  });
  await fake('POST', 'config', { token_delay_ms: 20 });
  await shot(page, 'resumed');

  // --- regenerate, and move between the versions
  await fake('POST', 'config', { replies: ['The second answer.'] });
  await page.locator('.msg.role-assistant').last().getByRole('button', { name: 'Regenerate the reply' }).click();
  const lastReply = () => page.locator('.msg.role-assistant').last();
  await check('regenerate: a new reply beside the old one, "2/2"', async () => {
    await lastReply().locator('.md').filter({ hasText: 'The second answer.' }).waitFor();
    await lastReply().getByRole('group', { name: 'Versions' }).getByText('2/2').waitFor();
  });
  await lastReply().getByRole('button', { name: 'Previous version' }).click();
  await check('‹ shows the first version again, "1/2"', async () => {
    await lastReply().locator('.md').filter({ hasText: `Echo: ${words} [end]` }).waitFor();
    await lastReply().getByText('1/2').waitFor();
  });
  await lastReply().getByRole('button', { name: 'Next version' }).click();
  await lastReply().locator('.md').filter({ hasText: 'The second answer.' }).waitFor();
  await shot(page, 'versions');

  // --- edit a message: asked anew, answered, the question has versions
  const lastUser = () => page.locator('.msg.role-user').last();
  await lastUser().getByRole('button', { name: 'Edit' }).click();
  const editor = page.getByLabel('Edit your message');
  await editor.fill('just three words');
  await page.getByRole('button', { name: 'Save and send' }).click();
  await check('edit: the question asked anew and answered, the question "2/2"', async () => {
    await lastReply().locator('.md').filter({ hasText: 'Echo: just three words [end]' }).waitFor();
    await lastUser().getByText('just three words').waitFor();
    await lastUser().getByText('2/2').waitFor();
  });

  // --- a long reply streams: its finished blocks are drawn once and kept,
  // only the growing one is drawn again; the stored reply is drawn whole
  await fake('POST', 'config', {
    token_delay_ms: 60,
    replies: ['First paragraph, finished early.\n\nSecond paragraph, also done.\n\n```c\nint main(void) { return 0; }\n```\n\nThe last paragraph is written slowly, word by word, until the very end of it.'],
  });
  await composer.fill('a long answer, please');
  await composer.press('Enter');
  await check('while a reply streams, its finished paragraphs are kept, not drawn again', async () => {
    const first = page.locator('.msg.live .md-done p').first();
    await first.filter({ hasText: 'First paragraph' }).waitFor();
    await first.evaluate((el) => (el.dataset.kept = '1'));
    await page.locator('.msg.live .md-tail').filter({ hasText: 'word by word' }).waitFor();
    if ((await page.locator('.msg.live .md-done p[data-kept="1"]').count()) !== 1) throw new Error('the first paragraph was drawn again');
  });
  await check('... and the stored reply is drawn whole: three paragraphs and the code', async () => {
    const md = lastReply().locator('.md');
    await md.filter({ hasText: 'very end of it.' }).waitFor();
    await until('the stored reply', async () => (await page.locator('.msg.live').count()) === 0);
    if ((await md.locator('p').count()) !== 3 || (await md.locator('pre code').count()) !== 1)
      throw new Error(await md.innerHTML());
  });
  await fake('POST', 'config', { token_delay_ms: 20 });

  // --- the sanitizer: a reply with markup that would run, inert
  await fake('POST', 'config', {
    replies: [
      'Look: <img src=x onerror=alert(1)> [click me](javascript:alert(2)) <a href="javascript:alert(3)">here</a> <svg><script>alert(4)</script><circle r=5 onload=alert(5) /></svg> <iframe src=/></iframe> <b style=color:red>bold</b> **done**',
    ],
  });
  await composer.fill('show me something dangerous');
  await composer.press('Enter');
  await check('a reply with <img onerror>, javascript: links and an SVG with script renders inert', async () => {
    const md = lastReply().locator('.md');
    await md.locator('strong').filter({ hasText: 'done' }).waitFor();
    await sleep(300);
    const bad = await md.evaluate((el) => {
      const found = [];
      for (const n of el.querySelectorAll('*')) {
        if (/^(IMG|SVG|SCRIPT|IFRAME|OBJECT|EMBED|STYLE)$/i.test(n.tagName)) found.push(n.tagName);
        for (const a of n.attributes) if (/^on|^style$/i.test(a.name) || /^\s*javascript:/i.test(a.value)) found.push(`${n.tagName} ${a.name}=${a.value}`);
      }
      return found;
    });
    if (bad.length) throw new Error(bad.join(', '));
    if ((await md.getByText('click me').count()) !== 1) throw new Error('the link text is gone');
    note(`rendered: ${(await md.innerText()).slice(0, 200)}`);
    // (an alert() that ran would open a dialog: lib.mjs fails on any)
  });
  await shot(page, 'sanitized');

  // --- Markdown with code: highlighted, with a copy button (a thread
  // imported: the stand-in's replies are single lines)
  const imported = await api('POST', '/api/v1/threads/import', token, {
    format: 'mod_planning.thread',
    format_version: 1,
    thread: { title: 'Code sample', model: 'llama3.2:latest' },
    messages: [
      { id: 1, parent_id: null, role: 'user', content: 'A C function, please', state: 'complete' },
      {
        id: 2,
        parent_id: 1,
        role: 'assistant',
        content: 'Here it is:\n\n```c\nint add(int a, int b) {\n  return a + b; /* sum */\n}\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n',
        state: 'complete',
        model: 'llama3.2:latest',
      },
    ],
  });
  const codeTid = imported && (imported.id || (imported.thread && imported.thread.id));
  if (codeTid) {
    await page.goto(`${BASE}/chat/${codeTid}`);
    await check('code in a reply is highlighted, with a copy button that copies it', async () => {
      const pre = page.locator('.md pre').first();
      await pre.locator('.hljs-keyword').first().waitFor();
      await pre.getByRole('button', { name: 'Copy the c code' }).click();
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      if (!copied.includes('return a + b;')) throw new Error(copied);
    });
    await shot(page, 'code');
    await accessible(page, 'chat with code');
  } else {
    fail('a thread imported with a code block', JSON.stringify(imported));
  }

  // --- errors in place: an unknown model, a busy server
  const ghost = await api('POST', '/api/v1/threads', token, { title: 'Ghost model', model: 'no-such-model:7b' });
  await page.goto(`${BASE}/chat/${ghost.id}`);
  await heading('Ghost model').waitFor();
  await composer.fill('anyone there?');
  await composer.press('Enter');
  await check('an unknown model: the error in place, with what to do', async () => {
    await page.getByRole('alert').filter({ hasText: 'Pick another model above' }).waitFor();
  });
  await shot(page, 'unknown-model');
  await accessible(page, 'chat with an error');
  await page.goto(`${BASE}/chat/${tid}`);
  await heading(/./).waitFor();
  await fake('POST', 'config', { busy: true });
  await composer.fill('are you busy?');
  await composer.press('Enter');
  await check('a busy model server: said in place, with what to do', () => page.getByRole('alert').filter({ hasText: 'busy' }).waitFor());
  await fake('POST', 'config', { busy: false });

  // --- a model that thinks: its thinking folded
  const thinker = await api('POST', '/api/v1/threads', token, { title: 'Thinker', model: 'qwen3:0.6b' });
  await page.goto(`${BASE}/chat/${thinker.id}`);
  await heading('Thinker').waitFor();
  await composer.fill('think first');
  await composer.press('Enter');
  await check('a model\'s thinking is shown folded above its reply', async () => {
    await lastReply().locator('.md').filter({ hasText: 'Echo: think first [end]' }).waitFor();
    const details = lastReply().locator('details.thinking');
    await details.locator('summary', { hasText: 'Thinking' }).waitFor();
    if (await details.evaluate((d) => d.open)) throw new Error('open');
    await details.locator('summary').click();
    await details.getByText('Let me think.').waitFor();
  });
  await shot(page, 'thinking');
  await page.goto(`${BASE}/chat/${tid}`);
  await page.locator('.msg').first().waitFor();

  // --- the thread's own system prompt and options
  await page.getByRole('button', { name: 'Options' }).click();
  const opts = page.getByRole('dialog', { name: 'This chat’s options' });
  await check('"Options" opens a dialog with focus on the system prompt', async () => {
    await opts.waitFor();
    if (!(await opts.getByLabel('System prompt').evaluate((el) => el === document.activeElement))) throw new Error('focus elsewhere');
  });
  await opts.getByLabel('System prompt').fill('Be terse.');
  await opts.getByLabel('Temperature').fill('0.1');
  await opts.getByLabel('Context length (tokens)').fill('4096');
  await shot(page, 'options');
  await accessible(page, 'options dialog');
  await opts.getByRole('button', { name: 'Save options' }).click();
  await page.getByRole('status').filter({ hasText: 'options are saved' }).waitFor();
  await composer.fill('short please');
  await composer.press('Enter');
  await lastReply().locator('.md').filter({ hasText: 'Echo: short please [end]' }).waitFor();
  await check('the thread\'s system prompt and options went to the model', async () => {
    const c = await chats();
    const body = c[c.length - 1].body;
    if (body.messages[0].role !== 'system' || body.messages[0].content !== 'Be terse.') throw new Error(JSON.stringify(body.messages[0]));
    if (Number(body.options.temperature) !== 0.1 || Number(body.options.num_ctx) !== 4096) throw new Error(JSON.stringify(body.options));
  });

  // --- the thread list: rename, pin, search, archive, export, delete
  await page.getByRole('button', { name: 'Rename' }).click();
  const rename = page.getByRole('dialog', { name: 'Rename the chat' });
  await check('"Rename" opens a dialog with focus in its field', async () => {
    await rename.waitFor();
    if (!(await page.getByLabel('Title').evaluate((el) => el === document.activeElement))) throw new Error('focus elsewhere');
  });
  await page.getByLabel('Title').fill('Streaming words');
  await page.keyboard.press('Enter');
  await check('renamed: the heading and the list', async () => {
    await heading('Streaming words').waitFor();
    await page.getByRole('list', { name: 'Chats' }).getByText('Streaming words').waitFor();
  });
  await page.getByRole('button', { name: 'Pin', exact: true }).click();
  await check('pinned: first in the list, marked', async () => {
    const first = page.getByRole('list', { name: 'Chats' }).getByRole('listitem').first();
    await first.getByText('Streaming words').waitFor();
    await first.getByLabel('Pinned').waitFor();
  });
  await check('the export links the thread as Markdown and JSON', async () => {
    const res = await page.request.get(`${BASE}/api/v1/threads/${tid}/export?format=markdown`);
    if (res.status() !== 200 || !(await res.text()).includes('Echo: hello big wide world')) throw new Error(`${res.status()}`);
    const href = await page.getByRole('link', { name: 'Export', exact: true }).getAttribute('href');
    if (href !== `/api/v1/threads/${tid}/export?format=markdown`) throw new Error(href);
  });
  await page.keyboard.press('Control+k');
  await check('Ctrl+K focuses the search', async () => {
    if (!(await page.getByRole('searchbox', { name: 'Search chats' }).evaluate((el) => el === document.activeElement))) throw new Error('not focused');
  });
  await page.keyboard.type('twelve');
  await check('search finds the chat by a word of its messages', () =>
    page.getByRole('list', { name: 'Search results' }).getByText('Streaming words').waitFor(),
  );
  await page.getByRole('searchbox', { name: 'Search chats' }).fill('');
  await page.getByRole('button', { name: 'Archive' }).click();
  await check('archived: gone from the list, under "Archived"', async () => {
    await page.getByRole('status').filter({ hasText: 'archived' }).waitFor();
    await page.getByRole('list', { name: 'Chats' }).getByText('Streaming words').waitFor({ state: 'detached' });
    await page.getByRole('checkbox', { name: 'Archived' }).check();
    await page.getByRole('list', { name: 'Archived chats' }).getByText('Streaming words').waitFor();
    await page.getByRole('checkbox', { name: 'Archived' }).uncheck();
  });
  await page.getByRole('button', { name: 'Delete' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete this chat?' });
  await confirm.waitFor();
  await shot(page, 'delete-dialog');
  await accessible(page, 'delete dialog');
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await check('deleted: a new chat, the thread gone from the API', async () => {
    await heading('New chat').waitFor();
    const st = await status('GET', `/api/v1/threads/${tid}`, token);
    if (st !== 404) throw new Error(`${st}`);
  });

  // --- a project's chats: the list narrowed, a new chat made in it
  await page.getByLabel('Project').selectOption(String(project.id));
  await check('the list of a project without chats says so', () => page.getByText('No chat yet.').waitFor());
  await composer.fill('about the shop');
  await composer.press('Enter');
  await check('a new chat from a project\'s list belongs to the project', async () => {
    await lastReply().locator('.md').filter({ hasText: 'Echo: about the shop [end]' }).waitFor();
    const id = Number(page.url().match(/\/chat\/(\d+)$/)[1]);
    const t = await api('GET', `/api/v1/threads/${id}`, token);
    if (t.project_id !== project.id) throw new Error(JSON.stringify(t));
    await page.getByRole('list', { name: 'Chats' }).getByRole('link').first().waitFor();
  });
  await page.getByLabel('Project').selectOption('');
  await page.getByRole('link', { name: 'New chat' }).click();
  await heading('New chat').waitFor();

  // --- a prompt from the library, its variables filled in
  await api('POST', '/api/v1/prompts', token, { name: 'review', body: 'Review this {{lang}} code: {{code}}', description: 'a code review' });
  await page.getByRole('button', { name: 'Insert prompt' }).click();
  const prompts = page.getByRole('dialog', { name: 'Insert a prompt' });
  await prompts.waitFor();
  await prompts.getByRole('button', { name: /review/ }).click();
  await page.getByLabel('lang').fill('C');
  await page.getByLabel('code').fill('int x;');
  await shot(page, 'prompt-variables');
  await accessible(page, 'prompt dialog');
  await page.getByRole('button', { name: 'Insert', exact: true }).click();
  await check('a prompt with its variables filled in lands in the message box', async () => {
    await until('the text', async () => (await composer.inputValue()) === 'Review this C code: int x;');
  });
  await composer.fill('');

  // --- settings: chat defaults applied to a new thread, the theme
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await heading('Settings').waitFor();
  await page.getByLabel('Model', { exact: true }).selectOption('llama3.2:latest');
  await page.getByLabel('System prompt').fill('Answer like a pirate.');
  await page.getByLabel('Temperature').fill('0.4');
  await page.getByLabel('Dark').check();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await check('settings saved, and in the API', async () => {
    await page.getByRole('status').filter({ hasText: 'Your settings are saved.' }).waitFor();
    const st = await api('GET', '/api/v1/users/me/settings', token);
    const s = st.settings || st;
    if (s.model !== 'llama3.2:latest' || s.system_prompt !== 'Answer like a pirate.' || Number(s.temperature) !== 0.4 || s.theme !== 'dark')
      throw new Error(JSON.stringify(st));
  });
  await check('the dark theme applies at once', async () => {
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = bg.match(/\d+/g).map(Number);
    if (r + g + b > 150) throw new Error(bg);
  });
  await shot(page, 'settings-dark');
  await accessible(page, 'settings, dark');

  await page.goto(`${BASE}/chat`);
  await heading('New chat').waitFor();
  await check('a new chat offers the default model', async () => {
    await until('Default (llama3.2:latest)', async () => (await picker.locator('option').allInnerTexts()).includes('Default (llama3.2:latest)'));
  });
  await composer.fill('ahoy there');
  await composer.press('Enter');
  await lastReply().locator('.md').filter({ hasText: 'Echo: ahoy there [end]' }).waitFor();
  await check('the settings applied to the new thread: its system prompt and temperature went to the model', async () => {
    const c = await chats();
    const body = c[c.length - 1].body;
    if (body.model !== 'llama3.2:latest') throw new Error(`model ${body.model}`);
    if (!body.messages[0] || body.messages[0].role !== 'system' || body.messages[0].content !== 'Answer like a pirate.') throw new Error(JSON.stringify(body.messages[0]));
    if (!body.options || Number(body.options.temperature) !== 0.4) throw new Error(JSON.stringify(body.options));
  });
  await shot(page, 'dark');
  await accessible(page, 'chat, dark');

  // --- keyboard: a new chat
  await page.keyboard.press('Control+Shift+O');
  await check('Ctrl+Shift+O: a new chat, the message box focused', async () => {
    await heading('New chat').waitFor();
    await until('focus', () => composer.evaluate((el) => el === document.activeElement));
  });
  await page.goto(`${BASE}/settings`);
  await heading('Settings').waitFor();
  await page.keyboard.press('Control+Shift+O');
  await check('Ctrl+Shift+O from another page: a new chat, the message box focused', async () => {
    await heading('New chat').waitFor();
    await until('focus', () => composer.evaluate((el) => el === document.activeElement));
  });

  // --- 375 px wide
  await page.setViewportSize({ width: 375, height: 812 });
  await page.goto(`${BASE}/chat/${codeTid || ghost.id}`);
  await heading(/./).waitFor();
  await page.locator('.msg').first().waitFor();
  await check('at 375 px wide the chat does not overflow sideways', async () => {
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    if (w > 375) throw new Error(`scrollWidth ${w}`);
  });
  await shot(page, 'chat-375px');
  await accessible(page, 'chat at 375 px');
  await page.getByRole('button', { name: 'Chats' }).click();
  await check('at 375 px the chat list opens from its button, and fits', async () => {
    await page.getByRole('searchbox', { name: 'Search chats' }).waitFor();
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    if (w > 375) throw new Error(`scrollWidth ${w}`);
  });
  await shot(page, 'chat-375px-list');
  await page.goto(`${BASE}/settings`);
  await heading('Settings').waitFor();
  await check('at 375 px the settings do not overflow sideways', async () => {
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    if (w > 375) throw new Error(`scrollWidth ${w}`);
  });
  await shot(page, 'settings-375px');
  await page.setViewportSize({ width: 1280, height: 860 });

  // back to the system's theme
  await page.getByLabel('As the system').check();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByRole('status').filter({ hasText: 'Your settings are saved.' }).waitFor();

  // --- API keys: created (shown once), listed, revoked
  await page.getByRole('button', { name: 'New API key' }).click();
  const nk = page.getByRole('dialog', { name: 'New API key' });
  await nk.waitFor();
  await page.getByLabel('Name').fill('ci');
  await nk.getByLabel('Write').check();
  await nk.getByLabel('Project').selectOption(String(project.id));
  await nk.getByLabel('Expires after').selectOption('30');
  await shot(page, 'new-key');
  await accessible(page, 'new API key dialog');
  await nk.getByRole('button', { name: 'Create key' }).click();
  let key = null;
  await check('the new key is shown once, with a copy button', async () => {
    const code = page.getByLabel('The new API key');
    await code.waitFor();
    key = (await code.innerText()).trim();
    if (!/^pl/.test(key)) throw new Error(key);
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    if ((await page.evaluate(() => navigator.clipboard.readText())) !== key) throw new Error('not copied');
  });
  await shot(page, 'key-shown');
  await check('... the key works against the API', async () => {
    const me = await api('GET', '/api/v1/auth/me', key);
    if (!me.user) throw new Error(JSON.stringify(me));
  });
  await page.getByRole('button', { name: 'Done' }).click();
  await page.reload();
  await heading('Settings').waitFor();
  const row = page.getByRole('row').filter({ hasText: 'ci' });
  await check('listed with its scopes, project and expiry; the secret nowhere on the page', async () => {
    await row.waitFor();
    const t = await row.innerText();
    if (!/read, write|write, read/.test(t) || !t.includes('shop')) throw new Error(t);
    if ((await page.content()).includes(key)) throw new Error('the key is on the page');
  });
  await row.getByRole('button', { name: 'Revoke ci' }).click();
  const rv = page.getByRole('dialog', { name: 'Revoke “ci”?' });
  await rv.waitFor();
  await rv.getByRole('button', { name: 'Revoke' }).click();
  await check('revoked: marked so, and refused by the API', async () => {
    await row.getByText('revoked').waitFor();
    const st = await status('GET', '/api/v1/auth/me', key);
    if (st !== 401) throw new Error(`${st}`);
  });
  await shot(page, 'keys');
  await accessible(page, 'settings with keys');
  await keyboardOnly(page, 'settings with keys');
  await context.close();
}


// A second server with PlanningMaxStreamsPerUser 1: a reply of the same
// user running elsewhere (a script, with the API), the page's refused.
async function capPhase(browser) {
  const context = await newContext(browser);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  watch(page, 'cap');
  noDialogs(page, 'cap');
  const heading = (name) => page.getByRole('heading', { level: 1, name });
  const token = (await api('POST', '/api/v1/auth/login', null, { username: env.PL_UI_USER, password: env.PL_UI_PASSWORD })).access_token;
  const mine = await api('POST', '/api/v1/threads', token, { title: 'Here', model: 'llama3.2:latest' });
  await page.goto(`${BASE}/chat/${mine.id}`);
  await page.getByLabel('User name').fill(env.PL_UI_USER);
  await page.getByLabel('Password').fill(env.PL_UI_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await heading('Here').waitFor();
  const composer = page.getByLabel('Message', { exact: true });
  await fake('POST', 'config', { endless: true, token_delay_ms: 100 });
  const other = await api('POST', '/api/v1/threads', token, { title: 'Elsewhere', model: 'llama3.2:latest' });
  const aborter = new AbortController();
  const elsewhere = await fetch(`${BASE}/api/v1/threads/${other.id}/messages`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ content: 'keep going' }),
    signal: aborter.signal,
  });
  const reader = elsewhere.body.getReader();
  await reader.read();
  await composer.fill('me too');
  await composer.press('Enter');
  await check('the stream cap: said in place, with what to do, and the text kept to send again', async () => {
    await page.getByRole('alert').filter({ hasText: 'Stop one or wait for it to end' }).waitFor();
    if ((await composer.inputValue()) !== 'me too') throw new Error(`the box holds "${await composer.inputValue()}"`);
  });
  await shot(page, 'stream-cap');
  await api('POST', `/api/v1/threads/${other.id}/stop`, token);
  aborter.abort();
  await fake('POST', 'reset');

  await accessible(page, 'chat with the stream cap');
  await context.close();
}

run(env.PL_UI_PHASE || 'main', env.PL_UI_PHASE === 'cap' ? capPhase : main);
