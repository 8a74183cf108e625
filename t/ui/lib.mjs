// What the browser scripts of t/ui share: PASS/FAIL lines for the .t that
// runs them, the watch over a page (CSP violations, uncaught errors,
// console errors, error replies not expected, writes without the CSRF
// header), axe-core, screenshots and the API beside the browser.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export const env = process.env;
export const BASE = env.PL_UI_BASE;
export const STEP_MS = 15_000;

let failures = 0;
export const pass = (what) => console.log(`PASS ${what}`);
export const fail = (what, why) => {
  failures++;
  console.log(`FAIL ${what}: ${String(why).split('\n')[0]}`);
};
export const note = (text) => console.log(`NOTE ${text}`);
export const failed = () => failures;

let step = 'start';
export async function check(what, fn) {
  step = what;
  try {
    const r = await fn();
    if (r === false) fail(what, 'condition false');
    else pass(what);
  } catch (err) {
    fail(what, err && err.message ? err.message : err);
  }
}

export const problems = [];
// [method, path regexp, status] of error replies expected: always, and for one step
export const expected = [['GET', /\/api\/v1\/auth\/me$/, 401]];
export const expectedNow = [];

export function watch(page, label) {
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    if (/^Failed to load resource: the server responded with a status of \d+/.test(text)) return;
    problems.push(`${label}: console error: ${text}`);
  });
  page.on('pageerror', (err) => problems.push(`${label}: uncaught: ${err.message}`));
  page.on('response', (res) => {
    const req = res.request();
    const url = new URL(res.url());
    if (res.status() < 400) return;
    if ([...expected, ...expectedNow].some(([m, re, st]) => m === req.method() && re.test(url.pathname) && st === res.status())) return;
    problems.push(`${label}: ${req.method()} ${url.pathname} answered ${res.status()} (after "${step}")`);
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

export async function launch() {
  return chromium.launch({
    executablePath: env.PL_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
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
export async function screenshot(page, prefix, name) {
  const file = join(env.PL_UI_SHOTS, `${prefix}${String(++shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  note(`screenshot ${file}`);
}

// The API beside the browser, as a script would use it (bearer token).
// Returns {status, headers, json}; throws on an error reply unless allowed.
export async function api(method, path, token, body, { headers = {}, allow = [] } = {}) {
  const res = await fetch(BASE + path, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
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
  if (!res.ok && !allow.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
  return json;
}

// Runs the flow, then reports the page problems; exits 0 (the .t counts).
export async function run(phase, fn) {
  const browser = await launch();
  try {
    await fn(browser);
  } catch (err) {
    fail('the flow ran to its end', err && err.stack ? err.stack.split('\n').slice(0, 3).join(' | ') : err);
  } finally {
    await browser.close();
  }
  if (problems.length === 0) pass(`no CSP violation, uncaught error or console error (${phase})`);
  else for (const p of problems) fail('CSP violations and page errors', p);
  process.exit(0);
}
