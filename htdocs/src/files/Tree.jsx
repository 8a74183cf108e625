// The project's files as an ARIA tree, one directory loaded at a time (when
// it is first expanded). Keys as the ARIA tree pattern says: Up and Down
// move, Right opens a folder (or goes to its first child), Left closes it
// (or goes to the parent), Home and End, Enter or Space opens a file or
// toggles a folder, * opens every folder beside the focused item, a letter
// jumps to the next name starting with it. One
// item takes Tab (roving tabindex). Each entry shows its git mark; ignored
// entries are dimmed.
import { useRef } from 'preact/hooks';
import { parentOf } from './fsapi.js';

export const MARKS = {
  modified: ['M', 'modified'],
  staged: ['S', 'staged'],
  added: ['A', 'added'],
  untracked: ['U', 'untracked'],
  deleted: ['D', 'deleted'],
  conflicted: ['C', 'conflicted'],
};

// The entries shown, in order, with their level: what the keys move over.
export function visible(dirs, open, dir = '', level = 1, out = []) {
  const d = dirs[dir];
  if (!d || !d.items) return out;
  d.items.forEach((e, i) => {
    out.push({ e, level, pos: i + 1, size: d.items.length });
    if (e.type === 'dir' && open.has(e.path)) visible(dirs, open, e.path, level + 1, out);
  });
  return out;
}

export function Tree({ tree, label }) {
  const { dirs, open, focus, selected, setFocus, toggle, choose, expand } = tree;
  const refs = useRef({});
  const rows = visible(dirs, open);
  const current = rows.some((r) => r.e.path === focus) ? focus : rows.length ? rows[0].e.path : null;

  function move(path) {
    setFocus(path);
    const el = refs.current[path];
    if (el) el.focus();
    else setTimeout(() => refs.current[path] && refs.current[path].focus(), 0);
  }

  function key(ev) {
    const i = rows.findIndex((r) => r.e.path === current);
    if (i < 0) return;
    const { e } = rows[i];
    const isDir = e.type === 'dir';
    let handled = true;
    switch (ev.key) {
      case 'ArrowDown':
        if (i + 1 < rows.length) move(rows[i + 1].e.path);
        break;
      case 'ArrowUp':
        if (i > 0) move(rows[i - 1].e.path);
        break;
      case 'Home':
        move(rows[0].e.path);
        break;
      case 'End':
        move(rows[rows.length - 1].e.path);
        break;
      case 'ArrowRight':
        if (isDir && !open.has(e.path)) toggle(e.path);
        else if (isDir && i + 1 < rows.length && rows[i + 1].level > rows[i].level) move(rows[i + 1].e.path);
        break;
      case 'ArrowLeft':
        if (isDir && open.has(e.path)) toggle(e.path);
        else if (parentOf(e.path)) move(parentOf(e.path));
        break;
      case 'Enter':
      case ' ':
        choose(e);
        break;
      case '*': {
        const siblings = (dirs[parentOf(e.path)] || {}).items || [];
        expand(siblings.filter((s) => s.type === 'dir').map((s) => s.path));
        break;
      }
      default:
        if (ev.key.length === 1 && /\S/.test(ev.key) && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
          const k = ev.key.toLowerCase();
          const order = [...rows.slice(i + 1), ...rows.slice(0, i + 1)];
          const hit = order.find((r) => r.e.name.toLowerCase().startsWith(k));
          if (hit) move(hit.e.path);
        } else handled = false;
    }
    if (handled) ev.preventDefault();
  }

  const top = dirs[''];
  if (!top || top.loading || top.error || !top.items.length) {
    // a tree needs items: the state of the top directory said in its place
    const text = !top || top.loading ? 'Loading the files…' : top.error || 'No files yet.';
    return (
      <p class={`ftree-note small ${top && top.error ? 'alert error' : 'muted'}`} role={top && top.error ? 'alert' : 'status'}>
        {text}
      </p>
    );
  }
  return (
    <ul class="ftree" role="tree" aria-label={label} onKeyDown={key}>
      <Level tree={tree} dir="" level={1} current={current} selected={selected} refs={refs} />
    </ul>
  );
}

function Level({ tree, dir, level, current, selected, refs }) {
  const { dirs, open, setFocus, choose } = tree;
  const d = dirs[dir];
  if (!d || d.loading) {
    return (
      <li role="none" class="ftree-note muted small">
        Loading…
      </li>
    );
  }
  if (d.error) {
    return (
      <li role="none" class="ftree-note alert error small">
        {d.error}
      </li>
    );
  }
  if (!d.items.length) {
    return (
      <li role="none" class="ftree-note muted small">
        Empty
      </li>
    );
  }
  return d.items.map((e, i) => {
    const isDir = e.type === 'dir';
    const expanded = isDir && open.has(e.path);
    const mark = e.git && MARKS[e.git];
    // named by its row (a treeitem's name from content leaves out its group)
    const said = `${mark ? `, ${mark[1]}` : ''}${e.ignored ? ', ignored' : ''}`;
    return (
      <li
        key={e.path}
        role="treeitem"
        ref={(el) => (refs.current[e.path] = el)}
        class={`ftree-item${e.ignored ? ' ignored' : ''}`}
        aria-level={level}
        aria-setsize={d.items.length}
        aria-posinset={i + 1}
        aria-expanded={isDir ? (expanded ? 'true' : 'false') : undefined}
        aria-selected={selected === e.path ? 'true' : 'false'}
        data-path={e.path}
        tabIndex={e.path === current ? 0 : -1}
        onFocus={(ev) => ev.target === ev.currentTarget && setFocus(e.path)}
        onClick={(ev) => {
          ev.stopPropagation();
          setFocus(e.path);
          choose(e);
        }}
      >
        <span class={`ftree-row${selected === e.path ? ' selected' : ''}`}>
          <span class="ftree-twisty" aria-hidden="true">
            {isDir ? (expanded ? '▾' : '▸') : ''}
          </span>
          <span class={`ftree-icon ${isDir ? 'dir' : 'file'}`} aria-hidden="true" />
          <span class="ftree-name">{e.name}</span>
          {said && <span class="visually-hidden">{said}</span>}
          {e.type === 'symlink' && <span class="small muted" aria-hidden="true"> ↪</span>}
          {mark && (
            <span class={`gitmark g-${e.git}`} title={mark[1]} aria-hidden="true">
              {mark[0]}
            </span>
          )}
        </span>
        {expanded && (
          <ul role="group">
            <Level tree={tree} dir={e.path} level={level + 1} current={current} selected={selected} refs={refs} />
          </ul>
        )}
      </li>
    );
  });
}
