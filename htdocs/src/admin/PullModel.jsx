// Pull a model onto a server: POST /servers/{id}/models/pull starts a job;
// its events (GET /jobs/{job}/events, an EventSource: a GET the session
// cookie authenticates) drive one overall progress bar (overall_percent,
// the sum over the layers seen so far) and a line for the current layer
// (its digest, bytes done of its size, Ollama's status); Cancel is POST
// /jobs/{job}/cancel. A pull of this server already running when the panel
// opens is followed too.
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, post, describe } from '../api.js';
import { Field } from '../components/Field.jsx';
import { Alert } from '../components/Alert.jsx';
import { bytes } from '../format.js';

const ACTIVE = new Set(['queued', 'running']);

export function PullModel({ server, onPulled }) {
  const [name, setName] = useState('');
  const [run, setRun] = useState(null); // {job, model, state, ...the progress event}
  const [result, setResult] = useState(null); // {kind, text}
  const es = useRef(null);

  function follow(job, model) {
    if (es.current) es.current.close();
    setRun({ job, model, state: 'queued', overall_percent: 0 });
    const src = new EventSource(`/api/v1/jobs/${job}/events`);
    es.current = src;
    src.addEventListener('progress', (e) => {
      const d = JSON.parse(e.data);
      setRun((r) => r && { ...r, ...d });
    });
    src.addEventListener('done', (e) => {
      src.close();
      const j = JSON.parse(e.data);
      setRun(null);
      if (j.state === 'succeeded') {
        setResult({ kind: 'success', text: `${model} is pulled onto ${server.name}.` });
        onPulled();
      } else if (j.state === 'canceled') {
        setResult({ kind: 'info', text: `The pull of ${model} was canceled.` });
      } else {
        setResult({ kind: 'error', text: `The pull of ${model} failed: ${(j.error && j.error.message) || j.state}.` });
      }
    });
    src.addEventListener('error', (e) => {
      // an "error" event with data is the job's stream ending (JOB_GONE);
      // without, the connection dropped and EventSource tries again
      if (e.data) {
        src.close();
        setRun(null);
        setResult({ kind: 'error', text: 'The pull could no longer be followed.' });
      }
    });
  }

  useEffect(() => {
    get('/api/v1/jobs?limit=50').then(
      (r) => {
        const j = (r.items || []).find((x) => x.kind === 'model.pull' && x.server_id === server.id && ACTIVE.has(x.state));
        if (j) follow(j.id, (j.payload && j.payload.model) || 'the model');
      },
      () => {},
    );
    return () => es.current && es.current.close();
  }, [server.id]);

  async function start(e) {
    e.preventDefault();
    const model = name.trim();
    if (!model) return;
    setResult(null);
    try {
      const j = await post(`/api/v1/servers/${server.id}/models/pull`, { name: model });
      setName('');
      follow(j.id, model);
    } catch (err) {
      setResult({ kind: 'error', text: describe(err) });
    }
  }

  async function cancel() {
    setRun((r) => r && { ...r, cancel_requested: true });
    try {
      await post(`/api/v1/jobs/${run.job}/cancel`);
    } catch (err) {
      setResult({ kind: 'error', text: describe(err) });
    }
  }

  const pct = run ? Math.max(0, Math.min(100, run.overall_percent || 0)) : 0;
  return (
    <div class="pull">
      <form class="pull-form" onSubmit={start} aria-label={`Pull a model onto ${server.name}`}>
        <Field id="pull-name" label="Pull a model" hint="A name from the Ollama library, e.g. llama3.2:1b." grow>
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} disabled={!!run} autocomplete="off" spellcheck={false} />
        </Field>
        <button type="submit" class="btn primary" disabled={!!run || !name.trim()}>
          Pull
        </button>
      </form>
      {run && (
        <div class="pull-progress" aria-label={`Pulling ${run.model}`} role="group">
          <div class="pull-line">
            <strong>Pulling {run.model}</strong>
            <span class="pull-percent">{pct}%</span>
            <button type="button" class="btn small" onClick={cancel} disabled={run.cancel_requested}>
              {run.cancel_requested ? 'Canceling…' : 'Cancel'}
            </button>
          </div>
          <progress max="100" value={pct} aria-label={`Overall progress of the pull of ${run.model}`} />
          <p class="small muted pull-layer" aria-live="polite">
            {run.state === 'queued' ? 'Waiting for a worker…' : layerText(run)}
          </p>
        </div>
      )}
      {result && <Alert kind={result.kind}>{result.text}</Alert>}
    </div>
  );
}

// "Layer 3f2b8c1d: 1.2 GB of 2.0 GB (pulling 3f2b8c1d…)", or the status alone
function layerText(r) {
  const status = r.status || 'starting';
  if (!r.digest) return status.charAt(0).toUpperCase() + status.slice(1);
  const short = r.digest.replace(/^sha256:/, '').slice(0, 12);
  const of = r.total > 0 ? `: ${bytes(r.completed || 0)} of ${bytes(r.total)}` : '';
  // the sum over the layers, once it is more than this layer
  const overall = r.overall_total > r.total ? ` · ${bytes(r.overall_completed)} of ${bytes(r.overall_total)} so far` : '';
  return `Layer ${short}${of}${overall}`;
}
