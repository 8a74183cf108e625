// Helpers for the browser tests (t/ui/*.mjs): PASS/FAIL/NOTE lines for the
// .t that runs the script, every CSP violation, uncaught error, console
// error and unexpected error reply of a page collected as a problem, axe-core
// on the page, screenshots, the API beside the browser. The same ways as
// browser.mjs (which keeps its own copy for now), for chat.mjs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export const env = process.env;
export const BASE = env.PL_UI_BASE;
export let failures = 0;
export const pass = (what) => console.log(`PASS ${what}`);
export const fail = (what, why) => {
  failures++;
  console.log(`FAIL ${what}: ${String(why).split('\n')[0]}`);
};
export const note = (text) => console.log(`NOTE ${text}`);
export const state = { step: 'start' };

export async function check(what, fn) {
  state.step = what;
  try {
    const r = await fn();
    if (r === false) fail(what, 'condition false');
    else pass(what);
  } catch (err) {
    fail(what, err && err.message ? err.message : err);
  }
}

export const problems = [];
// [method, path regexp, status]: error replies a flow provokes on purpose
export const expected = [['GET', /\/api\/v1\/auth\/me$/, 401]];

export function watch(page, label) {
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    if (/^Failed to load resource: the server responded with a status of \d+/.test(text)) return;
    problems.push(`${label}: console error: ${text}`);
  });
  page.on('dialog', (d) => {
    problems.push(`${label}: a ${d.type()} dialog opened: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  page.on('pageerror', (err) => problems.push(`${label}: uncaught: ${err.message}`));
  page.on('response', (res) => {
    const req = res.request();
    const url = new URL(res.url());
    if (res.status() < 400) return;
    if (expected.some(([m, re, st]) => m === req.method() && re.test(url.pathname) && st === res.status())) return;
    problems.push(`${label}: ${req.method()} ${url.pathname} answered ${res.status()} (after "${state.step}")`);
  });
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (!url.pathname.startsWith('/api/v1/') || ['GET', 'HEAD'].includes(req.method())) return;
    if (/\/auth\/(login|setup)$/.test(url.pathname)) return;
    if (!req.headers()['x-csrf-token']) problems.push(`${label}: ${req.method()} ${url.pathname} without X-CSRF-Token`);
  });
  page.on('requestfailed', (req) => {
    if (/ERR_ABORTED/.test(req.failure()?.errorText || '')) return;
    problems.push(`${label}: ${req.method()} ${req.url()} failed: ${req.failure()?.errorText}`);
  });
}

export async function newContext(browser, opts = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, ...opts });
  await context.exposeBinding('__plCspViolation', (_source, v) =>
    problems.push(`CSP violation: ${v.directive} blocked ${v.blocked || '(inline)'} ${v.sample || ''} at ${v.source}:${v.line}`),
  );
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__plCspViolation({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample, source: e.sourceFile, line: e.lineNumber }),
    );
  });
  return context;
}

export async function accessible(page, what) {
  await check(`axe-core: no serious or critical violation (${what})`, async () => {
    if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(AXE);
    const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    for (const v of r.violations.filter((x) => !bad.includes(x))) note(`axe (${what}): ${v.impact} ${v.id}: ${v.help}`);
    if (bad.length)
      throw new Error(bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`).join('; '));
  });
}

let shot = 0;
// fullPage: false for pages with sticky parts (the chat's message box would
// cover the end of the conversation): the window, scrolled to the end
export async function screenshot(page, prefix, name, { fullPage = true } = {}) {
  const file = join(env.PL_UI_SHOTS, `${prefix}${String(++shot).padStart(2, '0')}-${name}.png`);
  if (!fullPage) await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await page.screenshot({ path: file, fullPage });
  note(`screenshot ${file}`);
}

// The API beside the browser, as a script would use it (bearer token).
export async function api(method, path, token, body, { ok = true } = {}) {
  const res = await fetch(BASE + path, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  if (ok && !res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
  return ok ? json : { status: res.status, json };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function until(what, fn, ms = 15_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(100);
  }
}
