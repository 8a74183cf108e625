// Chat with the models: the threads (all or a project's; search, pin,
// archive, rename, delete, export) beside the thread in view, its reply
// streamed token by token as sanitized Markdown (markdown.js), stop,
// regenerate, edit, the versions of a message (‹ 2/3 ›), a reply resumed
// after a reload (chat/live.js), the model picker, the thread's system
// prompt and options, prompts from the library with their variables.
// Loaded lazily (app.jsx): the dashboard never downloads it.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { get, post, patch, del, request, describe, ApiError, getAll } from '../api.js';
import { navigate, onLinkClick } from '../router.js';
import { takeComposerFocus, isSearchKey, newChat } from '../shortcuts.js';
import { ago } from '../format.js';
import { applyTheme } from '../theme.js';
import { Alert } from '../components/Alert.jsx';
import { Field } from '../components/Field.jsx';
import { Dialog } from '../components/Dialog.jsx';
import { Markdown } from '../chat/Markdown.jsx';
import * as live from '../chat/live.js';
import { ToolCalls, ToolResult, ConfirmCall, LiveSteps } from '../chat/Tools.jsx';
import '../chat/chat.css';

// What to do about each way a reply can fail (the API's codes).
const HELP = {
  MODEL_NOT_FOUND: 'No enabled model server has this model. Pick another model above (the list says which servers have each), or ask an admin to pull it.',
  BUSY: 'The model server is busy. Wait a moment, then regenerate the reply.',
  TOO_MANY_STREAMS: 'As many replies are being written as the server allows. Stop one or wait for it to end, then send again.',
  REPLY_TOO_LARGE: 'The reply grew past the server’s size limit. Ask for a shorter answer, or for it in parts.',
  UPSTREAM_UNREACHABLE: 'The model server could not be reached. Regenerate to try again, or ask an admin to check the server.',
  UPSTREAM_TIMEOUT: 'The model server took too long. Regenerate, or pick a smaller model.',
  UPSTREAM_ERROR: 'The model server failed while answering. Regenerate to try again.',
  UPSTREAM_CLOSED: 'The model server ended its reply early. Regenerate to try again.',
  CLIENT_GONE: 'The reply stopped because nobody was reading it. Regenerate for a whole one.',
  INTERRUPTED: 'The server process writing the reply stopped. Regenerate.',
  STORAGE_FAILED: 'The reply could not be saved in time; it is kept as far as it was. Try again shortly.',
  DATABASE_UNAVAILABLE: 'The database could not be reached. Try again shortly.',
  RATE_LIMITED: 'Too many requests. Wait a little, then send again.',
  NETWORK: 'The connection was lost. Reload the page: a reply still being written resumes where it was.',
};

function errorText(e) {
  if (!e) return null;
  if (e.code === 'STOPPED') return null;
  const help = HELP[e.code];
  const msg = e.message ? e.message.charAt(0).toUpperCase() + e.message.slice(1) : e.code;
  return { title: msg.endsWith('.') ? msg : `${msg}.`, help, code: e.code };
}

// A sent message waiting for its thread (a new chat: the thread is made
// first, then its page opens and sends this).
let pendingSend = null;
const NUM = (v) => (v === '' || v == null ? undefined : Number(v));

const pages = (href) => getAll(href, 600);

