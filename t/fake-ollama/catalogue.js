'use strict';
// Model catalogue and model-management endpoints: tags, ps, show, delete, copy, pull, push, create.
const C = require('./common');
const { state } = C;

const DEFAULT_MODELS = [
  { name: 'llama3.2:latest', family: 'llama', parameter_size: '3.2B', quantization_level: 'Q4_K_M',
    capabilities: ['completion', 'tools'], size: 2019393189, context_length: 131072, embedding_length: 3072 },
  { name: 'qwen3:0.6b', family: 'qwen3', parameter_size: '751.63M', quantization_level: 'Q4_K_M',
    capabilities: ['completion', 'tools', 'thinking'], size: 522653767, context_length: 40960, embedding_length: 1024 },
  { name: 'nomic-embed-text:latest', family: 'nomic-bert', parameter_size: '137M', quantization_level: 'F16',
    capabilities: ['embedding'], size: 274302450, context_length: 2048, embedding_length: 768 },
];
// Models that /api/pull can fetch (besides the default catalogue); extend with POST /_control/registry.
const EXTRA_REGISTRY = [
  { name: 'gemma3:1b', family: 'gemma3', parameter_size: '999.89M', quantization_level: 'Q4_K_M',
    capabilities: ['completion'], size: 815319791, context_length: 32768, embedding_length: 1152 },
  { name: 'smollm2:135m', family: 'llama', parameter_size: '134.52M', quantization_level: 'F16',
    capabilities: ['completion', 'tools'], size: 270898672, context_length: 8192, embedding_length: 576 },
  { name: 'all-minilm:latest', family: 'bert', parameter_size: '23M', quantization_level: 'F16',
    capabilities: ['embedding'], size: 45960996, context_length: 512, embedding_length: 384 },
];

const T0 = Date.parse('2025-06-01T12:00:00Z');

function normalizeModel(m, i) {
  if (!m || typeof m.name !== 'string') throw new Error('every model needs a "name"');
  const family = m.family || 'llama';
  const out = {
    name: C.shortName(m.name),
    family,
    families: m.families || [family],
    format: m.format || 'gguf',
    parent_model: m.parent_model || '',
    parameter_size: m.parameter_size || '1B',
    quantization_level: m.quantization_level || 'Q4_K_M',
    capabilities: m.capabilities || ['completion'],
    size: m.size || 1000000000,
    context_length: m.context_length || 4096,
    embedding_length: m.embedding_length || 768,
    modified_at: m.modified_at ? Date.parse(m.modified_at) : T0 - (i || 0) * 3600e3,
    remote_model: m.remote_model, remote_host: m.remote_host,
  };
  out.digest = m.digest || C.sha256('manifest:' + out.name);
  return out;
}

function install(list, target) {
  list.forEach((m, i) => { const n = normalizeModel(m, i); target.set(C.nameKey(n.name), n); });
}
function resetCatalogue(list) {
  state.models.clear(); state.registry.clear(); state.loaded.clear();
  const models = list || DEFAULT_MODELS;
  install(models, state.models);
  install(DEFAULT_MODELS.concat(EXTRA_REGISTRY, models), state.registry);
}
function findModel(name) { return name ? state.models.get(C.nameKey(name)) : undefined; }
function hasCap(m, cap) { return m.capabilities.includes(cap); }

function details(m) {
  return { parent_model: m.parent_model, format: m.format, family: m.family, families: m.families,
    parameter_size: m.parameter_size, quantization_level: m.quantization_level };
}

function markLoaded(m, keepAlive) {
  const ms = C.keepAliveMs(keepAlive);
  const key = C.nameKey(m.name);
  if (ms === 0) { state.loaded.delete(key); return; }
  state.loaded.set(key, { model: m, expires_at: ms === Infinity ? Date.parse('2318-01-01T00:00:00Z') : Date.now() + ms });
}
function unload(m) { state.loaded.delete(C.nameKey(m.name)); }

