// bench/sse-client.js: the client side of bench/sse (Node 18+, built-ins only).
//   ttft MODULE_URL TOKEN DIRECT_URL N   -> medians of time to first token, in ms
//   relay MODULE_URL TOKEN TOKENS        -> reads that many token events, then leaves
//   hold MODULE_URL TOKEN N SECONDS PPID -> opens N streams, holds them all for
//                                           SECONDS, with the RSS of PPID's children
//   burst MODULE_URL TOKEN DIRECT_URL N TOKENS -> N streams of TOKENS tokens
//                                           started at once through the module,
//                                           then N straight from the stand-in:
//                                           ok/failed, duration median and p99,
//                                           time to first token median
'use strict';

const fs = require('fs');
const http = require('http');

const [mode, url, token, third, fourth, fifth] = process.argv.slice(2);

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

// Resident memory (kB) of the processes whose parent is ppid: the httpd children.
function childrenRss(ppid) {
  let kb = 0, n = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== ppid) continue;
      const m = /^VmRSS:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) { kb += Number(m[1]); n++; }
    } catch (e) { /* gone meanwhile */ }
  }
  return { kb, processes: n };
}

// One stream held open: counts its token events, notes an error event or
// an early end. Resolves once the start event arrived (or it failed).
function openStream(target, i, stats) {
  const st = { tokens: 0, error: null, open: false, req: null };
  return new Promise((resolve) => {
    const body = JSON.stringify({ content: `hold ${i}`, parent_id: 0 });
    const fail = (why) => { if (!st.error) { st.error = why; stats.errors.push(why); } resolve(st); };
    st.req = http.request(target, { method: 'POST', agent: false, headers: {
      'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body),
      Authorization: `Bearer ${token}` } }, (res) => {
      if (res.statusCode !== 200) {
        let text = '';
        res.on('data', (c) => { text += c; });
        res.on('end', () => { let code = ''; try { code = JSON.parse(text).error.code; } catch (e) { /* not JSON */ }
                              fail(`HTTP ${res.statusCode} ${code}`.trim()); });
        return;
      }
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        buf += chunk;
        let k;
        while ((k = buf.indexOf('\n\n')) >= 0) {
          const ev = buf.slice(0, k);
          buf = buf.slice(k + 2);
          if (ev.includes('event: start')) { st.open = true; resolve(st); }
          else if (ev.includes('event: token')) st.tokens++;
          else if (ev.includes('event: error')) fail(`error event: ${ev.split('\n').pop()}`);
        }
      });
      res.on('end', () => { if (!stats.closing) fail('the stream ended'); });
      res.on('error', () => { if (!stats.closing) fail('the stream broke'); });
    });
    st.req.on('error', (e) => { if (!stats.closing) fail(e.code || e.message); });
    st.req.end(body);
  });
}

async function hold() {
  const n = Number(third), seconds = Number(fourth), ppid = Number(fifth);
  const stats = { errors: [], closing: false };
  const idle = childrenRss(ppid);
  const streams = [];
  const t0 = Date.now();
  // 50 opening at a time: each start stores two rows before its first event
  let next = 0;
  await Promise.all(Array.from({ length: 50 }, async () => {
    while (next < n) { const i = next++; streams.push(await openStream(url, i, stats)); }
  }));
  const openMs = Date.now() - t0;
  const opened = streams.filter((s) => s.open && !s.error).length;
  const before = streams.map((s) => s.tokens);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const held = childrenRss(ppid);
  const alive = streams.filter((s, i) => s.open && !s.error && s.tokens > before[i]).length;
  const tokens = streams.reduce((a, s, i) => a + s.tokens - before[i], 0);
  stats.closing = true;
  for (const s of streams) s.req.destroy();
  const kinds = {};
  for (const e of stats.errors) kinds[e] = (kinds[e] || 0) + 1;
  console.log(JSON.stringify({ streams: n, opened, alive, errors: stats.errors.length, error_kinds: kinds,
    open_seconds: openMs / 1000, held_seconds: seconds, tokens_while_held: tokens,
    rss_idle_kb: idle.kb, rss_held_kb: held.kb, processes: held.processes }));
}

const pct = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : null; };

// One stream read to its end: {ok, ttft, total} in ms; first and last say
// what in the body marks the first token and the end.
function timedStream(target, headers, body, first, last) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
    let ttftMs = null, seen = '', done = false;
    const end = (ok, why) => { if (!done) { done = true; resolve({ ok, ttft: ttftMs, total: ms(), why }); } };
    const req = http.request(target, { method: 'POST', agent: false, headers: { ...headers, 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      if (res.statusCode !== 200) { res.resume(); return end(false, `HTTP ${res.statusCode}`); }
      res.setEncoding('utf8');
      res.on('data', (c) => {
        seen = (seen + c).slice(-4096);
        if (ttftMs === null && seen.includes(first)) ttftMs = ms();
        if (seen.includes(last)) { end(true); res.destroy(); }
      });
      res.on('end', () => end(seen.includes(last), 'ended early'));
      res.on('error', () => end(false, 'broke'));
    });
    req.on('error', (e) => end(false, e.code || e.message));
    req.end(body);
  });
}

function summary(rs) {
  const ok = rs.filter((r) => r.ok);
  const why = {};
  for (const r of rs) if (!r.ok) why[r.why] = (why[r.why] || 0) + 1;
  return { ok: ok.length, failed: rs.length - ok.length, why,
    median_ms: pct(ok.map((r) => r.total), 0.5), p99_ms: pct(ok.map((r) => r.total), 0.99),
    ttft_median_ms: pct(ok.map((r) => r.ttft).filter((x) => x !== null), 0.5) };
}

async function burst() {
  const direct = third, n = Number(fourth), tokens = Number(fifth);
  // a question of tokens - 2 words: the stand-in echoes "Echo:", each word and "[end]"
  const words = Array.from({ length: Math.max(1, tokens - 2) }, (_, i) => `w${i}`).join(' ');
  const auth = { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` };
  const viaModule = await Promise.all(Array.from({ length: n }, () =>
    timedStream(url, auth, JSON.stringify({ content: words, parent_id: 0 }), 'event: token', 'event: done')));
  const straight = await Promise.all(Array.from({ length: n }, () =>
    timedStream(direct, { 'Content-Type': 'application/json' },
      JSON.stringify({ model: 'llama3.2:latest', stream: true, messages: [{ role: 'user', content: words }] }),
      '"content":"Echo:"', '"done":true')));
  console.log(JSON.stringify({ n, tokens, module: summary(viaModule), direct: summary(straight) }));
}

const modes = { ttft, relay, hold, burst };
modes[mode]().catch((e) => { console.error(e.message); process.exit(1); });
