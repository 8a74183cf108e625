'use strict';
// OpenAI-compatible routes: /v1/chat/completions and /v1/completions (SSE), /v1/models, /v1/models/:model,
// /v1/embeddings.
const C = require('./common');
const K = require('./catalogue');
const G = require('./generate');
const { state } = C;

function modelObj(m) {
  const p = C.parseName(m.name);
  return { id: m.name, object: 'model', created: Math.floor(m.modified_at / 1000), owned_by: p.ns };
}
function models(ctx) {
  const data = [...state.models.values()].sort((a, b) => b.modified_at - a.modified_at).map(modelObj);
  C.sendJSON(ctx, 200, { object: 'list', data });
}
function model(ctx, name) {
  const m = K.findModel(name);
  if (!m) return C.openaiError(ctx, 404, `model "${name}" not found`);
  C.sendJSON(ctx, 200, modelObj(m));
}

function sseSink(ctx, stream, req, m) {
  const id = 'chatcmpl-' + Math.floor(Math.random() * 999);
  const created = Math.floor(Date.now() / 1000);
  const acc = { content: '', reasoning: '', tool_calls: [], garbage: false };
  const head = () => ({ id, object: 'chat.completion.chunk', created, model: req.model, system_fingerprint: 'fp_ollama' });
  const send = (s) => {
    if (!ctx.res.headersSent) {
      ctx.res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
      ctx.entry.status = 200;
    }
    return C.write(ctx, s);
  };
  const event = (o) => send('data: ' + JSON.stringify(o) + '\n\n');
  const usage = (mm) => ({ prompt_tokens: mm.prompt_eval_count, completion_tokens: mm.eval_count, total_tokens: mm.prompt_eval_count + mm.eval_count });
  return {
    token(tok) {
      const delta = { role: 'assistant', content: '' };
      if (tok.kind === 'content') { delta.content = tok.text; acc.content += tok.text; }
      else if (tok.kind === 'thinking') { delta.reasoning = tok.text; acc.reasoning += tok.text; }
      else {
        const call = { id: G.toolCallId(), index: acc.tool_calls.length, type: 'function',
          function: { name: tok.call.name, arguments: JSON.stringify(tok.call.arguments) } };
        acc.tool_calls.push(call); delta.tool_calls = [call];
      }
      if (!stream) return Promise.resolve(!ctx.closed);
      return event(Object.assign(head(), { choices: [{ index: 0, delta, finish_reason: null }] }));
    },
    garbage() {
      if (!stream) { acc.garbage = true; return Promise.resolve(); }
      return send(`data: {"id":"${id}","object":not-json\n\n`);
    },
    async error(msg) {
      if (!stream) return C.openaiError(ctx, 500, msg);
      await event({ error: { message: msg, type: 'api_error', param: null, code: null } });
      ctx.res.end();
    },
    async done(reason, mm) {
      const finish = acc.tool_calls.length ? 'tool_calls' : reason === 'length' ? 'length' : 'stop';
      if (!stream) {
        if (acc.garbage) { ctx.res.writeHead(200, { 'Content-Type': 'application/json' }); ctx.entry.status = 200; return ctx.res.end(`{"id":"${id}","object":`); }
        const message = { role: 'assistant', content: acc.content };
        if (acc.reasoning) message.reasoning = acc.reasoning;
        if (acc.tool_calls.length) message.tool_calls = acc.tool_calls;
        return C.sendJSON(ctx, 200, { id, object: 'chat.completion', created, model: req.model, system_fingerprint: 'fp_ollama',
          choices: [{ index: 0, message, finish_reason: finish }], usage: usage(mm) }, 'application/json');
      }
      await event(Object.assign(head(), { choices: [{ index: 0, delta: {}, finish_reason: finish }] }));
      if (req.stream_options && req.stream_options.include_usage) await event(Object.assign(head(), { choices: [], usage: usage(mm) }));
      await send('data: [DONE]\n\n');
      ctx.res.end();
    },
  };
}

function chatCompletions(ctx, req) {
  const err = (s, msg) => C.openaiError(ctx, s, msg);
  if (!req.model) return err(400, 'model is required');
  if (!Array.isArray(req.messages) || !req.messages.length) return err(400, 'invalid message format');
  const m = K.findModel(req.model);
  if (!m) return err(404, `model '${req.model}' not found`);
  const effort = req.reasoning_effort || (req.reasoning && req.reasoning.effort);
  const th = G.resolveThink(m, effort === 'none' ? false : effort || undefined, req.model);
  if (th.error) return err(400, th.error);
  if (!K.hasCap(m, 'completion')) return err(400, `${JSON.stringify(req.model)} does not support chat`);
  const tools = Array.isArray(req.tools) ? req.tools : [];
  if (tools.length && !K.hasCap(m, 'tools')) return err(400, `${C.fullName(m.name)} does not support tools`);
  if (!G.acquire(ctx, err)) return;
  const msgs = req.messages;
  let src = '';
  for (const x of msgs) if (x && (x.role === 'user' || x.role === 'tool')) src = G.textOf(x.content);
  const maxTokens = req.max_tokens != null ? req.max_tokens : req.max_completion_tokens;
  const p = Object.assign(G.optionsOf({ num_predict: maxTokens, stop: req.stop }), {
    model: m, keepAlive: undefined, think: th.think, toolCall: G.pickToolCall(tools, msgs), text: src, reply: G.nextReply(),
    format: req.response_format && req.response_format.type !== 'text' ? 'json' : undefined,
    endless: !!ctx.cfg.endless, loadNs: 120000,
    promptCount: G.countWords(msgs.map((x) => G.textOf(x && x.content))),
  });
  return G.run(ctx, p, sseSink(ctx, req.stream === true, req, m));
}

