// SPDX-License-Identifier: Apache-2.0
// Drives mod_planning's Ollama-compatible proxy with the real Ollama client
// library (npm "ollama", ollama-js), for t/api/ollama_proxy.t. One call per
// run: the argument is a JSON object, the output one JSON line.
//
//   node client.mjs '{"host":"http://127.0.0.1:8080/ollama","key":"pl_...",
//                     "method":"chat","request":{...},"abort_after":3}'
//
//   host, key      where the proxy is and the Bearer credential (none: no header)
//   method         an Ollama client method: list, show, chat, generate, embed, ps, version
//   request        its argument; with "stream":true the parts are collected
//   abort_after    streams: abort (the client's AbortController) after N parts
//   while_streaming  streams: after the first part, make these calls (each
//                  {method, request} through the client, or {fetch: {path, body}}
//                  as a bare fetch that reports status, headers and body) and
//                  then abort the stream
//
// Prints {"result": ...} for a reply, {"parts": [{at, part}], "error"?} for a
// stream (at: ms since the call), {"error": {name, message, status_code}} when
// the client threw.
import { Ollama } from 'ollama';

const args = JSON.parse(process.argv[2] || '{}');

function client() {
  return new Ollama({ host: args.host, headers: args.key ? { Authorization: `Bearer ${args.key}` } : {} });
}

function failure(e) {
  return { name: e.name, message: e.message ?? e.error, status_code: e.status_code ?? null };
}

async function bareFetch({ path, body, headers }) {
  const res = await fetch(args.host + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...(args.key ? { Authorization: `Bearer ${args.key}` } : {}), ...(headers || {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
}

async function call(c, { method, request, fetch: f }) {
  try {
    if (f) return { result: await bareFetch(f) };
    return { result: await c[method](request) };
  } catch (e) {
    return { error: failure(e) };
  }
}

async function stream(c) {
  const parts = [];
  const t0 = Date.now();
  let during;
  try {
    const it = await c[args.method](args.request);
    for await (const part of it) {
      parts.push({ at: Date.now() - t0, part });
      if (args.while_streaming && !during) {
        during = [];
        for (const w of args.while_streaming) during.push(await call(client(), w));
        it.abort();
      }
      if (args.abort_after && parts.length >= args.abort_after) it.abort();
    }
  } catch (e) {
    return { parts, during, error: failure(e) };
  }
  return { parts, during };
}

const c = client();
const out = args.request && args.request.stream ? await stream(c) : await call(c, args);
process.stdout.write(JSON.stringify(out) + '\n');
