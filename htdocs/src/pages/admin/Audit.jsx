// The audit log (GET /audit, newest first) with the filters the API has:
// action (exact), actor (a user id), outcome, since (the last day, 7, 30
// or 90 days); 50 a page. The filters are kept in the URL (?action=...), so a
// filtered view can be reloaded or shared.
import { useEffect, useState } from 'preact/hooks';
import { get, getAll, describe } from '../../api.js';
import { fullTime } from '../../format.js';
import { Alert } from '../../components/Alert.jsx';
import { Field } from '../../components/Field.jsx';

const LIMIT = 50;
// every action the server records (mp_audit calls)
const ACTIONS = [
  'analysis.start', 'auth.apache', 'auth.login', 'auth.logout', 'auth.logout_all', 'auth.password', 'auth.setup',
  'git.deploy_key', 'git.deploy_key.delete', 'git.host_key.confirm', 'git.host_key.delete', 'git.remote', 'job.cancel',
  'key.create', 'key.revoke', 'member.remove', 'member.set', 'model.delete', 'model.pull', 'project.badge',
  'project.schedule', 'server.create', 'server.delete', 'server.update', 'user.create', 'user.delete', 'user.update',
  'webhook.secret',
];
const KEYS = ['action', 'actor_id', 'outcome', 'days'];
const DAY = 86400e3;

function fromUrl() {
  const q = new URLSearchParams(location.search);
  const f = {};
  for (const k of KEYS) f[k] = q.get(k) || '';
  f.offset = Number(q.get('offset')) || 0;
  return f;
}

export function Audit() {
  const [f, setF] = useState(fromUrl);
  const [page, setPage] = useState(null);
  const [users, setUsers] = useState([]);
  const [error, setError] = useState(null);

  useEffect(() => {
    getAll('/api/v1/users?limit=200', 5000).then(setUsers, () => {});
  }, []);
  useEffect(() => {
    const q = new URLSearchParams();
    for (const k of KEYS) if (f[k] && k !== 'days') q.set(k, f[k]);
    if (f.days) q.set('since', new Date(Date.now() - Number(f.days) * DAY).toISOString().replace(/\.\d+Z$/, 'Z'));
    q.set('limit', LIMIT);
    q.set('offset', f.offset);
    // a reply to filters since changed arrives too late to be shown
    let live = true;
    get(`/api/v1/audit?${q}`).then(
      (r) => live && (setPage(r), setError(null)),
      (err) => live && (setError(describe(err)), setPage(null)),
    );
    // the view's filters in the address, without the API's forms
    const u = new URLSearchParams();
    for (const k of KEYS) if (f[k]) u.set(k, f[k]);
    if (f.offset) u.set('offset', f.offset);
    const to = `/admin/audit${u.toString() ? `?${u}` : ''}`;
    if (to !== location.pathname + location.search) history.replaceState(null, '', to);
    return () => (live = false);
  }, [f]);

  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value, offset: 0 });
  const total = page ? page.total : 0;

  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <form class="filters" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        <Field id="au-action" label="Action">
          <select value={f.action} onChange={set('action')}>
            <option value="">Any</option>
            {ACTIONS.map((a) => (
              <option value={a}>{a}</option>
            ))}
          </select>
        </Field>
        <Field id="au-actor" label="By">
          <select value={f.actor_id} onChange={set('actor_id')}>
            <option value="">Anyone</option>
            {users.map((u) => (
              <option value={String(u.id)}>{u.username}</option>
            ))}
          </select>
        </Field>
        <Field id="au-outcome" label="Outcome">
          <select value={f.outcome} onChange={set('outcome')}>
            <option value="">Any</option>
            <option value="success">Success</option>
            <option value="failure">Failure</option>
          </select>
        </Field>
        <Field id="au-days" label="When">
          <select value={f.days} onChange={set('days')}>
            <option value="">Any time</option>
            <option value="1">The last day</option>
            <option value="7">The last 7 days</option>
            <option value="30">The last 30 days</option>
            <option value="90">The last 90 days</option>
          </select>
        </Field>
        <button type="button" class="btn ghost" onClick={() => setF({ action: '', actor_id: '', outcome: '', days: '', offset: 0 })}>
          Clear filters
        </button>
      </form>
      <Alert>{error}</Alert>
      {page && (
        <>
          <p class="small muted" role="status">
            {total === 0 ? 'No entry matches.' : `${total} entr${total === 1 ? 'y' : 'ies'}; ${f.offset + 1}–${Math.min(total, f.offset + LIMIT)} shown.`}
          </p>
          {total > 0 && (
            <div class="table-wrap">
              <table class="admin-table audit">
                <caption class="visually-hidden">Audit entries, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Who</th>
                    <th scope="col">Action</th>
                    <th scope="col">On</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">From</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((e) => (
                    <tr key={e.id}>
                      <td>{fullTime(e.at)}</td>
                      <td>{e.actor || '–'}</td>
                      <th scope="row" class="mono">
                        {e.action}
                        {e.details && <span class="small muted block">{e.details}</span>}
                      </th>
                      <td>{e.target_type ? `${e.target_type} ${e.target_id || ''}` : '–'}</td>
                      <td>{e.outcome}</td>
                      <td class="mono">{e.client_ip || '–'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {total > LIMIT && (
            <div class="pager">
              <button type="button" class="btn small" disabled={f.offset === 0} onClick={() => setF({ ...f, offset: Math.max(0, f.offset - LIMIT) })}>
                Newer
              </button>
              <button type="button" class="btn small" disabled={f.offset + LIMIT >= total} onClick={() => setF({ ...f, offset: f.offset + LIMIT })}>
                Older
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
