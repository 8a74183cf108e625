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

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Polls fn until it returns something true (returned), or throws after ms.
export async function until(what, fn, ms = STEP_MS) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(100);
  }
}

// The Ollama stand-in's /_control API (PL_UI_FAKE): fake('POST', 'config', {...}).
export async function fake(method, path, body) {
  const res = await fetch(`${env.PL_UI_FAKE}/_control/${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return res.json().catch(() => null);
}

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
const recent = [];
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
    // the last replies, said when the page had a problem: when each was
    // sent and whether it carried the session
    const rec = `${req.method()} ${url.pathname}${url.search} ${res.status()}`;
    const at = recent.push(rec) - 1;
    req.allHeaders().then((h) => {
      recent[at] = `${rec} sent at ${Math.round(req.timing().startTime % 100000)} ms, access cookie ${/(^|;\s*)pl_access=/.test(h.cookie || '') ? 'sent' : 'not sent'}`;
    });
    if (res.status() < 400) return;
    if ([...expected, ...expectedNow].some(([m, re, st]) => m === req.method() && re.test(url.pathname) && st === res.status())) return;
    problems.push(`${label}: ${req.method()} ${url.pathname}${url.search} answered ${res.status()} (after "${step}")`);
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

// Keyboard for everything: Tab from the top of the page reaches every
// visible control (link, button, field, anything with a tabindex >= 0) and
// shows where the focus is (an outline or a ring), without a trap.
export async function keyboardOnly(page, what) {
  await check(`keyboard: Tab reaches every control, focus shown (${what})`, async () => {
    const total = await page.evaluate(() => {
      const sel = 'a[href], button, input, select, textarea, summary, [tabindex]';
      const all = [...document.querySelectorAll(sel)].filter((el) => {
        if (el.disabled || el.closest('[inert], [hidden]') || el.getAttribute('tabindex') === '-1') return false;
        if (el.type === 'hidden') return false;
        const r = el.getBoundingClientRect();
        const st = getComputedStyle(el);
        return r.width > 0 && r.height > 0 && st.visibility !== 'hidden';
      });
      // a radio group is one stop: Tab reaches it, the arrows move within
      const groups = new Map();
      all.forEach((el, i) => {
        const key = el.type === 'radio' && el.name ? `radio:${el.name}` : String(i);
        if (!groups.has(key)) groups.set(key, groups.size);
        el.setAttribute('data-kb', String(groups.get(key)));
      });
      document.activeElement && document.activeElement.blur();
      window.scrollTo(0, 0);
      return groups.size;
    });
    const seen = new Set();
    const unseen = [];
    for (let i = 0; i < total * 2 + 10 && seen.size < total; i++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        const st = getComputedStyle(el);
        const ring = (st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) > 0) || (st.boxShadow && st.boxShadow !== 'none');
        return { kb: el.getAttribute('data-kb'), ring, name: `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') || el.textContent || el.name || '').trim().slice(0, 40)}"` };
      });
      if (!f || f.kb === null) continue;
      if (!f.ring) throw new Error(`no visible focus on ${f.name}`);
      seen.add(f.kb);
    }
    if (seen.size < total) {
      const missed = await page.evaluate((got) =>
        [...document.querySelectorAll('[data-kb]')]
          .filter((el) => !got.includes(el.getAttribute('data-kb')))
          .slice(0, 5)
          .map((el) => `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') || el.textContent || el.name || '').trim().slice(0, 40)}"`),
        [...seen]);
      throw new Error(`${total - seen.size} of ${total} controls never reached by Tab: ${missed.join(', ')}`);
    }
    await page.evaluate(() => document.querySelectorAll('[data-kb]').forEach((el) => el.removeAttribute('data-kb')));
  });
}

// No sideways scrolling at the page's width.
export async function fits(page, what) {
  await check(`375 px: no sideways scrolling (${what})`, async () => {
    const w = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    if (w[0] > w[1]) {
      const wide = await page.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 6).map((e) => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`).join(', '));
      throw new Error(`${w[0]} px wide in ${w[1]}: ${wide}`);
    }
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
  if (problems.length) for (const r of recent.slice(-30)) note(`reply: ${r}`);
  if (problems.length === 0) pass(`no CSP violation, uncaught error or console error (${phase})`);
  else for (const p of problems) fail('CSP violations and page errors', p);
  process.exit(0);
}
