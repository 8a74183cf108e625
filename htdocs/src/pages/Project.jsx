// A project's plan against its code: the latest analysis's figures and
// "Analyse now" (a live progress bar from the job's events, and cancel),
// then five tabs: the objectives as a tree with their detail (tasks,
// evidence, verdict over time), the recommendations in dependency order, the
// burn-up chart, the plan editor, and the files (ProjectFiles.jsx, a chunk
// of its own). Loaded with import() (app.jsx): the
// dashboard does not carry it.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { get, post, describe, ApiError, getAll } from '../api.js';
import { canWrite, refresh } from '../session.js';
import { ago, fullTime, percent } from '../format.js';
import { onLinkClick } from '../router.js';
import { Alert } from '../components/Alert.jsx';
import { Field } from '../components/Field.jsx';
import { Completion } from '../components/Charts.jsx';
import { Burnup } from '../components/Burnup.jsx';
import { PlanEditor } from './ProjectPlan.jsx';
import { lazyPart } from '../components/Lazy.jsx';
import { Tabs } from '../components/Tabs.jsx';
import './project.css';

const TABS = [
  ['objectives', 'Objectives'],
  ['recommendations', 'Recommendations'],
  ['burnup', 'Burn-up'],
  ['plan', 'Plan'],
  ['files', 'Files'],
  ['git', 'Git'],
];
// the files and their editor, and git: chunks of their own, loaded when
// their tab is first opened
const ProjectFiles = lazyPart(() => import('./ProjectFiles.jsx'));
const ProjectGit = lazyPart(() => import('./ProjectGit.jsx'));
const VERDICT = { done: 'done', partial: 'partial', missing: 'missing' };
const GAP_RANK = { missing: 0, partial: 1, done: 2 };
const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3, none: 4 };

const all = (href) => getAll(href, 2000);

export default function Project({ id, session }) {
  const [project, setProject] = useState(null);
  const [snapshots, setSnapshots] = useState(null); // oldest first
  const [error, setError] = useState(null);
  const [stamp, setStamp] = useState(0); // bumps when an analysis ends
  const [tab, setTab] = useState(() => {
    const t = new URLSearchParams(location.search).get('tab');
    return TABS.some(([k]) => k === t) ? t : 'objectives';
  });
  const [seen] = useState(() => new Set());
  seen.add(tab);
  const base = `/api/v1/projects/${encodeURIComponent(id)}`;

  useEffect(() => {
    let live = true;
    (async () => {
      try {
        const p = await get(base);
        const s = await all(`${base}/snapshots?limit=200`);
        if (!live) return;
        setProject(p);
        setSnapshots(s.slice().reverse());
        setError(null);
      } catch (err) {
        if (live) setError(err instanceof ApiError && err.status === 404 ? 'There is no such project, or you may not see it.' : describe(err));
      }
    })();
    return () => {
      live = false;
    };
  }, [base, stamp]);

  function choose(t) {
    setTab(t);
    const u = new URL(location.href);
    u.searchParams.set('tab', t);
    history.replaceState(null, '', u.pathname + u.search);
  }

  if (error && !project) {
    return (
      <>
        <h1 tabIndex={-1}>Project</h1>
        <Alert>{error}</Alert>
        <p>
          <a href="/" onClick={onLinkClick}>
            Back to the dashboard
          </a>
        </p>
      </>
    );
  }
  if (!project || !snapshots) {
    return (
      <>
        <h1 tabIndex={-1}>Project</h1>
        <p class="muted" role="status">
          Loading the project…
        </p>
      </>
    );
  }
  const last = snapshots.length ? snapshots[snapshots.length - 1] : null;
  // the role in this project (a developer account may be a viewer here)
  const writer = canWrite(project.my_role || session.role);

  return (
    <>
      <nav class="crumbs small" aria-label="Breadcrumb">
        <a href="/" onClick={onLinkClick}>
          Projects
        </a>{' '}
        <span aria-hidden="true">/</span> <span aria-current="page">{project.name}</span>
      </nav>
      <div class="page-head">
        <div>
          <h1 tabIndex={-1}>{project.name}</h1>
          <p class="muted">{project.description || project.local_path}</p>
        </div>
        {writer && project.status === 'active' && <Analyse base={base} projectId={project.id} onEnded={() => setStamp((s) => s + 1)} />}
      </div>

      <section class="card summary" aria-label="Latest analysis">
        {last ? (
          <>
            <Completion last={last}>
              <div>
                <dt>Objectives</dt>
                <dd>{last.objectives}</dd>
              </div>
            </Completion>
            <p class="small muted">
              {last.done} done, {last.partial} partial, {last.missing} missing · last analysis{' '}
              <time dateTime={last.time} title={fullTime(last.time)}>
                {ago(last.time)}
              </time>
            </p>
          </>
        ) : (
          <p class="muted">
            <strong>Not analysed yet.</strong> An analysis compares the plan with the code{writer ? ': “Analyse now”.' : '.'}
          </p>
        )}
      </section>

      <Tabs tabs={TABS} tab={tab} onChoose={choose} label="Project views" />
      {/* a tab once opened stays mounted (hidden): unsaved plan text, filters
          and the open objective survive a look at another tab */}
      {TABS.filter(([k]) => k === tab || seen.has(k)).map(([k]) => (
        <div key={k} role="tabpanel" id={`panel-${k}`} aria-labelledby={`tab-${k}`} class="tabpanel" hidden={k !== tab}>
          {k === 'objectives' && (last ? <Objectives base={base} stamp={stamp} /> : <NoAnalysis />)}
          {k === 'recommendations' && (last ? <Recommendations base={base} stamp={stamp} /> : <NoAnalysis />)}
          {k === 'burnup' &&
            (snapshots.length ? (
              <>
                <h2 class="visually-hidden">Burn-up</h2>
                <Burnup key={snapshots.length} points={snapshots} />
              </>
            ) : (
              <NoAnalysis />
            ))}
          {k === 'plan' && <PlanEditor base={base} writer={writer} />}
          {k === 'files' && <ProjectFiles base={base} writer={writer} />}
          {k === 'git' && <ProjectGit project={project} writer={writer} />}
        </div>
      ))}
    </>
  );
}

