// A Markdown file's preview: markdown.js's sanitized rendering (marked,
// then DOMPurify; no images, links only to safe places), a moment after
// typing stops (usePreview).
import { usePreview } from '../usePreview.js';

export function MarkdownPreview({ text }) {
  const [html, error] = usePreview(text, 150);
  return (
    <section class="md-preview card" aria-label="Preview" tabIndex={0}>
      {error && <p class="alert error">{error}</p>}
      {html !== null && <div class="markdown" dangerouslySetInnerHTML={{ __html: html }} />}
    </section>
  );
}
