// The user's settings: chat defaults (server, model, system prompt,
// temperature) for new threads, the colour theme, and API keys (create with
// scopes, a project and an expiry, shown once with a copy button; list;
// revoke). Loaded lazily (app.jsx).
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, post, del, request, describe, fieldError } from '../api.js';
import { applyTheme } from '../theme.js';
import { ago, fullTime } from '../format.js';
import { onLinkClick } from '../router.js';
import { Alert } from '../components/Alert.jsx';
import { Field } from '../components/Field.jsx';
import { Dialog } from '../components/Dialog.jsx';
import '../chat/chat.css';

export function Settings() {
  const [form, setForm] = useState(null);
  const [models, setModels] = useState([]);
  const [servers, setServers] = useState([]);
  const [projects, setProjects] = useState([]);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const [fields, setFields] = useState({});

  useEffect(() => {
    get('/api/v1/users/me/settings').then(
      (r) => {
        const st = (r && (r.settings || r)) || {};
        setForm({
          server: st.server || '',
          model: st.model || '',
          system_prompt: st.system_prompt || '',
          temperature: st.temperature ?? '',
          language: st.language || null,
          theme: st.theme || 'system',
        });
        applyTheme(st.theme);
      },
      (err) => setError(describe(err)),
    );
    get('/api/v1/models').then(
      (r) => {
        setModels(r.items || []);
        const seen = new Map();
        for (const m of r.items || []) for (const s of m.servers || []) seen.set(s.name, s);
        setServers([...seen.values()]);
      },
      () => {},
    );
    get('/api/v1/projects?limit=200').then((r) => setProjects(r.items || []), () => {});
  }, []);

  async function save(e) {
    e.preventDefault();
    setFields({});
    try {
      const body = {
        server: form.server || null,
        model: form.model || null,
        system_prompt: form.system_prompt || null,
        temperature: form.temperature === '' ? null : Number(form.temperature),
        language: form.language || null,
        theme: form.theme,
      };
      await request('PUT', '/api/v1/users/me/settings', { body });
      applyTheme(form.theme);
      setError(null);
      setNotice('Your settings are saved. New chats take them.');
    } catch (err) {
      const f = fieldError(err);
      if (f) setFields({ [f[0]]: f[1] });
      setNotice(null);
      setError(describe(err));
    }
  }

  const set = (k) => (e) => setForm({ ...form, [k]: e.currentTarget.value });

  return (
    <div class="settings">
      <div class="page-head">
        <div>
          <h1 tabIndex={-1}>Settings</h1>
          <p class="muted">
            Your defaults for new chats, the look of the pages, and keys for scripts (see the{' '}
            <a href="/api-docs" onClick={onLinkClick}>API reference</a>).
          </p>
        </div>
      </div>
      <Alert>{error}</Alert>
      <Alert kind="success">{notice}</Alert>
      {form && (
        <form class="stack" onSubmit={save} aria-label="Chat defaults and theme">
          <section aria-labelledby="defaults-title">
            <h2 id="defaults-title">Chat defaults</h2>
            <div class="stack">
              <div class="row">
                <Field id="set-model" label="Model" hint="For new chats that do not name one." error={fields.model}>
                  <select value={form.model} onChange={set('model')}>
                    <option value="">None</option>
                    {form.model && !models.some((m) => m.name === form.model) && <option value={form.model}>{form.model}</option>}
                    {models.map((m) => (
                      <option value={m.name}>{m.name}</option>
                    ))}
                  </select>
                </Field>
                <Field id="set-server" label="Server" hint="Asked first, when it has the model." error={fields.server}>
                  <select value={form.server} onChange={set('server')}>
                    <option value="">Any</option>
                    {form.server && !servers.some((s) => s.name === form.server) && <option value={form.server}>{form.server}</option>}
                    {servers.map((s) => (
                      <option value={s.name}>{s.name}</option>
                    ))}
                  </select>
                </Field>
                <Field id="set-temperature" label="Temperature" hint="0 to 2; empty: the model’s own." error={fields.temperature}>
                  <input type="number" min="0" max="2" step="0.1" value={form.temperature} onInput={set('temperature')} />
                </Field>
              </div>
              <Field id="set-system" label="System prompt" hint="Said to the model first in every new chat." error={fields.system_prompt}>
                <textarea rows={3} maxLength={20000} value={form.system_prompt} onInput={set('system_prompt')} />
              </Field>
            </div>
          </section>
          <section aria-labelledby="theme-title">
            <h2 id="theme-title">Theme</h2>
            <fieldset class="scopes" aria-labelledby="theme-title">
              {[
                ['system', 'As the system'],
                ['light', 'Light'],
                ['dark', 'Dark'],
              ].map(([v, label]) => (
                <label class="check">
                  <input type="radio" name="theme" value={v} checked={form.theme === v} onChange={() => (setForm({ ...form, theme: v }), applyTheme(v))} /> {label}
                </label>
              ))}
            </fieldset>
          </section>
          <div>
            <button type="submit" class="btn primary">
              Save settings
            </button>
          </div>
        </form>
      )}
      <Keys projects={projects} />
    </div>
  );
}

