// Who is signed in, and keeping that session alive.
//
// The tokens live in HttpOnly cookies the server sets (pl_access on /,
// pl_refresh on /api/v1/auth); this module never sees them. It knows only
// when the access token runs out (expires_in of the last login or refresh)
// and renews it a minute before, in the background, with POST /auth/refresh
// and the CSRF header. Refresh tokens are spent on use and a spent one
// presented again ends the whole session, so tabs must not refresh at the
// same time: a Web Lock serialises them, and the expiry time (a time, not a
// token) is shared in localStorage so a tab sees that another has renewed.
//
// states: loading -> setup (no account yet) | signin | signed-in
import { useEffect, useState } from 'preact/hooks';
import { get, post, request, setUnauthorizedHandler, csrfToken, ApiError } from './api.js';

const EXPIRY_KEY = 'pl.session.expires'; // ms since the epoch; no secret
const LOCK = 'pl-session-refresh';
const EARLY_MS = 60_000;

let state = { status: 'loading', user: null, via: null, role: null, notice: null };
const listeners = new Set();

function set(patch) {
  state = { ...state, ...patch };
  listeners.forEach((f) => f(state));
}

export function useSession() {
  const [s, setS] = useState(state);
  useEffect(() => {
    listeners.add(setS);
    setS(state);
    return () => listeners.delete(setS);
  }, []);
  return s;
}

let timer = null;
let myExpiry = 0;

function storedExpiry() {
  try {
    return Number(localStorage.getItem(EXPIRY_KEY)) || 0;
  } catch {
    return 0;
  }
}

function remember(expiresIn) {
  myExpiry = Date.now() + expiresIn * 1000;
  try {
    localStorage.setItem(EXPIRY_KEY, String(myExpiry));
  } catch {
    /* private mode: each tab on its own */
  }
  schedule();
}

function forget() {
  myExpiry = 0;
  clearTimeout(timer);
  timer = null;
  try {
    localStorage.removeItem(EXPIRY_KEY);
  } catch {
    /* nothing kept */
  }
}

function schedule() {
  clearTimeout(timer);
  if (!myExpiry) return;
  const due = Math.max(5_000, myExpiry - Date.now() - EARLY_MS);
  timer = setTimeout(() => refresh(), due);
}

async function withLock(fn) {
  if (navigator.locks && navigator.locks.request) return navigator.locks.request(LOCK, fn);
  return fn();
}

let inflight = null;

// Renews the session; resolves true when it is alive. One at a time.
export function refresh() {
  if (!inflight) inflight = doRefresh().finally(() => (inflight = null));
  return inflight;
}

async function doRefresh() {
  if (state.via === 'apache') return true;
  const before = storedExpiry();
  return withLock(async () => {
    // another tab renewed while this one waited for the lock: the cookies
    // it got are this tab's too
    const other = storedExpiry();
    if (other !== before && other - Date.now() > EARLY_MS) {
      myExpiry = other;
      schedule();
      return true;
    }
    if (!csrfToken()) return false;
    try {
      const r = await post('/api/v1/auth/refresh', undefined, { retry: false });
      remember(r.expires_in);
      set({ status: 'signed-in', user: r.user, role: r.user.role, via: 'cookie' });
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        forget();
        if (state.status === 'signed-in') signedOut('Your session has ended. Please sign in again.');
        return false;
      }
      // the server is away or busy: try again soon, the session may be fine
      timer = setTimeout(() => refresh(), 15_000);
      return err instanceof ApiError && err.status >= 500;
    }
  });
}

setUnauthorizedHandler(refresh);

async function signedOut(notice) {
  forget();
  let setup = false;
  try {
    setup = !!(await get('/api/v1/auth/setup', { retry: false })).setup_required;
  } catch {
    /* the sign-in form then */
  }
  set({ status: setup ? 'setup' : 'signin', user: null, via: null, role: null, notice: notice || null });
}

// First call: who is this? The Apache-authenticated user and a live access
// cookie answer /auth/me at once; otherwise the refresh cookie may still
// renew the session; otherwise sign-in (or the first-admin form).
export async function start() {
  try {
    const me = await get('/api/v1/auth/me', { retry: false });
    set({ status: 'signed-in', user: me.user, via: me.authenticated_by, role: me.effective_role });
    if (me.authenticated_by === 'cookie') {
      const known = storedExpiry();
      if (known > Date.now()) {
        myExpiry = known;
        schedule();
      } else {
        // how long this cookie lives is not known: renew now
        refresh();
      }
    }
    return;
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) {
      set({ status: 'error', notice: err.message });
      return;
    }
  }
  if (csrfToken() && (await refresh())) {
    if (state.status === 'signed-in') return;
    try {
      const me = await get('/api/v1/auth/me', { retry: false });
      set({ status: 'signed-in', user: me.user, via: me.authenticated_by, role: me.effective_role });
      return;
    } catch {
      /* signed out after all */
    }
  }
  await signedOut(null);
}

function accepted(r) {
  remember(r.expires_in);
  set({ status: 'signed-in', user: r.user, role: r.user.role, via: 'cookie', notice: null });
}

export async function signIn(username, password) {
  accepted(await post('/api/v1/auth/login', { username, password }, { retry: false }));
}

export async function createFirstAdmin(username, password) {
  accepted(await post('/api/v1/auth/setup', { username, password }, { retry: false }));
}

export async function signOut() {
  // the pages go first (their requests are aborted), then the session
  set({ status: 'loading' });
  try {
    await request('POST', '/api/v1/auth/logout', { retry: false });
  } catch {
    /* the cookies are cleared or stale either way */
  }
  await signedOut('You have signed out.');
}

// When a hidden tab comes back after its timer was throttled.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && myExpiry && myExpiry - Date.now() < EARLY_MS) refresh();
});

export function canWrite(role) {
  return role === 'developer' || role === 'admin';
}