function NoAnalysis() {
  return <p class="muted">Nothing to show before the first analysis.</p>;
}

// ------------------------------------------------------------ Analyse now

const ACTIVE = new Set(['queued', 'running']);

function Analyse({ base, projectId, onEnded }) {
  const [run, setRun] = useState(null); // {job, percent, status, state, cancelling}
  const [result, setResult] = useState(null); // {kind, text}
  const es = useRef(null);

  const follow = useCallback(
    (jobId, again = false) => {
      if (es.current) es.current.close();
      if (!again) setRun({ job: jobId, percent: 0, status: 'queued', state: 'queued' });
      const src = new EventSource(`/api/v1/jobs/${jobId}/events`);
      es.current = src;
      src.addEventListener('progress', (e) => {
        const d = JSON.parse(e.data);
        setRun((r) => r && { ...r, percent: d.percent || 0, status: d.status || d.state, state: d.state, cancelling: d.cancel_requested });
      });
      src.addEventListener('done', (e) => {
        src.close();
        const job = JSON.parse(e.data);
        if (job.state === 'succeeded') {
          setRun((r) => r && { ...r, percent: 100, state: 'succeeded', status: 'done' });
          setResult({ kind: 'success', text: 'Analysis complete.' });
        } else {
          setRun(null);
          setResult(
            job.state === 'canceled'
              ? { kind: 'info', text: 'The analysis was canceled.' }
              : { kind: 'error', text: `The analysis failed: ${(job.error && job.error.message) || job.state}.` },
          );
        }
        onEnded();
      });
      src.addEventListener('error', (e) => {
        // an `error` event the server sent (the job is gone), or the
        // connection lost for good; a dropped connection is retried by
        // EventSource itself
        if (!e.data && src.readyState === EventSource.CLOSED && !again) {
          // refused (the access token may have ended): renew the session
          // and follow once more
          refresh().then((ok) => (ok ? follow(jobId, true) : (setRun(null), setResult({ kind: 'error', text: 'The progress of the analysis could not be followed.' }))));
          return;
        }
        if (e.data || src.readyState === EventSource.CLOSED) {
          src.close();
          let msg = 'The progress of the analysis could not be followed.';
          try {
            if (e.data) msg = JSON.parse(e.data).message || msg;
          } catch {
            /* not JSON */
          }
          setRun(null);
          setResult({ kind: 'error', text: msg });
        }
      });
    },
    [onEnded],
  );

  // an analysis already running (started elsewhere) is followed at once
  useEffect(() => {
    let live = true;
    get('/api/v1/jobs?limit=50')
      .then((l) => {
        const j = (l.items || []).find((x) => x.kind === 'analysis' && x.project_id === projectId && ACTIVE.has(x.state));
        if (live && j) follow(j.id);
      })
      .catch(() => {});
    return () => {
      live = false;
      if (es.current) es.current.close();
    };
  }, [projectId, follow]);

  async function start() {
    setResult(null);
    try {
      const a = await post(`${base}/analyze`);
      follow(a.job_id);
    } catch (err) {
      setResult({ kind: 'error', text: describe(err) });
    }
  }

  async function cancel() {
    setRun((r) => r && { ...r, cancelling: true });
    try {
      await post(`/api/v1/jobs/${run.job}/cancel`);
    } catch (err) {
      setResult({ kind: 'error', text: describe(err) });
    }
  }

  const active = run && ACTIVE.has(run.state);
  return (
    <div class="analyse">
      <div class="analyse-actions">
        <button class="btn primary" type="button" onClick={start} disabled={active}>
          {active ? 'Analysing…' : 'Analyse now'}
        </button>
        {active && (
          <button class="btn" type="button" onClick={cancel} disabled={run.cancelling}>
            {run.cancelling ? 'Canceling…' : 'Cancel'}
          </button>
        )}
      </div>
      {run && (
        <div class="analyse-progress">
          <progress
            max="100"
            value={run.state === 'queued' ? undefined : run.percent}
            aria-label="Analysis progress"
            aria-valuetext={run.state === 'queued' ? 'queued' : `${run.percent}%`}
          />
          <span class="small muted" role="status">
            {run.state === 'queued' ? 'Queued' : `${run.percent}%`}
            {run.status && run.status !== run.state ? ` · ${run.status}` : ''}
          </span>
        </div>
      )}
      {result && (
        <Alert kind={result.kind}>{result.text}</Alert>
      )}
    </div>
  );
}

