// A Markdown file's preview: markdown.js's sanitized rendering (marked,
// then DOMPurify; no images, links only to safe places), a moment after
// typing stops. markdown.js is loaded with import() on first use.
import { useEffect, useState } from 'preact/hooks';

let markdown = null;
const load = () => (markdown ? Promise.resolve(markdown) : import('../markdown.js').then((m) => (markdown = m)));

export function MarkdownPreview({ text }) {
  const [html, setHtml] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      load()
        .then((m) => live && setHtml(m.renderMarkdown(text)))
        .catch(() => live && setError('The preview could not be loaded.'));
    }, 150);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [text]);
  return (
    <section class="md-preview card" aria-label="Preview" tabIndex={0}>
      {error && <p class="alert error">{error}</p>}
      {html !== null && <div class="markdown" dangerouslySetInnerHTML={{ __html: html }} />}
    </section>
  );
}
