// Server-Sent Events read from a fetch() body. EventSource cannot POST (a
// message is sent with POST and its reply streamed back) nor set headers,
// so the chat reads the stream itself: a ReadableStream decoded as UTF-8,
// split into lines, events dispatched at each blank line (the WHATWG
// parsing rules: `event`, `data` (joined by newlines), `id`, comments).
// Our own 50 lines rather than @microsoft/fetch-event-source: that package
// retries on its own (a retried POST would send the message twice) and
// reopens the stream when a hidden tab comes back; resuming here is a GET
// of the reply's own stream with Last-Event-ID (resume()), which only the
// chat knows how to ask.
import { ApiError, send, API } from '../api.js';
import { refresh } from '../session.js';

export async function* events(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  let ev = { event: 'message', data: [], id: null };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value;
      let nl;
      while ((nl = buf.search(/\r\n|\r|\n/)) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + (buf[nl] === '\r' && buf[nl + 1] === '\n' ? 2 : 1));
        if (line === '') {
          if (ev.data.length) yield { event: ev.event, id: ev.id, data: ev.data.join('\n') };
          ev = { event: 'message', data: [], id: ev.id };
          continue;
        }
        if (line.startsWith(':')) continue;
        const c = line.indexOf(':');
        const field = c < 0 ? line : line.slice(0, c);
        let value = c < 0 ? '' : line.slice(c + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'event') ev.event = value;
        else if (field === 'data') ev.data.push(value);
        else if (field === 'id') ev.id = value;
      }
    }
  } finally {
    reader.releaseLock();
  }
}

// open('POST', 'threads/3/messages', {content}) -> async iterator of
// {event, id, data (parsed JSON)}; an error reply before the stream (JSON)
// is thrown as an ApiError. A 401 renews the session once.
export async function open(method, path, body, { signal, lastEventId, retry = true } = {}) {
  const headers = { Accept: 'text/event-stream' };
  if (lastEventId) headers['Last-Event-ID'] = lastEventId;
  const res = await send(method, `${API}/${path}`, body, headers, signal);
  if (res.status === 401 && retry && (await refresh())) return open(method, path, body, { signal, lastEventId, retry: false });
  if (res.status === 204) return (async function* () {})();
  const type = res.headers.get('Content-Type') || '';
  if (!res.ok || !/event-stream/.test(type)) {
    const data = /json/.test(type) ? await res.json().catch(() => null) : null;
    throw new ApiError(res.ok ? 502 : res.status, data, res.headers);
  }
  return (async function* () {
    for await (const e of events(res.body)) {
      let data = null;
      try {
        data = JSON.parse(e.data);
      } catch {
        data = e.data;
      }
      yield { event: e.event, id: e.id, data };
    }
  })();
}