export function Chat({ session, thread: threadParam }) {
  const tid = threadParam && /^\d+$/.test(threadParam) ? Number(threadParam) : null;
  const [threads, setThreads] = useState(null);
  const [projects, setProjects] = useState([]);
  const [models, setModels] = useState(null);
  const [settings, setSettings] = useState({});
  const [project, setProject] = useState(() => new URLSearchParams(location.search).get('project') || '');
  const [archived, setArchived] = useState(false);
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState(null);
  const [thread, setThread] = useState(null);
  const [messages, setMessages] = useState(tid ? null : []);
  const [draft, setDraft] = useState({ model: '', system_prompt: '', temperature: '', num_ctx: '' });
  const [text, setText] = useState('');
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const [sendError, setSendError] = useState(null);
  const [cut, setCut] = useState(null); // while a reply streams: the messages shown before it
  const [dialog, setDialog] = useState(null); // 'options' | 'prompts' | 'rename' | 'delete' | 'keys'
  const [listOpen, setListOpen] = useState(false);
  const s = live.useLive();
  const composer = useRef(null);
  const search = useRef(null);

  useEffect(() => {
    if (takeComposerFocus() && composer.current) composer.current.focus();
  }, []);

  const loadThreads = useCallback(async () => {
    try {
      const q = new URLSearchParams({ limit: '200' });
      if (project) q.set('project_id', project);
      q.set('archived', archived ? 'true' : 'false');
      const list = await pages(`/api/v1/threads?${q}`);
      list.sort((a, b) => (b.pinned - a.pinned) || (b.updated_at || '').localeCompare(a.updated_at || ''));
      setThreads(list);
    } catch (err) {
      setError(describe(err));
      setThreads((t) => t || []);
    }
  }, [project, archived]);

  useEffect(() => {
    loadThreads();
  }, [loadThreads]);

  useEffect(() => {
    get('/api/v1/projects?limit=200').then((r) => setProjects(r.items || []), () => {});
    get('/api/v1/models').then(
      (r) => setModels(r),
      (err) => setModels({ items: [], error: describe(err) }),
    );
    get('/api/v1/users/me/settings').then(
      (r) => {
        const st = (r && (r.settings || r)) || {};
        setSettings({ ...st, loaded: true });
        if (st.theme) applyTheme(st.theme); // chosen on another browser
        setDraft((d) => ({ ...d, model: d.model || st.model || '', system_prompt: st.system_prompt || '', temperature: st.temperature ?? '' }));
      },
      () => setSettings({ loaded: true }),
    );
  }, []);

  // a new chat of a user without a default model: the first model there is
  // (a thread without any model would be refused at its first message)
  // (a project's chat defaults come first: its model is the default then)
  const [projectModel, setProjectModel] = useState(undefined);
  useEffect(() => {
    if (!project) {
      setProjectModel(null);
      return;
    }
    setProjectModel(undefined);
    get(`/api/v1/projects/${project}/chat-defaults`).then(
      (r) => setProjectModel((r && r.model) || null),
      () => setProjectModel(null),
    );
  }, [project]);
  useEffect(() => {
    if (tid || !settings.loaded || settings.model || projectModel !== null || !models || !(models.items || []).length) return;
    setDraft((d) => (d.model ? d : { ...d, model: models.items[0].name }));
  }, [tid, settings, models, projectModel]);

  // search: titles and messages, as the user types (a little after)
  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setHits(null);
      return;
    }
    const t = setTimeout(async () => {
      try {
        const r = await get(`/api/v1/threads?q=${encodeURIComponent(q)}&limit=50`);
        setHits(r.items || []);
      } catch (err) {
        setHits([]);
        setError(describe(err));
      }
    }, 200);
    return () => clearTimeout(t);
  }, [query]);

  const loadMessages = useCallback(async () => {
    if (!tid) return [];
    const r = await get(`/api/v1/threads/${tid}/messages?view=branch&limit=200`);
    const items = r.items || [];
    setMessages(items);
    return items;
  }, [tid]);

  // the thread in view: its settings, its messages; a reply still being
  // written (reloaded page, another tab) is followed from where it is
  useEffect(() => {
    if (!tid) {
      setThread(null);
      return;
    }
    let gone = false;
    (async () => {
      try {
        const t = await get(`/api/v1/threads/${tid}`);
        if (gone) return;
        setThread(t);
        const items = await loadMessages();
        if (gone) return;
        if (pendingSend && pendingSend.tid === tid) {
          const p = pendingSend;
          pendingSend = null;
          stream('send', p.content, null, items);
          return;
        }
        const last = items[items.length - 1];
        const cur = live.current();
        if (cur.threadId === tid && (cur.status === 'streaming' || cur.status === 'starting')) {
          // still read by this tab (the page was left and came back to)
          setCut(items.filter((m) => m.id !== cur.replyId));
          const st = await live.settled();
          if (!gone) await finish(st);
          return;
        }
        if (last && last.role === 'assistant' && last.state === 'streaming') {
          setCut(items.slice(0, -1));
          await finish(await live.follow(tid, last));
        }
      } catch (err) {
        if (!gone) setError(err instanceof ApiError && err.status === 404 ? 'This chat does not exist, or is not yours.' : describe(err));
      }
    })();
    return () => {
      gone = true;
    };
  }, [tid]);

  // a stream ended: the stored messages again (with their versions), the
  // list's order and titles
  async function finish(st) {
    if (st.status === 'error' && !st.replyId) setSendError(st.error);
    else setSendError(null);
    if (st.status === 'lost') setSendError({ code: 'NETWORK', message: 'The connection to the reply was lost' });
    try {
      const items = await loadMessages();
      setCut(null);
      if (!items.some((m) => m.state === 'streaming')) live.detach();
      else setCut(items.slice(0, -1));
    } catch (err) {
      setError(describe(err));
      setCut(null);
      live.detach();
    }
    if (st.title) setThread((t) => t && { ...t, title: st.title });
    loadThreads();
  }

  async function stream(kind, content, msg, base = messages || []) {
    setSendError(null);
    setNotice(null);
    const model = thread && thread.model ? undefined : draft.model || undefined;
    let before = base;
    let st;
    if (kind === 'send') {
      setCut([...before, { id: 'pending', role: 'user', content }]);
      st = await live.send(tid, { content, ...(model ? { model } : {}) });
      // refused before anything was stored (the stream cap, a rate limit):
      // the text goes back into the box, to send again
      if (st.status === 'error' && !st.userId) setText((t) => t || content);
    } else if (kind === 'regenerate') {
      before = base.slice(0, base.findIndex((m) => m.id === msg.id));
      setCut(before);
      st = await live.regenerate(tid, msg.id, model ? { model } : undefined);
    } else {
      before = base.slice(0, base.findIndex((m) => m.id === msg.id));
      setCut([...before, { id: 'pending', role: 'user', content }]);
      st = await live.edit(tid, msg.id, { content, ...(model ? { model } : {}) });
    }
    await finish(st);
  }

  async function submit(e) {
    e && e.preventDefault();
    const content = text.trim();
    if (!content || live.busy()) return;
    if (!tid) {
      // a new chat: the thread first, with what was chosen for it
      try {
        const body = {};
        if (project) body.project_id = Number(project);
        if (draft.model) body.model = draft.model;
        if (draft.system_prompt) body.system_prompt = draft.system_prompt;
        const options = {};
        if (draft.temperature !== '') options.temperature = NUM(draft.temperature);
        if (draft.num_ctx !== '') options.num_ctx = NUM(draft.num_ctx);
        if (Object.keys(options).length) body.options = options;
        const t = await post('/api/v1/threads', body);
        pendingSend = { tid: t.id, content };
        setText('');
        navigate(`/chat/${t.id}`);
      } catch (err) {
        setSendError({ code: err.code, message: describe(err) });
      }
      return;
    }
    setText('');
    stream('send', content);
  }

  async function onStop() {
    try {
      await live.stop();
    } catch (err) {
      setError(describe(err));
    }
  }

  async function pick(mid) {
    try {
      await request('PUT', `/api/v1/threads/${tid}/leaf`, { body: { message_id: mid } });
      await loadMessages();
    } catch (err) {
      setError(describe(err));
    }
  }

  async function change(fields, said) {
    try {
      const t = await patch(`/api/v1/threads/${tid}`, fields);
      setThread(t);
      if (said) setNotice(said);
      loadThreads();
      return true;
    } catch (err) {
      setError(describe(err));
      return false;
    }
  }

  async function remove() {
    try {
      await del(`/api/v1/threads/${tid}`);
      setDialog(null);
      navigate('/chat');
    } catch (err) {
      setError(describe(err));
    }
  }

  // keyboard: Ctrl+Shift+O a new chat, Ctrl+K or / the search, Escape stops
  useEffect(() => {
    function onKey(e) {
      const mod = e.ctrlKey || e.metaKey;
      if (document.querySelector('dialog[open]')) return;
      if (mod && e.shiftKey && (e.key === 'O' || e.key === 'o')) {
        e.preventDefault();
        if (location.pathname === '/chat' && composer.current) composer.current.focus();
        else newChat();
      } else if (isSearchKey(e)) {
        e.preventDefault();
        setListOpen(true);
        setTimeout(() => search.current && search.current.focus(), 0);
      } else if (e.key === 'Escape' && live.busy()) {
        e.preventDefault();
        onStop();
      }
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const mine = s.threadId === tid && s.status !== 'idle';
  const streaming = mine && (s.status === 'starting' || s.status === 'streaming');
  const shown = mine && cut ? cut : messages || [];
  const modelName = thread ? thread.model || settings.model || '' : draft.model;
  const title = tid ? (thread ? thread.title || 'Untitled chat' : 'Chat') : 'New chat';
  const projectName = useMemo(() => new Map(projects.map((p) => [p.id, p.name])), [projects]);

  return (
    <div class={`chat${listOpen ? ' list-open' : ''}`}>
      <aside class="chat-side" aria-label="Chats">
        <div class="side-top">
          <a class="btn primary wide" href={project ? `/chat?project=${project}` : '/chat'} onClick={onLinkClick} aria-keyshortcuts="Control+Shift+O">
            New chat
          </a>
          <button type="button" class="btn ghost side-toggle" aria-expanded={listOpen ? 'true' : 'false'} aria-controls="chat-list" onClick={() => setListOpen(!listOpen)}>
            {listOpen ? 'Hide chats' : 'Chats'}
          </button>
        </div>
        <div id="chat-list" class="side-body">
          <input
            ref={search}
            type="search"
            class="input"
            placeholder="Search chats (Ctrl+K)"
            aria-label="Search chats"
            aria-keyshortcuts="Control+K /"
            value={query}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
          <div class="side-filters">
            <label class="visually-hidden" for="chat-project">Project</label>
            <select id="chat-project" value={project} onChange={(e) => setProject(e.currentTarget.value)}>
              <option value="">All chats</option>
              {projects.map((p) => (
                <option value={String(p.id)}>{p.name}</option>
              ))}
            </select>
            <label class="check">
              <input type="checkbox" checked={archived} onChange={(e) => setArchived(e.currentTarget.checked)} /> Archived
            </label>
          </div>
          {hits ? (
            <ul class="threads" aria-label="Search results">
              {hits.length === 0 && <li class="muted small">Nothing matches.</li>}
              {hits.map((h) => (
                <li key={h.thread.id}>
                  <a href={`/chat/${h.thread.id}`} onClick={onLinkClick} aria-current={h.thread.id === tid ? 'page' : undefined}>
                    <span class="t-title">{h.thread.title || 'Untitled chat'}</span>
                    {h.snippet && <span class="t-snippet">{h.snippet}</span>}
                  </a>
                </li>
              ))}
            </ul>
          ) : (
            <ul class="threads" aria-label={archived ? 'Archived chats' : 'Chats'}>
              {threads && threads.length === 0 && <li class="muted small">{archived ? 'No archived chat.' : 'No chat yet.'}</li>}
              {(threads || []).map((t) => (
                <li key={t.id}>
                  <a href={`/chat/${t.id}`} onClick={onLinkClick} aria-current={t.id === tid ? 'page' : undefined}>
                    <span class="t-title">
                      {t.pinned && <span class="pin" title="Pinned" aria-label="Pinned">📌 </span>}
                      {t.title || 'Untitled chat'}
                    </span>
                    <span class="t-meta">
                      {t.project_id && projectName.get(t.project_id) ? `${projectName.get(t.project_id)} · ` : ''}
                      {ago(t.updated_at)}
                    </span>
                  </a>
                </li>
              ))}
            </ul>
          )}
        </div>
      </aside>

      <section class="chat-main" aria-labelledby="chat-title">
        <div class="chat-head">
          <h1 id="chat-title" tabIndex={-1}>
            {title}
          </h1>
          <div class="chat-tools">
            <ModelPicker models={models} value={modelName} fallback={(!thread && projectModel) || settings.model} onChange={(m) => (tid ? change({ model: m || null }, m ? `The model is now ${m}.` : 'The model is your default.') : setDraft({ ...draft, model: m }))} />
            <button type="button" class="btn ghost small" onClick={() => setDialog('options')}>
              Options
            </button>
            {thread && (
              <>
                <button type="button" class="btn ghost small" aria-pressed={thread.pinned ? 'true' : 'false'} onClick={() => change({ pinned: !thread.pinned }, thread.pinned ? 'Unpinned.' : 'Pinned.')}>
                  {thread.pinned ? 'Unpin' : 'Pin'}
                </button>
                <button type="button" class="btn ghost small" onClick={() => setDialog('rename')}>
                  Rename
                </button>
                <button type="button" class="btn ghost small" onClick={() => change({ archived: !thread.archived }, thread.archived ? 'The chat is back among the others.' : 'The chat is archived.')}>
                  {thread.archived ? 'Unarchive' : 'Archive'}
                </button>
                <a class="btn ghost small" href={`/api/v1/threads/${tid}/export?format=markdown`} download>
                  Export
                </a>
                <a class="btn ghost small" href={`/api/v1/threads/${tid}/export?format=json`} download aria-label="Export as JSON">
                  JSON
                </a>
                <button type="button" class="btn ghost small danger-text" onClick={() => setDialog('delete')}>
                  Delete
                </button>
              </>
            )}
          </div>
        </div>
        <Alert>{error}</Alert>
        <Alert kind="success">{notice}</Alert>
        {models && models.error && <Alert kind="info">The models could not be listed: {models.error}</Alert>}

        <ol class="msgs" aria-label="Messages">
          {tid && messages === null && !error && <li class="muted">Loading the chat…</li>}
          {!tid && (
            <li class="empty-chat muted">
              Ask anything{project && projectName.get(Number(project)) ? ` about ${projectName.get(Number(project))}` : ''}. Enter sends, Shift+Enter starts a new line.
            </li>
          )}
          {shown.map((m, i) => (
            <Message
              key={m.id}
              m={m}
              threadId={tid}
              last={i === shown.length - 1}
              busy={live.busy()}
              onPick={pick}
              onRegenerate={() => stream('regenerate', null, m)}
              onEdit={(content) => stream('edit', content, m)}
            />
          ))}
          {mine && cut && <LiveReply s={s} />}
          {sendError && errorText(sendError) && (
            <li class="msg note">
              <ErrorNote e={errorText(sendError)} />
            </li>
          )}
        </ol>

        <form class="composer" onSubmit={submit}>
          <label for="composer" class="visually-hidden">
            Message
          </label>
          <textarea
            id="composer"
            ref={composer}
            rows={3}
            value={text}
            placeholder="Message the model (Enter sends, Shift+Enter: new line)"
            aria-keyshortcuts="Enter"
            onInput={(e) => setText(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
                e.preventDefault();
                submit();
              }
            }}
          />
          <div class="composer-bar">
            <button type="button" class="btn ghost small" onClick={() => setDialog('prompts')}>
              Insert prompt
            </button>
            <span class="small muted live-figures">{mine && s.tokens > 0 ? liveFigures(s) : ''}</span>
            {streaming ? (
              <button type="button" class="btn danger" onClick={onStop} aria-keyshortcuts="Escape">
                Stop
              </button>
            ) : (
              <button type="submit" class="btn primary" disabled={!text.trim() || live.busy()}>
                Send
              </button>
            )}
          </div>
          <p class="small muted shortcuts">
            <kbd>Enter</kbd> send · <kbd>Esc</kbd> stop · <kbd>Ctrl</kbd>+<kbd>K</kbd> search · <kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>O</kbd> new chat
          </p>
        </form>
        <div class="visually-hidden" role="status" aria-live="polite">
          {mine && s.status === 'done' ? 'The reply is complete.' : mine && s.status === 'stopped' ? 'The reply was stopped.' : ''}
        </div>
      </section>

      <OptionsDialog
        open={dialog === 'options'}
        onClose={() => setDialog(null)}
        values={thread ? { system_prompt: thread.system_prompt || '', temperature: thread.options?.temperature ?? '', num_ctx: thread.options?.num_ctx ?? '' } : draft}
        onSave={async (v) => {
          if (!thread) {
            setDraft({ ...draft, ...v });
            setDialog(null);
            return;
          }
          const options = { ...(thread.options || {}) };
          delete options.temperature;
          delete options.num_ctx;
          if (v.temperature !== '') options.temperature = NUM(v.temperature);
          if (v.num_ctx !== '') options.num_ctx = NUM(v.num_ctx);
          if (await change({ system_prompt: v.system_prompt || null, options }, 'The chat’s options are saved.')) setDialog(null);
        }}
      />
      <PromptDialog
        open={dialog === 'prompts'}
        projectId={thread ? thread.project_id : project ? Number(project) : null}
        onClose={() => setDialog(null)}
        onInsert={(t) => {
          const el = composer.current;
          const at = el ? el.selectionStart ?? text.length : text.length;
          setText(text.slice(0, at) + t + text.slice(at));
          setDialog(null);
          setTimeout(() => el && el.focus(), 0);
        }}
      />
      <RenameDialog
        open={dialog === 'rename'}
        title={thread ? thread.title || '' : ''}
        onClose={() => setDialog(null)}
        onSave={async (t) => {
          if (await change({ title: t }, 'Renamed.')) setDialog(null);
        }}
      />
      <Dialog open={dialog === 'delete'} title="Delete this chat?" onClose={() => setDialog(null)} labelledBy="delete-title">
        <p>“{thread ? thread.title || 'Untitled chat' : ''}” and all its messages are deleted for good. Export it first to keep a copy.</p>
        <div class="dialog-actions">
          <button type="button" class="btn ghost" onClick={() => setDialog(null)} autoFocus>
            Cancel
          </button>
          <button type="button" class="btn danger" onClick={remove}>
            Delete
          </button>
        </div>
      </Dialog>
    </div>
  );
}

function liveFigures(s) {
  const r = live.rate(s);
  return `${s.tokens} tokens${r ? ` · ${r.toFixed(1)} tokens/s` : ''}`;
}

function figures(m) {
  if (m.role !== 'assistant' || !m.completion_tokens) return null;
  const parts = [`${m.completion_tokens} tokens`];
  if (m.tokens_per_second) parts.push(`${Number(m.tokens_per_second).toFixed(1)} tokens/s`);
  if (m.duration_ms) parts.push(`${(m.duration_ms / 1000).toFixed(1)} s`);
  if (m.prompt_tokens) parts.push(`${m.prompt_tokens} in`);
  return parts.join(' · ');
}

function ModelPicker({ models, value, fallback, onChange }) {
  const items = (models && models.items) || [];
  const known = items.some((m) => m.name === value);
  return (
    <>
      <label for="chat-model" class="visually-hidden">
        Model
      </label>
      <select id="chat-model" class="model-picker" value={value || ''} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">{fallback ? `Default (${fallback})` : 'Default model'}</option>
        {value && !known && <option value={value}>{value} (not on any server)</option>}
        {items.map((m) => (
          <option value={m.name}>
            {m.name}
            {m.servers && m.servers.length ? ` — ${m.servers.map((x) => x.name).join(', ')}` : ''}
          </option>
        ))}
      </select>
    </>
  );
}

function ErrorNote({ e }) {
  return (
    <div class="alert error" role="alert">
      <strong>{e.title}</strong>
      {e.help && <span class="help"> {e.help}</span>}
    </div>
  );
}

function Thinking({ text, open }) {
  if (!text) return null;
  return (
    <details class="thinking" open={open}>
      <summary>Thinking</summary>
      <div class="thinking-text">{text}</div>
    </details>
  );
}

function Siblings({ m, onPick, busy }) {
  const n = m.sibling_count || 0;
  if (n < 2 || !m.sibling_ids) return null;
  const i = m.sibling_ids.indexOf(m.id);
  return (
    <span class="siblings" role="group" aria-label="Versions">
      <button type="button" class="btn ghost small" aria-label="Previous version" disabled={busy || i <= 0} onClick={() => onPick(m.sibling_ids[i - 1])}>
        ‹
      </button>
      <span class="small">
        {i + 1}/{n}
      </span>
      <button type="button" class="btn ghost small" aria-label="Next version" disabled={busy || i >= n - 1} onClick={() => onPick(m.sibling_ids[i + 1])}>
        ›
      </button>
    </span>
  );
}

function Message({ m, threadId, last, busy, onPick, onRegenerate, onEdit }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(m.content);
  const ref = useRef(null);
  useEffect(() => {
    if (editing && ref.current) ref.current.focus();
  }, [editing]);
  if (m.role === 'system') return null;
  if (m.role === 'tool') {
    return (
      <li class="msg role-tool" data-id={m.id}>
        <ToolResult name={m.tool_name} result={m.content} code={m.error_code} />
      </li>
    );
  }
  const user = m.role === 'user';
  const err = !user && m.error_code ? errorText({ code: m.error_code, message: m.error_code === 'STOPPED' ? '' : HELP[m.error_code] ? m.error_code.toLowerCase().replace(/_/g, ' ') : m.error_code }) : null;
  return (
    <li class={`msg role-${m.role}`} data-id={m.id}>
      <div class="msg-head">
        <span class="msg-who">{user ? 'You' : m.model || 'Model'}</span>
        <Siblings m={m} onPick={onPick} busy={busy} />
      </div>
      {user ? (
        editing ? (
          <form
            class="edit"
            onSubmit={(e) => {
              e.preventDefault();
              setEditing(false);
              if (value.trim() && value !== m.content) onEdit(value.trim());
            }}
          >
            <label class="visually-hidden" for={`edit-${m.id}`}>
              Edit your message
            </label>
            <textarea
              id={`edit-${m.id}`}
              ref={ref}
              rows={3}
              value={value}
              onInput={(e) => setValue(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape') {
                  e.stopPropagation();
                  setEditing(false);
                }
              }}
            />
            <div class="dialog-actions">
              <button type="button" class="btn ghost small" onClick={() => setEditing(false)}>
                Cancel
              </button>
              <button type="submit" class="btn primary small">
                Save and send
              </button>
            </div>
          </form>
        ) : (
          <div class="user-text">{m.content}</div>
        )
      ) : (
        <>
          <Thinking text={m.thinking} />
          <Markdown text={m.content} />
          <ToolCalls calls={m.tool_calls} />
          {(m.awaiting_confirmation || []).map((c) => (
            <ConfirmCall key={c.call_id} threadId={threadId} messageId={m.id} call={c} />
          ))}
        </>
      )}
      {m.error_code === 'STOPPED' && <p class="small muted">Stopped.</p>}
      {err && <ErrorNote e={err} />}
      {!editing && m.id !== 'pending' && (
        <div class="msg-actions">
          {user && (
            <button type="button" class="btn ghost small" disabled={busy} onClick={() => (setValue(m.content), setEditing(true))}>
              Edit
            </button>
          )}
          {!user && (
            <button type="button" class="btn ghost small" disabled={busy} onClick={onRegenerate} aria-label={last ? 'Regenerate the reply' : 'Regenerate this reply'}>
              Regenerate
            </button>
          )}
          {!user && m.content && <CopyButton text={m.content} />}
          {!user && <span class="small muted figures-line">{figures(m)}</span>}
        </div>
      )}
    </li>
  );
}

