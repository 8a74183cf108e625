#!/usr/bin/env node
'use strict';
// Fake Ollama server for tests. Usage and control API: see README.md next to this file.
//   node t/fake-ollama/server.js [--port N] [--host 127.0.0.1] [--models FILE.json] [--token-delay-ms N]
//        [--api-key KEY] [--max-parallel N] [--version 0.x.y] [--port-file PATH]
const http = require('http');
const fs = require('fs');
const zlib = require('zlib');
const { EventEmitter } = require('events');
const { URL } = require('url');
const C = require('./common');
const K = require('./catalogue');
const G = require('./generate');
const O = require('./openai');
const { state } = C;

function usage(msg) {
  process.stderr.write(`fake-ollama: ${msg}\nusage: node server.js [--port N] [--host 127.0.0.1] [--models FILE.json] ` +
    '[--token-delay-ms N] [--api-key KEY] [--max-parallel N] [--version 0.x.y] [--port-file PATH]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const o = { port: 0, host: '127.0.0.1' };
  const num = (k, v) => { if (!/^\d+$/.test(v || '')) usage(`${k} needs a non-negative integer`); return Number(v); };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i], v;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) { v = a.slice(eq + 1); a = a.slice(0, eq); } else if (a.startsWith('--')) v = argv[++i];
    switch (a) {
      case '--port': o.port = num(a, v); break;
      case '--host': o.host = v; break;
      case '--models': o.models = v; break;
      case '--token-delay-ms': o.tokenDelay = num(a, v); break;
      case '--api-key': o.apiKey = v; break;
      case '--max-parallel': o.maxParallel = num(a, v); break;
      case '--version': o.version = v; break;
      case '--port-file': o.portFile = v; break;
      case '--help': case '-h': usage('help');
      // falls through
      default: usage(`unknown argument ${a}`);
    }
    if (v === undefined) usage(`${a} needs a value`);
  }
  if (!['127.0.0.1', 'localhost', '::1'].includes(o.host)) usage('--host must be a loopback address (127.0.0.1)');
  return o;
}

const opts = parseArgs(process.argv.slice(2));
let startupModels;
if (opts.models) {
  try {
    const j = JSON.parse(fs.readFileSync(opts.models, 'utf8'));
    startupModels = Array.isArray(j) ? j : j.models;
    if (!Array.isArray(startupModels)) throw new Error('expected an array of models or {"models":[...]}');
    startupModels.forEach((m, i) => K.normalizeModel(m, i));
  } catch (e) { usage(`--models ${opts.models}: ${e.message}`); }
}
state.version = opts.version || state.version;
state.defaults = Object.assign(C.baseConfig(), {
  token_delay_ms: opts.tokenDelay || 0,
  require_key: opts.apiKey || null,
  max_parallel: opts.maxParallel === undefined ? null : opts.maxParallel,
});
const clone = (o) => JSON.parse(JSON.stringify(o));
function reset() {
  state.cfg = clone(state.defaults);
  state.log = [];
  K.resetCatalogue(startupModels);
}
reset();

// ---- request plumbing ------------------------------------------------------------------------

function goJSONError(text, e) {
  const mm = /position (\d+)/.exec(e.message);
  const pos = mm ? Number(mm[1]) : text.length;
  if (pos >= text.length) return 'unexpected EOF';
  return `invalid character '${text[pos]}' looking for beginning of value`;
}

// Returns the parsed object, or undefined after sending the error.
function jsonBody(ctx, raw, openai) {
  const err = (msg) => (openai ? C.openaiError(ctx, 400, msg) : C.ollamaError(ctx, 400, msg));
  if (!raw.trim()) { err('missing request body'); return undefined; }
  let j;
  try { j = JSON.parse(raw); } catch (e) { err(goJSONError(raw, e)); return undefined; }
  if (j === null || typeof j !== 'object' || Array.isArray(j)) {
    err(`json: cannot unmarshal ${Array.isArray(j) ? 'array' : j === null ? 'null' : typeof j} into Go value of type api.Request`);
    return undefined;
  }
  return j;
}

