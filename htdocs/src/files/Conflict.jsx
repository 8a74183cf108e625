// A save refused because the file changed since it was opened (412): both
// versions side by side, and the choice: keep mine (saved over the new
// version, with its ETag) or take theirs (the editor reloads it).
import { useEffect, useRef } from 'preact/hooks';

export function Conflict({ path, mine, theirs, busy, onKeepMine, onTakeTheirs }) {
  const head = useRef(null);
  useEffect(() => head.current && head.current.focus(), []);
  return (
    <section class="conflict card" aria-labelledby="conflict-title">
      <h3 id="conflict-title" tabIndex={-1} ref={head}>
        {path} changed since you opened it
      </h3>
      <p class="small">Someone (or something) saved it meanwhile. Choose the version to keep.</p>
      <div class="conflict-sides">
        <Side title="Your version" text={mine} />
        <Side title="Saved meanwhile" text={theirs} />
      </div>
      <div class="dialog-actions">
        <button type="button" class="btn" onClick={onTakeTheirs} disabled={busy}>
          Take theirs
        </button>
        <button type="button" class="btn primary" onClick={onKeepMine} disabled={busy}>
          Keep mine
        </button>
      </div>
    </section>
  );
}

function Side({ title, text }) {
  return (
    <div class="conflict-side">
      <h4>{title}</h4>
      <pre tabIndex={0} aria-label={title}>{text}</pre>
    </div>
  );
}
