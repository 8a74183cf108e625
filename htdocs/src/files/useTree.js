// The state of the files tree: each directory's entries (loaded when it is
// first expanded, sorted folders first), which folders are open, the item
// with the focus and the one selected. reload(dir) after a change there.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { describe } from '../api.js';
import { sortEntries } from './fsapi.js';

export function useTree(fs, onOpenFile) {
  const [dirs, setDirs] = useState({}); // path -> {items, loading, error}
  const [open, setOpen] = useState(() => new Set());
  const [focus, setFocus] = useState(null);
  const [selected, setSelected] = useState(null); // the chosen entry's path
  const [kinds, setKinds] = useState({}); // path -> type, of what was seen

  const load = useCallback(
    async (dir) => {
      setDirs((d) => ({ ...d, [dir]: { ...(d[dir] || {}), loading: !(d[dir] && d[dir].items) } }));
      try {
        // .git is the repository's own (the API lets nobody write there):
        // hidden, as editors do
        const items = sortEntries((await fs.list(dir)).filter((e) => !(dir === '' && e.name === '.git')));
        setDirs((d) => ({ ...d, [dir]: { items } }));
        setKinds((k) => {
          const n = { ...k };
          for (const e of items) n[e.path] = e.type;
          return n;
        });
      } catch (err) {
        setDirs((d) => ({ ...d, [dir]: { error: describe(err) } }));
      }
    },
    [fs],
  );

  useEffect(() => {
    load('');
  }, [load]);

  function toggle(path) {
    if (!open.has(path)) load(path);
    setOpen((o) => {
      const next = new Set(o);
      if (!next.delete(path)) next.add(path);
      return next;
    });
  }

  function choose(e) {
    setSelected(e.path);
    if (e.type === 'dir') toggle(e.path);
    else onOpenFile(e.path);
  }

  // after a change: the directory again, and its ancestors already shown
  // (their marks)
  async function reload(dir) {
    const chain = [dir];
    for (let d = dir; d; ) chain.push((d = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : ''));
    await Promise.all(chain.filter((d) => d === dir || d === '' || dirs[d]).map(load));
  }

  // folders opened (those not loaded yet, loaded)
  function expand(paths) {
    paths.filter((d) => !dirs[d]).forEach(load);
    setOpen((o) => new Set([...o, ...paths]));
  }

  // dir and its ancestors opened
  function reveal(dir) {
    const chain = [];
    for (let d = dir; d; d = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '') chain.push(d);
    expand(chain);
  }

  return { dirs, open, focus, selected, kinds, setFocus, setSelected, toggle, choose, reload, reveal, expand, load };
}
