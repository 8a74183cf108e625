// Add or edit a model server in a dialog: POST /servers or PATCH
// /servers/{id} with what changed. The API key is never shown back
// (has_api_key): left empty, an edit keeps it; "Remove the key" sends null.
// A base_url outside PlanningModelServerAllow is refused (URL_NOT_ALLOWED)
// and said under its field.
import { useEffect, useState } from 'preact/hooks';
import { post, patch, describe, fieldError } from '../api.js';
import { Dialog } from '../components/Dialog.jsx';
import { Field } from '../components/Field.jsx';
import { Alert } from '../components/Alert.jsx';
import { FormActions } from './Confirm.jsx';

const EMPTY = { name: '', base_url: 'http://127.0.0.1:11434', kind: 'ollama', api_key: '', priority: 100, enabled: true, dropKey: false };

export function ServerForm({ server, onClose }) {
  const isNew = server && !server.id;
  const [f, setF] = useState(EMPTY);
  const [error, setError] = useState(null);
  const [fields, setFields] = useState({});
  useEffect(() => {
    if (!server) return;
    setF(isNew ? EMPTY : { ...EMPTY, ...server, api_key: '' });
    setError(null);
    setFields({});
  }, [server]);

  async function save(e) {
    e.preventDefault();
    const body = { name: f.name, base_url: f.base_url, kind: f.kind, priority: Number(f.priority), enabled: f.enabled };
    if (f.api_key) body.api_key = f.api_key;
    else if (f.dropKey) body.api_key = null;
    try {
      const s = isNew ? await post('/api/v1/servers', body) : await patch(`/api/v1/servers/${server.id}`, body);
      onClose(s);
    } catch (err) {
      const fe = fieldError(err);
      setFields(fe ? { [fe[0]]: fe[1] } : {});
      setError(fe ? null : describe(err));
    }
  }
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value });

  return (
    <Dialog open={!!server} title={isNew ? 'Add a model server' : `Edit ${server ? server.name : ''}`} labelledBy="server-form-title" onClose={() => onClose(null)}>
      {server && (
        <form class="stack" onSubmit={save}>
          <Alert>{error}</Alert>
          <Field id="srv-name" label="Name" hint="Shown in the model picker; unique." error={fields.name}>
            <input required maxLength={100} value={f.name} onInput={set('name')} />
          </Field>
          <Field id="srv-url" label="Base URL" hint="Where the server answers, e.g. http://10.0.0.5:11434. It must be one PlanningModelServerAllow admits." error={fields.base_url}>
            <input required type="url" value={f.base_url} onInput={set('base_url')} />
          </Field>
          <div class="row">
            <Field id="srv-kind" label="Kind" error={fields.kind}>
              <select value={f.kind} onChange={set('kind')}>
                <option value="ollama">Ollama</option>
                <option value="openai">OpenAI-compatible</option>
              </select>
            </Field>
            <Field id="srv-priority" label="Priority" hint="0 to 1000; higher is asked first." error={fields.priority}>
              <input type="number" min="0" max="1000" step="1" required value={f.priority} onInput={set('priority')} />
            </Field>
          </div>
          <Field id="srv-key" label="API key" hint={!isNew && server.has_api_key ? 'A key is set; leave empty to keep it.' : 'Optional: sent as Authorization: Bearer.'} error={fields.api_key}>
            <input type="password" autocomplete="off" value={f.api_key} onInput={set('api_key')} />
          </Field>
          {!isNew && server.has_api_key && (
            <label class="check">
              <input type="checkbox" checked={f.dropKey} onChange={set('dropKey')} /> Remove the key
            </label>
          )}
          <label class="check">
            <input type="checkbox" checked={f.enabled} onChange={set('enabled')} /> Enabled: chats may use it
          </label>
          <FormActions onCancel={() => onClose(null)} submit={isNew ? 'Add server' : 'Save'} />
        </form>
      )}
    </Dialog>
  );
}
