// The log, newest first and paged ("Older commits"), and a commit's view:
// its message, author, parents and diff (unified or side by side).
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, describe } from '../api.js';
import { ago, fullTime } from '../format.js';
import { Alert } from '../components/Alert.jsx';
import { DiffFiles, DiffMode } from './Diff.jsx';

export function History({ pid, stamp }) {
  const [items, setItems] = useState(null);
  const [next, setNext] = useState(null);
  const [open, setOpen] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    get(`projects/${pid}/git/log?limit=30`)
      .then((l) => {
        setItems(l.items || []);
        setNext(l._links && l._links.next ? l._links.next.href : null);
      })
      .catch((err) => setError(describe(err)));
  }, [pid, stamp]);

  async function more() {
    try {
      const l = await get(next);
      setItems((x) => [...x, ...(l.items || [])]);
      setNext(l._links && l._links.next ? l._links.next.href : null);
    } catch (err) {
      setError(describe(err));
    }
  }

  return (
    <div class="history-view">
      <section class="card glog" aria-labelledby="log-title">
        <h3 id="log-title">History</h3>
        <Alert>{error}</Alert>
        {!items && !error && <p class="muted small">Loading…</p>}
        {items && items.length === 0 && <p class="muted small">No commits yet.</p>}
        {items && items.length > 0 && (
          <ol class="commits" aria-label="Commits">
            {items.map((c) => (
              <li key={c.sha} class={open === c.sha ? 'current' : ''}>
                <button type="button" class="gfile-open" aria-current={open === c.sha ? 'true' : undefined} onClick={() => setOpen(c.sha)}>
                  <span class="csum">{c.summary}</span>
                </button>
                <span class="small muted">
                  <code>{c.sha.slice(0, 8)}</code> · {c.author && c.author.name} ·{' '}
                  <time dateTime={c.author && c.author.time} title={fullTime(c.author && c.author.time)}>
                    {ago(c.author && c.author.time)}
                  </time>
                </span>
              </li>
            ))}
          </ol>
        )}
        {next && (
          <button type="button" class="btn small" onClick={more}>
            Older commits
          </button>
        )}
      </section>
      {open && <Commit key={open} pid={pid} sha={open} onClose={() => setOpen(null)} />}
    </div>
  );
}

function Commit({ pid, sha, onClose }) {
  const [c, setC] = useState(null);
  const [error, setError] = useState(null);
  const [mode, setMode] = useState('unified');
  const head = useRef(null);
  useEffect(() => {
    get(`projects/${pid}/git/commits/${sha}`)
      .then(setC)
      .catch((err) => setError(describe(err)));
  }, [pid, sha]);
  useEffect(() => {
    if (c && head.current) head.current.focus();
  }, [c]);
  const body = c && c.message ? c.message.split('\n').slice(1).join('\n').trim() : '';
  return (
    <section class="card gcommit" aria-labelledby="commit-view-title" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div class="gfiles-head">
        <h3 id="commit-view-title" tabIndex={-1} ref={head}>
          {c ? c.summary : sha.slice(0, 8)}
        </h3>
        <button type="button" class="btn small ghost" onClick={onClose} aria-label="Close the commit">
          Close
        </button>
      </div>
      <Alert>{error}</Alert>
      {!c && !error && <p class="muted small">Loading…</p>}
      {c && (
        <>
          {body && <pre class="cmsg">{body}</pre>}
          <dl class="facts small">
            <div>
              <dt>Commit</dt>
              <dd>
                <code>{c.sha}</code>
              </dd>
            </div>
            <div>
              <dt>Author</dt>
              <dd>
                {c.author.name} &lt;{c.author.email}&gt;, {fullTime(c.author.time)}
              </dd>
            </div>
            <div>
              <dt>Parents</dt>
              <dd>{c.parents.length ? c.parents.map((p) => p.slice(0, 8)).join(', ') : 'none (the first commit)'}</dd>
            </div>
          </dl>
          <DiffMode mode={mode} onMode={setMode} id="commit" />
          <DiffFiles files={c.files} mode={mode} />
        </>
      )}
    </section>
  );
}
