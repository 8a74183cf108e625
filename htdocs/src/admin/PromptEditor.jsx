// A prompt's name, description, tags and body: POST /prompts for a new
// one, PATCH /prompts/{id} with what changed (a change of name,
// description or body is a new version; of tags alone, not). The
// variables are listed as they are typed ({{name}}); a malformed
// placeholder is refused by the server (INVALID_TEMPLATE) and said here.
import { useEffect, useState } from 'preact/hooks';
import { get, post, patch, del, describe, fieldError } from '../api.js';
import { ago } from '../format.js';
import { Alert } from '../components/Alert.jsx';
import { Field } from '../components/Field.jsx';
import { Confirm, useFocusHere } from './Confirm.jsx';
import { variablesOf } from './diff.js';

const form = (p) => ({ name: p.name || '', description: p.description || '', tags: (p.tags || []).join(', '), body: p.body || '' });

export function PromptEditor({ prompt, onSaved, onDeleted }) {
  const isNew = !prompt.id;
  const [f, setF] = useState(() => form(prompt));
  const [error, setError] = useState(null);
  const [fields, setFields] = useState({});
  const [notice, setNotice] = useState(null);
  const [ask, setAsk] = useState(null);
  const title = useFocusHere();
  useEffect(() => setF(form(prompt)), [prompt.id, prompt.version]);

  async function save(e) {
    e.preventDefault();
    const tags = f.tags.split(/[\s,]+/).filter(Boolean);
    const body = { name: f.name.trim(), description: f.description, tags, body: f.body };
    if (!isNew) {
      for (const k of ['name', 'description', 'body']) if (body[k] === (prompt[k] || '')) delete body[k];
      if (tags.join(',') === (prompt.tags || []).join(',')) delete body.tags;
      if (!Object.keys(body).length) return setNotice('Nothing has changed.');
    }
    try {
      const r = isNew ? await post('/api/v1/prompts', body) : await patch(`/api/v1/prompts/${prompt.id}`, body);
      const p = await get(`/api/v1/prompts/${r.id}`);
      setError(null);
      setFields({});
      setNotice(isNew ? 'The prompt is saved.' : `Saved as version ${p.version}.`);
      onSaved(p);
    } catch (err) {
      const fe = fieldError(err);
      setFields(fe ? { [fe[0]]: fe[1] } : {});
      setNotice(null);
      setError(fe ? null : describe(err));
    }
  }
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value });
  const vars = variablesOf(f.body);

  return (
    <form class="card stack prompt-editor" onSubmit={save} aria-labelledby="pe-title">
      <h3 id="pe-title" tabIndex={-1} ref={title}>{isNew ? 'New prompt' : `${prompt.name}, version ${prompt.version}`}</h3>
      {!isNew && (
        <p class="small muted">
          {prompt.owner ? `By ${prompt.owner}` : 'Owned by nobody'} · changed {ago(prompt.updated_at)}
        </p>
      )}
      <Alert>{error}</Alert>
      <Alert kind="success">{notice}</Alert>
      <div class="row">
        <Field id="pe-name" label="Name" error={fields.name}>
          <input required maxLength={200} value={f.name} onInput={set('name')} />
        </Field>
        <Field id="pe-tags" label="Tags" hint="Separated by commas: a-z, 0-9, . _ -" error={fields.tags}>
          <input value={f.tags} onInput={set('tags')} autocomplete="off" />
        </Field>
      </div>
      <Field id="pe-description" label="Description" error={fields.description}>
        <input maxLength={2000} value={f.description} onInput={set('description')} />
      </Field>
      <Field id="pe-body" label="Text" hint="{{name}} is a variable filled in when the prompt is used; {{date}}, {{user}} and {{project.name}} the server fills in." error={fields.body}>
        <textarea class="prompt-body" required rows={10} value={f.body} onInput={set('body')} spellcheck={false} />
      </Field>
      <p class="small" aria-live="polite">
        {vars.length ? (
          <>
            Variables:{' '}
            {vars.map((v) => (
              <span key={v} class="tag mono">
                {v}
              </span>
            ))}
          </>
        ) : (
          <span class="muted">No variables.</span>
        )}
      </p>
      <div class="row-actions">
        <button type="submit" class="btn primary">
          {isNew ? 'Create prompt' : 'Save a new version'}
        </button>
        {!isNew && (
          <button
            type="button"
            class="btn danger"
            onClick={() =>
              setAsk({
                title: `Delete the prompt “${prompt.name}”?`,
                text: 'It goes with all its versions. Chats that used it keep their text.',
                action: 'Delete prompt',
                run: () => del(`/api/v1/prompts/${prompt.id}`),
              })
            }
          >
            Delete
          </button>
        )}
      </div>
      <Confirm ask={ask} onClose={(done) => (setAsk(null), done && onDeleted())} />
    </form>
  );
}
