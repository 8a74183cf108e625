// The reply being streamed, kept outside the page's components so that it
// survives them (a thread's page mounted anew, the user looking at another
// thread meanwhile). One at a time per tab: the server caps streams per user.
//
// A stream starts with POST (a message, a regenerate, an edit) and is read
// with fetch() (sse.js). If the page is reloaded, or opened in another tab,
// while a reply is still being written, the thread's messages show it with
// state "streaming" and what was stored so far; follow() then asks the
// reply's own stream with Last-Event-ID set to the position of that stored
// text (bytes of content and of thinking, "C.T", as the API numbers its
// events) and gets only what came after it.
import { useEffect, useState } from 'preact/hooks';
import { open } from './sse.js';
import { post, ApiError } from '../api.js';

const utf8 = new TextEncoder();
// steps: a reply's tool calls and results so far, and the text the model
// wrote before each call ({kind: 'text'|'call'|'result', ...}); confirm: the
// write tool call the stream waits on ({message_id, call_id, name, arguments})
const blank = { threadId: null, replyId: null, userId: null, content: '', thinking: '', status: 'idle', error: null, model: null, tokens: 0, firstAt: 0, lastAt: 0, figures: null, title: null, resumed: false, steps: [], confirm: null };
let live = { ...blank };
const subs = new Set();
let controller = null;

function set(patch) {
  live = { ...live, ...patch };
  subs.forEach((f) => f(live));
}

export function useLive() {
  const [s, setS] = useState(live);
  useEffect(() => {
    subs.add(setS);
    setS(live);
    return () => subs.delete(setS);
  }, []);
  return s;
}

export const current = () => live;
export const busy = () => live.status === 'streaming' || live.status === 'starting';

// Reads a stream of events into `live`; resolves with the final state.
async function consume(iter, onEvent) {
  for await (const ev of iter) {
    const now = performance.now();
    switch (ev.event) {
      case 'start':
        if (live.replyId && live.replyId !== ev.data.message_id) {
          // the model's next reply after a tool's result: what it wrote
          // before the call stays in the steps
          const steps = live.content ? [...live.steps, { kind: 'text', text: live.content }] : live.steps;
          set({ steps, content: '', thinking: '', replyId: ev.data.message_id, model: ev.data.model || live.model, status: 'streaming' });
        } else set({ replyId: ev.data.message_id, userId: ev.data.user_message_id, model: ev.data.model, status: 'streaming' });
        break;
      case 'tool_call':
        set({ steps: [...live.steps, { kind: 'call', call_id: ev.data.call_id, name: ev.data.name, arguments: ev.data.arguments }] });
        break;
      case 'confirm':
        set({ confirm: ev.data });
        break;
      case 'tool_result':
        set({
          steps: [...live.steps, { kind: 'result', call_id: ev.data.call_id, name: ev.data.name, error: ev.data.error, code: ev.data.code, result: ev.data.result }],
          confirm: live.confirm && live.confirm.call_id === ev.data.call_id ? null : live.confirm,
        });
        break;
      case 'token':
        set({ content: live.content + (ev.data.text || ''), tokens: live.tokens + 1, firstAt: live.firstAt || now, lastAt: now });
        break;
      case 'thinking':
        set({ thinking: live.thinking + (ev.data.text || ''), tokens: live.tokens + 1, firstAt: live.firstAt || now, lastAt: now });
        break;
      case 'title':
        set({ title: ev.data.title });
        break;
      case 'done':
        set({ status: 'done', figures: ev.data, content: ev.data.content ?? live.content, thinking: ev.data.thinking ?? live.thinking });
        break;
      case 'error':
        set({ status: ev.data.code === 'STOPPED' ? 'stopped' : 'error', error: { code: ev.data.code, message: ev.data.message } });
        break;
      default:
        break;
    }
    onEvent && onEvent(ev);
  }
  if (live.status === 'streaming' || live.status === 'starting') {
    // the connection ended without done or error: the reply may go on
    set({ status: 'lost' });
  }
  return live;
}

function begin(threadId, patch = {}) {
  if (controller) controller.abort();
  controller = new AbortController();
  live = { ...blank, threadId, status: 'starting', ...patch };
  subs.forEach((f) => f(live));
  return controller.signal;
}

let running = Promise.resolve(live);
// the stream being read, as a promise of its end (a page mounted again
// while it runs waits for it)
export const settled = () => running;

function run(threadId, method, path, body, opts = {}) {
  running = read(threadId, method, path, body, opts);
  return running;
}

async function read(threadId, method, path, body, opts = {}) {
  const signal = begin(threadId, opts.patch);
  try {
    const iter = await open(method, path, body, { signal, lastEventId: opts.lastEventId });
    return await consume(iter, opts.onEvent);
  } catch (err) {
    if (err && err.name === 'AbortError') return live;
    const e = err instanceof ApiError ? { code: err.code, message: err.message, retryAfter: err.retryAfter } : { code: 'NETWORK', message: String(err) };
    set({ status: e.code === 'NETWORK' && live.replyId ? 'lost' : 'error', error: e });
    return live;
  }
}

export const send = (threadId, body, opts) => run(threadId, 'POST', `threads/${threadId}/messages`, body, opts);
export const regenerate = (threadId, mid, body, opts) => run(threadId, 'POST', `threads/${threadId}/messages/${mid}/regenerate`, body, opts);
export const edit = (threadId, mid, body, opts) => run(threadId, 'POST', `threads/${threadId}/messages/${mid}/edit`, body, opts);

// Follow a reply still being written (its stored state "streaming"), from
// where the stored text ends.
// A reader counts as a stream of the user's: just after a reload the
// connection the page had may still hold the user's last slot (the server
// notices it gone a little later), so a refusal for the stream cap is asked
// again a few times, as Retry-After says.
export async function follow(threadId, msg, opts = {}) {
  const c = msg.content || '';
  const t = msg.thinking || '';
  const lastEventId = `${utf8.encode(c).length}.${utf8.encode(t).length}`;
  for (let attempt = 0; ; attempt++) {
    const st = await run(threadId, 'GET', `threads/${threadId}/messages/${msg.id}/stream`, undefined, {
      ...opts,
      lastEventId,
      patch: { replyId: msg.id, userId: msg.parent_id, content: c, thinking: t, model: msg.model, status: 'streaming', resumed: true },
    });
    if (st.status !== 'error' || !st.error || st.error.code !== 'TOO_MANY_STREAMS' || attempt >= 5) return st;
    await new Promise((r) => setTimeout(r, 1000 * Math.min(st.error.retryAfter || 2, 10)));
    if (live.threadId !== threadId || live.replyId !== msg.id) return live;
  }
}

// Stop: the server stops the model (POST .../stop); the stream then ends
// with an error event STOPPED, which ends the reading too.
export async function stop() {
  if (!live.threadId) return;
  try {
    await post(`threads/${live.threadId}/stop`);
  } catch (err) {
    // nothing running any more (404/409): just stop reading
    if (controller) controller.abort();
    set({ status: 'stopped' });
    if (!(err instanceof ApiError)) throw err;
  }
}

// Leave the reply to the server (a page gone): stop reading only.
export function detach() {
  if (controller) controller.abort();
  controller = null;
  live = { ...blank };
  subs.forEach((f) => f(live));
}

// Tokens per second so far (null before two tokens)
export function rate(s) {
  if (s.tokens < 2 || !s.firstAt || s.lastAt <= s.firstAt) return null;
  return ((s.tokens - 1) * 1000) / (s.lastAt - s.firstAt);
}
