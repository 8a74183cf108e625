// The branch bar: the current branch with ahead/behind its upstream, a
// switcher (never forced: CHECKOUT_CONFLICT said in place) and a new branch
// from HEAD, switched to at once when asked.
import { useEffect, useState } from 'preact/hooks';
import { get, post, describe } from '../api.js';
import { Alert } from '../components/Alert.jsx';

export function Branches({ pid, status, writer, onSwitched }) {
  const [items, setItems] = useState([]);
  const [pick, setPick] = useState('');
  const [name, setName] = useState('');
  const [andSwitch, setAndSwitch] = useState(true);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    get(`projects/${pid}/git/branches`)
      .then((l) => setItems(l.items || []))
      .catch((err) => setError(describe(err)));
  }, [pid, status.branch, status.head]);
  useEffect(() => setPick(status.branch || ''), [status.branch]);

  async function act(fn) {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err.code === 'CHECKOUT_CONFLICT' ? `${describe(err)} Commit or undo the local changes in the way first.` : describe(err));
    } finally {
      setBusy(false);
    }
  }
  const checkout = (branch) => act(async () => onSwitched(await post(`projects/${pid}/git/checkout`, { branch })));
  const create = (e) => {
    e.preventDefault();
    act(async () => {
      const l = await post(`projects/${pid}/git/branches`, { name: name.trim() });
      setItems(l.items || []);
      const made = name.trim();
      setName('');
      if (andSwitch) onSwitched(await post(`projects/${pid}/git/checkout`, { branch: made }));
    });
  };

  return (
    <section class="card branch-bar" aria-label="Current branch">
      <p class="branch-now">
        <span class="muted small">On branch</span> <strong data-testid="branch">{status.detached ? `detached at ${(status.head || '').slice(0, 8)}` : status.branch || '(no commits yet)'}</strong>
        {status.upstream && (
          <span class="small muted">
            {' '}
            · {status.upstream}: {status.ahead} ahead, {status.behind} behind
          </span>
        )}
      </p>
      {writer && (
        <div class="branch-forms">
          <form
            class="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              checkout(pick);
            }}
          >
            <label for="branch-pick" class="small">
              Branch
            </label>
            <select id="branch-pick" value={pick} onChange={(e) => setPick(e.currentTarget.value)}>
              {items.map((b) => (
                <option key={b.name} value={b.name}>
                  {b.name}
                  {b.current ? ' (current)' : ''}
                </option>
              ))}
            </select>
            <button type="submit" class="btn small" disabled={busy || !pick || pick === status.branch}>
              Switch
            </button>
          </form>
          <form class="inline-form" onSubmit={create}>
            <label for="branch-new" class="small">
              New branch
            </label>
            <input id="branch-new" type="text" value={name} placeholder="feature/name" onInput={(e) => setName(e.currentTarget.value)} autocomplete="off" />
            <label class="check small">
              <input type="checkbox" checked={andSwitch} onChange={(e) => setAndSwitch(e.currentTarget.checked)} /> switch to it
            </label>
            <button type="submit" class="btn small" disabled={busy || !name.trim()}>
              Create
            </button>
          </form>
        </div>
      )}
      <Alert>{error}</Alert>
    </section>
  );
}
