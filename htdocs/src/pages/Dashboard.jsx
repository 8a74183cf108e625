// The dashboard: every project the user may see, each with what its code
// shows done against what its plan claims (the latest analysis, from the
// project's snapshots), the age of that analysis, a burn-up sparkline, and the
// jobs running; create a project, archive one, filter and search.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { get, post, del, patch, describe, fieldError, getAll } from '../api.js';
import { canWrite } from '../session.js';
import { ago, fullTime } from '../format.js';
import { Alert } from '../components/Alert.jsx';
import { Field } from '../components/Field.jsx';
import { Dialog } from '../components/Dialog.jsx';
import { Sparkline, Completion } from '../components/Charts.jsx';
import { onLinkClick } from '../router.js';
import { isSearchKey } from '../shortcuts.js';

const ACTIVE_JOB = new Set(['queued', 'running']);
const SPARK = 30; // analyses in a card's sparkline
// The cards' figures, by their URL and the dashboard's stamp; emptied when
// the dashboard opens, so a visit always shows the latest.
const FIGURES = new Map();

const all = (href) => getAll(href, 1000);

export function Dashboard({ session }) {
  const [status, setStatus] = useState('active');
  const [query, setQuery] = useState('');
  const [projects, setProjects] = useState(null);
  const [jobs, setJobs] = useState([]);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const [creating, setCreating] = useState(false);
  const [archiving, setArchiving] = useState(null);
  const [stamp, setStamp] = useState(0); // bumps to reload the cards' figures
  const writer = canWrite(session.role);
  useState(() => FIGURES.clear()); // once, as the dashboard opens

  const load = useCallback(async () => {
    try {
      const q = status === 'all' ? '' : `&status=${status}`;
      setProjects(await all(`/api/v1/projects?limit=200${q}`));
      setError(null);
    } catch (err) {
      setError(describe(err));
      setProjects((p) => p || []);
    }
  }, [status]);

  const loadJobs = useCallback(async () => {
    try {
      const list = await get('/api/v1/jobs?limit=50');
      setJobs((list.items || []).filter((j) => ACTIVE_JOB.has(j.state)));
    } catch {
      /* the projects' own error says enough */
    }
  }, []);

  useEffect(() => {
    load();
  }, [load]);
  // keyboard: Ctrl+K or / the search
  const searchBox = useRef(null);
  useEffect(() => {
    function onKey(e) {
      if (!isSearchKey(e) || document.querySelector('dialog[open]') || !searchBox.current) return;
      e.preventDefault();
      searchBox.current.focus();
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => {
    loadJobs();
  }, [loadJobs]);

  // While jobs run, follow them every few seconds (and look for new ones
  // now and then); when one ends, the figures change. A hidden tab waits.
  const running = jobs.length > 0;
  const wasRunning = useRef(false);
  useEffect(() => {
    if (wasRunning.current && !running) setStamp((s) => s + 1);
    wasRunning.current = running;
    const t = setInterval(() => document.visibilityState === 'visible' && loadJobs(), running ? 3000 : 30000);
    return () => clearInterval(t);
  }, [running, loadJobs]);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (!projects) return null;
    return q
      ? projects.filter((p) => `${p.name} ${p.description || ''} ${p.repository_url || ''}`.toLowerCase().includes(q))
      : projects;
  }, [projects, query]);

  const names = useMemo(() => new Map((projects || []).map((p) => [p.id, p.name])), [projects]);

  async function archive(p) {
    try {
      await del(p._links.self.href);
      setNotice(`“${p.name}” is archived.`);
      setArchiving(null);
      load();
    } catch (err) {
      setArchiving({ ...p, error: describe(err) });
    }
  }

  async function restore(p) {
    try {
      await patch(p._links.self.href, { status: 'active' });
      setNotice(`“${p.name}” is active again.`);
      setError(null);
      load();
    } catch (err) {
      setError(describe(err));
    }
  }

  return (
    <>
      <div class="page-head">
        <div>
          <h1 tabIndex={-1}>Projects</h1>
          <p class="muted">What each plan claims, against what its code shows.</p>
        </div>
        {writer && (
          <button class="btn primary" type="button" onClick={() => setCreating(true)}>
            <span aria-hidden="true">+</span> New project
          </button>
        )}
      </div>

      <div class="toolbar" role="search">
        <Field id="project-search" label="Search projects" grow hideLabel>
          <input
            type="search"
            ref={searchBox}
            aria-keyshortcuts="Control+K /"
            placeholder="Name or description"
            value={query}
            onInput={(e) => setQuery(e.currentTarget.value)}
            aria-controls="project-list"
          />
        </Field>
        <Field id="project-status" label="Show" inline>
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)} aria-controls="project-list">
            <option value="active">Active</option>
            <option value="archived">Archived</option>
            <option value="all">All</option>
          </select>
        </Field>
      </div>

      <Alert>{error}</Alert>
      <Alert kind="success">{notice}</Alert>

      {jobs.length > 0 && <Jobs jobs={jobs} names={names} />}

      <ProjectList
        shown={shown}
        total={projects ? projects.length : 0}
        query={query}
        status={status}
        jobs={jobs}
        stamp={stamp}
        writer={writer}
        onArchive={(p) => setArchiving(p)}
        onRestore={restore}
        onCreate={() => setCreating(true)}
      />

      <CreateProject
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(p) => {
          setCreating(false);
          setNotice(`“${p.name}” is created.`);
          if (status === 'archived') setStatus('active');
          else load();
        }}
      />

      <Dialog open={!!archiving} title={archiving ? `Archive “${archiving.name}”?` : ''} onClose={() => setArchiving(null)} labelledBy="archive-title">
        {archiving && (
          <form
            method="dialog"
            onSubmit={(e) => {
              e.preventDefault();
              archive(archiving);
            }}
          >
            <p>It leaves the active list and stays readable, with its analyses and history, under “Archived”.</p>
            <Alert>{archiving.error}</Alert>
            <div class="dialog-actions">
              <button class="btn" type="button" onClick={() => setArchiving(null)}>
                Cancel
              </button>
              <button class="btn danger" type="submit">
                Archive
              </button>
            </div>
          </form>
        )}
      </Dialog>
    </>
  );
}

