// A model's Markdown, sanitized (../markdown.js, with highlighting),
// rendered again as it grows: at most once per animation frame while tokens
// arrive. The renderer and highlight.js are loaded with import() on first
// use. Code blocks get a copy button; a click on it copies the block's text.
import { useEffect, useRef } from 'preact/hooks';

let md = null; // ../markdown.js, once it and highlight.js are loaded
let loading = null;
const load = () =>
  (loading ||= import('../markdown.js').then(async (m) => {
    await m.loadHighlighting();
    md = m;
  }));

export function Markdown({ text, class: cls = '' }) {
  const ref = useRef(null);
  const frame = useRef(0);
  useEffect(() => {
    let live = true;
    const draw = () => {
      cancelAnimationFrame(frame.current);
      frame.current = requestAnimationFrame(() => {
        const el = ref.current;
        if (!el) return;
        el.innerHTML = md.renderMarkdown(text, { highlight: true });
        md.addCopyButtons(el);
      });
    };
    if (md) draw();
    else load().then(() => live && draw());
    return () => {
      live = false;
      cancelAnimationFrame(frame.current);
    };
  }, [text]);
  async function onClick(e) {
    const b = e.target.closest && e.target.closest('button.copy');
    if (!b) return;
    const code = b.parentElement.querySelector('code');
    try {
      await navigator.clipboard.writeText(code ? code.innerText : '');
      b.firstChild.data = 'Copied';
    } catch {
      b.firstChild.data = 'Copy failed';
    }
    setTimeout(() => (b.firstChild.data = 'Copy'), 1500);
  }
  return <div class={`md ${cls}`} ref={ref} onClick={onClick} />;
}
