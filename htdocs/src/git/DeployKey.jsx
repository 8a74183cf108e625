// The project's deploy key: its public half (to add to the forge as a
// deploy key, with write access to push) with a copy button, and its
// fingerprint; made on the server when there is none (the private half
// never leaves it). Making one replaces the earlier key.
import { useEffect, useState } from 'preact/hooks';
import { get, post, describe } from '../api.js';
import { fullTime } from '../format.js';
import { Alert } from '../components/Alert.jsx';
import { Copy } from './Copy.jsx';

export function DeployKey({ pid, writer }) {
  const [key, setKey] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    get(`projects/${pid}/git/deploy-key`).then(setKey, (err) => setError(describe(err)));
  }, [pid]);
  async function make() {
    if (key && key.public_key && !confirm('Replace the deploy key? The forge must be given the new one.')) return;
    setBusy(true);
    setError(null);
    try {
      setKey(await post(`projects/${pid}/git/deploy-key`));
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section class="card" aria-labelledby="deploykey-title">
      <h3 id="deploykey-title">Deploy key</h3>
      {key && key.public_key ? (
        <>
          <p class="small muted">Add this public key to the repository on GitHub, GitLab or Gitea as a deploy key (with write access to push).</p>
          <pre class="pubkey">{key.public_key}</pre>
          <p class="small">
            <code>{key.fingerprint}</code> · made {fullTime(key.created_at)}
          </p>
          <Copy text={key.public_key} label="Copy the public key" />
        </>
      ) : (
        key && <p class="muted small">No deploy key yet: an ssh remote needs one.</p>
      )}
      {writer && key && (
        <p>
          <button type="button" class="btn small" disabled={busy} onClick={make}>
            {key.public_key ? 'Replace the deploy key' : 'Make a deploy key'}
          </button>
        </p>
      )}
      <Alert>{error}</Alert>
    </section>
  );
}
