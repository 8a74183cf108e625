// A project's git: the branch bar, then four views: the changes (status,
// diffs, staging, the commit box), the history (log and a commit's view),
// the remote (fetch, pull, push, host keys, the deploy key) and the
// webhooks. Its own chunk (loaded the first time the Git tab is opened);
// the parts are under src/git/.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { get, describe } from '../api.js';
import { Alert } from '../components/Alert.jsx';
import { Tabs } from '../components/Tabs.jsx';
import { Branches } from '../git/Branches.jsx';
import { Changes } from '../git/Changes.jsx';
import { History } from '../git/History.jsx';
import { Remote } from '../git/Remote.jsx';
import { Webhooks } from '../git/Webhooks.jsx';
import '../git/git.css';

const VIEWS = [
  ['changes', 'Changes'],
  ['history', 'History'],
  ['remote', 'Remote'],
  ['webhooks', 'Webhooks'],
];

export default function ProjectGit({ project, writer }) {
  const pid = project.id;
  const [status, setStatus] = useState(null);
  const [error, setError] = useState(null);
  const [view, setView] = useState('changes');
  const [stamp, setStamp] = useState(0); // bumps when HEAD moves

  const load = useCallback(() => {
    get(`projects/${pid}/git/status`).then(
      (s) => {
        setStatus(s);
        setError(null);
      },
      (err) => setError(err.code === 'NOT_A_REPOSITORY' ? "The project's directory is not a git work tree of its own." : describe(err)),
    );
  }, [pid]);
  useEffect(load, [load]);
  const moved = (s) => {
    if (s && s.files) setStatus(s);
    else load();
    setStamp((x) => x + 1);
  };

  if (!status)
    return (
      <>
        <h2 class="visually-hidden">Git</h2>
        {error ? <Alert>{error}</Alert> : <p class="muted" role="status">Loading the repository…</p>}
      </>
    );
  const changed = (status.files || []).length;
  return (
    <div class="git-view">
      <h2 class="visually-hidden">Git</h2>
      <Branches pid={pid} status={status} writer={writer} onSwitched={moved} />
      <div class="git-nav-row">
        <Tabs tabs={VIEWS.map(([k, l]) => [k, l, k === 'changes' ? changed : 0])} tab={view} onChoose={setView} label="Git views" prefix="gtab" panel={() => 'gpanel'} class="git-tabs" />
        <button type="button" class="btn small ghost" onClick={() => (load(), setStamp((x) => x + 1))}>
          Refresh
        </button>
      </div>
      <Alert>{error}</Alert>
      <div role="tabpanel" id="gpanel" aria-labelledby={`gtab-${view}`}>
        {view === 'changes' && <Changes pid={pid} status={status} setStatus={setStatus} writer={writer} onCommitted={() => moved(null)} />}
        {view === 'history' && <History pid={pid} stamp={stamp} />}
        {view === 'remote' && <Remote pid={pid} writer={writer} onChanged={() => moved(null)} />}
        {view === 'webhooks' && <Webhooks pid={pid} writer={writer} />}
      </div>
    </div>
  );
}
