// A prompt's versions, newest first (GET /prompts/{id}/versions): who made
// each and when, what it changed against the one before (a line diff of
// the bodies, admin/diff.js, with the name and description if they
// changed), and Restore: POST .../versions/{n}/restore makes version n the
// newest again, as a new version (nothing is lost).
import { useEffect, useState } from 'preact/hooks';
import { get, post, describe } from '../api.js';
import { ago, fullTime } from '../format.js';
import { Alert } from '../components/Alert.jsx';
import { diffLines } from './diff.js';

export function PromptVersions({ prompt, changed, onRestored }) {
  const [versions, setVersions] = useState(null);
  const [shown, setShown] = useState(null); // {n, diff, was, now} | {n, loading}
  const [error, setError] = useState(null);
  const base = `/api/v1/prompts/${prompt.id}`;

  useEffect(() => {
    get(`${base}/versions?limit=200`).then(
      (r) => (setVersions(r.items || []), setError(null)),
      (err) => setError(describe(err)),
    );
  }, [prompt.id, changed]);

  async function changes(v) {
    if (shown && shown.n === v.version) return setShown(null);
    setShown({ n: v.version, loading: true });
    try {
      const now = await get(`${base}/versions/${v.version}`);
      const prev = versions.find((x) => x.version < v.version);
      const was = prev ? await get(`${base}/versions/${prev.version}`) : { body: '', name: '', description: '' };
      setShown({ n: v.version, from: prev ? prev.version : null, was, now, diff: diffLines(was.body || '', now.body || '') });
    } catch (err) {
      setShown(null);
      setError(describe(err));
    }
  }

  async function restore(v) {
    try {
      await post(`${base}/versions/${v.version}/restore`);
      setShown(null);
      onRestored(await get(base));
    } catch (err) {
      setError(describe(err));
    }
  }

  return (
    <section class="card" aria-labelledby="pv-title">
      <h3 id="pv-title">Versions</h3>
      <Alert>{error}</Alert>
      {versions && (
        <ol class="versions" reversed>
          {versions.map((v) => (
            <li key={v.version}>
              <div class="version-line">
                <strong>Version {v.version}</strong>
                <span class="small muted" title={fullTime(v.created_at)}>
                  {' '}
                  {v.author || 'nobody'}, {ago(v.created_at)}
                  {v.restored_from ? `, restored from version ${v.restored_from}` : ''}
                </span>
                <span class="row-actions">
                  <button type="button" class="btn small" aria-expanded={shown && shown.n === v.version ? 'true' : 'false'} onClick={() => changes(v)}>
                    Changes in v{v.version}
                  </button>
                  {v.version !== prompt.version && (
                    <button type="button" class="btn small" onClick={() => restore(v)}>
                      Restore v{v.version}
                    </button>
                  )}
                </span>
              </div>
              {shown && shown.n === v.version && <Changes shown={shown} />}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Changes({ shown }) {
  if (shown.loading) return <p class="small muted" role="status">Loading…</p>;
  const { was, now, diff, from } = shown;
  const same = diff.every((d) => d.op === ' ');
  return (
    <div class="version-diff" role="region" aria-label={`Changes in version ${shown.n}`}>
      <p class="small muted">{from ? `Against version ${from}:` : 'The first version:'}</p>
      {was.name !== now.name && from && (
        <p class="small">
          Name: <del>{was.name}</del> → <ins>{now.name}</ins>
        </p>
      )}
      {(was.description || '') !== (now.description || '') && from && (
        <p class="small">
          Description: <del>{was.description || '(none)'}</del> → <ins>{now.description || '(none)'}</ins>
        </p>
      )}
      {same ? (
        <p class="small muted">The text is the same.</p>
      ) : (
        <div class="diff" role="group" aria-label="The text, line by line: - removed, + added">
          {diff.map((d, i) => (
            <div key={i} class={d.op === '+' ? 'add' : d.op === '-' ? 'del' : ''}>
              {d.op} {d.line}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