function ProjectList({ shown, total, query, status, jobs, stamp, writer, onArchive, onRestore, onCreate }) {
  if (shown === null) {
    // the id the search and the filter control (aria-controls), while loading too
    return (
      <p class="muted" role="status" id="project-list">
        Loading projects…
      </p>
    );
  }
  if (total === 0) {
    return (
      <section class="empty" id="project-list">
        <h2>{status === 'archived' ? 'No archived projects' : 'No projects yet'}</h2>
        {status !== 'archived' && (
          <p class="muted">
            A project is a checkout on this server with a MASTER_PLAN.md.{' '}
            {writer ? 'Create one to see its plan against its code.' : 'Ask a developer to create one.'}
          </p>
        )}
        {writer && status !== 'archived' && (
          <button class="btn primary" type="button" onClick={onCreate}>
            New project
          </button>
        )}
      </section>
    );
  }
  return (
    <>
      <p class="count muted" role="status" aria-live="polite">
        {query ? `${shown.length} of ${total} projects match “${query.trim()}”` : `${total} project${total === 1 ? '' : 's'}`}
      </p>
      <ul class="grid" id="project-list" aria-label="Projects">
        {shown.map((p) => (
          <ProjectCard
            key={p.id}
            project={p}
            stamp={stamp}
            job={jobs.find((j) => j.project_id === p.id)}
            writer={writer}
            onArchive={onArchive}
            onRestore={onRestore}
          />
        ))}
      </ul>
    </>
  );
}