function CopyButton({ text }) {
  const [said, setSaid] = useState('Copy');
  return (
    <button
      type="button"
      class="btn ghost small"
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
          setSaid('Copied');
        } catch {
          setSaid('Copy failed');
        }
        setTimeout(() => setSaid('Copy'), 1500);
      }}
    >
      {said}
    </button>
  );
}

function LiveReply({ s }) {
  const going = s.status === 'starting' || s.status === 'streaming';
  const err = s.status === 'error' && s.replyId ? errorText(s.error) : null;
  return (
    <li class="msg role-assistant live" aria-busy={going ? 'true' : 'false'}>
      <div class="msg-head">
        <span class="msg-who">{s.model || 'Model'}</span>
        {going && <span class="small muted typing">{s.resumed ? 'resumed · writing…' : 'writing…'}</span>}
      </div>
      <LiveSteps steps={s.steps} />
      <Thinking text={s.thinking} open={going && !s.content} />
      <Markdown text={s.content} live />
      {s.confirm && <ConfirmCall key={s.confirm.call_id} threadId={s.threadId} messageId={s.confirm.message_id} call={s.confirm} />}
      {s.status === 'stopped' && <p class="small muted">Stopped.</p>}
      {err && <ErrorNote e={err} />}
    </li>
  );
}

