'use strict';
// Deterministic "generation": /api/chat, /api/generate, /api/embed, /api/embeddings, and the token engine
// shared with the OpenAI-compatible routes.
const crypto = require('crypto');
const C = require('./common');
const K = require('./catalogue');
const { state } = C;

const THINK_TOKENS = ['Let', ' me', ' think.'];
const TAIL = ' [end]';

function words(text) { return String(text || '').split(/\s+/).filter(Boolean); }
function textOf(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (p && typeof p.text === 'string' ? p.text : '')).filter(Boolean).join(' ');
  return '';
}
function toolCallId() {
  const a = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (const b of crypto.randomBytes(8)) s += a[b % a.length];
  return 'call_' + s;
}

// Tool rule: when `tools` are given and the last message is from the user and contains a tool's
// function name, the model calls the first such tool. Arguments come from `key=value` pairs in the
// message for the keys in parameters.properties (value: "quoted string", or JSON number/bool/null, or word).
function pickToolCall(tools, msgs) {
  if (!Array.isArray(tools) || !tools.length || !msgs.length) return null;
  let last = msgs[msgs.length - 1];
  // config `tool_loop: true`: a model that never stops calling, for the tests of a client's round
  // cap: after a tool result it calls again, from the last user message.
  if (last && last.role === 'tool' && state.cfg.tool_loop) last = msgs.filter((m) => m.role === 'user').pop();
  if (!last || last.role !== 'user') return null;
  const text = textOf(last.content);
  for (const t of tools) {
    const fn = t && (t.function || t);
    if (!fn || !fn.name || !text.includes(fn.name)) continue;
    const args = {};
    const props = (fn.parameters && fn.parameters.properties) || {};
    for (const key of Object.keys(props)) {
      const esc = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const mm = new RegExp('(?:^|[\\s,(])' + esc + '=("[^"]*"|[^\\s,)]+)').exec(text);
      if (!mm) continue;
      let v = mm[1];
      if (v.startsWith('"')) v = v.slice(1, -1);
      else { try { const j = JSON.parse(v); if (j === null || typeof j !== 'object') v = j; } catch (e) { /* word */ } }
      args[key] = v;
    }
    return { name: fn.name, arguments: args };
  }
  return null;
}

// The next scripted reply (config `replies`, taken in order), or null: the echo.
function nextReply() {
  const r = state.cfg.replies;
  return Array.isArray(r) && r.length ? String(r.shift()) : null;
}

function* tokenStream(p) {
  if (p.think) for (const t of THINK_TOKENS) yield { kind: 'thinking', text: t };
  if (p.toolCall) { yield { kind: 'tool', call: p.toolCall }; return; }
  if (p.reply != null) {
    // a token per word with the whitespace before it, newlines included,
    // as a model's tokens carry them
    for (const t of String(p.reply).match(/\s*\S+/g) || []) yield { kind: 'content', text: t };
    return;
  }
  const w = words(p.text);
  if (p.format && !p.endless) {
    for (const t of ['{"echo":', ' ' + JSON.stringify(w.join(' ')), '}']) yield { kind: 'content', text: t };
    return;
  }
  yield { kind: 'content', text: 'Echo:' };
  for (const x of w) yield { kind: 'content', text: ' ' + x };
  if (p.endless) for (let i = 1; ; i++) yield { kind: 'content', text: ' more' + i };
  yield { kind: 'content', text: TAIL };
}

// Resolve `think` like Ollama: thinking models think unless told not to; others refuse think:true.
function resolveThink(m, think, modelName) {
  const on = think === undefined || think === null ? undefined : (typeof think === 'string' ? think !== '' : !!think);
  if (K.hasCap(m, 'thinking')) return { think: on === undefined ? true : on };
  if (on) return { error: `${JSON.stringify(modelName)} does not support thinking` };
  return { think: false };
}

