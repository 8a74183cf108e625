'use strict';
// Shared state and helpers for the fake Ollama server (see README.md).
const crypto = require('crypto');

const DEFAULT_FAIL_ERROR = 'an error was encountered while running the model: fake-ollama injected failure';
const BUSY_ERROR = 'server busy, please try again.  maximum pending requests exceeded';

// Mutable server state; server.js fills `defaults` from the command line.
const state = {
  defaults: {},      // configuration restored by POST /_control/reset
  cfg: {},           // current configuration
  version: '0.12.6',
  log: [],
  nextId: 1,
  models: new Map(), // lower-case full name -> model
  registry: new Map(),
  loaded: new Map(), // lower-case full name -> {model, expires_at (ms)}
  active: 0,         // generations running now (for max_parallel)
};

function baseConfig() {
  return {
    token_delay_ms: 0,
    pull_delay_ms: 5,
    fail_before_stream: null,
    fail_after_tokens: null,
    fail_error: null,
    die_after_tokens: null,
    hang_after_tokens: null,
    busy: false,
    tool_loop: false,
    gzip_bomb: false,
    endless: false,
    invalid_ndjson: false,
    require_key: null,
    max_parallel: null,
    replies: null,
  };
}

// Go's time.Time in RFC 3339 with nanoseconds (trailing zeros trimmed, as RFC3339Nano does).
function createdAt(ms) {
  const t = ms === undefined ? Date.now() : ms;
  const iso = new Date(t).toISOString(); // 2025-01-01T00:00:00.123Z
  const extra = ms === undefined ? String(process.hrtime.bigint() % 1000000n).padStart(6, '0') : '000000';
  let frac = (iso.slice(20, 23) + extra).replace(/0+$/, '');
  return iso.slice(0, 19) + (frac ? '.' + frac : '') + 'Z';
}

function nowNs() { return process.hrtime.bigint(); }
function nsSince(t0) { const d = Number(process.hrtime.bigint() - t0); return d > 0 ? d : 1; }

function sha256(s) { return crypto.createHash('sha256').update(String(s)).digest('hex'); }

// Model names: [host/][namespace/]model[:tag]; tag defaults to latest.
function parseName(name) {
  let n = String(name || '').trim();
  let host = 'registry.ollama.ai', ns = 'library';
  const parts = n.split('/');
  if (parts.length === 3) { [host, ns, n] = parts; } else if (parts.length === 2) { [ns, n] = parts; }
  let [model, tag] = n.split(':');
  if (!tag) tag = 'latest';
  return { host, ns, model, tag };
}
function shortName(name) {
  const p = parseName(name);
  const base = p.model + ':' + p.tag;
  if (p.host !== 'registry.ollama.ai') return p.host + '/' + p.ns + '/' + base;
  return p.ns === 'library' ? base : p.ns + '/' + base;
}
function fullName(name) { const p = parseName(name); return `${p.host}/${p.ns}/${p.model}:${p.tag}`; }
function nameKey(name) { return fullName(name).toLowerCase(); }

// keep_alive: number = seconds, string = Go duration; negative = forever. Returns ms or Infinity.
function keepAliveMs(v) {
  if (v === undefined || v === null) return 5 * 60 * 1000;
  if (typeof v === 'number') return v < 0 ? Infinity : v * 1000;
  const s = String(v).trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) { const n = Number(s); return n < 0 ? Infinity : n * 1000; }
  const units = { h: 3600e3, m: 60e3, s: 1e3, ms: 1, us: 1e-3, 'µs': 1e-3, ns: 1e-6 };
  let total = 0, neg = s.startsWith('-');
  const re = /(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/g;
  let m, seen = false;
  while ((m = re.exec(s))) { total += Number(m[1]) * units[m[2]]; seen = true; }
  if (!seen) return 5 * 60 * 1000;
  return neg ? Infinity : total;
}

function sendJSON(ctx, status, obj, contentType) {
  const res = ctx.res;
  if (res.headersSent || ctx.closed) { if (!res.writableEnded) res.end(); return; }
  const body = obj === undefined ? '' : JSON.stringify(obj);
  res.writeHead(status, {
    'Content-Type': contentType || 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
  ctx.entry.status = status;
}
function sendText(ctx, status, text) {
  ctx.res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  ctx.res.end(text);
  ctx.entry.status = status;
}
function sendEmpty(ctx, status) {
  ctx.res.writeHead(status, { 'Content-Length': 0 });
  ctx.res.end();
  ctx.entry.status = status;
}
function ollamaError(ctx, status, msg) { sendJSON(ctx, status, { error: msg }); }
function openaiError(ctx, status, msg) {
  const type = status === 400 ? 'invalid_request_error' : status === 404 ? 'not_found_error' : 'api_error';
  sendJSON(ctx, status, { error: { message: msg, type, param: null, code: null } });
}

// Sleep that wakes early when the client goes away.
function sleep(ms, ctx) {
  return new Promise((resolve) => {
    if (ctx && ctx.closed) return resolve();
    const t = setTimeout(done, ms);
    function done() { clearTimeout(t); if (ctx) ctx.events.removeListener('close', done); resolve(); }
    if (ctx) ctx.events.once('close', done);
  });
}

// Write one chunk, waiting for drain under back-pressure (or for the client to leave).
function write(ctx, data) {
  if (ctx.closed || ctx.res.writableEnded) return Promise.resolve(false);
  if (ctx.res.write(data)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const ok = () => { ctx.events.removeListener('close', gone); resolve(true); };
    const gone = () => { ctx.res.removeListener('drain', ok); resolve(false); };
    ctx.res.once('drain', ok);
    ctx.events.once('close', gone);
  });
}

// Mid-stream fault injection, checked before the (n+1)th item is sent.
// Returns 'go', or 'error' (caller sends the error), or 'stop' (socket gone / died / hung).
async function gate(ctx, n) {
  const c = ctx.cfg;
  if (ctx.closed) return 'stop';
  if (c.fail_after_tokens != null && n >= c.fail_after_tokens) return 'error';
  if (c.die_after_tokens != null && n >= c.die_after_tokens) { die(ctx); return 'stop'; }
  if (c.hang_after_tokens != null && n >= c.hang_after_tokens) {
    ctx.entry.hung = true;
    if (!ctx.closed) await new Promise((r) => ctx.events.once('close', r));
    return 'stop';
  }
  return 'go';
}
function die(ctx) {
  ctx.entry.died = true;
  const sock = ctx.res.socket || ctx.req.socket;
  if (sock) sock.destroy(); else ctx.res.destroy();
}

module.exports = {
  state, baseConfig, DEFAULT_FAIL_ERROR, BUSY_ERROR,
  createdAt, nowNs, nsSince, sha256, parseName, shortName, fullName, nameKey, keepAliveMs,
  sendJSON, sendText, sendEmpty, ollamaError, openaiError, sleep, write, gate, die,
};
