// bench/sse-client.js: the client side of bench/sse (Node 18+, built-ins only).
//   ttft MODULE_URL TOKEN DIRECT_URL N   -> medians of time to first token, in ms
//   relay MODULE_URL TOKEN TOKENS        -> reads that many token events, then leaves
'use strict';

const [mode, url, token, third, fourth] = process.argv.slice(2);

async function firstToken(target, headers, body, marker) {
  const t0 = process.hrtime.bigint();
  const res = await fetch(target, { method: 'POST', headers, body });
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error('stream ended before a token');
    buf += dec.decode(value, { stream: true });
    if (buf.includes(marker)) {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      await reader.cancel();
      return ms;
    }
  }
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

async function ttft() {
  const n = Number(fourth);
  const auth = { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` };
  const direct = { 'Content-Type': 'application/json' };
  const viaModule = [], straight = [];
  for (let i = 0; i < n; i++) {
    // alternate, so drift on the machine touches both alike
    // parent_id 0: a new branch, so both sides send one message of history
    viaModule.push(await firstToken(url, auth, JSON.stringify({ content: `question ${i}`, parent_id: 0 }), 'event: token'));
    straight.push(await firstToken(third, direct, JSON.stringify({
      model: 'llama3.2:latest', stream: true, messages: [{ role: 'user', content: `question ${i}` }] }),
      '"content":"Echo:"'));
  }
  console.log(JSON.stringify({ module_ms: median(viaModule), direct_ms: median(straight), n }));
}

async function relay() {
  const want = Number(third);
  const res = await fetch(url, { method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ content: 'relay', parent_id: 0 }) });
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let buf = '', tokens = 0;
  const t0 = process.hrtime.bigint();
  while (tokens < want) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += dec.decode(value, { stream: true });
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      if (buf.slice(0, i).includes('event: token')) tokens++;
      buf = buf.slice(i + 2);
    }
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  await reader.cancel();
  console.log(JSON.stringify({ tokens, seconds: secs }));
}

(mode === 'ttft' ? ttft() : relay()).catch((e) => { console.error(e.message); process.exit(1); });