// fail_before_stream (live config, optional `times`), then busy / max_parallel. errFn(status, msg).
function acquire(ctx, errFn) {
  const f = state.cfg.fail_before_stream;
  if (f) {
    if (f.times != null) { f.times -= 1; if (f.times <= 0) state.cfg.fail_before_stream = null; }
    errFn(Number(f.status) || 500, f.error || 'fake-ollama injected failure');
    return false;
  }
  const c = ctx.cfg;
  if (c.busy || (c.max_parallel != null && state.active >= c.max_parallel)) { errFn(503, C.BUSY_ERROR); return false; }
  state.active++;
  ctx.entry.generation = true;
  let released = false;
  const rel = () => { if (!released) { released = true; state.active--; } };
  ctx.res.once('close', rel);
  ctx.res.once('finish', rel);
  return true;
}

function optionsOf(opts) {
  const o = opts && typeof opts === 'object' ? opts : {};
  const np = o.num_predict === undefined || o.num_predict === null ? -1 : Number(o.num_predict);
  const stops = o.stop === undefined || o.stop === null ? [] : [].concat(o.stop).map(String).filter(Boolean);
  return { numPredict: np, stops };
}

function countWords(list) { return 1 + list.reduce((n, s) => n + words(s).length, 0); }

// Run the token stream through a sink: {token(tok)->Promise<bool>, garbage(), error(msg), done(reason, metrics, n)}
async function run(ctx, p, sink) {
  const t0 = C.nowNs();
  let n = 0, reason = 'stop';
  const delay = Number(ctx.cfg.token_delay_ms) || 0;
  for (const tok of tokenStream(p)) {
    if (p.numPredict >= 0 && n >= p.numPredict) { reason = 'length'; break; }
    if (tok.kind === 'content' && p.stops.some((s) => tok.text.includes(s))) break;
    if (delay > 0) await C.sleep(delay, ctx); else await new Promise(setImmediate);
    const g = await C.gate(ctx, n);
    if (g === 'stop') return;
    if (g === 'error') return sink.error(ctx.cfg.fail_error || C.DEFAULT_FAIL_ERROR);
    if (ctx.cfg.invalid_ndjson && n === 1) await sink.garbage();
    if (!(await sink.token(tok))) return;
    ctx.entry.tokens_sent = ++n;
  }
  if (ctx.closed) return;
  const evalNs = C.nsSince(t0);
  const metrics = {
    total_duration: C.nsSince(ctx.t0) + p.loadNs + p.promptCount * 250000, load_duration: p.loadNs,
    prompt_eval_count: p.promptCount, prompt_eval_duration: p.promptCount * 250000,
    eval_count: n, eval_duration: evalNs,
  };
  K.markLoaded(p.model, p.keepAlive);
  return sink.done(reason, metrics, n);
}

