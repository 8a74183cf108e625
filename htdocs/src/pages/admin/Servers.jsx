// The model servers: each with its health at a glance (every enabled one is
// tested when the page opens: GET /servers/{id}/test, latency and version),
// added and edited in a dialog (admin/ServerForm.jsx), enabled and disabled,
// deleted; "Models" opens the server's models below (admin/ServerModels.jsx).
import { useEffect, useState } from 'preact/hooks';
import { get, patch, del, describe } from '../../api.js';
import { Alert } from '../../components/Alert.jsx';
import { Confirm } from '../../admin/Confirm.jsx';
import { ServerForm } from '../../admin/ServerForm.jsx';
import { ServerModels } from '../../admin/ServerModels.jsx';

export function Servers() {
  const [servers, setServers] = useState(null);
  const [health, setHealth] = useState({}); // id -> {testing} | test reply | {error}
  const [error, setError] = useState(null);
  const [editing, setEditing] = useState(null); // {} for a new one, or the server
  const [ask, setAsk] = useState(null);
  const [open, setOpen] = useState(null); // the server whose models are shown

  async function load(testAll) {
    try {
      const r = await get('/api/v1/servers?limit=200');
      setServers(r.items || []);
      setError(null);
      if (testAll) (r.items || []).filter((s) => s.enabled).forEach(test);
    } catch (err) {
      setError(describe(err));
      setServers([]);
    }
  }
  useEffect(() => {
    load(true);
  }, []);

  async function test(s) {
    setHealth((h) => ({ ...h, [s.id]: { testing: true } }));
    let r;
    try {
      r = await get(`/api/v1/servers/${s.id}/test`);
    } catch (err) {
      r = { reachable: false, error: describe(err) };
    }
    setHealth((h) => ({ ...h, [s.id]: r }));
  }

  async function toggle(s) {
    try {
      await patch(`/api/v1/servers/${s.id}`, { enabled: !s.enabled });
      await load(false);
      if (!s.enabled) test(s);
    } catch (err) {
      setError(describe(err));
    }
  }

  function remove(s) {
    setAsk({
      title: `Delete the server “${s.name}”?`,
      text: 'Chats stop using it at once; its models stay on the machine. Jobs on it fail.',
      action: 'Delete server',
      run: () => del(`/api/v1/servers/${s.id}`),
    });
  }

  return (
    <section aria-labelledby="servers-title">
      <div class="page-head">
        <h2 id="servers-title">Servers</h2>
        <button type="button" class="btn primary" onClick={() => setEditing({})}>
          Add server
        </button>
      </div>
      <Alert>{error}</Alert>
      {servers && servers.length === 0 && <p class="muted">No model server yet: add one to chat with its models.</p>}
      {servers && servers.length > 0 && (
        <div class="table-wrap">
          <table class="admin-table servers">
            <caption class="visually-hidden">Model servers, asked in order of priority</caption>
            <thead>
              <tr>
                <th scope="col">Server</th>
                <th scope="col">Health</th>
                <th scope="col">Priority</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {servers.map((s) => (
                <tr key={s.id} class={s.enabled ? '' : 'disabled'}>
                  <th scope="row">
                    <span class="server-name">{s.name}</span>
                    <span class="small muted block">
                      {s.kind} · {s.base_url}
                      {s.has_api_key ? ' · key set' : ''}
                    </span>
                  </th>
                  <td>
                    <Health enabled={s.enabled} h={health[s.id]} />
                  </td>
                  <td>{s.priority}</td>
                  <td>
                    <div class="row-actions">
                      <button type="button" class="btn small" onClick={() => test(s)} aria-label={`Test ${s.name}`}>
                        Test
                      </button>
                      <button type="button" class="btn small" onClick={() => setOpen(open && open.id === s.id ? null : s)} aria-expanded={open && open.id === s.id ? 'true' : 'false'} aria-label={`Models of ${s.name}`}>
                        Models
                      </button>
                      <button type="button" class="btn small" onClick={() => setEditing(s)} aria-label={`Edit ${s.name}`}>
                        Edit
                      </button>
                      <button type="button" class="btn small" onClick={() => toggle(s)} aria-label={`${s.enabled ? 'Disable' : 'Enable'} ${s.name}`}>
                        {s.enabled ? 'Disable' : 'Enable'}
                      </button>
                      <button type="button" class="btn small danger" onClick={() => remove(s)} aria-label={`Delete ${s.name}`}>
                        Delete
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {open && <ServerModels key={open.id} server={open} onClose={() => setOpen(null)} />}
      <ServerForm
        server={editing}
        onClose={(saved) => {
          setEditing(null);
          if (saved) {
            load(false);
            test(saved);
          }
        }}
      />
      <Confirm
        ask={ask}
        onClose={(done) => {
          setAsk(null);
          if (done) {
            setOpen(null);
            load(false);
          }
        }}
      />
    </section>
  );
}

// A dot and a word, then what the test found: said in words (the colour
// is only a help).
function Health({ enabled, h }) {
  if (!enabled) return <span class="health off">Disabled</span>;
  if (!h) return <span class="health muted">Not tested</span>;
  if (h.testing)
    return (
      <span class="health muted" role="status">
        Testing…
      </span>
    );
  if (!h.reachable)
    return (
      <span class="health bad" role="status">
        Unreachable<span class="small block">{h.error}</span>
      </span>
    );
  return (
    <span class="health ok" role="status">
      Up · {Math.round(h.latency_ms)} ms{h.version ? ` · v${h.version}` : ''}
    </span>
  );
}