function tags(ctx) {
  const models = [...state.models.values()].sort((a, b) => b.modified_at - a.modified_at).map((m) => {
    const e = { name: m.name, model: m.name, modified_at: C.createdAt(m.modified_at), size: m.size,
      digest: m.digest, details: details(m), capabilities: m.capabilities };
    if (m.remote_model) { e.remote_model = m.remote_model; e.remote_host = m.remote_host; }
    return e;
  });
  C.sendJSON(ctx, 200, { models });
}

function ps(ctx) {
  const now = Date.now();
  for (const [k, v] of state.loaded) if (v.expires_at <= now || !state.models.has(k)) state.loaded.delete(k);
  const models = [...state.loaded.values()].sort((a, b) => b.expires_at - a.expires_at).map(({ model: m, expires_at }) => ({
    name: m.name, model: m.name, size: m.size + 300000000, digest: m.digest, details: details(m),
    expires_at: C.createdAt(expires_at), size_vram: m.size + 300000000, context_length: Math.min(m.context_length, 4096),
  }));
  C.sendJSON(ctx, 200, { models });
}

function paramCount(m) {
  const mm = /^([\d.]+)([MBK])$/.exec(m.parameter_size);
  if (!mm) return 1000000000;
  return Math.round(Number(mm[1]) * { K: 1e3, M: 1e6, B: 1e9 }[mm[2]]);
}

function show(ctx, req) {
  const name = req.model || req.name;
  if (!name) return C.ollamaError(ctx, 400, 'model is required');
  const m = findModel(name);
  if (!m) return C.ollamaError(ctx, 404, `model '${name}' not found`);
  const arch = m.family.replace(/-/g, '_');
  const info = { 'general.architecture': arch, 'general.basename': C.parseName(m.name).model,
    'general.file_type': 15, 'general.parameter_count': paramCount(m), 'general.quantization_version': 2 };
  info[arch + '.context_length'] = m.context_length;
  info[arch + '.embedding_length'] = m.embedding_length;
  info[arch + '.block_count'] = 28;
  if (req.verbose) info['tokenizer.ggml.tokens'] = ['<s>', '</s>', 'Echo', ':'];
  else info['tokenizer.ggml.tokens'] = null;
  const template = hasCap(m, 'embedding') && !hasCap(m, 'completion') ? '{{ .Prompt }}'
    : '{{- range .Messages }}<|{{ .Role }}|>{{ .Content }}<|end|>{{ end }}<|assistant|>';
  C.sendJSON(ctx, 200, {
    license: 'Fake model licence for tests.',
    modelfile: `# Modelfile generated by "ollama show"\nFROM /root/.ollama/models/blobs/sha256-${m.digest}\nTEMPLATE """${template}"""\nPARAMETER stop <|end|>\n`,
    parameters: 'stop                           "<|end|>"',
    template,
    details: details(m),
    model_info: info,
    capabilities: m.capabilities,
    modified_at: C.createdAt(m.modified_at),
  });
}

function del(ctx, req) {
  const name = req.model || req.name;
  if (!name) return C.ollamaError(ctx, 400, 'invalid model name');
  const key = C.nameKey(name);
  if (!state.models.has(key)) return C.ollamaError(ctx, 404, `model '${name}' not found`);
  state.models.delete(key); state.loaded.delete(key);
  C.sendEmpty(ctx, 200);
}

function copy(ctx, req) {
  const src = findModel(req.source);
  if (!req.source || !req.destination) return C.ollamaError(ctx, 400, 'source and destination are required');
  if (!src) return C.ollamaError(ctx, 404, `model "${req.source}" not found`);
  const dst = Object.assign({}, src, { name: C.shortName(req.destination), modified_at: Date.now() });
  state.models.set(C.nameKey(dst.name), dst);
  C.sendEmpty(ctx, 200);
}

function layersOf(m) {
  return [
    { digest: 'sha256:' + C.sha256('model:' + m.name), total: m.size },
    { digest: 'sha256:' + C.sha256('template:' + m.name), total: 1429 },
    { digest: 'sha256:' + C.sha256('license:' + m.name), total: 7711 },
    { digest: 'sha256:' + C.sha256('params:' + m.name), total: 96 },
    { digest: 'sha256:' + C.sha256('config:' + m.name), total: 561 },
  ];
}

