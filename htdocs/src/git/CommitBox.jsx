// The commit box: the message (a textarea), "Draft with the model" (the
// staged change sent to the project's model by POST .../git/commit-message,
// its tokens streamed into the textarea, which stays editable; Stop aborts
// the request, which stops the model), and Commit.
import { useRef, useState } from 'preact/hooks';
import { post, describe } from '../api.js';
import { open } from '../chat/sse.js';
import { Alert } from '../components/Alert.jsx';

export function CommitBox({ pid, staged, writer, onCommitted }) {
  const [message, setMessage] = useState('');
  const [drafting, setDrafting] = useState(null); // {model}
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  const [busy, setBusy] = useState(false);
  const stop = useRef(null);

  async function draft() {
    setError(null);
    setDone(null);
    const ctl = new AbortController();
    stop.current = ctl;
    setDrafting({ model: '' });
    let text = '';
    setMessage('');
    try {
      const stream = await open('POST', `projects/${pid}/git/commit-message`, { stream: true }, { signal: ctl.signal });
      for await (const ev of stream) {
        const d = ev.data || {};
        if (ev.event === 'start') setDrafting({ model: d.model || '' });
        else if (ev.event === 'token') {
          text += d.text || '';
          // the person may edit while it streams: append to what is there
          setMessage((m) => m + (d.text || ''));
        } else if (ev.event === 'done') {
          if (d.state && d.state !== 'complete') setError(`The draft ended early: ${(d.error && d.error.message) || d.state}.`);
          else if (d.message && !text) setMessage(d.message);
        } else if (ev.event === 'error') setError((d.error && d.error.message) || d.message || 'The model failed.');
      }
    } catch (err) {
      if (!(err && err.name === 'AbortError')) {
        setError(err.code === 'MODEL_NOT_FOUND' ? `${describe(err)} Choose a model in your settings or the project's chat defaults.` : describe(err));
      }
    } finally {
      stop.current = null;
      setDrafting(null);
    }
  }

  async function commit(e) {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const c = await post(`projects/${pid}/git/commit`, { message });
      setMessage('');
      setDone(`Committed ${c.sha.slice(0, 8)}: ${c.summary}`);
      onCommitted(c);
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  }

  if (!writer) return null;
  return (
    <form class="card commit-box" onSubmit={commit} aria-labelledby="commit-title">
      <h3 id="commit-title">Commit</h3>
      <label for="commit-message" class="visually-hidden">
        Commit message
      </label>
      <textarea
        id="commit-message"
        rows={4}
        value={message}
        placeholder="What this change does, and why"
        onInput={(e) => setMessage(e.currentTarget.value)}
        onKeyDown={(e) => e.key === 'Enter' && (e.ctrlKey || e.metaKey) && e.currentTarget.form.requestSubmit()}
        aria-describedby="commit-hint"
        aria-busy={drafting ? 'true' : 'false'}
      />
      <small id="commit-hint" class="hint small muted">
        {drafting ? `The model${drafting.model ? ` (${drafting.model})` : ''} is writing; you may edit as it goes.` : `${staged} file${staged === 1 ? '' : 's'} staged. Ctrl+Enter commits.`}
      </small>
      <div class="commit-actions">
        {drafting ? (
          <button type="button" class="btn" onClick={() => stop.current && stop.current.abort()}>
            Stop
          </button>
        ) : (
          <button type="button" class="btn" onClick={draft} disabled={!staged}>
            Draft with the model
          </button>
        )}
        <button type="submit" class="btn primary" disabled={busy || !staged || !message.trim()}>
          Commit
        </button>
      </div>
      <Alert>{error}</Alert>
      <Alert kind="success">{done}</Alert>
    </form>
  );
}
