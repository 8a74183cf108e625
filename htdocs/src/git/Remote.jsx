// The remote: its address (set by the project's admin; a token for https,
// write-only), fetch, pull and
// push as jobs followed through their events (a progress bar with the
// stage and objects, cancel), what went wrong in words (a diverged pull, a
// rejected push, an unreachable remote, a host key not confirmed or
// changed), the ssh host keys to confirm or forget, and the deploy key.
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, post, del, request, describe } from '../api.js';
import { Alert } from '../components/Alert.jsx';
import { followJob, jobProblem } from './jobs.js';
import { DeployKey } from './DeployKey.jsx';

const STAGE = { connecting: 'Connecting', receiving: 'Receiving objects', resolving: 'Resolving deltas', pushing: 'Pushing objects' };
const DONE = { up_to_date: 'Already up to date.', fast_forward: 'Fast-forwarded', ahead: 'Nothing to pull: this branch is ahead of the remote.' };

export function Remote({ pid, writer, onChanged }) {
  const [remote, setRemote] = useState(null);
  const [url, setUrl] = useState('');
  const [token, setToken] = useState('');
  const [run, setRun] = useState(null); // {kind, job, p}
  const [result, setResult] = useState(null); // {kind, text, code}
  const [keys, setKeys] = useState([]);
  const [error, setError] = useState(null);
  const abort = useRef(null);
  const G = `projects/${pid}/git`;
  const https = /^https:\/\//i.test(url.trim());

  const loadKeys = () => get(`${G}/host-keys`).then((l) => setKeys(l.items || []), () => {});
  useEffect(() => {
    get(`${G}/remote`).then((r) => {
      setRemote(r);
      setUrl(r.url || '');
    }, (err) => setError(describe(err)));
    loadKeys();
    return () => abort.current && abort.current.abort();
  }, [pid]);

  async function save(e) {
    e.preventDefault();
    setError(null);
    // a token left empty keeps the stored one (the API never shows it)
    const body = { url: url.trim(), ...(https && token ? { token } : {}) };
    try {
      setRemote(await request('PUT', `${G}/remote`, { body }));
      setToken('');
    } catch (err) {
      setError(describe(err));
    }
  }

  async function start(kind) {
    setResult(null);
    try {
      const job = await post(`${G}/${kind}`);
      await follow(kind, job.id);
    } catch (err) {
      setRun(null);
      setResult({ kind: 'error', text: describe(err), code: err.code });
    }
  }

  // a job to its end: the progress bar, then what came of it in words
  async function follow(kind, id) {
    setRun({ kind, job: id, p: { status: 'queued', percent: 0 } });
    try {
      abort.current = new AbortController();
      const end = await followJob(id, (p) => setRun((r) => r && { ...r, p }), abort.current.signal);
      setRun(null);
      if (end.state === 'succeeded') {
        const out = end.result || {};
        const text = kind === 'pull' ? `${DONE[out.outcome] || 'Pulled.'}${out.outcome === 'fast_forward' && out.head ? ` HEAD is now ${out.head.slice(0, 8)}.` : ''}` : { push: 'Pushed.', fetch: 'Fetched.', clone: 'Cloned.' }[kind];
        setResult({ kind: 'success', text });
      } else if (end.state === 'canceled') setResult({ kind: 'info', text: `The ${kind} was canceled.` });
      else {
        const p = jobProblem(end);
        setResult({ kind: 'error', text: `The ${kind} failed: ${p.text}`, code: p.code });
        if (/^HOST_KEY/.test(p.code)) loadKeys();
      }
      onChanged();
    } catch (err) {
      setRun(null);
      setResult({ kind: 'error', text: describe(err), code: err.code });
    }
  }

  // a fetch, pull or push already running (from another tab, or a webhook's
  // pull) is followed at once
  useEffect(() => {
    let live = true;
    get('/api/v1/jobs?limit=50').then(
      (l) => {
        const j = (l.items || []).find((x) => x.project_id === pid && /^git\.(fetch|pull|push|clone)$/.test(x.kind) && (x.state === 'queued' || x.state === 'running'));
        if (live && j) follow(j.kind.slice(4), j.id);
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [pid]);

  const cancel = () => run && post(`/api/v1/jobs/${run.job}/cancel`).catch((err) => setError(describe(err)));
  const keyAction = async (fn) => {
    setError(null);
    try {
      await fn();
      await loadKeys();
    } catch (err) {
      setError(describe(err));
    }
  };

  return (
    <div class="remote-view">
      <section class="card" aria-labelledby="remote-title">
        <h3 id="remote-title">Remote</h3>
        {remote && !writer && <p>{remote.url ? <code>{remote.url}</code> : <span class="muted">No remote.</span>}</p>}
        {writer && (
          <form class="inline-form" onSubmit={save}>
            <label for="remote-url" class="small">
              Remote URL
            </label>
            <input id="remote-url" type="text" class="grow" value={url} placeholder="git@git.example.com:team/repo.git" onInput={(e) => setUrl(e.currentTarget.value)} autocomplete="off" />
            {https && (
              <>
                <label for="remote-token" class="small">
                  Token
                </label>
                <input id="remote-token" type="password" value={token} placeholder={remote && remote.token_set ? 'set (empty keeps it)' : 'none'} onInput={(e) => setToken(e.currentTarget.value)} autocomplete="off" />
              </>
            )}
            <button type="submit" class="btn small" disabled={!url.trim() || (remote && url.trim() === remote.url && !token)}>
              Save
            </button>
          </form>
        )}
        {writer && (
          <div class="remote-actions">
            {['fetch', 'pull', 'push'].map((k) => (
              <button key={k} type="button" class="btn" disabled={!!run || !(remote && remote.url)} onClick={() => start(k)}>
                {k[0].toUpperCase() + k.slice(1)}
              </button>
            ))}
          </div>
        )}
        {run && (
          <div class="job-progress">
            <label for="git-progress" class="small">
              {run.kind[0].toUpperCase() + run.kind.slice(1)}: {STAGE[run.p.status] || run.p.status || 'queued'}
              {run.p.total ? ` (${run.p.completed}/${run.p.total})` : ''}
            </label>
            <progress id="git-progress" max="100" value={run.p.percent || 0} aria-label={`${run.kind} progress`} />
            <button type="button" class="btn small ghost" onClick={cancel}>
              Cancel
            </button>
          </div>
        )}
        <Alert kind={result ? result.kind : 'error'}>{result && result.text}</Alert>
        <Alert>{error}</Alert>
      </section>

      <section class="card" aria-labelledby="hostkeys-title">
        <h3 id="hostkeys-title">SSH host keys</h3>
        {keys.length === 0 ? (
          <p class="muted small">None recorded: an ssh remote's key is recorded on first contact, for an admin to confirm.</p>
        ) : (
          <ul class="hostkeys" aria-label="Host keys">
            {keys.map((k) => (
              <li key={k.host + k.fingerprint}>
                <code>{k.host}</code> <span class="badge">{k.state}</span>
                <div class="small">
                  {k.type} <code class="fp">{k.fingerprint}</code>
                </div>
                {writer && (
                  <div class="hostkey-actions">
                    {k.state === 'pending' && (
                      <button type="button" class="btn small primary" onClick={() => keyAction(() => post(`${G}/host-keys/${encodeURIComponent(k.host)}/confirm`, { fingerprint: k.fingerprint }))} aria-label={`Confirm the host key of ${k.host}`}>
                        Confirm
                      </button>
                    )}
                    <button type="button" class="btn small ghost" onClick={() => keyAction(() => del(`${G}/host-keys/${encodeURIComponent(k.host)}`))} aria-label={`Forget the host key of ${k.host}`}>
                      Forget
                    </button>
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}
        {keys.some((k) => k.state === 'pending') && (
          <p class="small muted">Compare a pending key's fingerprint with the one the forge publishes before confirming it.</p>
        )}
      </section>

      <DeployKey pid={pid} writer={writer} />
    </div>
  );
}
