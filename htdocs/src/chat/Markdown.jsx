// A model's Markdown, sanitized (markdown.js), rendered again as it grows:
// at most once per animation frame while tokens arrive. Code blocks get a
// copy button; a click on it copies the block's text.
import { useEffect, useRef } from 'preact/hooks';
import { toHtml, decorate } from './markdown.js';

export function Markdown({ text, class: cls = '' }) {
  const ref = useRef(null);
  const frame = useRef(0);
  useEffect(() => {
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => {
      const el = ref.current;
      if (!el) return;
      el.innerHTML = toHtml(text);
      decorate(el);
    });
    return () => cancelAnimationFrame(frame.current);
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
