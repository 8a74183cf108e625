// The Files tab of a project's page (a chunk of its own, loaded with
// import() when the tab first opens): the tree (files/Tree.jsx, a directory
// at a time, git marks, ignored entries dimmed), the open file
// (files/FileView.jsx: CodeMirror, Markdown and image previews, binary as a
// download), new file and folder, rename or move, delete
// (files/Actions.jsx), uploads by drag-and-drop or the pickers with their
// progress (files/Upload.jsx), and zips of a folder or the whole project.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { baseName, filesApi, parentOf } from '../files/fsapi.js';
import { useTree } from '../files/useTree.js';
import { Tree } from '../files/Tree.jsx';
import { FileView } from '../files/FileView.jsx';
import { Actions } from '../files/Actions.jsx';
import { useUploads, UploadButtons, UploadPanel } from '../files/Upload.jsx';
import { fromDrop } from '../files/upload.js';
import { Dialog } from '../components/Dialog.jsx';
import '../files/files.css';

export default function ProjectFiles({ base, writer }) {
  const fs = useMemo(() => filesApi(base), [base]);
  // the open file is in the URL (?tab=files&file=src/app.py): a reload or
  // a link opens it again
  const [openPath, setOpenPath] = useState(() => new URLSearchParams(location.search).get('file') || null);
  const [dirty, setDirty] = useState(false);
  const [dropping, setDropping] = useState(false);

  const [pending, setPending] = useState(null); // a file to open once unsaved edits are let go

  function openFile(path, force) {
    if (path === openPath) return;
    if (dirty && !force) return setPending(path);
    setPending(null);
    setOpenPath(path);
    setDirty(false);
  }
  const tree = useTree(fs, openFile);

  useEffect(() => {
    const u = new URL(location.href);
    if (openPath) u.searchParams.set('file', openPath);
    else u.searchParams.delete('file');
    history.replaceState(null, '', u.pathname + u.search);
  }, [openPath]);
  // the file of the URL: its folders opened, it selected
  useEffect(() => {
    if (!openPath) return;
    tree.reveal(parentOf(openPath));
    tree.setSelected(openPath);
    tree.setFocus(openPath);
  }, []);
  const up = useUploads(fs, (dirs) => dirs.forEach((d) => tree.reload(d)));

  // what the actions act on: the selected entry; where new things go: the
  // selected folder, or the folder of the selected file
  const sel = tree.selected;
  const selType = sel ? tree.kinds[sel] : null;
  const target = sel && selType ? { path: sel, type: selType } : null;
  const dir = !sel ? '' : selType === 'dir' ? sel : parentOf(sel);

  function done(r) {
    for (const d of new Set(r.dirs)) tree.reload(d);
    if (r.kind === 'created') {
      tree.reveal(parentOf(r.path));
      tree.setSelected(r.path);
      tree.setFocus(r.path);
      if (r.open) openFile(r.open);
    } else if (r.kind === 'moved') {
      tree.reveal(parentOf(r.path));
      tree.setSelected(r.path);
      tree.setFocus(r.path);
      if (openPath && (openPath === r.from || openPath.startsWith(r.from + '/'))) setOpenPath(r.path + openPath.slice(r.from.length));
    } else if (r.kind === 'deleted') {
      tree.setSelected(null);
      if (openPath && (openPath === r.path || openPath.startsWith(r.path + '/'))) setOpenPath(null);
    }
  }

  const dropProps = writer
    ? {
        onDragOver(e) {
          if (![...e.dataTransfer.types].includes('Files')) return;
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
          setDropping(true);
        },
        onDragLeave(e) {
          if (!e.currentTarget.contains(e.relatedTarget)) setDropping(false);
        },
        onDrop(e) {
          e.preventDefault();
          setDropping(false);
          fromDrop(e.dataTransfer).then((items) => up.start(items, dir));
        },
      }
    : {};

  return (
    <div class="files">
      <h2 class="visually-hidden">Files</h2>
      <div class="files-toolbar">
        <Actions fs={fs} target={target} dir={dir} writer={writer} onDone={done} />
        {writer && <UploadButtons up={up} dir={dir} />}
        {selType === 'dir' && (
          <a class="btn small" href={fs.zipUrl(sel)} download={`${baseName(sel)}.zip`}>
            Download {sel} as zip
          </a>
        )}
        <a class="btn small" href={fs.zipUrl('')} download="project.zip">
          Download the project as zip
        </a>
      </div>
      <div class={`files-main${dropping ? ' dropping' : ''}`} {...dropProps}>
        <div class="files-side">
          <Tree tree={tree} label="Project files" />
          {writer && (
            <p class="drop-hint small muted">
              Drop files or folders here to upload them {dir ? `into ${dir}/` : 'to the top of the project'}.
            </p>
          )}
        </div>
        <div class="files-pane">
          <UploadPanel up={up} />
          {openPath ? (
            <FileView key={openPath} fs={fs} path={openPath} writer={writer} onDirty={setDirty} onSaved={(p) => tree.reload(parentOf(p))} />
          ) : (
            <p class="muted files-empty">Choose a file in the tree to open it.</p>
          )}
        </div>
      </div>
      <Dialog open={!!pending} title="Unsaved changes" labelledBy="files-unsaved-title" onClose={() => setPending(null)}>
        <p>
          {openPath} has changes that are not saved. Open {pending} and lose them?
        </p>
        <div class="dialog-actions">
          <button type="button" class="btn" onClick={() => setPending(null)} autoFocus>
            Keep editing
          </button>
          <button type="button" class="btn danger" onClick={() => openFile(pending, true)}>
            Discard changes
          </button>
        </div>
      </Dialog>
    </div>
  );
}
