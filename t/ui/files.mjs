// A project's Files tab in Debian's chromium (issue 16, item 1), run by
// t/ui/files.t against a live server on SQLite: the tree with its git marks
// and the ARIA tree keys, the editor (highlighting, search and replace,
// wrap, Ctrl+S), a conflicting save resolved both ways, the Markdown and
// image previews, a binary offered as a download, new file and folder,
// rename, delete, 50 files uploaded with their progress, an upload
// canceled, the zips; axe-core on each view, Tab over the whole view, 375
// px. Environment: PL_UI_BASE, PL_UI_SHOTS, PL_UI_DIR (the project's
// checkout), PL_UI_USER, PL_UI_PASSWORD.
import { readFileSync, existsSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { env, BASE, STEP_MS, check, note, watch, newContext, accessible, screenshot, api, run, keyboardOnly, expectedNow, sleep } from './lib.mjs';

const shot = (page, name) => screenshot(page, 'f', name);

async function flow(browser) {
  const context = await newContext(browser);
  // every upload progress event the page's requests fire, counted
  await context.addInitScript(() => {
    window.__plUploadEvents = 0;
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.send = function (body) {
      this.upload.addEventListener('progress', () => window.__plUploadEvents++);
      return send.call(this, body);
    };
  });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  watch(page, 'files');

  const token = (await api('POST', '/api/v1/auth/login', null, { username: env.PL_UI_USER, password: env.PL_UI_PASSWORD })).access_token;
  const site = await api('POST', '/api/v1/projects', token, { name: 'site', local_path: env.PL_UI_DIR });
  const F = `/api/v1/projects/${site.id}/files`;
  const read = (p) => api('GET', `${F}?path=${encodeURIComponent(p)}`, token);
  const list = async (d) => (await api('GET', `${F}?path=${encodeURIComponent(d)}&limit=200`, token)).items;

  await page.goto(`${BASE}/`);
  await page.getByLabel('User name').fill(env.PL_UI_USER);
  await page.getByLabel('Password').fill(env.PL_UI_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Projects' }).waitFor();
  await page.goto(`${BASE}/projects/${site.id}`);
  await page.getByRole('heading', { level: 1, name: 'site' }).waitFor();
  const tab = page.getByRole('tab', { name: 'Files', exact: true });
  const chunks = [];
  page.on('request', (r) => /\/assets\/(ProjectFiles|cm)-/.test(r.url()) && chunks.push(new URL(r.url()).pathname));
  await check('the Files view is a chunk of its own, loaded when its tab opens', async () => {
    if (chunks.length) throw new Error(`loaded before: ${chunks.join(', ')}`);
    await tab.click();
    await page.getByRole('tree', { name: 'Project files' }).waitFor();
    if (!chunks.some((c) => c.includes('ProjectFiles-'))) throw new Error('no ProjectFiles chunk');
    if (chunks.some((c) => c.includes('/cm-'))) throw new Error('CodeMirror loaded before a file is opened');
  });

  // --- the tree: sorted, git marks, ignored dimmed
  const tree = page.getByRole('tree', { name: 'Project files' });
  // an item by its name (the row's visible name; its accessible name is checked below)
  const exactly = (name) => new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const item = (name) => tree.locator('[role=treeitem]').filter({ has: page.locator(':scope > .ftree-row > .ftree-name', { hasText: exactly(name) }) });
  const row = (name) => item(name).locator(':scope > .ftree-row'); // what a click hits
  await check('the tree lists the top directory, folders first, by name', async () => {
    await item('README.md').waitFor();
    const names = await tree.locator(':scope > li[role=treeitem]').evaluateAll((els) => els.map((e) => e.dataset.path));
    const want = ['build', 'src', '.gitignore', 'data.bin', 'logo.png', 'notes.txt', 'README.md', 'win.txt'];
    if (names.join() !== want.join()) throw new Error(names.join());
  });
  await check('each item is named with its mark (the ARIA tree as a screen reader gets it)', async () => {
    // (the snapshot puts a space between the name and its hidden words)
    const snap = (await tree.ariaSnapshot()).replace(/ +,/g, ',');
    note(`the tree: ${snap.replace(/\n/g, ' | ')}`);
    for (const want of ['treeitem "README.md, modified"', 'treeitem "notes.txt, untracked"', 'treeitem "build, ignored"'])
      if (!snap.includes(want)) throw new Error(`no ${want}`);
  });
  await check('git marks: modified, added, untracked, and a folder with a staged file', async () => {
    const label = async (n) => item(n).locator(':scope > .ftree-row').innerText();
    const got = { readme: await label('README.md'), logo: await label('logo.png'), notes: await label('notes.txt'), src: await label('src') };
    if (!/modified/.test(got.readme) || !/added/.test(got.logo) || !/untracked/.test(got.notes) || !/staged|modified/.test(got.src))
      throw new Error(JSON.stringify(got));
    const mark = await item('README.md').locator('.gitmark').innerText();
    if (mark !== 'M') throw new Error(`mark ${mark}`);
  });
  await check('an ignored folder is dimmed and said to be ignored', async () => {
    const b = item('build');
    if (!/ignored/.test(await b.locator(':scope > .ftree-row').innerText())) throw new Error('not said');
    const color = (n) => item(n).locator(':scope > .ftree-row .ftree-name').evaluate((el) => getComputedStyle(el).color);
    if ((await color('build')) === (await color('src'))) throw new Error(`the same colour ${await color('src')}`);
  });
  await shot(page, 'tree');
  await accessible(page, 'files: the tree');

  // --- the keys of the ARIA tree pattern
  await check('keys: Down, Right opens a folder (loaded then), Right again to its first child, Left to the parent, Left closes', async () => {
    await item('build').focus();
    await page.keyboard.press('ArrowDown');
    const focused = () => page.evaluate(() => document.activeElement.dataset.path);
    if ((await focused()) !== 'src') throw new Error(`focus on ${await focused()}`);
    const lists = [];
    const onReq = (r) => r.url().includes('/files?path=src&') && lists.push(r.url());
    page.on('request', onReq);
    await page.keyboard.press('ArrowRight');
    await item('src').and(page.locator('[aria-expanded=true]')).waitFor();
    await item('app.py').waitFor();
    page.off('request', onReq);
    if (lists.length !== 1) throw new Error(`${lists.length} requests for src`);
    await page.keyboard.press('ArrowRight');
    if ((await focused()) !== 'src/app.py') throw new Error(`focus on ${await focused()}`);
    const level = await item('app.py').getAttribute('aria-level');
    if (level !== '2') throw new Error(`level ${level}`);
    if (!/staged/.test(await item('util.js').innerText())) throw new Error('util.js not staged');
    await page.keyboard.press('ArrowLeft');
    if ((await focused()) !== 'src') throw new Error(`Left: focus on ${await focused()}`);
    await page.keyboard.press('End');
    if ((await focused()) !== 'win.txt') throw new Error(`End: focus on ${await focused()}`);
    await page.keyboard.press('Home');
    if ((await focused()) !== 'build') throw new Error(`Home: focus on ${await focused()}`);
    await page.keyboard.press('n');
    if ((await focused()) !== 'notes.txt') throw new Error(`type-ahead: focus on ${await focused()}`);
    const tabbable = await tree.locator('[role=treeitem][tabindex="0"]').count();
    if (tabbable !== 1) throw new Error(`${tabbable} items take Tab`);
  });
  await check('keys: * opens every folder beside the focused item', async () => {
    await item('build').focus();
    await page.keyboard.press('*');
    await item('build').and(page.locator('[aria-expanded=true]')).waitFor();
    await item('out.txt').waitFor();
    if ((await item('src').getAttribute('aria-expanded')) !== 'true') throw new Error('src not open');
    await page.keyboard.press('ArrowLeft');
    await item('build').and(page.locator('[aria-expanded=false]')).waitFor();
  });

  // --- open, edit, save
  const editor = page.locator('.cm-content');
  const docText = () => editor.evaluate((el) => [...el.querySelectorAll('.cm-line')].map((l) => l.textContent).join('\n'));
  await check('Enter on a file opens it in CodeMirror, with line numbers and the language highlighted (a chunk loaded then)', async () => {
    await item('app.py').focus();
    await page.keyboard.press('Enter');
    await editor.waitFor();
    if (!(await docText()).startsWith('def hello(name):')) throw new Error(await docText());
    await page.locator('.cm-gutters .cm-lineNumbers').waitFor();
    await page.waitForFunction(() => {
      const host = document.querySelector('.editor-host');
      const spans = host && host.shadowRoot ? host.shadowRoot.querySelectorAll('.cm-line span[class]') : [];
      return spans.length >= 3;
    });
    if (!chunks.some((c) => c.includes('/cm-'))) throw new Error('no cm chunk');
    const adopted = await page.evaluate(() => document.querySelector('.editor-host').shadowRoot.adoptedStyleSheets.length);
    const styleTags = await page.evaluate(() => document.querySelectorAll('style').length);
    if (!adopted || styleTags) throw new Error(`adopted sheets ${adopted}, <style> elements ${styleTags}`);
    note(`CodeMirror's styles: ${adopted} constructed stylesheet(s) in the editor's shadow root, no <style> element`);
  });
  await check('search and replace: Find and replace opens the panel, replace all changes every match', async () => {
    await page.getByRole('button', { name: 'Find and replace' }).click();
    await page.getByRole('textbox', { name: 'Find' }).fill('hello');
    await page.getByRole('textbox', { name: 'Replace' }).fill('greet');
    await page.getByRole('button', { name: 'replace all' }).click();
    const t = await docText();
    if (t.includes('hello') || !t.includes('def greet(name):')) throw new Error(t);
    await page.getByRole('button', { name: 'close', exact: true }).click();
  });
  await check('soft wrap can be switched on and off', async () => {
    const wrapped = page.locator('.cm-content.cm-lineWrapping');
    if (await wrapped.count()) throw new Error('wrapped from the start');
    await page.getByLabel('Wrap lines').check();
    await wrapped.waitFor({ state: 'attached' });
    await page.getByLabel('Wrap lines').uncheck();
    await wrapped.waitFor({ state: 'detached' });
  });
  await shot(page, 'editor');
  await check('Ctrl+S saves (If-Match), the page says so and the tree marks the file modified', async () => {
    const put = page.waitForRequest((r) => r.method() === 'PUT' && r.url().includes('/files?path=src%2Fapp.py'));
    put.catch(() => {});
    await editor.click();
    await page.keyboard.press('Control+s');
    const puts = [];
    const onPut = (r) => r.method() === 'PUT' && puts.push(r);
    page.on('request', onPut);
    const req = await put;
    if (!req.headers()['if-match']) throw new Error('no If-Match');
    await sleep(300);
    page.off('request', onPut);
    if (puts.length > 1) throw new Error(`${puts.length} PUTs for one Ctrl+S`);
    await page.getByRole('status').filter({ hasText: 'Saved app.py.' }).waitFor();
    const f = await read('src/app.py');
    if (!f.content.startsWith('def greet(name):')) throw new Error(f.content);
    await page.waitForFunction(() => /modified/.test(document.querySelector('[data-path="src/app.py"]').textContent));
  });
  await accessible(page, 'files: the editor');

  // --- a conflicting save, resolved both ways
  async function conflict(theirs, mine) {
    expectedNow.length = 0;
    expectedNow.push(['PUT', /\/files$/, 412]); // the stale save, on purpose
    const f = await read('src/app.py');
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText(mine);
    await api('PUT', `${F}?path=src%2Fapp.py`, token, { content: theirs }, { headers: { 'If-Match': f.etag } });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const region = page.getByRole('region', { name: /changed since you opened it/ });
    await region.waitFor();
    const sides = await region.locator('pre').allInnerTexts();
    if (!sides[0].includes(mine) || sides[1] !== theirs) throw new Error(JSON.stringify(sides));
    return region;
  }
  await check('a save after the file changed meanwhile (412) shows both versions; "Take theirs" loads theirs', async () => {
    const region = await conflict('# written elsewhere\n', '\n# mine 1');
    await shot(page, 'conflict');
    await accessible(page, 'files: a conflict');
    await region.getByRole('button', { name: 'Take theirs' }).click();
    await region.waitFor({ state: 'detached' });
    if ((await docText()) !== '# written elsewhere\n') throw new Error(await docText());
    if ((await read('src/app.py')).content !== '# written elsewhere\n') throw new Error('file changed');
  });
  await check('... "Keep mine" saves over the new version', async () => {
    const region = await conflict('# written elsewhere again\n', '# mine 2');
    const mine = (await docText());
    await region.getByRole('button', { name: 'Keep mine' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved app.py.' }).waitFor();
    const f = await read('src/app.py');
    if (f.content !== mine) throw new Error(JSON.stringify([f.content, mine]));
    expectedNow.length = 0;
  });

  await check('a file with CR LF line ends keeps them when saved (and a new line gets CR LF)', async () => {
    await row('win.txt').click();
    await page.getByRole('heading', { name: /win\.txt/ }).waitFor();
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('three');
    await page.keyboard.press('Enter');
    await page.keyboard.insertText('four');
    await page.keyboard.press('Control+s');
    await page.getByRole('status').filter({ hasText: 'Saved win.txt.' }).waitFor();
    const got = readFileSync(`${env.PL_UI_DIR}/win.txt`, 'utf8');
    if (got !== 'one\r\ntwo\r\nthree\r\nfour') throw new Error(JSON.stringify(got));
  });

  // --- previews and downloads
  await check('a Markdown file: a sanitized preview beside the editor', async () => {
    await row('README.md').click();
    const preview = page.getByRole('region', { name: 'Preview' });
    await preview.locator('h1', { hasText: 'Site' }).waitFor();
    await preview.locator('strong', { hasText: 'site' }).waitFor();
    const bad = await preview.locator('a', { hasText: 'bad' }).getAttribute('href');
    if (bad !== null) throw new Error(`javascript: link kept: ${bad}`);
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('\n## Added now\n');
    await preview.locator('h2', { hasText: 'Added now' }).waitFor();
  });
  await shot(page, 'markdown');
  await accessible(page, 'files: Markdown preview');
  await check('another file with unsaved edits open: asked first (keep editing, or discard and open), then an image shown from its raw bytes', async () => {
    await row('logo.png').click();
    const ask = page.getByRole('dialog', { name: 'Unsaved changes' });
    await ask.waitFor(); // the README's unsaved edit
    await ask.getByRole('button', { name: 'Keep editing' }).click();
    await ask.waitFor({ state: 'hidden' });
    if (!(await page.getByRole('heading', { name: /README\.md/ }).count())) throw new Error('README.md no longer open');
    await row('logo.png').click();
    await ask.getByRole('button', { name: 'Discard changes' }).click();
    const img = page.getByRole('img', { name: 'The image logo.png' });
    await img.waitFor();
    await page.waitForFunction(() => document.querySelector('.image-preview img').naturalWidth === 2);
  });
  await shot(page, 'image');
  await check('a binary file: offered as a download instead of the editor', async () => {
    expectedNow.push(['GET', /\/files$/, 415]); // BINARY_FILE: read it raw
    await row('data.bin').click();
    const link = page.locator('.binary').getByRole('link', { name: 'Download data.bin' });
    await link.waitFor();
    if (await editor.count()) throw new Error('an editor for a binary file');
    const [dl] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const got = readFileSync(await dl.path());
    if (!got.equals(readFileSync(`${env.PL_UI_DIR}/data.bin`))) throw new Error(`${got.length} bytes differ`);
    expectedNow.length = 0;
  });
  await accessible(page, 'files: a binary file');

  // --- new file, new folder, rename, delete
  const dialog = page.getByRole('dialog');
  await check('New file in the selected folder: made, listed and opened', async () => {
    await row('src').click(); // selects (and closes) src
    await page.getByRole('button', { name: 'New file' }).click();
    await dialog.getByLabel('Name').fill('fresh.txt');
    await accessible(page, 'files: the new file dialog');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: /src\/fresh\.txt/ }).waitFor();
    await item('fresh.txt').waitFor();
    if ((await read('src/fresh.txt')).content !== '') throw new Error('not empty');
  });
  // a folder made at the top (README.md selected) through the dialog
  const newFolder = async (name) => {
    await row('README.md').click();
    await page.getByRole('button', { name: 'New folder' }).click();
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByRole('button', { name: 'Create' }).click();
  };
  await check('New folder', async () => {
    await newFolder('docs');
    await item('docs').waitFor();
  });
  await check('Rename moves the file into another folder (the open file follows)', async () => {
    await row('fresh.txt').click();
    await page.getByRole('button', { name: /^Rename/ }).click();
    await dialog.getByRole('textbox').fill('docs/renamed.txt');
    await dialog.getByRole('button', { name: 'Rename' }).click();
    await item('renamed.txt').waitFor();
    await page.getByRole('heading', { name: /docs\/renamed\.txt/ }).waitFor();
    if ((await list('src')).some((e) => e.name === 'fresh.txt')) throw new Error('still in src');
    if (!(await list('docs')).some((e) => e.name === 'renamed.txt')) throw new Error('not in docs');
  });
  await check('Delete asks first; a folder goes with what it holds', async () => {
    await row('docs').click();
    await page.getByRole('button', { name: /^Delete/ }).click();
    await dialog.getByText('and everything in it').waitFor();
    await shot(page, 'delete');
    await accessible(page, 'files: the delete dialog');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await item('docs').waitFor({ state: 'detached' });
    if ((await list('')).some((e) => e.name === 'docs')) throw new Error('still there');
  });

  // --- uploads: 50 files, each with its progress, then one canceled
  await check('50 files uploaded: a progress bar per file and one overall, each reaching its end', async () => {
    await newFolder('up');
    await row('up').click();
    const files = Array.from({ length: 50 }, (_, i) => ({ name: `file${i + 1}.txt`, mimeType: 'text/plain', buffer: Buffer.from(`file ${i + 1}\n`.repeat(2000 + i)) }));
    const posts = [];
    page.on('request', (r) => r.method() === 'POST' && r.url().includes('/files/upload') && posts.push(r));
    const t0 = Date.now();
    await page.getByTestId('upload-files').setInputFiles(files);
    await page.getByRole('status').filter({ hasText: '50 of 50 files' }).waitFor({ timeout: 60_000 });
    note(`50 files (${Math.round(files.reduce((n, f) => n + f.buffer.length, 0) / 1024)} KiB) uploaded in ${Date.now() - t0} ms`);
    const bars = page.getByRole('list', { name: 'Files being uploaded' }).getByRole('progressbar');
    if ((await bars.count()) !== 50) throw new Error(`${await bars.count()} bars`);
    const values = await bars.evaluateAll((els) => els.map((e) => e.value));
    if (values.some((v) => v !== 100)) throw new Error(values.join());
    const all = await page.getByRole('progressbar', { name: 'Upload progress, all files' }).evaluate((e) => e.value);
    if (all !== 100) throw new Error(`overall ${all}`);
    const events = await page.evaluate(() => window.__plUploadEvents);
    note(`${events} upload progress events for 50 files, ${posts.length} requests`);
    if (posts.length !== 50 || events < 50) throw new Error(`${posts.length} requests, ${events} progress events`);
    if (posts.some((r) => !r.headers()['x-csrf-token'] || !/multipart\/form-data/.test(r.headers()['content-type']))) throw new Error('a request without the CSRF header or multipart');
    const listed = await list('up');
    if (listed.length !== 50) throw new Error(`${listed.length} files in up/`);
    if (readFileSync(`${env.PL_UI_DIR}/up/file7.txt`, 'utf8') !== 'file 7\n'.repeat(2006)) throw new Error('file7 differs');
  });
  await shot(page, 'upload-50');
  await accessible(page, 'files: uploads');
  await check('a file of the same name is refused (said per file); with "Replace existing files" it is replaced', async () => {
    await page.getByRole('button', { name: 'Dismiss' }).click();
    expectedNow.push(['POST', /\/files\/upload$/, 409]);
    const again = [{ name: 'file1.txt', mimeType: 'text/plain', buffer: Buffer.from('replaced\n') }];
    await page.getByTestId('upload-files').setInputFiles(again);
    await page.getByRole('status').filter({ hasText: '1 failed' }).waitFor();
    await page.locator('.u-failed').getByText(/a file of that name exists/i).waitFor();
    expectedNow.length = 0;
    await page.getByLabel('Replace existing files').check();
    await page.getByTestId('upload-files').setInputFiles(again);
    await page.getByRole('status').filter({ hasText: '1 of 1 file' }).waitFor();
    if (readFileSync(`${env.PL_UI_DIR}/up/file1.txt`, 'utf8') !== 'replaced\n') throw new Error('not replaced');
    await page.getByLabel('Replace existing files').uncheck();
  });
  await check('a drop of files uploads them too (DataTransfer)', async () => {
    await page.getByRole('button', { name: 'Dismiss' }).click();
    const dt = await page.evaluateHandle(() => {
      const d = new DataTransfer();
      d.items.add(new File(['dropped one\n'], 'dropped1.txt', { type: 'text/plain' }));
      d.items.add(new File(['dropped two\n'], 'dropped2.txt', { type: 'text/plain' }));
      return d;
    });
    await page.locator('.files-main').dispatchEvent('dragover', { dataTransfer: dt });
    await page.locator('.files-main').dispatchEvent('drop', { dataTransfer: dt });
    await page.getByRole('status').filter({ hasText: '2 of 2 files' }).waitFor();
    if (readFileSync(`${env.PL_UI_DIR}/up/dropped2.txt`, 'utf8') !== 'dropped two\n') throw new Error('not on disk');
    await page.getByRole('button', { name: 'Dismiss' }).click();
  });
  await check('a folder dropped from the desktop: its files and folders, an empty one too (webkitGetAsEntry)', async () => {
    const src = mkdtempSync(join(tmpdir(), 'pl-drop-'));
    mkdirSync(join(src, 'drop/sub/deeper'), { recursive: true });
    mkdirSync(join(src, 'drop/empty'));
    writeFileSync(join(src, 'drop/a.txt'), 'a\n');
    writeFileSync(join(src, 'drop/sub/b.txt'), 'b\n');
    writeFileSync(join(src, 'drop/sub/deeper/c.txt'), 'c\n');
    const box = await page.locator('.files-side').boundingBox();
    const at = { x: box.x + box.width / 2, y: box.y + 20 };
    const cdp = await context.newCDPSession(page);
    const data = { items: [], files: [join(src, 'drop')], dragOperationsMask: 1 };
    for (const type of ['dragEnter', 'dragOver', 'drop']) await cdp.send('Input.dispatchDragEvent', { type, ...at, data });
    await page.getByRole('status').filter({ hasText: '3 of 3 files' }).waitFor();
    for (const [f, want] of [['a.txt', 'a\n'], ['sub/b.txt', 'b\n'], ['sub/deeper/c.txt', 'c\n']])
      if (readFileSync(`${env.PL_UI_DIR}/up/drop/${f}`, 'utf8') !== want) throw new Error(`up/drop/${f}`);
    if (!existsSync(`${env.PL_UI_DIR}/up/drop/empty`)) throw new Error('no empty folder');
    await cdp.detach();
    await page.getByRole('button', { name: 'Dismiss' }).click();
  });
  await check('a folder from the folder picker (webkitRelativePath)', async () => {
    const src = mkdtempSync(join(tmpdir(), 'pl-pick-'));
    mkdirSync(join(src, 'picked/in'), { recursive: true });
    writeFileSync(join(src, 'picked/x.txt'), 'x\n');
    writeFileSync(join(src, 'picked/in/y.txt'), 'y\n');
    await page.getByLabel('A folder to upload').setInputFiles(join(src, 'picked'));
    await page.getByRole('status').filter({ hasText: '2 of 2 files' }).waitFor();
    if (readFileSync(`${env.PL_UI_DIR}/up/picked/in/y.txt`, 'utf8') !== 'y\n') throw new Error('up/picked/in/y.txt');
    await page.getByRole('button', { name: 'Dismiss' }).click();
  });
  await check("a file's own Cancel aborts that file only: the other is kept", async () => {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
    await page.getByTestId('upload-files').setInputFiles([
      { name: 'one-big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(8 * 1024 * 1024, 7) },
      { name: 'one-small.txt', mimeType: 'text/plain', buffer: Buffer.from('kept\n') },
    ]);
    await page.waitForFunction(() => {
      const b = document.querySelector('.uploads-list progress');
      return b && b.value > 0;
    }, null, { timeout: 30_000 });
    await shot(page, 'upload-cancel-one');
    await page.getByRole('button', { name: 'Cancel the upload of one-big.bin' }).click();
    await page.getByRole('status').filter({ hasText: '1 of 2 files' }).filter({ hasText: '1 canceled' }).waitFor();
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await sleep(500);
    if (existsSync(`${env.PL_UI_DIR}/up/one-big.bin`)) throw new Error('one-big.bin kept');
    if (!existsSync(`${env.PL_UI_DIR}/up/one-small.txt`)) throw new Error('one-small.txt not uploaded');
    await page.getByRole('button', { name: 'Dismiss' }).click();
  });
  await check('Cancel aborts an upload under way: nothing is kept', async () => {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
    await page.getByTestId('upload-files').setInputFiles([{ name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(8 * 1024 * 1024, 7) }]);
    const bar = page.getByRole('progressbar', { name: 'Upload of big.bin' });
    await page.waitForFunction(() => {
      const b = document.querySelector('.uploads-list progress');
      return b && b.value > 0;
    }, null, { timeout: 30_000 });
    const at = await bar.evaluate((e) => e.value);
    await page.getByRole('button', { name: 'Cancel upload' }).click();
    await page.getByRole('status').filter({ hasText: '1 canceled' }).waitFor();
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    note(`canceled at ${at}%`);
    if (at >= 100) throw new Error('ended before the cancel');
    await sleep(500);
    if (existsSync(`${env.PL_UI_DIR}/up/big.bin`)) throw new Error('big.bin kept');
  });
  await shot(page, 'upload-canceled');

  // --- zips
  await check('the project as zip, and a folder as zip', async () => {
    const href = await page.getByRole('link', { name: 'Download the project as zip' }).getAttribute('href');
    const probe = await page.evaluate(async (u) => {
      const r = await fetch(u);
      return `${r.status} ${r.headers.get('content-type')} ${r.headers.get('content-disposition')} ${(await r.arrayBuffer()).byteLength}`;
    }, href);
    note(`zip ${href}: ${probe}`);
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the project as zip' }).click()]);
    const z = readFileSync(await dl.path());
    if (z.subarray(0, 2).toString() !== 'PK' || !z.includes(Buffer.from('README.md')) || z.includes(Buffer.from('build/out.txt')))
      throw new Error(`not the project's zip (${z.length} bytes)`);
    await row('src').click();
    const [d2] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download src as zip' }).click()]);
    const z2 = readFileSync(await d2.path());
    if (z2.subarray(0, 2).toString() !== 'PK' || !z2.includes(Buffer.from('util.js')) || z2.includes(Buffer.from('README.md')))
      throw new Error(`not src's zip (${z2.length} bytes)`);
    note(`zips: the project ${z.length} bytes, src ${z2.length} bytes`);
  });

  // --- keyboard over the whole view, 375 px
  await row('src').click(); // open again
  await row('app.py').click();
  await editor.waitFor();
  await check('the open file is in the URL: a reload opens it again, its folder open and it selected', async () => {
    if (new URL(page.url()).searchParams.get('file') !== 'src/app.py') throw new Error(page.url());
    await page.reload();
    await page.getByRole('heading', { name: /src\/app\.py/ }).waitFor();
    await editor.waitFor();
    await item('app.py').and(page.locator('[aria-selected=true]')).waitFor();
  });
  await keyboardOnly(page, 'files with a file open');
  await page.setViewportSize({ width: 375, height: 812 });
  await check('at 375 px wide nothing overflows sideways (files)', async () => {
    await sleep(200);
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    if (w > 375) throw new Error(`scrollWidth ${w}`);
  });
  await shot(page, 'files-375px');
  await accessible(page, 'files at 375 px');
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'files-dark');
  await accessible(page, 'files, dark');
  await context.close();

  // --- a viewer of the project reads, and may change nothing: a developer
  // account, so what the page offers must follow the project's role
  await api('POST', '/api/v1/users', token, { username: 'vera', password: 'a long viewer passphrase', role: 'developer' });
  await api('PUT', `/api/v1/projects/${site.id}/members/vera`, token, { role: 'viewer' });
  const vctx = await newContext(browser);
  const vpage = await vctx.newPage();
  vpage.setDefaultTimeout(STEP_MS);
  watch(vpage, 'files (viewer)');
  await vpage.goto(`${BASE}/`);
  await vpage.getByLabel('User name').fill('vera');
  await vpage.getByLabel('Password').fill('a long viewer passphrase');
  await vpage.getByRole('button', { name: 'Sign in' }).click();
  await vpage.getByRole('heading', { level: 1, name: 'Projects' }).waitFor();
  await vpage.goto(`${BASE}/projects/${site.id}?tab=files`);
  await check('a viewer of the project (a developer elsewhere): the tree and the file read-only, no Analyse now, New, Rename, Delete, Upload or Save', async () => {
    const vtree = vpage.getByRole('tree', { name: 'Project files' });
    await vtree.locator('[data-path="README.md"] > .ftree-row').click();
    await vpage.locator('.cm-content').waitFor();
    for (const name of ['Analyse now', 'New file', 'New folder', 'Upload files', 'Save'])
      if (await vpage.getByRole('button', { name, exact: true }).count()) throw new Error(`"${name}" shown`);
    if (await vpage.getByRole('button', { name: /^(Rename|Delete)/ }).count()) throw new Error('Rename or Delete shown');
    await vpage.locator('.cm-content').click();
    await vpage.keyboard.type('typed');
    const t = await vpage.locator('.cm-content').innerText();
    if (t.includes('typed')) throw new Error('the editor took the text');
  });
  await accessible(vpage, 'files (viewer)');
  await vctx.close();
}

await run('files', flow);