// ------------------------------------------------------------ objectives

function matches(o, f) {
  if (f.level && o.level !== f.level) return false;
  if (f.verdict && o.classification !== f.verdict) return false;
  if (f.q) {
    const hay = `${o.id} ${o.title} ${o.description || ''}`.toLowerCase();
    if (!hay.includes(f.q)) return false;
  }
  return true;
}

// the tree with only what matches (and the parents of what matches)
function prune(nodes, f, gapsFirst) {
  const out = [];
  for (const o of nodes) {
    const kids = prune(o.children || [], f, gapsFirst);
    if (matches(o, f) || kids.length) out.push({ ...o, children: kids, hit: matches(o, f) });
  }
  if (gapsFirst) {
    out.sort(
      (a, b) =>
        (GAP_RANK[a.classification] ?? 3) - (GAP_RANK[b.classification] ?? 3) ||
        (SEVERITY_RANK[a.severity] ?? 5) - (SEVERITY_RANK[b.severity] ?? 5) ||
        (a.line || 0) - (b.line || 0),
    );
  }
  return out;
}

function count(nodes) {
  return nodes.reduce((n, o) => n + (o.hit ? 1 : 0) + count(o.children), 0);
}

function Objectives({ base, stamp }) {
  const [tree, setTree] = useState(null);
  const [error, setError] = useState(null);
  const [level, setLevel] = useState('');
  const [verdict, setVerdict] = useState('');
  const [query, setQuery] = useState('');
  const [gapsFirst, setGapsFirst] = useState(true);
  const [open, setOpen] = useState(null); // objective id

  useEffect(() => {
    all(`${base}/objectives?view=tree&limit=200`)
      .then((t) => {
        setTree(t);
        setError(null);
      })
      .catch((err) => setError(describe(err)));
  }, [base, stamp]);

  const shown = useMemo(
    () => (tree ? prune(tree, { level, verdict, q: query.trim().toLowerCase() }, gapsFirst) : null),
    [tree, level, verdict, query, gapsFirst],
  );

  return (
    <div class={`objectives${open ? ' with-detail' : ''}`}>
      <div class="objectives-list">
        <h2 class="visually-hidden">Objectives</h2>
        <div class="toolbar" role="search" aria-label="Filter objectives">
          <Field id="obj-search" label="Search objectives" grow hideLabel>
            <input type="search" placeholder="Id, title or description" value={query} onInput={(e) => setQuery(e.currentTarget.value)} aria-controls="objective-tree" />
          </Field>
          <Field id="obj-level" label="Level" inline>
            <select value={level} onChange={(e) => setLevel(e.currentTarget.value)} aria-controls="objective-tree">
              <option value="">All</option>
              <option value="primary">Primary</option>
              <option value="secondary">Secondary</option>
              <option value="tertiary">Tertiary</option>
            </select>
          </Field>
          <Field id="obj-verdict" label="Verdict" inline>
            <select value={verdict} onChange={(e) => setVerdict(e.currentTarget.value)} aria-controls="objective-tree">
              <option value="">All</option>
              <option value="missing">Missing</option>
              <option value="partial">Partial</option>
              <option value="done">Done</option>
            </select>
          </Field>
          <label class="check">
            <input type="checkbox" checked={gapsFirst} onChange={(e) => setGapsFirst(e.currentTarget.checked)} /> Gaps first
          </label>
        </div>
        <Alert>{error}</Alert>
        {shown === null && !error && (
          <p class="muted" role="status">
            Loading the objectives…
          </p>
        )}
        {shown && (
          <>
            <p class="count muted small" role="status" aria-live="polite">
              {count(shown)} objective{count(shown) === 1 ? '' : 's'}
              {level || verdict || query.trim() ? ' match' : ''}
            </p>
            {shown.length > 0 && (
              <ul class="otree" id="objective-tree" aria-label="Objectives">
                {shown.map((o) => (
                  <ObjectiveNode key={o.id} o={o} open={open} onOpen={setOpen} />
                ))}
              </ul>
            )}
          </>
        )}
      </div>
      {open && (
        <ObjectiveDetail
          key={open}
          base={base}
          oid={open}
          stamp={stamp}
          onOpen={setOpen}
          onClose={() => {
            // focus back on the objective's row
            const id = open;
            setOpen(null);
            setTimeout(() => document.querySelector(`.orow-open[data-oid="${CSS.escape(id)}"]`)?.focus(), 0);
          }}
        />
      )}
    </div>
  );
}