// NDJSON (stream) / single JSON (stream:false) sink for /api/chat (kind 'chat') and /api/generate.
function ndjsonSink(ctx, kind, stream, req, raw) {
  const acc = { content: '', thinking: '', tool_calls: [], garbage: false };
  const head = () => ({ model: req.model, created_at: C.createdAt() });
  const line = (s) => {
    if (!ctx.res.headersSent) { ctx.res.writeHead(200, { 'Content-Type': 'application/x-ndjson' }); ctx.entry.status = 200; }
    return C.write(ctx, s);
  };
  const chunk = (content, thinking, tool) => {
    if (kind === 'chat') {
      const message = { role: 'assistant', content };
      if (thinking) message.thinking = thinking;
      if (tool) message.tool_calls = tool;
      return Object.assign(head(), { message });
    }
    const o = Object.assign(head(), { response: content });
    if (thinking) o.thinking = thinking;
    if (tool) o.tool_calls = tool;
    return o;
  };
  return {
    token(tok) {
      let o;
      if (tok.kind === 'content') { acc.content += tok.text; o = chunk(tok.text); }
      else if (tok.kind === 'thinking') { acc.thinking += tok.text; o = chunk('', tok.text); }
      else {
        const call = { id: toolCallId(), function: { index: acc.tool_calls.length, name: tok.call.name, arguments: tok.call.arguments } };
        acc.tool_calls.push(call); o = chunk('', '', [call]);
      }
      if (!stream) return Promise.resolve(!ctx.closed);
      o.done = false;
      return line(JSON.stringify(o) + '\n');
    },
    garbage() {
      if (!stream) { acc.garbage = true; return Promise.resolve(); }
      return line(`{"model":"${req.model}","created_at":not-json\n`);
    },
    async error(msg) {
      if (!stream) return C.ollamaError(ctx, 500, msg);
      await line(JSON.stringify({ error: msg }) + '\n');
      ctx.res.end();
    },
    async done(reason, m, n) {
      const o = stream ? chunk('') : chunk(acc.content, acc.thinking, acc.tool_calls.length ? acc.tool_calls : undefined);
      o.done_reason = reason;
      o.done = true;
      if (kind === 'generate' && !raw) o.context = Array.from({ length: Math.min(m.prompt_eval_count + n, 64) }, (_, i) => 128000 + i);
      Object.assign(o, m);
      if (!stream) {
        if (acc.garbage) { ctx.res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' }); ctx.entry.status = 200; return ctx.res.end('{"model":"' + req.model + '","created_at":'); }
        return C.sendJSON(ctx, 200, o);
      }
      await line(JSON.stringify(o) + '\n');
      ctx.res.end();
    },
  };
}

function checkCommon(ctx, req, err) {
  if (req.top_logprobs !== undefined && (req.top_logprobs < 0 || req.top_logprobs > 20)) { err(400, 'top_logprobs must be between 0 and 20'); return null; }
  if (!req.model) { err(400, 'model is required'); return null; }
  const m = K.findModel(req.model);
  if (!m) { err(404, `model '${req.model}' not found`); return null; }
  return m;
}

function chat(ctx, req) {
  const err = (s, msg) => C.ollamaError(ctx, s, msg);
  if (req.messages !== undefined && req.messages !== null && !Array.isArray(req.messages)) {
    return err(400, `json: cannot unmarshal ${typeof req.messages === 'string' ? 'string' : 'object'} into Go struct field ChatRequest.messages of type []api.Message`);
  }
  const m = checkCommon(ctx, req, err);
  if (!m) return;
  const msgs = req.messages || [];
  const simple = (reason) => C.sendJSON(ctx, 200, { model: req.model, created_at: C.createdAt(), message: { role: 'assistant', content: '' }, done_reason: reason, done: true });
  if (!msgs.length && C.keepAliveMs(req.keep_alive) === 0) { K.unload(m); return simple('unload'); }
  const th = resolveThink(m, req.think, req.model);
  if (th.error) return err(400, th.error);
  if (!K.hasCap(m, 'completion')) return err(400, `${JSON.stringify(req.model)} does not support chat`);
  const tools = Array.isArray(req.tools) ? req.tools : [];
  if (tools.length && !K.hasCap(m, 'tools')) return err(400, `${C.fullName(m.name)} does not support tools`);
  if (!acquire(ctx, err)) return;
  if (!msgs.length) { K.markLoaded(m, req.keep_alive); return simple('load'); }
  let src = '';
  for (const x of msgs) if (x && (x.role === 'user' || x.role === 'tool')) src = textOf(x.content);
  const p = Object.assign(optionsOf(req.options), {
    model: m, keepAlive: req.keep_alive, think: th.think, toolCall: pickToolCall(tools, msgs), text: src, reply: nextReply(),
    format: req.format, endless: !!ctx.cfg.endless, loadNs: state.loaded.has(C.nameKey(m.name)) ? 120000 : 523000000,
    promptCount: countWords(msgs.map((x) => textOf(x && x.content))),
  });
  return run(ctx, p, ndjsonSink(ctx, 'chat', req.stream !== false, req));
}

function generate(ctx, req) {
  const err = (s, msg) => C.ollamaError(ctx, s, msg);
  const m = checkCommon(ctx, req, err);
  if (!m) return;
  const simple = (reason) => C.sendJSON(ctx, 200, { model: req.model, created_at: C.createdAt(), response: '', done: true, done_reason: reason });
  if (!req.prompt && C.keepAliveMs(req.keep_alive) === 0) { K.unload(m); return simple('unload'); }
  if (req.raw && (req.template || req.system || (Array.isArray(req.context) && req.context.length))) {
    return err(400, 'raw mode does not support template, system, or context');
  }
  const th = resolveThink(m, req.think, req.model);
  if (th.error) return err(400, th.error);
  if (!K.hasCap(m, 'completion')) return err(400, `${JSON.stringify(req.model)} does not support generate`);
  if (!acquire(ctx, err)) return;
  if (!req.prompt) { K.markLoaded(m, req.keep_alive); return simple('load'); }
  const p = Object.assign(optionsOf(req.options), {
    model: m, keepAlive: req.keep_alive, think: th.think, toolCall: null, text: req.prompt, reply: nextReply(),
    format: req.format, endless: !!ctx.cfg.endless, loadNs: state.loaded.has(C.nameKey(m.name)) ? 120000 : 523000000,
    promptCount: countWords([req.system, req.prompt]),
  });
  return run(ctx, p, ndjsonSink(ctx, 'generate', req.stream !== false, req, !!req.raw));
}

// Deterministic unit vector from the text (sha256 chain), `dims` long.
function vector(text, dims) {
  const v = [];
  for (let block = 0; v.length < dims; block++) {
    const h = crypto.createHash('sha256').update(text + '\u0000' + block).digest();
    for (let i = 0; i < 32 && v.length < dims; i += 2) v.push(h.readUInt16BE(i) / 32767.5 - 1);
  }
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => Math.round((x / norm) * 1e8) / 1e8);
}
function embedInputs(input) {
  if (input === undefined || input === null) return [];
  if (typeof input === 'string') return input.length ? [input] : [];
  if (Array.isArray(input) && input.every((x) => typeof x === 'string')) return input;
  return null;
}
function embedVectors(m, inputs, dimensions) {
  let dims = m.embedding_length;
  if (dimensions > 0 && dimensions < dims) dims = Number(dimensions);
  return inputs.map((t) => vector(t, dims));
}

function embed(ctx, req) {
  const err = (s, msg) => C.ollamaError(ctx, s, msg);
  if (!req.model) return err(400, 'model is required');
  const inputs = embedInputs(req.input);
  if (!inputs) return err(400, 'invalid input type');
  const m = K.findModel(req.model);
  if (!m) return err(404, `model '${req.model}' not found`);
  if (!acquire(ctx, err)) return;
  K.markLoaded(m, req.keep_alive);
  if (!inputs.length) return C.sendJSON(ctx, 200, { model: req.model, embeddings: [] });
  const t0 = C.nowNs();
  const embeddings = embedVectors(m, inputs, req.dimensions);
  ctx.entry.tokens_sent = inputs.length;
  C.sendJSON(ctx, 200, { model: req.model, embeddings, total_duration: C.nsSince(ctx.t0), load_duration: C.nsSince(t0),
    prompt_eval_count: inputs.reduce((n, t) => n + Math.max(1, words(t).length), 0) });
}

function embeddingsLegacy(ctx, req) {
  const err = (s, msg) => C.ollamaError(ctx, s, msg);
  if (!req.model) return err(400, 'model is required');
  const m = K.findModel(req.model);
  if (!m) return err(404, `model ${JSON.stringify(req.model)} not found, try pulling it first`);
  if (!acquire(ctx, err)) return;
  K.markLoaded(m, req.keep_alive);
  if (!req.prompt) return C.sendJSON(ctx, 200, { embedding: [] });
  C.sendJSON(ctx, 200, { embedding: vector(String(req.prompt), m.embedding_length) });
}

module.exports = { THINK_TOKENS, TAIL, textOf, words, toolCallId, pickToolCall, nextReply, resolveThink, acquire, optionsOf,
  countWords, run, chat, generate, embed, embeddingsLegacy, embedInputs, embedVectors };