function ProjectCard({ project: p, job, stamp, writer, onArchive, onRestore }) {
  // The project's snapshots (one per complete analysis, newest first): the
  // latest gives the figures, the last SPARK of them the sparkline. (The
  // trends route gives one point per day, week or month: for the chart of
  // the project's page, over longer times.)
  // Kept per page view (FIGURES): a card hidden by the search and shown
  // again does not ask again; a finished job (stamp) asks anew.
  // Asked for when the card comes near the screen: a dashboard of fifty
  // projects starts with the few a person sees, not fifty requests.
  const href = p._links && p._links.snapshots && p._links.snapshots.href;
  const key = `${href}?limit=${SPARK}#${stamp}`;
  const [trend, setTrend] = useState(FIGURES.get(key)); // undefined: loading, null: failed
  const cardRef = useRef(null);
  const seen = useSeen(cardRef);

  useEffect(() => {
    if (!href || !seen) return undefined;
    if (FIGURES.has(key)) {
      setTrend(FIGURES.get(key));
      return undefined;
    }
    const ctl = new AbortController();
    get(`${href}?limit=${SPARK}`, { signal: ctl.signal })
      .then((t) => {
        const points = (t.items || []).slice().reverse();
        FIGURES.set(key, points);
        setTrend(points);
      })
      .catch(() => !ctl.signal.aborted && setTrend(null));
    return () => ctl.abort();
  }, [href, key, seen]);

  const last = trend && trend.length ? trend[trend.length - 1] : null;
  const titleId = `project-${p.id}`;
  const behind = last ? Math.round(last.claimed_percent - last.observed_percent) : 0;

  return (
    <li class="card project" aria-labelledby={titleId} ref={cardRef}>
      <div class="project-head">
        <h2 id={titleId}>
          <a href={`/projects/${p.id}`} onClick={onLinkClick}>
            {p.name}
          </a>
        </h2>
        {p.status === 'archived' && <span class="badge muted-badge">archived</span>}
      </div>
      {p.description ? <p class="desc">{p.description}</p> : <p class="desc muted">No description</p>}

      {trend === undefined && <div class="figures skeleton" aria-hidden="true" />}
      {trend === null && <p class="muted small">The analyses could not be read.</p>}
      {trend && !last && (
        <div class="figures-empty small">
          <strong>Not analysed yet</strong>
          <span class="muted">{job ? 'Its first analysis is on its way.' : 'An analysis compares the plan with the code.'}</span>
        </div>
      )}
      {last && (
        <div class="figures">
          <Completion last={last} />
          <p class="small muted gap-line">
            {behind > 0 ? `${behind} points behind the plan` : behind < 0 ? `${-behind} points ahead of the plan` : 'Code and plan agree'}
            {' · '}
            {last.done} done, {last.partial} partial, {last.missing} missing
          </p>
        </div>
      )}

      {(last || job) && (
        <div class="project-foot">
          <div class="spark-wrap">{trend && trend.length > 0 && <Sparkline points={trend} />}</div>
          <div class="when small">
            {last ? (
              <span>
                Last analysis{' '}
                <time dateTime={last.time} title={fullTime(last.time)}>
                  {ago(last.time)}
                </time>
              </span>
            ) : null}
            {job && (
              <span class="running" role="status">
                <span class="pulse" aria-hidden="true" /> {job.state === 'queued' ? 'Queued' : `Analysing ${job.progress ? job.progress.percent : 0}%`}
              </span>
            )}
          </div>
        </div>
      )}
      {writer && (
        <div class="card-actions">
          {p.status === 'archived' ? (
            <button class="btn small ghost" type="button" onClick={() => onRestore(p)} aria-label={`Restore ${p.name}`}>
              Restore
            </button>
          ) : (
            <button class="btn small ghost" type="button" onClick={() => onArchive(p)} aria-label={`Archive ${p.name}`}>
              Archive
            </button>
          )}
        </div>
      )}
    </li>
  );
}

