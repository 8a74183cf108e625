// The one way the UI talks to /api/v1: same-origin fetch with the session
// in HttpOnly cookies (never in a script's reach or in localStorage), the
// CSRF cookie echoed in X-CSRF-Token on every request that changes
// something, JSON in and out, and the API's one error shape turned into an
// ApiError. A 401 asks the session to refresh once, then the call is retried.

export const API = '/api/v1';

export class ApiError extends Error {
  constructor(status, body, headers) {
    const e = (body && body.error) || {};
    super(e.message || (status ? `HTTP ${status}` : 'the server could not be reached'));
    this.status = status;
    this.code = e.code || (status ? 'HTTP_' + status : 'NETWORK');
    this.details = e.details || null;
    this.requestId = e.request_id || null;
    const ra = headers && headers.get('Retry-After');
    this.retryAfter = ra && /^\d+$/.test(ra) ? Number(ra) : null;
  }
}

// The pl_csrf cookie (the only one scripts may read: it proves the request
// comes from a page of this origin, it signs nothing in).
export function csrfToken() {
  const m = document.cookie.match(/(?:^|;\s*)pl_csrf=([^;]*)/);
  return m ? decodeURIComponent(m[1]) : null;
}

let onUnauthorized = null;
// fn() -> Promise<boolean>: renew the session; true when calls may be retried
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

// The fetch itself, for request() and the chat's streams (chat/sse.js):
// JSON body, the CSRF header on what changes something, the session's
// cookies, nothing cached; a network failure is an ApiError (status 0),
// an abort stays an AbortError.
export async function send(method, url, body, headers, signal) {
  const h = { ...headers };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  if (!SAFE.has(method)) {
    const t = csrfToken();
    if (t) h['X-CSRF-Token'] = t;
  }
  try {
    return await fetch(url, {
      method,
      headers: h,
      body: body !== undefined ? JSON.stringify(body) : undefined,
      credentials: 'same-origin',
      cache: 'no-store',
      signal,
    });
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError(0, null, null);
  }
}

// request('GET', '/api/v1/projects') or request('POST', 'projects', {body})
export async function request(method, path, opts = {}) {
  const { body, headers = {}, retry = true, signal } = opts;
  const url = path.startsWith('/') ? path : `${API}/${path}`;
  const res = await send(method, url, body, { Accept: 'application/json', ...headers }, signal);
  if (res.status === 401 && retry && onUnauthorized && !url.startsWith(`${API}/auth/`)) {
    if (await onUnauthorized()) return request(method, path, { ...opts, retry: false });
  }
  if (res.status === 204 || res.status === 205) return null;
  const type = res.headers.get('Content-Type') || '';
  const data = /json/.test(type) ? await res.json().catch(() => null) : null;
  if (!res.ok) throw new ApiError(res.status, data, res.headers);
  return data;
}

export const get = (path, opts) => request('GET', path, opts);
export const post = (path, body, opts) => request('POST', path, { ...opts, body });
export const del = (path, opts) => request('DELETE', path, opts);
export const patch = (path, body, opts) => request('PATCH', path, { ...opts, body });

// Every page of a list, following _links.next (at most `cap` items).
export async function getAll(href, cap) {
  const items = [];
  while (href && items.length < cap) {
    const page = await get(href);
    items.push(...(page.items || []));
    href = page._links && page._links.next ? page._links.next.href : null;
  }
  return items;
}

// A VALIDATION_ERROR's message about one field, said of the field itself:
// "local_path must be ..." -> "Must be ...". Returns [field, sentence] or null.
export function fieldError(err) {
  const field = err instanceof ApiError && err.details && err.details.field;
  if (!field) return null;
  let m = err.message;
  if (m.startsWith(field + ' ')) m = m.slice(field.length + 1);
  return [field, sentence(m)];
}

function sentence(m) {
  return m.charAt(0).toUpperCase() + m.slice(1) + (/[.!?]$/.test(m) ? '' : '.');
}

// A sentence for a person, from an ApiError (or anything thrown).
export function describe(err) {
  if (!(err instanceof ApiError)) return String((err && err.message) || err);
  switch (err.code) {
    case 'NETWORK':
      return 'The server could not be reached. Check your connection and try again.';
    case 'RATE_LIMITED':
      return `Too many requests. Try again in ${wait(err.retryAfter)}.`;
    case 'SERVER_BUSY':
    case 'DATABASE_BUSY':
      return `The server is busy. Try again in ${wait(err.retryAfter || 5)}.`;
    case 'FORBIDDEN':
      return 'Your role does not allow this.';
    default:
      return sentence(err.message);
  }
}

function wait(s) {
  if (!s) return 'a minute';
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.ceil(s / 60);
  return `${m} minute${m === 1 ? '' : 's'}`;
}
