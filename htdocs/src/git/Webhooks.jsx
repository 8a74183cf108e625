// Webhooks from GitHub, GitLab and Gitea: the payload URLs, the secret
// (made here, shown this once with a copy button, never readable again),
// and the recent deliveries with their outcome.
import { useEffect, useState } from 'preact/hooks';
import { get, post, describe } from '../api.js';
import { ago, fullTime } from '../format.js';
import { Alert } from '../components/Alert.jsx';
import { Copy } from './Copy.jsx';

const OUTCOME = {
  pull_queued: 'pull queued',
  analysis_queued: 'analysis queued',
  analysis_busy: 'analysis already running',
  ignored_branch: 'another branch: ignored',
  duplicate: 'redelivery: ignored',
  ping: 'ping',
  unsupported_event: 'event not handled',
  invalid_payload: 'invalid payload',
};
const BAD = new Set(['invalid_payload', 'unsupported_event']);

export function Webhooks({ pid, writer }) {
  const [hook, setHook] = useState(null);
  const [secret, setSecret] = useState(null);
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  const load = () => {
    get(`projects/${pid}/webhooks`).then(setHook, (err) => setError(describe(err)));
    get(`projects/${pid}/webhooks/deliveries?limit=20`).then((l) => setItems(l.items || []), (err) => setError(describe(err)));
  };
  useEffect(load, [pid]);

  async function make() {
    if (hook && hook.secret_set && !confirm('Replace the secret? Every forge sending to this project must be given the new one.')) return;
    setError(null);
    try {
      const s = await post(`projects/${pid}/webhooks/secret`);
      setSecret(s.secret);
      load();
    } catch (err) {
      setError(describe(err));
    }
  }

  const urls = (hook && hook.payload_urls) || {};
  return (
    <div class="hooks-view">
      <section class="card" aria-labelledby="hook-title">
        <h3 id="hook-title">Webhook</h3>
        <p class="small muted">
          A push to the tracked branch{hook && hook.branch ? ` (${hook.branch})` : ''} pulls (when the project has a remote), then analyses. Give the forge the payload URL of its kind and the secret, content type JSON.
        </p>
        <dl class="facts small payload-urls">
          {['github', 'gitlab', 'gitea'].map((k) =>
            urls[k] ? (
              <div key={k}>
                <dt>{k === 'github' ? 'GitHub' : k === 'gitlab' ? 'GitLab' : 'Gitea'}</dt>
                <dd>
                  <code>{/^https?:/.test(urls[k]) ? urls[k] : location.origin + urls[k]}</code>
                </dd>
              </div>
            ) : null,
          )}
        </dl>
        <p class="small">{hook ? (hook.secret_set ? `A secret is set (made ${fullTime(hook.secret_created_at)}).` : 'No secret yet: deliveries are refused until one is made.') : ''}</p>
        {secret && (
          <div class="alert success once" role="status">
            <p>
              <strong>The new secret, shown this once:</strong>
            </p>
            <pre class="pubkey">{secret}</pre>
            <Copy text={secret} label="Copy the secret" />
          </div>
        )}
        {writer && (
          <button type="button" class="btn small" onClick={make}>
            {hook && hook.secret_set ? 'Replace the secret' : 'Make a secret'}
          </button>
        )}
        <Alert>{error}</Alert>
      </section>
      <section class="card" aria-labelledby="deliveries-title">
        <h3 id="deliveries-title">Recent deliveries</h3>
        {items && items.length === 0 && <p class="muted small">None yet.</p>}
        {items && items.length > 0 && (
          <div class="table-scroll" tabIndex={0} role="group" aria-label="Deliveries table">
            <table class="history small deliveries">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">From</th>
                  <th scope="col">Event</th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {items.map((d) => (
                  <tr key={d.delivery_id + d.received_at}>
                    <td>
                      <time dateTime={d.received_at} title={fullTime(d.received_at)}>
                        {ago(d.received_at)}
                      </time>
                    </td>
                    <td>{d.provider}</td>
                    <td>{d.event}</td>
                    <td>
                      <span class={`verdict ${BAD.has(d.outcome) ? 'v-missing' : 'v-done'}`}>{OUTCOME[d.outcome] || d.outcome}</span>
                      {d.detail && <div class="muted">{d.detail}</div>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
