// The plan editor of a project's page: the Markdown with a live preview
// (marked + DOMPurify, loaded with import() when the editor opens), saved
// with If-Match so that a save never overwrites one made meanwhile (412:
// the page says someone else saved first and offers their version or to
// overwrite it with this one), the version history with each version's
// changes (plan/diff) and restore.
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, request, describe, ApiError } from '../api.js';
import { fullTime } from '../format.js';
import { Alert } from '../components/Alert.jsx';
import { Field } from '../components/Field.jsx';
import { usePreview } from '../usePreview.js';

export function PlanEditor({ base, writer }) {
  const [plan, setPlan] = useState(null); // the saved plan: {markdown, etag, version}
  const [missing, setMissing] = useState(false);
  const [text, setText] = useState('');
  const [message, setMessage] = useState('');
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const [conflict, setConflict] = useState(null); // the plan as someone else saved it
  const [busy, setBusy] = useState(false);
  const [versions, setVersions] = useState(null);
  const [diff, setDiff] = useState(null); // {from, to, text}
  const conflictRef = useRef(null);

  async function load() {
    try {
      const p = await get(`${base}/plan`);
      setPlan(p);
      setText(p.markdown);
      setMissing(false);
      return p;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'PLAN_NOT_FOUND') {
        setMissing(true);
        setPlan({ markdown: '', etag: null, version: 0 });
        setText('');
        return null;
      }
      setError(describe(err));
      return null;
    }
  }
  async function loadVersions() {
    try {
      const v = await get(`${base}/plan/versions?limit=50`);
      setVersions(v.items || []);
    } catch (err) {
      setError(describe(err));
    }
  }
  useEffect(() => {
    load().then(loadVersions);
  }, [base]);

  // the preview follows the text (a moment after typing stops)
  const [html, previewError] = usePreview(text);

  useEffect(() => {
    if (conflict && conflictRef.current) conflictRef.current.focus();
  }, [conflict]);

  async function put(etag) {
    const headers = etag ? { 'If-Match': etag } : { 'If-None-Match': '*' };
    const body = { markdown: text };
    if (message.trim()) body.message = message.trim();
    return request('PUT', `${base}/plan`, { body, headers });
  }

  async function save(e) {
    if (e) e.preventDefault();
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      saved(await put(plan.etag));
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        // someone else saved first: what they saved, beside this text
        try {
          loadVersions();
          setConflict(await get(`${base}/plan`));
        } catch (err2) {
          setError(describe(err2));
        }
      } else {
        setError(describe(err));
      }
    }
    setBusy(false);
  }

  function saved(p) {
    setPlan(p);
    setText(p.markdown);
    setMissing(false);
    setConflict(null);
    setMessage('');
    const issues = p.issues && p.issues.length ? ` The plan has ${p.issues.length} issue${p.issues.length === 1 ? '' : 's'}: ${p.issues[0].message}.` : '';
    setNotice(`Saved as version ${p.version}.${issues}`);
    loadVersions();
  }

  async function overwrite() {
    setBusy(true);
    try {
      saved(await put(conflict.etag));
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        setConflict(await get(`${base}/plan`).catch(() => conflict));
      } else setError(describe(err));
    }
    setBusy(false);
  }

  function takeTheirs() {
    setPlan(conflict);
    setText(conflict.markdown);
    setConflict(null);
    setNotice(`Loaded version ${conflict.version}, the one saved meanwhile. Your edits were discarded.`);
    loadVersions();
  }

  async function restore(n) {
    setError(null);
    setNotice(null);
    try {
      const p = await request('POST', `${base}/plan/versions/${n}/restore`, { headers: plan.etag ? { 'If-Match': plan.etag } : {} });
      setPlan(p);
      setText(p.markdown);
      setConflict(null);
      setNotice(`Version ${n} restored as version ${p.version}.`);
      setDiff(null);
      loadVersions();
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        setError('The plan changed since this page read it. Reload it, then restore.');
      } else setError(describe(err));
    }
  }

  async function showDiff(from, to) {
    try {
      const d = await get(`${base}/plan/diff?from=${from}&to=${to}&format=json`);
      setDiff({ from, to, text: d.diff || '' });
      setTimeout(() => document.getElementById('plan-diff-title')?.focus(), 0);
    } catch (err) {
      setError(describe(err));
    }
  }

  if (!plan) return <p class="muted">{error ? <Alert>{error}</Alert> : 'Loading the plan…'}</p>;
  const dirty = text !== plan.markdown;
  const current = versions && versions.length ? versions[0].n : plan.version;

  return (
    <div class="plan">
      <h2 class="visually-hidden">Plan</h2>
      {missing && <Alert kind="info">This project has no plan file yet. {writer ? 'Write one and save it.' : ''}</Alert>}
      {conflict && (
        <div class="alert error conflict" role="alert" tabIndex={-1} ref={conflictRef}>
          <strong>Someone else saved the plan first</strong> (version {conflict.version}
          {versions && versions[0] && versions[0].n === conflict.version && versions[0].author ? `, by ${versions[0].author.username}` : ''}). Your text is
          still here, not saved.
          <div class="conflict-actions">
            <button class="btn" type="button" onClick={takeTheirs} disabled={busy}>
              Load their version
            </button>
            <button class="btn danger" type="button" onClick={overwrite} disabled={busy}>
              Overwrite with mine
            </button>
          </div>
        </div>
      )}
      <Alert>{error || previewError}</Alert>
      <Alert kind="success">{notice}</Alert>

      <form class="plan-form" onSubmit={save}>
        <div class="plan-panes">
          <div class="field plan-edit">
            <label for="plan-text">Plan (Markdown){plan.version ? `, version ${plan.version}` : ''}</label>
            <textarea
              id="plan-text"
              spellcheck={true}
              value={text}
              readOnly={!writer}
              onInput={(e) => setText(e.currentTarget.value)}
              onKeyDown={(e) => {
                // Ctrl+S (Cmd+S): save, not the browser's "save page"
                if ((e.ctrlKey || e.metaKey) && e.key === 's') {
                  e.preventDefault();
                  if (writer && !busy && !conflict && text !== plan.markdown) save();
                }
              }}
              aria-describedby="plan-state"
            />
          </div>
          <section class="plan-preview" aria-labelledby="plan-preview-title" tabIndex={0}>
            <h3 id="plan-preview-title">Preview</h3>
            {/* sanitized by DOMPurify (markdown.js) */}
            <div class="markdown" dangerouslySetInnerHTML={{ __html: html || '' }} />
          </section>
        </div>
        {writer && (
          <div class="plan-save">
            <Field id="plan-message" label="What changed (optional)" grow>
              <input value={message} maxLength={500} onInput={(e) => setMessage(e.currentTarget.value)} />
            </Field>
            <button class="btn primary" type="submit" disabled={busy || !dirty || !!conflict}>
              {busy ? 'Saving…' : 'Save plan'}
            </button>
          </div>
        )}
        <p id="plan-state" class="small muted">
          {dirty ? 'Unsaved changes.' : 'No unsaved changes.'}
          {writer ? ' Ctrl+S saves.' : ''}
        </p>
      </form>

      <section class="versions" aria-labelledby="versions-title">
        <h3 id="versions-title">Version history</h3>
        {versions === null && <p class="muted">Loading…</p>}
        {versions && versions.length === 0 && <p class="muted small">No versions yet.</p>}
        {versions && versions.length > 0 && (
          <ol class="version-list">
            {versions.map((v) => (
              <li key={v.n} class="version">
                <div>
                  <strong>Version {v.n}</strong>
                  {v.n === current && <span class="badge">current</span>}{' '}
                  <span class="small muted">
                    {v.author ? v.author.username : 'on disk'} · <time dateTime={v.created_at}>{fullTime(v.created_at)}</time> · {v.bytes} bytes
                  </span>
                  {v.message && <div class="small">{v.message}</div>}
                </div>
                <div class="version-actions">
                  {v.n > 1 && (
                    <button class="btn small" type="button" onClick={() => showDiff(v.n - 1, v.n)} aria-label={`Changes in version ${v.n}`}>
                      Changes
                    </button>
                  )}
                  {writer && v.n !== current && (
                    <button class="btn small" type="button" onClick={() => restore(v.n)} aria-label={`Restore version ${v.n}`}>
                      Restore
                    </button>
                  )}
                </div>
              </li>
            ))}
          </ol>
        )}
        {diff && (
          <div class="diff-view">
            <div class="odetail-head">
              <h4 id="plan-diff-title" tabIndex={-1}>
                Changes from version {diff.from} to {diff.to}
              </h4>
              <button class="btn small ghost" type="button" onClick={() => setDiff(null)}>
                Close the changes
              </button>
            </div>
            <pre class="diff" aria-labelledby="plan-diff-title" tabIndex={0}>
              {diff.text.split('\n').map((l, k) => (
                <span key={k} class={`dl ${l.startsWith('@@') ? 'hunk' : l.startsWith('+++') || l.startsWith('---') ? 'file' : l.startsWith('+') ? 'add' : l.startsWith('-') ? 'del' : ''}`}>
                  {l}
                  {'\n'}
                </span>
              ))}
            </pre>
          </div>
        )}
      </section>
    </div>
  );
}
