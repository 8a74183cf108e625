// Try a prompt: its variables filled in, "Render" shows the text the model
// would get (POST /prompts/{id}/render), "Run test" sends it to a model
// (POST /prompts/{id}/test) and shows the reply as it streams (the chat's
// SSE reader, chat/sse.js: a POST cannot be an EventSource). Stop aborts
// the request, which stops the model. Nothing is stored; the run counts
// in the usage as prompt_test.
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, post, describe } from '../api.js';
import { open } from '../chat/sse.js';
import { Alert } from '../components/Alert.jsx';
import { Field } from '../components/Field.jsx';

export function PromptTest({ prompt }) {
  const [models, setModels] = useState([]);
  const [model, setModel] = useState('');
  const [values, setValues] = useState({});
  const [out, setOut] = useState(null); // {kind: 'render'|'test', text, state, figures}
  const [error, setError] = useState(null);
  const abort = useRef(null);
  const vars = prompt.variables || [];

  useEffect(() => {
    get('/api/v1/models').then(
      (r) => {
        setModels(r.items || []);
        if (r.items && r.items.length) setModel((m) => m || r.items[0].name);
      },
      () => {},
    );
    return () => abort.current && abort.current.abort();
  }, []);

  const variables = () => Object.fromEntries(vars.map((v) => [v, values[v] || '']));

  async function render() {
    setError(null);
    try {
      const r = await post(`/api/v1/prompts/${prompt.id}/render`, { variables: variables() });
      setOut({ kind: 'render', text: r.text, state: 'done' });
    } catch (err) {
      setError(describe(err));
    }
  }

  async function run(e) {
    e.preventDefault();
    setError(null);
    const ctl = new AbortController();
    abort.current = ctl;
    setOut({ kind: 'test', text: '', state: 'starting' });
    let text = '';
    try {
      const events = await open('POST', `prompts/${prompt.id}/test`, { model, variables: variables(), stream: true }, { signal: ctl.signal });
      for await (const ev of events) {
        if (ev.event === 'start') setOut((o) => ({ ...o, state: 'streaming' }));
        else if (ev.event === 'token') (text += ev.data.text || ''), setOut((o) => ({ ...o, text }));
        else if (ev.event === 'done') setOut({ kind: 'test', text: ev.data.content ?? text, state: 'done', figures: ev.data });
        else if (ev.event === 'error') (setOut((o) => ({ ...o, state: 'error' })), setError(ev.data.message || ev.data.code));
      }
    } catch (err) {
      if (err && err.name === 'AbortError') setOut((o) => o && { ...o, state: 'stopped' });
      else (setOut(null), setError(describe(err)));
    } finally {
      abort.current = null;
    }
  }

  const running = out && out.kind === 'test' && (out.state === 'starting' || out.state === 'streaming');
  return (
    <section class="card" aria-labelledby="pt-title">
      <h3 id="pt-title">Try it</h3>
      <form class="stack" onSubmit={run}>
        {vars.map((v) => (
          <Field key={v} id={`pt-var-${v}`} label={v}>
            <input value={values[v] || ''} onInput={(e) => setValues({ ...values, [v]: e.currentTarget.value })} />
          </Field>
        ))}
        <Field id="pt-model" label="Model">
          <select value={model} onChange={(e) => setModel(e.currentTarget.value)}>
            {models.map((m) => (
              <option value={m.name}>{m.name}</option>
            ))}
          </select>
        </Field>
        <div class="row-actions">
          <button type="button" class="btn" onClick={render}>
            Render
          </button>
          {running ? (
            <button type="button" class="btn" onClick={() => abort.current && abort.current.abort()}>
              Stop
            </button>
          ) : (
            <button type="submit" class="btn primary" disabled={!model}>
              Run test
            </button>
          )}
        </div>
      </form>
      <Alert>{error}</Alert>
      {out && (
        <div class="test-result">
          <p class="small muted" role="status">
            {out.kind === 'render'
              ? 'The text the model would get:'
              : { starting: 'Asking the model…', streaming: 'The model is answering…', done: 'The reply:', stopped: 'Stopped.', error: 'The run failed.' }[out.state]}
            {out.figures && out.figures.completion_tokens != null ? ` ${out.figures.completion_tokens} tokens.` : ''}
          </p>
          <div class={`test-output ${out.kind}`} aria-label={out.kind === 'render' ? 'Rendered prompt' : 'Test reply'} role="region">
            {out.text}
          </div>
        </div>
      )}
    </section>
  );
}