// True once the element is within a screen's height of the viewport (and
// from then on); at once where IntersectionObserver is missing.
function useSeen(ref) {
  const [seen, setSeen] = useState(typeof IntersectionObserver === 'undefined');
  useEffect(() => {
    if (seen || !ref.current) return undefined;
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setSeen(true), {
      rootMargin: '100% 0px',
    });
    io.observe(ref.current);
    return () => io.disconnect();
  }, [seen]);
  return seen;
}

function Jobs({ jobs, names }) {
  return (
    <section class="card jobs" aria-labelledby="jobs-title">
      <h2 id="jobs-title">Running jobs</h2>
      <ul>
        {jobs.map((j) => {
          const pct = j.progress ? j.progress.percent : 0;
          const what =
            j.kind === 'analysis'
              ? `Analysis of ${names.get(j.project_id) || `project ${j.project_id}`}`
              : j.kind === 'pull'
                ? `Model pull${j.payload && j.payload.name ? ` of ${j.payload.name}` : ''}`
                : `Job ${j.id} (${j.kind})`;
          return (
            <li key={j.id} class="job">
              <span class="job-what">{what}</span>
              <progress max="100" value={j.state === 'queued' ? undefined : pct} aria-label={`${what}: ${j.state === 'queued' ? 'queued' : `${pct}%`}`} />
              <span class="job-state small muted">
                {j.state === 'queued' ? 'queued' : `${pct}%`}
                {j.progress && j.progress.status ? ` · ${j.progress.status}` : ''}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

const FIELD_IDS = { name: 'new-name', local_path: 'new-path', description: 'new-description', repository_url: 'new-repo' };

function CreateProject({ open, onClose, onCreated }) {
  const [name, setName] = useState('');
  const [path, setPath] = useState('');
  const [description, setDescription] = useState('');
  const [repo, setRepo] = useState('');
  const [error, setError] = useState(null);
  const [fields, setFields] = useState({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (open) {
      setFields({});
      setName('');
      setPath('');
      setDescription('');
      setRepo('');
      setError(null);
      setBusy(false);
    }
  }, [open]);

  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFields({});
    try {
      const body = { name: name.trim(), local_path: path.trim() };
      if (description.trim()) body.description = description.trim();
      if (repo.trim()) body.repository_url = repo.trim();
      onCreated(await post('/api/v1/projects', body));
    } catch (err) {
      // a field's fault is said under the field, and focus goes there
      const fe = fieldError(err);
      const id = fe && FIELD_IDS[fe[0]];
      if (id) {
        setFields({ [fe[0]]: fe[1] });
        setTimeout(() => document.getElementById(id)?.focus(), 0);
      } else {
        setError(describe(err));
      }
      setBusy(false);
    }
  }

  return (
    <Dialog open={open} title="New project" onClose={onClose} labelledBy="create-title">
      <form class="stack" onSubmit={submit}>
        <Alert>{error}</Alert>
        <Field id="new-name" label="Name" error={fields.name}>
          <input name="name" required maxLength={255} value={name} onInput={(e) => setName(e.currentTarget.value)} autoFocus />
        </Field>
        <Field id="new-path" label="Directory on the server" error={fields.local_path} hint="The checkout, below one of the server's project roots (PlanningProjectRoots).">
          <input
            name="local_path"
            required
            spellcheck={false}
            placeholder="/srv/projects/shop"
            value={path}
            onInput={(e) => setPath(e.currentTarget.value)}
          />
        </Field>
        <Field id="new-description" label="Description (optional)" error={fields.description}>
          <input name="description" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        </Field>
        <Field id="new-repo" label="Repository URL (optional)" error={fields.repository_url}>
          <input name="repository_url" type="url" spellcheck={false} value={repo} onInput={(e) => setRepo(e.currentTarget.value)} />
        </Field>
        <div class="dialog-actions">
          <button class="btn" type="button" onClick={onClose}>
            Cancel
          </button>
          <button class="btn primary" type="submit" disabled={busy || !name.trim() || !path.trim()}>
            {busy ? 'Creating…' : 'Create project'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
