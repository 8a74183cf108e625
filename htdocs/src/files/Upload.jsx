// The uploads of the files view: a queue (three files at a time, each its
// own request with its own progress), a progress bar per file and one for
// all, and Cancel for all (every request under way aborted, the waiting
// ones dropped) or for one file (the API keeps nothing of a body that did
// not arrive whole).
// Folders of a drop or of the folder picker are made first (mkdir).
import { useRef, useState } from 'preact/hooks';
import { describe } from '../api.js';
import { bytes } from '../format.js';
import { join } from './fsapi.js';
import { fromInput, sendFile } from './upload.js';

const AT_ONCE = 3;

export function useUploads(fs, onUploaded) {
  const [jobs, setJobs] = useState([]); // {id, name, size, loaded, state, error}
  const [running, setRunning] = useState(false);
  const [overwrite, setOverwrite] = useState(false);
  const run = useRef(null); // {canceled, live: Map id -> abort, skip: Set of ids}

  const update = (id, patch) => setJobs((js) => js.map((j) => (j.id === id ? { ...j, ...patch } : j)));

  async function start(items, target) {
    if (running || !items.length) return;
    const files = items.filter((i) => i.file);
    const list = files.map((it, k) => ({ id: k, name: join(it.dir, it.file.name), size: it.file.size, loaded: 0, state: 'waiting' }));
    setJobs(list);
    setRunning(true);
    const r = (run.current = { canceled: false, live: new Map(), skip: new Set() });
    // the folders first, parents before children (an existing one is fine)
    const folders = [...new Set(items.map((i) => i.dir).filter(Boolean))].sort((a, b) => a.split('/').length - b.split('/').length);
    for (const d of folders) {
      if (r.canceled) break;
      try {
        await fs.ensureDir(join(target, d));
      } catch (err) {
        setJobs((js) => js.map((j) => (j.name.startsWith(d + '/') ? { ...j, state: 'failed', error: describe(err) } : j)));
      }
    }
    let next = 0;
    const worker = async () => {
      while (!r.canceled && next < files.length) {
        const k = next++;
        if (r.skip.has(k)) continue;
        const it = files[k];
        update(k, { state: 'sending' });
        const s = sendFile(fs.uploadUrl(join(target, it.dir), overwrite), it.file, (loaded) => update(k, { loaded }));
        r.live.set(k, s.abort);
        try {
          await s.promise;
          update(k, { state: 'done', loaded: it.file.size });
        } catch (err) {
          update(k, err.code === 'ABORTED' ? { state: 'canceled' } : { state: 'failed', error: describe(err) });
        }
        r.live.delete(k);
      }
    };
    await Promise.all(Array.from({ length: Math.min(AT_ONCE, files.length) }, worker));
    if (r.canceled) setJobs((js) => js.map((j) => (j.state === 'waiting' ? { ...j, state: 'canceled' } : j)));
    setRunning(false);
    onUploaded([target, ...folders.map((d) => join(target, d))]);
  }

  function cancel() {
    const r = run.current;
    if (!r) return;
    r.canceled = true;
    for (const abort of r.live.values()) abort();
  }

  // one file: aborted if it is being sent, skipped if it waits
  function cancelOne(id) {
    const r = run.current;
    if (!r) return;
    const abort = r.live.get(id);
    if (abort) return abort();
    r.skip.add(id);
    update(id, { state: 'canceled' });
  }

  return { jobs, running, overwrite, setOverwrite, start, cancel, cancelOne, clear: () => setJobs([]) };
}

// The two pickers (files, a folder) and the overwrite switch.
export function UploadButtons({ up, dir }) {
  const files = useRef(null);
  const folder = useRef(null);
  const picked = (e) => {
    up.start(fromInput(e.currentTarget), dir);
    e.currentTarget.value = '';
  };
  return (
    <>
      <button type="button" class="btn small" onClick={() => files.current.click()} disabled={up.running}>
        Upload files
      </button>
      <button type="button" class="btn small" onClick={() => folder.current.click()} disabled={up.running}>
        Upload a folder
      </button>
      <input ref={files} type="file" multiple hidden onChange={picked} aria-label="Files to upload" data-testid="upload-files" />
      <input ref={folder} type="file" webkitdirectory hidden onChange={picked} aria-label="A folder to upload" />
      <label class="check small">
        <input type="checkbox" checked={up.overwrite} onChange={(e) => up.setOverwrite(e.currentTarget.checked)} /> Replace existing files
      </label>
    </>
  );
}

const STATE = { waiting: 'waiting', sending: '', done: 'done', failed: 'failed', canceled: 'canceled' };

export function UploadPanel({ up }) {
  const { jobs, running } = up;
  if (!jobs.length) return null;
  const total = jobs.reduce((n, j) => n + j.size, 0);
  const loaded = jobs.reduce((n, j) => n + (j.state === 'done' ? j.size : Math.min(j.loaded, j.size)), 0);
  const done = jobs.filter((j) => j.state === 'done').length;
  const failed = jobs.filter((j) => j.state === 'failed').length;
  const canceled = jobs.filter((j) => j.state === 'canceled').length;
  const pct = total ? Math.round((100 * loaded) / total) : Math.round((100 * done) / jobs.length);
  return (
    <section class="uploads card" aria-labelledby="uploads-title">
      <div class="uploads-head">
        <h3 id="uploads-title">{running ? 'Uploading' : 'Upload'}</h3>
        {running ? (
          <button type="button" class="btn small" onClick={up.cancel}>
            Cancel upload
          </button>
        ) : (
          <button type="button" class="btn small ghost" onClick={up.clear}>
            Dismiss
          </button>
        )}
      </div>
      <progress class="uploads-all" max="100" value={pct} aria-label="Upload progress, all files" aria-valuetext={`${pct}%`} />
      <p class="small muted" role="status">
        {done} of {jobs.length} file{jobs.length === 1 ? '' : 's'} · {bytes(loaded)} of {bytes(total)}
        {failed ? ` · ${failed} failed` : ''}
        {canceled ? ` · ${canceled} canceled` : ''}
      </p>
      <ul class="uploads-list" aria-label="Files being uploaded" tabIndex={0}>
        {jobs.map((j) => {
          const p = j.size ? Math.round((100 * Math.min(j.loaded, j.size)) / j.size) : j.state === 'done' ? 100 : 0;
          return (
            <li key={j.id} class={`upload u-${j.state}`}>
              <span class="upload-name">{j.name}</span>
              <progress max="100" value={p} aria-label={`Upload of ${j.name}`} aria-valuetext={`${p}%`} />
              <span class="small upload-state">{j.state === 'failed' ? j.error : STATE[j.state] || `${p}%`}</span>
              {(j.state === 'waiting' || j.state === 'sending') && (
                <button type="button" class="btn small ghost" onClick={() => up.cancelOne(j.id)} aria-label={`Cancel the upload of ${j.name}`}>
                  Cancel
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
