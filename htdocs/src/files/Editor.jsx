// A CodeMirror editor as a Preact component. CodeMirror (files/cm.js) is a
// chunk of its own, loaded with import() when the first text file opens.
// `handle` (a ref) receives the editor's {getText, setWrap, find, focus};
// a new `version` starts over with `text` (the file reloaded).
import { useEffect, useRef, useState } from 'preact/hooks';
import { STAGES } from './cm-stages.js';

let cm = null;
const nextTask = (v) => new Promise((resolve) => setTimeout(() => resolve(v), 0));
// CodeMirror's modules in stages, a task each (cm-stages.js), then cm.js
async function loadCm() {
  if (cm) return cm;
  for (const stage of STAGES) await stage().then(nextTask);
  cm = await import('./cm.js');
  return cm;
}

export function Editor({ path, text, version, wrap, readOnly, crlf, label, onSave, onChange, handle }) {
  const host = useRef(null);
  const [error, setError] = useState(null);
  const [ready, setReady] = useState(false);
  const calls = useRef({});
  calls.current = { onSave, onChange };

  useEffect(() => {
    let ed = null;
    let live = true;
    loadCm()
      // a task of its own for the editor's set-up, apart from the module's
      // evaluation: two shorter tasks block the page less than one long
      .then(nextTask)
      .then((m) => {
        if (!live) return;
        ed = m.createEditor(host.current, {
          text,
          path,
          wrap,
          readOnly,
          crlf,
          label,
          onSave: () => calls.current.onSave && calls.current.onSave(),
          onChange: (doc) => calls.current.onChange && calls.current.onChange(doc),
        });
        handle.current = ed;
        setReady(true);
      })
      .catch(() => live && setError('The editor could not be loaded. Reload to try again.'));
    return () => {
      live = false;
      if (ed) ed.destroy();
      if (handle.current === ed) handle.current = null;
    };
  }, [path, version]);

  useEffect(() => {
    if (handle.current) handle.current.setWrap(wrap);
  }, [wrap]);

  // the host keeps its size while CodeMirror loads (no layout shift)
  return (
    <div class="editor-wrap">
      {error && (
        <p class="alert error" role="alert">
          {error}
        </p>
      )}
      {!ready && !error && (
        <p class="editor-loading muted small" role="status">
          Loading the editor…
        </p>
      )}
      <div class="editor-host" ref={host} />
    </div>
  );
}
