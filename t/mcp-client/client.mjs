// SPDX-License-Identifier: Apache-2.0
// Drives mod_planning's MCP server (/api/v1/mcp) with the official MCP
// TypeScript SDK client (@modelcontextprotocol/sdk, Client over
// StreamableHTTPClientTransport), for t/api/mcp.t. One session per run: the
// argument is a JSON object, the output one JSON line.
//
//   node client.mjs '{"url":"http://127.0.0.1:8080/api/v1/mcp","key":"pl_...",
//                     "version":"2025-06-18","call":{"name":"list_projects","arguments":{}},
//                     "prompt":{"name":"x","arguments":{"topic":"y"}}}'
//
//   url, key       the endpoint and the Bearer credential (none: no header)
//   version        ask for this revision in initialize instead of the SDK's
//                  newest (the body is rewritten on its way out), to play an
//                  older client; the SDK then sends it as MCP-Protocol-Version
//   call           a tools/call to make; calls: more of them, each result kept
//                  in "calls" as {name, isError, text}; read: a resource URI to read (default:
//                  the first one listed); prompt: a prompts/get to make
//
// Prints {"version", "server", "capabilities", "tools", "call", "resources",
// "read", "templates", "prompts", "prompt", "headers"} with what each step
// returned, or {"error": {step, name, message, code}} for the first step
// that threw. headers: the MCP-Protocol-Version of every POST after
// initialize, so the test sees the SDK speak the negotiated revision.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const args = JSON.parse(process.argv[2] || '{}');
const out = { headers: [] };

async function traced(input, init) {
  let body = init?.body;
  if (args.version && typeof body === 'string' && body.includes('"initialize"')) {
    const msg = JSON.parse(body);
    if (msg.method === 'initialize') {
      msg.params.protocolVersion = args.version;
      body = JSON.stringify(msg);
    }
  }
  const headers = new Headers(init?.headers);
  if ((init?.method ?? 'GET') === 'POST' && headers.has('mcp-protocol-version'))
    out.headers.push(headers.get('mcp-protocol-version'));
  return fetch(input, { ...init, body });
}

let step = 'connect';
try {
  const transport = new StreamableHTTPClientTransport(new URL(args.url), {
    fetch: traced,
    requestInit: { headers: args.key ? { Authorization: `Bearer ${args.key}` } : {} },
  });
  const client = new Client({ name: 'mod-planning-test', version: '1.0.0' });
  await client.connect(transport);
  out.version = transport.protocolVersion;
  out.server = client.getServerVersion();
  out.capabilities = client.getServerCapabilities();
  step = 'tools/list';
  out.tools = (await client.listTools()).tools;
  if (args.call) {
    step = 'tools/call';
    out.call = await client.callTool(args.call);
  }
  out.calls = [];
  for (const c of args.calls ?? []) {
    step = `tools/call ${c.name}`;
    const r = await client.callTool(c);
    out.calls.push({ name: c.name, isError: r.isError ?? false, text: r.content?.[0]?.text ?? null });
  }
  step = 'resources/list';
  out.resources = (await client.listResources()).resources;
  step = 'resources/templates/list';
  out.templates = (await client.listResourceTemplates()).resourceTemplates;
  const uri = args.read ?? out.resources[0]?.uri;
  if (uri) {
    step = 'resources/read';
    out.read = await client.readResource({ uri });
  }
  step = 'prompts/list';
  out.prompts = (await client.listPrompts()).prompts;
  if (args.prompt) {
    step = 'prompts/get';
    out.prompt = await client.getPrompt(args.prompt);
  }
  step = 'ping';
  out.ping = await client.ping();
  await client.close();
} catch (e) {
  out.error = { step, name: e.name, message: e.message, code: e.code ?? null };
}
process.stdout.write(JSON.stringify(out) + '\n');
