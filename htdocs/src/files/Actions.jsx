// New file, new folder, rename or move, delete: each a dialog
// (components/Dialog.jsx: focus kept inside, Escape closes, the focus goes
// back to the button). The new entries go into the selected folder (or the
// folder of the selected file); a name may hold slashes (docs/a.md). Delete
// asks first; a folder goes with all it holds.
import { useState } from 'preact/hooks';
import { ApiError, describe } from '../api.js';
import { Dialog } from '../components/Dialog.jsx';
import { Field } from '../components/Field.jsx';
import { Alert } from '../components/Alert.jsx';
import { baseName, join, parentOf } from './fsapi.js';

// fn() into dir, made first when it is missing (the API's 404)
async function madeIn(fs, dir, fn) {
  try {
    return await fn();
  } catch (err) {
    if (!(dir && err instanceof ApiError && err.status === 404)) throw err;
    await fs.ensureDir(dir);
    return fn();
  }
}

const TITLES = { file: 'New file', folder: 'New folder', rename: 'Rename or move', delete: 'Delete' };

export function Actions({ fs, target, dir, writer, onDone }) {
  const [mode, setMode] = useState(null);
  const [value, setValue] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  function start(m) {
    setError(null);
    setValue(m === 'rename' ? target.path : '');
    setMode(m);
  }

  async function submit(e) {
    e.preventDefault();
    const v = value.trim().replace(/^\/+/, '');
    if (mode !== 'delete' && !v) return setError('Give a name.');
    setBusy(true);
    setError(null);
    try {
      if (mode === 'file') {
        const path = join(dir, v);
        await madeIn(fs, parentOf(path), () => fs.write(path, '', null));
        onDone({ kind: 'created', path, dirs: [parentOf(path)], open: path });
      } else if (mode === 'folder') {
        const path = join(dir, v);
        await fs.mkdir(path);
        onDone({ kind: 'created', path, dirs: [parentOf(path)] });
      } else if (mode === 'rename') {
        if (v !== target.path) await madeIn(fs, parentOf(v), () => fs.move(target.path, v));
        onDone({ kind: 'moved', from: target.path, path: v, dirs: [parentOf(target.path), parentOf(v)] });
      } else if (mode === 'delete') {
        await fs.remove(target.path, target.type === 'dir');
        onDone({ kind: 'deleted', path: target.path, dirs: [parentOf(target.path)] });
      }
      setMode(null);
    } catch (err) {
      setError(describe(err));
    }
    setBusy(false);
  }

  if (!writer) return null;
  const where = dir ? `in ${dir}/` : 'at the top of the project';
  return (
    <>
      <button type="button" class="btn small" onClick={() => start('file')}>
        New file
      </button>
      <button type="button" class="btn small" onClick={() => start('folder')}>
        New folder
      </button>
      <button type="button" class="btn small" onClick={() => start('rename')} disabled={!target}>
        Rename<span class="visually-hidden">{target ? ` ${target.path}` : ''}</span>
      </button>
      <button type="button" class="btn small danger" onClick={() => start('delete')} disabled={!target}>
        Delete<span class="visually-hidden">{target ? ` ${target.path}` : ''}</span>
      </button>
      <Dialog open={!!mode} title={mode ? TITLES[mode] : ''} labelledBy="files-dialog-title" onClose={() => setMode(null)}>
        <form class="stack" onSubmit={submit}>
          {mode === 'delete' ? (
            <p>
              Delete <strong>{target && target.path}</strong>
              {target && target.type === 'dir' ? ' and everything in it' : ''}? This cannot be undone.
            </p>
          ) : (
            <Field
              id="files-dialog-name"
              label={mode === 'rename' ? `New path of ${target ? baseName(target.path) : ''}` : 'Name'}
              hint={mode === 'rename' ? 'A path from the top of the project: change the folders to move it.' : `Made ${where}. Slashes make folders.`}
            >
              <input value={value} onInput={(e) => setValue(e.currentTarget.value)} autoFocus autoComplete="off" spellcheck={false} required />
            </Field>
          )}
          <Alert>{error}</Alert>
          <div class="dialog-actions">
            <button type="button" class="btn" onClick={() => setMode(null)}>
              Cancel
            </button>
            <button type="submit" class={`btn ${mode === 'delete' ? 'danger' : 'primary'}`} disabled={busy}>
              {mode === 'delete' ? 'Delete' : mode === 'rename' ? 'Rename' : 'Create'}
            </button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
