// The colour theme: light, dark, or the system's (prefers-color-scheme).
// Kept in the user's settings (the same on every browser) and, to paint
// the first frame right, in localStorage: a theme is no secret.
const KEY = 'pl.theme';

export function applyTheme(theme) {
  const t = theme === 'light' || theme === 'dark' ? theme : 'system';
  if (t === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = t;
  try {
    if (t === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, t);
  } catch {
    /* private mode: this page only */
  }
  return t;
}

export function storedTheme() {
  try {
    return localStorage.getItem(KEY) || 'system';
  } catch {
    return 'system';
  }
}

applyTheme(storedTheme());