function Keys({ projects }) {
  const [keys, setKeys] = useState(null);
  const [error, setError] = useState(null);
  const [creating, setCreating] = useState(false);
  const [made, setMade] = useState(null);
  const [revoking, setRevoking] = useState(null);
  const names = new Map(projects.map((p) => [p.id, p.name]));

  async function load() {
    try {
      const r = await get('/api/v1/auth/keys?limit=200');
      setKeys(r.items || []);
    } catch (err) {
      setError(describe(err));
      setKeys([]);
    }
  }
  useEffect(() => {
    load();
  }, []);

  async function revoke(k) {
    try {
      await del(`/api/v1/auth/keys/${k.id}`);
      setRevoking(null);
      setMade(null);
      load();
    } catch (err) {
      setRevoking({ ...k, error: describe(err) });
    }
  }

  const state = (k) => (k.revoked_at ? 'revoked' : k.expires_at && Date.parse(k.expires_at) < Date.now() ? 'expired' : 'active');

  return (
    <section aria-labelledby="keys-title">
      <div class="page-head">
        <h2 id="keys-title">API keys</h2>
        <button type="button" class="btn" onClick={() => setCreating(true)}>
          New API key
        </button>
      </div>
      <p class="small muted">For scripts and CI: send it as Authorization: Bearer. It can do what you can, narrowed by its scopes and project.</p>
      <Alert>{error}</Alert>
      {made && (
        <div class="alert success" role="status">
          <p>
            <strong>“{made.name}” is created.</strong> Copy the key now: it is shown only this once.
          </p>
          <div class="secret">
            <code aria-label="The new API key">{made.key}</code>
            <CopyKey text={made.key} />
            <button type="button" class="btn ghost small" onClick={() => setMade(null)}>
              Done
            </button>
          </div>
        </div>
      )}
      {keys && keys.length === 0 && <p class="muted">No API key yet.</p>}
      {keys && keys.length > 0 && (
        <div class="table-wrap">
          <table class="keys">
            <caption class="visually-hidden">Your API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scopes</th>
                <th scope="col">Project</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <td>
                    {k.name} <span class="small muted">{k.prefix}…</span>
                  </td>
                  <td>{(k.scopes || []).join(', ')}</td>
                  <td>{k.project_id ? names.get(k.project_id) || `#${k.project_id}` : 'all'}</td>
                  <td title={k.expires_at ? fullTime(k.expires_at) : undefined}>{k.expires_at ? fullTime(k.expires_at) : 'never'}</td>
                  <td>{k.last_used_at ? ago(k.last_used_at) : 'never'}</td>
                  <td>
                    {state(k) === 'active' ? (
                      <button type="button" class="btn ghost small danger-text" aria-label={`Revoke ${k.name}`} onClick={() => setRevoking(k)}>
                        Revoke
                      </button>
                    ) : (
                      <span class="badge">{state(k)}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <NewKey
        open={creating}
        projects={projects}
        onClose={() => setCreating(false)}
        onMade={(k) => {
          setCreating(false);
          setMade(k);
          load();
        }}
      />
      <Dialog open={!!revoking} title={revoking ? `Revoke “${revoking.name}”?` : ''} onClose={() => setRevoking(null)} labelledBy="revoke-title">
        {revoking && (
          <>
            <Alert>{revoking.error}</Alert>
            <p>Scripts using this key are refused from now on. This cannot be undone.</p>
            <div class="dialog-actions">
              <button type="button" class="btn ghost" onClick={() => setRevoking(null)} autoFocus>
                Cancel
              </button>
              <button type="button" class="btn danger" onClick={() => revoke(revoking)}>
                Revoke
              </button>
            </div>
          </>
        )}
      </Dialog>
    </section>
  );
}

function CopyKey({ text }) {
  const [said, setSaid] = useState('Copy');
  return (
    <button
      type="button"
      class="btn small"
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
          setSaid('Copied');
        } catch {
          setSaid('Copy failed: select the key and copy it');
        }
      }}
    >
      {said}
    </button>
  );
}

function NewKey({ open, projects, onClose, onMade }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState(['read']);
  const [project, setProject] = useState('');
  const [days, setDays] = useState('90');
  const [error, setError] = useState(null);
  const [fields, setFields] = useState({});
  const first = useRef(null);
  useEffect(() => {
    if (open) {
      setName('');
      setScopes(['read']);
      setProject('');
      setDays('90');
      setError(null);
      setFields({});
    }
  }, [open]);
  async function submit(e) {
    e.preventDefault();
    if (!scopes.length) {
      setError('Choose at least one scope.');
      return;
    }
    try {
      const body = { name: name.trim(), scopes };
      if (project) body.project_id = Number(project);
      if (days) body.expires_in_days = Number(days);
      onMade(await post('/api/v1/auth/keys', body));
    } catch (err) {
      const f = fieldError(err);
      if (f) setFields({ [f[0]]: f[1] });
      setError(describe(err));
    }
  }
  const toggle = (s) => setScopes(scopes.includes(s) ? scopes.filter((x) => x !== s) : [...scopes, s]);
  return (
    <Dialog open={open} title="New API key" onClose={onClose} labelledBy="newkey-title">
      <form class="stack" onSubmit={submit}>
        <Alert>{error}</Alert>
        <Field id="key-name" label="Name" hint="What uses it, e.g. “ci”." error={fields.name}>
          <input ref={first} value={name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={100} autoFocus />
        </Field>
        <fieldset class="scopes">
          <legend>Scopes</legend>
          {[
            ['read', 'Read'],
            ['write', 'Write'],
            ['admin', 'Admin'],
          ].map(([s, label]) => (
            <label class="check">
              <input type="checkbox" checked={scopes.includes(s)} onChange={() => toggle(s)} /> {label}
            </label>
          ))}
        </fieldset>
        <Field id="key-project" label="Project" hint="Only this project, or every project you can see." error={fields.project_id}>
          <select value={project} onChange={(e) => setProject(e.currentTarget.value)}>
            <option value="">Every project</option>
            {projects.map((p) => (
              <option value={String(p.id)}>{p.name}</option>
            ))}
          </select>
        </Field>
        <Field id="key-expiry" label="Expires after" error={fields.expires_in_days}>
          <select value={days} onChange={(e) => setDays(e.currentTarget.value)}>
            <option value="7">7 days</option>
            <option value="30">30 days</option>
            <option value="90">90 days</option>
            <option value="365">a year</option>
            <option value="">never</option>
          </select>
        </Field>
        <div class="dialog-actions">
          <button type="button" class="btn ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="btn primary">
            Create key
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export default Settings;