const bombCache = new Map();
function gzipBomb(ctx, path) {
  const size = typeof ctx.cfg.gzip_bomb === 'number' && ctx.cfg.gzip_bomb > 0 ? ctx.cfg.gzip_bomb : 64 * 1024 * 1024;
  if (!bombCache.has(size)) bombCache.set(size, zlib.gzipSync('{"response":"' + 'A'.repeat(size) + '"}\n', { level: 9 }));
  const body = bombCache.get(size);
  const ndjson = /^\/api\/(chat|generate|pull|push|create)$/.test(path);
  ctx.res.writeHead(200, { 'Content-Type': ndjson ? 'application/x-ndjson' : 'application/json; charset=utf-8',
    'Content-Encoding': 'gzip', 'Content-Length': body.length });
  ctx.entry.status = 200;
  ctx.res.end(body);
}

function authorized(ctx) {
  const key = ctx.cfg.require_key;
  if (!key) return true;
  const h = ctx.req.headers.authorization || '';
  const mm = /^Bearer\s+(.+)$/i.exec(h);
  return !!mm && mm[1].trim() === key;
}

const ROUTES = {
  'GET /': (ctx) => C.sendText(ctx, 200, 'Ollama is running'),
  'GET /api/version': (ctx) => C.sendJSON(ctx, 200, { version: state.version }),
  'GET /api/status': (ctx) => C.sendJSON(ctx, 200, { cloud: { disabled: true, source: 'none' } }),
  'GET /api/tags': K.tags,
  'GET /api/ps': K.ps,
  'POST /api/show': [K.show],
  'POST /api/pull': [K.pull, true],
  'POST /api/push': [K.push, true],
  'POST /api/create': [K.create, true],
  'POST /api/copy': [K.copy],
  'DELETE /api/delete': [K.del],
  'POST /api/chat': [G.chat],
  'POST /api/generate': [G.generate],
  'POST /api/embed': [G.embed],
  'POST /api/embeddings': [G.embeddingsLegacy],
  'GET /v1/models': O.models,
  'POST /v1/chat/completions': [O.chatCompletions, false, true],
  'POST /v1/completions': [O.completions, false, true],
  'POST /v1/embeddings': [O.embeddings, false, true],
};
const HEAD_OK = new Set(['/', '/api/version', '/api/tags']);
const blobs = new Set();

function dispatch(ctx, raw) {
  const { req } = ctx;
  const path = ctx.url.pathname;
  if (path.startsWith('/_control/')) return control(ctx, path, raw);
  const guarded = path.startsWith('/api/') || path.startsWith('/v1/');
  if (guarded && !authorized(ctx)) return C.ollamaError(ctx, 401, 'unauthorized');
  if (guarded && ctx.cfg.gzip_bomb) return gzipBomb(ctx, path);
  const method = req.method === 'HEAD' && HEAD_OK.has(path) ? 'GET' : req.method;
  const route = ROUTES[method + ' ' + path];
  if (typeof route === 'function') return route(ctx);
  if (Array.isArray(route)) {
    const [fn, preflight, openai] = route;
    const body = jsonBody(ctx, raw, openai);
    if (body === undefined) return;
    if (preflight) {
      const f = state.cfg.fail_before_stream;
      if (f) {
        if (f.times != null) { f.times -= 1; if (f.times <= 0) state.cfg.fail_before_stream = null; }
        return C.ollamaError(ctx, Number(f.status) || 500, f.error || 'fake-ollama injected failure');
      }
    }
    return fn(ctx, body);
  }
  if (method === 'GET' && path.startsWith('/v1/models/')) return O.model(ctx, decodeURIComponent(path.slice(11)));
  const blob = /^\/api\/blobs\/(sha256[:-][0-9a-f]{64})$/.exec(path);
  if (blob && (req.method === 'HEAD' || req.method === 'POST')) {
    const digest = blob[1].replace('-', ':');
    if (req.method === 'HEAD') return C.sendEmpty(ctx, blobs.has(digest) ? 200 : 404);
    if ('sha256:' + C.sha256(ctx.rawBuffer) !== digest) return C.ollamaError(ctx, 400, 'digest mismatch');
    blobs.add(digest);
    return C.sendEmpty(ctx, 201);
  }
  C.sendText(ctx, 404, '404 page not found');
}

// ---- /_control -------------------------------------------------------------------------------

