// A small router over the History API: paths like /projects/3 are real URLs
// (Apache serves index.html for any path without a file: FallbackResource).
// Routes are [pattern, Component]; ':name' segments become props.
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set();

export function navigate(to, { replace = false } = {}) {
  if (to === location.pathname + location.search) return;
  history[replace ? 'replaceState' : 'pushState'](null, '', to);
  listeners.forEach((f) => f());
}

window.addEventListener('popstate', () => listeners.forEach((f) => f()));

export function usePath() {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const f = () => setPath(location.pathname);
    listeners.add(f);
    return () => listeners.delete(f);
  }, []);
  return path;
}

export function match(routes, path) {
  for (const [pattern, component] of routes) {
    const want = pattern.split('/');
    const got = path.split('/');
    if (pattern !== '*' && want.length !== got.length) continue;
    const params = {};
    if (pattern === '*' || want.every((w, i) => (w.startsWith(':') ? (params[w.slice(1)] = decodeURIComponent(got[i])) : w === got[i]))) {
      return { component, params };
    }
  }
  return null;
}

// <Link href="/x">: a plain link the router follows without a reload
export function onLinkClick(e) {
  const a = e.currentTarget;
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  if (a.origin !== location.origin) return;
  e.preventDefault();
  navigate(a.pathname + a.search);
}
