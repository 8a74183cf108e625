// One server's models (GET /servers/{id}/models): size, family, parameters,
// quantization and capabilities; delete one (confirmed); pull one
// (admin/PullModel.jsx), the list read again when it is done.
import { useEffect, useState } from 'preact/hooks';
import { get, del, describe } from '../api.js';
import { Alert } from '../components/Alert.jsx';
import { Confirm, useFocusHere } from './Confirm.jsx';
import { PullModel } from './PullModel.jsx';
import { bytes } from '../format.js';

export function ServerModels({ server, onClose }) {
  const [models, setModels] = useState(null);
  const [error, setError] = useState(null);
  const [ask, setAsk] = useState(null);
  const title = useFocusHere();

  async function load() {
    try {
      const r = await get(`/api/v1/servers/${server.id}/models`);
      setModels(r.items || []);
      setError(null);
    } catch (err) {
      setModels([]);
      setError(describe(err));
    }
  }
  useEffect(() => {
    load();
  }, [server.id]);

  function remove(m) {
    setAsk({
      title: `Delete ${m.name} from ${server.name}?`,
      text: `Its files (${bytes(m.size)}) are removed from the server. Pull it again to get it back.`,
      action: 'Delete model',
      run: () => del(`/api/v1/servers/${server.id}/models/${encodeURIComponent(m.name)}`),
    });
  }

  return (
    <section class="card server-models" aria-labelledby="models-title">
      <div class="page-head">
        <h2 id="models-title" tabIndex={-1} ref={title}>Models on {server.name}</h2>
        <button type="button" class="btn ghost small" onClick={onClose}>
          Close
        </button>
      </div>
      {server.kind === 'ollama' ? <PullModel server={server} onPulled={load} /> : <p class="small muted">Models are managed on Ollama servers only.</p>}
      <Alert>{error}</Alert>
      {models && models.length === 0 && !error && <p class="muted">No model on this server yet.</p>}
      {models && models.length > 0 && (
        <div class="table-wrap">
          <table class="admin-table models">
            <caption class="visually-hidden">Models on {server.name}</caption>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Size</th>
                <th scope="col">Family</th>
                <th scope="col">Parameters</th>
                <th scope="col">Quantization</th>
                <th scope="col">Capabilities</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {models.map((m) => (
                <tr key={m.name}>
                  <th scope="row">{m.name}</th>
                  <td>{bytes(m.size)}</td>
                  <td>{m.family || '–'}</td>
                  <td>{m.parameter_size || '–'}</td>
                  <td>{m.quantization || '–'}</td>
                  <td>
                    {(m.capabilities || []).map((c) => (
                      <span key={c} class="tag">
                        {c}
                      </span>
                    ))}
                  </td>
                  <td>
                    {server.kind === 'ollama' && (
                      <button type="button" class="btn small danger" onClick={() => remove(m)} aria-label={`Delete ${m.name}`}>
                        Delete
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Confirm
        ask={ask}
        onClose={(done) => {
          setAsk(null);
          if (done) load();
        }}
      />
    </section>
  );
}