const CONFIG_KEYS = new Set(Object.keys(C.baseConfig()));
function control(ctx, path, raw) {
  const m = ctx.req.method;
  let body = {};
  if (m === 'POST' && raw.trim()) {
    try { body = JSON.parse(raw); } catch (e) { return C.sendJSON(ctx, 400, { error: 'invalid JSON: ' + e.message }); }
  }
  if (m === 'GET' && path === '/_control/log') {
    const p = ctx.url.searchParams.get('path');
    const since = Number(ctx.url.searchParams.get('since') || 0);
    return C.sendJSON(ctx, 200, state.log.filter((e) => (!p || e.path === p) && e.id > since));
  }
  if (m === 'GET' && path === '/_control/config') return C.sendJSON(ctx, 200, state.cfg);
  if (m === 'POST' && path === '/_control/config') {
    for (const k of Object.keys(body)) if (!CONFIG_KEYS.has(k)) return C.sendJSON(ctx, 400, { error: `unknown config key: ${k}` });
    Object.assign(state.cfg, body);
    return C.sendJSON(ctx, 200, state.cfg);
  }
  if (m === 'POST' && path === '/_control/reset') { reset(); return C.sendJSON(ctx, 200, { ok: true }); }
  if (m === 'POST' && (path === '/_control/models' || path === '/_control/registry')) {
    try {
      const list = Array.isArray(body) ? body : body.models;
      if (!Array.isArray(list)) throw new Error('expected {"models":[...]}');
      const target = path === '/_control/models' ? state.models : state.registry;
      if (body.replace) target.clear();
      K.install(list, target);
      if (path === '/_control/models') K.install(list, state.registry);
    } catch (e) { return C.sendJSON(ctx, 400, { error: e.message }); }
    return C.sendJSON(ctx, 200, { ok: true });
  }
  if (m === 'GET' && path === '/_control/state') {
    return C.sendJSON(ctx, 200, { active: state.active, models: [...state.models.values()].map((x) => x.name),
      loaded: [...state.loaded.values()].map((x) => x.model.name), version: state.version });
  }
  C.sendJSON(ctx, 404, { error: 'unknown control endpoint' });
}

// ---- server ----------------------------------------------------------------------------------

const server = http.createServer({ noDelay: true }, (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const isControl = url.pathname.startsWith('/_control/');
  const entry = { id: state.nextId++, method: req.method, path: url.pathname, query: url.search.slice(1),
    headers: req.headers, body: null, started: Date.now(), ended: null, status: null,
    aborted: false, tokens_sent: 0 };
  if (!isControl) state.log.push(entry);
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const ctx = { req, res, url, entry, events, cfg: clone(state.cfg), t0: C.nowNs(), closed: false };
  if (req.socket) req.socket.setNoDelay(true);
  res.on('finish', () => { if (!entry.ended) entry.ended = Date.now(); });
  res.on('close', () => {
    ctx.closed = true;
    if (!entry.ended) entry.ended = Date.now();
    if (!res.writableFinished && !entry.died) entry.aborted = true;
    events.emit('close');
  });
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('error', () => {});
  req.on('end', () => {
    ctx.rawBuffer = Buffer.concat(chunks);
    const raw = ctx.rawBuffer.toString('utf8');
    if (raw.length) { try { entry.body = JSON.parse(raw); } catch (e) { entry.body = raw; } }
    Promise.resolve().then(() => dispatch(ctx, raw)).catch((e) => {
      process.stderr.write(`fake-ollama: ${e.stack || e}\n`);
      if (!res.headersSent) C.ollamaError(ctx, 500, String(e.message || e));
      else res.destroy();
    });
  });
});
server.keepAliveTimeout = 5000;
server.on('clientError', (err, socket) => { if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'); });

server.listen(opts.port, opts.host === 'localhost' ? '127.0.0.1' : opts.host, () => {
  const port = server.address().port;
  if (opts.portFile) fs.writeFileSync(opts.portFile, String(port) + '\n');
  process.stdout.write(`LISTENING ${port}\n`);
});
server.on('error', (e) => { process.stderr.write(`fake-ollama: ${e.message}\n`); process.exit(1); });
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.on(sig, () => { server.close(); server.closeAllConnections(); process.exit(0); });
}