// /v1/completions as Ollama's middleware serves it over /api/generate (openai.go ToCompletion,
// ToCompleteChunk): id "cmpl-<n>", object "text_completion", choices[{text,index,finish_reason}]; a stream
// sends one chunk per token (finish_reason null), then the done chunk (text "", finish_reason), then the
// usage chunk when stream_options.include_usage, then [DONE]. No thinking: the request carries no think.
function completeSink(ctx, stream, req) {
  const id = 'cmpl-' + Math.floor(Math.random() * 999);
  const created = Math.floor(Date.now() / 1000);
  let text = '';
  let garbage = false;
  const head = () => ({ id, object: 'text_completion', created, model: req.model, system_fingerprint: 'fp_ollama' });
  const send = (s) => {
    if (!ctx.res.headersSent) {
      ctx.res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
      ctx.entry.status = 200;
    }
    return C.write(ctx, s);
  };
  const event = (o) => send('data: ' + JSON.stringify(o) + '\n\n');
  const usage = (mm) => ({ prompt_tokens: mm.prompt_eval_count, completion_tokens: mm.eval_count, total_tokens: mm.prompt_eval_count + mm.eval_count });
  return {
    token(tok) {
      if (tok.kind !== 'content') return Promise.resolve(!ctx.closed);
      text += tok.text;
      if (!stream) return Promise.resolve(!ctx.closed);
      return event(Object.assign(head(), { choices: [{ text: tok.text, index: 0, finish_reason: null }] }));
    },
    garbage() {
      if (!stream) { garbage = true; return Promise.resolve(); }
      return send(`data: {"id":"${id}","object":not-json\n\n`);
    },
    async error(msg) {
      if (!stream) return C.openaiError(ctx, 500, msg);
      await event({ error: { message: msg, type: 'api_error', param: null, code: null } });
      ctx.res.end();
    },
    async done(reason, mm) {
      if (!stream) {
        if (garbage) { ctx.res.writeHead(200, { 'Content-Type': 'application/json' }); ctx.entry.status = 200; return ctx.res.end(`{"id":"${id}","object":`); }
        return C.sendJSON(ctx, 200, Object.assign(head(), { choices: [{ text, index: 0, finish_reason: reason }], usage: usage(mm) }),
          'application/json');
      }
      await event(Object.assign(head(), { choices: [{ text: '', index: 0, finish_reason: reason }] }));
      if (req.stream_options && req.stream_options.include_usage) await event(Object.assign(head(), { choices: [], usage: usage(mm) }));
      await send('data: [DONE]\n\n');
      ctx.res.end();
    },
  };
}

function completions(ctx, req) {
  const err = (s, msg) => C.openaiError(ctx, s, msg);
  if (req.prompt !== undefined && req.prompt !== null && typeof req.prompt !== 'string') {
    return err(400, 'json: cannot unmarshal ' + (Array.isArray(req.prompt) ? 'array' : typeof req.prompt) +
      ' into Go struct field CompletionRequest.prompt of type string');
  }
  if (!req.model) return err(400, 'model is required');
  const m = K.findModel(req.model);
  if (!m) return err(404, `model '${req.model}' not found`);
  if (!K.hasCap(m, 'completion')) return err(400, `${JSON.stringify(req.model)} does not support generate`);
  if (!G.acquire(ctx, err)) return;
  const p = Object.assign(G.optionsOf({ num_predict: req.max_tokens, stop: req.stop }), {
    model: m, keepAlive: undefined, think: false, toolCall: null, text: req.prompt || '', reply: G.nextReply(),
    endless: !!ctx.cfg.endless, loadNs: 120000, promptCount: G.countWords([req.prompt]),
  });
  return G.run(ctx, p, completeSink(ctx, req.stream === true, req));
}

function embeddings(ctx, req) {
  const err = (s, msg) => C.openaiError(ctx, s, msg);
  if (!req.model) return err(400, 'model is required');
  const inputs = G.embedInputs(req.input);
  if (!inputs || !inputs.length) return err(400, 'invalid input');
  const m = K.findModel(req.model);
  if (!m) return err(404, `model '${req.model}' not found`);
  if (!G.acquire(ctx, err)) return;
  K.markLoaded(m);
  const vecs = G.embedVectors(m, inputs, req.dimensions);
  const n = inputs.reduce((s, t) => s + Math.max(1, G.words(t).length), 0);
  C.sendJSON(ctx, 200, { object: 'list', data: vecs.map((embedding, index) => ({ object: 'embedding', embedding, index })),
    model: req.model, usage: { prompt_tokens: n, total_tokens: n } }, 'application/json');
}

module.exports = { models, model, chatCompletions, completions, embeddings };
