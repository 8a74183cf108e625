// The sanitized HTML of a Markdown text being edited (markdown.js: marked,
// then DOMPurify), a moment after typing stops, for the plan editor's and
// the file editor's previews. markdown.js is loaded with import() on first
// use. Returns [html or null while it loads, error or null].
import { useEffect, useState } from 'preact/hooks';

let markdown = null;
const load = () => (markdown ? Promise.resolve(markdown) : import('./markdown.js').then((m) => (markdown = m)));

export function usePreview(text, delay = 120) {
  const [html, setHtml] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      load()
        .then((m) => live && setHtml(m.renderMarkdown(text)))
        .catch(() => live && setError('The preview could not be loaded.'));
    }, delay);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [text]);
  return [html, error];
}