function Verdict({ v }) {
  return <span class={`verdict v-${VERDICT[v] || 'other'}`}>{v || 'unknown'}</span>;
}

function ObjectiveNode({ o, open, onOpen }) {
  return (
    <li>
      <div class={`orow${o.hit ? '' : ' context'}${open === o.id ? ' current' : ''}`}>
        <button
          type="button"
          class="orow-open"
          data-oid={o.id}
          aria-current={open === o.id ? 'true' : undefined}
          onClick={() => onOpen(o.id)}
          aria-label={`${o.id} ${o.title}: ${o.classification}, observed ${percent(100 * o.observed_completion)}, claimed ${percent(100 * o.claimed_completion)}`}
        >
          <span class="oid">{o.id}</span> <span class="otitle">{o.title}</span>
        </button>
        <span class="ometa small">
          <span class="badge">{o.level}</span>
          <Verdict v={o.classification} />
          <span class="figs" title="observed / claimed">
            {percent(100 * o.observed_completion)} / {percent(100 * o.claimed_completion)}
          </span>
          <span class="muted">confidence {percent(100 * o.confidence)}</span>
        </span>
      </div>
      {o.children.length > 0 && (
        <ul>
          {o.children.map((c) => (
            <ObjectiveNode key={c.id} o={c} open={open} onOpen={onOpen} />
          ))}
        </ul>
      )}
    </li>
  );
}

