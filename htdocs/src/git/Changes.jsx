// The working tree: staged and unstaged files with their line counts, the
// diff of the chosen file (unified or side by side) with its hunks, stage
// and unstage per file and per hunk (of a modified file), and the commit box.
import { useEffect, useState } from 'preact/hooks';
import { get, post, describe } from '../api.js';
import { Alert } from '../components/Alert.jsx';
import { DiffFiles, DiffMode, Counts } from './Diff.jsx';
import { CommitBox } from './CommitBox.jsx';

const enc = encodeURIComponent;

export function Changes({ pid, status, setStatus, writer, onCommitted }) {
  const [open, setOpen] = useState(null); // {path, staged}
  const [diff, setDiff] = useState(null);
  const [mode, setMode] = useState('unified');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const files = status.files || [];
  const staged = files.filter((f) => f.staged);
  const unstaged = files.filter((f) => f.unstaged || f.untracked || f.conflicted);

  useEffect(() => {
    if (!open) return setDiff(null);
    let live = true;
    get(`projects/${pid}/git/diff?path=${enc(open.path)}&staged=${open.staged ? 1 : 0}`)
      .then((d) => live && setDiff(d))
      .catch((err) => live && setError(describe(err)));
    return () => {
      live = false;
    };
  }, [pid, open && open.path, open && open.staged, status]);

  async function change(route, body) {
    setBusy(true);
    setError(null);
    try {
      setStatus(await post(`projects/${pid}/git/${route}`, body));
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  }

  const list = (title, items, isStaged) => (
    <section class="card gfiles" aria-labelledby={`files-${isStaged ? 's' : 'u'}`}>
      <div class="gfiles-head">
        <h3 id={`files-${isStaged ? 's' : 'u'}`}>
          {title} <span class="badge">{items.length}</span>
        </h3>
        {writer && items.length > 1 && (
          <button type="button" class="btn small ghost" disabled={busy} onClick={() => change(isStaged ? 'unstage' : 'stage', { paths: items.map((f) => f.path) })}>
            {isStaged ? 'Unstage all' : 'Stage all'}
          </button>
        )}
      </div>
      {items.length === 0 ? (
        <p class="muted small">{isStaged ? 'Nothing staged.' : 'No changes.'}</p>
      ) : (
        <ul aria-label={title}>
          {items.map((f) => {
            const lines = (isStaged ? f.staged_lines : f.unstaged_lines) || {};
            const current = open && open.path === f.path && open.staged === isStaged;
            return (
              <li key={f.path} class={current ? 'current' : ''}>
                <button type="button" class="gfile-open" aria-current={current ? 'true' : undefined} onClick={() => setOpen({ path: f.path, staged: isStaged })}>
                  <code>{f.path}</code>
                </button>
                <span class="gfile-meta">
                  <span class="badge">{f.conflicted ? 'conflict' : isStaged ? f.staged : f.untracked ? 'untracked' : f.unstaged}</span>
                  {lines.binary ? <span class="small muted">binary</span> : <Counts a={lines.additions} d={lines.deletions} />}
                  {writer && !f.conflicted && (
                    <button type="button" class="btn small" disabled={busy} onClick={() => change(isStaged ? 'unstage' : 'stage', { paths: [f.path] })} aria-label={`${isStaged ? 'Unstage' : 'Stage'} ${f.path}`}>
                      {isStaged ? 'Unstage' : 'Stage'}
                    </button>
                  )}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );

  // hunks of a modified file only (the API stages whole an added, deleted or binary file)
  const of = open && files.find((f) => f.path === open.path);
  const hunky = writer && of && (open.staged ? of.staged : of.unstaged) === 'modified';
  return (
    <div class="changes">
      <div class="changes-lists">
        {list('Staged', staged, true)}
        {list('Unstaged', unstaged, false)}
        <CommitBox pid={pid} staged={staged.length} writer={writer} onCommitted={onCommitted} />
      </div>
      <section class="card changes-diff" aria-labelledby="diff-title">
        <div class="gfiles-head">
          <h3 id="diff-title">{open ? `${open.staged ? 'Staged' : 'Unstaged'}: ${open.path}` : 'Diff'}</h3>
          <DiffMode mode={mode} onMode={setMode} id="changes" />
        </div>
        <Alert>{error}</Alert>
        {!open && <p class="muted small">Choose a file to see its changes.</p>}
        {open && !diff && <p class="muted small">Loading…</p>}
        {open && diff && (
          <DiffFiles
            files={diff.files}
            mode={mode}
            busy={busy}
            hunkLabel={open.staged ? 'Unstage hunk' : 'Stage hunk'}
            onHunk={hunky ? (path, index) => change(open.staged ? 'unstage' : 'stage', { path, hunks: [index] }) : null}
          />
        )}
        {open && diff && diff.truncated && (
          <p class="muted small">The diff is too long to show whole: it was cut.</p>
        )}
      </section>
    </div>
  );
}