// Progress stream shared by pull/push/create: a list of lines, each sent after a pull_delay_ms pause,
// subject to the mid-stream faults; `finalError` (if any) is sent after the lines.
async function progress(ctx, req, lines, finalError, onSuccess) {
  const stream = req.stream !== false;
  const delay = Number(ctx.cfg.pull_delay_ms) || 0;
  if (stream) ctx.res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
  ctx.entry.status = 200;
  let n = 0;
  const fail = async (msg) => {
    if (stream) { await C.write(ctx, JSON.stringify({ error: msg }) + '\n'); ctx.res.end(); }
    else C.ollamaError(ctx, 500, msg);
  };
  for (const line of lines) {
    if (delay) await C.sleep(delay, ctx); else await new Promise(setImmediate);
    const g = await C.gate(ctx, n);
    if (g === 'stop') return;
    if (g === 'error') return fail(ctx.cfg.fail_error || C.DEFAULT_FAIL_ERROR);
    if (line.status === 'success' && onSuccess) { onSuccess(); onSuccess = null; }
    if (stream && ctx.cfg.invalid_ndjson && n === 1) await C.write(ctx, '{"status":"pulling\n');
    if (stream && !(await C.write(ctx, JSON.stringify(line) + '\n'))) return;
    ctx.entry.tokens_sent = ++n;
    if (finalError && n === lines.length) return fail(finalError);
  }
  if (ctx.closed) return;
  if (onSuccess) onSuccess();
  if (stream) ctx.res.end(); else C.sendJSON(ctx, 200, { status: 'success' });
}

function pull(ctx, req) {
  const name = req.model || req.name;
  if (!name) return C.ollamaError(ctx, 400, 'invalid model name');
  const remote = state.registry.get(C.nameKey(name));
  const lines = [{ status: 'pulling manifest' }];
  if (!remote) return progress(ctx, req, lines, 'pull model manifest: file does not exist');
  for (const l of layersOf(remote)) {
    const status = 'pulling ' + l.digest.slice(7, 19);
    lines.push({ status, digest: l.digest, total: l.total });
    for (const f of [0.25, 0.5, 0.75, 1]) lines.push({ status, digest: l.digest, total: l.total, completed: Math.floor(l.total * f) });
  }
  lines.push({ status: 'verifying sha256 digest' }, { status: 'writing manifest' }, { status: 'success' });
  return progress(ctx, req, lines, null, () => {
    const m = Object.assign({}, remote, { modified_at: Date.now() });
    state.models.set(C.nameKey(m.name), m);
  });
}

function push(ctx, req) {
  const name = req.model || req.name;
  if (!name) return C.ollamaError(ctx, 400, 'model is required');
  const m = findModel(name);
  const lines = [{ status: 'retrieving manifest' }];
  if (!m) return progress(ctx, req, lines, `model "${name}" not found`);
  for (const l of layersOf(m)) {
    lines.push({ status: 'starting upload', digest: l.digest, total: l.total });
    lines.push({ status: 'pushing ' + l.digest.slice(7, 19), digest: l.digest, total: l.total, completed: l.total });
  }
  lines.push({ status: 'pushing manifest' }, { status: 'success' });
  return progress(ctx, req, lines, null);
}

function create(ctx, req) {
  const name = req.model || req.name;
  if (!name) return C.ollamaError(ctx, 400, 'model is required');
  const from = req.from ? findModel(req.from) : null;
  if (req.from && !from) return C.ollamaError(ctx, 404, `model '${req.from}' not found`);
  const base = from || normalizeModel({ name });
  const lines = [{ status: 'parsing GGUF' }, { status: 'using existing layer sha256:' + C.sha256('model:' + base.name) },
    { status: 'writing manifest' }, { status: 'success' }];
  return progress(ctx, req, lines, null, () => {
    const m = Object.assign({}, base, { name: C.shortName(name), modified_at: Date.now() });
    m.digest = C.sha256('manifest:' + m.name);
    state.models.set(C.nameKey(m.name), m);
  });
}

module.exports = { DEFAULT_MODELS, normalizeModel, install, resetCatalogue, findModel, hasCap, markLoaded, unload,
  tags, ps, show, del, copy, pull, push, create };