function ObjectiveDetail({ base, oid, stamp, onOpen, onClose }) {
  const [o, setO] = useState(null);
  const [error, setError] = useState(null);
  const head = useRef(null);

  useEffect(() => {
    get(`${base}/objectives/${encodeURIComponent(oid)}`)
      .then((x) => setO(x))
      .catch((err) => setError(describe(err)));
  }, [base, oid, stamp]);
  useEffect(() => {
    if (o && head.current) head.current.focus();
  }, [o && o.id]);

  return (
    <section class="card odetail" aria-labelledby="odetail-title" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div class="odetail-head">
        <h2 id="odetail-title" tabIndex={-1} ref={head}>
          {o ? (
            <>
              <span class="oid">{o.id}</span> {o.title}
            </>
          ) : (
            oid
          )}
        </h2>
        <button class="btn small ghost" type="button" onClick={onClose} aria-label="Close the objective">
          Close
        </button>
      </div>
      <Alert>{error}</Alert>
      {!o && !error && <p class="muted">Loading…</p>}
      {o && (
        <>
          {o.description && <p>{o.description}</p>}
          <dl class="facts small">
            <div>
              <dt>Verdict</dt>
              <dd>
                <Verdict v={o.classification} /> {o.severity && o.severity !== 'none' ? `(${o.severity})` : ''}
              </dd>
            </div>
            <div>
              <dt>Observed / claimed</dt>
              <dd>
                {percent(100 * o.observed_completion)} / {percent(100 * o.claimed_completion)}
              </dd>
            </div>
            <div>
              <dt>Confidence</dt>
              <dd>{percent(100 * o.confidence)}</dd>
            </div>
            <div>
              <dt>Tested</dt>
              <dd>{o.tested ? 'yes' : 'no'}</dd>
            </div>
            <div>
              <dt>Plan line</dt>
              <dd>{o.line}</dd>
            </div>
            <div>
              <dt>Depends on</dt>
              <dd>
                {o.dependencies && o.dependencies.length
                  ? o.dependencies.map((d, k) => (
                      <span key={d}>
                        {k > 0 && ', '}
                        <button type="button" class="linklike" onClick={() => onOpen(d)}>
                          {d}
                        </button>
                      </span>
                    ))
                  : 'nothing'}
              </dd>
            </div>
          </dl>

          <h3>Tasks</h3>
          {o.tasks && o.tasks.length ? (
            <ol class="tasks">
              {o.tasks.map((t, k) => (
                <li key={k} class="task">
                  <div class="task-head">
                    <span>{t.text}</span>
                    <span class="small muted">
                      {t.claimed ? 'claimed done' : 'not claimed'} · match {percent(100 * t.score)} · {t.tested ? 'tested' : 'not tested'}
                    </span>
                  </div>
                  {t.evidence && t.evidence.length ? (
                    <ul class="evidence" aria-label={`Evidence for “${t.text}”`}>
                      {t.evidence.map((ev, j) => (
                        <li key={j}>
                          <code>
                            {ev.path}:{ev.line}
                          </code>
                          {ev.symbol && <code class="sym">{ev.symbol}</code>}
                          {ev.words && ev.words.length > 0 && (
                            <span class="words">
                              <span class="visually-hidden">matched words: </span>
                              {ev.words.map((w) => (
                                <span class="word" key={w}>
                                  {w}
                                </span>
                              ))}
                            </span>
                          )}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <p class="small muted">No evidence in the code.</p>
                  )}
                </li>
              ))}
            </ol>
          ) : (
            <p class="muted small">No tasks.</p>
          )}

          <h3>Verdict over time</h3>
          {o.history && o.history.length ? (
            <table class="history small">
              <thead>
                <tr>
                  <th scope="col" class="col-n">Analysis</th>
                  <th scope="col">When</th>
                  <th scope="col">Verdict</th>
                  <th scope="col">Observed</th>
                  <th scope="col">Claimed</th>
                </tr>
              </thead>
              <tbody>
                {o.history
                  .slice()
                  .reverse()
                  .map((h) => (
                    <tr key={h.analysis_id}>
                      <td class="col-n">{h.analysis_id}</td>
                      <td>
                        <time dateTime={h.finished_at}>{fullTime(h.finished_at)}</time>
                      </td>
                      <td>
                        <Verdict v={h.classification} />
                      </td>
                      <td>{percent(100 * h.observed_completion)}</td>
                      <td>{percent(100 * h.claimed_completion)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          ) : (
            <p class="muted small">No history.</p>
          )}
        </>
      )}
    </section>
  );
}

// ------------------------------------------------------------ recommendations

function Recommendations({ base, stamp }) {
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    all(`${base}/recommendations?limit=200`)
      .then(setItems)
      .catch((err) => setError(describe(err)));
  }, [base, stamp]);
  return (
    <>
      <h2 class="visually-hidden">Recommendations</h2>
      <Alert>{error}</Alert>
      {items === null && !error && <p class="muted">Loading…</p>}
      {items && items.length === 0 && <p class="muted">No recommendations: every objective is done.</p>}
      {items && items.length > 0 && (
        <>
          <p class="muted small">In dependency order: what others depend on comes first.</p>
          <ol class="recs" aria-label="Recommendations">
            {items.map((r) => (
              <li key={r.rank} class="card rec">
                <div class="rec-head">
                  <span class="rank" aria-hidden="true">
                    {r.rank}
                  </span>
                  <h3>{r.title}</h3>
                  <span class="badge">{r.type}</span>
                </div>
                <dl class="facts small">
                  <div>
                    <dt>Priority</dt>
                    <dd>{r.priority}</dd>
                  </div>
                  <div>
                    <dt>Effort</dt>
                    <dd>{r.effort}</dd>
                  </div>
                  <div>
                    <dt>Impact</dt>
                    <dd>{r.impact}</dd>
                  </div>
                  {r.related_objectives && r.related_objectives.length > 0 && (
                    <div>
                      <dt>Objectives</dt>
                      <dd>{r.related_objectives.join(', ')}</dd>
                    </div>
                  )}
                  {r.dependencies && r.dependencies.length > 0 && (
                    <div>
                      <dt>After</dt>
                      <dd>{r.dependencies.join(', ')}</dd>
                    </div>
                  )}
                </dl>
                {r.description && <p>{r.description}</p>}
                <p class="rationale">{r.rationale}</p>
              </li>
            ))}
          </ol>
        </>
      )}
    </>
  );
}
