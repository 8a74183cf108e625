// bench/soak-client.js: the load of bench/soak (Node 18+, built-ins only).
//   node soak-client.js BASE TOKEN THREAD SECONDS STREAMS WORKERS PPID PROJECT ROOT
// Holds STREAMS chat streams (reopened when one ends) and runs WORKERS REST
// clients with writes (projects in new directories under ROOT, threads,
// messages, analyses of PROJECT)
// for SECONDS; every 10 s a JSON line of what it saw so far and the httpd
// children's memory and open files (children of PPID); at the end one line
// with "summary": true.
'use strict';

const fs = require('fs');
const http = require('http');

const [base, token, thread, secsArg, streamsArg, workersArg, ppidArg, projectArg, root] = process.argv.slice(2);
const seconds = Number(secsArg), nstreams = Number(streamsArg), nworkers = Number(workersArg);
const ppid = Number(ppidArg), project = Number(projectArg);
// the REST replies are three tokens (num_predict); the held streams endless
const agent = new http.Agent({ keepAlive: true, maxSockets: nworkers });
const count = { requests: 0, s2xx: 0, s4xx: 0, s5xx: 0, neterr: 0, streams_opened: 0, streams_failed: 0, tokens: 0 };
const fivexx = {};
let stopping = false;

function children() {
  let kb = 0, fds = 0, n = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== ppid) continue;
      const m = /^VmRSS:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (!m) continue;
      kb += Number(m[1]);
      fds += fs.readdirSync(`/proc/${pid}/fd`).length;
      n++;
    } catch (e) { /* gone meanwhile */ }
  }
  return { rss_kb: kb, fds, processes: n };
}

function call(method, path, body) {
  return new Promise((resolve) => {
    const data = body === undefined ? null : JSON.stringify(body);
    const headers = { Authorization: `Bearer ${token}` };
    if (data) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
    const req = http.request(`${base}${path}`, { method, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        count.requests++;
        const s = res.statusCode;
        if (s >= 500) { count.s5xx++; const k = `${method} ${path.replace(/\d+/g, 'N')} ${s}`; fivexx[k] = (fivexx[k] || 0) + 1; }
        else if (s >= 400) count.s4xx++;
        else count.s2xx++;
        let json = null;
        try { json = JSON.parse(text); } catch (e) { /* not JSON */ }
        resolve({ status: s, json });
      });
    });
    req.on('error', () => { count.neterr++; resolve({ status: 0, json: null }); });
    if (data) req.write(data);
    req.end();
  });
}

// One held stream, opened again whenever it ends, until the soak stops.
function holdStream(i) {
  if (stopping) return;
  const body = JSON.stringify({ content: `soak ${i}`, parent_id: 0 });
  const req = http.request(`${base}/api/v1/threads/${thread}/messages`, { method: 'POST', agent: false, headers: {
    'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Authorization: `Bearer ${token}` } }, (res) => {
    count.requests++;
    if (res.statusCode >= 500) count.s5xx++;
    if (res.statusCode !== 200) { count.streams_failed++; res.resume(); setTimeout(() => holdStream(i), 1000); return; }
    count.s2xx++;
    count.streams_opened++;
    res.setEncoding('utf8');
    let buf = '';
    res.on('data', (c) => {
      buf += c;
      let k;
      while ((k = buf.indexOf('\n\n')) >= 0) {
        if (buf.slice(0, k).includes('event: token')) count.tokens++;
        buf = buf.slice(k + 2);
      }
    });
    res.on('end', () => setTimeout(() => holdStream(i), 100));
    res.on('error', () => setTimeout(() => holdStream(i), 100));
  });
  req.on('error', () => { count.neterr++; setTimeout(() => holdStream(i), 1000); });
  req.end(body);
  streams.push(req);
}
const streams = [];

// A REST client: reads most of the time, writes some (a project made,
// renamed and archived; a thread with a reply, then deleted; an analysis).
async function worker(w) {
  for (let n = 0; !stopping; n++) {
    const r = n % 10;
    if (r < 5) await call('GET', n % 2 ? '/api/v1/projects?limit=20' : `/api/v1/projects/${project}`);
    else if (r === 5) {
      const dir = `${root}/soak-${w}-${n}`;
      fs.mkdirSync(dir, { recursive: true });
      const p = await call('POST', '/api/v1/projects', { name: `soak-${w}-${n}`, description: 'soak', local_path: dir });
      if (p.json && p.json.id) {
        await call('PATCH', `/api/v1/projects/${p.json.id}`, { description: 'soaked' });
        await call('DELETE', `/api/v1/projects/${p.json.id}`);
      }
    } else if (r === 6) {
      const t = await call('POST', '/api/v1/threads', { model: 'llama3.2:latest', title: `soak ${w}-${n}`, options: { num_predict: 3 } });
      if (t.json && t.json.id) {
        await call('POST', `/api/v1/threads/${t.json.id}/messages`, { content: 'short', stream: false });
        await call('DELETE', `/api/v1/threads/${t.json.id}`);
      }
    } else if (r === 7 && w === 0 && n % 100 === 7) await call('POST', `/api/v1/projects/${project}/analyze`, {});
    else if (r === 8) await call('GET', `/api/v1/projects/${project}/analyses?limit=5`);
    else await call('GET', '/api/v1/health');
  }
}

function sample(t0) {
  return { t: Math.round((Date.now() - t0) / 1000), ...count, ...children() };
}

async function main() {
  const t0 = Date.now();
  for (let i = 0; i < nstreams; i++) {
    holdStream(i);
    if (i % 50 === 49) await new Promise((r) => setTimeout(r, 200)); // 50 at a time, as bench/sse opens them
  }
  // a JSON line for bench/soak's sums, a row for whoever watches (stderr)
  const timer = setInterval(() => {
    const x = sample(t0);
    console.log(JSON.stringify(x));
    const cols = [[x.t, 6], [x.requests, 9], [x.s5xx, 6], [x.s4xx, 6], [x.streams_opened, 8], [Math.round(x.rss_kb / 1024), 8], [x.fds, 6], [x.processes, 5]];
    process.stderr.write(cols.map(([v, w]) => String(v).padStart(w)).join(' ') + '\n');
  }, 10_000);
  const workers = Array.from({ length: nworkers }, (_, w) => worker(w));
  await new Promise((r) => setTimeout(r, seconds * 1000));
  stopping = true;
  clearInterval(timer);
  await Promise.all(workers);
  const last = sample(t0);
  for (const s of streams) s.destroy();
  console.log(JSON.stringify({ summary: true, ...last, fivexx }));
}

main().catch((e) => { console.error(e.stack || e.message); process.exit(1); });
