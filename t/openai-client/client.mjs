// SPDX-License-Identifier: Apache-2.0
// Drives mod_planning's OpenAI-compatible proxy (/ollama/v1) with the
// official OpenAI client library (npm "openai"), for t/api/openai_proxy.t.
// One call per run: the argument is a JSON object, the output one JSON line.
//
//   node client.mjs '{"base":"http://127.0.0.1:8080/ollama/v1","key":"pl_...",
//                     "method":"chat","request":{...}}'
//
//   base, key   where the proxy is and the API key (sent as Authorization: Bearer)
//   method      chat (chat.completions.create), complete (completions.create),
//               models (models.list), model (models.retrieve, request: the id),
//               embed (embeddings.create)
//   request     its argument; with "stream":true the chunks are collected
//
// Prints {"result": ...} for a reply, {"chunks": [...], "error"?} for a stream,
// {"error": {class, api_error, status, message, type, code, param}} when the
// client threw (api_error: it is the library's APIError).
import OpenAI from 'openai';

const args = JSON.parse(process.argv[2] || '{}');
// no retries: a 429 or a 503 must reach the test as the proxy sent it
const client = new OpenAI({ baseURL: args.base, apiKey: args.key || 'none', maxRetries: 0, timeout: 30000 });

function failure(e) {
  return {
    class: e.constructor && e.constructor.name, api_error: e instanceof OpenAI.APIError,
    status: e.status ?? null, message: e.message, type: e.type ?? null, code: e.code ?? null, param: e.param ?? null,
  };
}

async function run() {
  const r = args.request;
  switch (args.method) {
    case 'chat': return client.chat.completions.create(r);
    case 'complete': return client.completions.create(r);
    case 'embed': return client.embeddings.create(r);
    case 'model': return client.models.retrieve(r);
    case 'models': {
      const all = [];
      for await (const m of client.models.list()) all.push(m);
      return all;
    }
    default: throw new Error(`unknown method ${args.method}`);
  }
}

let out;
try {
  const res = await run();
  if (args.request && args.request.stream) {
    const chunks = [];
    out = { chunks };
    try {
      for await (const c of res) chunks.push(c);
    } catch (e) {
      out.error = failure(e);
    }
  } else out = { result: res };
} catch (e) {
  out = { error: failure(e) };
}
process.stdout.write(JSON.stringify(out) + '\n');