function OptionsDialog({ open, onClose, values, onSave }) {
  const [v, setV] = useState(values);
  useEffect(() => {
    if (open) setV(values);
  }, [open]);
  const set = (k) => (e) => setV({ ...v, [k]: e.currentTarget.value });
  return (
    <Dialog open={open} title="This chat’s options" onClose={onClose} labelledBy="options-title">
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          onSave(v);
        }}
      >
        <Field id="opt-system" label="System prompt" hint="Said to the model before anything else. {{date}}, {{user}} and {{project.name}} are filled in.">
          <textarea rows={4} value={v.system_prompt} onInput={set('system_prompt')} autoFocus maxLength={20000} />
        </Field>
        <Field id="opt-temperature" label="Temperature" hint="0 is steady, 1 and more is inventive. Empty: the default.">
          <input type="number" min="0" max="2" step="0.1" value={v.temperature} onInput={set('temperature')} />
        </Field>
        <Field id="opt-ctx" label="Context length (tokens)" hint="Empty: the model’s default.">
          <input type="number" min="256" step="256" value={v.num_ctx} onInput={set('num_ctx')} />
        </Field>
        <div class="dialog-actions">
          <button type="button" class="btn ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="btn primary">
            Save options
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function RenameDialog({ open, title, onClose, onSave }) {
  const [v, setV] = useState(title);
  useEffect(() => {
    if (open) setV(title);
  }, [open]);
  return (
    <Dialog open={open} title="Rename the chat" onClose={onClose} labelledBy="rename-title">
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (v.trim()) onSave(v.trim());
        }}
      >
        <Field id="rename-input" label="Title">
          <input value={v} onInput={(e) => setV(e.currentTarget.value)} required maxLength={200} autoFocus />
        </Field>
        <div class="dialog-actions">
          <button type="button" class="btn ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="btn primary">
            Rename
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function PromptDialog({ open, onClose, onInsert, projectId }) {
  const [list, setList] = useState(null);
  const [q, setQ] = useState('');
  const [chosen, setChosen] = useState(null);
  const [vars, setVars] = useState({});
  const [error, setError] = useState(null);
  useEffect(() => {
    if (!open) return;
    setChosen(null);
    setError(null);
    get('/api/v1/prompts?limit=200').then(
      (r) => setList(r.items || []),
      (err) => setError(describe(err)),
    );
  }, [open]);
  async function choose(p) {
    try {
      const full = await get(`/api/v1/prompts/${p.id}`);
      setChosen(full);
      setVars(Object.fromEntries((full.variables || []).map((n) => [n, ''])));
      setError(null);
    } catch (err) {
      setError(describe(err));
    }
  }
  async function insert(e) {
    e.preventDefault();
    try {
      const body = { variables: vars };
      if (projectId) body.project_id = projectId;
      const r = await post(`/api/v1/prompts/${chosen.id}/render`, body);
      onInsert(r.text);
    } catch (err) {
      setError(err instanceof ApiError && err.code === 'MISSING_VARIABLES' ? `Fill in: ${(err.details.missing || []).join(', ')}.` : describe(err));
    }
  }
  const shown = (list || []).filter((p) => !q || `${p.name} ${p.description || ''}`.toLowerCase().includes(q.toLowerCase()));
  return (
    <Dialog open={open} title={chosen ? `Insert “${chosen.name}”` : 'Insert a prompt'} onClose={onClose} labelledBy="prompts-title">
      <Alert>{error}</Alert>
      {!chosen ? (
        <div class="stack">
          <Field id="prompt-q" label="Find a prompt">
            <input type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} autoFocus />
          </Field>
          <ul class="prompt-list">
            {list && shown.length === 0 && <li class="muted small">{list.length ? 'Nothing matches.' : 'The library is empty: developers add prompts through the API.'}</li>}
            {shown.map((p) => (
              <li key={p.id}>
                <button type="button" class="btn ghost wide prompt-item" onClick={() => choose(p)}>
                  <strong>{p.name}</strong>
                  {p.description && <span class="small muted"> — {p.description}</span>}
                </button>
              </li>
            ))}
          </ul>
          <div class="dialog-actions">
            <button type="button" class="btn ghost" onClick={onClose}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <form class="stack" onSubmit={insert}>
          {(chosen.variables || []).length === 0 && <p class="small muted">This prompt has no variables.</p>}
          {(chosen.variables || []).map((n, i) => (
            <Field id={`var-${n}`} label={n}>
              <textarea rows={n === 'code' || n === 'text' ? 4 : 1} value={vars[n]} onInput={(e) => setVars({ ...vars, [n]: e.currentTarget.value })} autoFocus={i === 0} required />
            </Field>
          ))}
          <div class="dialog-actions">
            <button type="button" class="btn ghost" onClick={() => setChosen(null)}>
              Back
            </button>
            <button type="submit" class="btn primary">
              Insert
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

export default Chat;
