// A diff as the API gives it (files with hunks and numbered lines), shown
// unified or side by side. Each hunk may carry an action (stage it) when
// onHunk is given. Lines are text nodes only: file content never becomes
// markup. Side by side pairs a run of deletions with the run of additions
// that follows it, as the usual viewers do.

const SIGN = { '+': 'add', '-': 'del', ' ': 'ctx' };

export function DiffMode({ mode, onMode, id }) {
  return (
    <fieldset class="seg" aria-label="Diff layout">
      {[
        ['unified', 'Unified'],
        ['split', 'Side by side'],
      ].map(([k, label]) => (
        <label key={k} class={mode === k ? 'on' : ''}>
          <input type="radio" name={`diff-mode-${id}`} value={k} checked={mode === k} onChange={() => onMode(k)} /> {label}
        </label>
      ))}
    </fieldset>
  );
}

export function DiffFiles({ files, mode, onHunk, hunkLabel = 'Stage hunk', busy }) {
  if (!files || !files.length) return <p class="muted small">No changes.</p>;
  return files.map((f) => (
    <section class="gdiff-file" key={f.path} aria-label={`Diff of ${f.path}`}>
      <h4 class="gdiff-head">
        <code>{f.old_path && f.old_path !== f.path ? `${f.old_path} → ${f.path}` : f.path}</code>{' '}
        <span class="badge">{f.status}</span> <Counts a={f.additions} d={f.deletions} />
      </h4>
      {f.binary ? (
        <p class="muted small">A binary file: no lines to show.</p>
      ) : (
        (f.hunks || []).map((h) => (
          <div class="gdiff-hunk" key={h.index}>
            <div class="gdiff-hunk-head">
              <code class="small">{h.header.trim()}</code>
              {onHunk && (
                <button type="button" class="btn small" disabled={busy} onClick={() => onHunk(f.path, h.index)} aria-label={`${hunkLabel} ${h.index + 1} of ${f.path}`}>
                  {hunkLabel}
                </button>
              )}
            </div>
            <div class="diff-scroll" tabIndex={0} role="group" aria-label={`Lines of hunk ${h.index + 1} of ${f.path}`}>{mode === 'split' ? <Split lines={h.lines} /> : <Unified lines={h.lines} />}</div>
          </div>
        ))
      )}
      {f.truncated && <p class="muted small">The diff of this file was cut (too long to show whole).</p>}
    </section>
  ));
}

export function Counts({ a, d }) {
  return (
    <span class="counts small">
      <span class="c-add">+{a || 0}</span> <span class="c-del">−{d || 0}</span>
      <span class="visually-hidden">
        {' '}
        ({a || 0} added, {d || 0} removed lines)
      </span>
    </span>
  );
}

function Unified({ lines }) {
  return (
    <table class="gdiff unified">
      <thead class="visually-hidden">
        <tr>
          <th scope="col">Old line</th>
          <th scope="col">New line</th>
          <th scope="col">Content</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((l, i) => (
          <tr key={i} class={SIGN[l.origin] || 'ctx'}>
            <td class="ln">{l.old_no ?? ''}</td>
            <td class="ln">{l.new_no ?? ''}</td>
            <td class="code">
              <span class="sign" aria-hidden="true">
                {l.origin === '-' ? '−' : l.origin === '+' ? '+' : ' '}
              </span>
              <span class="visually-hidden">{l.origin === '-' ? 'removed: ' : l.origin === '+' ? 'added: ' : ''}</span>
              {l.content.replace(/\n$/, '')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// rows of [left, right]: context on both sides, a run of deletions beside
// the additions that replace it
export function pairRows(lines) {
  const rows = [];
  let i = 0;
  while (i < lines.length) {
    const l = lines[i];
    if (l.origin === '-' || l.origin === '+') {
      const del = [];
      const add = [];
      while (i < lines.length && lines[i].origin === '-') del.push(lines[i++]);
      while (i < lines.length && lines[i].origin === '+') add.push(lines[i++]);
      for (let k = 0; k < Math.max(del.length, add.length); k++) rows.push([del[k] || null, add[k] || null]);
    } else {
      if (l.origin === ' ') rows.push([l, l]);
      i++;
    }
  }
  return rows;
}

function Split({ lines }) {
  const side = (l, no) => [
    <td class={`ln ${l ? SIGN[l.origin] : 'none'}`}>{l ? (l[no] ?? '') : ''}</td>,
    <td class={`code ${l ? SIGN[l.origin] : 'none'}`}>
      {l && l.origin !== ' ' && <span class="visually-hidden">{l.origin === '-' ? 'removed: ' : 'added: '}</span>}
      {l ? l.content.replace(/\n$/, '') : ''}
    </td>,
  ];
  return (
    <table class="gdiff split">
      <thead class="visually-hidden">
        <tr>
          <th scope="col">Old line</th>
          <th scope="col">Before</th>
          <th scope="col">New line</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {pairRows(lines).map(([a, b], i) => (
          <tr key={i}>
            {side(a, 'old_no')}
            {side(b, 'new_no')}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
