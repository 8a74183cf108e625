// The prompt library: the list (search by name, filter by tag) beside the
// prompt chosen: its editor (admin/PromptEditor.jsx), its versions with a
// diff and restore (admin/PromptVersions.jsx) and a streamed test run
// (admin/PromptTest.jsx). "New prompt" opens an empty editor.
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, describe } from '../../api.js';
import { Alert } from '../../components/Alert.jsx';
import { Field } from '../../components/Field.jsx';
import { PromptEditor } from '../../admin/PromptEditor.jsx';
import { PromptVersions } from '../../admin/PromptVersions.jsx';
import { PromptTest } from '../../admin/PromptTest.jsx';

export function Prompts() {
  const [list, setList] = useState(null);
  const [q, setQ] = useState('');
  const [tag, setTag] = useState('');
  const [error, setError] = useState(null);
  const [chosen, setChosen] = useState(null); // a prompt, or {} for a new one
  const [changed, setChanged] = useState(0); // bumped at each save or restore

  const asked = useRef(0);
  async function load() {
    const p = new URLSearchParams({ limit: 200 });
    if (q.trim()) p.set('q', q.trim());
    if (tag) p.set('tag', tag);
    const n = ++asked.current; // only the latest question's answer is shown
    try {
      const items = (await get(`/api/v1/prompts?${p}`)).items || [];
      if (n === asked.current) (setList(items), setError(null));
    } catch (err) {
      if (n === asked.current) setError(describe(err));
    }
  }
  useEffect(() => {
    const t = setTimeout(load, 200);
    return () => clearTimeout(t);
  }, [q, tag]);

  async function open(id) {
    try {
      setChosen(await get(`/api/v1/prompts/${id}`));
    } catch (err) {
      setError(describe(err));
    }
  }
  const tags = [...new Set((list || []).flatMap((p) => p.tags || []))].sort();

  return (
    <section aria-labelledby="prompts-title">
      <div class="page-head">
        <h2 id="prompts-title">Prompt library</h2>
        <button type="button" class="btn primary" onClick={() => setChosen({})}>
          New prompt
        </button>
      </div>
      <Alert>{error}</Alert>
      <div class="prompts">
        <div>
          <div class="filters">
            <Field id="pr-q" label="Search">
              <input type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
            </Field>
            <Field id="pr-tag" label="Tag">
              <select value={tag} onChange={(e) => setTag(e.currentTarget.value)}>
                <option value="">Any</option>
                {tag && !tags.includes(tag) && <option value={tag}>{tag}</option>}
                {tags.map((t) => (
                  <option value={t}>{t}</option>
                ))}
              </select>
            </Field>
          </div>
          {list && list.length === 0 && <p class="muted">No prompt{q || tag ? ' matches' : ' yet'}.</p>}
          <ul class="prompt-list" aria-label="Prompts">
            {(list || []).map((p) => (
              <li key={p.id}>
                <a
                  href={`/admin/prompts?id=${p.id}`}
                  aria-current={chosen && chosen.id === p.id ? 'true' : undefined}
                  onClick={(e) => (e.preventDefault(), open(p.id))}
                >
                  {p.name}
                  <span class="small muted block">
                    v{p.version}
                    {p.owner ? ` · ${p.owner}` : ''}
                    {(p.tags || []).length ? ` · ${p.tags.join(', ')}` : ''}
                  </span>
                </a>
              </li>
            ))}
          </ul>
        </div>
        <div>
          {!chosen && <p class="muted">Choose a prompt, or make a new one.</p>}
          {chosen && (
            <PromptEditor
              key={chosen.id || 'new'}
              prompt={chosen}
              onSaved={(p) => (setChosen(p), setChanged((n) => n + 1), load())}
              onDeleted={() => (setChosen(null), load())}
            />
          )}
          {chosen && chosen.id && (
            <PromptVersions key={`v${chosen.id}`} prompt={chosen} changed={changed} onRestored={(p) => (setChosen(p), setChanged((n) => n + 1), load())} />
          )}
          {chosen && chosen.id && <PromptTest key={`t${chosen.id}`} prompt={chosen} />}
        </div>
      </div>
    </section>
  );
}
