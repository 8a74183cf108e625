// One open file: text in the editor (saved with If-Match: a file changed
// since it was opened is a 412, and Conflict.jsx shows both versions to
// choose from), a Markdown file with a preview beside, an image shown from
// its raw bytes (img-src 'self'), and anything else the editor cannot hold
// (binary, over 2 MiB) offered as a download.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, describe } from '../api.js';
import { Alert } from '../components/Alert.jsx';
import { Editor } from './Editor.jsx';
import { Conflict } from './Conflict.jsx';
import { MarkdownPreview } from './MarkdownPreview.jsx';
import { baseName, isImage, isMarkdown } from './fsapi.js';

export function FileView({ fs, path, writer, onSaved, onDirty }) {
  const [file, setFile] = useState(null); // {kind: text|image|binary|large, content, etag, size}
  const [version, setVersion] = useState(0); // bumps when the editor starts over
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState(false);
  const [conflict, setConflict] = useState(null); // {mine, theirs}
  const [wrap, setWrap] = useState(() => localStorage.getItem('pl.files.wrap') === '1');
  const [preview, setPreview] = useState(true);
  const [text, setText] = useState(''); // for the Markdown preview
  const ed = useRef(null);
  const saving = useRef(false); // a save under way (two Ctrl+S make one)
  const md = isMarkdown(path);

  async function load() {
    setError(null);
    setConflict(null);
    if (isImage(path)) return setFile({ kind: 'image' });
    try {
      const f = await fs.read(path);
      setFile({ kind: 'text', content: f.content, etag: f.etag, size: f.size, crlf: f.line_endings === 'crlf' });
      setText(f.content);
      setVersion((v) => v + 1);
      setDirty(false);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'BINARY_FILE') setFile({ kind: 'binary' });
      else if (err instanceof ApiError && err.code === 'FILE_TOO_LARGE') setFile({ kind: 'large' });
      else setError(describe(err));
    }
  }
  useEffect(() => {
    setFile(null);
    setNotice(null);
    load();
  }, [path]);
  useEffect(() => {
    if (onDirty) onDirty(dirty);
    if (!dirty) return;
    // leaving the page with unsaved edits: the browser asks first
    const warn = (e) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  // doc: the editor's text being saved (it is the saved one afterwards)
  async function put(doc, etag) {
    const content = ed.current.textOf(doc);
    if (saving.current) return;
    saving.current = true;
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const r = await fs.write(path, content, etag);
      setFile((f) => ({ ...f, content, etag: r.etag, size: r.size }));
      if (ed.current) {
        ed.current.setSaved(doc);
        setDirty(ed.current.isChanged());
      }
      setConflict(null);
      setNotice(`Saved ${baseName(path)}.`);
      onSaved && onSaved(path);
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        // changed since it was opened: what is there now, beside this text
        try {
          const theirs = await fs.read(path);
          setConflict({ mine: doc, theirs });
        } catch (err2) {
          setError(describe(err2));
        }
      } else setError(describe(err));
    }
    saving.current = false;
    setBusy(false);
  }

  const save = () => {
    if (!writer || busy || !ed.current || !file || file.kind !== 'text') return;
    put(ed.current.getDoc(), file.etag);
  };

  function takeTheirs() {
    const t = conflict.theirs;
    setFile({ kind: 'text', content: t.content, etag: t.etag, size: t.size, crlf: t.line_endings === 'crlf' });
    setText(t.content);
    setVersion((v) => v + 1);
    setDirty(false);
    setConflict(null);
    setNotice('Loaded the version saved meanwhile. Your edits were discarded.');
  }

  function toggleWrap(e) {
    const on = e.currentTarget.checked;
    setWrap(on);
    localStorage.setItem('pl.files.wrap', on ? '1' : '0');
  }

  const raw = fs.rawUrl(path);
  return (
    <section class="fileview" aria-labelledby="fileview-title" onKeyDown={(e) => {
      // Ctrl+S outside the editor (the editor's own keymap saves inside it)
      if ((e.ctrlKey || e.metaKey) && e.key === 's' && !e.defaultPrevented) {
        e.preventDefault();
        save();
      }
    }}>
      <div class="fileview-head">
        <h2 id="fileview-title" class="fileview-title" tabIndex={-1}>
          <span class="visually-hidden">File </span>
          {path}
          {dirty && <span class="dirty" title="unsaved changes"> •<span class="visually-hidden"> (unsaved changes)</span></span>}
        </h2>
        <div class="fileview-actions">
          {file && file.kind === 'text' && (
            <>
              <label class="check small">
                <input type="checkbox" checked={wrap} onChange={toggleWrap} /> Wrap lines
              </label>
              {md && (
                <button type="button" class="btn small" aria-pressed={preview ? 'true' : 'false'} onClick={() => setPreview(!preview)}>
                  Preview
                </button>
              )}
              <button type="button" class="btn small" onClick={() => ed.current && ed.current.find()}>
                Find and replace
              </button>
              {writer && (
                <button type="button" class="btn small primary" onClick={save} disabled={busy || !dirty}>
                  {busy ? 'Saving…' : 'Save'}
                </button>
              )}
            </>
          )}
          <a class="btn small" href={raw} download={baseName(path)}>
            Download<span class="visually-hidden"> {baseName(path)}</span>
          </a>
        </div>
      </div>
      <Alert>{error}</Alert>
      <Alert kind="success">{notice}</Alert>
      {conflict && (
        <Conflict path={path} mine={ed.current ? ed.current.textOf(conflict.mine) : ''} theirs={conflict.theirs.content} busy={busy}
          onKeepMine={() => put(conflict.mine, conflict.theirs.etag)} onTakeTheirs={takeTheirs} />
      )}
      {!file && !error && (
        <div class="fileview-body">
          {/* the editor's room kept while the file comes (no layout shift) */}
          <div class="editor-wrap">
            <p class="editor-loading muted small" role="status">
              Opening {baseName(path)}…
            </p>
            <div class="editor-host" />
          </div>
        </div>
      )}
      {file && file.kind === 'text' && (
        <div class={`fileview-body${md && preview ? ' with-preview' : ''}`}>
          <Editor path={path} text={file.content} version={version} wrap={wrap} readOnly={!writer}
            label={`Contents of ${path}`} handle={ed} onSave={save}
            crlf={file.crlf}
            onChange={(doc) => {
              setDirty(ed.current ? ed.current.isChanged() : true);
              if (md) setText(doc.toString());
            }} />
          {md && preview && <MarkdownPreview text={text} />}
        </div>
      )}
      {file && file.kind === 'image' && (
        <figure class="image-preview">
          <img src={raw} alt={`The image ${path}`} />
          <figcaption class="small muted">{path}</figcaption>
        </figure>
      )}
      {file && (file.kind === 'binary' || file.kind === 'large') && (
        <p class="binary">
          {file.kind === 'binary' ? 'This file is not text: it cannot be edited here.' : 'This file is larger than 2 MiB: it cannot be edited here.'}{' '}
          <a href={raw} download={baseName(path)}>
            Download {baseName(path)}
          </a>
        </p>
      )}
    </section>
  );
}
