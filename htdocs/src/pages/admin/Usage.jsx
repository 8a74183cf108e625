// Usage per user, model and day: GET /usage?since=&user_id= (all, or one
// account), drawn as stacked bars per
// day (components/StackedBars.jsx), stacked by model or by user, of tokens
// or requests, and the same rows in a table.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { get, getAll, describe } from '../../api.js';
import { Alert } from '../../components/Alert.jsx';
import { Field } from '../../components/Field.jsx';
import { StackedBars, MAX_SERIES } from '../../components/StackedBars.jsx';
import { count } from '../../format.js';

const DAY = 86400e3;
const isoDay = (t) => new Date(t).toISOString().slice(0, 10);
const METRICS = {
  tokens: ['Tokens (in and out)', (r) => (r.tokens_in || 0) + (r.tokens_out || 0)],
  requests: ['Requests', (r) => r.requests || 0],
};

export function Usage() {
  const [users, setUsers] = useState(null);
  const [who, setWho] = useState('');
  const [days, setDays] = useState('30');
  const [by, setBy] = useState('model');
  const [metric, setMetric] = useState('tokens');
  const [rows, setRows] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    getAll('/api/v1/users?limit=200', 5000).then(setUsers, (err) => (setError(describe(err)), setUsers([])));
  }, []);
  const since = isoDay(Date.now() - (Number(days) - 1) * DAY);
  useEffect(() => {
    if (!users) return;
    const names = new Map(users.map((u) => [u.id, u.username]));
    let live = true; // what was asked before a change is not shown
    get(`/api/v1/usage?since=${since}&user_id=${who || 'all'}`)
      .then((r) => (r.items || []).map((x) => ({ ...x, user: names.get(x.user_id) || `#${x.user_id}` })))
      .then((all) => live && (setRows(all), setError(null)))
      .catch((err) => live && setError(describe(err)));
    return () => (live = false);
  }, [users, who, since]);

  const view = useMemo(() => chart(rows || [], since, by, METRICS[metric][1]), [rows, since, by, metric]);
  const sorted = (rows || []).slice().sort((a, b) => b.day.localeCompare(a.day) || a.user.localeCompare(b.user) || a.model.localeCompare(b.model));

  return (
    <section aria-labelledby="usage-title">
      <h2 id="usage-title">Usage</h2>
      <form class="filters" aria-label="What to show" onSubmit={(e) => e.preventDefault()}>
        <Field id="us-user" label="User">
          <select value={who} onChange={(e) => setWho(e.currentTarget.value)}>
            <option value="">Everyone</option>
            {(users || []).map((u) => (
              <option value={String(u.id)}>{u.username}</option>
            ))}
          </select>
        </Field>
        <Field id="us-days" label="Period">
          <select value={days} onChange={(e) => setDays(e.currentTarget.value)}>
            <option value="7">The last 7 days</option>
            <option value="30">The last 30 days</option>
            <option value="90">The last 90 days</option>
          </select>
        </Field>
        <Field id="us-by" label="Stacked by">
          <select value={by} onChange={(e) => setBy(e.currentTarget.value)}>
            <option value="model">Model</option>
            <option value="user">User</option>
            <option value="source">Source</option>
          </select>
        </Field>
        <Field id="us-metric" label="Measure">
          <select value={metric} onChange={(e) => setMetric(e.currentTarget.value)}>
            <option value="tokens">Tokens</option>
            <option value="requests">Requests</option>
          </select>
        </Field>
      </form>
      <Alert>{error}</Alert>
      {rows && (
        <>
          <div class="card">
            <StackedBars xs={view.xs} series={view.series} value={view.value} label={`${METRICS[metric][0]} per day`} />
            <ul class="legend" aria-label="Colours">
              {view.series.map((s, k) => (
                <li key={s.key}>
                  <span class={`swatch s${k}`} aria-hidden="true" />
                  {s.label}
                </li>
              ))}
            </ul>
          </div>
          {sorted.length === 0 ? (
            <p class="muted">No use in this period.</p>
          ) : (
            <div class="table-wrap">
              <table class="admin-table usage">
                <caption class="visually-hidden">Usage per day, user and model</caption>
                <thead>
                  <tr>
                    <th scope="col">Day</th>
                    <th scope="col">User</th>
                    <th scope="col">Model</th>
                    <th scope="col">Source</th>
                    <th scope="col" class="num">Requests</th>
                    <th scope="col" class="num">Tokens in</th>
                    <th scope="col" class="num">Tokens out</th>
                    <th scope="col" class="num">Seconds</th>
                  </tr>
                </thead>
                <tbody>
                  {sorted.map((r) => (
                    <tr key={`${r.day}/${r.user}/${r.model}/${r.source}`}>
                      <td>{r.day}</td>
                      <td>{r.user}</td>
                      <th scope="row">{r.model}</th>
                      <td>{r.source}</td>
                      <td class="num">{count(r.requests)}</td>
                      <td class="num">{count(r.tokens_in)}</td>
                      <td class="num">{count(r.tokens_out)}</td>
                      <td class="num">{r.generation_seconds == null ? '–' : Number(r.generation_seconds).toFixed(1)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}

// Every day of the period on x; the series by size, the smallest beyond
// the palette gathered as "others".
function chart(rows, since, by, measure) {
  const xs = [];
  for (let t = Date.parse(`${since}T00:00:00Z`); isoDay(t) <= isoDay(Date.now()); t += DAY) xs.push(isoDay(t));
  const size = new Map();
  for (const r of rows) size.set(r[by], (size.get(r[by]) || 0) + measure(r));
  let keys = [...size.keys()].sort((a, b) => size.get(b) - size.get(a));
  const others = keys.length > MAX_SERIES ? new Set(keys.slice(MAX_SERIES - 1)) : new Set();
  if (others.size) keys = keys.slice(0, MAX_SERIES - 1).concat(['\u0000others']);
  const cell = new Map();
  for (const r of rows) {
    const k = `${r.day}|${others.has(r[by]) ? '\u0000others' : r[by]}`;
    cell.set(k, (cell.get(k) || 0) + measure(r));
  }
  return {
    xs,
    series: keys.map((k) => ({ key: k, label: k === '\u0000others' ? 'Others' : k })),
    value: (x, k) => cell.get(`${x}|${k}`) || 0,
  };
}
